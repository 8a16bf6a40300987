// Copyright 2026 The Pylon Gateway Authors.

#include "cache/convert.h"

namespace pylon::cache {
namespace {

template <typename Msg, typename Fn>
void SetHashIfSet(const discord::ImageHash& hash, Msg* out, Fn mutable_field) {
  if (!hash.empty()) (out->*mutable_field)()->set_value(hash.str());
}

template <typename Msg, typename Fn>
void SetSnowflakeIfSet(uint64_t id, Msg* out, Fn mutable_field) {
  if (id != 0) (out->*mutable_field)()->set_value(id);
}

// Assigns without a temporary std::string (reusing the field's buffer).
void SetView(std::string_view text, std::string* out) { out->assign(text.data(), text.size()); }

void FillMemberCommon(const MemberView& member, pb::MemberData* out) {
  out->set_id(member.id.value());
  out->set_guild_id(member.guild.value());
  if (!member.nick.empty()) out->mutable_nick()->set_value(member.nick.data(), member.nick.size());
  auto* roles = out->mutable_roles();
  roles->Reserve(static_cast<int>(member.roles.size()));
  for (uint64_t role : member.roles) roles->Add(role);
  if (member.joined_at != 0) ToProtoTimestamp(member.joined_at, out->mutable_joined_at());
  if (member.premium_since != 0) {
    ToProtoTimestamp(member.premium_since, out->mutable_premium_since());
  }
  out->set_permissions(member.permissions);
  out->mutable_pending()->set_value(member.pending);
}

}  // namespace

pb::ChannelData::ChannelType ToProtoChannelType(discord::ChannelType type) {
  const int t = static_cast<int>(type);
  if (t >= 0 && t <= 6) return static_cast<pb::ChannelData::ChannelType>(t + 1);
  switch (type) {
    case discord::ChannelType::kAnnouncementThread:
    case discord::ChannelType::kPublicThread:
      return pb::ChannelData::PUBLIC_THREAD;
    case discord::ChannelType::kPrivateThread:
      return pb::ChannelData::PRIVATE_THREAD;
    case discord::ChannelType::kGuildStageVoice:
      return pb::ChannelData::GUILD_STAGE_VOICE;
    default:
      return pb::ChannelData::UNKNOWN;
  }
}

pb::PresenceData::PresenceActivityData::ActivityType ToProtoActivityType(uint8_t type) {
  if (type <= 5) {
    return static_cast<pb::PresenceData::PresenceActivityData::ActivityType>(type + 1);
  }
  return pb::PresenceData::PresenceActivityData::UNKNOWN;
}

pb::ChannelData::ChannelPermissionOverwriteData::ChannelPermissionOverwriteType
ToProtoOverwriteType(uint8_t type) {
  switch (type) {
    case 0:
      return pb::ChannelData::ChannelPermissionOverwriteData::ROLE;
    case 1:
      return pb::ChannelData::ChannelPermissionOverwriteData::MEMBER;
    default:
      return pb::ChannelData::ChannelPermissionOverwriteData::UNKNOWN;
  }
}

pb::PresenceData::OnlineStatus ToProtoStatus(discord::OnlineStatus status) {
  switch (status) {
    case discord::OnlineStatus::kOnline:
      return pb::PresenceData::ONLINE;
    case discord::OnlineStatus::kIdle:
      return pb::PresenceData::IDLE;
    case discord::OnlineStatus::kDnd:
      return pb::PresenceData::DND;
    case discord::OnlineStatus::kInvisible:
      return pb::PresenceData::INVISIBLE;
    case discord::OnlineStatus::kOffline:
      return pb::PresenceData::OFFLINE;
    case discord::OnlineStatus::kUnknown:
      return pb::PresenceData::UNKNOWN;
  }
  return pb::PresenceData::UNKNOWN;
}

void ToProtoTimestamp(discord::TimestampUs us, google::protobuf::Timestamp* out) {
  int64_t seconds = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>((us - seconds * 1'000'000) * 1000));
}

void ToProto(const discord::Guild& guild, pb::GuildData* out) {
  out->set_id(guild.id.value());
  out->set_name(guild.name);
  SetHashIfSet(guild.icon, out, &pb::GuildData::mutable_icon);
  out->set_region(guild.region);
  SetSnowflakeIfSet(guild.afk_channel.value(), out, &pb::GuildData::mutable_afk_channel_id);
  out->set_owner_id(guild.owner.value());
  if (guild.joined_at != 0) ToProtoTimestamp(guild.joined_at, out->mutable_joined_at());
  SetHashIfSet(guild.splash, out, &pb::GuildData::mutable_splash);
  SetHashIfSet(guild.discovery_splash, out, &pb::GuildData::mutable_discovery_splash);
  out->set_afk_timeout(guild.afk_timeout);
  out->set_member_count(guild.member_count);
  out->set_verification_level(guild.verification_level);
  out->set_default_message_notifications(guild.default_message_notifications);
  out->set_explicit_content_filter(guild.explicit_content_filter);
  auto* features = out->mutable_features();
  features->Reserve(static_cast<int>(guild.features.size()));
  for (const std::string& feature : guild.features) features->Add()->assign(feature);
  out->set_mfa_level(guild.mfa_level);
  out->set_widget_enabled(guild.widget_enabled);
  SetSnowflakeIfSet(guild.widget_channel.value(), out, &pb::GuildData::mutable_widget_channel_id);
  SetSnowflakeIfSet(guild.system_channel.value(), out, &pb::GuildData::mutable_system_channel_id);
  if (guild.has_vanity_url_code) out->mutable_vanity_url_code()->set_value(guild.vanity_url_code);
  if (guild.has_description) out->mutable_description()->set_value(guild.description);
  SetHashIfSet(guild.banner, out, &pb::GuildData::mutable_banner);
  out->set_premium_tier(guild.premium_tier);
  out->set_premium_subscription_count(guild.premium_subscription_count);
  out->set_unavailable(guild.unavailable);
}

void ToProto(const discord::Channel& channel, pb::ChannelData* out) {
  out->set_id(channel.id.value());
  SetSnowflakeIfSet(channel.guild.value(), out, &pb::ChannelData::mutable_guild_id);
  out->set_name(channel.name.data(), channel.name.size());
  if (channel.has_topic) out->mutable_topic()->set_value(channel.topic);
  out->set_type(ToProtoChannelType(channel.type));
  out->set_nsfw(channel.nsfw);
  out->set_position(static_cast<uint32_t>(channel.position));
  out->set_bitrate(channel.bitrate);
  out->set_user_limit(channel.user_limit);
  SetSnowflakeIfSet(channel.parent.value(), out, &pb::ChannelData::mutable_parent_id);
  out->set_rate_limit_per_user(channel.rate_limit_per_user);
  auto* overwrites = out->mutable_permission_overwrites();
  overwrites->Reserve(static_cast<int>(channel.overwrites.size()));
  for (const discord::Overwrite& overwrite : channel.overwrites) {
    auto* o = overwrites->Add();
    o->set_id(overwrite.id);
    o->set_type(ToProtoOverwriteType(overwrite.type));
    o->set_allow(overwrite.allow);
    o->set_deny(overwrite.deny);
  }
}

void ToProto(const discord::Role& role, GuildId guild, pb::RoleData* out) {
  out->set_id(role.id.value());
  out->set_guild_id(guild.value());
  out->set_name(role.name.data(), role.name.size());
  out->set_managed(role.managed);
  out->set_mentionable(role.mentionable);
  out->set_hoist(role.hoist);
  out->set_color(role.color);
  out->set_position(static_cast<uint32_t>(role.position));
  out->set_permissions(role.permissions);
}

void ToProto(const discord::Emoji& emoji, GuildId guild, pb::EmojiData* out) {
  out->set_id(emoji.id.value());
  out->set_guild_id(guild.value());
  out->set_name(emoji.name.data(), emoji.name.size());
  out->set_animated(emoji.animated);
  auto* roles = out->mutable_roles();
  roles->Reserve(static_cast<int>(emoji.roles.size()));
  for (uint64_t role : emoji.roles) roles->Add(role);
  out->set_managed(emoji.managed);
  out->set_require_colons(emoji.require_colons);
  out->set_available(emoji.available);
  out->set_user_id(emoji.user.value());
}

void ToProto(const discord::User& user, pb::UserData* out) {
  out->set_id(user.id.value());
  out->set_username(user.username.data(), user.username.size());
  SetHashIfSet(user.avatar, out, &pb::UserData::mutable_avatar);
  out->set_discriminator(user.discriminator);
  out->set_bot(user.bot);
}

void ToProto(const UserRecord& user, pb::UserData* out) {
  out->set_id(user.id.value());
  out->set_username(user.username.data(), user.username.size());
  SetHashIfSet(user.avatar, out, &pb::UserData::mutable_avatar);
  out->set_discriminator(user.discriminator);
  out->set_bot(user.bot);
}

void ToProto(const discord::Activity& activity, pb::PresenceData::PresenceActivityData* out) {
  out->set_name(activity.name);
  out->set_type(ToProtoActivityType(activity.type));
  out->set_url(activity.url);
  if (activity.created_at != 0) ToProtoTimestamp(activity.created_at, out->mutable_created_at());
  if (activity.timestamp_start != 0 || activity.timestamp_end != 0) {
    auto* timestamps = out->mutable_timestamps();
    timestamps->set_start(activity.timestamp_start);
    timestamps->set_end(activity.timestamp_end);
  }
  out->set_application_id(activity.application_id);
  out->set_details(activity.details);
  out->set_state(activity.state);
  if (activity.has_emoji) {
    auto* emoji = out->mutable_emoji();
    emoji->set_name(activity.emoji_name);
    emoji->set_id(activity.emoji_id);
    emoji->set_animated(activity.emoji_animated);
  }
  if (activity.has_party) {
    auto* party = out->mutable_party();
    party->set_id(activity.party_id);
    party->set_current_size(activity.party_current);
    party->set_max_size(activity.party_max);
  }
  if (activity.has_assets) {
    auto* assets = out->mutable_assets();
    assets->set_large_image(activity.large_image);
    assets->set_large_text(activity.large_text);
    assets->set_small_image(activity.small_image);
    assets->set_small_text(activity.small_text);
  }
  if (activity.has_secrets) {
    auto* secrets = out->mutable_secrets();
    secrets->set_join(activity.secret_join);
    secrets->set_spectate(activity.secret_spectate);
    secrets->set_match(activity.secret_match);
  }
  out->set_instance(activity.instance);
  out->set_flags(activity.flags);
}

void ToProto(const MemberView& member, const UserRecord* user, pb::MemberData* out) {
  FillMemberCommon(member, out);
  if (user != nullptr) {
    ToProto(*user, out->mutable_user());
  } else {
    out->mutable_user()->set_id(member.id.value());
  }
}

void ToProto(const MemberView& member, const discord::User* user, pb::MemberData* out) {
  FillMemberCommon(member, out);
  if (user != nullptr) {
    ToProto(*user, out->mutable_user());
  } else {
    out->mutable_user()->set_id(member.id.value());
  }
}

void ToProto(GuildId guild, UserId user_id, const UserRecord* user, discord::OnlineStatus status,
             discord::OnlineStatus desktop, discord::OnlineStatus mobile, discord::OnlineStatus web,
             std::span<const discord::Activity> activities, pb::PresenceData* out) {
  out->set_guild_id(guild.value());
  if (user != nullptr) {
    ToProto(*user, out->mutable_user());
  } else {
    out->set_user_id(user_id.value());
  }
  out->set_status(ToProtoStatus(status));
  auto* client = out->mutable_client_status();
  SetView(discord::OnlineStatusName(desktop), client->mutable_desktop());
  SetView(discord::OnlineStatusName(mobile), client->mutable_mobile());
  SetView(discord::OnlineStatusName(web), client->mutable_web());
  auto* list = out->mutable_activities();
  list->Reserve(static_cast<int>(activities.size()));
  for (const discord::Activity& activity : activities) ToProto(activity, list->Add());
}

void ToProto(const discord::VoiceState& state, GuildId guild, pb::VoiceStateData* out) {
  out->set_guild_id(guild.value());
  if (!state.channel.is_zero()) out->mutable_channel_id()->set_value(state.channel.value());
  if (!state.session_id.empty()) out->mutable_session_id()->set_value(state.session_id);
  out->set_self_mute(state.self_mute);
  out->set_self_deaf(state.self_deaf);
  out->set_self_video(state.self_video);
  out->set_self_stream(state.self_stream);
  out->set_mute(state.mute);
  out->set_deaf(state.deaf);
  out->set_suppress(state.suppress);
}

}  // namespace pylon::cache
