// Copyright 2026 The Pylon Gateway Authors.
// Simulator world: the cost of generating, applying and rendering events, and of building a world.
//   scripts/build release sim_world_bench && build/release/bench/sim_world_bench

#include <benchmark/benchmark.h>

#include "base/clock.h"
#include "base/heap_usage.h"
#include "sim/event_generator.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

class NullSink final : public EventSink {
 public:
  void Emit(const Dispatch& dispatch) override { benchmark::DoNotOptimize(dispatch.json.data()); }
};

WorldConfig BenchWorld() {
  WorldConfig config;
  config.guilds = 100;
  config.members = 50000;
  config.max_guild_members = 10000;
  return config;
}

// One MESSAGE_CREATE: pick targets, make content, apply, render the dispatch.
void BM_MessageCreate(benchmark::State& state) {
  ManualClock clock;
  World world(BenchWorld(), clock);
  NullSink sink;
  if (state.range(0)) world.set_sink(&sink);
  EventGeneratorConfig config;
  config.mix = EventMix::Only(EventKind::kMessageCreate);
  EventGenerator generator(&world, config);
  (void)generator.StepN(20000);  // fill the rings
  for (auto _ : state) {
    auto kind = generator.Step();
    benchmark::DoNotOptimize(kind);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MessageCreate)->Arg(1)->ArgName("rendered");
BENCHMARK(BM_MessageCreate)->Arg(0)->ArgName("rendered");

// The default event mix.
void BM_DefaultMix(benchmark::State& state) {
  ManualClock clock;
  World world(BenchWorld(), clock);
  NullSink sink;
  world.set_sink(&sink);
  EventGenerator generator(&world, EventGeneratorConfig{});
  (void)generator.StepN(20000);
  for (auto _ : state) {
    auto kind = generator.Step();
    benchmark::DoNotOptimize(kind);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DefaultMix);

// Rendering one held message into a reused string.
void BM_RenderMessage(benchmark::State& state) {
  ManualClock clock;
  WorldConfig config = BenchWorld();
  config.messages_per_channel = 1;
  World world(config, clock);
  const Guild& guild = *world.guilds()[0];
  const Channel* channel = nullptr;
  for (const Channel& c : guild.channels) {
    if (!c.messages.empty()) channel = &c;
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    JsonWriter w(&out);
    world.WriteMessage(w, guild, *channel, channel->messages.at(0));
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(out.size()));
}
BENCHMARK(BM_RenderMessage);

size_t HeapBytes() { return HeapAllocatedBytes(); }

// Building a world of state.range(0) members over 1,000 guilds. Counters: `heap_MB`, the heap the
// world holds once built (the allocator's count of allocated bytes, users and indexes included),
// and `heap_B_per_member`.
void BM_BuildWorld(benchmark::State& state) {
  WorldConfig config;
  config.guilds = 1000;
  config.members = static_cast<uint64_t>(state.range(0));
  config.max_guild_members = 100000;
  ManualClock clock;
  double heap = 0;
  for (auto _ : state) {
    const size_t before = HeapBytes();
    World world(config, clock);
    benchmark::DoNotOptimize(world.guilds().data());
    heap = static_cast<double>(HeapBytes() - before);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  state.counters["heap_MB"] = heap / 1e6;
  state.counters["heap_B_per_member"] = heap / static_cast<double>(state.range(0));
}
BENCHMARK(BM_BuildWorld)->Arg(100000)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylon::sim
BENCHMARK_MAIN();
