// Copyright 2026 The Pylon Gateway Authors.
// The public model (discord/v1/model.proto) that the gateway engine's cache must answer, built
// from the simulator's truth (src/sim world structs). Written from pylon-api-contract.md §4/§8 and
// the representation choices documented in src/cache/README.md and src/discord/README.md, and
// from the JSON the simulator renders (which fields Discord sends, and when they are null). It
// shares no code with src/cache/convert or src/discord (that is what it checks). Test-only;
// stateless functions.

#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/ids.h"
#include "discord/v1/event.pb.h"
#include "discord/v1/model.pb.h"
#include "sim/world.h"

namespace pylon::testing::truth {

namespace pb = ::pylon::discord::v1::model;

// The guild's own fields (GUILD_UPDATE shape), copied out of a sim::Guild.
struct GuildMeta {
  GuildId id;
  std::string name;
  std::string description;
  uint64_t icon = 0;
  UserId owner;
  uint32_t features = 0;
  uint8_t verification_level = 0;
  uint8_t default_message_notifications = 0;
  uint8_t explicit_content_filter = 0;
  uint8_t mfa_level = 0;
  uint8_t premium_tier = 0;
  uint32_t premium_subscription_count = 0;
  uint32_t afk_timeout = 0;
  ChannelId afk_channel;
  ChannelId system_channel;

  static GuildMeta From(const sim::Guild& guild);
};

// A channel without its messages (copying a sim::Channel copies its message ring).
sim::Channel ChannelMeta(const sim::Channel& channel);

// Milliseconds since the epoch -> Timestamp.
void SetTimestampMs(int64_t unix_ms, google::protobuf::Timestamp* out);
// The 32 hex digits the simulator renders for an avatar/icon/session seed.
std::string Hash(uint64_t seed);

pb::ChannelData::ChannelType ChannelType(sim::ChannelType type);

// Roles by id, for permissions.
using RoleLookup = std::function<const sim::Role*(uint64_t role_id)>;
// A member's guild-level permissions (discord-protocol.md §9: owner and ADMINISTRATOR -> all;
// @everyone | roles; a running timeout keeps only VIEW_CHANNEL | READ_MESSAGE_HISTORY).
uint64_t GuildPermissions(GuildId guild, UserId owner, UserId user,
                          const std::vector<RoleId>& member_roles, int64_t timeout_until_ms,
                          int64_t now_ms, const RoleLookup& roles);

void User(const sim::User& user, pb::UserData* out);
void Guild(const GuildMeta& guild, uint32_t member_count, int64_t joined_ms, pb::GuildData* out);
void Channel(const sim::Channel& channel, GuildId guild, pb::ChannelData* out);
void Role(const sim::Role& role, GuildId guild, pb::RoleData* out);
void Emoji(const sim::Emoji& emoji, GuildId guild, pb::EmojiData* out);
void Member(const sim::Member& member, const sim::User& user, GuildId guild, uint64_t permissions,
            pb::MemberData* out);
// `user` null: the presence carries user_id only.
void Presence(const sim::Presence& presence, UserId user_id, const sim::User* user, GuildId guild,
              pb::PresenceData* out);
// `member` is the MemberData the state carries; mute/deaf are the member's at the time.
void VoiceState(const sim::VoiceState& state, bool mute, bool deaf, GuildId guild,
                const pb::MemberData& member, pb::VoiceStateData* out);
// The message as the bot's gateway session receives it in MESSAGE_CREATE / MESSAGE_UPDATE, with
// the author's member as the simulator renders it then (when the author is a member).
void Message(const sim::World& world, const sim::Guild& guild, const sim::Channel& channel,
             const sim::Message& message, UserId bot, pb::MessageData* out);
// Only the reactions of a message (count = users, me = the bot reacted).
void Reactions(const sim::World& world, const sim::Message& message, UserId bot,
               google::protobuf::RepeatedPtrField<pb::MessageData::MessageReactionData>* out);

// "" when equal, else MessageDifferencer's report (cut to `max_chars`).
std::string Diff(const google::protobuf::Message& expected, const google::protobuf::Message& actual,
                 size_t max_chars = 600);

}  // namespace pylon::testing::truth
