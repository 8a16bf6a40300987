// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: construction, shared helpers, and the guild, role, channel and thread events.
// Members, presences, voice states and users are in shard_cache_members.cc, messages in
// shard_cache_messages.cc, queries and accounting in shard_cache_query.cc.

#include "cache/shard_cache.h"

#include <algorithm>
#include <utility>

#include "base/clock.h"
#include "cache/shard_cache_internal.h"

namespace pylon::cache {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kGuilds:
      return "guilds";
    case Kind::kChannels:
      return "channels";
    case Kind::kRoles:
      return "roles";
    case Kind::kMembers:
      return "members";
    case Kind::kUsers:
      return "users";
    case Kind::kPresences:
      return "presences";
    case Kind::kVoiceStates:
      return "voice_states";
    case Kind::kEmojis:
      return "emojis";
    case Kind::kMessages:
      return "messages";
  }
  return "";
}

// ---- Impl helpers shared by the translation units ----

GuildState* ShardCache::Impl::FindGuild(GuildId guild) {
  auto it = guilds.find(guild.value());
  return it == guilds.end() ? nullptr : it->second.get();
}

const GuildState* ShardCache::Impl::FindGuild(GuildId guild) const {
  auto it = guilds.find(guild.value());
  return it == guilds.end() ? nullptr : it->second.get();
}

const UserRecord* ShardCache::Impl::FindUser(UserId user) const {
  uint32_t slot = users.Find(user);
  return slot == kNoSlot ? nullptr : &users.at(slot);
}

void ShardCache::Impl::ReleaseGuild(GuildState& guild) {
  for (const MemberRecord& member : guild.members.records()) users.Unref(member.user_slot);
  guild.members.Clear();
  for (const auto& [id, presence] : guild.presences) {
    if (presence.user_slot != kNoSlot) users.Unref(presence.user_slot);
  }
  guild.presences.clear();
  for (const auto& [id, voice] : guild.voice_states) {
    if (voice.user_slot != kNoSlot) users.Unref(voice.user_slot);
  }
  guild.voice_states.clear();
}

void ShardCache::Impl::DropGuildMessages(GuildId guild) {
  for (auto it = messages.begin(); it != messages.end();) {
    if (it->second.guild() == guild) {
      it->second.ForEach([this](const StoredMessage& m) {
        if (m.author_slot != kNoSlot) users.Unref(m.author_slot);
      });
      messages.erase(it++);
    } else {
      ++it;
    }
  }
}

void ShardCache::Impl::DropChannelMessages(ChannelId channel) {
  auto it = messages.find(channel.value());
  if (it == messages.end()) return;
  it->second.ForEach([this](const StoredMessage& m) {
    if (m.author_slot != kNoSlot) users.Unref(m.author_slot);
  });
  messages.erase(it);
}

void ShardCache::Impl::StoreChannel(GuildState& guild, discord::Channel&& channel) {
  if (channel.guild.is_zero()) channel.guild = guild.id;
  const uint64_t id = channel.id.value();
  guild.channels.insert_or_assign(id, std::move(channel));
}

void ShardCache::Impl::GuildToProto(const GuildState& guild, pb::GuildData* out) const {
  ToProto(guild.data, out);
}

// ---- ShardCache ----

ShardCache::ShardCache(BotId bot, CacheOptions options)
    : bot_(bot), options_(options), impl_(std::make_unique<Impl>(bot, options)) {}

ShardCache::~ShardCache() = default;

void ShardCache::SetClock(const Clock* clock) { impl_->clock = clock ? clock : &SystemClock(); }

void ShardCache::Clear() {
  Impl& d = *impl_;
  d.guilds.clear();
  d.messages.clear();
  d.users.Clear();
}

void ShardCache::ApplyReady(const discord::ReadyEvent& event) {
  Impl& d = *impl_;
  const uint32_t old = d.users.pinned();
  const uint32_t slot = d.users.Upsert(event.user);
  d.users.Pin(slot);
  if (old != kNoSlot && old != slot) d.users.ReleaseIfUnused(old);
}

void ShardCache::ApplyGuildCreate(discord::GuildCreateEvent& event, pb::GuildData* current) {
  Impl& d = *impl_;
  const GuildId id = event.guild.id;
  if (event.guild.unavailable) {
    // An outage: keep what is cached, marked unavailable.
    GuildState* cached = d.FindGuild(id);
    if (cached != nullptr) cached->data.unavailable = true;
    if (current != nullptr) {
      if (cached != nullptr && cached->has_data) {
        d.GuildToProto(*cached, current);
      } else {
        current->set_id(id.value());
        current->set_unavailable(true);
      }
    }
    return;
  }

  // Build the new state, then swap it in and release the old one (users shared by both keep
  // their slots).
  auto fresh = std::make_unique<GuildState>(id);
  GuildState& g = *fresh;
  if (current != nullptr && !d.Has(Kind::kGuilds)) ToProto(event.guild, current);
  if (d.Has(Kind::kGuilds)) {
    g.data = std::move(event.guild);
    g.has_data = true;
  }
  if (d.Has(Kind::kRoles)) {
    g.roles.reserve(event.roles.size());
    for (discord::Role& role : event.roles) {
      const uint64_t role_id = role.id.value();
      g.roles.insert_or_assign(role_id, std::move(role));
    }
  }
  if (d.Has(Kind::kEmojis)) g.emojis = std::move(event.emojis);
  if (d.Has(Kind::kChannels)) {
    g.channels.reserve(event.channels.size() + event.threads.size());
    for (discord::Channel& channel : event.channels) d.StoreChannel(g, std::move(channel));
    for (discord::Channel& thread : event.threads) d.StoreChannel(g, std::move(thread));
  }
  if (d.Has(Kind::kMembers)) {
    g.members.Reserve(event.members.size());
    bool is_new;
    for (discord::Member& member : event.members) d.UpsertMember(g, member, &is_new);
  }
  if (d.Has(Kind::kPresences)) {
    for (discord::Presence& presence : event.presences) d.SetPresence(g, presence);
  }
  if (d.Has(Kind::kVoiceStates)) {
    for (discord::VoiceState& state : event.voice_states) {
      if (state.channel.is_zero()) continue;
      VoiceRecord& record = g.voice_states[state.user.value()];
      if (d.Has(Kind::kUsers) && record.user_slot == kNoSlot) {
        record.user_slot = d.users.Find(state.user);
        if (record.user_slot != kNoSlot) d.users.Ref(record.user_slot);
      }
      record.state = std::move(state);
    }
  }

  std::unique_ptr<GuildState>& slot = d.guilds[id.value()];
  std::unique_ptr<GuildState> old = std::move(slot);
  slot = std::move(fresh);
  if (old != nullptr) d.ReleaseGuild(*old);
  if (current != nullptr && g.has_data) d.GuildToProto(g, current);
}

bool ShardCache::ApplyGuildUpdate(discord::GuildUpdateEvent& event, pb::GuildData* previous,
                                  pb::GuildData* current) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild.id);
  if (g == nullptr || !g->has_data) {
    if (current != nullptr) ToProto(event.guild, current);
    return false;
  }
  if (previous != nullptr) d.GuildToProto(*g, previous);
  // GUILD_UPDATE has no GUILD_CREATE extras: keep member_count and joined_at; collections are
  // kept by construction (they are not part of `data`).
  discord::Guild& data = g->data;
  const uint32_t member_count = data.member_count;
  const discord::TimestampUs joined_at = data.joined_at;
  data = std::move(event.guild);
  data.member_count = member_count;
  data.joined_at = joined_at;
  if (current != nullptr) d.GuildToProto(*g, current);
  return true;
}

bool ShardCache::ApplyGuildDelete(const discord::GuildDeleteEvent& event, pb::GuildData* previous) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild);
  if (g == nullptr) return false;
  const bool had = g->has_data;
  if (previous != nullptr && had) d.GuildToProto(*g, previous);
  if (event.unavailable) {
    g->data.unavailable = true;
    return had;
  }
  d.ReleaseGuild(*g);
  d.DropGuildMessages(event.guild);
  d.guilds.erase(event.guild.value());
  return had;
}

// ---- Roles ----

void ShardCache::ApplyRoleCreate(discord::RoleEvent& event, pb::RoleData* current) {
  (void)ApplyRoleUpdate(event, nullptr, current);
}

bool ShardCache::ApplyRoleUpdate(discord::RoleEvent& event, pb::RoleData* previous,
                                 pb::RoleData* current) {
  Impl& d = *impl_;
  GuildState* g = d.Has(Kind::kRoles) ? d.FindGuild(event.guild) : nullptr;
  if (g == nullptr) {
    if (current != nullptr) ToProto(event.role, event.guild, current);
    return false;
  }
  auto [it, inserted] = g->roles.try_emplace(event.role.id.value());
  if (!inserted && previous != nullptr) ToProto(it->second, event.guild, previous);
  it->second = std::move(event.role);
  if (current != nullptr) ToProto(it->second, event.guild, current);
  return !inserted;
}

bool ShardCache::ApplyRoleDelete(const discord::RoleDeleteEvent& event, pb::RoleData* previous) {
  Impl& d = *impl_;
  GuildState* g = d.FindGuild(event.guild);
  if (g == nullptr) return false;
  bool had = false;
  if (auto it = g->roles.find(event.role.value()); it != g->roles.end()) {
    if (previous != nullptr) ToProto(it->second, event.guild, previous);
    g->roles.erase(it);
    had = true;
  }
  // Discord sends no member updates for this.
  const uint64_t role = event.role.value();
  for (MemberRecord& member : g->members.mutable_records()) {
    if (!member.roles.contains(role)) continue;
    discord::IdList kept;
    for (uint64_t r : member.roles) {
      if (r != role) kept.push_back(r);
    }
    member.roles = std::move(kept);
  }
  return had;
}

// ---- Channels and threads ----

void ShardCache::ApplyChannelCreate(discord::ChannelEvent& event, pb::ChannelData* current) {
  (void)ApplyChannelUpdate(event, nullptr, current);
}

bool ShardCache::ApplyChannelUpdate(discord::ChannelEvent& event, pb::ChannelData* previous,
                                    pb::ChannelData* current) {
  Impl& d = *impl_;
  const GuildId guild = event.channel.guild;
  GuildState* g = d.Has(Kind::kChannels) && !guild.is_zero() ? d.FindGuild(guild) : nullptr;
  if (g == nullptr) {
    if (current != nullptr) ToProto(event.channel, current);
    return false;
  }
  const uint64_t id = event.channel.id.value();
  bool had = false;
  if (auto it = g->channels.find(id); it != g->channels.end()) {
    had = true;
    if (previous != nullptr) ToProto(it->second, previous);
  }
  d.StoreChannel(*g, std::move(event.channel));
  if (current != nullptr) ToProto(g->channels.at(id), current);
  return had;
}

bool ShardCache::ApplyChannelDelete(discord::ChannelEvent& event, pb::ChannelData* previous) {
  Impl& d = *impl_;
  const ChannelId id = event.channel.id;
  GuildState* g = event.channel.guild.is_zero() ? nullptr : d.FindGuild(event.channel.guild);
  bool had = false;
  if (g != nullptr) {
    if (auto it = g->channels.find(id.value()); it != g->channels.end()) {
      if (previous != nullptr) ToProto(it->second, previous);
      g->channels.erase(it);
      had = true;
    }
    // Its threads, and their messages.
    for (auto it = g->channels.begin(); it != g->channels.end();) {
      if (discord::IsThread(it->second.type) && it->second.parent == id) {
        d.DropChannelMessages(it->second.id);
        g->channels.erase(it++);
      } else {
        ++it;
      }
    }
  }
  d.DropChannelMessages(id);
  return had;
}

void ShardCache::ApplyThreadCreate(discord::ChannelEvent& event) {
  (void)ApplyChannelUpdate(event, nullptr, nullptr);
}

void ShardCache::ApplyThreadUpdate(discord::ChannelEvent& event) {
  (void)ApplyChannelUpdate(event, nullptr, nullptr);
}

void ShardCache::ApplyThreadDelete(const discord::ThreadDeleteEvent& event) {
  Impl& d = *impl_;
  if (GuildState* g = d.FindGuild(event.guild); g != nullptr) g->channels.erase(event.id.value());
  d.DropChannelMessages(event.id);
}

void ShardCache::ApplyThreadListSync(discord::ThreadListSyncEvent& event) {
  Impl& d = *impl_;
  GuildState* g = d.Has(Kind::kChannels) ? d.FindGuild(event.guild) : nullptr;
  if (g == nullptr) return;
  // First drop the cached threads the sync covers (of the listed parents, or all), then add.
  absl::erase_if(g->channels, [&event](const auto& entry) {
    const discord::Channel& channel = entry.second;
    if (!discord::IsThread(channel.type)) return false;
    if (!event.has_channel_ids) return true;
    return std::find(event.channel_ids.begin(), event.channel_ids.end(), channel.parent) !=
           event.channel_ids.end();
  });
  for (discord::Channel& thread : event.threads) {
    if (thread.guild.is_zero()) thread.guild = event.guild;
    d.StoreChannel(*g, std::move(thread));
  }
}

}  // namespace pylon::cache
