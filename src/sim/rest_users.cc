// Copyright 2026 The Pylon Gateway Authors.
// Gateway discovery and users (GatewayRest: GetCurrentUser, GetUser, ModifyCurrentUser,
// LeaveGuild, CreateDm), plus GET /gateway, /gateway/bot and /users/@me/guilds.

#include <algorithm>

#include "base/json_writer.h"
#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

std::string RenderUser(const World& world, const User& user) {
  std::string out;
  {
    JsonWriter w(&out);
    world.WriteUser(w, user);
  }
  return out;
}

}  // namespace

Reply RestCore::GetGateway(Call& c) { return JsonReply(200, gateway_.RenderGateway()); }

Reply RestCore::GetGatewayBot(Call& c) { return JsonReply(200, gateway_.RenderGatewayBot(*c.bot)); }

Reply RestCore::GetCurrentUser(Call& c) {
  return JsonReply(200, RenderUser(world_, world_.user(c.bot->user)));
}

Reply RestCore::GetUser(Call& c) {
  Reply error;
  auto id = IdParam(c, 0, &error);
  if (!id) return error;
  const User* user = world_.FindUser(UserId(*id));
  if (user == nullptr) return ErrorReply(404, kUnknownUser, "Unknown User");
  return JsonReply(200, RenderUser(world_, *user));
}

Reply RestCore::ModifyCurrentUser(Call& c) {
  FormErrors errors;
  Fields f(c.body, &errors);
  UserEdit edit;
  edit.username = f.String("username", 2, 32);
  if (f.Has("avatar")) {
    if (f.IsNull("avatar")) {
      edit.avatar = 0;
    } else {
      std::string_view text;
      std::optional<uint64_t> seed;
      if (f.Get("avatar").get_string().get(text) == simdjson::SUCCESS) seed = ImageHashSeed(text);
      if (!seed) {
        f.Error("avatar", "IMAGE_INVALID", "Invalid image data");
      } else {
        edit.avatar = *seed;
      }
    }
  }
  if (!errors.empty()) return FormErrorReply(errors);
  Status status = world_.UpdateUser(c.bot->id, edit);
  if (!status.ok()) return FromStatus(status.error());
  return JsonReply(200, RenderUser(world_, world_.user(c.bot->user)));
}

Reply RestCore::GetCurrentUserGuilds(Call& c) {
  FormErrors errors;
  auto limit = QueryInt(c.query, "limit", 1, 200, 200, &errors);
  auto after = QueryId(c.query, "after", &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  std::vector<const Guild*> guilds;
  for (GuildId id : c.bot->guilds) {
    const Guild* g = world_.FindGuild(id);
    if (g && id.value() > *after) guilds.push_back(g);
  }
  std::sort(guilds.begin(), guilds.end(),
            [](const Guild* a, const Guild* b) { return a->id < b->id; });
  if (guilds.size() > static_cast<size_t>(*limit)) guilds.resize(*limit);
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const Guild* g : guilds) {
    w.BeginObject().Key("id").Id(g->id).Key("name").String(g->name);
    w.Key("icon").Null();
    w.Key("owner").Bool(g->owner == c.bot->id);
    w.Key("permissions").UIntString(world_.ComputePermissions(*g, c.bot->id));
    w.Key("features").BeginArray();
    for (uint32_t f = 0; f < kGuildFeatureCount; ++f) {
      if (g->features & (1u << f)) w.String(kGuildFeatureNames[f]);
    }
    w.EndArray().EndObject();
  }
  w.EndArray();
  return JsonReply(200, std::move(out));
}

Reply RestCore::LeaveGuild(Call& c) {
  Reply error;
  auto id = IdParam(c, 0, &error);
  if (!id) return error;
  const Guild* guild = world_.FindGuild(GuildId(*id));
  if (guild == nullptr || !guild->FindMember(c.bot->id)) {
    return ErrorReply(404, kUnknownGuild, "Unknown Guild");
  }
  if (guild->owner == c.bot->id) return ErrorReply(400, 50055, "Invalid Guild");
  Status status = world_.RemoveBotFromGuild(c.bot->id, GuildId(*id));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::CreateDm(Call& c) {
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("recipient_id");
  auto recipient = f.Id("recipient_id");
  if (!errors.empty()) return FormErrorReply(errors);
  if (!world_.FindUser(UserId(*recipient))) return ErrorReply(400, kUnknownUser, "Unknown User");
  auto key = std::make_pair(c.bot->id.value(), *recipient);
  auto it = dm_index_.find(key);
  DmChannel* dm = nullptr;
  if (it != dm_index_.end()) {
    dm = &dms_.at(it->second);
  } else {
    uint64_t id = dm_ids_.Next(world_.NowMs());
    DmChannel channel;
    channel.id = ChannelId(id);
    channel.bot = c.bot->id;
    channel.recipient = UserId(*recipient);
    dm = &dms_.emplace(id, std::move(channel)).first->second;
    dm_index_[key] = id;
  }
  std::string out;
  {
    JsonWriter w(&out);
    WriteDmChannel(w, *dm);
  }
  return JsonReply(200, std::move(out));
}

}  // namespace pylon::sim::rest_internal
