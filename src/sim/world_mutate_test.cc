// Copyright 2026 The Pylon Gateway Authors.
// Mutations: each changes the truth as Discord would and emits the right dispatches.

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/test_util.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

using namespace pylon::sim::testing;  // NOLINT: test helpers

class WorldMutateTest : public ::testing::Test {
 protected:
  WorldMutateTest() : world_(Config(), clock_) { world_.set_sink(&sink_); }

  static WorldConfig Config() {
    WorldConfig config = SmallConfig();
    config.message_depth = 20;
    config.messages_per_channel = 5;
    return config;
  }

  void TearDown() override {
    Status status = world_.CheckInvariants();
    EXPECT_TRUE(status.ok()) << status.error().ToString();
    // Every payload is valid JSON.
    for (const Dispatch& d : sink_.dispatches()) {
      if (!d.per_bot_render) ParseJson(parser_, d.json);
    }
  }

  const Guild& guild() const { return *world_.guilds()[0]; }
  const Channel& FirstChannel(ChannelType type) const {
    for (const Channel& c : guild().channels) {
      if (c.type == type) return c;
    }
    ADD_FAILURE() << "no channel of type " << static_cast<int>(type);
    return guild().channels[0];
  }
  const Channel& Text() const { return FirstChannel(ChannelType::kText); }
  // The n-th member that is neither a bot nor the owner.
  UserId Human(int n = 0) const {
    for (const Member& m : guild().members) {
      const User& u = world_.user(m.user);
      if (u.bot || u.id == guild().owner) continue;
      if (n-- == 0) return u.id;
    }
    ADD_FAILURE() << "not enough members";
    return UserId();
  }
  UserId NonMember() const {
    for (const User& u : world_.users()) {
      if (!u.bot && !guild().FindMember(u.id) && !guild().bans.count(u.id.value())) return u.id;
    }
    ADD_FAILURE() << "every user is a member";
    return UserId();
  }
  UserId Bot() const { return world_.bots()[0].id; }

  std::vector<std::string_view> Names() const {
    std::vector<std::string_view> names;
    for (const Dispatch& d : sink_.dispatches()) names.push_back(d.name);
    return names;
  }
  const Dispatch& Only(std::string_view name) {
    EXPECT_EQ(sink_.dispatches().size(), 1u) << "dispatches: " << sink_.dispatches().size();
    EXPECT_EQ(sink_.dispatches().at(0).name, name);
    return sink_.dispatches().at(0);
  }
  simdjson::dom::element Payload(const Dispatch& d) { return ParseJson(parser_, d.json); }

  ManualClock clock_;
  World world_;
  RecordingSink sink_;
  simdjson::dom::parser parser_;
};

using V = std::vector<std::string_view>;

// ---- Messages ----

TEST_F(WorldMutateTest, CreateMessageEmitsMessageCreateAndUpdatesTheRing) {
  const Channel& text = Text();
  ChannelId channel = text.id;
  size_t before = text.messages.size();
  UserId author = Human();
  MessageSpec spec;
  spec.content = "hello world";
  spec.nonce = "n-1";
  auto id = world_.CreateMessage(channel, author, spec);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  const Channel& after = *world_.FindChannel(channel);
  EXPECT_EQ(after.messages.size(), before + 1);
  EXPECT_EQ(after.messages.newest().id, *id);
  EXPECT_EQ(after.last_message_id, *id);
  EXPECT_EQ(after.messages.newest().content, "hello world");

  const Dispatch& d = Only("MESSAGE_CREATE");
  EXPECT_EQ(d.guild, guild().id);
  EXPECT_EQ(d.intent_bit, intent::kGuildMessages);
  EXPECT_TRUE(d.needs_message_content);
  EXPECT_EQ(d.content_exempt_users, std::vector<UserId>{author});
  auto e = Payload(d);
  EXPECT_EQ(GetString(e, "id"), id->ToString());
  EXPECT_EQ(GetString(e, "channel_id"), channel.ToString());
  EXPECT_EQ(GetString(e, "guild_id"), guild().id.ToString());
  EXPECT_EQ(GetString(e["author"], "id"), author.ToString());
  EXPECT_EQ(GetString(e, "content"), "hello world");
  EXPECT_EQ(GetString(e, "nonce"), "n-1");
  EXPECT_EQ(GetInt(e, "channel_type"), 0);
  EXPECT_TRUE(Has(e, "member"));
  EXPECT_FALSE(Has(e["member"], "user"));
  EXPECT_EQ(Snowflake(id->value()).timestamp_ms(), clock_.UnixMs());
}

TEST_F(WorldMutateTest, PayloadForBlanksContentForBotsWithoutTheIntent) {
  MessageSpec spec;
  spec.content = "secret \"quoted\" text";
  spec.embeds.push_back(Embed{"title", "description", 0xFF});
  spec.mentions.push_back(world_.bots()[1].id);
  ASSERT_TRUE(world_.CreateMessage(Text().id, Human(), spec).ok());
  const Dispatch& d = Only("MESSAGE_CREATE");
  BotView full{intent::kAllDefined, 50, Bot()};
  BotView blind{intent::kAllDefined & ~intent::Bit(intent::kMessageContent), 50, Bot()};
  std::string scratch;
  EXPECT_EQ(d.PayloadFor(full, &scratch), d.json);
  auto blank = ParseJson(parser_, std::string(d.PayloadFor(blind, &scratch)));
  EXPECT_EQ(GetString(blank, "content"), "");
  EXPECT_EQ(ArraySize(blank, "embeds"), 0u);
  EXPECT_EQ(ArraySize(blank, "mentions"), 1u);
  // The mentioned bot sees the content without the intent.
  BotView mentioned = blind;
  mentioned.user = world_.bots()[1].id;
  EXPECT_EQ(d.PayloadFor(mentioned, &scratch), d.json);
  auto full_json = ParseJson(parser_, d.json);
  EXPECT_EQ(GetString(full_json, "content"), "secret \"quoted\" text");
  EXPECT_EQ(ArraySize(full_json, "embeds"), 1u);
  EXPECT_TRUE(IsIdString(full_json["mentions"].at(0)["member"]["roles"].at(0)) ||
              ArraySize(full_json["mentions"].at(0)["member"], "roles") == 0);
}

TEST_F(WorldMutateTest, CreateMessageValidates) {
  UserId author = Human();
  MessageSpec empty;
  EXPECT_EQ(world_.CreateMessage(Text().id, author, empty).error().code(),
            ErrorCode::kInvalidArgument);
  MessageSpec too_long;
  too_long.content.assign(2001, 'x');
  EXPECT_EQ(world_.CreateMessage(Text().id, author, too_long).error().code(),
            ErrorCode::kInvalidArgument);
  MessageSpec ok;
  ok.content = "hi";
  EXPECT_EQ(world_.CreateMessage(ChannelId(12345), author, ok).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(
      world_.CreateMessage(FirstChannel(ChannelType::kCategory).id, author, ok).error().code(),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(world_.CreateMessage(Text().id, NonMember(), ok).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(world_.CreateMessage(Text().id, UserId(777), ok).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(sink_.dispatches().empty()) << "failed mutations emit nothing";
}

TEST_F(WorldMutateTest, RingKeepsTheNewestMessagesAndCountsEvictions) {
  ChannelId channel = Text().id;
  uint64_t evicted_before = world_.Stats().messages_evicted;
  size_t before = Text().messages.size();
  std::vector<MessageId> ids;
  for (int i = 0; i < 30; ++i) {
    MessageSpec spec;
    spec.content = "m" + std::to_string(i);
    ids.push_back(*world_.CreateMessage(channel, Human(), spec));
  }
  const Channel& c = *world_.FindChannel(channel);
  EXPECT_EQ(c.messages.size(), 20u);
  EXPECT_EQ(c.messages.at(0).id, ids[10]);
  EXPECT_EQ(c.messages.newest().id, ids[29]);
  EXPECT_EQ(world_.Stats().messages_evicted - evicted_before, before + 30 - 20);
  // Deleting from the middle of a wrapped ring keeps the order.
  ASSERT_TRUE(world_.DeleteMessage(channel, ids[15]).ok());
  EXPECT_EQ(c.messages.size(), 19u);
  EXPECT_EQ(c.messages.IndexOf(ids[15]), -1);
  EXPECT_EQ(c.messages.at(5).id, ids[16]);
  MessageSpec spec;
  spec.content = "after";
  auto last = world_.CreateMessage(channel, Human(), spec);
  EXPECT_EQ(c.messages.size(), 20u);
  EXPECT_EQ(c.messages.newest().id, *last);
}

TEST_F(WorldMutateTest, UpdateMessageEmitsTheFullEditedMessage) {
  ChannelId channel = Text().id;
  MessageId id = Text().messages.at(0).id;
  clock_.Advance(std::chrono::seconds(5));
  MessageEdit edit;
  edit.content = "edited";
  ASSERT_TRUE(world_.UpdateMessage(channel, id, edit).ok());
  EXPECT_EQ(world_.FindMessage(channel, id)->content, "edited");
  auto e = Payload(Only("MESSAGE_UPDATE"));
  EXPECT_EQ(GetString(e, "content"), "edited");
  EXPECT_TRUE(IsDiscordTimestamp(GetString(e, "edited_timestamp")));
  EXPECT_TRUE(Has(e, "author"));
  EXPECT_EQ(world_.UpdateMessage(channel, MessageId(5), edit).error().code(), ErrorCode::kNotFound);
}

TEST_F(WorldMutateTest, DeleteMessageRemovesItFromTheRing) {
  ChannelId channel = Text().id;
  MessageId id = Text().messages.at(2).id;
  size_t before = Text().messages.size();
  ASSERT_TRUE(world_.DeleteMessage(channel, id).ok());
  EXPECT_EQ(world_.FindChannel(channel)->messages.size(), before - 1);
  EXPECT_EQ(world_.FindMessage(channel, id), nullptr);
  auto e = Payload(Only("MESSAGE_DELETE"));
  EXPECT_EQ(GetString(e, "id"), id.ToString());
  EXPECT_EQ(GetString(e, "channel_id"), channel.ToString());
  EXPECT_EQ(GetString(e, "guild_id"), guild().id.ToString());
  EXPECT_EQ(world_.DeleteMessage(channel, id).error().code(), ErrorCode::kNotFound);
}

TEST_F(WorldMutateTest, BulkDeleteRemovesAllAndChecksAgeAndCount) {
  ChannelId channel = Text().id;
  const MessageRing& ring = Text().messages;
  std::vector<MessageId> ids = {ring.at(0).id, ring.at(1).id, ring.at(3).id};
  size_t before = ring.size();
  EXPECT_EQ(world_.BulkDeleteMessages(channel, std::span(ids.data(), 1)).error().code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(world_.BulkDeleteMessages(channel, ids).ok());
  EXPECT_EQ(world_.FindChannel(channel)->messages.size(), before - 3);
  auto e = Payload(Only("MESSAGE_DELETE_BULK"));
  EXPECT_EQ(ArraySize(e, "ids"), 3u);
  EXPECT_EQ(GetString(e, "channel_id"), channel.ToString());
  // Messages older than 14 days can't be bulk deleted.
  clock_.Advance(std::chrono::hours(24 * 15));
  std::vector<MessageId> old = {ring.at(0).id, ring.at(1).id};
  EXPECT_EQ(world_.BulkDeleteMessages(channel, old).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(WorldMutateTest, PinAndUnpin) {
  ChannelId channel = Text().id;
  MessageId id = Text().messages.at(0).id;
  ASSERT_TRUE(world_.PinMessage(channel, id, Human()).ok());
  EXPECT_EQ(Names(), (V{"MESSAGE_UPDATE", "CHANNEL_PINS_UPDATE", "MESSAGE_CREATE"}));
  EXPECT_TRUE(world_.FindMessage(channel, id)->pinned);
  EXPECT_TRUE(GetBool(Payload(sink_.dispatches()[0]), "pinned"));
  auto pins = Payload(sink_.dispatches()[1]);
  EXPECT_TRUE(IsDiscordTimestamp(GetString(pins, "last_pin_timestamp")));
  auto notice = Payload(sink_.dispatches()[2]);
  EXPECT_EQ(GetInt(notice, "type"), 6);
  EXPECT_EQ(GetString(notice["message_reference"], "message_id"), id.ToString());
  sink_.Clear();
  ASSERT_TRUE(world_.PinMessage(channel, id, Human()).ok());
  EXPECT_TRUE(sink_.dispatches().empty()) << "pinning a pinned message changes nothing";
  ASSERT_TRUE(world_.UnpinMessage(channel, id).ok());
  EXPECT_EQ(Names(), (V{"MESSAGE_UPDATE", "CHANNEL_PINS_UPDATE"}));
  EXPECT_FALSE(world_.FindMessage(channel, id)->pinned);
  EXPECT_TRUE(Payload(sink_.dispatches()[1])["last_pin_timestamp"].is_null());
}

// ---- Reactions and typing ----

TEST_F(WorldMutateTest, ReactionsCountAndEmitOnlyOnChange) {
  ChannelId channel = Text().id;
  MessageId id;
  for (size_t i = 0; i < Text().messages.size(); ++i) {
    if (Text().messages.at(i).reactions.empty()) id = Text().messages.at(i).id;
  }
  ASSERT_FALSE(id.is_zero()) << "a message without reactions";
  ReactionEmoji thumbs{EmojiId(), "\xF0\x9F\x91\x8D", false};
  const Message* message = nullptr;
  const size_t kinds_before = 0;
  ASSERT_TRUE(world_.AddReaction(channel, id, Human(0), thumbs).ok());
  ASSERT_TRUE(world_.AddReaction(channel, id, Human(0), thumbs).ok());  // again: no change
  ASSERT_TRUE(world_.AddReaction(channel, id, Human(1), thumbs).ok());
  EXPECT_EQ(Names(), (V{"MESSAGE_REACTION_ADD", "MESSAGE_REACTION_ADD"}));
  message = world_.FindMessage(channel, id);
  ASSERT_EQ(message->reactions.size(), kinds_before + 1);
  EXPECT_EQ(message->reactions[0].users.size(), 2u);
  auto add = Payload(sink_.dispatches()[0]);
  EXPECT_EQ(GetString(add, "user_id"), Human(0).ToString());
  EXPECT_EQ(GetString(add, "message_id"), id.ToString());
  EXPECT_TRUE(add["emoji"]["id"].is_null());
  EXPECT_EQ(GetString(add["emoji"], "name"), thumbs.name);
  EXPECT_TRUE(IsIdString(add["member"]["user"]["id"]));
  EXPECT_TRUE(IsIdString(add["message_author_id"]));
  EXPECT_EQ(sink_.dispatches()[0].intent_bit, intent::kGuildMessageReactions);

  // The count shows in the message.
  std::string json;
  JsonWriter w(&json);
  world_.WriteMessage(w, guild(), Text(), *message);
  auto rendered = ParseJson(parser_, json);
  EXPECT_EQ(GetInt(rendered["reactions"].at(0), "count"), 2);

  sink_.Clear();
  ASSERT_TRUE(world_.RemoveReaction(channel, id, Human(0), thumbs).ok());
  ASSERT_TRUE(world_.RemoveReaction(channel, id, Human(0), thumbs).ok());  // not there: nothing
  EXPECT_EQ(Names(), (V{"MESSAGE_REACTION_REMOVE"}));
  EXPECT_FALSE(Has(Payload(sink_.dispatches()[0]), "member"));
  EXPECT_EQ(world_.FindMessage(channel, id)->reactions[0].users.size(), 1u);

  ReactionEmoji fire{EmojiId(), "\xF0\x9F\x94\xA5", false};
  ASSERT_TRUE(world_.AddReaction(channel, id, Human(2), fire).ok());
  sink_.Clear();
  ASSERT_TRUE(world_.RemoveReactionEmoji(channel, id, thumbs).ok());
  auto remove_emoji = Payload(Only("MESSAGE_REACTION_REMOVE_EMOJI"));
  EXPECT_EQ(GetString(remove_emoji["emoji"], "name"), thumbs.name);
  EXPECT_EQ(world_.FindMessage(channel, id)->reactions.size(), 1u);
  sink_.Clear();
  ASSERT_TRUE(world_.RemoveAllReactions(channel, id).ok());
  Only("MESSAGE_REACTION_REMOVE_ALL");
  EXPECT_TRUE(world_.FindMessage(channel, id)->reactions.empty());
  EXPECT_EQ(world_.AddReaction(channel, id, NonMember(), thumbs).error().code(),
            ErrorCode::kNotFound);
}

TEST_F(WorldMutateTest, TypingStart) {
  ASSERT_TRUE(world_.TriggerTyping(Text().id, Human()).ok());
  const Dispatch& d = Only("TYPING_START");
  EXPECT_EQ(d.intent_bit, intent::kGuildMessageTyping);
  auto e = Payload(d);
  EXPECT_EQ(GetInt(e, "timestamp"), clock_.UnixMs() / 1000);
  EXPECT_EQ(GetString(e, "user_id"), Human().ToString());
  EXPECT_TRUE(IsIdString(e["member"]["user"]["id"]));
}

// ---- Presence, members, users ----

TEST_F(WorldMutateTest, PresenceUpdate) {
  UserId user = Human();
  Presence presence;
  presence.status = PresenceStatus::kDnd;
  presence.mobile = PresenceStatus::kDnd;
  presence.activities.push_back(Activity{"Minecraft", "", "", 1767225000000, 0});
  ASSERT_TRUE(world_.UpdatePresence(guild().id, user, presence).ok());
  EXPECT_EQ(guild().FindMember(user)->presence, presence);
  const Dispatch& d = Only("PRESENCE_UPDATE");
  EXPECT_EQ(d.intent_bit, intent::kGuildPresences);
  auto e = Payload(d);
  EXPECT_EQ(GetString(e["user"], "id"), user.ToString());
  EXPECT_EQ(GetString(e, "guild_id"), guild().id.ToString());
  EXPECT_EQ(GetString(e, "status"), "dnd");
  EXPECT_EQ(GetString(e["client_status"], "mobile"), "dnd");
  EXPECT_EQ(GetString(e["activities"].at(0), "name"), "Minecraft");
  sink_.Clear();
  ASSERT_TRUE(world_.UpdatePresence(guild().id, user, presence).ok());
  EXPECT_TRUE(sink_.dispatches().empty()) << "no change, no event";
}

TEST_F(WorldMutateTest, MemberAddAndRemoveKeepMemberCount) {
  UserId user = NonMember();
  uint32_t count = guild().member_count();
  ASSERT_TRUE(world_.AddMember(guild().id, user, MemberSpec{}).ok());
  EXPECT_EQ(guild().member_count(), count + 1);
  auto add = Payload(Only("GUILD_MEMBER_ADD"));
  EXPECT_EQ(GetString(add, "guild_id"), guild().id.ToString());
  EXPECT_EQ(GetString(add["user"], "id"), user.ToString());
  EXPECT_TRUE(IsDiscordTimestamp(GetString(add, "joined_at")));
  EXPECT_EQ(world_.AddMember(guild().id, user, MemberSpec{}).error().code(),
            ErrorCode::kAlreadyExists);
  sink_.Clear();
  ASSERT_TRUE(world_.RemoveMember(guild().id, user).ok());
  EXPECT_EQ(guild().member_count(), count);
  auto remove = Payload(Only("GUILD_MEMBER_REMOVE"));
  EXPECT_EQ(GetString(remove["user"], "id"), user.ToString());
  EXPECT_EQ(GetString(remove, "guild_id"), guild().id.ToString());
  EXPECT_EQ(world_.RemoveMember(guild().id, user).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(world_.RemoveMember(guild().id, guild().owner).error().code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(WorldMutateTest, RemovingAMemberInVoiceDisconnectsItFirst) {
  UserId user = Human(3);
  ASSERT_TRUE(
      world_.UpdateVoiceState(guild().id, user, VoiceSpec{FirstChannel(ChannelType::kVoice).id})
          .ok());
  sink_.Clear();
  ASSERT_TRUE(world_.RemoveMember(guild().id, user).ok());
  EXPECT_EQ(Names(), (V{"VOICE_STATE_UPDATE", "GUILD_MEMBER_REMOVE"}));
  EXPECT_TRUE(Payload(sink_.dispatches()[0])["channel_id"].is_null());
  EXPECT_EQ(guild().FindVoiceState(user), nullptr);
}

TEST_F(WorldMutateTest, MemberUpdate) {
  UserId user = Human();
  RoleId role;
  for (const Role& r : guild().roles) {
    if (!r.managed && r.id.value() != guild().id.value()) role = r.id;
  }
  ASSERT_FALSE(role.is_zero());
  MemberEdit edit;
  edit.nick = "Nicky";
  edit.roles = std::vector<RoleId>{role};
  ASSERT_TRUE(world_.UpdateMember(guild().id, user, edit).ok());
  EXPECT_EQ(guild().FindMember(user)->nick, "Nicky");
  EXPECT_EQ(guild().FindMember(user)->roles, std::vector<RoleId>{role});
  const Dispatch& d = Only("GUILD_MEMBER_UPDATE");
  EXPECT_EQ(d.also_for_user, user);
  auto e = Payload(d);
  EXPECT_EQ(GetString(e, "nick"), "Nicky");
  std::string_view role_id;
  ASSERT_EQ(e["roles"].at(0).get_string().get(role_id), simdjson::SUCCESS);
  EXPECT_EQ(role_id, role.ToString());
  EXPECT_EQ(GetString(e, "guild_id"), guild().id.ToString());
  EXPECT_TRUE(e["pending"].is_bool());

  MemberEdit bad_role;
  bad_role.roles = std::vector<RoleId>{RoleId(99)};
  EXPECT_EQ(world_.UpdateMember(guild().id, user, bad_role).error().code(), ErrorCode::kNotFound);
  MemberEdit mute;
  mute.mute = true;
  EXPECT_EQ(world_.UpdateMember(guild().id, user, mute).error().code(), ErrorCode::kInvalidArgument)
      << "mute needs the member in voice";
  ASSERT_TRUE(
      world_.UpdateVoiceState(guild().id, user, VoiceSpec{FirstChannel(ChannelType::kVoice).id})
          .ok());
  sink_.Clear();
  ASSERT_TRUE(world_.UpdateMember(guild().id, user, mute).ok());
  EXPECT_EQ(Names(), (V{"GUILD_MEMBER_UPDATE", "VOICE_STATE_UPDATE"}));
  EXPECT_TRUE(GetBool(Payload(sink_.dispatches()[1]), "mute"));
}

TEST_F(WorldMutateTest, BotSeesItsOwnMemberUpdateWithoutGuildMembers) {
  MemberEdit edit;
  edit.nick = "Botty";
  ASSERT_TRUE(world_.UpdateMember(guild().id, Bot(), edit).ok());
  const Dispatch& d = Only("GUILD_MEMBER_UPDATE");
  uint64_t no_members = intent::kAllDefined & ~intent::Bit(intent::kGuildMembers);
  EXPECT_TRUE(world_.ShouldDeliver(d, BotView{no_members, 50, Bot()}));
  EXPECT_FALSE(world_.ShouldDeliver(d, BotView{no_members, 50, world_.bots()[1].id}));
  EXPECT_TRUE(world_.ShouldDeliver(d, BotView{intent::kAllDefined, 50, world_.bots()[1].id}));
}

TEST_F(WorldMutateTest, UserUpdateEmitsAMemberUpdateInEveryGuild) {
  UserId user = Human();
  size_t guilds = 0;
  for (const auto& g : world_.guilds()) guilds += g->FindMember(user) != nullptr;
  UserEdit edit;
  edit.global_name = "New Name";
  ASSERT_TRUE(world_.UpdateUser(user, edit).ok());
  EXPECT_EQ(world_.FindUser(user)->global_name, "New Name");
  EXPECT_EQ(sink_.dispatches().size(), guilds);
  for (const Dispatch& d : sink_.dispatches()) {
    EXPECT_EQ(d.name, "GUILD_MEMBER_UPDATE");
    EXPECT_EQ(GetString(Payload(d)["user"], "global_name"), "New Name");
  }
  sink_.Clear();
  ASSERT_TRUE(world_.UpdateUser(Bot(), edit).ok());
  EXPECT_EQ(sink_.dispatches().at(0).name, "USER_UPDATE");
  EXPECT_EQ(sink_.dispatches().at(0).only_for_user, Bot());
}

// ---- Channels and threads ----

TEST_F(WorldMutateTest, ChannelCreateUpdateDelete) {
  ChannelSpec spec;
  spec.type = ChannelType::kText;
  spec.name = "new-channel";
  spec.topic = "a topic";
  spec.parent = FirstChannel(ChannelType::kCategory).id;
  auto id = world_.CreateChannel(guild().id, spec);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto created = Payload(Only("CHANNEL_CREATE"));
  EXPECT_EQ(GetString(created, "id"), id->ToString());
  EXPECT_EQ(GetString(created, "guild_id"), guild().id.ToString());
  EXPECT_EQ(GetString(created, "parent_id"), spec.parent.ToString());
  EXPECT_EQ(GetString(created, "topic"), "a topic");
  sink_.Clear();
  ChannelEdit edit;
  edit.name = "renamed";
  edit.overwrites = std::vector<Overwrite>{{guild().id.value(), 0, 0, permission::kViewChannel}};
  ASSERT_TRUE(world_.UpdateChannel(*id, edit).ok());
  auto updated = Payload(Only("CHANNEL_UPDATE"));
  EXPECT_EQ(GetString(updated, "name"), "renamed");
  EXPECT_EQ(GetString(updated["permission_overwrites"].at(0), "deny"), "1024");
  sink_.Clear();
  ASSERT_TRUE(world_.DeleteChannel(*id).ok());
  EXPECT_EQ(GetString(Payload(Only("CHANNEL_DELETE")), "id"), id->ToString());
  EXPECT_EQ(world_.FindChannel(*id), nullptr);

  ChannelSpec bad;
  bad.type = ChannelType::kPublicThread;
  bad.name = "x";
  EXPECT_EQ(world_.CreateChannel(guild().id, bad).error().code(), ErrorCode::kInvalidArgument);
  bad.type = ChannelType::kText;
  bad.parent = Text().id;  // not a category
  EXPECT_EQ(world_.CreateChannel(guild().id, bad).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(WorldMutateTest, DeletingACategoryOrphansItsChildren) {
  ChannelId category = FirstChannel(ChannelType::kCategory).id;
  size_t children = 0;
  for (const Channel& c : guild().channels) children += !IsThread(c.type) && c.parent == category;
  ASSERT_TRUE(world_.DeleteChannel(category).ok());
  ASSERT_EQ(sink_.dispatches().size(), children + 1);
  for (size_t i = 0; i < children; ++i) {
    EXPECT_EQ(sink_.dispatches()[i].name, "CHANNEL_UPDATE");
    EXPECT_TRUE(Payload(sink_.dispatches()[i])["parent_id"].is_null());
  }
  EXPECT_EQ(sink_.dispatches()[children].name, "CHANNEL_DELETE");
  for (const Channel& c : guild().channels) EXPECT_NE(c.parent, category);
}

TEST_F(WorldMutateTest, DeletingAVoiceChannelDisconnectsItsUsers) {
  ChannelId voice = FirstChannel(ChannelType::kVoice).id;
  ASSERT_TRUE(world_.UpdateVoiceState(guild().id, Human(0), VoiceSpec{voice}).ok());
  ASSERT_TRUE(world_.UpdateVoiceState(guild().id, Human(1), VoiceSpec{voice}).ok());
  size_t in_channel = 0;
  for (const VoiceState& v : guild().voice_states) in_channel += v.channel == voice;
  sink_.Clear();
  ASSERT_TRUE(world_.DeleteChannel(voice).ok());
  std::vector<std::string_view> names = Names();
  size_t leaves = std::count(names.begin(), names.end(), std::string_view("VOICE_STATE_UPDATE"));
  EXPECT_EQ(leaves, in_channel);
  for (const VoiceState& v : guild().voice_states) EXPECT_NE(v.channel, voice);
}

TEST_F(WorldMutateTest, Threads) {
  ThreadSpec spec;
  spec.name = "a thread";
  spec.owner = Human();
  auto id = world_.CreateThread(Text().id, spec);
  ASSERT_TRUE(id.ok()) << id.error().ToString();
  auto created = Payload(Only("THREAD_CREATE"));
  EXPECT_TRUE(GetBool(created, "newly_created"));
  EXPECT_EQ(GetInt(created, "type"), 11);
  EXPECT_EQ(GetString(created, "parent_id"), Text().id.ToString());
  EXPECT_EQ(GetString(created, "owner_id"), spec.owner.ToString());
  EXPECT_FALSE(GetBool(created["thread_metadata"], "archived"));

  MessageSpec message;
  message.content = "in thread";
  ASSERT_TRUE(world_.CreateMessage(*id, Human(), message).ok());
  EXPECT_EQ(world_.FindChannel(*id)->thread.message_count, 1u);

  sink_.Clear();
  ChannelEdit archive;
  archive.archived = true;
  ASSERT_TRUE(world_.UpdateChannel(*id, archive).ok());
  EXPECT_TRUE(GetBool(Payload(Only("THREAD_UPDATE"))["thread_metadata"], "archived"));
  EXPECT_EQ(world_.CreateMessage(*id, Human(), message).error().code(),
            ErrorCode::kFailedPrecondition);
  ChannelEdit topic;
  topic.topic = "no";
  EXPECT_EQ(world_.UpdateChannel(*id, topic).error().code(), ErrorCode::kInvalidArgument);

  sink_.Clear();
  ASSERT_TRUE(world_.DeleteChannel(*id).ok());
  auto deleted = Payload(Only("THREAD_DELETE"));
  EXPECT_EQ(GetString(deleted, "id"), id->ToString());
  EXPECT_EQ(GetString(deleted, "parent_id"), Text().id.ToString());
  EXPECT_EQ(GetInt(deleted, "type"), 11);
  EXPECT_FALSE(Has(deleted, "name")) << "THREAD_DELETE carries only id, guild_id, parent_id, type";

  spec.type = ChannelType::kAnnouncementThread;
  EXPECT_EQ(world_.CreateThread(Text().id, spec).error().code(), ErrorCode::kInvalidArgument);
}

// ---- Roles, guild, emojis ----

TEST_F(WorldMutateTest, Roles) {
  RoleSpec spec;
  spec.name = "Tester";
  spec.permissions = permission::kKickMembers | permission::kManageMessages;
  auto id = world_.CreateRole(guild().id, spec);
  ASSERT_TRUE(id.ok());
  auto created = Payload(Only("GUILD_ROLE_CREATE"));
  EXPECT_EQ(GetString(created, "guild_id"), guild().id.ToString());
  EXPECT_EQ(GetString(created["role"], "permissions"), "8194");
  MemberEdit give;
  give.roles = std::vector<RoleId>{*id};
  ASSERT_TRUE(world_.UpdateMember(guild().id, Human(), give).ok());
  sink_.Clear();
  RoleEdit edit;
  edit.name = "Renamed";
  edit.color = 0x123456;
  ASSERT_TRUE(world_.UpdateRole(guild().id, *id, edit).ok());
  auto updated = Payload(Only("GUILD_ROLE_UPDATE"));
  EXPECT_EQ(GetString(updated["role"], "name"), "Renamed");
  EXPECT_EQ(GetInt(updated["role"], "color"), 0x123456);
  sink_.Clear();
  ASSERT_TRUE(world_.DeleteRole(guild().id, *id).ok());
  auto deleted = Payload(Only("GUILD_ROLE_DELETE"));
  EXPECT_EQ(GetString(deleted, "role_id"), id->ToString());
  EXPECT_EQ(guild().FindRole(*id), nullptr);
  EXPECT_TRUE(guild().FindMember(Human())->roles.empty() ||
              std::find(guild().FindMember(Human())->roles.begin(),
                        guild().FindMember(Human())->roles.end(),
                        *id) == guild().FindMember(Human())->roles.end());
  EXPECT_EQ(world_.DeleteRole(guild().id, RoleId(guild().id.value())).error().code(),
            ErrorCode::kInvalidArgument);
  for (const Role& r : guild().roles) {
    if (r.managed) {
      EXPECT_EQ(world_.DeleteRole(guild().id, r.id).error().code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST_F(WorldMutateTest, GuildUpdate) {
  GuildEdit edit;
  edit.name = "Renamed Guild";
  edit.verification_level = 2;
  ASSERT_TRUE(world_.UpdateGuild(guild().id, edit).ok());
  EXPECT_EQ(guild().name, "Renamed Guild");
  auto e = Payload(Only("GUILD_UPDATE"));
  EXPECT_EQ(GetString(e, "name"), "Renamed Guild");
  EXPECT_EQ(GetInt(e, "verification_level"), 2);
  EXPECT_EQ(ArraySize(e, "roles"), guild().roles.size());
  EXPECT_FALSE(Has(e, "members"));
  GuildEdit bad;
  bad.afk_channel = Text().id;  // not a voice channel
  EXPECT_EQ(world_.UpdateGuild(guild().id, bad).error().code(), ErrorCode::kInvalidArgument);
}

TEST_F(WorldMutateTest, EmojisUpdateCarriesTheCompleteList) {
  EmojiSpec spec;
  spec.name = "party_parrot";
  auto id = world_.CreateEmoji(guild().id, spec);
  ASSERT_TRUE(id.ok());
  auto e = Payload(Only("GUILD_EMOJIS_UPDATE"));
  EXPECT_EQ(ArraySize(e, "emojis"), guild().emojis.size());
  EXPECT_EQ(sink_.dispatches()[0].intent_bit, intent::kGuildExpressions);
  sink_.Clear();
  ASSERT_TRUE(world_.UpdateEmoji(guild().id, *id, EmojiEdit{"renamed_parrot", std::nullopt}).ok());
  EXPECT_EQ(ArraySize(Payload(Only("GUILD_EMOJIS_UPDATE")), "emojis"), guild().emojis.size());
  sink_.Clear();
  size_t before = guild().emojis.size();
  ASSERT_TRUE(world_.DeleteEmoji(guild().id, *id).ok());
  EXPECT_EQ(guild().emojis.size(), before - 1);
  EXPECT_EQ(ArraySize(Payload(Only("GUILD_EMOJIS_UPDATE")), "emojis"), before - 1);
  spec.name = "bad name!";
  EXPECT_EQ(world_.CreateEmoji(guild().id, spec).error().code(), ErrorCode::kInvalidArgument);
}

// ---- Voice, invites, bans ----

TEST_F(WorldMutateTest, VoiceJoinMoveLeave) {
  UserId user = Human(4);
  std::vector<ChannelId> voice;
  for (const Channel& c : guild().channels) {
    if (c.type == ChannelType::kVoice) voice.push_back(c.id);
  }
  ASSERT_FALSE(voice.empty());
  size_t before = guild().voice_states.size();
  ASSERT_TRUE(world_.UpdateVoiceState(guild().id, user, VoiceSpec{voice[0], true}).ok());
  EXPECT_EQ(guild().voice_states.size(), before + 1);
  auto join = Payload(Only("VOICE_STATE_UPDATE"));
  EXPECT_EQ(GetString(join, "channel_id"), voice[0].ToString());
  EXPECT_EQ(GetString(join, "guild_id"), guild().id.ToString());
  EXPECT_TRUE(GetBool(join, "self_mute"));
  EXPECT_TRUE(IsIdString(join["member"]["user"]["id"]));
  std::string session(GetString(join, "session_id"));
  sink_.Clear();
  ChannelId target = voice.size() > 1 ? voice[1] : voice[0];
  ASSERT_TRUE(world_.UpdateVoiceState(guild().id, user, VoiceSpec{target}).ok());
  auto move = Payload(Only("VOICE_STATE_UPDATE"));
  EXPECT_EQ(GetString(move, "channel_id"), target.ToString());
  EXPECT_EQ(GetString(move, "session_id"), session) << "a move keeps the session";
  sink_.Clear();
  ASSERT_TRUE(world_.UpdateVoiceState(guild().id, user, VoiceSpec{}).ok());
  EXPECT_TRUE(Payload(Only("VOICE_STATE_UPDATE"))["channel_id"].is_null());
  EXPECT_EQ(guild().voice_states.size(), before);
  EXPECT_EQ(world_.UpdateVoiceState(guild().id, user, VoiceSpec{Text().id}).error().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(WorldMutateTest, InvitesNeedManageChannels) {
  InviteSpec spec;
  spec.inviter = Human();
  spec.max_age = 3600;
  auto code = world_.CreateInvite(Text().id, spec);
  ASSERT_TRUE(code.ok());
  const Dispatch& d = Only("INVITE_CREATE");
  EXPECT_EQ(d.required_permissions, permission::kManageChannels);
  EXPECT_EQ(d.intent_bit, intent::kGuildInvites);
  auto e = Payload(d);
  EXPECT_EQ(GetString(e, "code"), *code);
  EXPECT_EQ(GetInt(e, "uses"), 0);
  EXPECT_EQ(GetInt(e, "max_age"), 3600);
  EXPECT_TRUE(IsDiscordTimestamp(GetString(e, "expires_at")));
  // The bot (administrator) gets it; an ordinary member's "bot" would not.
  EXPECT_TRUE(world_.ShouldDeliver(d, BotView{intent::kAllDefined, 50, Bot()}));
  EXPECT_FALSE(world_.ShouldDeliver(d, BotView{intent::kAllDefined, 50, Human()}));
  EXPECT_FALSE(world_.ShouldDeliver(d, BotView{0, 50, Bot()})) << "needs GUILD_INVITES";
  sink_.Clear();
  ASSERT_TRUE(world_.DeleteInvite(*code).ok());
  auto deleted = Payload(Only("INVITE_DELETE"));
  EXPECT_EQ(GetString(deleted, "code"), *code);
  EXPECT_EQ(world_.DeleteInvite(*code).error().code(), ErrorCode::kNotFound);
}

TEST_F(WorldMutateTest, BanRemovesTheMemberThenBans) {
  UserId user = Human(5);
  uint32_t count = guild().member_count();
  ASSERT_TRUE(world_.BanUser(guild().id, user, "spam").ok());
  EXPECT_EQ(Names(), (V{"GUILD_MEMBER_REMOVE", "GUILD_BAN_ADD"}));
  EXPECT_EQ(guild().member_count(), count - 1);
  EXPECT_TRUE(guild().bans.count(user.value()));
  const Dispatch& ban = sink_.dispatches()[1];
  EXPECT_EQ(ban.intent_bit, intent::kGuildModeration);
  EXPECT_EQ(ban.required_permissions, permission::kBanMembers | permission::kViewAuditLog);
  EXPECT_EQ(GetString(Payload(ban)["user"], "id"), user.ToString());
  EXPECT_EQ(world_.AddMember(guild().id, user, MemberSpec{}).error().code(),
            ErrorCode::kFailedPrecondition);
  sink_.Clear();
  ASSERT_TRUE(world_.UnbanUser(guild().id, user).ok());
  Only("GUILD_BAN_REMOVE");
  EXPECT_EQ(world_.UnbanUser(guild().id, user).error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(world_.BanUser(guild().id, guild().owner).error().code(), ErrorCode::kPermissionDenied);
}

TEST_F(WorldMutateTest, BotLeavesAndJoins) {
  UserId bot = world_.bots()[1].id;
  ASSERT_TRUE(world_.RemoveBotFromGuild(bot, guild().id).ok());
  std::vector<std::string_view> names = Names();
  EXPECT_EQ(names.front(), "GUILD_MEMBER_REMOVE");
  EXPECT_EQ(names.back(), "GUILD_DELETE");
  EXPECT_EQ(sink_.dispatches().back().only_for_user, bot);
  EXPECT_FALSE(Has(Payload(sink_.dispatches().back()), "unavailable"));
  EXPECT_EQ(guild().FindMember(bot), nullptr);
  sink_.Clear();
  ASSERT_TRUE(world_.AddBotToGuild(bot, guild().id).ok());
  EXPECT_EQ(Names(), (V{"GUILD_ROLE_CREATE", "GUILD_MEMBER_ADD", "GUILD_CREATE"}));
  const Dispatch& create = sink_.dispatches().back();
  EXPECT_TRUE(create.per_bot_render);
  EXPECT_EQ(create.only_for_user, bot);
  EXPECT_FALSE(world_.ShouldDeliver(create, BotView{intent::kAllDefined, 50, Bot()}));
  EXPECT_TRUE(world_.ShouldDeliver(create, BotView{intent::kAllDefined, 50, bot}));
  EXPECT_NE(guild().FindMember(bot), nullptr);
  EXPECT_EQ(world_.AddBotToGuild(bot, guild().id).error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(WorldMutateTest, PermissionsFollowDiscordsAlgorithm) {
  const Guild& g = guild();
  EXPECT_EQ(world_.ComputePermissions(g, g.owner), permission::kAll);
  EXPECT_EQ(world_.ComputePermissions(g, Bot()), permission::kAll) << "bots are administrators";
  EXPECT_EQ(world_.ComputePermissions(g, NonMember()), 0u);
  // Hide a channel from @everyone; a plain member loses everything there.
  ChannelSpec spec;
  spec.name = "private";
  spec.overwrites.push_back({g.id.value(), 0, 0, permission::kViewChannel});
  ChannelId hidden = *world_.CreateChannel(g.id, spec);
  UserId user = Human();
  MemberEdit no_roles;
  no_roles.roles = std::vector<RoleId>{};
  ASSERT_TRUE(world_.UpdateMember(g.id, user, no_roles).ok());
  EXPECT_EQ(world_.ComputePermissions(g, user), g.roles[0].permissions);
  EXPECT_EQ(world_.ComputePermissions(g, user, world_.FindChannel(hidden)), 0u);
  // A member overwrite lets one user back in.
  ChannelEdit edit;
  edit.overwrites = std::vector<Overwrite>{{g.id.value(), 0, 0, permission::kViewChannel},
                                           {user.value(), 1, permission::kViewChannel, 0}};
  ASSERT_TRUE(world_.UpdateChannel(hidden, edit).ok());
  EXPECT_NE(
      world_.ComputePermissions(g, user, world_.FindChannel(hidden)) & permission::kViewChannel,
      0u);
  // A timed-out member keeps only view and history.
  MemberEdit timeout;
  timeout.communication_disabled_until_ms = clock_.UnixMs() + 60000;
  ASSERT_TRUE(world_.UpdateMember(g.id, user, timeout).ok());
  EXPECT_EQ(world_.ComputePermissions(g, user, world_.FindChannel(hidden)),
            permission::kViewChannel | (g.roles[0].permissions & permission::kReadMessageHistory));
}

TEST_F(WorldMutateTest, NoSinkMeansNoRenderingButTheTruthStillChanges) {
  world_.set_sink(nullptr);
  MessageSpec spec;
  spec.content = "quiet";
  auto id = world_.CreateMessage(Text().id, Human(), spec);
  ASSERT_TRUE(id.ok());
  EXPECT_NE(world_.FindMessage(Text().id, *id), nullptr);
  EXPECT_TRUE(sink_.dispatches().empty());
}

}  // namespace
}  // namespace pylon::sim
