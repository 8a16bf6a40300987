// Copyright 2026 The Pylon Gateway Authors.
// Builders of model structs and events for the cache's tests, and a small test guild.

#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "cache/permissions.h"
#include "cache/shard_cache.h"
#include "discord/events.h"
#include "discord/model.h"

namespace pylon::cache::test_util {

inline discord::User MakeUser(uint64_t id, std::string_view name, bool bot = false) {
  discord::User user;
  user.id = UserId(id);
  user.username = name;
  user.discriminator = 0;
  user.bot = bot;
  return user;
}

inline discord::Member MakeMember(uint64_t user, std::string_view name,
                                  std::initializer_list<uint64_t> roles = {},
                                  std::string_view nick = {}) {
  discord::Member member;
  member.user = MakeUser(user, name);
  member.has_user = true;
  member.nick = nick;
  for (uint64_t role : roles) member.roles.push_back(role);
  member.joined_at = 1'650'000'000'000'000 + static_cast<int64_t>(user);
  return member;
}

inline discord::Role MakeRole(uint64_t id, std::string_view name, int32_t position,
                              uint64_t permissions) {
  discord::Role role;
  role.id = RoleId(id);
  role.name = name;
  role.position = position;
  role.permissions = permissions;
  return role;
}

inline discord::Channel MakeChannel(uint64_t id, uint64_t guild, discord::ChannelType type,
                                    uint64_t parent = 0, std::string_view name = "channel") {
  discord::Channel channel;
  channel.id = ChannelId(id);
  channel.guild = GuildId(guild);
  channel.type = type;
  channel.parent = ChannelId(parent);
  channel.name = name;
  return channel;
}

inline discord::Presence MakePresence(uint64_t user, discord::OnlineStatus status,
                                      std::string_view activity = {}) {
  discord::Presence presence;
  presence.user = UserId(user);
  presence.status = status;
  presence.desktop = status;
  if (!activity.empty()) {
    discord::Activity a;
    a.name = std::string(activity);
    a.type = 0;
    presence.activities.push_back(a);
  }
  return presence;
}

inline discord::VoiceState MakeVoice(uint64_t user, uint64_t channel) {
  discord::VoiceState state;
  state.user = UserId(user);
  state.channel = ChannelId(channel);
  state.session_id = "session-" + std::to_string(user);
  return state;
}

// The test world: guild 100 owned by user 2; the bot is user 1.
inline constexpr uint64_t kBot = 1;
inline constexpr uint64_t kOwner = 2;
inline constexpr uint64_t kAlice = 3;  // nick "Ally", role kMod, online, in voice 202
inline constexpr uint64_t kBob = 4;    // idle
inline constexpr uint64_t kCarol = 5;  // role kAdmin, offline
inline constexpr uint64_t kGuild = 100;
inline constexpr uint64_t kMod = 10;    // position 1, KICK_MEMBERS
inline constexpr uint64_t kAdmin = 11;  // position 2, ADMINISTRATOR
inline constexpr uint64_t kCategory = 200;
inline constexpr uint64_t kText = 201;    // in kCategory
inline constexpr uint64_t kVoice = 202;   // voice channel
inline constexpr uint64_t kThread = 203;  // public thread of kText
inline constexpr uint64_t kEveryonePermissions =
    permission::kViewChannel | permission::kSendMessages | permission::kReadMessageHistory |
    permission::kConnect | permission::kEmbedLinks;

inline discord::GuildCreateEvent MakeGuildCreate(uint64_t guild = kGuild) {
  discord::GuildCreateEvent event;
  event.guild.id = GuildId(guild);
  event.guild.name = "Test Guild";
  event.guild.owner = UserId(kOwner);
  event.guild.member_count = 5;
  event.guild.joined_at = 1'600'000'000'000'000;
  event.guild.icon.Assign("a_0123456789abcdef0123456789abcdef");
  event.roles.push_back(MakeRole(guild, "@everyone", 0, kEveryonePermissions));
  event.roles.push_back(MakeRole(kMod, "mod", 1, 1ull << 1));
  event.roles.push_back(MakeRole(kAdmin, "admin", 2, permission::kAdministrator));
  event.channels.push_back(
      MakeChannel(kCategory, 0, discord::ChannelType::kGuildCategory, 0, "category"));
  event.channels.push_back(
      MakeChannel(kText, 0, discord::ChannelType::kGuildText, kCategory, "general"));
  event.channels.push_back(MakeChannel(kVoice, 0, discord::ChannelType::kGuildVoice, 0, "voice"));
  event.threads.push_back(
      MakeChannel(kThread, 0, discord::ChannelType::kPublicThread, kText, "thread"));
  event.members.push_back(MakeMember(kBot, "pylon"));
  event.members.back().user.bot = true;
  event.members.push_back(MakeMember(kOwner, "owner"));
  event.members.push_back(MakeMember(kAlice, "Alice", {kMod}, "Ally"));
  event.members.push_back(MakeMember(kBob, "bob"));
  event.members.push_back(MakeMember(kCarol, "carol", {kAdmin}));
  event.presences.push_back(MakePresence(kAlice, discord::OnlineStatus::kOnline, "chess"));
  event.presences.push_back(MakePresence(kBob, discord::OnlineStatus::kIdle));
  event.presences.push_back(MakePresence(kCarol, discord::OnlineStatus::kOffline));
  event.voice_states.push_back(MakeVoice(kAlice, kVoice));
  discord::Emoji emoji;
  emoji.id = EmojiId(300);
  emoji.name = "pog";
  event.emojis.push_back(emoji);
  return event;
}

inline discord::ReadyEvent MakeReady() {
  discord::ReadyEvent ready;
  ready.user = MakeUser(kBot, "pylon", true);
  ready.session_id = "s";
  return ready;
}

inline CacheOptions AllKinds() { return CacheOptions(); }

inline CacheOptions Without(Kind kind) {
  CacheOptions options;
  options.kinds[static_cast<int>(kind)] = false;
  return options;
}

// The memory test and benchmark world: `guilds` guilds of `per_guild` members each, drawn from
// `users` distinct users (a user is in guilds * per_guild / users guilds on average). Half the
// members have no role, 35% one, 15% two; 10% have a nick; 70% of users an avatar hash.
inline void BuildMemberWorld(ShardCache& cache, uint32_t guilds, uint32_t per_guild,
                             uint32_t users) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (uint32_t g = 0; g < guilds; ++g) {
    const uint64_t guild = 1'000'000'000'000 + g;
    discord::GuildCreateEvent event;
    event.guild.id = GuildId(guild);
    event.guild.name = "guild " + std::to_string(g);
    event.guild.owner = UserId(kOwner);
    event.guild.member_count = per_guild;
    event.roles.push_back(MakeRole(guild, "@everyone", 0, kEveryonePermissions));
    for (uint64_t r = 1; r <= 20; ++r)
      event.roles.push_back(MakeRole(guild + r * 7919, "role", 1, 0));
    event.members.reserve(per_guild);
    for (uint32_t j = 0; j < per_guild; ++j) {
      const uint64_t n = (uint64_t{g} * per_guild + j) % users;
      const uint64_t user = 2'000'000'000'000 + n * 13;
      discord::Member member;
      member.has_user = true;
      member.user.id = UserId(user);
      member.user.username = "user" + std::to_string(n);
      if (n % 10 < 7) {
        std::string hash(32, '0');
        for (int i = 0; i < 32; ++i) hash[i] = kHex[(n * 2654435761u >> (i % 28)) & 15];
        member.user.avatar.Assign(hash);
      }
      const uint32_t kind = j % 20;
      if (kind >= 10) member.roles.push_back(guild + (1 + n % 20) * 7919);
      if (kind >= 17) member.roles.push_back(guild + (1 + (n + 7) % 20) * 7919);
      if (j % 10 == 3) member.nick = "nick" + std::to_string(j);
      member.joined_at = 1'600'000'000'000'000 + static_cast<int64_t>(n) * 1'000'003;
      event.members.push_back(std::move(member));
    }
    cache.ApplyGuildCreate(event, nullptr);
  }
}

}  // namespace pylon::cache::test_util
