// Copyright 2026 The Pylon Gateway Authors.
// Model structs (discord/model.h) -> public protobuf model (discord/v1/model.proto), following
// pylon-api-contract.md §4 and §8: enum offsets, nullable fields as wrappers only when set,
// guild ids filled. Internal to src/cache; stateless functions.

#pragma once

#include <cstdint>
#include <span>

#include "base/ids.h"
#include "cache/shard_cache.h"
#include "cache/user_table.h"
#include "discord/model.h"

namespace pylon::cache {

// Discord channel type -> ChannelData.ChannelType: 0..6 -> +1; 11 -> PUBLIC_THREAD (8),
// 12 -> PRIVATE_THREAD (9), 13 -> GUILD_STAGE_VOICE (10); 10 (announcement thread, no proto
// value) -> PUBLIC_THREAD; 14 (directory), 15 (forum), 16 (media) and unknown types -> UNKNOWN.
pb::ChannelData::ChannelType ToProtoChannelType(discord::ChannelType type);
// Discord activity type (0 playing .. 5 competing) -> ActivityType (+1); others -> UNKNOWN.
pb::PresenceData::PresenceActivityData::ActivityType ToProtoActivityType(uint8_t type);
// Overwrite type: Discord 0 role -> ROLE (1), 1 member -> MEMBER (2), others -> UNKNOWN.
pb::ChannelData::ChannelPermissionOverwriteData::ChannelPermissionOverwriteType
ToProtoOverwriteType(uint8_t type);
pb::PresenceData::OnlineStatus ToProtoStatus(discord::OnlineStatus status);

// Microseconds since the epoch -> Timestamp (floor to seconds, nanos in [0, 1e9)).
void ToProtoTimestamp(discord::TimestampUs us, google::protobuf::Timestamp* out);

void ToProto(const discord::Guild& guild, pb::GuildData* out);
void ToProto(const discord::Channel& channel, pb::ChannelData* out);
void ToProto(const discord::Role& role, GuildId guild, pb::RoleData* out);
void ToProto(const discord::Emoji& emoji, GuildId guild, pb::EmojiData* out);
void ToProto(const discord::User& user, pb::UserData* out);
void ToProto(const UserRecord& user, pb::UserData* out);
void ToProto(const discord::Activity& activity, pb::PresenceData::PresenceActivityData* out);

// The member fields MemberData carries, wherever they are stored.
struct MemberView {
  UserId id;
  GuildId guild;
  std::string_view nick;
  std::span<const uint64_t> roles;
  discord::TimestampUs joined_at = 0;
  discord::TimestampUs premium_since = 0;
  bool pending = false;
  uint64_t permissions = 0;
};
// `user` may be null (then MemberData.user carries only the id).
void ToProto(const MemberView& member, const UserRecord* user, pb::MemberData* out);
void ToProto(const MemberView& member, const discord::User* user, pb::MemberData* out);

// The presence fields PresenceData carries; `user` null -> user_id only.
void ToProto(GuildId guild, UserId user_id, const UserRecord* user, discord::OnlineStatus status,
             discord::OnlineStatus desktop, discord::OnlineStatus mobile, discord::OnlineStatus web,
             std::span<const discord::Activity> activities, pb::PresenceData* out);

// Everything but `member`.
void ToProto(const discord::VoiceState& state, GuildId guild, pb::VoiceStateData* out);

}  // namespace pylon::cache
