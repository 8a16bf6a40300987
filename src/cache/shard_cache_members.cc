// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: members, presences, voice states, emojis and the bot's user.

#include <algorithm>
#include <utility>

#include "cache/shard_cache.h"
#include "cache/shard_cache_internal.h"

namespace pylon::cache {

// ---- Impl helpers ----

MemberRecord* ShardCache::Impl::UpsertMember(GuildState& guild, discord::Member& member,
                                             bool* is_new) {
  *is_new = false;
  const UserId user = member.user.id;
  MemberRecord* record = user.is_zero() ? nullptr : guild.members.Find(user);
  if (!member.has_user || user.is_zero()) return record;  // nothing to store a new member with
  const uint32_t slot = users.Upsert(member.user);        // also updates the shared user
  if (record == nullptr) {
    record = &guild.members.Insert(user, slot);
    users.Ref(slot);
    *is_new = true;
  }
  record->roles = std::move(member.roles);
  record->joined_at = member.joined_at;
  record->set(MemberRecord::kPending, member.pending);
  record->set(MemberRecord::kDeaf, member.deaf);
  record->set(MemberRecord::kMute, member.mute);
  guild.members.SetNick(*record, member.nick.view());
  guild.members.SetPremiumSince(*record, member.premium_since);
  guild.members.SetTimeoutUntil(*record, member.communication_disabled_until);
  return record;
}

bool ShardCache::Impl::RemoveMember(GuildState& guild, UserId user) {
  std::optional<MemberRecord> removed = guild.members.Erase(user);
  if (removed.has_value()) users.Unref(removed->user_slot);
  RemovePresence(guild, user);
  RemoveVoiceState(guild, user);
  return removed.has_value();
}

PresenceRecord* ShardCache::Impl::SetPresence(GuildState& guild, discord::Presence& presence) {
  if (presence.status == discord::OnlineStatus::kOffline) {
    RemovePresence(guild, presence.user);
    return nullptr;
  }
  PresenceRecord& record = guild.presences[presence.user.value()];
  if (record.user_slot == kNoSlot && Has(Kind::kUsers)) {
    record.user_slot = users.Find(presence.user);  // a presence alone never creates a user
    if (record.user_slot != kNoSlot) users.Ref(record.user_slot);
  }
  record.status = presence.status;
  record.desktop = presence.desktop;
  record.mobile = presence.mobile;
  record.web = presence.web;
  record.activities = std::move(presence.activities);
  return &record;
}

void ShardCache::Impl::RemovePresence(GuildState& guild, UserId user) {
  auto it = guild.presences.find(user.value());
  if (it == guild.presences.end()) return;
  if (it->second.user_slot != kNoSlot) users.Unref(it->second.user_slot);
  guild.presences.erase(it);
}

void ShardCache::Impl::RemoveVoiceState(GuildState& guild, UserId user) {
  auto it = guild.voice_states.find(user.value());
  if (it == guild.voice_states.end()) return;
  if (it->second.user_slot != kNoSlot) users.Unref(it->second.user_slot);
  guild.voice_states.erase(it);
}

uint64_t ShardCache::Impl::GuildPermissions(const GuildState& guild, UserId user,
                                            const discord::IdList& roles,
                                            discord::TimestampUs timeout_until) const {
  PermissionInput in;
  in.guild = guild.id;
  in.owner = guild.data.owner;
  in.user = user;
  in.roles = &roles;
  in.guild_roles = &guild.roles;
  in.timed_out = timeout_until != 0 && timeout_until > NowUs();
  return cache::ComputePermissions(in);
}

void ShardCache::Impl::MemberToProto(const GuildState& guild, const MemberRecord& member,
                                     pb::MemberData* out) const {
  MemberView view;
  view.id = member.user;
  view.guild = guild.id;
  view.nick = guild.members.Nick(member);
  view.roles = std::span<const uint64_t>(member.roles.data(), member.roles.size());
  view.joined_at = member.joined_at;
  view.premium_since = guild.members.PremiumSince(member);
  view.pending = member.has(MemberRecord::kPending);
  view.permissions =
      GuildPermissions(guild, member.user, member.roles, guild.members.TimeoutUntil(member));
  ToProto(view, &users.at(member.user_slot), out);
}

void ShardCache::Impl::MemberToProto(const GuildState* guild, GuildId guild_id,
                                     const discord::Member& member, pb::MemberData* out) const {
  MemberView view;
  view.id = member.user.id;
  view.guild = guild_id;
  view.nick = member.nick.view();
  view.roles = std::span<const uint64_t>(member.roles.data(), member.roles.size());
  view.joined_at = member.joined_at;
  view.premium_since = member.premium_since;
  view.pending = member.pending;
  if (guild != nullptr) {
    view.permissions =
        GuildPermissions(*guild, member.user.id, member.roles, member.communication_disabled_until);
  }
  if (member.has_user) {
    ToProto(view, &member.user, out);
  } else {
    ToProto(view, FindUser(member.user.id), out);
  }
}

void ShardCache::Impl::PresenceToProto(GuildId guild, UserId user, const PresenceRecord& presence,
                                       pb::PresenceData* out) const {
  ToProto(guild, user, FindUser(user), presence.status, presence.desktop, presence.mobile,
          presence.web, presence.activities, out);
}

void ShardCache::Impl::PresenceToProto(GuildId guild, const discord::Presence& presence,
                                       pb::PresenceData* out) const {
  ToProto(guild, presence.user, FindUser(presence.user), presence.status, presence.desktop,
          presence.mobile, presence.web, presence.activities, out);
}

void ShardCache::Impl::VoiceToProto(const GuildState* guild, GuildId guild_id,
                                    const discord::VoiceState& state,
                                    const discord::Member* event_member,
                                    pb::VoiceStateData* out) const {
  ToProto(state, guild_id, out);
  pb::MemberData* member = out->mutable_member();
  const MemberRecord* record = guild != nullptr ? guild->members.Find(state.user) : nullptr;
  if (record != nullptr) {
    MemberToProto(*guild, *record, member);
  } else if (event_member != nullptr && event_member->has_user) {
    MemberToProto(guild, guild_id, *event_member, member);
  } else {
    member->set_id(state.user.value());
    member->set_guild_id(guild_id.value());
    if (const UserRecord* user = FindUser(state.user); user != nullptr) {
      ToProto(*user, member->mutable_user());
    } else {
      member->mutable_user()->set_id(state.user.value());
    }
  }
}

// ---- Members ----

void ShardCache::ApplyMemberAdd(discord::MemberEvent& event, pb::MemberData* current) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild);
  MemberRecord* record = nullptr;
  bool is_new = true;  // unknown when members are not cached: Discord says it is a join
  if (g != nullptr && d.Has(Kind::kMembers)) {
    record = d.UpsertMember(*g, event.member, &is_new);
    if (record == nullptr) is_new = true;
  }
  if (g != nullptr && g->has_data && is_new) ++g->data.member_count;
  if (current != nullptr) {
    if (record != nullptr) {
      d.MemberToProto(*g, *record, current);
    } else {
      d.MemberToProto(g, event.guild, event.member, current);
    }
  }
}

bool ShardCache::ApplyMemberUpdate(discord::MemberEvent& event, pb::MemberData* previous,
                                   pb::MemberData* current) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild);
  MemberRecord* record = nullptr;
  bool had = false;
  if (g != nullptr && d.Has(Kind::kMembers)) {
    if (const MemberRecord* old = g->members.Find(event.member.user.id); old != nullptr) {
      had = true;
      if (previous != nullptr) d.MemberToProto(*g, *old, previous);
    }
    bool is_new;  // an update of a member not cached adds it; it is not a join
    record = d.UpsertMember(*g, event.member, &is_new);
  } else if (event.member.has_user && d.users.Find(event.member.user.id) != kNoSlot) {
    d.users.Upsert(event.member.user);  // the user is cached for something else
  }
  if (current != nullptr) {
    if (record != nullptr) {
      d.MemberToProto(*g, *record, current);
    } else {
      d.MemberToProto(g, event.guild, event.member, current);
    }
  }
  return had;
}

void ShardCache::ApplyMemberRemove(const discord::MemberRemoveEvent& event,
                                   pb::MemberData* previous) {
  Impl& d = *impl_;
  const UserId user = event.user.id;
  bool was_cached = false;
  if (GuildState* g = d.FindGuild(event.guild); g != nullptr) {
    if (previous != nullptr) {
      if (const MemberRecord* record = g->members.Find(user); record != nullptr) {
        d.MemberToProto(*g, *record, previous);
      }
    }
    // When every member is cached, removing one that is not is a repeated delivery.
    const bool complete =
        d.Has(Kind::kMembers) && g->has_data && g->members.size() >= g->data.member_count;
    was_cached = d.RemoveMember(*g, user);
    if (g->has_data && g->data.member_count > 0 && (was_cached || !complete)) {
      --g->data.member_count;
    }
  }
  if (previous != nullptr && !was_cached) {
    previous->set_id(user.value());
    previous->set_guild_id(event.guild.value());
    ToProto(event.user, previous->mutable_user());
  }
}

void ShardCache::ApplyMembersChunk(discord::MembersChunkEvent& event) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild);
  if (g == nullptr) return;
  if (d.Has(Kind::kMembers)) {
    if (event.chunk_count > 1 && g->has_data) {
      // A full member request: the guild's members are coming; size the table once.
      const size_t expected =
          std::min<size_t>(g->data.member_count, size_t{event.chunk_count} * 1000);
      g->members.Reserve(std::max(expected, g->members.size() + event.members.size()));
    }
    bool is_new;
    for (discord::Member& member : event.members) d.UpsertMember(*g, member, &is_new);
  }
  if (d.Has(Kind::kPresences)) {
    for (discord::Presence& presence : event.presences) d.SetPresence(*g, presence);
  }
}

// ---- Presences ----

bool ShardCache::ApplyPresenceUpdate(discord::PresenceEvent& event, pb::PresenceData* previous,
                                     pb::PresenceData* current) {
  bool had = false;
  Impl& d = *impl_;
  const UserId user = event.presence.user;
  // The user fields the event carried update the cached user; absent ones are not changes.
  if (const uint32_t slot = d.users.Find(user); slot != kNoSlot) {
    UserRecord& record = d.users.at(slot);
    if (event.username.has_value() && record.username.view() != event.username->view()) {
      record.username = *event.username;
    }
    if (event.avatar.has_value()) record.avatar = *event.avatar;
    if (event.discriminator.has_value()) record.discriminator = *event.discriminator;
  }
  GuildState* g = d.Has(Kind::kPresences) ? d.FindGuild(event.guild) : nullptr;
  PresenceRecord* stored = nullptr;
  if (g != nullptr) {
    if (auto it = g->presences.find(user.value()); it != g->presences.end()) {
      had = true;
      if (previous != nullptr) d.PresenceToProto(event.guild, user, it->second, previous);
    }
    stored = d.SetPresence(*g, event.presence);
  }
  if (current != nullptr) {
    if (stored != nullptr) {
      d.PresenceToProto(event.guild, user, *stored, current);
    } else {
      d.PresenceToProto(event.guild, event.presence, current);
    }
  }
  return had;
}

// ---- Voice states ----

bool ShardCache::ApplyVoiceStateUpdate(discord::VoiceStateEvent& event,
                                       pb::VoiceStateData* previous, pb::VoiceStateData* current) {
  bool had = false;
  Impl& d = *impl_;
  const UserId user = event.state.user;
  GuildState* g = d.FindGuild(event.guild);
  discord::Member* event_member = event.member.has_value() ? &*event.member : nullptr;
  const bool member_has_user =
      event_member != nullptr && event_member->has_user && event_member->user.id == user;

  GuildState* voice_guild = d.Has(Kind::kVoiceStates) ? g : nullptr;
  if (voice_guild != nullptr) {
    auto it = voice_guild->voice_states.find(user.value());
    if (it != voice_guild->voice_states.end()) {
      had = true;
      if (previous != nullptr) d.VoiceToProto(g, event.guild, it->second.state, nullptr, previous);
    }
  }

  // The member the event carries is the member's current state.
  if (member_has_user) {
    bool is_new;
    if (g != nullptr && d.Has(Kind::kMembers)) {
      d.UpsertMember(*g, *event_member, &is_new);
    } else if (d.users.Find(user) != kNoSlot) {
      d.users.Upsert(event_member->user);
    }
  }

  VoiceRecord* stored = nullptr;
  if (voice_guild != nullptr) {
    if (event.state.channel.is_zero()) {
      d.RemoveVoiceState(*voice_guild, user);  // left voice
    } else {
      VoiceRecord& record = voice_guild->voice_states[user.value()];
      if (record.user_slot == kNoSlot && d.Has(Kind::kUsers)) {
        if (member_has_user) {
          record.user_slot = d.users.Acquire(event_member->user);
        } else if ((record.user_slot = d.users.Find(user)) != kNoSlot) {
          d.users.Ref(record.user_slot);
        }
      }
      record.state = std::move(event.state);
      stored = &record;
    }
  }
  if (current != nullptr) {
    d.VoiceToProto(g, event.guild, stored != nullptr ? stored->state : event.state, event_member,
                   current);
  }
  return had;
}

// ---- Emojis and the bot's user ----

bool ShardCache::ApplyEmojisUpdate(discord::EmojisUpdateEvent& event,
                                   google::protobuf::RepeatedPtrField<pb::EmojiData>* previous,
                                   google::protobuf::RepeatedPtrField<pb::EmojiData>* current) {
  Impl& d = *impl_;
  GuildState* g = d.Has(Kind::kEmojis) ? d.FindGuild(event.guild) : nullptr;
  const std::vector<discord::Emoji>* list = &event.emojis;
  if (g != nullptr) {
    if (previous != nullptr) {
      for (const discord::Emoji& emoji : g->emojis) ToProto(emoji, event.guild, previous->Add());
    }
    g->emojis = std::move(event.emojis);  // the complete list replaces the old one
    list = &g->emojis;
  }
  if (current != nullptr) {
    for (const discord::Emoji& emoji : *list) ToProto(emoji, event.guild, current->Add());
  }
  return g != nullptr;
}

void ShardCache::ApplyUserUpdate(const discord::UserUpdateEvent& event) {
  Impl& d = *impl_;
  if (event.user.id.value() == bot_.value()) {
    const uint32_t old = d.users.pinned();
    const uint32_t slot = d.users.Upsert(event.user);
    d.users.Pin(slot);
    if (old != kNoSlot && old != slot) d.users.ReleaseIfUnused(old);
  } else if (d.users.Find(event.user.id) != kNoSlot) {
    d.users.Upsert(event.user);
  }
}

}  // namespace pylon::cache
