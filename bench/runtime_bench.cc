// Copyright 2026 The Pylon Gateway Authors.
// Reactor messaging costs: posting a closure to another reactor versus running it on the caller
// (the baseline), a cross-reactor round trip (Ask), and the SPSC ring between two threads.

#include <atomic>
#include <future>
#include <thread>

#include <benchmark/benchmark.h>

#include "runtime/reactor.h"
#include "runtime/spsc_ring.h"

namespace pylon {
namespace {

// Baseline: the same closure invoked directly, through UniqueFunction.
void BM_DirectCall(benchmark::State& state) {
  uint64_t counter = 0;
  for (auto _ : state) {
    UniqueFunction<void()> fn = [&counter] { ++counter; };
    benchmark::DoNotOptimize(fn);
    fn();
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DirectCall);

// Posts from this thread to one reactor; waits for all to run at the end.
void BM_PostToReactor(benchmark::State& state) {
  Reactor reactor(0, "bench");
  reactor.Start();
  std::atomic<uint64_t> counter{0};
  for (auto _ : state) {
    reactor.Post([&counter] { counter.fetch_add(1, std::memory_order_relaxed); });
  }
  CallBlocking(reactor, [] {});
  state.SetItemsProcessed(state.iterations());
  reactor.Stop();
}
BENCHMARK(BM_PostToReactor)->UseRealTime();

// A round trip: reactor A asks reactor B and gets the answer back; `range(0)` asks in flight.
void BM_AskRoundTrip(benchmark::State& state) {
  ReactorPool pool(2, "bench");
  pool.Start();
  Reactor& a = pool.at(0);
  Reactor& b = pool.at(1);
  const int64_t in_flight = state.range(0);
  for (auto _ : state) {
    std::promise<void> done;
    CallBlocking(a, [&] {
      auto remaining = std::make_shared<int64_t>(in_flight);
      for (int64_t i = 0; i < in_flight; ++i) {
        Ask(
            b, [] { return 1; }, a,
            [remaining, &done](int) {
              if (--*remaining == 0) done.set_value();
            });
      }
    });
    done.get_future().wait();
  }
  state.SetItemsProcessed(state.iterations() * in_flight);
  pool.Stop();
}
BENCHMARK(BM_AskRoundTrip)->Arg(1)->Arg(1000)->UseRealTime();

void BM_SpscRingTransfer(benchmark::State& state) {
  constexpr uint64_t kBatch = 1 << 16;
  SpscRing<uint64_t> ring(1024);
  for (auto _ : state) {
    std::thread consumer([&] {
      uint64_t got = 0;
      while (got < kBatch) {
        if (ring.TryPop()) {
          ++got;
        }
      }
    });
    for (uint64_t i = 0; i < kBatch; ++i) {
      while (!ring.TryPush(uint64_t{i})) {
      }
    }
    consumer.join();
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_SpscRingTransfer)->UseRealTime();

}  // namespace
}  // namespace pylon

BENCHMARK_MAIN();
