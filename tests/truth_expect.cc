// Copyright 2026 The Pylon Gateway Authors.

#include "truth_expect.h"

#include <google/protobuf/util/message_differencer.h>

#include <algorithm>

#include "sim/text.h"

namespace pylon::testing::truth {
namespace {

// discord-protocol.md §9.
constexpr uint64_t kAdministrator = uint64_t{1} << 3;
constexpr uint64_t kViewChannel = uint64_t{1} << 10;
constexpr uint64_t kReadMessageHistory = uint64_t{1} << 16;
constexpr uint64_t kAllPermissions = ((uint64_t{1} << 53) - 1) & ~(uint64_t{1} << 47);

// pylon-api-contract.md §8: MessageType is Discord + 1 where the model has the value; REPLY (19)
// has none and is DEFAULT (src/discord/README.md, "Enums").
pb::MessageData::MessageType MessageType(sim::MessageType type) {
  switch (type) {
    case sim::MessageType::kDefault:
      return pb::MessageData::DEFAULT;
    case sim::MessageType::kChannelPinnedMessage:
      return pb::MessageData::CHANNEL_PINNED_MESSAGE;
    case sim::MessageType::kReply:
      return pb::MessageData::DEFAULT;
  }
  return pb::MessageData::UNKNOWN;
}

pb::PresenceData::OnlineStatus Status(sim::PresenceStatus status) {
  switch (status) {
    case sim::PresenceStatus::kOnline:
      return pb::PresenceData::ONLINE;
    case sim::PresenceStatus::kIdle:
      return pb::PresenceData::IDLE;
    case sim::PresenceStatus::kDnd:
      return pb::PresenceData::DND;
    case sim::PresenceStatus::kOffline:
      return pb::PresenceData::OFFLINE;
  }
  return pb::PresenceData::UNKNOWN;
}

// client_status: the platform's status name, "" when the platform is absent (cache README).
std::string ClientStatus(sim::PresenceStatus status) {
  return status == sim::PresenceStatus::kOffline ? std::string()
                                                 : std::string(sim::StatusName(status));
}

}  // namespace

GuildMeta GuildMeta::From(const sim::Guild& g) {
  GuildMeta m;
  m.id = g.id;
  m.name = g.name;
  m.description = g.description;
  m.icon = g.icon;
  m.owner = g.owner;
  m.features = g.features;
  m.verification_level = g.verification_level;
  m.default_message_notifications = g.default_message_notifications;
  m.explicit_content_filter = g.explicit_content_filter;
  m.mfa_level = g.mfa_level;
  m.premium_tier = g.premium_tier;
  m.premium_subscription_count = g.premium_subscription_count;
  m.afk_timeout = g.afk_timeout;
  m.afk_channel = g.afk_channel;
  m.system_channel = g.system_channel;
  return m;
}

sim::Channel ChannelMeta(const sim::Channel& c) {
  sim::Channel out;
  out.id = c.id;
  out.type = c.type;
  out.position = c.position;
  out.parent = c.parent;
  out.name = c.name;
  out.topic = c.topic;
  out.flags = c.flags;
  out.rate_limit_per_user = c.rate_limit_per_user;
  out.bitrate = c.bitrate;
  out.user_limit = c.user_limit;
  out.nsfw = c.nsfw;
  out.last_message_id = c.last_message_id;
  out.last_pin_ms = c.last_pin_ms;
  out.overwrites = c.overwrites;
  out.thread = c.thread;
  return out;
}

void SetTimestampMs(int64_t unix_ms, google::protobuf::Timestamp* out) {
  int64_t seconds = unix_ms >= 0 ? unix_ms / 1000 : (unix_ms - 999) / 1000;
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((unix_ms - seconds * 1000) * 1'000'000));
}

std::string Hash(uint64_t seed) {
  std::string out;
  sim::AppendHex32(seed, &out);
  return out;
}

pb::ChannelData::ChannelType ChannelType(sim::ChannelType type) {
  switch (type) {
    case sim::ChannelType::kText:
      return pb::ChannelData::GUILD_TEXT;
    case sim::ChannelType::kVoice:
      return pb::ChannelData::GUILD_VOICE;
    case sim::ChannelType::kCategory:
      return pb::ChannelData::GUILD_CATEGORY;
    case sim::ChannelType::kAnnouncement:
      return pb::ChannelData::GUILD_NEWS;
    // No news-thread value: an announcement thread behaves as a public thread (cache README).
    case sim::ChannelType::kAnnouncementThread:
    case sim::ChannelType::kPublicThread:
      return pb::ChannelData::PUBLIC_THREAD;
    case sim::ChannelType::kPrivateThread:
      return pb::ChannelData::PRIVATE_THREAD;
    case sim::ChannelType::kStage:
      return pb::ChannelData::GUILD_STAGE_VOICE;
    // No value fits a forum (cache README): UNKNOWN.
    case sim::ChannelType::kForum:
      return pb::ChannelData::UNKNOWN;
  }
  return pb::ChannelData::UNKNOWN;
}

uint64_t GuildPermissions(GuildId guild, UserId owner, UserId user,
                          const std::vector<RoleId>& member_roles, int64_t timeout_until_ms,
                          int64_t now_ms, const RoleLookup& roles) {
  if (user == owner) return kAllPermissions;
  uint64_t p = 0;
  if (const sim::Role* everyone = roles(guild.value())) p = everyone->permissions;
  for (RoleId id : member_roles) {
    if (const sim::Role* role = roles(id.value())) p |= role->permissions;
  }
  if (p & kAdministrator) return kAllPermissions;
  if (timeout_until_ms != 0 && timeout_until_ms > now_ms) p &= kViewChannel | kReadMessageHistory;
  return p;
}

void User(const sim::User& user, pb::UserData* out) {
  out->set_id(user.id.value());
  out->set_username(user.username);
  if (user.avatar != 0) out->mutable_avatar()->set_value(Hash(user.avatar));
  out->set_discriminator(0);  // the simulator's users are on the new username system ("0")
  out->set_bot(user.bot);
}

void Guild(const GuildMeta& g, uint32_t member_count, int64_t joined_ms, pb::GuildData* out) {
  out->set_id(g.id.value());
  out->set_name(g.name);
  if (g.icon != 0) out->mutable_icon()->set_value(Hash(g.icon));
  if (!g.afk_channel.is_zero()) out->mutable_afk_channel_id()->set_value(g.afk_channel.value());
  out->set_owner_id(g.owner.value());
  if (joined_ms != 0) SetTimestampMs(joined_ms, out->mutable_joined_at());
  out->set_afk_timeout(g.afk_timeout);
  out->set_member_count(member_count);
  out->set_verification_level(g.verification_level);
  out->set_default_message_notifications(g.default_message_notifications);
  out->set_explicit_content_filter(g.explicit_content_filter);
  for (uint32_t f = 0; f < sim::kGuildFeatureCount; ++f) {
    if (g.features & (1u << f)) out->add_features(std::string(sim::kGuildFeatureNames[f]));
  }
  out->set_mfa_level(g.mfa_level);
  if (!g.system_channel.is_zero()) {
    out->mutable_system_channel_id()->set_value(g.system_channel.value());
  }
  if (!g.description.empty()) out->mutable_description()->set_value(g.description);
  out->set_premium_tier(g.premium_tier);
  out->set_premium_subscription_count(g.premium_subscription_count);
}

void Channel(const sim::Channel& c, GuildId guild, pb::ChannelData* out) {
  out->set_id(c.id.value());
  out->mutable_guild_id()->set_value(guild.value());  // filled for guild channels (contract §4)
  out->set_name(c.name);
  out->set_type(ChannelType(c.type));
  if (!c.parent.is_zero()) out->mutable_parent_id()->set_value(c.parent.value());
  // Which fields a channel of each type has (discord-protocol.md §6; what the simulator sends).
  if (sim::IsThread(c.type)) {
    out->set_rate_limit_per_user(c.rate_limit_per_user);
    return;  // threads have no position, overwrites, nsfw, topic or voice fields
  }
  // Channel positions are uint32 in the model; Discord's (and the simulator's) are signed. The
  // engine clamps negative positions to 0 (src/discord/json_parser_message.cc ReadClampedUint32).
  out->set_position(c.position < 0 ? 0u : static_cast<uint32_t>(c.position));
  for (const sim::Overwrite& o : c.overwrites) {
    auto* ow = out->add_permission_overwrites();
    ow->set_id(o.id);
    ow->set_type(o.type == 0 ? pb::ChannelData::ChannelPermissionOverwriteData::ROLE
                             : pb::ChannelData::ChannelPermissionOverwriteData::MEMBER);
    ow->set_allow(o.allow);
    ow->set_deny(o.deny);
  }
  out->set_nsfw(c.nsfw);
  if (c.type == sim::ChannelType::kCategory) return;
  out->set_rate_limit_per_user(c.rate_limit_per_user);
  if (sim::IsVoiceBased(c.type)) {
    out->set_bitrate(c.bitrate);
    out->set_user_limit(c.user_limit);
  } else if (!c.topic.empty()) {  // text, announcement, forum: topic, null when empty
    out->mutable_topic()->set_value(c.topic);
  }
}

void Role(const sim::Role& role, GuildId guild, pb::RoleData* out) {
  out->set_id(role.id.value());
  out->set_guild_id(guild.value());
  out->set_name(role.name);
  out->set_managed(role.managed);
  out->set_mentionable(role.mentionable);
  out->set_hoist(role.hoist);
  out->set_color(role.color);
  out->set_position(static_cast<uint32_t>(role.position));
  out->set_permissions(role.permissions);
}

void Emoji(const sim::Emoji& emoji, GuildId guild, pb::EmojiData* out) {
  out->set_id(emoji.id.value());
  out->set_guild_id(guild.value());
  out->set_name(emoji.name);
  out->set_animated(emoji.animated);
  for (RoleId role : emoji.roles) out->add_roles(role.value());
  out->set_managed(false);
  out->set_require_colons(true);
  out->set_available(emoji.available);
}

void Member(const sim::Member& member, const sim::User& user, GuildId guild, uint64_t permissions,
            pb::MemberData* out) {
  out->set_id(user.id.value());
  out->set_guild_id(guild.value());
  User(user, out->mutable_user());
  if (!member.nick.empty()) out->mutable_nick()->set_value(member.nick);
  for (RoleId role : member.roles) out->add_roles(role.value());
  SetTimestampMs(member.joined_ms, out->mutable_joined_at());
  if (member.premium_since_ms != 0)
    SetTimestampMs(member.premium_since_ms, out->mutable_premium_since());
  out->set_permissions(permissions);
  out->mutable_pending()->set_value(member.pending);  // always sent in GUILD_* events
}

void Presence(const sim::Presence& p, UserId user_id, const sim::User* user, GuildId guild,
              pb::PresenceData* out) {
  out->set_guild_id(guild.value());
  if (user != nullptr) {
    User(*user, out->mutable_user());
  } else {
    out->set_user_id(user_id.value());
  }
  out->set_status(Status(p.status));
  auto* client = out->mutable_client_status();
  client->set_desktop(ClientStatus(p.desktop));
  client->set_mobile(ClientStatus(p.mobile));
  client->set_web(ClientStatus(p.web));
  for (const sim::Activity& a : p.activities) {
    auto* activity = out->add_activities();
    activity->set_name(a.name);
    // ActivityType is Discord + 1 (contract §8).
    activity->set_type(
        static_cast<pb::PresenceData::PresenceActivityData::ActivityType>(a.type + 1));
    activity->set_url(a.url);
    if (a.created_ms != 0) SetTimestampMs(a.created_ms, activity->mutable_created_at());
    activity->set_state(a.state);
  }
}

void VoiceState(const sim::VoiceState& state, bool mute, bool deaf, GuildId guild,
                const pb::MemberData& member, pb::VoiceStateData* out) {
  *out->mutable_member() = member;
  out->set_guild_id(guild.value());
  // channel_id only while connected (contract §4).
  if (!state.channel.is_zero()) out->mutable_channel_id()->set_value(state.channel.value());
  out->mutable_session_id()->set_value(Hash(state.session | 1));
  out->set_self_mute(state.self_mute);
  out->set_self_deaf(state.self_deaf);
  out->set_self_video(state.self_video);
  out->set_self_stream(state.self_stream);
  out->set_mute(mute);
  out->set_deaf(deaf);
  out->set_suppress(state.suppress);
}

void Reactions(const sim::World& world, const sim::Message& message, UserId bot,
               google::protobuf::RepeatedPtrField<pb::MessageData::MessageReactionData>* out) {
  out->Clear();
  for (const sim::Reaction& r : message.reactions) {
    auto* reaction = out->Add();
    reaction->set_count(static_cast<uint32_t>(r.users.size()));
    bool me = false;
    for (sim::UserRef ref : r.users) me |= world.user(ref).id == bot;
    reaction->set_me(me);
    reaction->mutable_emoji()->set_id(r.emoji.id.value());
    reaction->mutable_emoji()->set_name(r.emoji.name);
    reaction->mutable_emoji()->set_animated(r.emoji.animated);
  }
}

void Message(const sim::World& world, const sim::Guild& guild, const sim::Channel& channel,
             const sim::Message& m, UserId bot, pb::MessageData* out) {
  const sim::User& author = world.user(m.author);
  out->set_id(m.id.value());
  out->set_channel_id(channel.id.value());
  out->mutable_guild_id()->set_value(guild.id.value());
  out->set_content(m.content);  // the bot has MESSAGE_CONTENT
  SetTimestampMs(m.id.timestamp_ms(), out->mutable_timestamp());
  if (m.edited_ms != 0) SetTimestampMs(m.edited_ms, out->mutable_edited_timestamp());
  out->mutable_mention_roles();  // sent, empty
  out->set_tts(m.tts);
  out->set_mention_everyone(m.mention_everyone);
  for (const sim::Embed& e : m.embeds) {
    auto* embed = out->add_embeds();
    embed->set_type(pb::MessageData::MessageEmbedData::RICH);
    embed->set_title(e.title);
    embed->set_description(e.description);
    embed->set_color(e.color);
  }
  for (sim::UserRef ref : m.mentions) {
    const sim::User& user = world.user(ref);
    auto* mention = out->add_mentions();
    mention->set_id(user.id.value());
    mention->set_username(user.username);
    if (user.avatar != 0) mention->set_avatar(Hash(user.avatar));
    mention->set_discriminator(0);
  }
  Reactions(world, m, bot, out->mutable_reactions());
  out->set_pinned(m.pinned);
  out->set_type(MessageType(m.type));
  if (!m.reference.is_zero()) {
    auto* reference = out->mutable_message_reference();
    reference->set_message_id(m.reference.value());
    reference->set_channel_id(channel.id.value());
    reference->set_guild_id(guild.id.value());
  }
  User(author, out->mutable_author());
  // The member Discord attaches has no user and no permissions; the public model wants id, guild
  // and user filled (contract §4).
  if (const sim::Member* member = guild.FindMember(author.id)) {
    Member(*member, author, guild.id, /*permissions=*/0, out->mutable_member());
  }
}

std::string Diff(const google::protobuf::Message& expected, const google::protobuf::Message& actual,
                 size_t max_chars) {
  std::string report;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&report);
  if (differencer.Compare(expected, actual)) return {};
  if (report.empty()) report = "(differ)";
  if (report.size() > max_chars) report = report.substr(0, max_chars) + "...";
  return report;
}

}  // namespace pylon::testing::truth
