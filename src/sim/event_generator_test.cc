// Copyright 2026 The Pylon Gateway Authors.

#include "sim/event_generator.h"

#include <chrono>
#include <cstdio>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "sim/test_util.h"

namespace pylon::sim {
namespace {

using namespace pylon::sim::testing;  // NOLINT: test helpers

// Checks that every payload parses and counts dispatches by name.
class CheckingSink final : public EventSink {
 public:
  void Emit(const Dispatch& dispatch) override {
    ++by_name_[std::string(dispatch.name)];
    ++count_;
    bytes_ += dispatch.json.size();
    hash_ = (hash_ ^ std::hash<std::string>()(dispatch.json)) * 0x100000001B3ull;
    if (dispatch.per_bot_render) return;
    simdjson::dom::element root;
    auto error = parser_.parse(dispatch.json).get(root);
    if (error != simdjson::SUCCESS) {
      ++invalid_;
      if (invalid_ < 5) ADD_FAILURE() << dispatch.name << ": " << dispatch.json.substr(0, 300);
    }
  }
  const std::map<std::string, uint64_t>& by_name() const { return by_name_; }
  uint64_t count() const { return count_; }
  uint64_t invalid() const { return invalid_; }
  uint64_t bytes() const { return bytes_; }
  uint64_t hash() const { return hash_; }

 private:
  simdjson::dom::parser parser_;
  std::map<std::string, uint64_t> by_name_;
  uint64_t count_ = 0, invalid_ = 0, bytes_ = 0, hash_ = 0;
};

// Counts only (for timing).
class CountingSink final : public EventSink {
 public:
  void Emit(const Dispatch& dispatch) override {
    ++count;
    bytes += dispatch.json.size();
  }
  uint64_t count = 0, bytes = 0;
};

WorldConfig GeneratorWorld() {
  WorldConfig config = SmallConfig(5);
  config.guilds = 12;
  config.members = 5000;
  config.max_guild_members = 2000;
  return config;
}

TEST(EventGeneratorTest, KeepsTheWorldConsistentOver100kEvents) {
  ManualClock clock;
  World world(GeneratorWorld(), clock);
  CheckingSink sink;
  world.set_sink(&sink);
  EventGeneratorConfig config;
  config.seed = 99;
  EventGenerator generator(&world, config);
  for (int round = 0; round < 10; ++round) {
    Status status = generator.StepN(10000);
    ASSERT_TRUE(status.ok()) << status.error().ToString();
    clock.Advance(std::chrono::seconds(60));
    Status invariants = world.CheckInvariants();
    ASSERT_TRUE(invariants.ok()) << "after " << (round + 1) * 10000
                                 << " events: " << invariants.error().ToString();
  }
  const EventGeneratorStats& stats = generator.stats();
  EXPECT_EQ(stats.steps, 100000u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(sink.invalid(), 0u);
  EXPECT_GE(sink.count(), 100000u);
  for (size_t k = 0; k < kEventKindCount; ++k) {
    EXPECT_GT(stats.applied[k], 0u) << EventKindName(static_cast<EventKind>(k)) << " never applied";
  }
  // MESSAGE_CREATE dominates.
  EXPECT_GT(stats.applied[static_cast<size_t>(EventKind::kMessageCreate)], 55000u);
  std::printf("[ generator] 100k events: %llu dispatches, %llu fallbacks, %.0f bytes/dispatch\n",
              static_cast<unsigned long long>(sink.count()),
              static_cast<unsigned long long>(stats.fallbacks),
              static_cast<double>(sink.bytes()) / sink.count());
  for (const auto& [name, count] : sink.by_name()) {
    std::printf("[ generator]   %-30s %llu\n", name.c_str(),
                static_cast<unsigned long long>(count));
  }
}

TEST(EventGeneratorTest, IsDeterministic) {
  auto run = [](uint64_t seed) {
    ManualClock clock;
    World world(GeneratorWorld(), clock);
    CheckingSink sink;
    world.set_sink(&sink);
    EventGeneratorConfig config;
    config.seed = seed;
    EventGenerator generator(&world, config);
    EXPECT_TRUE(generator.StepN(5000).ok());
    return std::make_pair(sink.hash(), world.RenderWorldTruth(/*with_messages=*/true));
  };
  auto a = run(3), b = run(3), c = run(4);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_NE(a.first, c.first);
}

TEST(EventGeneratorTest, EveryKindAloneWorksOrFallsBack) {
  for (size_t k = 0; k < kEventKindCount; ++k) {
    ManualClock clock;
    World world(SmallConfig(), clock);
    CheckingSink sink;
    world.set_sink(&sink);
    EventGeneratorConfig config;
    config.mix = EventMix::Only(static_cast<EventKind>(k));
    EventGenerator generator(&world, config);
    Status status = generator.StepN(300);
    EXPECT_TRUE(status.ok()) << EventKindName(static_cast<EventKind>(k)) << ": "
                             << (status.ok() ? "" : status.error().ToString());
    EXPECT_GT(generator.stats().applied[k], 0u) << EventKindName(static_cast<EventKind>(k));
    Status invariants = world.CheckInvariants();
    EXPECT_TRUE(invariants.ok()) << EventKindName(static_cast<EventKind>(k)) << ": "
                                 << (invariants.ok() ? "" : invariants.error().ToString());
    EXPECT_EQ(sink.invalid(), 0u);
  }
}

TEST(EventGeneratorTest, MessageCreateCostIsReported) {
  // Not a timing assertion: prints the cost of generating and rendering MESSAGE_CREATE (see
  // bench/sim_world_bench.cc for the benchmark).
  WorldConfig world_config = GeneratorWorld();
  world_config.guilds = 100;
  world_config.members = 50000;
  ManualClock clock;
  World world(world_config, clock);
  CountingSink sink;
  world.set_sink(&sink);
  EventGeneratorConfig config;
  config.mix = EventMix::Only(EventKind::kMessageCreate);
  EventGenerator generator(&world, config);
  ASSERT_TRUE(generator.StepN(20000).ok());  // warm up: fill the rings
  auto start = std::chrono::steady_clock::now();
  const int n = 200000;
  ASSERT_TRUE(generator.StepN(n).ok());
  double ns =
      std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
      n;
  std::printf("[ generator] MESSAGE_CREATE generate+apply+render: %.0f ns/event, %.0f bytes\n", ns,
              static_cast<double>(sink.bytes) / sink.count);
}

}  // namespace
}  // namespace pylon::sim
