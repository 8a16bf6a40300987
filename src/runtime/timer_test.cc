// Copyright 2026 The Pylon Gateway Authors.

#include <atomic>
#include <chrono>
#include <future>
#include <vector>

#include <gtest/gtest.h>

#include "runtime/reactor.h"

namespace pylon {
namespace {

using namespace std::chrono_literals;

TEST(TimerTest, FiresInDeadlineOrder) {
  Reactor reactor(0, "timers");
  reactor.Start();
  std::vector<int> order;
  std::promise<void> done;
  std::vector<std::unique_ptr<Timer>> timers;
  CallBlocking(reactor, [&] {
    for (int i : {3, 1, 2}) {
      auto timer = std::make_unique<Timer>(reactor);
      timer->RunAfter(std::chrono::milliseconds(i * 20), [&order, &done, i] {
        order.push_back(i);
        if (order.size() == 3) done.set_value();
      });
      timers.push_back(std::move(timer));
    }
  });
  done.get_future().get();
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  CallBlocking(reactor, [&] { timers.clear(); });
  reactor.Stop();
}

TEST(TimerTest, CancelAndDestroyPreventTheCallback) {
  Reactor reactor(0, "cancel");
  reactor.Start();
  std::atomic<int> fired{0};
  auto kept = CallBlocking(reactor, [&] {
    auto cancelled = std::make_unique<Timer>(reactor);
    cancelled->RunAfter(10ms, [&] { fired.fetch_add(1); });
    EXPECT_TRUE(cancelled->pending());
    cancelled->Cancel();
    EXPECT_FALSE(cancelled->pending());
    {
      Timer destroyed(reactor);
      destroyed.RunAfter(10ms, [&] { fired.fetch_add(10); });
    }
    auto rearmed = std::make_unique<Timer>(reactor);
    rearmed->RunAfter(10ms, [&] { fired.fetch_add(100); });
    rearmed->RunAfter(20ms, [&] { fired.fetch_add(1000); });  // replaces the first callback
    return std::make_pair(std::move(cancelled), std::move(rearmed));
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(fired.load(), 1000);
  CallBlocking(reactor, [&] { kept.reset(); });
  reactor.Stop();
}

TEST(TimerTest, CallbackMayRearmItsOwnTimer) {
  Reactor reactor(0, "rearm");
  reactor.Start();
  std::promise<int> done;
  Timer* timer = nullptr;
  int ticks = 0;
  std::function<void()> tick = [&] {
    if (++ticks == 5) {
      done.set_value(ticks);
      return;
    }
    timer->RunAfter(1ms, [&] { tick(); });
  };
  CallBlocking(reactor, [&] {
    timer = new Timer(reactor);
    timer->RunAfter(1ms, [&] { tick(); });
  });
  EXPECT_EQ(done.get_future().get(), 5);
  CallBlocking(reactor, [&] { delete timer; });
  reactor.Stop();
}

TEST(TimerTest, PendingTimersDoNotBlockStop) {
  Reactor reactor(0, "pending");
  reactor.Start();
  std::atomic<bool> fired{false};
  std::unique_ptr<Timer> timer;
  CallBlocking(reactor, [&] {
    timer = std::make_unique<Timer>(reactor);
    timer->RunAfter(std::chrono::hours(1), [&] { fired = true; });
  });
  auto start = std::chrono::steady_clock::now();
  reactor.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_FALSE(fired.load());
  timer.reset();  // the reactor is stopped: destroying the timer off-thread is safe now
}

}  // namespace
}  // namespace pylon
