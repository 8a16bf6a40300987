// Copyright 2026 The Pylon Gateway Authors.
// GatewayRest channel methods: ModifyChannel, DeleteChannel, EditChannelPermissions,
// GetChannelInvites, CreateChannelInvite, DeleteChannelPermission, FollowNewsChannel,
// TriggerTypingIndicator and the pin methods. Major parameter: the channel. Permission checks use
// the bot's permissions in the channel (overwrites applied) when the channel is cached in the
// call's guild.

#include "rest/methods_internal.h"

namespace pylon::rest {

using namespace methods_internal;  // NOLINT: this file's helpers

namespace {

std::string ChannelPath(uint64_t channel) { return "/channels/" + Id(channel); }

bool IsThread(std::optional<pb::ChannelData::ChannelType> type) {
  return type == pb::ChannelData::PUBLIC_THREAD || type == pb::ChannelData::PRIVATE_THREAD;
}

}  // namespace

// ---- ModifyChannel: PATCH /channels/{c} ----

LocalError ModifyChannelMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "PATCH";
  out->path = ChannelPath(r.channel_id());
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_name()) w.Key("name").String(r.name().value());
    if (auto type = ToDiscordChannelType(r.type())) w.Key("type").UInt(*type);  // 0: unchanged
    if (r.has_position()) w.Key("position").UInt(r.position().value());
    if (r.has_topic()) w.Key("topic").StringOrNull(r.topic().value());  // "" clears it
    if (r.has_nsfw()) w.Key("nsfw").Bool(r.nsfw().value());
    if (r.has_rate_limit_per_user()) {
      w.Key("rate_limit_per_user").UInt(r.rate_limit_per_user().value());
    }
    if (r.has_bitrate()) w.Key("bitrate").UInt(r.bitrate().value());
    if (r.has_user_limit()) w.Key("user_limit").UInt(r.user_limit().value());
    if (r.has_permission_overwrites()) {
      WriteOverwrites(w.Key("permission_overwrites"), r.permission_overwrites().values());
    }
    if (r.has_parent_id()) w.Key("parent_id").IdOrNull(Snowflake(r.parent_id().value()));
  });
  if (r.has_name() || r.has_topic()) out->sublimit_channel = r.channel_id();
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn ModifyChannelMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id()),
          overwrites = r.has_permission_overwrites()](const GuildView& g) -> LocalError {
    if (IsThread(g.ChannelType(channel))) return std::nullopt;  // owners may edit: Discord decides
    return g.RequireChannel(channel, perm::kManageChannels | (overwrites ? perm::kManageRoles : 0));
  };
}

Status ModifyChannelMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_channel(), ToChannel);
}

// ---- DeleteChannel: DELETE /channels/{c} ----

LocalError DeleteChannelMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "DELETE";
  out->path = ChannelPath(r.channel_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn DeleteChannelMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id())](const GuildView& g) -> LocalError {
    bool thread = IsThread(g.ChannelType(channel));
    return g.RequireChannel(channel, thread ? perm::kManageThreads : perm::kManageChannels);
  };
}

Status DeleteChannelMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Overwrites: PUT / DELETE /channels/{c}/permissions/{o} ----

LocalError EditChannelPermissionsMethod::Build(const Request& r, const Target&,
                                               DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  PYLON_REST_TRY(RequireId(r.overwrite_id(), 10009, "Overwrite"));
  out->method = "PUT";
  out->path = ChannelPath(r.channel_id()) + "/permissions/" + Id(r.overwrite_id());
  JsonObject(out, [&](JsonWriter& w) {
    w.Key("allow").UIntString(r.allow());
    w.Key("deny").UIntString(r.deny());
    w.Key("type").UInt(ToDiscordOverwriteType(r.type()));
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn EditChannelPermissionsMethod::Check(const Request& r, const Target&) {
  // MANAGE_ROLES in the channel, and only bits the bot holds there may be allowed or denied.
  return ChannelCheckFn(r.channel_id(), perm::kManageRoles | r.allow() | r.deny());
}

Status EditChannelPermissionsMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeleteChannelPermissionMethod::Build(const Request& r, const Target&,
                                                DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  PYLON_REST_TRY(RequireId(r.overwrite_id(), 10009, "Overwrite"));
  out->method = "DELETE";
  out->path = ChannelPath(r.channel_id()) + "/permissions/" + Id(r.overwrite_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn DeleteChannelPermissionMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kManageRoles);
}

Status DeleteChannelPermissionMethod::Parse(const net::HttpResponse&, const Target&,
                                            Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Invites: GET / POST /channels/{c}/invites ----

LocalError GetChannelInvitesMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "GET";
  out->path = ChannelPath(r.channel_id()) + "/invites";
  return std::nullopt;
}

CheckFn GetChannelInvitesMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kManageChannels);
}

Status GetChannelInvitesMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_invites(); }, ToInvite);
}

LocalError CreateChannelInviteMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "POST";
  out->path = ChannelPath(r.channel_id()) + "/invites";
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_max_age()) w.Key("max_age").UInt(r.max_age().value());
    if (r.has_max_uses()) w.Key("max_uses").UInt(r.max_uses().value());
    if (r.has_temporary()) w.Key("temporary").Bool(r.temporary().value());
    if (r.has_unique()) w.Key("unique").Bool(r.unique().value());
    if (r.has_target_user() && r.target_user().value() != 0) {
      w.Key("target_user_id").Id(r.target_user().value());
    }
    if (r.target_user_type() == pb::InviteData::STREAM) w.Key("target_type").UInt(1);
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CreateChannelInviteMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kCreateInstantInvite);
}

Status CreateChannelInviteMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_invite(), ToInvite);
}

// ---- FollowNewsChannel: POST /channels/{c}/followers ----

LocalError FollowNewsChannelMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  if (r.webhook_channel_id() == 0) {
    FormErrors errors;
    errors.Add("webhook_channel_id", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.ToError();
  }
  out->method = "POST";
  out->path = ChannelPath(r.channel_id()) + "/followers";
  JsonObject(out, [&](JsonWriter& w) { w.Key("webhook_channel_id").Id(r.webhook_channel_id()); });
  return std::nullopt;
}

// The permission needed (MANAGE_WEBHOOKS) is in the target channel, possibly another guild.
CheckFn FollowNewsChannelMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), 0);
}

Status FollowNewsChannelMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  PYLON_ASSIGN_OR_RETURN(dom::element root, ParseBody(a));
  auto read = [&](std::string_view key) -> Result<Snowflake> {
    std::string_view text;
    if (root[key].get_string().get(text) != simdjson::SUCCESS) {
      return DataLoss("missing " + std::string(key));
    }
    return Snowflake::Parse(text);
  };
  PYLON_ASSIGN_OR_RETURN(Snowflake channel, read("channel_id"));
  PYLON_ASSIGN_OR_RETURN(Snowflake webhook, read("webhook_id"));
  out->mutable_data()->set_channel_id(channel.value());
  out->mutable_data()->set_webhook_id(webhook.value());
  return Ok();
}

// ---- TriggerTypingIndicator: POST /channels/{c}/typing ----

LocalError TriggerTypingIndicatorMethod::Build(const Request& r, const Target&,
                                               DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "POST";
  out->path = ChannelPath(r.channel_id()) + "/typing";
  return std::nullopt;
}

CheckFn TriggerTypingIndicatorMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kSendMessages);
}

Status TriggerTypingIndicatorMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Pins: GET /channels/{c}/pins, PUT / DELETE /channels/{c}/pins/{m} ----

LocalError GetPinnedMessagesMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  out->method = "GET";
  out->path = ChannelPath(r.channel_id()) + "/pins";
  return std::nullopt;
}

CheckFn GetPinnedMessagesMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), 0);
}

Status GetPinnedMessagesMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_messages(); }, ToMessage);
}

namespace {

template <typename Request>
LocalError BuildPin(const Request& r, const char* method, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  PYLON_REST_TRY(RequireId(r.message_id(), 10008, "Message"));
  out->method = method;
  out->path = ChannelPath(r.channel_id()) + "/pins/" + Id(r.message_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CheckPin(uint64_t channel) {
  return [channel = ChannelId(channel)](const GuildView& g) {
    return g.RequireChannelAny(channel, perm::kManageMessages | perm::kPinMessages);
  };
}

}  // namespace

LocalError AddPinnedChannelMessageMethod::Build(const Request& r, const Target&,
                                                DiscordRequest* out) {
  return BuildPin(r, "PUT", out);
}
CheckFn AddPinnedChannelMessageMethod::Check(const Request& r, const Target&) {
  return CheckPin(r.channel_id());
}
Status AddPinnedChannelMessageMethod::Parse(const net::HttpResponse&, const Target&,
                                            Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeletePinnedChannelMessageMethod::Build(const Request& r, const Target&,
                                                   DiscordRequest* out) {
  return BuildPin(r, "DELETE", out);
}
CheckFn DeletePinnedChannelMessageMethod::Check(const Request& r, const Target&) {
  return CheckPin(r.channel_id());
}
Status DeletePinnedChannelMessageMethod::Parse(const net::HttpResponse&, const Target&,
                                               Response* out) {
  out->mutable_data();
  return Ok();
}

}  // namespace pylon::rest
