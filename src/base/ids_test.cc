// Copyright 2026 The Pylon Gateway Authors.

#include "base/ids.h"

#include <unordered_set>

#include <gtest/gtest.h>

namespace pylon {
namespace {

TEST(SnowflakeTest, DecodesTheDocumentedExample) {
  // Discord's reference example: 175928847299117063 was made at 2016-04-30 11:18:25.796 UTC.
  Snowflake id(175928847299117063ull);
  EXPECT_EQ(id.timestamp_ms(), 1462015105796);
  EXPECT_EQ(id.worker_id(), 1u);
  EXPECT_EQ(id.process_id(), 0u);
  EXPECT_EQ(id.increment(), 7u);
}

TEST(SnowflakeTest, FromTimestampRoundTrips) {
  Snowflake id = Snowflake::FromTimestampMs(1462015105796);
  EXPECT_EQ(id.timestamp_ms(), 1462015105796);
  EXPECT_EQ(id.increment(), 0u);
  EXPECT_LT(id, Snowflake(175928847299117063ull));
}

TEST(SnowflakeTest, ParsesDecimal) {
  EXPECT_EQ(Snowflake::Parse("175928847299117063")->value(), 175928847299117063ull);
  EXPECT_EQ(Snowflake::Parse("0")->value(), 0u);
  EXPECT_EQ(Snowflake::Parse("18446744073709551615")->value(), 18446744073709551615ull);
}

TEST(SnowflakeTest, RejectsMalformed) {
  for (const char* bad :
       {"", "-1", "12a", " 12", "18446744073709551616", "null", "123456789012345678901", "1.5"}) {
    auto parsed = Snowflake::Parse(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    if (!parsed.ok()) {
      EXPECT_EQ(parsed.error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(TypedIdTest, KeepsKindsApartAndHashes) {
  GuildId guild(41771983423143937ull);
  ChannelId channel(41771983423143937ull);
  EXPECT_EQ(guild.value(), channel.value());
  static_assert(!std::is_convertible_v<GuildId, ChannelId>);
  std::unordered_set<GuildId> set{guild, GuildId(1)};
  EXPECT_EQ(set.size(), 2u);
  EXPECT_EQ(GuildId::Parse("41771983423143937")->value(), 41771983423143937ull);
  EXPECT_FALSE(GuildId::Parse("x").ok());
}

TEST(ShardForTest, FollowsDiscordsFormula) {
  GuildId guild(41771983423143937ull);
  // (41771983423143937 >> 22) = 9959229001; % 16 = 9.
  EXPECT_EQ(shard_for(guild, 16).value(), (41771983423143937ull >> 22) % 16);
  EXPECT_EQ(shard_for(guild, 1).value(), 0u);
  EXPECT_EQ(shard_for(GuildId(0), 8).value(), 0u);  // guild-less events: shard 0
  // Every guild maps inside the range.
  for (uint64_t i = 1; i < 5000; ++i) {
    GuildId g(Snowflake::FromTimestampMs(kDiscordEpochMs + i * 7919).value());
    EXPECT_LT(shard_for(g, 7).value(), 7u);
  }
}

}  // namespace
}  // namespace pylon
