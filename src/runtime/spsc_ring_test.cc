// Copyright 2026 The Pylon Gateway Authors.

#include "runtime/spsc_ring.h"

#include <memory>
#include <thread>

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(SpscRingTest, FifoAndBounded) {
  SpscRing<int> ring(3);  // rounded up to 4
  EXPECT_EQ(ring.capacity(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_TRUE(ring.TryPush(int{i}));
  int extra = 99;
  EXPECT_FALSE(ring.TryPush(extra));
  EXPECT_EQ(extra, 99);  // untouched when full
  for (int i = 0; i < 4; ++i) EXPECT_EQ(ring.TryPop(), i);
  EXPECT_FALSE(ring.TryPop().has_value());
}

TEST(SpscRingTest, MoveOnlyItemsAreReleased) {
  SpscRing<std::unique_ptr<int>> ring(8);
  auto shared = std::make_shared<int>(1);
  ASSERT_TRUE(ring.TryPush(std::make_unique<int>(5)));
  auto popped = ring.TryPop();
  ASSERT_TRUE(popped.has_value());
  EXPECT_EQ(**popped, 5);
  SpscRing<std::shared_ptr<int>> holder(4);
  ASSERT_TRUE(holder.TryPush(std::shared_ptr<int>(shared)));
  EXPECT_EQ(shared.use_count(), 2);
  holder.TryPop();
  EXPECT_EQ(shared.use_count(), 1);  // popped slots do not keep a copy
}

TEST(SpscRingStressTest, TwoThreadsKeepOrder) {
  constexpr uint64_t kItems = 2'000'000;
  SpscRing<uint64_t> ring(1024);
  std::thread producer([&] {
    for (uint64_t i = 0; i < kItems; ++i) {
      while (!ring.TryPush(uint64_t{i})) std::this_thread::yield();
    }
  });
  uint64_t expected = 0;
  bool ordered = true;
  while (expected < kItems) {
    auto item = ring.TryPop();
    if (!item) {
      std::this_thread::yield();
      continue;
    }
    if (*item != expected) ordered = false;
    ++expected;
  }
  producer.join();
  EXPECT_TRUE(ordered);
  EXPECT_TRUE(ring.empty());
}

}  // namespace
}  // namespace pylon
