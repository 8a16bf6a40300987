// Copyright 2026 The Pylon Gateway Authors.
// World generation: determinism, sizes, referential integrity, ids, and the 1M-member build.

#include "sim/world.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include <gtest/gtest.h>

#include "sim/test_util.h"
#include "sim/timestamp.h"

namespace pylon::sim {
namespace {

using testing::SmallConfig;

TEST(TimestampTest, FormatsLikeDiscord) {
  EXPECT_EQ(IsoTimestamp(1650740605927), "2022-04-23T19:03:25.927000+00:00");
  EXPECT_EQ(IsoTimestamp(0), "1970-01-01T00:00:00.000000+00:00");
  EXPECT_EQ(IsoTimestamp(951868799999), "2000-02-29T23:59:59.999000+00:00");
  EXPECT_EQ(IsoTimestamp(kDiscordEpochMs), "2015-01-01T00:00:00.000000+00:00");
}

TEST(WorldGenerateTest, SameConfigGivesTheSameWorld) {
  ManualClock clock;
  World a(SmallConfig(11), clock);
  World b(SmallConfig(11), clock);
  EXPECT_EQ(a.RenderWorldTruth(/*with_messages=*/true), b.RenderWorldTruth(true));
  World c(SmallConfig(12), clock);
  EXPECT_NE(a.RenderWorldTruth(true), c.RenderWorldTruth(true));
}

TEST(WorldGenerateTest, InvariantsHold) {
  ManualClock clock;
  World world(SmallConfig(), clock);
  Status status = world.CheckInvariants();
  EXPECT_TRUE(status.ok()) << status.error().ToString();
}

TEST(WorldGenerateTest, SizesFollowTheConfig) {
  ManualClock clock;
  WorldConfig config = SmallConfig();
  World world(config, clock);
  WorldStats stats = world.Stats();
  EXPECT_EQ(stats.guilds, config.guilds);
  EXPECT_EQ(stats.bots, config.bots);
  // Human members as configured (within rounding), plus every bot in every guild.
  EXPECT_NEAR(static_cast<double>(stats.members),
              static_cast<double>(config.members + config.bots * config.guilds), config.guilds);
  uint32_t largest = 0, smallest = UINT32_MAX;
  for (const auto& g : world.guilds()) {
    largest = std::max(largest, g->member_count());
    smallest = std::min(smallest, g->member_count());
    uint32_t plain = 0;
    for (const Channel& c : g->channels) plain += !IsThread(c.type);
    EXPECT_GE(plain, std::max<uint32_t>(2, config.channels.min));
    EXPECT_LE(plain, config.channels.max);
    EXPECT_LE(g->emojis.size(), config.emojis.max);
    // @everyone + own roles + one managed role per bot.
    EXPECT_GE(g->roles.size(), 1 + config.roles.min + config.bots);
    EXPECT_LE(g->roles.size(), 1 + config.roles.max + config.bots);
    EXPECT_GE(g->bans.size(), config.bans.min);
    EXPECT_GE(g->invites.size(), config.invites.min);
  }
  EXPECT_LE(largest, config.max_guild_members + config.bots);
  EXPECT_GT(largest, 3 * smallest) << "sizes should be skewed: a few big, many small";
  // Presence mix: roughly the configured online share among humans.
  double online_share = static_cast<double>(stats.online_members) / stats.members;
  EXPECT_GT(online_share, 0.25);
  EXPECT_LT(online_share, 0.50);
  EXPECT_GT(stats.voice_states, 0u);
  EXPECT_GT(stats.threads, 0u);
  EXPECT_GT(stats.messages, 0u);
}

TEST(WorldGenerateTest, EveryGuildHasEveryoneRoleAndEveryMemberAUser) {
  ManualClock clock;
  World world(SmallConfig(), clock);
  for (const auto& g : world.guilds()) {
    const Role* everyone = g->FindRole(RoleId(g->id.value()));
    ASSERT_NE(everyone, nullptr);
    EXPECT_EQ(everyone->name, "@everyone");
    EXPECT_EQ(everyone->position, 0);
    for (const Member& m : g->members) {
      ASSERT_LT(m.user, world.users().size());
      EXPECT_NE(world.FindUser(world.user(m.user).id), nullptr);
    }
    EXPECT_NE(g->FindMember(g->owner), nullptr);
    for (const Bot& bot : world.bots()) {
      EXPECT_NE(g->FindMember(bot.id), nullptr) << "every bot is in every guild by default";
    }
  }
}

TEST(WorldGenerateTest, SnowflakesAreRealisticAndUnique) {
  ManualClock clock;
  WorldConfig config = SmallConfig();
  World world(config, clock);
  std::set<uint64_t> ids;
  auto check = [&](uint64_t id, const char* what) {
    EXPECT_TRUE(ids.insert(id).second) << "duplicate " << what << " id " << id;
    int64_t ms = Snowflake(id).timestamp_ms();
    EXPECT_GE(ms, 1420070400000) << what;
    EXPECT_LE(ms, config.now_unix_ms + 1000) << what;
  };
  UserId previous;
  for (const User& u : world.users()) {
    check(u.id.value(), "user");
    EXPECT_LT(previous, u.id) << "users are made in id order";
    previous = u.id;
  }
  for (const auto& g : world.guilds()) {
    check(g->id.value(), "guild");
    for (const Role& r : g->roles) {
      if (r.id.value() != g->id.value()) check(r.id.value(), "role");
    }
    for (const Channel& c : g->channels) {
      check(c.id.value(), "channel");
      EXPECT_GE(c.id.timestamp_ms(), g->id.timestamp_ms()) << "channels come after their guild";
      for (size_t i = 0; i < c.messages.size(); ++i) check(c.messages.at(i).id.value(), "message");
    }
    for (const Emoji& e : g->emojis) check(e.id.value(), "emoji");
    for (const Member& m : g->members) {
      EXPECT_GE(m.joined_ms, g->id.timestamp_ms());
      EXPECT_LE(m.joined_ms, config.now_unix_ms);
    }
  }
  // Users span the years since 2015.
  EXPECT_LT(world.users().front().id.timestamp_ms(), 1451606400000);  // before 2016
}

TEST(WorldGenerateTest, BotsHaveTokensAndAllowedIntents) {
  ManualClock clock;
  WorldConfig config = SmallConfig();
  config.bot_allowed_intents = {intent::kAllDefined & ~intent::kPrivileged};
  World world(config, clock);
  ASSERT_EQ(world.bots().size(), 2u);
  const Bot& first = world.bots()[0];
  EXPECT_EQ(first.allowed_intents & intent::kPrivileged, 0u);
  EXPECT_EQ(world.bots()[1].allowed_intents, intent::kAllDefined);
  EXPECT_EQ(first.application.value(), first.id.value());
  EXPECT_EQ(std::count(first.token.reveal().begin(), first.token.reveal().end(), '.'), 2);
  EXPECT_EQ(world.FindBotByToken(first.token.reveal()), &first);
  EXPECT_EQ(world.FindBotByToken("nope"), nullptr);
  EXPECT_TRUE(world.user(first.user).bot);
  EXPECT_EQ(first.guilds.size(), config.guilds);
  EXPECT_EQ(first.rest_global_limit, 50u);
}

TEST(WorldGenerateTest, BotsCanBeInSomeGuildsOnly) {
  ManualClock clock;
  WorldConfig config = SmallConfig();
  config.guilds = 40;
  config.every_bot_in_every_guild = false;
  config.bot_guild_share = 0.5;
  World world(config, clock);
  for (const Bot& bot : world.bots()) {
    EXPECT_GT(bot.guilds.size(), 5u);
    EXPECT_LT(bot.guilds.size(), 35u);
  }
  EXPECT_TRUE(world.CheckInvariants().ok());
}

TEST(WorldGenerateTest, LookupsFindWhatExists) {
  ManualClock clock;
  World world(SmallConfig(), clock);
  const Guild& g = *world.guilds()[0];
  EXPECT_EQ(world.FindGuild(g.id), &g);
  EXPECT_EQ(world.FindGuild(GuildId(1)), nullptr);
  const Channel& c = g.channels[0];
  const Guild* owner = nullptr;
  EXPECT_EQ(world.FindChannel(c.id, &owner), &c);
  EXPECT_EQ(owner, &g);
  EXPECT_EQ(world.FindChannel(ChannelId(2)), nullptr);
  EXPECT_EQ(world.FindRole(g.id, RoleId(g.id.value())), &g.roles[0]);
  UserId member_user = world.user(g.members[0].user).id;
  EXPECT_EQ(world.FindMember(g.id, member_user), &g.members[0]);
  for (const Channel& ch : g.channels) {
    if (!ch.messages.empty()) {
      EXPECT_EQ(world.FindMessage(ch.id, ch.messages.at(0).id), &ch.messages.at(0));
      EXPECT_EQ(world.FindMessage(ch.id, MessageId(3)), nullptr);
    }
  }
  ASSERT_FALSE(g.invites.empty());
  EXPECT_EQ(world.FindInvite(g.invites[0].code), &g.invites[0]);
}

// Resident set size of this process in bytes (Linux).
uint64_t RssBytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stoull(line.substr(6)) * 1024;
  }
  return 0;
}

TEST(WorldScaleTest, BuildsOneMillionMembersOverOneThousandGuilds) {
  WorldConfig config;
  config.seed = 2026;
  config.bots = 1;
  config.guilds = 1000;
  config.members = 1000000;
  config.max_guild_members = 100000;
  ManualClock clock;
  uint64_t rss_before = RssBytes();
  auto start = std::chrono::steady_clock::now();
  World world(config, clock);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  uint64_t rss_after = RssBytes();
  WorldStats stats = world.Stats();
  std::printf(
      "[ scale    ] 1M members / 1000 guilds: built in %.2f s; RSS +%.0f MiB; model ~%.0f MiB "
      "(%.0f bytes/member); users %llu, members %llu, channels %llu, threads %llu, "
      "online %llu, voice %llu\n",
      seconds, (rss_after - rss_before) / 1048576.0, stats.approx_bytes / 1048576.0,
      static_cast<double>(stats.approx_bytes) / stats.members,
      static_cast<unsigned long long>(stats.users), static_cast<unsigned long long>(stats.members),
      static_cast<unsigned long long>(stats.channels),
      static_cast<unsigned long long>(stats.threads),
      static_cast<unsigned long long>(stats.online_members),
      static_cast<unsigned long long>(stats.voice_states));
  EXPECT_NEAR(static_cast<double>(stats.members), 1001000.0, 1000.0);
  uint32_t largest = 0;
  for (const auto& g : world.guilds()) largest = std::max(largest, g->member_count());
  EXPECT_LE(largest, 100001u);
  EXPECT_LT(stats.approx_bytes, uint64_t{1} << 30);
  start = std::chrono::steady_clock::now();
  Status status = world.CheckInvariants();
  EXPECT_TRUE(status.ok()) << status.error().ToString();
  std::printf("[ scale    ] CheckInvariants: %.2f s\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
}

}  // namespace
}  // namespace pylon::sim
