// Copyright 2026 The Pylon Gateway Authors.
// GatewayRest guild methods: ModifyGuild, CreateGuildChannel, ModifyGuildChannelPositions, the
// role methods, prune, voice regions, guild invites and the emoji methods. Major parameter: the
// guild (x-pylon-guild-id).

#include "rest/methods_internal.h"

namespace pylon::rest {

using namespace methods_internal;  // NOLINT: this file's helpers

namespace {

std::string GuildPath(const Target& t) { return "/guilds/" + Id(t.guild.value()); }

// SnowflakeValue: 0 means null (clear the field).
void IdOrNull(JsonWriter& w, uint64_t id) {
  if (id == 0) {
    w.Null();
  } else {
    w.Id(id);
  }
}

// BytesValue: empty means null (remove the image).
void ImageOrNull(JsonWriter& w, const std::string& bytes) {
  if (bytes.empty()) {
    w.Null();
  } else {
    w.String(ImageDataUri(bytes));
  }
}

template <typename Request>
void WriteRoleFields(JsonWriter& w, const Request& r) {
  if (r.has_name()) w.Key("name").String(r.name().value());
  if (r.has_permissions()) w.Key("permissions").UIntString(r.permissions().value());
  if (r.has_color()) w.Key("color").UInt(r.color().value());
  if (r.has_hoist()) w.Key("hoist").Bool(r.hoist().value());
  if (r.has_mentionable()) w.Key("mentionable").Bool(r.mentionable().value());
}

}  // namespace

// ---- ModifyGuild: PATCH /guilds/{g} ----

LocalError ModifyGuildMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "PATCH";
  out->path = GuildPath(t);
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_name()) w.Key("name").String(r.name().value());
    if (r.has_region()) w.Key("region").String(r.region().value());
    if (r.has_verification_level()) {
      w.Key("verification_level").UInt(r.verification_level().value());
    }
    if (r.has_default_message_notifications()) {
      w.Key("default_message_notifications").UInt(r.default_message_notifications().value());
    }
    if (r.has_explicit_content_filter()) {
      w.Key("explicit_content_filter").UInt(r.explicit_content_filter().value());
    }
    if (r.has_afk_channel_id()) IdOrNull(w.Key("afk_channel_id"), r.afk_channel_id().value());
    if (r.has_afk_timeout()) w.Key("afk_timeout").UInt(r.afk_timeout().value());
    if (r.has_icon()) ImageOrNull(w.Key("icon"), r.icon().value());
    if (r.has_owner_id()) w.Key("owner_id").Id(r.owner_id().value());
    if (r.has_splash()) ImageOrNull(w.Key("splash"), r.splash().value());
    if (r.has_banner()) ImageOrNull(w.Key("banner"), r.banner().value());
    if (r.has_system_channel_id()) {
      IdOrNull(w.Key("system_channel_id"), r.system_channel_id().value());
    }
    if (r.has_rules_channel_id()) IdOrNull(w.Key("rules_channel_id"), r.rules_channel_id().value());
    if (r.has_public_updates_channel_id()) {
      IdOrNull(w.Key("public_updates_channel_id"), r.public_updates_channel_id().value());
    }
    if (r.has_preferred_locale()) w.Key("preferred_locale").String(r.preferred_locale().value());
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn ModifyGuildMethod::Check(const Request& r, const Target&) {
  return [transfer = r.has_owner_id()](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageGuild));
    auto owner = g.Owner();
    if (transfer && owner && owner->value() != g.bot().value()) return MissingPermissions();
    return std::nullopt;
  };
}

Status ModifyGuildMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_guild(), ToGuild);
}

// ---- CreateGuildChannel: POST /guilds/{g}/channels ----

LocalError CreateGuildChannelMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  FormErrors errors;
  size_t name_length = CharCount(r.name());
  if (name_length == 0) {
    errors.Add("name", "BASE_TYPE_REQUIRED", "This field is required");
  } else if (name_length > 100) {
    errors.Add("name", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 100 in length.");
  }
  if (!errors.empty()) return errors.ToError();
  out->method = "POST";
  out->path = GuildPath(t) + "/channels";
  JsonObject(out, [&](JsonWriter& w) {
    w.Key("name").String(r.name());
    if (auto type = ToDiscordChannelType(r.type())) w.Key("type").UInt(*type);
    if (r.has_topic()) w.Key("topic").String(r.topic().value());
    if (r.has_bitrate()) w.Key("bitrate").UInt(r.bitrate().value());
    if (r.has_user_limit()) w.Key("user_limit").UInt(r.user_limit().value());
    if (r.has_rate_limit_per_user()) {
      w.Key("rate_limit_per_user").UInt(r.rate_limit_per_user().value());
    }
    if (r.has_position()) w.Key("position").UInt(r.position().value());
    if (r.permission_overwrites_size() > 0) {
      WriteOverwrites(w.Key("permission_overwrites"), r.permission_overwrites());
    }
    if (r.has_parent_id() && r.parent_id().value() != 0) {
      w.Key("parent_id").Id(r.parent_id().value());
    }
    if (r.has_nsfw()) w.Key("nsfw").Bool(r.nsfw().value());
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CreateGuildChannelMethod::Check(const Request& r, const Target&) {
  uint64_t bits = 0;
  for (const auto& o : r.permission_overwrites()) bits |= o.allow() | o.deny();
  return [bits](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageChannels));
    // Overwrites may only allow or deny what the bot itself holds.
    if (bits != 0) PYLON_REST_TRY(g.RequireGuild(bits));
    return std::nullopt;
  };
}

Status CreateGuildChannelMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_channel(), ToChannel);
}

// ---- ModifyGuildChannelPositions: PATCH /guilds/{g}/channels ----

LocalError ModifyGuildChannelPositionsMethod::Build(const Request& r, const Target& t,
                                                    DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "PATCH";
  out->path = GuildPath(t) + "/channels";
  std::string body;
  {
    JsonWriter w(&body);
    w.BeginArray();
    for (const auto& p : r.channel_positions()) {
      w.BeginObject().Key("id").Id(p.id()).Key("position").UInt(p.position()).EndObject();
    }
    w.EndArray();
  }
  JsonBody(out, std::move(body));
  return std::nullopt;
}

CheckFn ModifyGuildChannelPositionsMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kManageChannels); };
}

Status ModifyGuildChannelPositionsMethod::Parse(const net::HttpResponse&, const Target&,
                                                Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Roles ----

LocalError CreateGuildRoleMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "POST";
  out->path = GuildPath(t) + "/roles";
  JsonObject(out, [&](JsonWriter& w) { WriteRoleFields(w, r); });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CreateGuildRoleMethod::Check(const Request& r, const Target&) {
  uint64_t bits = r.has_permissions() ? r.permissions().value() : 0;
  return [bits](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
    if (bits != 0) PYLON_REST_TRY(g.RequireGuild(bits));  // only permissions the bot holds
    return std::nullopt;
  };
}

Status CreateGuildRoleMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_role(),
                  [&](dom::element e, pb::RoleData* role) { return ToRole(e, t.guild, role); });
}

LocalError ModifyGuildRolePositionsMethod::Build(const Request& r, const Target& t,
                                                 DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "PATCH";
  out->path = GuildPath(t) + "/roles";
  std::string body;
  {
    JsonWriter w(&body);
    w.BeginArray();
    for (const auto& p : r.role_positions()) {
      w.BeginObject().Key("id").Id(p.id()).Key("position").UInt(p.position()).EndObject();
    }
    w.EndArray();
  }
  JsonBody(out, std::move(body));
  return std::nullopt;
}

CheckFn ModifyGuildRolePositionsMethod::Check(const Request& r, const Target&) {
  std::vector<std::pair<uint64_t, uint32_t>> moves;
  for (const auto& p : r.role_positions()) moves.emplace_back(p.id(), p.position());
  return [moves = std::move(moves)](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
    auto owner = g.Owner();
    if (!owner || owner->value() == g.bot().value()) return std::nullopt;
    auto top = g.TopRole(UserId(g.bot().value()));
    for (const auto& [id, position] : moves) {
      if (id == g.guild().value()) continue;  // @everyone: Discord's own error
      if (g.CanManageRole(RoleId(id)) == false) return MissingPermissions();
      if (top && position >= top->position) return MissingPermissions();  // not above itself
    }
    return std::nullopt;
  };
}

Status ModifyGuildRolePositionsMethod::Parse(const net::HttpResponse& a, const Target& t,
                                             Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_roles(); },
      [&](dom::element e, pb::RoleData* role) { return ToRole(e, t.guild, role); });
}

LocalError ModifyGuildRoleMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.role_id(), 10011, "Role"));
  out->method = "PATCH";
  out->path = GuildPath(t) + "/roles/" + Id(r.role_id());
  JsonObject(out, [&](JsonWriter& w) { WriteRoleFields(w, r); });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn ModifyGuildRoleMethod::Check(const Request& r, const Target&) {
  std::optional<uint64_t> bits;
  if (r.has_permissions()) bits = r.permissions().value();
  return [role = RoleId(r.role_id()), bits](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
    if (g.CanManageRole(role) == false) return MissingPermissions();
    auto current = g.RolePermissions(role);
    if (bits && current) {
      uint64_t granted = *bits & ~*current;  // only permissions the bot holds may be added
      if (granted != 0) PYLON_REST_TRY(g.RequireGuild(granted));
    }
    return std::nullopt;
  };
}

Status ModifyGuildRoleMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_role(),
                  [&](dom::element e, pb::RoleData* role) { return ToRole(e, t.guild, role); });
}

LocalError DeleteGuildRoleMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.role_id(), 10011, "Role"));
  out->method = "DELETE";
  out->path = GuildPath(t) + "/roles/" + Id(r.role_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn DeleteGuildRoleMethod::Check(const Request& r, const Target&) {
  return [role = RoleId(r.role_id())](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
    if (g.CanManageRole(role) == false) return MissingPermissions();
    return std::nullopt;
  };
}

Status DeleteGuildRoleMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Prune: GET / POST /guilds/{g}/prune ----

LocalError GetGuildPruneCountMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "GET";
  out->path = GuildPath(t) + "/prune";
  if (r.has_days()) out->query = "days=" + std::to_string(r.days().value());
  if (r.has_include_roles() && r.include_roles().values_size() > 0) {
    if (!out->query.empty()) out->query += "&";
    out->query += "include_roles=";
    for (int i = 0; i < r.include_roles().values_size(); ++i) {
      if (i > 0) out->query += "%2C";
      out->query += Id(r.include_roles().values(i));
    }
  }
  return std::nullopt;
}

CheckFn GetGuildPruneCountMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kKickMembers); };
}

Status GetGuildPruneCountMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();  // the count has no field in the response (README: conventions)
  return Ok();
}

LocalError BeginGuildPruneMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "POST";
  out->path = GuildPath(t) + "/prune";
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_days()) w.Key("days").UInt(r.days().value());
    if (r.has_compute_prune_count()) {
      w.Key("compute_prune_count").Bool(r.compute_prune_count().value());
    }
    if (r.has_include_roles()) WriteIdList(w.Key("include_roles"), r.include_roles().values());
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn BeginGuildPruneMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kKickMembers | perm::kManageGuild); };
}

Status BeginGuildPruneMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- GetGuildVoiceRegions: GET /guilds/{g}/regions ----

LocalError GetGuildVoiceRegionsMethod::Build(const Request&, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "GET";
  out->path = GuildPath(t) + "/regions";
  return std::nullopt;
}

CheckFn GetGuildVoiceRegionsMethod::Check(const Request&, const Target&) { return nullptr; }

Status GetGuildVoiceRegionsMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_regions(); },
      [](dom::element e, std::string* region) -> Status {
        std::string_view id;
        if (e["id"].get_string().get(id) != simdjson::SUCCESS) return DataLoss("region: no id");
        *region = std::string(id);
        return Ok();
      });
}

// ---- GetGuildInvites: GET /guilds/{g}/invites ----

LocalError GetGuildInvitesMethod::Build(const Request&, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "GET";
  out->path = GuildPath(t) + "/invites";
  return std::nullopt;
}

CheckFn GetGuildInvitesMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kManageGuild); };
}

Status GetGuildInvitesMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_invites(); }, ToInvite);
}

// ---- Emojis: /guilds/{g}/emojis ----

namespace {
constexpr uint64_t kExpressions = perm::kManageGuildExpressions | perm::kCreateGuildExpressions;
}  // namespace

LocalError ListGuildEmojisMethod::Build(const Request&, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "GET";
  out->path = GuildPath(t) + "/emojis";
  return std::nullopt;
}

CheckFn ListGuildEmojisMethod::Check(const Request&, const Target&) { return nullptr; }

Status ListGuildEmojisMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_emojis(); },
      [&](dom::element e, pb::EmojiData* emoji) { return ToEmoji(e, t.guild, emoji); });
}

LocalError GetGuildEmojiMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.emoji_id(), 10014, "Emoji"));
  out->method = "GET";
  out->path = GuildPath(t) + "/emojis/" + Id(r.emoji_id());
  return std::nullopt;
}

CheckFn GetGuildEmojiMethod::Check(const Request&, const Target&) { return nullptr; }

Status GetGuildEmojiMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_emoji(),
                  [&](dom::element e, pb::EmojiData* emoji) { return ToEmoji(e, t.guild, emoji); });
}

LocalError CreateGuildEmojiMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  FormErrors errors;
  if (r.name().empty()) errors.Add("name", "BASE_TYPE_REQUIRED", "This field is required");
  if (!r.has_image() || r.image().value().empty()) {
    errors.Add("image", "BASE_TYPE_REQUIRED", "This field is required");
  }
  if (!errors.empty()) return errors.ToError();
  out->method = "POST";
  out->path = GuildPath(t) + "/emojis";
  JsonObject(out, [&](JsonWriter& w) {
    w.Key("name").String(r.name());
    w.Key("image").String(ImageDataUri(r.image().value()));
    if (r.has_roles()) WriteIdList(w.Key("roles"), r.roles().values());
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CreateGuildEmojiMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuildAny(kExpressions); };
}

Status CreateGuildEmojiMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_emoji(),
                  [&](dom::element e, pb::EmojiData* emoji) { return ToEmoji(e, t.guild, emoji); });
}

LocalError ModifyGuildEmojiMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.emoji_id(), 10014, "Emoji"));
  out->method = "PATCH";
  out->path = GuildPath(t) + "/emojis/" + Id(r.emoji_id());
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_name()) w.Key("name").String(r.name().value());
    if (r.has_roles()) WriteIdList(w.Key("roles"), r.roles().values());
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn ModifyGuildEmojiMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuildAny(kExpressions); };
}

Status ModifyGuildEmojiMethod::Parse(const net::HttpResponse& a, const Target& t, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_emoji(),
                  [&](dom::element e, pb::EmojiData* emoji) { return ToEmoji(e, t.guild, emoji); });
}

LocalError DeleteGuildEmojiMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.emoji_id(), 10014, "Emoji"));
  out->method = "DELETE";
  out->path = GuildPath(t) + "/emojis/" + Id(r.emoji_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn DeleteGuildEmojiMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuildAny(kExpressions); };
}

Status DeleteGuildEmojiMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

}  // namespace pylon::rest
