// Copyright 2026 The Pylon Gateway Authors.
// Guild routes (GatewayRest: ModifyGuild, CreateGuildChannel, ModifyGuildChannelPositions, the
// member, ban, role, prune, region, invite and emoji methods), plus GET guild / channels / roles /
// member(s). Permissions and the role hierarchy follow discord-protocol.md §9.

#include <algorithm>

#include "base/json_writer.h"
#include "base/log.h"
#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

constexpr int64_t kDayMs = 86400000;

template <typename Fn>
std::string Render(Fn fn) {
  std::string out;
  {
    JsonWriter w(&out);
    fn(w);
  }
  return out;
}

std::string RenderMember(const World& world, const Member& member) {
  return Render([&](JsonWriter& w) { world.WriteMember(w, member, /*with_user=*/true); });
}

std::string RenderRole(const World& world, const Role& role) {
  return Render([&](JsonWriter& w) { world.WriteRole(w, role); });
}

bool Has(uint64_t perms, uint64_t bits) { return (perms & bits) == bits; }

std::optional<uint64_t> ImageField(const Fields& f, std::string_view key, bool* animated = nullptr,
                                   size_t max_bytes = 10u << 20) {
  if (!f.Has(key)) return std::nullopt;
  if (f.IsNull(key)) return uint64_t{0};
  std::string_view text;
  if (f.Get(key).get_string().get(text) != simdjson::SUCCESS) {
    f.Error(key, "IMAGE_INVALID", "Invalid image data");
    return std::nullopt;
  }
  auto seed = ImageHashSeed(text, animated);
  if (!seed) {
    f.Error(key, "IMAGE_INVALID", "Invalid image data");
    return std::nullopt;
  }
  if (text.size() * 3 / 4 > max_bytes) {
    f.Error(key, "BINARY_TYPE_MAX_SIZE",
            "File cannot be larger than " + std::to_string(max_bytes / 1024) + ".0 kb.");
    return std::nullopt;
  }
  return seed;
}

}  // namespace

// ---- The guild ----

Reply RestCore::GetGuild(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  std::string out = Render([&](JsonWriter& w) { world_.WriteGuild(w, *g.guild); });
  auto counts = QueryParam(c.query, "with_counts");
  if (counts && (*counts == "true" || *counts == "True" || *counts == "1")) {
    size_t online = 0;
    for (const Member& m : g.guild->members)
      online += m.presence.status != PresenceStatus::kOffline;
    out.pop_back();  // the closing brace
    out += ",\"approximate_member_count\":" + std::to_string(g.guild->member_count()) +
           ",\"approximate_presence_count\":" + std::to_string(online) + "}";
  }
  return JsonReply(200, std::move(out));
}

Reply RestCore::ModifyGuild(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  GuildEdit edit;
  edit.name = f.String("name", 2, 100);
  edit.description = f.String("description", 0, 120, true);
  edit.icon = ImageField(f, "icon");
  if (auto v = f.Int("verification_level", 0, 4))
    edit.verification_level = static_cast<uint8_t>(*v);
  if (auto v = f.Int("default_message_notifications", 0, 1)) {
    edit.default_message_notifications = static_cast<uint8_t>(*v);
  }
  if (auto v = f.Int("explicit_content_filter", 0, 2)) {
    edit.explicit_content_filter = static_cast<uint8_t>(*v);
  }
  if (auto v = f.Id("afk_channel_id", true)) edit.afk_channel = ChannelId(*v);
  if (auto v = f.Id("system_channel_id", true)) edit.system_channel = ChannelId(*v);
  if (auto v = f.Int("afk_timeout", 60, 3600)) {
    if (*v != 60 && *v != 300 && *v != 900 && *v != 1800 && *v != 3600) {
      f.Error("afk_timeout", "BASE_TYPE_CHOICES",
              "Value must be one of {60, 300, 900, 1800, 3600}.");
    } else {
      edit.afk_timeout = static_cast<uint32_t>(*v);
    }
  }
  edit.preferred_locale = f.String("preferred_locale", 2, 10);
  if (auto features = f.Array("features", 64)) {
    uint32_t bits = 0;
    for (dom::element e : *features) {
      std::string_view name;
      if (e.get_string().get(name) != simdjson::SUCCESS) continue;
      for (uint32_t i = 0; i < kGuildFeatureCount; ++i) {
        if (kGuildFeatureNames[i] == name) bits |= 1u << i;
      }
    }
    edit.features = bits;
  }
  auto owner = f.Id("owner_id");
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageGuild)) return MissingPermissions();
  if (owner && UserId(*owner) != g.guild->owner) return MissingPermissions();  // only the owner
  Status status = world_.UpdateGuild(g.guild->id, edit);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(200, Render([&](JsonWriter& w) { world_.WriteGuild(w, *g.guild); }));
}

Reply RestCore::GetGuildChannels(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const Channel& ch : g.guild->channels) {
                       if (!IsThread(ch.type)) world_.WriteChannel(w, *g.guild, ch, true);
                     }
                     w.EndArray();
                   }));
}

Reply RestCore::CreateGuildChannel(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("name");
  ChannelSpec spec;
  spec.name = f.String("name", 1, 100).value_or("");
  if (auto type = f.Int("type", 0, 20, true)) {
    if (!IsGuildChannelType(static_cast<ChannelType>(*type))) {
      f.Error("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 2, 4, 5, 13, 15}.");
    } else {
      spec.type = static_cast<ChannelType>(*type);
    }
  }
  spec.topic = f.String("topic", 0, 1024, true).value_or("");
  if (auto v = f.Int("bitrate", 8000, 384000)) spec.bitrate = static_cast<uint32_t>(*v);
  if (auto v = f.Int("user_limit", 0, 99)) spec.user_limit = static_cast<uint32_t>(*v);
  if (auto v = f.Int("rate_limit_per_user", 0, 21600, true)) {
    spec.rate_limit_per_user = static_cast<uint32_t>(*v);
  }
  if (f.Has("position") && !f.IsNull("position")) {
    if (auto v = f.Int("position", 0, 100000)) spec.position = static_cast<int32_t>(*v);
  }
  if (auto v = f.Id("parent_id", true)) spec.parent = ChannelId(*v);
  spec.nsfw = f.Bool("nsfw").value_or(false);
  if (auto array = f.Array("permission_overwrites", 100)) {
    size_t i = 0;
    for (dom::element e : *array) {
      Fields o(e, &errors, {"permission_overwrites", std::to_string(i++)});
      o.Require("id");
      Overwrite overwrite;
      overwrite.id = o.Id("id").value_or(0);
      overwrite.type = static_cast<uint8_t>(o.Int("type", 0, 1).value_or(0));
      overwrite.allow = o.Permissions("allow").value_or(0);
      overwrite.deny = o.Permissions("deny").value_or(0);
      spec.overwrites.push_back(overwrite);
    }
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageChannels)) return MissingPermissions();
  for (const Overwrite& o : spec.overwrites) {
    if (((o.allow | o.deny) & ~g.perms) != 0) return MissingPermissions();
  }
  auto id = world_.CreateChannel(g.guild->id, spec);
  if (!id.ok()) return FromStatus(id.error());
  const Channel* channel = world_.FindChannel(*id);
  return JsonReply(
      201, Render([&](JsonWriter& w) { world_.WriteChannel(w, *g.guild, *channel, true); }));
}

Reply RestCore::ModifyChannelPositions(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  struct Move {
    ChannelId id;
    ChannelEdit edit;
    bool lock = false;
  };
  std::vector<Move> moves;
  size_t i = 0;
  dom::array moves_json;
  if (c.body.get_array().get(moves_json) != simdjson::SUCCESS) return ErrorReply(400, 50035, "");
  for (dom::element e : moves_json) {
    Fields f(e, &errors, {std::to_string(i++)});
    f.Require("id");
    Move move;
    move.id = ChannelId(f.Id("id").value_or(0));
    if (auto p = f.Int("position", 0, 100000, true)) move.edit.position = static_cast<int32_t>(*p);
    if (auto parent = f.Id("parent_id", true)) move.edit.parent = ChannelId(*parent);
    move.lock = f.Bool("lock_permissions").value_or(false);
    moves.push_back(std::move(move));
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageChannels)) return MissingPermissions();
  for (const Move& move : moves) {
    const Guild* owner = nullptr;
    const Channel* channel = world_.FindChannel(move.id, &owner);
    if (!channel || owner != g.guild || IsThread(channel->type)) {
      return ErrorReply(404, kUnknownChannel, "Unknown Channel");
    }
  }
  for (Move& move : moves) {
    if (move.lock && move.edit.parent && !move.edit.parent->is_zero()) {
      if (const Channel* parent = world_.FindChannel(*move.edit.parent)) {
        move.edit.overwrites = parent->overwrites;
      }
    }
    Status status = world_.UpdateChannel(move.id, move.edit);
    if (!status.ok()) return FromStatus(status.error());
  }
  return NoContent();
}

// ---- Members ----

Reply RestCore::GetMember(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  const Member* m = g.guild->FindMember(UserId(*user));
  if (!m) return ErrorReply(404, kUnknownMember, "Unknown Member");
  return JsonReply(200, RenderMember(world_, *m));
}

Reply RestCore::ListMembers(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  if (!(c.bot->allowed_intents & intent::Bit(intent::kGuildMembers))) return MissingAccess();
  FormErrors errors;
  auto limit = QueryInt(c.query, "limit", 1, 1000, 1, &errors);
  auto after = QueryId(c.query, "after", &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  std::vector<const Member*> members;
  for (const Member& m : g.guild->members) {
    if (world_.user(m.user).id.value() > *after) members.push_back(&m);
  }
  auto by_id = [&](const Member* a, const Member* b) {
    return world_.user(a->user).id < world_.user(b->user).id;
  };
  size_t n = std::min(members.size(), static_cast<size_t>(*limit));
  std::partial_sort(members.begin(), members.begin() + n, members.end(), by_id);
  members.resize(n);
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const Member* m : members) world_.WriteMember(w, *m, true);
                     w.EndArray();
                   }));
}

Reply RestCore::AddMember(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("access_token");
  f.String("access_token", 1, 2048);
  MemberSpec spec;
  auto nick = f.String("nick", 0, 32, true);
  auto roles = f.IdList("roles", 250);
  auto mute = f.Bool("mute");
  auto deaf = f.Bool("deaf");
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kCreateInstantInvite)) return MissingPermissions();
  const UserId target(*user);
  if (!world_.FindUser(target)) return ErrorReply(404, kUnknownUser, "Unknown User");
  if (g.guild->FindMember(target)) return NoContent();  // already a member
  if (g.guild->bans.count(target.value())) {
    return ErrorReply(403, 40007, "The user is banned from this guild.");
  }
  if (world_.FindBot(target))
    return ErrorReply(400, 0, "Bots cannot be added with an access token");
  if (nick && !nick->empty()) {
    if (!(g.perms & permission::kManageNicknames)) return MissingPermissions();
    spec.nick = *nick;
  }
  if (roles && !roles->empty()) {
    if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
    for (uint64_t id : *roles) {
      const Role* role = g.guild->FindRole(RoleId(id));
      if (!role) return ErrorReply(404, kUnknownRole, "Unknown Role");
      if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
      spec.roles.push_back(RoleId(id));
    }
  }
  if (mute.value_or(false) && !(g.perms & permission::kMuteMembers)) return MissingPermissions();
  if (deaf.value_or(false) && !(g.perms & permission::kDeafenMembers)) return MissingPermissions();
  spec.mute = mute.value_or(false);
  spec.deaf = deaf.value_or(false);
  Status status = world_.AddMember(g.guild->id, target, spec);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(201, RenderMember(world_, *g.guild->FindMember(target)));
}

Reply RestCore::ModifyMember(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  const UserId target(*user);
  FormErrors errors;
  Fields f(c.body, &errors);
  MemberEdit edit;
  edit.nick = f.String("nick", 0, 32, true);
  if (f.Has("roles")) edit.roles = std::vector<RoleId>();
  if (auto roles =
          f.IsNull("roles") ? std::optional<std::vector<uint64_t>>() : f.IdList("roles", 250)) {
    for (uint64_t id : *roles) edit.roles->push_back(RoleId(id));
  }
  edit.mute = f.Bool("mute");
  edit.deaf = f.Bool("deaf");
  if (auto flags = f.Int("flags", 0, 0xFFFF)) edit.flags = static_cast<uint32_t>(*flags);
  auto channel = f.Id("channel_id", true);
  if (f.Has("communication_disabled_until")) {
    if (f.IsNull("communication_disabled_until")) {
      edit.communication_disabled_until_ms = 0;
    } else {
      std::string_view text;
      std::optional<int64_t> ms;
      if (f.Get("communication_disabled_until").get_string().get(text) == simdjson::SUCCESS) {
        ms = ParseIsoTimestamp(text);
      }
      if (!ms) {
        f.Error("communication_disabled_until", "DATE_TYPE_PARSE",
                "Could not parse " + std::string(text) + ". Should be ISO8601.");
      } else if (*ms > world_.NowMs() + 28 * kDayMs) {
        f.Error("communication_disabled_until", "COMMUNICATION_DISABLED_TIMESTAMP_INVALID",
                "Invalid communication disabled timestamp");
      } else {
        edit.communication_disabled_until_ms = *ms <= world_.NowMs() ? 0 : *ms;
      }
    }
  }
  if (!errors.empty()) return FormErrorReply(errors);
  const Member* member = g.guild->FindMember(target);
  if (!member) return ErrorReply(404, kUnknownMember, "Unknown Member");

  const bool self = target == c.bot->id;
  const bool outranks = CanActOn(*g.guild, c.bot->id, target);
  if (edit.nick) {
    if (self) {
      if (!(g.perms & (permission::kChangeNickname | permission::kManageNicknames))) {
        return MissingPermissions();
      }
    } else if (!(g.perms & permission::kManageNicknames) || !outranks) {
      return MissingPermissions();
    }
  }
  if (edit.roles) {
    if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
    auto check = [&](RoleId id) -> std::optional<Reply> {
      const Role* role = g.guild->FindRole(id);
      if (!role || id.value() == g.guild->id.value()) {
        return ErrorReply(404, kUnknownRole, "Unknown Role");
      }
      if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
      return std::nullopt;
    };
    for (RoleId id : *edit.roles) {  // added
      if (std::find(member->roles.begin(), member->roles.end(), id) == member->roles.end()) {
        if (auto e = check(id)) return *e;
      }
    }
    for (RoleId id : member->roles) {  // removed (managed roles stay anyway)
      const Role* role = g.guild->FindRole(id);
      if (role && !role->managed &&
          std::find(edit.roles->begin(), edit.roles->end(), id) == edit.roles->end()) {
        if (auto e = check(id)) return *e;
      }
    }
  }
  if (edit.mute && !(g.perms & permission::kMuteMembers)) return MissingPermissions();
  if (edit.deaf && !(g.perms & permission::kDeafenMembers)) return MissingPermissions();
  if (edit.communication_disabled_until_ms) {
    if (!(g.perms & permission::kModerateMembers) || !outranks) return MissingPermissions();
    if (world_.ComputePermissions(*g.guild, target) & permission::kAdministrator) {
      return MissingPermissions();  // administrators cannot be timed out
    }
  }
  if (edit.flags && !(g.perms & (permission::kManageGuild | permission::kManageRoles)) &&
      !Has(g.perms,
           permission::kModerateMembers | permission::kKickMembers | permission::kBanMembers)) {
    return MissingPermissions();
  }
  const VoiceState* voice = g.guild->FindVoiceState(target);
  if (channel) {
    if (!(g.perms & permission::kMoveMembers)) return MissingPermissions();
    if (!voice) return ErrorReply(400, 40032, "Target user is not connected to voice.");
    if (*channel != 0) {
      const Guild* owner = nullptr;
      const Channel* to = world_.FindChannel(ChannelId(*channel), &owner);
      if (!to || owner != g.guild || !IsVoiceBased(to->type)) {
        FormErrors e;
        e.Add({"channel_id"}, "CHANNEL_INVALID", "Invalid voice channel");
        return FormErrorReply(e);
      }
      if (!(world_.ComputePermissions(*g.guild, target, to) & permission::kConnect)) {
        return MissingPermissions();
      }
    }
  }
  const bool member_fields = edit.nick || edit.roles || edit.mute || edit.deaf || edit.flags ||
                             edit.communication_disabled_until_ms;
  if (member_fields || !channel) {
    Status status = world_.UpdateMember(g.guild->id, target, edit);
    if (!status.ok()) return FromStatus(status.error());
  }
  if (channel) {
    VoiceSpec spec;
    spec.channel = ChannelId(*channel);
    spec.self_mute = voice->self_mute;
    spec.self_deaf = voice->self_deaf;
    Status status = world_.UpdateVoiceState(g.guild->id, target, spec);
    if (!status.ok()) return FromStatus(status.error());
  }
  return JsonReply(200, RenderMember(world_, *g.guild->FindMember(target)));
}

Reply RestCore::ModifyCurrentMember(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  MemberEdit edit;
  edit.nick = f.String("nick", 0, 32, true);
  if (!errors.empty()) return FormErrorReply(errors);
  if (edit.nick && !(g.perms & (permission::kChangeNickname | permission::kManageNicknames))) {
    return MissingPermissions();
  }
  if (edit.nick) {
    Status status = world_.UpdateMember(g.guild->id, c.bot->id, edit);
    if (!status.ok()) return FromStatus(status.error());
  }
  return JsonReply(200, RenderMember(world_, *g.guild->FindMember(c.bot->id)));
}

Reply RestCore::ModifyCurrentNick(Call& c) {
  Reply reply = ModifyCurrentMember(c);
  if (reply.status != 200) return reply;
  const Guild* guild = world_.FindGuild(GuildId(std::stoull(c.params[0])));
  const Member* self = guild->FindMember(c.bot->id);
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginObject().Key("nick").StringOrNull(self->nick).EndObject();
                   }));
}

Reply RestCore::AddMemberRole(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  auto role_id = IdParam(c, 2, &error);
  if (!role_id) return error;
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  const Member* member = g.guild->FindMember(UserId(*user));
  if (!member) return ErrorReply(404, kUnknownMember, "Unknown Member");
  const Role* role = g.guild->FindRole(RoleId(*role_id));
  if (!role || *role_id == g.guild->id.value())
    return ErrorReply(404, kUnknownRole, "Unknown Role");
  if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
  if (std::find(member->roles.begin(), member->roles.end(), role->id) != member->roles.end()) {
    return NoContent();
  }
  MemberEdit edit;
  edit.roles = member->roles;
  edit.roles->push_back(role->id);
  Status status = world_.UpdateMember(g.guild->id, UserId(*user), edit);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveMemberRole(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  auto role_id = IdParam(c, 2, &error);
  if (!role_id) return error;
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  const Member* member = g.guild->FindMember(UserId(*user));
  if (!member) return ErrorReply(404, kUnknownMember, "Unknown Member");
  const Role* role = g.guild->FindRole(RoleId(*role_id));
  if (!role || *role_id == g.guild->id.value())
    return ErrorReply(404, kUnknownRole, "Unknown Role");
  if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
  if (std::find(member->roles.begin(), member->roles.end(), role->id) == member->roles.end()) {
    return NoContent();
  }
  if (role->managed) return ErrorReply(400, 50028, "Invalid Role");
  MemberEdit edit;
  edit.roles = member->roles;
  std::erase(*edit.roles, role->id);
  Status status = world_.UpdateMember(g.guild->id, UserId(*user), edit);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveMember(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  if (!(g.perms & permission::kKickMembers)) return MissingPermissions();
  if (!g.guild->FindMember(UserId(*user))) return ErrorReply(404, kUnknownMember, "Unknown Member");
  if (!CanActOn(*g.guild, c.bot->id, UserId(*user))) return MissingPermissions();
  Status status = world_.RemoveMember(g.guild->id, UserId(*user));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

// ---- Bans ----

namespace {

void WriteBan(const World& world, JsonWriter& w, uint64_t user, const Ban& ban) {
  w.BeginObject().Key("reason").StringOrNull(ban.reason).Key("user");
  if (const User* u = world.FindUser(UserId(user))) {
    world.WriteUser(w, *u);
  } else {
    w.BeginObject().Key("id").Id(user).EndObject();
  }
  w.EndObject();
}

}  // namespace

Reply RestCore::GetBans(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  if (!(g.perms & permission::kBanMembers)) return MissingPermissions();
  FormErrors errors;
  auto limit = QueryInt(c.query, "limit", 1, 1000, 1000, &errors);
  auto before = QueryId(c.query, "before", &errors);
  auto after = QueryId(c.query, "after", &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  std::vector<std::pair<uint64_t, const Ban*>> bans;
  for (const auto& [user, ban] : g.guild->bans) {
    if (*before && user >= *before) continue;
    if (*after && user <= *after) continue;
    bans.emplace_back(user, &ban);
  }
  size_t n = static_cast<size_t>(*limit);
  if (bans.size() > n) {
    if (*before && !*after) {
      bans.erase(bans.begin(), bans.end() - n);  // the ones just before `before`
    } else {
      bans.resize(n);
    }
  }
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const auto& [user, ban] : bans) WriteBan(world_, w, user, *ban);
                     w.EndArray();
                   }));
}

Reply RestCore::GetBan(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  if (!(g.perms & permission::kBanMembers)) return MissingPermissions();
  auto it = g.guild->bans.find(*user);
  if (it == g.guild->bans.end()) return ErrorReply(404, kUnknownBan, "Unknown Ban");
  return JsonReply(200, Render([&](JsonWriter& w) { WriteBan(world_, w, *user, it->second); }));
}

Reply RestCore::CreateBan(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  FormErrors errors;
  Fields f(c.body, &errors);
  auto days = f.Int("delete_message_days", 0, 7);
  auto seconds = f.Int("delete_message_seconds", 0, 604800);
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kBanMembers)) return MissingPermissions();
  const UserId target(*user);
  if (!world_.FindUser(target)) return ErrorReply(404, kUnknownUser, "Unknown User");
  if (!CanActOn(*g.guild, c.bot->id, target)) return MissingPermissions();
  const int64_t window_ms = seconds ? *seconds * 1000 : days.value_or(0) * kDayMs;
  Status status = world_.BanUser(g.guild->id, target, c.audit_reason);
  if (!status.ok()) return FromStatus(status.error());
  if (window_ms > 0) {
    // Delete the user's recent messages, channel by channel.
    const int64_t since = world_.NowMs() - window_ms;
    std::vector<std::pair<ChannelId, std::vector<MessageId>>> doomed;
    for (const Channel& ch : g.guild->channels) {
      std::vector<MessageId> ids;
      for (size_t i = 0; i < ch.messages.size(); ++i) {
        const Message& m = ch.messages.at(i);
        if (world_.user(m.author).id == target && m.id.timestamp_ms() >= since) ids.push_back(m.id);
      }
      if (!ids.empty()) doomed.emplace_back(ch.id, std::move(ids));
    }
    for (auto& [channel, ids] : doomed) {
      for (size_t at = 0; at < ids.size(); at += 100) {
        std::span<const MessageId> chunk(ids.data() + at, std::min<size_t>(100, ids.size() - at));
        Status s = chunk.size() >= 2 ? world_.BulkDeleteMessages(channel, chunk)
                                     : world_.DeleteMessage(channel, chunk[0]);
        if (!s.ok()) log::Warn("sim rest: ban message purge: {}", s.error().ToString());
      }
    }
  }
  return NoContent();
}

Reply RestCore::RemoveBan(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto user = IdParam(c, 1, &error);
  if (!user) return error;
  if (!(g.perms & permission::kBanMembers)) return MissingPermissions();
  Status status = world_.UnbanUser(g.guild->id, UserId(*user));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

// ---- Roles ----

Reply RestCore::GetRoles(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const Role& r : g.guild->roles) world_.WriteRole(w, r);
                     w.EndArray();
                   }));
}

Reply RestCore::CreateRole(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  RoleSpec spec;
  if (auto name = f.String("name", 0, 100, true); name && !name->empty()) spec.name = *name;
  auto permissions = f.Permissions("permissions");
  spec.color = static_cast<uint32_t>(f.Int("color", 0, 0xFFFFFF, true).value_or(0));
  spec.hoist = f.Bool("hoist").value_or(false);
  spec.mentionable = f.Bool("mentionable").value_or(false);
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  if (permissions) {
    if ((*permissions & ~g.perms) != 0) return MissingPermissions();
    spec.permissions = *permissions;
  } else {
    spec.permissions = g.guild->roles.empty() ? 0 : g.guild->roles[0].permissions;
  }
  auto id = world_.CreateRole(g.guild->id, spec);
  if (!id.ok()) return FromStatus(id.error());
  return JsonReply(200, RenderRole(world_, *g.guild->FindRole(*id)));
}

Reply RestCore::ModifyRolePositions(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  std::vector<std::pair<RoleId, int32_t>> moves;
  size_t i = 0;
  dom::array moves_json;
  if (c.body.get_array().get(moves_json) != simdjson::SUCCESS) return ErrorReply(400, 50035, "");
  for (dom::element e : moves_json) {
    Fields f(e, &errors, {std::to_string(i++)});
    f.Require("id");
    auto id = f.Id("id");
    auto position = f.Int("position", 1, 250, true);
    if (id && position) moves.emplace_back(RoleId(*id), static_cast<int32_t>(*position));
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  const Role* top = TopRole(*g.guild, *g.self);
  const bool owner = g.guild->owner == c.bot->id;
  for (const auto& [id, position] : moves) {
    const Role* role = g.guild->FindRole(id);
    if (!role) return ErrorReply(404, kUnknownRole, "Unknown Role");
    if (id.value() == g.guild->id.value()) return ErrorReply(400, 50028, "Invalid Role");
    if (!owner &&
        (!CanManageRole(*g.guild, c.bot->id, *role) || !top || position >= top->position)) {
      return MissingPermissions();
    }
  }
  for (const auto& [id, position] : moves) {
    RoleEdit edit;
    edit.position = position;
    Status status = world_.UpdateRole(g.guild->id, id, edit);
    if (!status.ok()) return FromStatus(status.error());
  }
  return GetRoles(c);
}

Reply RestCore::ModifyRole(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto role_id = IdParam(c, 1, &error);
  if (!role_id) return error;
  FormErrors errors;
  Fields f(c.body, &errors);
  RoleEdit edit;
  edit.name = f.String("name", 1, 100);
  edit.permissions = f.Permissions("permissions");
  if (auto color = f.Int("color", 0, 0xFFFFFF, true)) edit.color = static_cast<uint32_t>(*color);
  edit.hoist = f.Bool("hoist");
  edit.mentionable = f.Bool("mentionable");
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  const Role* role = g.guild->FindRole(RoleId(*role_id));
  if (!role) return ErrorReply(404, kUnknownRole, "Unknown Role");
  if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
  if (edit.permissions && ((*edit.permissions & ~role->permissions) & ~g.perms) != 0) {
    return MissingPermissions();  // granting bits the bot lacks
  }
  Status status = world_.UpdateRole(g.guild->id, RoleId(*role_id), edit);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(200, RenderRole(world_, *g.guild->FindRole(RoleId(*role_id))));
}

Reply RestCore::DeleteRole(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto role_id = IdParam(c, 1, &error);
  if (!role_id) return error;
  if (!(g.perms & permission::kManageRoles)) return MissingPermissions();
  const Role* role = g.guild->FindRole(RoleId(*role_id));
  if (!role) return ErrorReply(404, kUnknownRole, "Unknown Role");
  if (!CanManageRole(*g.guild, c.bot->id, *role)) return MissingPermissions();
  Status status = world_.DeleteRole(g.guild->id, RoleId(*role_id));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

// ---- Prune, regions, invites ----

namespace {

// Members a prune of `days` would kick: not the owner, not bots, offline, not in voice, joined
// more than `days` ago, without roles other than `include_roles`, and below the bot.
std::vector<UserId> Prunable(const World& world, const RestCore& core, const Guild& guild,
                             UserId bot, int64_t days, const std::vector<uint64_t>& include_roles) {
  std::vector<UserId> out;
  const int64_t cutoff = world.NowMs() - days * kDayMs;
  for (const Member& m : guild.members) {
    const User& u = world.user(m.user);
    if (u.bot || u.id == guild.owner || m.joined_ms > cutoff) continue;
    if (m.presence.status != PresenceStatus::kOffline || guild.FindVoiceState(u.id)) continue;
    bool roles_ok = std::all_of(m.roles.begin(), m.roles.end(), [&](RoleId r) {
      return std::find(include_roles.begin(), include_roles.end(), r.value()) !=
             include_roles.end();
    });
    if (!roles_ok || !core.CanActOn(guild, bot, u.id)) continue;
    out.push_back(u.id);
  }
  return out;
}

std::vector<uint64_t> IdsOfCsv(std::string_view text) {
  std::vector<uint64_t> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    auto id = Snowflake::Parse(text.substr(0, comma));
    if (id.ok()) out.push_back(id->value());
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

Reply RestCore::GetPruneCount(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  auto days = QueryInt(c.query, "days", 1, 30, 7, &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & permission::kKickMembers)) return MissingPermissions();
  std::vector<uint64_t> include = IdsOfCsv(QueryParam(c.query, "include_roles").value_or(""));
  size_t n = Prunable(world_, *this, *g.guild, c.bot->id, *days, include).size();
  return JsonReply(200, "{\"pruned\":" + std::to_string(n) + "}");
}

Reply RestCore::BeginPrune(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  auto days = f.Int("days", 1, 30).value_or(7);
  bool compute = f.Bool("compute_prune_count").value_or(true);
  auto include = f.IdList("include_roles", 250).value_or(std::vector<uint64_t>());
  if (!errors.empty()) return FormErrorReply(errors);
  if (!Has(g.perms, permission::kKickMembers | permission::kManageGuild)) {
    return MissingPermissions();
  }
  std::vector<UserId> doomed = Prunable(world_, *this, *g.guild, c.bot->id, days, include);
  GuildId guild = g.guild->id;
  for (UserId user : doomed) {
    Status status = world_.RemoveMember(guild, user);
    if (!status.ok()) return FromStatus(status.error());
  }
  return JsonReply(200, compute ? "{\"pruned\":" + std::to_string(doomed.size()) + "}"
                                : std::string("{\"pruned\":null}"));
}

Reply RestCore::GetRegions(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  static const std::pair<std::string_view, std::string_view> kRegions[] = {
      {"us-west", "US West"},   {"us-east", "US East"},     {"us-central", "US Central"},
      {"us-south", "US South"}, {"rotterdam", "Rotterdam"}, {"singapore", "Singapore"},
      {"japan", "Japan"},       {"brazil", "Brazil"},       {"sydney", "Sydney"},
  };
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const auto& [id, name] : kRegions) {
                       w.BeginObject().Key("id").String(id).Key("name").String(name);
                       w.Key("optimal").Bool(id == "us-east").Key("deprecated").Bool(false);
                       w.Key("custom").Bool(false).EndObject();
                     }
                     w.EndArray();
                   }));
}

Reply RestCore::GetGuildInvites(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  if (!(g.perms & permission::kManageGuild)) return MissingPermissions();
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const Invite& invite : g.guild->invites) WriteInvite(w, *g.guild, invite);
                     w.EndArray();
                   }));
}

// ---- Emojis ----

Reply RestCore::ListEmojis(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  return JsonReply(200, Render([&](JsonWriter& w) {
                     w.BeginArray();
                     for (const Emoji& emoji : g.guild->emojis) world_.WriteEmoji(w, emoji);
                     w.EndArray();
                   }));
}

Reply RestCore::GetEmoji(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  const Emoji* emoji = g.guild->FindEmoji(EmojiId(*id));
  if (!emoji) return ErrorReply(404, kUnknownEmoji, "Unknown Emoji");
  return JsonReply(200, Render([&](JsonWriter& w) { world_.WriteEmoji(w, *emoji); }));
}

Reply RestCore::CreateEmoji(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("name");
  f.Require("image");
  EmojiSpec spec;
  spec.name = f.String("name", 2, 32).value_or("");
  ImageField(f, "image", &spec.animated, 256 * 1024);
  for (uint64_t id : f.IdList("roles", 250).value_or(std::vector<uint64_t>())) {
    spec.roles.push_back(RoleId(id));
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & (perm::kCreateExpressions | perm::kManageExpressions))) {
    return MissingPermissions();
  }
  auto id = world_.CreateEmoji(g.guild->id, spec);
  if (!id.ok()) return FromStatus(id.error());
  return JsonReply(201,
                   Render([&](JsonWriter& w) { world_.WriteEmoji(w, *g.guild->FindEmoji(*id)); }));
}

Reply RestCore::ModifyEmoji(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  FormErrors errors;
  Fields f(c.body, &errors);
  EmojiEdit edit;
  edit.name = f.String("name", 2, 32);
  if (f.Has("roles")) {
    edit.roles = std::vector<RoleId>();
    if (!f.IsNull("roles")) {
      for (uint64_t r : f.IdList("roles", 250).value_or(std::vector<uint64_t>())) {
        edit.roles->push_back(RoleId(r));
      }
    }
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(g.perms & perm::kManageExpressions)) return MissingPermissions();
  Status status = world_.UpdateEmoji(g.guild->id, EmojiId(*id), edit);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(
      200, Render([&](JsonWriter& w) { world_.WriteEmoji(w, *g.guild->FindEmoji(EmojiId(*id))); }));
}

Reply RestCore::DeleteEmoji(Call& c) {
  GuildAccess g;
  if (auto e = AccessGuild(c, 0, &g)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(g.perms & perm::kManageExpressions)) return MissingPermissions();
  Status status = world_.DeleteEmoji(g.guild->id, EmojiId(*id));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

}  // namespace pylon::sim::rest_internal
