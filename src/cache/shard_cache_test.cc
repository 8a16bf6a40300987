// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: every Apply* — what is stored, `previous` / `current`, idempotence, cascades.

#include "cache/shard_cache.h"

#include <memory>

#include <gtest/gtest.h>

#include "cache/cache_test_util.h"

namespace pylon::cache {
namespace {

using namespace test_util;  // NOLINT

class ShardCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { Load(AllKinds()); }

  void Load(CacheOptions options) {
    cache_ = std::make_unique<ShardCache>(BotId(kBot), options);
    cache_->ApplyReady(MakeReady());
    auto event = MakeGuildCreate();
    cache_->ApplyGuildCreate(event, nullptr);
  }

  uint32_t MemberCount() {
    pb::GuildData guild;
    EXPECT_TRUE(cache_->GetGuild(GuildId(kGuild), &guild));
    return guild.member_count();
  }

  discord::MessageCreateEvent MessageEvent(pb::MessageData* message, uint64_t id, uint64_t channel,
                                           uint64_t author) {
    message->set_id(id);
    message->set_channel_id(channel);
    message->mutable_guild_id()->set_value(kGuild);
    message->set_content("hello " + std::to_string(id));
    message->mutable_author()->set_id(author);
    message->mutable_author()->set_username("author" + std::to_string(author));
    discord::MessageCreateEvent event;
    event.guild = GuildId(kGuild);
    event.channel = ChannelId(channel);
    event.id = MessageId(id);
    event.message = message;
    return event;
  }

  std::unique_ptr<ShardCache> cache_;
};

// ---- Guilds ----

TEST_F(ShardCacheTest, GuildCreateStoresEverything) {
  ShardCache cache(BotId(kBot), AllKinds());
  cache.ApplyReady(MakeReady());
  auto event = MakeGuildCreate();
  pb::GuildData current;
  cache.ApplyGuildCreate(event, &current);
  EXPECT_EQ(current.id(), kGuild);
  EXPECT_EQ(current.name(), "Test Guild");
  EXPECT_EQ(current.owner_id(), kOwner);
  EXPECT_EQ(current.member_count(), 5u);
  EXPECT_EQ(current.icon().value(), "a_0123456789abcdef0123456789abcdef");
  EXPECT_FALSE(current.has_banner());
  EXPECT_FALSE(current.has_afk_channel_id());

  ShardCache::Counts counts = cache.counts();
  EXPECT_EQ(counts.guilds, 1u);
  EXPECT_EQ(counts.channels, 4u);
  EXPECT_EQ(counts.members, 5u);
  EXPECT_EQ(counts.users, 5u);
  EXPECT_EQ(counts.presences, 2u);  // carol is offline: not stored
  EXPECT_EQ(counts.voice_states, 1u);
  EXPECT_TRUE(cache.HasGuild(GuildId(kGuild)));
  EXPECT_TRUE(cache.HasMember(GuildId(kGuild), UserId(kBot)));  // the bot's own member

  pb::ChannelData channel;
  ASSERT_TRUE(cache.GetChannel(GuildId(kGuild), ChannelId(kText), &channel));
  EXPECT_EQ(channel.guild_id().value(), kGuild);  // filled from the guild
  EXPECT_EQ(channel.parent_id().value(), kCategory);
}

TEST_F(ShardCacheTest, GuildCreateReplacesEverythingAndFreesUsers) {
  auto event = MakeGuildCreate();
  event.members.resize(2);  // bot and owner only
  event.presences.clear();
  event.voice_states.clear();
  event.channels.resize(1);
  event.threads.clear();
  cache_->ApplyGuildCreate(event, nullptr);
  ShardCache::Counts counts = cache_->counts();
  EXPECT_EQ(counts.members, 2u);
  EXPECT_EQ(counts.users, 2u);  // alice, bob and carol had no other reference
  EXPECT_EQ(counts.presences, 0u);
  EXPECT_EQ(counts.voice_states, 0u);
  EXPECT_EQ(counts.channels, 1u);
  EXPECT_FALSE(cache_->GetUser(UserId(kAlice), nullptr));
}

TEST_F(ShardCacheTest, GuildCreateTwiceIsIdempotent) {
  auto event = MakeGuildCreate();
  cache_->ApplyGuildCreate(event, nullptr);
  ShardCache::Counts counts = cache_->counts();
  EXPECT_EQ(counts.members, 5u);
  EXPECT_EQ(counts.users, 5u);
  EXPECT_EQ(counts.presences, 2u);
  EXPECT_EQ(MemberCount(), 5u);
}

TEST_F(ShardCacheTest, GuildUpdateKeepsCollectionsAndCounts) {
  discord::MemberEvent add{GuildId(kGuild), MakeMember(50, "newbie")};
  cache_->ApplyMemberAdd(add, nullptr);
  discord::GuildUpdateEvent update;
  update.guild.id = GuildId(kGuild);
  update.guild.name = "Renamed";
  update.guild.owner = UserId(kAlice);
  pb::GuildData previous, current;
  cache_->ApplyGuildUpdate(update, &previous, &current);
  EXPECT_EQ(previous.name(), "Test Guild");
  EXPECT_EQ(current.name(), "Renamed");
  EXPECT_EQ(current.owner_id(), kAlice);
  EXPECT_EQ(current.member_count(), 6u);  // not in GUILD_UPDATE: kept
  EXPECT_EQ(current.joined_at().seconds(), 1'600'000'000);
  EXPECT_EQ(cache_->counts().members, 6u);
  EXPECT_EQ(cache_->counts().channels, 4u);
  EXPECT_EQ(cache_->GuildOwner(GuildId(kGuild))->value(), kAlice);
}

TEST_F(ShardCacheTest, GuildDeleteUnavailableKeepsTheGuild) {
  pb::GuildData previous;
  cache_->ApplyGuildDelete({GuildId(kGuild), true}, &previous);
  EXPECT_FALSE(previous.unavailable());
  pb::GuildData guild;
  ASSERT_TRUE(cache_->GetGuild(GuildId(kGuild), &guild));
  EXPECT_TRUE(guild.unavailable());
  EXPECT_EQ(cache_->counts().members, 5u);

  // GUILD_CREATE during an outage keeps it too; a full one makes it available again.
  discord::GuildCreateEvent outage;
  outage.guild.id = GuildId(kGuild);
  outage.guild.unavailable = true;
  pb::GuildData current;
  cache_->ApplyGuildCreate(outage, &current);
  EXPECT_TRUE(current.unavailable());
  EXPECT_EQ(current.name(), "Test Guild");
  auto full = MakeGuildCreate();
  cache_->ApplyGuildCreate(full, &current);
  EXPECT_FALSE(current.unavailable());
}

TEST_F(ShardCacheTest, GuildDeleteRemovedDropsEverything) {
  pb::MessageData message;
  auto create = MessageEvent(&message, 900, kText, kAlice);
  cache_->ApplyMessageCreate(create);
  pb::GuildData previous;
  cache_->ApplyGuildDelete({GuildId(kGuild), false}, &previous);
  EXPECT_EQ(previous.id(), kGuild);
  EXPECT_FALSE(cache_->HasGuild(GuildId(kGuild)));
  ShardCache::Counts counts = cache_->counts();
  EXPECT_EQ(counts.guilds, 0u);
  EXPECT_EQ(counts.members, 0u);
  EXPECT_EQ(counts.channels, 0u);
  EXPECT_EQ(counts.messages, 0u);
  EXPECT_EQ(counts.users, 1u);  // the bot's own user stays
  pb::UserData bot;
  EXPECT_TRUE(cache_->GetUser(UserId(kBot), &bot));
  EXPECT_TRUE(cache_->Guilds().empty());
  // Twice: nothing left to do.
  pb::GuildData again;
  cache_->ApplyGuildDelete({GuildId(kGuild), false}, &again);
  EXPECT_FALSE(again.has_joined_at());
  EXPECT_EQ(again.id(), 0u);
}

// ---- Roles ----

TEST_F(ShardCacheTest, RoleCreateUpdateDelete) {
  discord::RoleEvent create{GuildId(kGuild), MakeRole(12, "new", 3, 0)};
  pb::RoleData current;
  cache_->ApplyRoleCreate(create, &current);
  EXPECT_EQ(current.id(), 12u);
  EXPECT_EQ(current.guild_id(), kGuild);

  discord::RoleEvent update{GuildId(kGuild), MakeRole(kMod, "moderator", 1, 1ull << 2)};
  pb::RoleData previous;
  current.Clear();
  cache_->ApplyRoleUpdate(update, &previous, &current);
  EXPECT_EQ(previous.name(), "mod");
  EXPECT_EQ(previous.guild_id(), kGuild);
  EXPECT_EQ(current.name(), "moderator");
  EXPECT_EQ(current.permissions(), 1u << 2);

  pb::RoleData deleted;
  cache_->ApplyRoleDelete({GuildId(kGuild), RoleId(kMod)}, &deleted);
  EXPECT_EQ(deleted.name(), "moderator");
  EXPECT_FALSE(cache_->GetRole(GuildId(kGuild), RoleId(kMod), nullptr));
  pb::MemberData alice;
  ASSERT_TRUE(cache_->GetMember(GuildId(kGuild), UserId(kAlice), &alice));
  EXPECT_EQ(alice.roles_size(), 0);  // removed from the members that had it
  // Twice: no previous.
  pb::RoleData again;
  cache_->ApplyRoleDelete({GuildId(kGuild), RoleId(kMod)}, &again);
  EXPECT_EQ(again.id(), 0u);
}

TEST_F(ShardCacheTest, RoleDeleteKeepsOtherRolesOfMembers) {
  discord::MemberEvent update{GuildId(kGuild), MakeMember(kAlice, "Alice", {kMod, kAdmin, 13})};
  cache_->ApplyMemberUpdate(update, nullptr, nullptr);
  cache_->ApplyRoleDelete({GuildId(kGuild), RoleId(kAdmin)}, nullptr);
  pb::MemberData alice;
  ASSERT_TRUE(cache_->GetMember(GuildId(kGuild), UserId(kAlice), &alice));
  ASSERT_EQ(alice.roles_size(), 2);
  EXPECT_EQ(alice.roles(0), kMod);
  EXPECT_EQ(alice.roles(1), 13u);
}

// ---- Channels and threads ----

TEST_F(ShardCacheTest, ChannelCreateUpdate) {
  discord::ChannelEvent create{MakeChannel(210, kGuild, discord::ChannelType::kGuildText)};
  create.channel.topic = "topic";
  create.channel.has_topic = true;
  pb::ChannelData current;
  cache_->ApplyChannelCreate(create, &current);
  EXPECT_EQ(current.topic().value(), "topic");
  EXPECT_EQ(current.type(), pb::ChannelData::GUILD_TEXT);

  discord::ChannelEvent update{MakeChannel(210, kGuild, discord::ChannelType::kGuildAnnouncement)};
  update.channel.overwrites.push_back({kGuild, 0, 0, permission::kViewChannel});
  update.channel.overwrites.push_back({kAlice, 1, permission::kViewChannel, 0});
  pb::ChannelData previous;
  current.Clear();
  cache_->ApplyChannelUpdate(update, &previous, &current);
  EXPECT_EQ(previous.topic().value(), "topic");
  EXPECT_FALSE(current.has_topic());
  EXPECT_EQ(current.type(), pb::ChannelData::GUILD_NEWS);
  ASSERT_EQ(current.permission_overwrites_size(), 2);
  EXPECT_EQ(current.permission_overwrites(0).type(),
            pb::ChannelData::ChannelPermissionOverwriteData::ROLE);
  EXPECT_EQ(current.permission_overwrites(1).type(),
            pb::ChannelData::ChannelPermissionOverwriteData::MEMBER);
  EXPECT_EQ(current.permission_overwrites(1).allow(), permission::kViewChannel);
}

TEST_F(ShardCacheTest, ChannelDeleteDropsThreadsAndMessages) {
  pb::MessageData in_channel, in_thread, elsewhere;
  auto a = MessageEvent(&in_channel, 900, kText, kAlice);
  auto b = MessageEvent(&in_thread, 901, kThread, kBob);
  auto c = MessageEvent(&elsewhere, 902, kVoice, kBob);
  cache_->ApplyMessageCreate(a);
  cache_->ApplyMessageCreate(b);
  cache_->ApplyMessageCreate(c);
  discord::ChannelEvent del{MakeChannel(kText, kGuild, discord::ChannelType::kGuildText)};
  pb::ChannelData previous;
  cache_->ApplyChannelDelete(del, &previous);
  EXPECT_EQ(previous.name(), "general");
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(kText), nullptr));
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(kThread), nullptr));
  EXPECT_FALSE(cache_->GetMessage(ChannelId(kText), MessageId(900), nullptr));
  EXPECT_FALSE(cache_->GetMessage(ChannelId(kThread), MessageId(901), nullptr));
  EXPECT_TRUE(cache_->GetMessage(ChannelId(kVoice), MessageId(902), &elsewhere));
  EXPECT_EQ(cache_->counts().channels, 2u);
  EXPECT_EQ(cache_->counts().messages, 1u);
}

TEST_F(ShardCacheTest, ThreadCreateUpdateDelete) {
  discord::ChannelEvent create{
      MakeChannel(220, kGuild, discord::ChannelType::kPrivateThread, kText, "secret")};
  cache_->ApplyThreadCreate(create);
  pb::ChannelData thread;
  ASSERT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(220), &thread));
  EXPECT_EQ(thread.type(), pb::ChannelData::PRIVATE_THREAD);
  discord::ChannelEvent update{
      MakeChannel(220, kGuild, discord::ChannelType::kPrivateThread, kText, "renamed")};
  cache_->ApplyThreadUpdate(update);
  ASSERT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(220), &thread));
  EXPECT_EQ(thread.name(), "renamed");
  cache_->ApplyThreadDelete({ChannelId(220), GuildId(kGuild), ChannelId(kText)});
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(220), nullptr));
  // Threads are channels but not listed with them.
  google::protobuf::RepeatedPtrField<pb::ChannelData> list;
  cache_->ListChannels(GuildId(kGuild), &list);
  EXPECT_EQ(list.size(), 3);
}

TEST_F(ShardCacheTest, ThreadListSyncDropsThreadsOfListedParents) {
  discord::ChannelEvent other{
      MakeChannel(221, kGuild, discord::ChannelType::kPublicThread, kVoice, "other")};
  cache_->ApplyThreadCreate(other);
  discord::ThreadListSyncEvent sync;
  sync.guild = GuildId(kGuild);
  sync.has_channel_ids = true;
  sync.channel_ids = {ChannelId(kText)};
  sync.threads.push_back(MakeChannel(222, 0, discord::ChannelType::kPublicThread, kText));
  cache_->ApplyThreadListSync(sync);
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(kThread), nullptr));  // dropped
  EXPECT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(221), nullptr));       // other parent
  pb::ChannelData added;
  ASSERT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(222), &added));
  EXPECT_EQ(added.guild_id().value(), kGuild);
  EXPECT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(kText), nullptr));  // not a thread
}

TEST_F(ShardCacheTest, ThreadListSyncWithoutChannelIdsCoversTheGuild) {
  discord::ChannelEvent other{
      MakeChannel(221, kGuild, discord::ChannelType::kPublicThread, kVoice, "other")};
  cache_->ApplyThreadCreate(other);
  discord::ThreadListSyncEvent sync;
  sync.guild = GuildId(kGuild);
  sync.threads.push_back(MakeChannel(222, kGuild, discord::ChannelType::kPublicThread, kText));
  cache_->ApplyThreadListSync(sync);
  cache_->ApplyThreadListSync(sync);  // idempotent
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(kThread), nullptr));
  EXPECT_FALSE(cache_->GetChannel(GuildId(kGuild), ChannelId(221), nullptr));
  EXPECT_TRUE(cache_->GetChannel(GuildId(kGuild), ChannelId(222), nullptr));
  EXPECT_EQ(cache_->counts().channels, 4u);
}

// ---- Members ----

TEST_F(ShardCacheTest, MemberAddCountsOnlyNewMembers) {
  discord::MemberEvent add{GuildId(kGuild), MakeMember(50, "newbie", {kMod}, "nn")};
  pb::MemberData current;
  cache_->ApplyMemberAdd(add, &current);
  EXPECT_EQ(current.id(), 50u);
  EXPECT_EQ(current.user().id(), 50u);
  EXPECT_EQ(current.guild_id(), kGuild);
  EXPECT_EQ(current.nick().value(), "nn");
  EXPECT_TRUE(current.has_pending());
  EXPECT_EQ(MemberCount(), 6u);
  discord::MemberEvent again{GuildId(kGuild), MakeMember(50, "newbie", {kMod}, "nn")};
  cache_->ApplyMemberAdd(again, nullptr);  // delivered twice
  EXPECT_EQ(MemberCount(), 6u);
  EXPECT_EQ(cache_->counts().members, 6u);
}

TEST_F(ShardCacheTest, MemberUpdateReplacesFields) {
  discord::MemberEvent update{GuildId(kGuild), MakeMember(kAlice, "alice2", {kAdmin})};
  update.member.premium_since = 1'700'000'000'123'456;
  pb::MemberData previous, current;
  cache_->ApplyMemberUpdate(update, &previous, &current);
  EXPECT_EQ(previous.nick().value(), "Ally");
  EXPECT_EQ(previous.user().username(), "Alice");
  ASSERT_EQ(previous.roles_size(), 1);
  EXPECT_EQ(previous.roles(0), kMod);
  EXPECT_FALSE(current.has_nick());  // nick absent: cleared
  EXPECT_EQ(current.user().username(), "alice2");
  ASSERT_EQ(current.roles_size(), 1);
  EXPECT_EQ(current.roles(0), kAdmin);
  EXPECT_EQ(current.premium_since().seconds(), 1'700'000'000);
  EXPECT_EQ(current.premium_since().nanos(), 123'456'000);
  EXPECT_EQ(current.permissions(), permission::kAll);  // admin
  // Twice: previous is now what current was.
  discord::MemberEvent again{GuildId(kGuild), MakeMember(kAlice, "alice2", {kAdmin})};
  again.member.premium_since = 1'700'000'000'123'456;
  pb::MemberData previous2, current2;
  cache_->ApplyMemberUpdate(again, &previous2, &current2);
  EXPECT_EQ(previous2.SerializeAsString(), current.SerializeAsString());
  EXPECT_EQ(current2.SerializeAsString(), current.SerializeAsString());
  EXPECT_EQ(MemberCount(), 5u);
}

TEST_F(ShardCacheTest, MemberUpdateChangesTheSharedUser) {
  auto second = MakeGuildCreate(101);
  cache_->ApplyGuildCreate(second, nullptr);
  discord::MemberEvent update{GuildId(kGuild), MakeMember(kBob, "robert")};
  cache_->ApplyMemberUpdate(update, nullptr, nullptr);
  pb::MemberData in_other;
  ASSERT_TRUE(cache_->GetMember(GuildId(101), UserId(kBob), &in_other));
  EXPECT_EQ(in_other.user().username(), "robert");
  EXPECT_EQ(cache_->counts().users, 5u);  // still once per shard
}

TEST_F(ShardCacheTest, MemberUpdateOfUncachedMemberAddsItWithoutCounting) {
  discord::MemberEvent update{GuildId(kGuild), MakeMember(60, "lurker")};
  pb::MemberData previous, current;
  cache_->ApplyMemberUpdate(update, &previous, &current);
  EXPECT_EQ(previous.id(), 0u);  // not cached before
  EXPECT_EQ(current.id(), 60u);
  EXPECT_TRUE(cache_->HasMember(GuildId(kGuild), UserId(60)));
  EXPECT_EQ(MemberCount(), 5u);
}

TEST_F(ShardCacheTest, MemberRemoveDropsPresenceVoiceAndUser) {
  pb::MemberData previous;
  cache_->ApplyMemberRemove({GuildId(kGuild), MakeUser(kAlice, "Alice")}, &previous);
  EXPECT_EQ(previous.nick().value(), "Ally");
  EXPECT_EQ(previous.guild_id(), kGuild);
  EXPECT_FALSE(cache_->HasMember(GuildId(kGuild), UserId(kAlice)));
  EXPECT_FALSE(cache_->GetPresence(GuildId(kGuild), UserId(kAlice), nullptr));
  EXPECT_FALSE(cache_->GetVoiceState(GuildId(kGuild), UserId(kAlice), nullptr));
  EXPECT_FALSE(cache_->GetUser(UserId(kAlice), nullptr));  // no reference left
  EXPECT_EQ(MemberCount(), 4u);
  // Delivered twice: every member is cached, so this one is a repeat.
  pb::MemberData again;
  cache_->ApplyMemberRemove({GuildId(kGuild), MakeUser(kAlice, "Alice")}, &again);
  EXPECT_EQ(again.id(), kAlice);  // built from the event
  EXPECT_EQ(again.user().username(), "Alice");
  EXPECT_FALSE(again.has_nick());
  EXPECT_EQ(MemberCount(), 4u);
}

TEST_F(ShardCacheTest, MemberRemoveOfUncachedMemberOfLargeGuildCounts) {
  auto event = MakeGuildCreate();
  event.guild.member_count = 1000;  // only 5 cached
  cache_->ApplyGuildCreate(event, nullptr);
  cache_->ApplyMemberRemove({GuildId(kGuild), MakeUser(777, "stranger")}, nullptr);
  EXPECT_EQ(MemberCount(), 999u);
}

TEST_F(ShardCacheTest, MembersChunkAddsMembersAndPresences) {
  discord::MembersChunkEvent chunk;
  chunk.guild = GuildId(kGuild);
  chunk.chunk_count = 2;
  for (uint64_t id = 1000; id < 1100; ++id) chunk.members.push_back(MakeMember(id, "m"));
  chunk.presences.push_back(MakePresence(1000, discord::OnlineStatus::kDnd));
  chunk.presences.push_back(MakePresence(kBob, discord::OnlineStatus::kOffline));
  cache_->ApplyMembersChunk(chunk);
  EXPECT_EQ(cache_->counts().members, 105u);
  EXPECT_EQ(MemberCount(), 5u);  // chunks are not joins
  pb::PresenceData presence;
  ASSERT_TRUE(cache_->GetPresence(GuildId(kGuild), UserId(1000), &presence));
  EXPECT_EQ(presence.status(), pb::PresenceData::DND);
  EXPECT_FALSE(cache_->GetPresence(GuildId(kGuild), UserId(kBob), nullptr));
}

// ---- Presences ----

TEST_F(ShardCacheTest, PresenceUpdate) {
  discord::PresenceEvent event;
  event.guild = GuildId(kGuild);
  event.presence = MakePresence(kBob, discord::OnlineStatus::kDnd, "music");
  event.presence.activities[0].type = 2;
  event.presence.mobile = discord::OnlineStatus::kOnline;
  pb::PresenceData previous, current;
  cache_->ApplyPresenceUpdate(event, &previous, &current);
  EXPECT_EQ(previous.status(), pb::PresenceData::IDLE);
  EXPECT_EQ(current.status(), pb::PresenceData::DND);
  EXPECT_EQ(current.guild_id(), kGuild);
  EXPECT_EQ(current.user().username(), "bob");  // the cached user
  EXPECT_EQ(current.client_status().desktop(), "dnd");
  EXPECT_EQ(current.client_status().mobile(), "online");
  EXPECT_EQ(current.client_status().web(), "");
  ASSERT_EQ(current.activities_size(), 1);
  EXPECT_EQ(current.activities(0).type(), pb::PresenceData::PresenceActivityData::LISTENING);
  // Idempotent.
  discord::PresenceEvent again = event;
  again.presence = MakePresence(kBob, discord::OnlineStatus::kDnd, "music");
  again.presence.activities[0].type = 2;
  again.presence.mobile = discord::OnlineStatus::kOnline;
  pb::PresenceData previous2, current2;
  cache_->ApplyPresenceUpdate(again, &previous2, &current2);
  EXPECT_EQ(previous2.SerializeAsString(), current.SerializeAsString());
  EXPECT_EQ(cache_->counts().presences, 2u);
}

TEST_F(ShardCacheTest, PresenceOfflineRemovesTheEntry) {
  discord::PresenceEvent event;
  event.guild = GuildId(kGuild);
  event.presence = MakePresence(kAlice, discord::OnlineStatus::kOffline);
  pb::PresenceData previous, current;
  cache_->ApplyPresenceUpdate(event, &previous, &current);
  EXPECT_EQ(previous.status(), pb::PresenceData::ONLINE);
  EXPECT_EQ(previous.activities(0).name(), "chess");
  EXPECT_EQ(current.status(), pb::PresenceData::OFFLINE);
  EXPECT_FALSE(cache_->GetPresence(GuildId(kGuild), UserId(kAlice), nullptr));
  EXPECT_EQ(cache_->counts().presences, 1u);
}

TEST_F(ShardCacheTest, PresencePartialUserUpdatesTheUser) {
  discord::PresenceEvent event;
  event.guild = GuildId(kGuild);
  event.presence = MakePresence(kBob, discord::OnlineStatus::kOnline);
  event.username = ShortString("bobby");
  event.avatar = discord::ImageHash("0123456789abcdef0123456789abcdef");
  pb::PresenceData current;
  cache_->ApplyPresenceUpdate(event, nullptr, &current);
  EXPECT_EQ(current.user().username(), "bobby");
  EXPECT_EQ(current.user().avatar().value(), "0123456789abcdef0123456789abcdef");
  pb::UserData user;
  ASSERT_TRUE(cache_->GetUser(UserId(kBob), &user));
  EXPECT_EQ(user.username(), "bobby");
  // Fields absent from the event are not changes.
  discord::PresenceEvent bare;
  bare.guild = GuildId(kGuild);
  bare.presence = MakePresence(kBob, discord::OnlineStatus::kIdle);
  cache_->ApplyPresenceUpdate(bare, nullptr, nullptr);
  ASSERT_TRUE(cache_->GetUser(UserId(kBob), &user));
  EXPECT_EQ(user.username(), "bobby");
  EXPECT_TRUE(user.has_avatar());
}

TEST_F(ShardCacheTest, PresenceOfUnknownUserCarriesTheId) {
  discord::PresenceEvent event;
  event.guild = GuildId(kGuild);
  event.presence = MakePresence(888, discord::OnlineStatus::kOnline);
  pb::PresenceData current;
  cache_->ApplyPresenceUpdate(event, nullptr, &current);
  EXPECT_EQ(current.user_id(), 888u);
  EXPECT_FALSE(current.has_user());
  EXPECT_FALSE(cache_->GetUser(UserId(888), nullptr));  // a presence never creates a user
}

// ---- Voice states ----

TEST_F(ShardCacheTest, VoiceStateJoinMoveLeave) {
  discord::VoiceStateEvent join;
  join.guild = GuildId(kGuild);
  join.state = MakeVoice(kBob, kVoice);
  join.state.self_mute = true;
  join.member = MakeMember(kBob, "bob");
  pb::VoiceStateData previous, current;
  cache_->ApplyVoiceStateUpdate(join, &previous, &current);
  EXPECT_FALSE(previous.has_member());
  EXPECT_EQ(current.channel_id().value(), kVoice);
  EXPECT_EQ(current.session_id().value(), "session-4");
  EXPECT_TRUE(current.self_mute());
  EXPECT_EQ(current.guild_id(), kGuild);
  EXPECT_EQ(current.member().id(), kBob);
  EXPECT_EQ(current.member().user().username(), "bob");
  EXPECT_EQ(current.member().guild_id(), kGuild);

  discord::VoiceStateEvent leave;
  leave.guild = GuildId(kGuild);
  leave.state = MakeVoice(kBob, 0);
  pb::VoiceStateData previous2, current2;
  cache_->ApplyVoiceStateUpdate(leave, &previous2, &current2);
  EXPECT_EQ(previous2.channel_id().value(), kVoice);
  EXPECT_FALSE(current2.has_channel_id());  // not connected: no channel_id
  EXPECT_EQ(current2.member().id(), kBob);
  EXPECT_FALSE(cache_->GetVoiceState(GuildId(kGuild), UserId(kBob), nullptr));
  cache_->ApplyVoiceStateUpdate(leave, nullptr, nullptr);  // twice
  EXPECT_EQ(cache_->counts().voice_states, 1u);
}

TEST_F(ShardCacheTest, VoiceStateMemberIsCached) {
  discord::VoiceStateEvent join;
  join.guild = GuildId(kGuild);
  join.state = MakeVoice(70, kVoice);
  join.member = MakeMember(70, "guest");
  cache_->ApplyVoiceStateUpdate(join, nullptr, nullptr);
  EXPECT_TRUE(cache_->HasMember(GuildId(kGuild), UserId(70)));
  EXPECT_EQ(MemberCount(), 5u);  // not a join
  pb::VoiceStateData state;
  ASSERT_TRUE(cache_->GetVoiceState(GuildId(kGuild), UserId(70), &state));
  EXPECT_EQ(state.member().user().username(), "guest");
}

// ---- Emojis and users ----

TEST_F(ShardCacheTest, EmojisUpdateReplacesTheList) {
  discord::EmojisUpdateEvent event;
  event.guild = GuildId(kGuild);
  discord::Emoji a, b;
  a.id = EmojiId(301);
  a.name = "a";
  a.roles.push_back(kMod);
  b.id = EmojiId(302);
  b.name = "b";
  b.animated = true;
  event.emojis = {a, b};
  google::protobuf::RepeatedPtrField<pb::EmojiData> previous, current;
  cache_->ApplyEmojisUpdate(event, &previous, &current);
  ASSERT_EQ(previous.size(), 1);
  EXPECT_EQ(previous[0].id(), 300u);
  ASSERT_EQ(current.size(), 2);
  EXPECT_EQ(current[0].guild_id(), kGuild);
  EXPECT_EQ(current[0].roles(0), kMod);
  EXPECT_TRUE(current[1].animated());
  EXPECT_FALSE(cache_->GetEmoji(GuildId(kGuild), EmojiId(300), nullptr));
  pb::EmojiData found;
  ASSERT_TRUE(cache_->FindEmoji(EmojiId(302), &found));
  EXPECT_EQ(found.guild_id(), kGuild);
}

TEST_F(ShardCacheTest, UserUpdateChangesTheBotsUser) {
  discord::UserUpdateEvent event{MakeUser(kBot, "pylon-renamed", true)};
  cache_->ApplyUserUpdate(event);
  pb::UserData user;
  ASSERT_TRUE(cache_->GetUser(UserId(kBot), &user));
  EXPECT_EQ(user.username(), "pylon-renamed");
  EXPECT_TRUE(user.bot());
  pb::MemberData member;
  ASSERT_TRUE(cache_->GetMember(GuildId(kGuild), UserId(kBot), &member));
  EXPECT_EQ(member.user().username(), "pylon-renamed");
}

// ---- User reference counts ----

TEST_F(ShardCacheTest, UsersAreFreedWhenTheLastReferenceGoes) {
  auto second = MakeGuildCreate(101);
  cache_->ApplyGuildCreate(second, nullptr);
  EXPECT_EQ(cache_->counts().users, 5u);
  cache_->ApplyMemberRemove({GuildId(kGuild), MakeUser(kBob, "bob")}, nullptr);
  EXPECT_TRUE(cache_->GetUser(UserId(kBob), nullptr));  // still a member of 101
  // A message by bob also holds him.
  pb::MessageData message;
  auto create = MessageEvent(&message, 900, kText, kBob);
  message.mutable_author()->set_username("bob");
  cache_->ApplyMessageCreate(create);
  cache_->ApplyMemberRemove({GuildId(101), MakeUser(kBob, "bob")}, nullptr);
  EXPECT_TRUE(cache_->GetUser(UserId(kBob), nullptr));
  cache_->ApplyMessageDelete({GuildId(kGuild), ChannelId(kText), MessageId(900)}, nullptr);
  EXPECT_FALSE(cache_->GetUser(UserId(kBob), nullptr));
  EXPECT_EQ(cache_->counts().users, 4u);
  // The bot's user stays with no member at all.
  cache_->ApplyGuildDelete({GuildId(kGuild), false}, nullptr);
  cache_->ApplyGuildDelete({GuildId(101), false}, nullptr);
  EXPECT_EQ(cache_->counts().users, 1u);
  EXPECT_TRUE(cache_->GetUser(UserId(kBot), nullptr));
}

TEST_F(ShardCacheTest, ClearDropsEverything) {
  cache_->Clear();
  ShardCache::Counts counts = cache_->counts();
  EXPECT_EQ(counts.guilds + counts.members + counts.users + counts.channels, 0u);
  EXPECT_EQ(cache_->Usage(Kind::kMembers).objects, 0u);
  Load(AllKinds());
  EXPECT_EQ(cache_->counts().members, 5u);
}

// ---- Kinds switched off ----

TEST_F(ShardCacheTest, MembersOffStoresNoMember) {
  Load(Without(Kind::kMembers));
  EXPECT_EQ(cache_->counts().members, 0u);
  EXPECT_FALSE(cache_->HasMember(GuildId(kGuild), UserId(kAlice)));
  discord::MemberEvent update{GuildId(kGuild), MakeMember(kAlice, "Alice", {kMod})};
  pb::MemberData previous, current;
  cache_->ApplyMemberUpdate(update, &previous, &current);
  EXPECT_EQ(previous.ByteSizeLong(), 0u);  // previous stays unset
  EXPECT_EQ(current.id(), kAlice);
  EXPECT_EQ(current.guild_id(), kGuild);
  EXPECT_EQ(current.roles(0), kMod);
  EXPECT_EQ(cache_->counts().members, 0u);
  discord::MemberEvent add{GuildId(kGuild), MakeMember(51, "x")};
  cache_->ApplyMemberAdd(add, nullptr);
  EXPECT_EQ(MemberCount(), 6u);  // counted (whether it is new cannot be known)
}

TEST_F(ShardCacheTest, EachKindOffIsNeverStored) {
  for (int k = 0; k < kKindCount; ++k) {
    const Kind kind = static_cast<Kind>(k);
    SCOPED_TRACE(std::string(KindName(kind)));
    Load(Without(kind));
    pb::MessageData message;
    auto create = MessageEvent(&message, 900, kText, 999);
    cache_->ApplyMessageCreate(create);
    if (kind == Kind::kUsers) {
      // Users are still kept for the members that need them, but only for them.
      EXPECT_FALSE(cache_->GetUser(UserId(kAlice), nullptr));
      EXPECT_EQ(cache_->counts().users, 5u);  // the author was not added
    } else {
      EXPECT_EQ(cache_->Usage(kind).objects, 0u);
    }
  }
}

TEST_F(ShardCacheTest, PresencesOffLeavesPreviousUnset) {
  Load(Without(Kind::kPresences));
  discord::PresenceEvent event;
  event.guild = GuildId(kGuild);
  event.presence = MakePresence(kAlice, discord::OnlineStatus::kIdle);
  pb::PresenceData previous, current;
  cache_->ApplyPresenceUpdate(event, &previous, &current);
  EXPECT_EQ(previous.ByteSizeLong(), 0u);
  EXPECT_EQ(current.status(), pb::PresenceData::IDLE);
  EXPECT_EQ(current.user().username(), "Alice");
  EXPECT_EQ(cache_->counts().presences, 0u);
}

TEST_F(ShardCacheTest, GuildsOffStillTracksMembers) {
  Load(Without(Kind::kGuilds));
  EXPECT_FALSE(cache_->HasGuild(GuildId(kGuild)));
  EXPECT_FALSE(cache_->GetGuild(GuildId(kGuild), nullptr));
  EXPECT_TRUE(cache_->HasMember(GuildId(kGuild), UserId(kAlice)));
  EXPECT_FALSE(cache_->ComputePermissions(GuildId(kGuild), UserId(kAlice), {}).has_value());
  auto event = MakeGuildCreate();
  pb::GuildData current;
  cache_->ApplyGuildCreate(event, &current);
  EXPECT_EQ(current.name(), "Test Guild");  // current is built from the event
}

}  // namespace
}  // namespace pylon::cache
