// Copyright 2026 The Pylon Gateway Authors.
// Discord's permission computation (discord-protocol.md §9) over cached structs. Internal to
// src/cache; stateless functions.

#pragma once

#include <cstdint>

#include "absl/container/flat_hash_map.h"
#include "base/ids.h"
#include "discord/model.h"

namespace pylon::cache {

namespace permission {
inline constexpr uint64_t kCreateInstantInvite = 1ull << 0;
inline constexpr uint64_t kAdministrator = 1ull << 3;
inline constexpr uint64_t kManageChannels = 1ull << 4;
inline constexpr uint64_t kPrioritySpeaker = 1ull << 8;
inline constexpr uint64_t kStream = 1ull << 9;
inline constexpr uint64_t kViewChannel = 1ull << 10;
inline constexpr uint64_t kSendMessages = 1ull << 11;
inline constexpr uint64_t kSendTtsMessages = 1ull << 12;
inline constexpr uint64_t kManageMessages = 1ull << 13;
inline constexpr uint64_t kEmbedLinks = 1ull << 14;
inline constexpr uint64_t kAttachFiles = 1ull << 15;
inline constexpr uint64_t kReadMessageHistory = 1ull << 16;
inline constexpr uint64_t kMentionEveryone = 1ull << 17;
inline constexpr uint64_t kConnect = 1ull << 20;
inline constexpr uint64_t kSpeak = 1ull << 21;
inline constexpr uint64_t kMuteMembers = 1ull << 22;
inline constexpr uint64_t kDeafenMembers = 1ull << 23;
inline constexpr uint64_t kMoveMembers = 1ull << 24;
inline constexpr uint64_t kUseVad = 1ull << 25;
inline constexpr uint64_t kManageRoles = 1ull << 28;
inline constexpr uint64_t kRequestToSpeak = 1ull << 32;
inline constexpr uint64_t kSendMessagesInThreads = 1ull << 38;
inline constexpr uint64_t kUseEmbeddedActivities = 1ull << 39;
inline constexpr uint64_t kUseSoundboard = 1ull << 42;
inline constexpr uint64_t kUseExternalSounds = 1ull << 45;
inline constexpr uint64_t kSetVoiceChannelStatus = 1ull << 48;
// Every defined permission: bits 0..52 except the unassigned bit 47.
inline constexpr uint64_t kAll = ((1ull << 53) - 1) & ~(1ull << 47);
// What a timed-out member keeps.
inline constexpr uint64_t kTimeoutMask = kViewChannel | kReadMessageHistory;
// What needs the permission to send messages (SEND_MESSAGES; SEND_MESSAGES_IN_THREADS in threads).
inline constexpr uint64_t kNeedsSend =
    kMentionEveryone | kSendTtsMessages | kAttachFiles | kEmbedLinks;
// What a voice or stage channel denies without CONNECT (voice permissions, and managing the
// channel or its overwrites).
inline constexpr uint64_t kNeedsConnect =
    kConnect | kSpeak | kMuteMembers | kDeafenMembers | kMoveMembers | kUseVad | kPrioritySpeaker |
    kStream | kRequestToSpeak | kUseEmbeddedActivities | kUseSoundboard | kUseExternalSounds |
    kSetVoiceChannelStatus | kManageChannels | kManageRoles;
}  // namespace permission

using RoleMap = absl::flat_hash_map<uint64_t, discord::Role>;

struct PermissionInput {
  GuildId guild;
  UserId owner;
  UserId user;
  const discord::IdList* roles = nullptr;  // the member's roles
  const RoleMap* guild_roles = nullptr;    // the guild's roles, @everyone included
  // Null: the guild-level permissions. For a thread: its parent channel, with `in_thread` set.
  const discord::Channel* channel = nullptr;
  bool in_thread = false;
  bool timed_out = false;  // communication_disabled_until is in the future
};

// Owner -> all; @everyone | roles; ADMINISTRATOR -> all. Then, for a channel: the @everyone
// overwrite, the member's role overwrites OR-ed together, the member's overwrite. Then the implicit
// rules: a timed-out member keeps only VIEW_CHANNEL | READ_MESSAGE_HISTORY; no VIEW_CHANNEL -> 0
// (in a channel); no SEND_MESSAGES (SEND_MESSAGES_IN_THREADS in a thread) -> no MENTION_EVERYONE,
// SEND_TTS_MESSAGES, ATTACH_FILES, EMBED_LINKS; in voice / stage channels no CONNECT -> none of
// permission::kNeedsConnect.
uint64_t ComputePermissions(const PermissionInput& in);

}  // namespace pylon::cache
