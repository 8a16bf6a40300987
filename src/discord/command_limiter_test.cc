// Copyright 2026 The Pylon Gateway Authors.

#include "discord/command_limiter.h"

#include <gtest/gtest.h>

namespace pylon::discord {
namespace {

using namespace std::chrono_literals;

TEST(CommandLimiterTest, AllowsTheLimitPerWindowAndKeepsTheReserveForHeartbeats) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  limiter.SetHeartbeatInterval(41250ms);
  // ceil(60 s / 41.25 s) + 1 = 3 slots kept for heartbeats.
  ASSERT_EQ(limiter.reserve(), 3u);
  for (int i = 0; i < 117; ++i) ASSERT_TRUE(limiter.TryCommand()) << i;
  EXPECT_FALSE(limiter.TryCommand());
  // Heartbeats may use the reserve, and only up to Discord's 120.
  EXPECT_TRUE(limiter.TryHeartbeat());
  EXPECT_TRUE(limiter.TryHeartbeat());
  EXPECT_TRUE(limiter.TryHeartbeat());
  EXPECT_FALSE(limiter.TryHeartbeat());
  EXPECT_FALSE(limiter.TryCommand());
  EXPECT_EQ(limiter.in_window(), 120u);
}

TEST(CommandLimiterTest, HeartbeatsUseFreeSlotsLikeAnyCommand) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  limiter.SetHeartbeatInterval(41250ms);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limiter.TryHeartbeat());
  // 10 heartbeats took ordinary slots: 107 commands remain outside the reserve.
  for (int i = 0; i < 107; ++i) ASSERT_TRUE(limiter.TryCommand()) << i;
  EXPECT_FALSE(limiter.TryCommand());
  EXPECT_TRUE(limiter.TryHeartbeat());
}

TEST(CommandLimiterTest, TheReserveFollowsTheHeartbeatInterval) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  EXPECT_EQ(limiter.reserve(), 3u);  // before HELLO
  limiter.SetHeartbeatInterval(20s);
  EXPECT_EQ(limiter.reserve(), 4u);  // 60 / 20 = 3, + 1
  limiter.SetHeartbeatInterval(21s);
  EXPECT_EQ(limiter.reserve(), 4u);  // ceil(60 / 21) = 3, + 1
  limiter.SetHeartbeatInterval(0s);  // ignored
  EXPECT_EQ(limiter.reserve(), 4u);
  // A heartbeat so fast that its reserve would take the whole limit: half is kept for commands.
  limiter.SetHeartbeatInterval(500ms);
  EXPECT_EQ(limiter.reserve(), 60u);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.TryCommand());
  EXPECT_FALSE(limiter.TryCommand());
}

TEST(CommandLimiterTest, TheWindowRolls) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  limiter.SetHeartbeatInterval(41250ms);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(limiter.TryCommand());
  clock.Advance(30s);
  for (int i = 0; i < 67; ++i) ASSERT_TRUE(limiter.TryCommand());
  EXPECT_FALSE(limiter.TryCommand());
  clock.Advance(30s - 1ms);
  EXPECT_FALSE(limiter.TryCommand());  // the first 50 are 59.999 s old
  clock.Advance(1ms);
  EXPECT_EQ(limiter.in_window(), 67u);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(limiter.TryCommand()) << i;
  EXPECT_FALSE(limiter.TryCommand());
}

TEST(CommandLimiterTest, NextCommandTimeIsWhenTheOldestBlockingSlotExpires) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  limiter.SetHeartbeatInterval(41250ms);
  MonoTime start = clock.Now();
  EXPECT_EQ(limiter.NextCommandTime(), start);  // free now
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(limiter.TryCommand());
    clock.Advance(1s);
  }
  // At t=4 s: 113 more fill the limit outside the reserve.
  for (int i = 0; i < 113; ++i) ASSERT_TRUE(limiter.TryCommand());
  ASSERT_FALSE(limiter.TryCommand());
  EXPECT_EQ(limiter.NextCommandTime(), start + 60s);  // the command sent at t=0 expires
  // Heartbeats in the reserve push the next command further: three more must expire.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(limiter.TryHeartbeat());
  EXPECT_EQ(limiter.NextCommandTime(), start + 63s);  // the one sent at t=3 s
  clock.Advance(start + 63s - clock.Now() - 1ms);
  EXPECT_FALSE(limiter.TryCommand());
  clock.Advance(1ms);
  EXPECT_EQ(limiter.NextCommandTime(), clock.Now());
  EXPECT_TRUE(limiter.TryCommand());
  EXPECT_FALSE(limiter.TryCommand());
}

TEST(CommandLimiterTest, ResetStartsANewWindow) {
  ManualClock clock;
  CommandLimiter limiter(clock);
  for (int i = 0; i < 117; ++i) ASSERT_TRUE(limiter.TryCommand());
  ASSERT_FALSE(limiter.TryCommand());
  limiter.Reset();  // a new connection
  EXPECT_EQ(limiter.in_window(), 0u);
  EXPECT_TRUE(limiter.TryCommand());
}

TEST(CommandLimiterTest, CustomLimitAndWindow) {
  ManualClock clock;
  CommandLimiter limiter(clock, /*limit=*/10, /*window=*/1s);
  limiter.SetHeartbeatInterval(500ms);  // ceil(1 / 0.5) + 1 = 3
  EXPECT_EQ(limiter.reserve(), 3u);
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(limiter.TryCommand());
  EXPECT_FALSE(limiter.TryCommand());
  EXPECT_EQ(limiter.NextCommandTime(), clock.Now() + 1s);
}

}  // namespace
}  // namespace pylon::discord
