// Copyright 2026 The Pylon Gateway Authors.
// ShardCache's storage (ShardCache::Impl) and the helpers its translation units share. Internal to
// src/cache.

#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "base/clock.h"
#include "cache/convert.h"
#include "cache/member_table.h"
#include "cache/message_store.h"
#include "cache/permissions.h"
#include "cache/shard_cache.h"
#include "cache/user_table.h"

namespace pylon::cache {

// A presence that is not offline. Holds a reference to its user when the user is cached.
struct PresenceRecord {
  uint32_t user_slot = kNoSlot;
  discord::OnlineStatus status = discord::OnlineStatus::kOffline;
  discord::OnlineStatus desktop = discord::OnlineStatus::kUnknown;
  discord::OnlineStatus mobile = discord::OnlineStatus::kUnknown;
  discord::OnlineStatus web = discord::OnlineStatus::kUnknown;
  std::vector<discord::Activity> activities;
};

// A connected voice state (channel set). Holds a reference to its user when the user is cached.
struct VoiceRecord {
  discord::VoiceState state;
  uint32_t user_slot = kNoSlot;
};

using ChannelMap = absl::flat_hash_map<uint64_t, discord::Channel>;

// Everything cached about one guild, between its GUILD_CREATE and its removal. The container
// exists whatever kinds are cached; each collection is filled only when its kind is on.
struct GuildState {
  explicit GuildState(GuildId guild) : id(guild) { data.id = guild; }
  GuildState(const GuildState&) = delete;
  GuildState& operator=(const GuildState&) = delete;

  GuildId id;
  bool has_data = false;  // `data` holds the guild's fields (kGuilds)
  discord::Guild data;
  RoleMap roles;        // @everyone included
  ChannelMap channels;  // channels and threads
  std::vector<discord::Emoji> emojis;
  MemberTable members;
  absl::flat_hash_map<uint64_t, PresenceRecord> presences;
  absl::flat_hash_map<uint64_t, VoiceRecord> voice_states;
};

struct ShardCache::Impl {
  Impl(BotId bot_id, const CacheOptions& cache_options)
      : bot(bot_id), options(cache_options), clock(&SystemClock()) {}

  BotId bot;
  CacheOptions options;
  const Clock* clock;
  UserTable users;
  absl::flat_hash_map<uint64_t, std::unique_ptr<GuildState>> guilds;
  absl::flat_hash_map<uint64_t, MessageRing> messages;  // by channel
  pb::MessageData scratch;                              // reused to parse cached messages
  std::string scratch_bytes;                            // reused to rewrite cached messages

  bool Has(Kind kind) const { return options.Has(kind); }
  GuildState* FindGuild(GuildId guild);
  const GuildState* FindGuild(GuildId guild) const;
  const UserRecord* FindUser(UserId user) const;
  discord::TimestampUs NowUs() const { return clock->UnixMs() * 1000; }

  // Drops the references the guild's members, presences and voice states hold.
  void ReleaseGuild(GuildState& guild);
  // Drops the guild's message rings (and their authors' references).
  void DropGuildMessages(GuildId guild);
  void DropChannelMessages(ChannelId channel);

  // Adds or replaces a member (and updates its user). Returns null when the member cannot be
  // stored (no user object and not cached). `*is_new` tells whether it was added.
  MemberRecord* UpsertMember(GuildState& guild, discord::Member& member, bool* is_new);
  // Removes a member with its presence and voice state. Returns whether it was cached.
  bool RemoveMember(GuildState& guild, UserId user);
  // Stores a presence (not offline) or removes it (offline). Returns the stored record or null.
  PresenceRecord* SetPresence(GuildState& guild, discord::Presence& presence);
  void RemovePresence(GuildState& guild, UserId user);
  void RemoveVoiceState(GuildState& guild, UserId user);
  void StoreChannel(GuildState& guild, discord::Channel&& channel);

  // Guild-level permissions of a member (the MemberData.permissions field).
  uint64_t GuildPermissions(const GuildState& guild, UserId user, const discord::IdList& roles,
                            discord::TimestampUs timeout_until) const;

  // Conversions that need the cache (users, permissions).
  void MemberToProto(const GuildState& guild, const MemberRecord& member,
                     pb::MemberData* out) const;
  // A member not taken from the cache (kind off or not storable): permissions from the cached
  // guild when there is one.
  void MemberToProto(const GuildState* guild, GuildId guild_id, const discord::Member& member,
                     pb::MemberData* out) const;
  void PresenceToProto(GuildId guild, UserId user, const PresenceRecord& presence,
                       pb::PresenceData* out) const;
  void PresenceToProto(GuildId guild, const discord::Presence& presence,
                       pb::PresenceData* out) const;
  // `event_member`: used when the member is not cached.
  void VoiceToProto(const GuildState* guild, GuildId guild_id, const discord::VoiceState& state,
                    const discord::Member* event_member, pb::VoiceStateData* out) const;
  void GuildToProto(const GuildState& guild, pb::GuildData* out) const;
};

}  // namespace pylon::cache
