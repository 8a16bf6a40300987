// Copyright 2026 The Pylon Gateway Authors.

#include "runtime/unique_function.h"

#include <array>
#include <memory>

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(UniqueFunctionTest, CallsMoveOnlyClosures) {
  auto value = std::make_unique<int>(41);
  UniqueFunction<int(int)> f = [v = std::move(value)](int add) { return *v + add; };
  EXPECT_EQ(f(1), 42);
  UniqueFunction<int(int)> moved = std::move(f);
  EXPECT_FALSE(static_cast<bool>(f));  // NOLINT: checking the moved-from state
  EXPECT_EQ(moved(2), 43);
}

TEST(UniqueFunctionTest, LargeClosuresGoToTheHeapAndAreDestroyed) {
  auto tracker = std::make_shared<int>(0);
  std::array<char, 256> big{};
  big[0] = 7;
  {
    UniqueFunction<int()> f = [tracker, big] { return big[0]; };
    EXPECT_EQ(tracker.use_count(), 2);
    UniqueFunction<int()> g;
    g = std::move(f);
    EXPECT_EQ(g(), 7);
    EXPECT_EQ(tracker.use_count(), 2);
  }
  EXPECT_EQ(tracker.use_count(), 1);
}

}  // namespace
}  // namespace pylon
