// Copyright 2026 The Pylon Gateway Authors.
// GatewayRest member and ban methods: AddGuildMember, ModifyGuildMember, ModifyCurrentUserNick,
// Add/RemoveGuildMemberRole, RemoveGuildMember, GetGuildBans, GetGuildBan, CreateGuildBan,
// RemoveGuildBan. Major parameter: the guild (x-pylon-guild-id). Hierarchy checks: the bot's
// highest role must be above the role it assigns and above the member it kicks, bans or renames.

#include <algorithm>

#include "rest/methods_internal.h"

namespace pylon::rest {

using namespace methods_internal;  // NOLINT: this file's helpers

namespace {

std::string MemberPath(const Target& t, uint64_t user) {
  return "/guilds/" + Id(t.guild.value()) + "/members/" + Id(user);
}
std::string BanPath(const Target& t, uint64_t user) {
  return "/guilds/" + Id(t.guild.value()) + "/bans/" + Id(user);
}

// A role the bot may not assign or remove: 50013. Unknown: let Discord decide.
LocalError RequireManageable(const GuildView& g, uint64_t role) {
  if (role == g.guild().value()) return std::nullopt;  // @everyone: Discord's own answer
  if (g.CanManageRole(RoleId(role)) == false) return MissingPermissions();
  return std::nullopt;
}

}  // namespace

// ---- AddGuildMember: PUT /guilds/{g}/members/{u} ----

LocalError AddGuildMemberMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  if (r.access_token().empty()) {
    FormErrors errors;
    errors.Add("access_token", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.ToError();
  }
  out->method = "PUT";
  out->path = MemberPath(t, r.user_id());
  JsonObject(out, [&](JsonWriter& w) {
    w.Key("access_token").String(r.access_token());
    if (r.has_nick()) w.Key("nick").String(r.nick().value());
    if (r.has_roles()) WriteIdList(w.Key("roles"), r.roles().values());
    if (r.has_mute()) w.Key("mute").Bool(r.mute().value());
    if (r.has_deaf()) w.Key("deaf").Bool(r.deaf().value());
  });
  return std::nullopt;
}

CheckFn AddGuildMemberMethod::Check(const Request& r, const Target&) {
  uint64_t need = perm::kCreateInstantInvite;
  if (r.has_nick() && !r.nick().value().empty()) need |= perm::kManageNicknames;
  if (r.has_roles() && r.roles().values_size() > 0) need |= perm::kManageRoles;
  if (r.has_mute() && r.mute().value()) need |= perm::kMuteMembers;
  if (r.has_deaf() && r.deaf().value()) need |= perm::kDeafenMembers;
  std::vector<uint64_t> roles(r.roles().values().begin(), r.roles().values().end());
  return [need, roles = std::move(roles)](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(need));
    for (uint64_t role : roles) PYLON_REST_TRY(RequireManageable(g, role));
    return std::nullopt;
  };
}

Status AddGuildMemberMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  out->mutable_data()->set_added(a.status == 201);  // 204: already a member
  return Ok();
}

// ---- ModifyGuildMember: PATCH /guilds/{g}/members/{u} ----

LocalError ModifyGuildMemberMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10007, "Member"));
  out->method = "PATCH";
  out->path = MemberPath(t, r.user_id());
  JsonObject(out, [&](JsonWriter& w) {
    // "" resets the nickname; channel 0 disconnects from voice (README: conventions).
    if (r.has_nick()) w.Key("nick").StringOrNull(r.nick().value());
    if (r.has_roles()) WriteIdList(w.Key("roles"), r.roles().values());
    if (r.has_mute()) w.Key("mute").Bool(r.mute().value());
    if (r.has_deaf()) w.Key("deaf").Bool(r.deaf().value());
    if (r.has_channel_id()) w.Key("channel_id").IdOrNull(Snowflake(r.channel_id().value()));
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn ModifyGuildMemberMethod::Check(const Request& r, const Target&) {
  struct Fields {
    UserId user;
    bool nick = false;
    std::optional<std::vector<uint64_t>> roles;
    bool mute = false;
    bool deaf = false;
    bool channel = false;
  } f;
  f.user = UserId(r.user_id());
  f.nick = r.has_nick();
  if (r.has_roles()) f.roles.emplace(r.roles().values().begin(), r.roles().values().end());
  f.mute = r.has_mute();
  f.deaf = r.has_deaf();
  f.channel = r.has_channel_id();
  return [f = std::move(f)](const GuildView& g) -> LocalError {
    const bool self = f.user.value() == g.bot().value();
    if (f.nick) {
      if (self) {
        PYLON_REST_TRY(g.RequireGuildAny(perm::kChangeNickname | perm::kManageNicknames));
      } else {
        PYLON_REST_TRY(g.RequireGuild(perm::kManageNicknames));
        if (g.CanActOn(f.user) == false) return MissingPermissions();
      }
    }
    if (f.roles) {
      PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
      pb::MemberData member;
      if (g.GetMember(f.user, &member)) {
        // Every role added or removed must be below the bot's highest role (managed roles stay).
        for (uint64_t role : *f.roles) {
          if (std::find(member.roles().begin(), member.roles().end(), role) ==
              member.roles().end()) {
            PYLON_REST_TRY(RequireManageable(g, role));
          }
        }
        for (uint64_t role : member.roles()) {
          pb::RoleData data;
          if (std::find(f.roles->begin(), f.roles->end(), role) == f.roles->end() &&
              g.GetRole(RoleId(role), &data) && !data.managed()) {
            PYLON_REST_TRY(RequireManageable(g, role));
          }
        }
      }
    }
    if (f.mute) PYLON_REST_TRY(g.RequireGuild(perm::kMuteMembers));
    if (f.deaf) PYLON_REST_TRY(g.RequireGuild(perm::kDeafenMembers));
    if (f.channel) PYLON_REST_TRY(g.RequireGuild(perm::kMoveMembers));
    return std::nullopt;
  };
}

Status ModifyGuildMemberMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- ModifyCurrentUserNick: PATCH /guilds/{g}/members/@me ----

LocalError ModifyCurrentUserNickMethod::Build(const Request& r, const Target& t,
                                              DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "PATCH";
  out->path = "/guilds/" + Id(t.guild.value()) + "/members/@me";
  // Absent or "" resets the nickname.
  JsonObject(out, [&](JsonWriter& w) { w.Key("nick").StringOrNull(r.nick().value()); });
  return std::nullopt;
}

CheckFn ModifyCurrentUserNickMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) {
    return g.RequireGuildAny(perm::kChangeNickname | perm::kManageNicknames);
  };
}

Status ModifyCurrentUserNickMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Add/RemoveGuildMemberRole: PUT / DELETE /guilds/{g}/members/{u}/roles/{r} ----

namespace {

template <typename Request>
LocalError BuildMemberRole(const Request& r, const Target& t, const char* method,
                           DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10007, "Member"));
  PYLON_REST_TRY(RequireId(r.role_id(), 10011, "Role"));
  out->method = method;
  out->path = MemberPath(t, r.user_id()) + "/roles/" + Id(r.role_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CheckMemberRole(uint64_t role) {
  return [role](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kManageRoles));
    return RequireManageable(g, role);
  };
}

}  // namespace

LocalError AddGuildMemberRoleMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  return BuildMemberRole(r, t, "PUT", out);
}
CheckFn AddGuildMemberRoleMethod::Check(const Request& r, const Target&) {
  return CheckMemberRole(r.role_id());
}
Status AddGuildMemberRoleMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError RemoveGuildMemberRoleMethod::Build(const Request& r, const Target& t,
                                              DiscordRequest* out) {
  return BuildMemberRole(r, t, "DELETE", out);
}
CheckFn RemoveGuildMemberRoleMethod::Check(const Request& r, const Target&) {
  return CheckMemberRole(r.role_id());
}
Status RemoveGuildMemberRoleMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- RemoveGuildMember: DELETE /guilds/{g}/members/{u} ----

LocalError RemoveGuildMemberMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10007, "Member"));
  out->method = "DELETE";
  out->path = MemberPath(t, r.user_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn RemoveGuildMemberMethod::Check(const Request& r, const Target&) {
  return [user = UserId(r.user_id())](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kKickMembers));
    if (g.CanActOn(user) == false) return MissingPermissions();
    return std::nullopt;
  };
}

Status RemoveGuildMemberMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Bans: /guilds/{g}/bans[/{u}] ----

LocalError GetGuildBansMethod::Build(const Request&, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "GET";
  out->path = "/guilds/" + Id(t.guild.value()) + "/bans";  // the stray user_id is ignored
  return std::nullopt;
}

CheckFn GetGuildBansMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kBanMembers); };
}

Status GetGuildBansMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_bans(); }, ToBan);
}

LocalError GetGuildBanMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  out->method = "GET";
  out->path = BanPath(t, r.user_id());
  return std::nullopt;
}

CheckFn GetGuildBanMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kBanMembers); };
}

Status GetGuildBanMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_ban(), ToBan);
}

LocalError CreateGuildBanMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  if (r.has_delete_message_days() && r.delete_message_days().value() > 7) {
    FormErrors errors;
    errors.Add("delete_message_days", "NUMBER_TYPE_MAX",
               "int value should be less than or equal to 7.");
    return errors.ToError();
  }
  out->method = "PUT";
  out->path = BanPath(t, r.user_id());
  JsonObject(out, [&](JsonWriter& w) {
    // v10 takes seconds; the proto has days.
    if (r.has_delete_message_days()) {
      w.Key("delete_message_seconds").UInt(uint64_t{r.delete_message_days().value()} * 86400);
    }
  });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn CreateGuildBanMethod::Check(const Request& r, const Target&) {
  return [user = UserId(r.user_id())](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireGuild(perm::kBanMembers));
    if (g.CanActOn(user) == false) return MissingPermissions();
    return std::nullopt;
  };
}

Status CreateGuildBanMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError RemoveGuildBanMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  out->method = "DELETE";
  out->path = BanPath(t, r.user_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn RemoveGuildBanMethod::Check(const Request&, const Target&) {
  return [](const GuildView& g) { return g.RequireGuild(perm::kBanMembers); };
}

Status RemoveGuildBanMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

}  // namespace pylon::rest
