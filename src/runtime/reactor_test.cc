// Copyright 2026 The Pylon Gateway Authors.

#include "runtime/reactor.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(ReactorTest, RunsPostsInOrderOnItsOwnThread) {
  Reactor reactor(0, "order");
  reactor.Start();
  std::vector<int> seen;  // touched only on the reactor
  std::thread::id reactor_thread;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(reactor.Post([&seen, &reactor_thread, &reactor, i] {
      EXPECT_TRUE(reactor.IsCurrent());
      reactor_thread = std::this_thread::get_id();
      seen.push_back(i);
    }));
  }
  auto size = CallBlocking(reactor, [&] { return seen.size(); });
  ASSERT_TRUE(size.has_value());
  EXPECT_EQ(*size, 1000u);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(seen[i], i);
  EXPECT_NE(reactor_thread, std::this_thread::get_id());
  EXPECT_FALSE(reactor.IsCurrent());
  EXPECT_EQ(Reactor::Current(), nullptr);
  reactor.Stop();
}

TEST(ReactorTest, AskRoundTripsBetweenReactors) {
  ReactorPool pool(2, "ask");
  pool.Start();
  Reactor& a = pool.at(0);
  Reactor& b = pool.at(1);
  std::promise<std::pair<int, bool>> answer;
  a.Post([&] {
    Ask(
        b, [&] { return b.IsCurrent() ? 42 : -1; }, a,
        [&](int value) {
          answer.set_value({value, a.IsCurrent()});
        });
  });
  auto [value, on_a] = answer.get_future().get();
  EXPECT_EQ(value, 42);
  EXPECT_TRUE(on_a);

  // void-returning asks too.
  std::promise<void> done;
  bool ran_on_b = false;
  Ask(
      b, [&] { ran_on_b = b.IsCurrent(); }, a, [&] { done.set_value(); });
  done.get_future().get();
  EXPECT_TRUE(ran_on_b);
}

TEST(ReactorTest, StopRunsQueuedWorkAndRefusesNewWork) {
  Reactor reactor(0, "stop");
  reactor.Start();
  std::atomic<int> ran{0};
  // Block the reactor so that work piles up behind it.
  std::promise<void> release;
  auto released = release.get_future().share();
  reactor.Post([released] { released.wait(); });
  for (int i = 0; i < 10000; ++i) reactor.Post([&ran] { ran.fetch_add(1); });
  std::thread stopper([&] { reactor.Stop(); });
  // Stop() must refuse new posts right away, even while queued work waits.
  while (reactor.Post([] {})) std::this_thread::yield();
  release.set_value();
  stopper.join();
  EXPECT_EQ(ran.load(), 10000);  // everything queued before Stop() ran
  int refused_ran = 0;
  EXPECT_FALSE(reactor.Post([&refused_ran] { ++refused_ran; }));
  EXPECT_EQ(refused_ran, 0);
  reactor.Stop();  // idempotent
}

TEST(ReactorTest, WorkInFlightAcrossReactorsAtShutdownIsDestroyedNotRun) {
  // Reactors ping-pong forever; stopping the pool must end the chain cleanly (no crash, no leak,
  // no hang) with captured state released.
  auto pool = std::make_unique<ReactorPool>(2, "pingpong");
  pool->Start();
  auto token = std::make_shared<int>(0);
  std::atomic<uint64_t> hops{0};
  std::function<void(int)> hop;
  hop = [&](int where) {
    hops.fetch_add(1);
    Reactor& next = pool->at(1 - where);
    next.Post([&hop, where, token] { hop(1 - where); });
  };
  pool->at(0).Post([&] { hop(0); });
  while (hops.load() < 1000) std::this_thread::yield();
  pool->Stop();
  pool.reset();
  EXPECT_EQ(token.use_count(), 1);  // every closure holding it was destroyed
  EXPECT_GE(hops.load(), 1000u);
}

TEST(ReactorTest, CallBlockingReportsRefusal) {
  Reactor reactor(0, "refuse");
  reactor.Start();
  reactor.Stop();
  auto result = CallBlocking(reactor, [] { return 1; });
  EXPECT_FALSE(result.has_value());
}

TEST(ReactorStressTest, ManyProducersManyReactors) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 50000;
  ReactorPool pool(3, "stress");
  pool.Start();
  // Each reactor keeps, per producer, the last value seen: per-producer order must hold.
  struct PerReactor {
    std::vector<int> last = std::vector<int>(kProducers, -1);
    uint64_t count = 0;
    bool in_order = true;
  };
  std::vector<PerReactor> state(pool.size());
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kPerProducer; ++i) {
        uint32_t r = static_cast<uint32_t>(i) % pool.size();
        PerReactor* s = &state[r];
        pool.at(r).Post([s, p, i] {
          if (s->last[p] >= i) s->in_order = false;
          s->last[p] = i;
          ++s->count;
        });
      }
    });
  }
  for (auto& t : producers) t.join();
  uint64_t total = 0;
  for (uint32_t r = 0; r < pool.size(); ++r) {
    auto result = CallBlocking(
        pool.at(r), [&, r] { return std::make_pair(state[r].count, state[r].in_order); });
    ASSERT_TRUE(result.has_value());
    total += result->first;
    EXPECT_TRUE(result->second) << "reactor " << r;
  }
  EXPECT_EQ(total, uint64_t{kProducers} * kPerProducer);
  pool.Stop();
}

}  // namespace
}  // namespace pylon
