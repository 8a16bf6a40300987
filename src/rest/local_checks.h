// Copyright 2026 The Pylon Gateway Authors.
// Local checks against the shard cache, before a request reaches Discord (architecture §7): the
// bot's permissions computed as Discord does (discord-protocol.md §9, cache::ShardCache::
// ComputePermissions) and the role hierarchy (a member's highest role by position, ties to the
// older id; the bot's highest role must be strictly above the role or member it acts on; the
// guild owner bypasses it and cannot be acted on).
//
// Every answer is tri-state: refused (with Discord's error), allowed, or unknown because the cache
// lacks something — then the request goes to Discord, which decides. A check is never stricter
// than Discord: when Discord accepts either of two permissions, so does the check.
//
// Runs on the reactor that owns the shard cache; holds a reference to it for one check only.

#pragma once

#include <cstdint>
#include <optional>

#include "base/ids.h"
#include "cache/shard_cache.h"
#include "rest/rest_error.h"

namespace pylon::rest {

namespace pb = ::pylon::discord::v1::model;

namespace perm {
inline constexpr uint64_t kCreateInstantInvite = uint64_t{1} << 0;
inline constexpr uint64_t kKickMembers = uint64_t{1} << 1;
inline constexpr uint64_t kBanMembers = uint64_t{1} << 2;
inline constexpr uint64_t kAdministrator = uint64_t{1} << 3;
inline constexpr uint64_t kManageChannels = uint64_t{1} << 4;
inline constexpr uint64_t kManageGuild = uint64_t{1} << 5;
inline constexpr uint64_t kAddReactions = uint64_t{1} << 6;
inline constexpr uint64_t kViewChannel = uint64_t{1} << 10;
inline constexpr uint64_t kSendMessages = uint64_t{1} << 11;
inline constexpr uint64_t kManageMessages = uint64_t{1} << 13;
inline constexpr uint64_t kEmbedLinks = uint64_t{1} << 14;
inline constexpr uint64_t kAttachFiles = uint64_t{1} << 15;
inline constexpr uint64_t kReadMessageHistory = uint64_t{1} << 16;
inline constexpr uint64_t kMuteMembers = uint64_t{1} << 22;
inline constexpr uint64_t kDeafenMembers = uint64_t{1} << 23;
inline constexpr uint64_t kMoveMembers = uint64_t{1} << 24;
inline constexpr uint64_t kChangeNickname = uint64_t{1} << 26;
inline constexpr uint64_t kManageNicknames = uint64_t{1} << 27;
inline constexpr uint64_t kManageRoles = uint64_t{1} << 28;
inline constexpr uint64_t kManageGuildExpressions = uint64_t{1} << 30;
inline constexpr uint64_t kManageThreads = uint64_t{1} << 34;
inline constexpr uint64_t kSendMessagesInThreads = uint64_t{1} << 38;
inline constexpr uint64_t kCreateGuildExpressions = uint64_t{1} << 43;
inline constexpr uint64_t kPinMessages = uint64_t{1} << 51;
}  // namespace perm

// A role's place in the hierarchy.
struct RoleRank {
  uint32_t position = 0;
  uint64_t id = 0;
};
// Higher position, or the same position and an older (smaller) id.
bool RanksAbove(const RoleRank& a, const RoleRank& b);

using LocalError = std::optional<rpb::RestError>;

// What the cache knows of one guild, from the bot's point of view.
class GuildView {
 public:
  GuildView(const cache::ShardCache& cache, BotId bot, GuildId guild)
      : cache_(cache), bot_(bot), guild_(guild) {}

  BotId bot() const { return bot_; }
  GuildId guild() const { return guild_; }

  std::optional<uint64_t> GuildPermissions() const;
  std::optional<uint64_t> ChannelPermissions(ChannelId channel) const;
  // nullopt when the channel is not cached in this guild.
  std::optional<pb::ChannelData::ChannelType> ChannelType(ChannelId channel) const;
  std::optional<UserId> Owner() const { return cache_.GuildOwner(guild_); }
  // The member's highest role (@everyone's rank when it has none); nullopt when not cached.
  std::optional<RoleRank> TopRole(UserId user) const;
  std::optional<RoleRank> Role(RoleId role) const;
  std::optional<uint64_t> RolePermissions(RoleId role) const;
  // Whether the bot may manage (assign, edit, delete, move) `role`.
  std::optional<bool> CanManageRole(RoleId role) const;
  // Whether the bot may kick, ban, time out or rename `target`.
  std::optional<bool> CanActOn(UserId target) const;
  bool GetMember(UserId user, pb::MemberData* out) const {
    return cache_.GetMember(guild_, user, out);
  }
  bool GetRole(RoleId role, pb::RoleData* out) const { return cache_.GetRole(guild_, role, out); }
  bool GetMessage(ChannelId channel, MessageId message, pb::MessageData* out) const {
    return cache_.GetMessage(channel, message, out);
  }
  bool HasMember(UserId user) const { return cache_.HasMember(guild_, user); }

  // The bot must hold every bit of `all` in the guild: 50013 otherwise.
  LocalError RequireGuild(uint64_t all) const;
  // The bot must hold one bit of `any` in the guild.
  LocalError RequireGuildAny(uint64_t any) const;
  // In the channel: without VIEW_CHANNEL 50001 Missing Access, else every bit of `all` (50013).
  // A thread needs SEND_MESSAGES_IN_THREADS where a channel needs SEND_MESSAGES.
  LocalError RequireChannel(ChannelId channel, uint64_t all) const;
  LocalError RequireChannelAny(ChannelId channel, uint64_t any) const;

 private:
  const cache::ShardCache& cache_;
  BotId bot_;
  GuildId guild_;
};

}  // namespace pylon::rest
