// Copyright 2026 The Pylon Gateway Authors.
// ShardCache queries: member paging and search, roles, voice, users, guild views.

#include <algorithm>
#include <memory>
#include <random>

#include <gtest/gtest.h>

#include "cache/cache_test_util.h"
#include "cache/shard_cache.h"

namespace pylon::cache {
namespace {

using namespace test_util;  // NOLINT

class ShardCacheQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cache_.ApplyReady(MakeReady());
    auto event = MakeGuildCreate();
    cache_.ApplyGuildCreate(event, nullptr);
  }

  std::vector<uint64_t> Ids(const google::protobuf::RepeatedPtrField<pb::MemberData>& members) {
    std::vector<uint64_t> ids;
    for (const pb::MemberData& m : members) ids.push_back(m.id());
    return ids;
  }

  std::vector<uint64_t> Find(const MemberQuery& query) {
    google::protobuf::RepeatedPtrField<pb::MemberData> out;
    cache_.FindMembers(GuildId(kGuild), query, &out);
    return Ids(out);
  }

  ShardCache cache_{BotId(kBot), AllKinds()};
};

TEST_F(ShardCacheQueryTest, ListMembersPagesAscending) {
  // Add members in a shuffled order.
  std::vector<uint64_t> ids;
  for (uint64_t id = 1000; id < 3000; id += 2) ids.push_back(id);
  std::mt19937 rng(7);
  std::shuffle(ids.begin(), ids.end(), rng);
  discord::MembersChunkEvent chunk;
  chunk.guild = GuildId(kGuild);
  for (uint64_t id : ids) chunk.members.push_back(MakeMember(id, "m"));
  cache_.ApplyMembersChunk(chunk);

  google::protobuf::RepeatedPtrField<pb::MemberData> page;
  cache_.ListMembers(GuildId(kGuild), UserId(0), 3, &page);
  EXPECT_EQ(Ids(page), (std::vector<uint64_t>{kBot, kOwner, kAlice}));
  EXPECT_EQ(page[0].guild_id(), kGuild);
  EXPECT_EQ(page[0].user().id(), kBot);

  // Page through everything with `after` = the last id, as the Java client does.
  std::vector<uint64_t> all;
  uint64_t after = 0;
  for (;;) {
    google::protobuf::RepeatedPtrField<pb::MemberData> next;
    cache_.ListMembers(GuildId(kGuild), UserId(after), 100, &next);
    for (const auto& m : next) all.push_back(m.id());
    if (next.size() < 100) break;
    after = next[next.size() - 1].id();
  }
  ASSERT_EQ(all.size(), 1005u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_EQ(std::adjacent_find(all.begin(), all.end()), all.end());

  google::protobuf::RepeatedPtrField<pb::MemberData> tail;
  cache_.ListMembers(GuildId(kGuild), UserId(2994), 10, &tail);
  EXPECT_EQ(Ids(tail), (std::vector<uint64_t>{2996, 2998}));
  google::protobuf::RepeatedPtrField<pb::MemberData> none;
  cache_.ListMembers(GuildId(kGuild), UserId(0), 0, &none);
  EXPECT_TRUE(none.empty());
  cache_.ListMembers(GuildId(999), UserId(0), 10, &none);
  EXPECT_TRUE(none.empty());
}

TEST_F(ShardCacheQueryTest, FindMembersByNameMatchesUsernameOrNickIgnoringCase) {
  MemberQuery query;
  query.name = "alice";
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kAlice}));
  query.name = "ALLY";  // the nick
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kAlice}));
  query.name = "ali";  // exact only
  EXPECT_TRUE(Find(query).empty());
}

TEST_F(ShardCacheQueryTest, FindMembersByPrefix) {
  MemberQuery query;
  query.prefix = "AL";
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kAlice}));
  query.prefix = "o";
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kOwner}));
  query.prefix = "";
  EXPECT_EQ(Find(query).size(), 5u);
  query.limit = 2;
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kBot, kOwner}));
}

TEST_F(ShardCacheQueryTest, FindMembersByStatus) {
  MemberQuery query;
  query.status = discord::OnlineStatus::kOnline;
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kAlice}));
  query.status = discord::OnlineStatus::kIdle;
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kBob}));
  query.status = discord::OnlineStatus::kOffline;  // no presence entry
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kBot, kOwner, kCarol}));
}

TEST_F(ShardCacheQueryTest, FindMembersByRoleAndCombined) {
  MemberQuery query;
  query.role = RoleId(kAdmin);
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kCarol}));
  query.role = RoleId(kGuild);  // @everyone: every member
  EXPECT_EQ(Find(query).size(), 5u);
  query.role = RoleId(kMod);
  query.prefix = "b";  // AND: nobody
  EXPECT_TRUE(Find(query).empty());
  query.prefix = "a";
  query.status = discord::OnlineStatus::kOnline;
  EXPECT_EQ(Find(query), (std::vector<uint64_t>{kAlice}));
}

TEST_F(ShardCacheQueryTest, RolesIncludeEveryone) {
  google::protobuf::RepeatedPtrField<pb::RoleData> roles;
  cache_.ListRoles(GuildId(kGuild), &roles);
  ASSERT_EQ(roles.size(), 3);
  EXPECT_EQ(roles[0].id(), kGuild);  // @everyone, position 0
  EXPECT_EQ(roles[0].guild_id(), kGuild);
  EXPECT_EQ(roles[0].permissions(), kEveryonePermissions);
  pb::RoleData everyone;
  ASSERT_TRUE(cache_.GetRole(GuildId(kGuild), RoleId(kGuild), &everyone));
  EXPECT_EQ(everyone.name(), "@everyone");
}

TEST_F(ShardCacheQueryTest, VoiceStatesHaveChannelOnlyWhenConnected) {
  pb::VoiceStateData state;
  ASSERT_TRUE(cache_.GetVoiceState(GuildId(kGuild), UserId(kAlice), &state));
  EXPECT_TRUE(state.has_channel_id());
  EXPECT_EQ(state.channel_id().value(), kVoice);
  EXPECT_EQ(state.member().nick().value(), "Ally");
  EXPECT_FALSE(cache_.GetVoiceState(GuildId(kGuild), UserId(kBob), nullptr));

  discord::VoiceStateEvent join;
  join.guild = GuildId(kGuild);
  join.state = MakeVoice(kBob, kVoice);
  cache_.ApplyVoiceStateUpdate(join, nullptr, nullptr);
  google::protobuf::RepeatedPtrField<pb::VoiceStateData> in_channel;
  cache_.ListChannelVoiceStates(GuildId(kGuild), ChannelId(kVoice), &in_channel);
  ASSERT_EQ(in_channel.size(), 2);
  EXPECT_EQ(in_channel[0].member().id(), kAlice);
  EXPECT_EQ(in_channel[1].member().id(), kBob);
  EXPECT_EQ(in_channel[1].member().user().username(), "bob");
}

TEST_F(ShardCacheQueryTest, UsersGuildsAndViews) {
  auto second = MakeGuildCreate(101);
  second.members.resize(3);  // bot, owner, alice
  cache_.ApplyGuildCreate(second, nullptr);
  google::protobuf::RepeatedPtrField<pb::GuildData> mutual;
  cache_.MutualGuilds(UserId(kAlice), &mutual);
  ASSERT_EQ(mutual.size(), 2);
  EXPECT_EQ(mutual[0].id(), kGuild);
  EXPECT_EQ(mutual[1].id(), 101u);
  mutual.Clear();
  cache_.MutualGuilds(UserId(kBob), &mutual);
  EXPECT_EQ(mutual.size(), 1);
  EXPECT_EQ(cache_.Guilds(), (std::vector<GuildId>{GuildId(kGuild), GuildId(101)}));

  pb::UserData user;
  ASSERT_TRUE(cache_.GetUser(UserId(kAlice), &user));
  EXPECT_EQ(user.username(), "Alice");
  EXPECT_EQ(user.discriminator(), 0u);
  EXPECT_FALSE(user.has_avatar());

  EXPECT_EQ(cache_.TopRolePosition(GuildId(kGuild), UserId(kAlice)), 1);
  EXPECT_EQ(cache_.TopRolePosition(GuildId(kGuild), UserId(kCarol)), 2);
  EXPECT_EQ(cache_.TopRolePosition(GuildId(kGuild), UserId(kBob)), 0);
  EXPECT_FALSE(cache_.TopRolePosition(GuildId(kGuild), UserId(999)).has_value());
  EXPECT_EQ(cache_.GuildOwner(GuildId(kGuild)), UserId(kOwner));
  EXPECT_FALSE(cache_.GuildOwner(GuildId(999)).has_value());

  google::protobuf::RepeatedPtrField<pb::ChannelData> channels;
  cache_.ListChannels(GuildId(kGuild), &channels);
  ASSERT_EQ(channels.size(), 3);  // threads are not listed
  for (const auto& c : channels) EXPECT_EQ(c.guild_id().value(), kGuild);
  google::protobuf::RepeatedPtrField<pb::EmojiData> emojis;
  cache_.ListEmojis(GuildId(kGuild), &emojis);
  ASSERT_EQ(emojis.size(), 1);
  EXPECT_EQ(emojis[0].guild_id(), kGuild);
}

TEST_F(ShardCacheQueryTest, UsageIsAccountedPerKind) {
  for (int k = 0; k < kKindCount; ++k) {
    const Kind kind = static_cast<Kind>(k);
    KindUsage usage = cache_.Usage(kind);
    if (kind == Kind::kMessages) {
      EXPECT_EQ(usage.objects, 0u);
      continue;
    }
    EXPECT_GT(usage.objects, 0u) << KindName(kind);
    EXPECT_GE(usage.bytes, usage.objects * 8) << KindName(kind);
  }
  EXPECT_EQ(cache_.Usage(Kind::kMembers).objects, 5u);
  EXPECT_EQ(cache_.Usage(Kind::kUsers).objects, 5u);
  EXPECT_EQ(KindName(Kind::kVoiceStates), "voice_states");
}

}  // namespace
}  // namespace pylon::cache
