// Copyright 2026 The Pylon Gateway Authors.

#include "base/clock.h"

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(ManualClockTest, MovesOnlyWhenAdvanced) {
  ManualClock clock(1'000'000);
  MonoTime start = clock.Now();
  EXPECT_EQ(clock.UnixMs(), 1'000'000);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(milliseconds(1500));
  EXPECT_EQ(clock.Now() - start, milliseconds(1500));
  EXPECT_EQ(clock.UnixMs(), 1'001'500);
}

TEST(SystemClockTest, IsMonotonicAndCurrent) {
  Clock& clock = SystemClock();
  MonoTime a = clock.Now();
  MonoTime b = clock.Now();
  EXPECT_LE(a, b);
  EXPECT_GT(clock.UnixMs(), 1'700'000'000'000);  // after November 2023
}

}  // namespace
}  // namespace pylon
