// Copyright 2026 The Pylon Gateway Authors.
// Permission computation (discord-protocol.md §9), through ShardCache::ComputePermissions.

#include "cache/permissions.h"

#include <gtest/gtest.h>

#include "base/clock.h"
#include "cache/cache_test_util.h"
#include "cache/shard_cache.h"

namespace pylon::cache {
namespace {

using namespace test_util;   // NOLINT
using namespace permission;  // NOLINT

class PermissionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_.SetClock(&clock_);
    cache_.ApplyReady(MakeReady());
    auto event = MakeGuildCreate();
    cache_.ApplyGuildCreate(event, nullptr);
  }

  // Sets the overwrites of a channel.
  void SetOverwrites(uint64_t channel, discord::ChannelType type,
                     std::vector<discord::Overwrite> overwrites, uint64_t parent = 0) {
    discord::ChannelEvent update{MakeChannel(channel, kGuild, type, parent)};
    update.channel.overwrites = std::move(overwrites);
    cache_.ApplyChannelUpdate(update, nullptr, nullptr);
  }

  void SetMember(discord::Member member) {
    discord::MemberEvent update{GuildId(kGuild), std::move(member)};
    cache_.ApplyMemberUpdate(update, nullptr, nullptr);
  }

  uint64_t Perms(uint64_t user, std::optional<uint64_t> channel = std::nullopt) {
    std::optional<ChannelId> c;
    if (channel) c = ChannelId(*channel);
    auto p = cache_.ComputePermissions(GuildId(kGuild), UserId(user), c);
    EXPECT_TRUE(p.has_value());
    return p.value_or(~0ull);
  }

  ManualClock clock_;
  ShardCache cache_{BotId(kBot), AllKinds()};
};

TEST_F(PermissionsTest, OwnerHasEverything) {
  EXPECT_EQ(Perms(kOwner), kAll);
  SetOverwrites(kText, discord::ChannelType::kGuildText, {{kOwner, 1, 0, kViewChannel}});
  EXPECT_EQ(Perms(kOwner, kText), kAll);
}

TEST_F(PermissionsTest, EveryoneAndRolesAreOred) {
  EXPECT_EQ(Perms(kBob), kEveryonePermissions);
  EXPECT_EQ(Perms(kAlice), kEveryonePermissions | (1ull << 1));  // + mod's KICK_MEMBERS
}

TEST_F(PermissionsTest, AdministratorHasEverythingAndSkipsOverwrites) {
  EXPECT_EQ(Perms(kCarol), kAll);
  SetOverwrites(kText, discord::ChannelType::kGuildText,
                {{kGuild, 0, 0, kViewChannel}, {kCarol, 1, 0, kViewChannel}});
  EXPECT_EQ(Perms(kCarol, kText), kAll);
}

TEST_F(PermissionsTest, OverwritesApplyEveryoneThenRolesThenMember) {
  // @everyone denies SEND; mod allows it back.
  SetOverwrites(kText, discord::ChannelType::kGuildText,
                {{kGuild, 0, 0, kSendMessages}, {kMod, 0, kSendMessages, 0}});
  EXPECT_EQ(Perms(kBob, kText) & kSendMessages, 0u);
  EXPECT_NE(Perms(kAlice, kText) & kSendMessages, 0u);
  // The member's own overwrite comes last and wins over the role's allow.
  SetOverwrites(
      kText, discord::ChannelType::kGuildText,
      {{kGuild, 0, 0, kSendMessages}, {kMod, 0, kSendMessages, 0}, {kAlice, 1, 0, kSendMessages}});
  EXPECT_EQ(Perms(kAlice, kText) & kSendMessages, 0u);
  // A member overwrite allows what @everyone denied.
  SetOverwrites(kText, discord::ChannelType::kGuildText,
                {{kGuild, 0, 0, kSendMessages}, {kBob, 1, kSendMessages, 0}});
  EXPECT_NE(Perms(kBob, kText) & kSendMessages, 0u);
}

TEST_F(PermissionsTest, RoleOverwritesAreOredAllowWinsOverDeny) {
  // Alice has two roles: one denies ATTACH_FILES, the other allows it: allow_all is applied after
  // deny_all, so she has it.
  SetMember(MakeMember(kAlice, "Alice", {kMod, 12}));
  SetOverwrites(kText, discord::ChannelType::kGuildText,
                {{kMod, 0, 0, kAttachFiles}, {12, 0, kAttachFiles, 0}});
  EXPECT_NE(Perms(kAlice, kText) & kAttachFiles, 0u);
  // Bob has neither role: unaffected by them.
  EXPECT_EQ(Perms(kBob, kText) & kAttachFiles, 0u);
}

TEST_F(PermissionsTest, NoViewChannelMeansNothing) {
  SetOverwrites(kText, discord::ChannelType::kGuildText, {{kGuild, 0, 0, kViewChannel}});
  EXPECT_EQ(Perms(kBob, kText), 0u);
  EXPECT_EQ(Perms(kAlice, kText), 0u);
  EXPECT_EQ(Perms(kBob), kEveryonePermissions);  // guild level unaffected
}

TEST_F(PermissionsTest, NoSendMessagesDropsWhatNeedsIt) {
  SetOverwrites(kText, discord::ChannelType::kGuildText, {{kGuild, 0, 0, kSendMessages}});
  const uint64_t p = Perms(kBob, kText);
  EXPECT_EQ(p & kEmbedLinks, 0u);
  EXPECT_NE(p & kReadMessageHistory, 0u);
}

TEST_F(PermissionsTest, VoiceWithoutConnect) {
  SetOverwrites(kVoice, discord::ChannelType::kGuildVoice, {{kGuild, 0, 0, kConnect}});
  EXPECT_EQ(Perms(kBob, kVoice) & kConnect, 0u);
  EXPECT_NE(Perms(kBob, kVoice) & kViewChannel, 0u);
}

TEST_F(PermissionsTest, TimedOutMembersKeepOnlyViewAndHistory) {
  discord::Member alice = MakeMember(kAlice, "Alice", {kMod});
  alice.communication_disabled_until = (clock_.UnixMs() + 60'000) * 1000;
  SetMember(alice);
  EXPECT_EQ(Perms(kAlice, kText), kViewChannel | kReadMessageHistory);
  EXPECT_EQ(Perms(kAlice), kViewChannel | kReadMessageHistory);
  pb::MemberData member;
  ASSERT_TRUE(cache_.GetMember(GuildId(kGuild), UserId(kAlice), &member));
  EXPECT_EQ(member.permissions(), kViewChannel | kReadMessageHistory);
  // Expired.
  clock_.Advance(std::chrono::minutes(2));
  EXPECT_EQ(Perms(kAlice), kEveryonePermissions | (1ull << 1));
  // Admins and the owner are exempt.
  discord::Member carol = MakeMember(kCarol, "carol", {kAdmin});
  carol.communication_disabled_until = (clock_.UnixMs() + 60'000) * 1000;
  SetMember(carol);
  EXPECT_EQ(Perms(kCarol, kText), kAll);
  discord::Member owner = MakeMember(kOwner, "owner");
  owner.communication_disabled_until = (clock_.UnixMs() + 60'000) * 1000;
  SetMember(owner);
  EXPECT_EQ(Perms(kOwner, kText), kAll);
}

TEST_F(PermissionsTest, ThreadsUseTheParentChannel) {
  SetOverwrites(kText, discord::ChannelType::kGuildText,
                {{kGuild, 0, 0, kViewChannel}, {kMod, 0, kViewChannel, 0}});
  EXPECT_EQ(Perms(kBob, kThread), 0u);
  EXPECT_EQ(Perms(kAlice, kThread), Perms(kAlice, kText) & ~kNeedsSend);
  EXPECT_NE(Perms(kAlice, kThread) & kViewChannel, 0u);
  // In a thread, SEND_MESSAGES_IN_THREADS gates what needs sending.
  EXPECT_EQ(Perms(kAlice, kThread) & kEmbedLinks, 0u);
  EXPECT_NE(Perms(kAlice, kText) & kEmbedLinks, 0u);
  discord::RoleEvent everyone{
      GuildId(kGuild),
      MakeRole(kGuild, "@everyone", 0, kEveryonePermissions | kSendMessagesInThreads)};
  cache_.ApplyRoleUpdate(everyone, nullptr, nullptr);
  EXPECT_EQ(Perms(kAlice, kThread), Perms(kAlice, kText));
}

TEST_F(PermissionsTest, UnknownThingsAreNullopt) {
  EXPECT_FALSE(cache_.ComputePermissions(GuildId(999), UserId(kBob), {}).has_value());
  EXPECT_FALSE(cache_.ComputePermissions(GuildId(kGuild), UserId(999), {}).has_value());
  EXPECT_FALSE(
      cache_.ComputePermissions(GuildId(kGuild), UserId(kBob), ChannelId(999)).has_value());
  // A thread whose parent is not cached.
  discord::ChannelEvent orphan{MakeChannel(230, kGuild, discord::ChannelType::kPublicThread, 998)};
  cache_.ApplyThreadCreate(orphan);
  EXPECT_FALSE(
      cache_.ComputePermissions(GuildId(kGuild), UserId(kBob), ChannelId(230)).has_value());
}

TEST_F(PermissionsTest, MemberDataCarriesGuildPermissions) {
  pb::MemberData member;
  ASSERT_TRUE(cache_.GetMember(GuildId(kGuild), UserId(kAlice), &member));
  EXPECT_EQ(member.permissions(), kEveryonePermissions | (1ull << 1));
  ASSERT_TRUE(cache_.GetMember(GuildId(kGuild), UserId(kOwner), &member));
  EXPECT_EQ(member.permissions(), kAll);
}

}  // namespace
}  // namespace pylon::cache
