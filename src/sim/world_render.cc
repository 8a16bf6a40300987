// Copyright 2026 The Pylon Gateway Authors.
// World rendering: Discord v10 JSON shapes (discord-protocol.md §5, §6). Ids are strings,
// permissions decimal strings, timestamps "2022-04-23T19:03:25.927000+00:00".

#include <algorithm>

#include "sim/text.h"
#include "sim/timestamp.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

constexpr uint32_t kLargeGuildMembers = 75000;  // above this GUILD_CREATE is always trimmed

void Timestamp(JsonWriter& w, int64_t unix_ms) { WriteTimestamp(w, unix_ms); }

void TimestampOrNull(JsonWriter& w, int64_t unix_ms) { WriteTimestampOrNull(w, unix_ms); }

void HashOrNull(JsonWriter& w, uint64_t seed, bool animated_prefix = false) {
  if (seed == 0) {
    w.Null();
    return;
  }
  char buffer[36];
  char* p = buffer;
  *p++ = '"';
  if (animated_prefix) {
    *p++ = 'a';
    *p++ = '_';
  }
  FormatHex32(seed, p);
  p += 32;
  *p++ = '"';
  w.Raw(std::string_view(buffer, static_cast<size_t>(p - buffer)));
}

}  // namespace

void World::WriteUser(JsonWriter& w, const User& user) const {
  w.BeginObject();
  WriteUserFields(w, user);
  w.EndObject();
}

void World::WriteUserFields(JsonWriter& w, const User& user) const {
  w.Key("id").Id(user.id);
  w.Key("username").String(user.username);
  w.Key("global_name").StringOrNull(user.global_name);
  w.Key("avatar");
  HashOrNull(w, user.avatar);
  w.Key("discriminator").String("0");
  w.Key("public_flags").UInt(user.public_flags);
  w.Key("avatar_decoration_data").Null();
  if (user.bot) w.Key("bot").Bool(true);
}

void World::WriteMember(JsonWriter& w, const Member& member, bool with_user,
                        GuildId guild_id) const {
  w.BeginObject();
  if (with_user) {
    w.Key("user");
    WriteUser(w, users_[member.user]);
  }
  w.Key("nick").StringOrNull(member.nick);
  w.Key("avatar").Null();
  w.Key("banner").Null();
  w.Key("roles").BeginArray();
  for (RoleId role : member.roles) w.Id(role);
  w.EndArray();
  w.Key("joined_at");
  Timestamp(w, member.joined_ms);
  w.Key("premium_since");
  TimestampOrNull(w, member.premium_since_ms);
  w.Key("deaf").Bool(member.deaf);
  w.Key("mute").Bool(member.mute);
  w.Key("flags").UInt(member.flags);
  w.Key("pending").Bool(member.pending);
  w.Key("communication_disabled_until");
  TimestampOrNull(w, member.communication_disabled_until_ms);
  if (!guild_id.is_zero()) w.Key("guild_id").Id(guild_id);
  w.EndObject();
}

void World::WriteRole(JsonWriter& w, const Role& role) const {
  w.BeginObject();
  w.Key("id").Id(role.id);
  w.Key("name").String(role.name);
  w.Key("description").Null();
  w.Key("color").UInt(role.color);
  w.Key("colors").BeginObject();
  w.Key("primary_color").UInt(role.color);
  w.Key("secondary_color").Null();
  w.Key("tertiary_color").Null();
  w.EndObject();
  w.Key("hoist").Bool(role.hoist);
  w.Key("icon").Null();
  w.Key("unicode_emoji").Null();
  w.Key("position").Int(role.position);
  w.Key("permissions").UIntString(role.permissions);
  w.Key("managed").Bool(role.managed);
  w.Key("mentionable").Bool(role.mentionable);
  w.Key("flags").UInt(role.flags);
  if (!role.bot.is_zero()) {
    w.Key("tags").BeginObject().Key("bot_id").Id(role.bot).EndObject();
  }
  w.EndObject();
}

void World::WriteChannel(JsonWriter& w, const Guild& guild, const Channel& ch,
                         bool with_guild_id) const {
  w.BeginObject();
  WriteChannelFields(w, guild, ch, with_guild_id);
  w.EndObject();
}

void World::WriteChannelFields(JsonWriter& w, const Guild& guild, const Channel& ch,
                               bool with_guild_id) const {
  w.Key("id").Id(ch.id);
  w.Key("type").UInt(static_cast<uint8_t>(ch.type));
  if (with_guild_id) w.Key("guild_id").Id(guild.id);
  w.Key("name").String(ch.name);
  w.Key("parent_id").IdOrNull(ch.parent);
  w.Key("flags").UInt(ch.flags);
  if (IsThread(ch.type)) {
    const ThreadMetadata& t = ch.thread;
    w.Key("owner_id").Id(t.owner);
    w.Key("last_message_id").IdOrNull(ch.last_message_id);
    w.Key("rate_limit_per_user").UInt(ch.rate_limit_per_user);
    w.Key("message_count").UInt(t.message_count);
    w.Key("member_count").UInt(t.member_count);
    w.Key("total_message_sent").UInt(t.total_message_sent);
    w.Key("thread_metadata").BeginObject();
    w.Key("archived").Bool(t.archived);
    w.Key("auto_archive_duration").UInt(t.auto_archive_minutes);
    w.Key("archive_timestamp");
    Timestamp(w, t.archive_ms);
    w.Key("locked").Bool(t.locked);
    if (ch.type == ChannelType::kPrivateThread) w.Key("invitable").Bool(t.invitable);
    w.Key("create_timestamp");
    Timestamp(w, t.create_ms);
    w.EndObject();
    return;
  }
  w.Key("position").Int(ch.position);
  w.Key("permission_overwrites").BeginArray();
  for (const Overwrite& o : ch.overwrites) {
    w.BeginObject();
    w.Key("id").Id(o.id);
    w.Key("type").UInt(o.type);
    w.Key("allow").UIntString(o.allow);
    w.Key("deny").UIntString(o.deny);
    w.EndObject();
  }
  w.EndArray();
  w.Key("nsfw").Bool(ch.nsfw);  // categories too (discord-protocol.md §6: channel key fields)
  if (ch.type == ChannelType::kCategory) return;
  w.Key("rate_limit_per_user").UInt(ch.rate_limit_per_user);
  w.Key("last_message_id").IdOrNull(ch.last_message_id);
  switch (ch.type) {
    case ChannelType::kVoice:
    case ChannelType::kStage:
      w.Key("bitrate").UInt(ch.bitrate);
      w.Key("user_limit").UInt(ch.user_limit);
      w.Key("rtc_region").Null();
      if (ch.type == ChannelType::kVoice) w.Key("video_quality_mode").UInt(1);
      break;
    case ChannelType::kForum:
      w.Key("topic").StringOrNull(ch.topic);
      w.Key("available_tags").BeginArray().EndArray();
      w.Key("default_reaction_emoji").Null();
      w.Key("default_sort_order").Null();
      w.Key("default_forum_layout").UInt(0);
      w.Key("default_thread_rate_limit_per_user").UInt(0);
      break;
    default:  // text, announcement
      w.Key("topic").StringOrNull(ch.topic);
      w.Key("last_pin_timestamp");
      TimestampOrNull(w, ch.last_pin_ms);
  }
}

void World::WriteEmoji(JsonWriter& w, const Emoji& emoji) const {
  w.BeginObject();
  w.Key("id").Id(emoji.id);
  w.Key("name").String(emoji.name);
  w.Key("roles").BeginArray();
  for (RoleId role : emoji.roles) w.Id(role);
  w.EndArray();
  w.Key("require_colons").Bool(true);
  w.Key("managed").Bool(false);
  w.Key("animated").Bool(emoji.animated);
  w.Key("available").Bool(emoji.available);
  w.EndObject();
}

void World::WriteActivity(JsonWriter& w, const Activity& a) const {
  w.BeginObject();
  w.Key("name").String(a.name);
  w.Key("type").UInt(a.type);
  if (!a.state.empty()) w.Key("state").String(a.state);
  if (!a.url.empty()) w.Key("url").String(a.url);
  w.Key("created_at").Int(a.created_ms);
  w.EndObject();
}

void World::WritePresence(JsonWriter& w, const Guild& guild, const Member& member,
                          bool with_guild_id) const {
  const Presence& p = member.presence;
  w.BeginObject();
  w.Key("user").BeginObject().Key("id").Id(users_[member.user].id).EndObject();
  if (with_guild_id) w.Key("guild_id").Id(guild.id);
  w.Key("status").String(StatusName(p.status));
  w.Key("activities").BeginArray();
  for (const Activity& a : p.activities) WriteActivity(w, a);
  w.EndArray();
  w.Key("client_status").BeginObject();
  if (p.desktop != PresenceStatus::kOffline) w.Key("desktop").String(StatusName(p.desktop));
  if (p.mobile != PresenceStatus::kOffline) w.Key("mobile").String(StatusName(p.mobile));
  if (p.web != PresenceStatus::kOffline) w.Key("web").String(StatusName(p.web));
  w.EndObject();
  w.EndObject();
}

void World::WriteVoiceState(JsonWriter& w, const Guild& guild, const VoiceState& state,
                            bool with_guild_id, bool with_member) const {
  const User& user = users_[state.user];
  const Member* member = guild.FindMember(user.id);
  w.BeginObject();
  if (with_guild_id) w.Key("guild_id").Id(guild.id);
  w.Key("channel_id").IdOrNull(state.channel);
  w.Key("user_id").Id(user.id);
  if (with_member && member) {
    w.Key("member");
    WriteMember(w, *member, /*with_user=*/true);
  }
  w.Key("session_id");
  HashOrNull(w, state.session | 1);
  w.Key("deaf").Bool(member && member->deaf);
  w.Key("mute").Bool(member && member->mute);
  w.Key("self_deaf").Bool(state.self_deaf);
  w.Key("self_mute").Bool(state.self_mute);
  w.Key("self_stream").Bool(state.self_stream);
  w.Key("self_video").Bool(state.self_video);
  w.Key("suppress").Bool(state.suppress);
  w.Key("request_to_speak_timestamp");
  TimestampOrNull(w, state.request_to_speak_ms);
  w.EndObject();
}

void World::WriteReactionEmoji(JsonWriter& w, const ReactionEmoji& emoji) const {
  w.BeginObject();
  w.Key("id").IdOrNull(emoji.id);
  w.Key("name").String(emoji.name);
  if (emoji.animated) w.Key("animated").Bool(true);
  w.EndObject();
}

void World::WriteMessage(JsonWriter& w, const Guild& guild, const Channel& channel,
                         const Message& message, const MessageRenderOptions& options) const {
  const User& author = users_[message.author];
  bool show_content = true;
  if (options.viewer && !options.viewer->Has(intent::kMessageContent) &&
      author.id != options.viewer->user) {
    show_content = false;
    for (UserRef ref : message.mentions) {
      if (users_[ref].id == options.viewer->user) show_content = true;
    }
  }
  w.BeginObject();
  w.Key("type").UInt(static_cast<uint8_t>(message.type));
  w.Key("tts").Bool(message.tts);
  w.Key("timestamp");
  Timestamp(w, message.id.timestamp_ms());
  w.Key("pinned").Bool(message.pinned);
  w.Key("mentions").BeginArray();
  for (UserRef ref : message.mentions) {
    const User& mentioned = users_[ref];
    if (!options.gateway_extras) {
      WriteUser(w, mentioned);
      continue;
    }
    // A user object with a partial member (no user) when they are in the guild.
    w.BeginObject();
    WriteUserFields(w, mentioned);
    if (const Member* m = guild.FindMember(mentioned.id)) {
      w.Key("member");
      WriteMember(w, *m, /*with_user=*/false);
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("mention_roles").BeginArray().EndArray();
  w.Key("mention_everyone").Bool(message.mention_everyone);
  w.Key("id").Id(message.id);
  w.Key("flags").UInt(0);
  w.Key("embeds");
  size_t embeds_begin = w.size();
  w.BeginArray();
  if (show_content) {
    for (const Embed& e : message.embeds) {
      w.BeginObject();
      w.Key("type").String("rich");
      if (!e.title.empty()) w.Key("title").String(e.title);
      if (!e.description.empty()) w.Key("description").String(e.description);
      if (e.color != 0) w.Key("color").UInt(e.color);
      w.EndObject();
    }
  }
  w.EndArray();
  size_t embeds_end = w.size();
  w.Key("edited_timestamp");
  TimestampOrNull(w, message.edited_ms);
  w.Key("content");
  size_t content_begin = w.size();
  w.String(show_content ? std::string_view(message.content) : std::string_view());
  size_t content_end = w.size();
  w.Key("components").BeginArray().EndArray();
  w.Key("channel_id").Id(channel.id);
  w.Key("author");
  WriteUser(w, author);
  w.Key("attachments").BeginArray().EndArray();
  if (!message.reactions.empty()) {
    UserRef viewer_ref = kNoUser;
    if (options.viewer) {
      if (const uint32_t* ref = user_index_.Find(options.viewer->user.value())) viewer_ref = *ref;
    }
    w.Key("reactions").BeginArray();
    for (const Reaction& r : message.reactions) {
      w.BeginObject();
      w.Key("emoji");
      WriteReactionEmoji(w, r.emoji);
      w.Key("count").UInt(r.users.size());
      w.Key("count_details").BeginObject();
      w.Key("burst").UInt(0).Key("normal").UInt(r.users.size());
      w.EndObject();
      w.Key("burst_colors").BeginArray().EndArray();
      w.Key("me").Bool(viewer_ref != kNoUser &&
                       std::find(r.users.begin(), r.users.end(), viewer_ref) != r.users.end());
      w.Key("me_burst").Bool(false);
      w.Key("burst_count").UInt(0);
      w.EndObject();
    }
    w.EndArray();
  }
  if (!message.reference.is_zero()) {
    w.Key("message_reference").BeginObject();
    w.Key("type").UInt(0);
    w.Key("channel_id").Id(channel.id);
    w.Key("message_id").Id(message.reference);
    w.Key("guild_id").Id(guild.id);
    w.EndObject();
  }
  if (!options.nonce.empty()) w.Key("nonce").String(options.nonce);
  if (options.gateway_extras) {
    w.Key("guild_id").Id(guild.id);
    const Member* m = options.author_member ? options.author_member : guild.FindMember(author.id);
    if (m) {
      w.Key("member");
      WriteMember(w, *m, /*with_user=*/false);
    }
    w.Key("channel_type").UInt(static_cast<uint8_t>(channel.type));
  }
  w.EndObject();
  if (options.content_spans) {
    options.content_spans->push_back(
        {static_cast<uint32_t>(embeds_begin), static_cast<uint32_t>(embeds_end), "[]"});
    options.content_spans->push_back(
        {static_cast<uint32_t>(content_begin), static_cast<uint32_t>(content_end), "\"\""});
  }
}

void World::WriteInvite(JsonWriter& w, const Guild& guild, const Invite& invite) const {
  w.BeginObject();
  w.Key("channel_id").Id(invite.channel);
  w.Key("code").String(invite.code);
  w.Key("created_at");
  Timestamp(w, invite.created_ms);
  w.Key("guild_id").Id(guild.id);
  if (invite.inviter != kNoUser) {
    w.Key("inviter");
    WriteUser(w, users_[invite.inviter]);
  }
  w.Key("max_age").UInt(invite.max_age);
  w.Key("max_uses").UInt(invite.max_uses);
  w.Key("temporary").Bool(invite.temporary);
  w.Key("uses").UInt(invite.uses);
  w.Key("expires_at");
  TimestampOrNull(w, invite.max_age == 0 ? 0 : invite.created_ms + int64_t{invite.max_age} * 1000);
  w.EndObject();
}

void World::WriteGuildFields(JsonWriter& w, const Guild& g) const {
  w.Key("id").Id(g.id);
  w.Key("name").String(g.name);
  w.Key("icon");
  HashOrNull(w, g.icon);
  w.Key("splash").Null();
  w.Key("discovery_splash").Null();
  w.Key("owner_id").Id(g.owner);
  w.Key("afk_channel_id").IdOrNull(g.afk_channel);
  w.Key("afk_timeout").UInt(g.afk_timeout);
  w.Key("widget_enabled").Bool(false);
  w.Key("widget_channel_id").Null();
  w.Key("verification_level").UInt(g.verification_level);
  w.Key("default_message_notifications").UInt(g.default_message_notifications);
  w.Key("explicit_content_filter").UInt(g.explicit_content_filter);
  w.Key("roles").BeginArray();
  for (const Role& role : g.roles) WriteRole(w, role);
  w.EndArray();
  w.Key("emojis").BeginArray();
  for (const Emoji& emoji : g.emojis) WriteEmoji(w, emoji);
  w.EndArray();
  w.Key("features").BeginArray();
  for (uint32_t f = 0; f < kGuildFeatureCount; ++f) {
    if (g.features & (1u << f)) w.String(kGuildFeatureNames[f]);
  }
  w.EndArray();
  w.Key("mfa_level").UInt(g.mfa_level);
  w.Key("application_id").Null();
  w.Key("system_channel_id").IdOrNull(g.system_channel);
  w.Key("system_channel_flags").UInt(g.system_channel_flags);
  w.Key("rules_channel_id").Null();
  w.Key("max_presences").Null();
  w.Key("max_members").UInt(g.max_members);
  w.Key("vanity_url_code").Null();
  w.Key("description").StringOrNull(g.description);
  w.Key("banner").Null();
  w.Key("premium_tier").UInt(g.premium_tier);
  w.Key("premium_subscription_count").UInt(g.premium_subscription_count);
  w.Key("preferred_locale").String(g.preferred_locale);
  w.Key("public_updates_channel_id").Null();
  w.Key("max_video_channel_users").UInt(25);
  w.Key("max_stage_video_channel_users").UInt(50);
  w.Key("nsfw_level").UInt(g.nsfw_level);
  w.Key("stickers").BeginArray().EndArray();
  w.Key("premium_progress_bar_enabled").Bool(false);
  w.Key("safety_alerts_channel_id").Null();
}

void World::WriteGuild(JsonWriter& w, const Guild& guild) const {
  w.BeginObject();
  WriteGuildFields(w, guild);
  w.EndObject();
}

std::string World::RenderGuildCreate(const Guild& g, const BotView& view) const {
  std::string out;
  out.reserve(4096 + g.channels.size() * 300 + g.roles.size() * 300);
  JsonWriter w(&out);
  const Member* self = g.FindMember(view.user);
  const bool presences_intent = view.Has(intent::kGuildPresences);
  const bool voice_intent = view.Has(intent::kGuildVoiceStates);
  const bool large = g.member_count() > view.large_threshold;
  const bool trimmed = !presences_intent || g.member_count() > kLargeGuildMembers;

  w.BeginObject();
  WriteGuildFields(w, g);
  w.Key("joined_at");
  TimestampOrNull(w, self ? self->joined_ms : 0);
  w.Key("large").Bool(large);
  w.Key("unavailable").Bool(false);
  w.Key("member_count").UInt(g.member_count());
  w.Key("channels").BeginArray();
  for (const Channel& ch : g.channels) {
    if (!IsThread(ch.type)) WriteChannel(w, g, ch, /*with_guild_id=*/false);
  }
  w.EndArray();
  w.Key("threads").BeginArray();
  for (const Channel& ch : g.channels) {
    if (IsThread(ch.type) && !ch.thread.archived) WriteChannel(w, g, ch, /*with_guild_id=*/true);
  }
  w.EndArray();

  // Which members are listed: see the rules in world.h.
  std::vector<uint32_t> listed;
  auto in_voice = [&](const Member& m) {
    return voice_intent && g.voice_index.Contains(users_[m.user].id.value());
  };
  for (uint32_t i = 0; i < g.members.size(); ++i) {
    const Member& m = g.members[i];
    bool is_self = &m == self;
    bool include;
    if (trimmed) {
      include = is_self || in_voice(m);
    } else if (large) {
      include = is_self || m.presence.status != PresenceStatus::kOffline || in_voice(m);
    } else {
      include = true;
    }
    if (include) listed.push_back(i);
  }
  w.Key("members").BeginArray();
  for (uint32_t i : listed) WriteMember(w, g.members[i], /*with_user=*/true);
  w.EndArray();
  w.Key("presences").BeginArray();
  if (presences_intent) {
    for (uint32_t i : listed) {
      if (g.members[i].presence.status != PresenceStatus::kOffline) {
        WritePresence(w, g, g.members[i], /*with_guild_id=*/false);
      }
    }
  }
  w.EndArray();
  w.Key("voice_states").BeginArray();
  if (voice_intent) {
    for (const VoiceState& v : g.voice_states) {
      WriteVoiceState(w, g, v, /*with_guild_id=*/false, /*with_member=*/false);
    }
  }
  w.EndArray();
  w.Key("stage_instances").BeginArray().EndArray();
  w.Key("guild_scheduled_events").BeginArray().EndArray();
  w.Key("soundboard_sounds").BeginArray().EndArray();
  w.EndObject();
  return out;
}

namespace {

template <typename T, typename Key>
std::vector<const T*> SortedBy(const std::vector<T>& items, Key key) {
  std::vector<const T*> sorted;
  sorted.reserve(items.size());
  for (const T& item : items) sorted.push_back(&item);
  std::sort(sorted.begin(), sorted.end(),
            [&](const T* a, const T* b) { return key(*a) < key(*b); });
  return sorted;
}

}  // namespace

std::string World::RenderGuildTruth(const Guild& g, bool with_messages) const {
  std::string out;
  JsonWriter w(&out);
  auto user_id = [&](const auto& x) { return users_[x.user].id.value(); };
  auto channel_id = [](const Channel& c) { return c.id.value(); };
  w.BeginObject();
  w.Key("guild");
  WriteGuild(w, g);
  w.Key("member_count").UInt(g.member_count());
  std::vector<const Channel*> channels = SortedBy(g.channels, channel_id);
  w.Key("channels").BeginArray();
  for (const Channel* ch : channels) {
    if (!IsThread(ch->type)) WriteChannel(w, g, *ch, /*with_guild_id=*/true);
  }
  w.EndArray();
  w.Key("threads").BeginArray();
  for (const Channel* ch : channels) {
    if (IsThread(ch->type)) WriteChannel(w, g, *ch, /*with_guild_id=*/true);
  }
  w.EndArray();
  std::vector<const Member*> members = SortedBy(g.members, user_id);
  w.Key("members").BeginArray();
  for (const Member* m : members) WriteMember(w, *m, /*with_user=*/true);
  w.EndArray();
  w.Key("presences").BeginArray();
  for (const Member* m : members) WritePresence(w, g, *m, /*with_guild_id=*/true);
  w.EndArray();
  w.Key("voice_states").BeginArray();
  for (const VoiceState* v : SortedBy(g.voice_states, user_id)) {
    WriteVoiceState(w, g, *v, /*with_guild_id=*/true, /*with_member=*/false);
  }
  w.EndArray();
  w.Key("bans").BeginArray();
  for (const auto& [id, ban] : g.bans) {
    w.BeginObject();
    w.Key("user");
    const User* user = FindUser(UserId(id));
    if (user) {
      WriteUser(w, *user);
    } else {
      w.BeginObject().Key("id").Id(id).EndObject();
    }
    w.Key("reason").StringOrNull(ban.reason);
    w.EndObject();
  }
  w.EndArray();
  w.Key("invites").BeginArray();
  for (const Invite* invite : SortedBy(g.invites, [](const Invite& i) { return i.code; })) {
    WriteInvite(w, g, *invite);
  }
  w.EndArray();
  w.Key("bots").BeginArray();
  for (UserId bot : g.bots) w.Id(bot);
  w.EndArray();
  if (with_messages) {
    w.Key("messages").BeginObject();
    for (const Channel* ch : channels) {
      if (ch->messages.empty()) continue;
      w.Key(ch->id.ToString()).BeginArray();
      MessageRenderOptions options;
      options.gateway_extras = false;
      for (size_t i = 0; i < ch->messages.size(); ++i) {
        WriteMessage(w, g, *ch, ch->messages.at(i), options);
      }
      w.EndArray();
    }
    w.EndObject();
  }
  w.EndObject();
  return out;
}

std::string World::RenderWorldTruth(bool with_messages) const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("users").BeginArray();
  for (const User& user : users_) WriteUser(w, user);
  w.EndArray();
  w.Key("bots").BeginArray();
  for (const Bot& bot : bots_) {
    w.BeginObject();
    w.Key("id").Id(bot.id);
    w.Key("application_id").Id(bot.application);
    w.Key("allowed_intents").UInt(bot.allowed_intents);
    w.Key("rest_global_limit").UInt(bot.rest_global_limit);
    w.Key("guilds").BeginArray();
    for (GuildId g : bot.guilds) w.Id(g);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("guilds").BeginArray();
  for (const auto& g : guilds_) w.Raw(RenderGuildTruth(*g, with_messages));
  w.EndArray();
  w.EndObject();
  return out;
}

std::string World::RenderSummary() const {
  WorldStats s = Stats();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("users").UInt(s.users);
  w.Key("bots").UInt(s.bots);
  w.Key("guilds").UInt(s.guilds);
  w.Key("channels").UInt(s.channels);
  w.Key("threads").UInt(s.threads);
  w.Key("roles").UInt(s.roles);
  w.Key("emojis").UInt(s.emojis);
  w.Key("members").UInt(s.members);
  w.Key("online_members").UInt(s.online_members);
  w.Key("voice_states").UInt(s.voice_states);
  w.Key("messages").UInt(s.messages);
  w.Key("bans").UInt(s.bans);
  w.Key("invites").UInt(s.invites);
  w.Key("messages_evicted").UInt(s.messages_evicted);
  w.Key("dispatches").UInt(s.dispatches);
  w.Key("approx_bytes").UInt(s.approx_bytes);
  w.Key("per_guild").BeginArray();
  for (const auto& g : guilds_) {
    uint64_t threads = 0, messages = 0, online = 0;
    for (const Channel& ch : g->channels) {
      threads += IsThread(ch.type);
      messages += ch.messages.size();
    }
    for (const Member& m : g->members) online += m.presence.status != PresenceStatus::kOffline;
    w.BeginObject();
    w.Key("id").Id(g->id);
    w.Key("name").String(g->name);
    w.Key("member_count").UInt(g->member_count());
    w.Key("online").UInt(online);
    w.Key("channels").UInt(g->channels.size() - threads);
    w.Key("threads").UInt(threads);
    w.Key("roles").UInt(g->roles.size());
    w.Key("emojis").UInt(g->emojis.size());
    w.Key("voice_states").UInt(g->voice_states.size());
    w.Key("messages").UInt(messages);
    w.Key("bans").UInt(g->bans.size());
    w.Key("invites").UInt(g->invites.size());
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

std::string World::RenderIdList(const Guild& g, ObjectKind kind) const {
  std::vector<uint64_t> ids;
  std::vector<std::string> codes;
  switch (kind) {
    case ObjectKind::kChannels:
    case ObjectKind::kThreads:
      for (const Channel& ch : g.channels) {
        if (IsThread(ch.type) == (kind == ObjectKind::kThreads)) ids.push_back(ch.id.value());
      }
      break;
    case ObjectKind::kRoles:
      for (const Role& r : g.roles) ids.push_back(r.id.value());
      break;
    case ObjectKind::kEmojis:
      for (const Emoji& e : g.emojis) ids.push_back(e.id.value());
      break;
    case ObjectKind::kMembers:
      for (const Member& m : g.members) ids.push_back(users_[m.user].id.value());
      break;
    case ObjectKind::kPresences:
      for (const Member& m : g.members) {
        if (m.presence.status != PresenceStatus::kOffline) ids.push_back(users_[m.user].id.value());
      }
      break;
    case ObjectKind::kVoiceStates:
      for (const VoiceState& v : g.voice_states) ids.push_back(users_[v.user].id.value());
      break;
    case ObjectKind::kBans:
      for (const auto& [id, ban] : g.bans) ids.push_back(id);
      break;
    case ObjectKind::kInvites:
      for (const Invite& i : g.invites) codes.push_back(i.code);
      break;
  }
  std::sort(ids.begin(), ids.end());
  std::sort(codes.begin(), codes.end());
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (uint64_t id : ids) w.Id(id);
  for (const std::string& code : codes) w.String(code);
  w.EndArray();
  return out;
}

}  // namespace pylon::sim
