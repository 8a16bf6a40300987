// Copyright 2026 The Pylon Gateway Authors.
// Channels (GatewayRest: ModifyChannel, DeleteChannel, EditChannelPermissions,
// DeleteChannelPermission, GetChannelInvites, CreateChannelInvite, FollowNewsChannel), plus
// GET /channels/{id} and DELETE /invites/{code}.

#include <algorithm>

#include "base/json_writer.h"
#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

std::string RenderChannel(const World& world, const Guild& guild, const Channel& channel) {
  std::string out;
  {
    JsonWriter w(&out);
    world.WriteChannel(w, guild, channel, /*with_guild_id=*/true);
  }
  return out;
}

// An overwrite type: 0/1 or "role"/"member".
std::optional<uint8_t> OverwriteType(const Fields& f) {
  if (!f.Has("type")) return std::nullopt;
  std::string_view s;
  if (f.Get("type").get_string().get(s) == simdjson::SUCCESS) {
    if (s == "role" || s == "0") return uint8_t{0};
    if (s == "member" || s == "1") return uint8_t{1};
    f.Error("type", "BASE_TYPE_CHOICES", "Value must be one of {0, 1}.");
    return std::nullopt;
  }
  auto v = f.Int("type", 0, 1);
  if (!v) return std::nullopt;
  return static_cast<uint8_t>(*v);
}

std::optional<std::vector<Overwrite>> ParseOverwrites(const Fields& f, std::string_view key) {
  auto array = f.Array(key, 100);
  if (!array) return std::nullopt;
  std::vector<Overwrite> out;
  size_t i = 0;
  for (dom::element e : *array) {
    std::vector<std::string> path = f.Path(key);
    path.push_back(std::to_string(i++));
    Fields o(e, f.errors(), path);
    o.Require("id");
    o.Require("type");
    Overwrite overwrite;
    overwrite.id = o.Id("id").value_or(0);
    overwrite.type = OverwriteType(o).value_or(0);
    overwrite.allow = o.Permissions("allow").value_or(0);
    overwrite.deny = o.Permissions("deny").value_or(0);
    out.push_back(overwrite);
  }
  return out;
}

// Whether the bot may grant or deny `bits` in a channel where it holds `perms`.
bool MayGrant(uint64_t perms, uint64_t bits) { return (bits & ~perms) == 0; }

}  // namespace

Reply RestCore::GetChannel(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, /*allow_dm=*/true)) return *e;
  if (a.dm) {
    std::string out;
    {
      JsonWriter w(&out);
      WriteDmChannel(w, *a.dm);
    }
    return JsonReply(200, std::move(out));
  }
  return JsonReply(200, RenderChannel(world_, *a.guild, *a.channel));
}

Reply RestCore::ModifyChannel(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  const Channel& channel = *a.channel;
  const bool thread = IsThread(channel.type);
  FormErrors errors;
  Fields f(c.body, &errors);
  ChannelEdit edit;
  edit.name = f.String("name", 1, 100);
  if (auto limit = f.Int("rate_limit_per_user", 0, 21600, true)) {
    edit.rate_limit_per_user = static_cast<uint32_t>(*limit);
  }
  if (thread) {
    edit.archived = f.Bool("archived");
    edit.locked = f.Bool("locked");
    if (auto minutes = f.Int("auto_archive_duration", 60, 10080)) {
      edit.auto_archive_minutes = static_cast<uint16_t>(*minutes);
    }
  } else {
    edit.topic = f.String("topic", 0, channel.type == ChannelType::kForum ? 4096 : 1024, true);
    if (auto position = f.Int("position", 0, 100000, true)) {
      edit.position = static_cast<int32_t>(*position);
    }
    edit.nsfw = f.Bool("nsfw");
    if (auto bitrate = f.Int("bitrate", 8000, 384000))
      edit.bitrate = static_cast<uint32_t>(*bitrate);
    if (auto users = f.Int("user_limit", 0, channel.type == ChannelType::kStage ? 10000 : 99)) {
      edit.user_limit = static_cast<uint32_t>(*users);
    }
    if (auto parent = f.Id("parent_id", true)) edit.parent = ChannelId(*parent);
    if (f.Has("permission_overwrites") && !f.IsNull("permission_overwrites")) {
      edit.overwrites = ParseOverwrites(f, "permission_overwrites");
    }
    if (auto type = f.Int("type", 0, 20)) {
      if (*type != static_cast<int64_t>(channel.type)) {
        return ErrorReply(400, 50024, "Cannot execute action on this channel type");
      }
    }
  }
  if (!errors.empty()) return FormErrorReply(errors);

  // Permissions: MANAGE_CHANNELS (threads: MANAGE_THREADS, or the owner for its own fields);
  // overwrites also MANAGE_ROLES and only bits the bot holds.
  if (thread) {
    const bool owner = channel.thread.owner == c.bot->id;
    const bool owner_fields = !edit.locked && !edit.rate_limit_per_user;
    if (!(a.perms & permission::kManageThreads) && !(owner && owner_fields)) {
      return MissingPermissions();
    }
  } else {
    if (!(a.perms & permission::kManageChannels)) return MissingPermissions();
    if (edit.overwrites) {
      if (!(a.perms & permission::kManageRoles)) return MissingPermissions();
      for (const Overwrite& o : *edit.overwrites) {
        bool unchanged = std::find(channel.overwrites.begin(), channel.overwrites.end(), o) !=
                         channel.overwrites.end();
        if (!unchanged && !MayGrant(a.perms, o.allow | o.deny)) return MissingPermissions();
      }
    }
  }

  // The name/topic sublimit: 2 changes per window per channel.
  const bool name_changes = edit.name && *edit.name != channel.name;
  const bool topic_changes = edit.topic && *edit.topic != channel.topic;
  if (name_changes || topic_changes) {
    if (auto retry = limits_.TakeNameTopic(c.bot->id.value(), channel.id.value())) {
      return RateLimited(Scope::kUser, *retry);
    }
  }
  ChannelId id = channel.id;
  Status status = world_.UpdateChannel(id, edit);
  if (!status.ok()) return FromStatus(status.error());
  const Guild* guild = nullptr;
  const Channel* updated = world_.FindChannel(id, &guild);
  return JsonReply(200, RenderChannel(world_, *guild, *updated));
}

Reply RestCore::DeleteChannel(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, /*allow_dm=*/true)) return *e;
  if (a.dm) {
    std::string out;
    {
      JsonWriter w(&out);
      WriteDmChannel(w, *a.dm);
    }
    dm_index_.erase({a.dm->bot.value(), a.dm->recipient.value()});
    dms_.erase(a.dm->id.value());
    return JsonReply(200, std::move(out));
  }
  const uint64_t need =
      IsThread(a.channel->type) ? permission::kManageThreads : permission::kManageChannels;
  if (!(a.perms & need)) return MissingPermissions();
  std::string json = RenderChannel(world_, *a.guild, *a.channel);
  Status status = world_.DeleteChannel(a.channel->id);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(200, std::move(json));
}

Reply RestCore::EditChannelPermissions(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto target = IdParam(c, 1, &error);
  if (!target) return error;
  if (IsThread(a.channel->type)) {
    return ErrorReply(400, 50024, "Cannot execute action on this channel type");
  }
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("type");
  Overwrite o;
  o.id = *target;
  o.type = OverwriteType(f).value_or(0);
  o.allow = f.Permissions("allow").value_or(0);
  o.deny = f.Permissions("deny").value_or(0);
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(a.perms & permission::kManageRoles)) return MissingPermissions();
  if (!MayGrant(a.perms, o.allow | o.deny)) return MissingPermissions();
  if (o.type == 0 && !a.guild->FindRole(RoleId(o.id))) {
    return ErrorReply(404, kUnknownRole, "Unknown Role");
  }
  if (o.type == 1 && !world_.FindUser(UserId(o.id))) {
    return ErrorReply(404, kUnknownUser, "Unknown User");
  }
  std::vector<Overwrite> overwrites = a.channel->overwrites;
  auto it = std::find_if(overwrites.begin(), overwrites.end(),
                         [&](const Overwrite& x) { return x.id == o.id; });
  if (it == overwrites.end()) {
    overwrites.push_back(o);
  } else {
    *it = o;
  }
  ChannelEdit edit;
  edit.overwrites = std::move(overwrites);
  Status status = world_.UpdateChannel(a.channel->id, edit);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::DeleteChannelPermission(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto target = IdParam(c, 1, &error);
  if (!target) return error;
  if (IsThread(a.channel->type)) {
    return ErrorReply(400, 50024, "Cannot execute action on this channel type");
  }
  if (!(a.perms & permission::kManageRoles)) return MissingPermissions();
  std::vector<Overwrite> overwrites = a.channel->overwrites;
  if (std::erase_if(overwrites, [&](const Overwrite& x) { return x.id == *target; }) == 0) {
    return NoContent();
  }
  ChannelEdit edit;
  edit.overwrites = std::move(overwrites);
  Status status = world_.UpdateChannel(a.channel->id, edit);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::GetChannelInvites(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  if (!(a.perms & permission::kManageChannels)) return MissingPermissions();
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const Invite& invite : a.guild->invites) {
    if (invite.channel == a.channel->id) WriteInvite(w, *a.guild, invite);
  }
  w.EndArray();
  return JsonReply(200, std::move(out));
}

Reply RestCore::CreateChannelInvite(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  InviteSpec spec;
  spec.inviter = c.bot->id;
  spec.max_age = static_cast<uint32_t>(f.Int("max_age", 0, 604800).value_or(86400));
  spec.max_uses = static_cast<uint32_t>(f.Int("max_uses", 0, 100).value_or(0));
  spec.temporary = f.Bool("temporary").value_or(false);
  bool unique = f.Bool("unique").value_or(false);
  if (!errors.empty()) return FormErrorReply(errors);
  if (!(a.perms & permission::kCreateInstantInvite)) return MissingPermissions();
  if (!unique) {
    // Discord hands back a matching invite of the same inviter instead of making a new one.
    for (const Invite& invite : a.guild->invites) {
      if (invite.channel == a.channel->id && invite.inviter != kNoUser &&
          world_.user(invite.inviter).id == c.bot->id && invite.max_age == spec.max_age &&
          invite.max_uses == spec.max_uses && invite.temporary == spec.temporary) {
        std::string out;
        {
          JsonWriter w(&out);
          WriteInvite(w, *a.guild, invite);
        }
        return JsonReply(200, std::move(out));
      }
    }
  }
  auto code = world_.CreateInvite(a.channel->id, spec);
  if (!code.ok()) return FromStatus(code.error());
  const Guild* guild = nullptr;
  const Invite* invite = world_.FindInvite(*code, &guild);
  std::string out;
  {
    JsonWriter w(&out);
    WriteInvite(w, *guild, *invite);
  }
  return JsonReply(200, std::move(out));
}

Reply RestCore::DeleteInvite(Call& c) {
  const Guild* guild = nullptr;
  const Invite* invite = world_.FindInvite(c.params[0], &guild);
  if (invite == nullptr) return ErrorReply(404, 10006, "Unknown Invite");
  if (!guild->FindMember(c.bot->id)) return MissingAccess();
  const Channel* channel = world_.FindChannel(invite->channel);
  uint64_t perms = world_.ComputePermissions(*guild, c.bot->id, channel);
  uint64_t guild_perms = world_.ComputePermissions(*guild, c.bot->id);
  if (!(perms & permission::kManageChannels) && !(guild_perms & permission::kManageGuild)) {
    return MissingPermissions();
  }
  std::string out;
  {
    JsonWriter w(&out);
    WriteInvite(w, *guild, *invite);
  }
  Status status = world_.DeleteInvite(c.params[0]);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(200, std::move(out));
}

Reply RestCore::FollowChannel(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("webhook_channel_id");
  auto target_id = f.Id("webhook_channel_id");
  if (!errors.empty()) return FormErrorReply(errors);
  if (a.channel->type != ChannelType::kAnnouncement) {
    return ErrorReply(400, 50024, "Cannot execute action on this channel type");
  }
  const Guild* target_guild = nullptr;
  const Channel* target = world_.FindChannel(ChannelId(*target_id), &target_guild);
  if (target == nullptr) return ErrorReply(404, kUnknownChannel, "Unknown Channel");
  if (!target_guild->FindMember(c.bot->id)) return MissingAccess();
  if (target->type != ChannelType::kText && target->type != ChannelType::kAnnouncement) {
    return ErrorReply(400, 50024, "Cannot execute action on this channel type");
  }
  uint64_t perms = world_.ComputePermissions(*target_guild, c.bot->id, target);
  if (!(perms & perm::kManageWebhooks)) return MissingPermissions();
  uint64_t webhook = webhook_ids_.Next(world_.NowMs());
  std::string event;
  JsonWriter(&event)
      .BeginObject()
      .Key("guild_id")
      .Id(target_guild->id)
      .Key("channel_id")
      .Id(target->id)
      .EndObject();
  Emit(target_guild->id, "WEBHOOKS_UPDATE", intent::kGuildWebhooks, UserId(), std::move(event));
  std::string out;
  JsonWriter(&out)
      .BeginObject()
      .Key("channel_id")
      .Id(a.channel->id)
      .Key("webhook_id")
      .Id(webhook)
      .EndObject();
  return JsonReply(200, std::move(out));
}

}  // namespace pylon::sim::rest_internal
