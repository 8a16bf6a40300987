// Copyright 2026 The Pylon Gateway Authors.

#include "api/gateway_service.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "api/call_scope.h"
#include "api/shard_call.h"
#include "api/status.h"
#include "base/json_writer.h"
#include "cache/shard_cache.h"

namespace pylon::api {

namespace gatewaypb = ::pylon::discord::v1::gateway;
namespace modelpb = ::pylon::discord::v1::model;
using internal::CallCompletion;

namespace {

// Discord's limit on a client payload ({"op":..,"d":..}); larger ones close the connection.
constexpr size_t kMaxCommandBytes = 4096;
constexpr size_t kCommandEnvelopeBytes = 16;  // {"op":3,"d":...}

// Which guilds a call may see: all, or those of its worker group. Keeps the snapshot that owns
// the group alive; cheap to copy into closures.
struct GuildFilter {
  std::shared_ptr<const control::ConfigSnapshot> config;
  const control::WorkerGroupView* group = nullptr;

  bool Accepts(GuildId guild) const { return group == nullptr || group->AcceptsGuild(guild); }
  // Whether the group limits guilds at all.
  bool restricts() const { return group != nullptr && !group->spec.guild_ids().empty(); }
};

struct Resolved {
  CallScope scope;
  GuildFilter filter;
  std::shared_ptr<const gateway::RoutingTable> routes;
  const gateway::RoutingTable::Bot* bot = nullptr;  // in `routes`; null: no shard here
};

struct StatsSlot {
  uint64_t guilds = 0;
  uint64_t members = 0;
  uint64_t users = 0;
  uint64_t connected = 0;
};

grpc::Status Rejected(const Error& error) { return ToGrpcStatus(error); }

void SendCommand(gateway::Shard& shard, int op, const std::string& d, CallCompletion& done) {
  if (!shard.session().SendCommand(op, d)) {
    done.Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                             "the shard's gateway command queue is full; try again later"));
  }
}

}  // namespace

GatewayService::GatewayService(gateway::ShardHost& host, ConfigSource config,
                               GatewayServiceOptions options)
    : host_(host), config_(std::move(config)), options_(options) {}

GatewayService::~GatewayService() = default;

namespace {

// ResolveScope (no guild needed) and the bot's shards here. Finishes the call on error.
std::optional<Resolved> Resolve(grpc::CallbackServerContext* context, const ConfigSource& config,
                                gateway::ShardHost& host, bool allow_anonymous,
                                grpc::ServerUnaryReactor* reactor) {
  ScopeRules rules;
  rules.needs_guild = false;
  rules.allow_anonymous = allow_anonymous;
  std::shared_ptr<const control::ConfigSnapshot> snapshot = config();
  if (snapshot == nullptr) {
    reactor->Finish(internal::UnavailableStatus("the configuration is not loaded yet"));
    return std::nullopt;
  }
  Result<CallScope> scope = ResolveScope(context->client_metadata(), std::move(snapshot), rules);
  if (!scope.ok()) {
    reactor->Finish(Rejected(scope.error()));
    return std::nullopt;
  }
  Resolved resolved;
  resolved.scope = std::move(*scope);
  if (resolved.scope.group != nullptr) {
    resolved.filter = GuildFilter{resolved.scope.config, resolved.scope.group};
  }
  resolved.routes = host.Routes();
  resolved.bot = resolved.routes->FindBot(resolved.scope.bot);
  if (resolved.bot == nullptr || resolved.bot->shards.empty()) {
    reactor->Finish(internal::UnavailableStatus("bot " + resolved.scope.bot.ToString() +
                                                " has no shard running"));
    return std::nullopt;
  }
  return resolved;
}

}  // namespace

std::string GatewayService::VoiceStateCommand(const gatewaypb::UpdateVoiceStateRequest& request) {
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginObject().Key("guild_id").Id(request.guild_id()).Key("channel_id");
    if (request.channel_id() == 0) {
      w.Null();  // channel 0: disconnect
    } else {
      w.Id(request.channel_id());
    }
    w.Key("self_mute").Bool(request.self_mute()).Key("self_deaf").Bool(request.self_deaf());
    w.EndObject();
  }
  return out;
}

Result<std::string> GatewayService::StatusCommand(const gatewaypb::UpdateStatusRequest& request) {
  std::string_view status;
  switch (request.status()) {
    case modelpb::PresenceData::UNKNOWN:  // unset: online
    case modelpb::PresenceData::ONLINE:
      status = "online";
      break;
    case modelpb::PresenceData::IDLE:
      status = "idle";
      break;
    case modelpb::PresenceData::DND:
      status = "dnd";
      break;
    case modelpb::PresenceData::INVISIBLE:
      status = "invisible";
      break;
    case modelpb::PresenceData::OFFLINE:
      status = "offline";
      break;
    default:
      return InvalidArgument("status " + std::to_string(request.status()) + " is not a status");
  }
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginObject().Key("since");
    if (request.has_since()) {
      w.Int(request.since().seconds() * 1000 + request.since().nanos() / 1000000);
    } else {
      w.Null();
    }
    w.Key("activities").BeginArray();
    for (int i = 0; i < request.activities_size(); ++i) {
      const auto& activity = request.activities(i);
      int type = activity.type();
      if (type < 0 || type > modelpb::PresenceData::PresenceActivityData::COMPETING) {
        return InvalidArgument("activities[" + std::to_string(i) + "].type " +
                               std::to_string(type) + " is not an activity type");
      }
      if (activity.name().empty()) {
        return InvalidArgument("activities[" + std::to_string(i) + "].name is required");
      }
      // The proto numbers activity types Discord + 1; UNKNOWN (unset) means playing.
      int discord_type = type == 0 ? 0 : type - 1;
      w.BeginObject().Key("name").String(activity.name()).Key("type").Int(discord_type);
      if (discord_type == 4) w.Key("state").String(activity.name());  // custom status text
      w.EndObject();
    }
    w.EndArray();
    w.Key("status").String(status).Key("afk").Bool(request.afk()).EndObject();
  }
  if (out.size() + kCommandEnvelopeBytes > kMaxCommandBytes) {
    return InvalidArgument("the status update is larger than Discord's 4096-byte payload limit");
  }
  return out;
}

grpc::ServerUnaryReactor* GatewayService::UpdateVoiceState(
    Context* context, const gatewaypb::UpdateVoiceStateRequest* request,
    gatewaypb::UpdateVoiceStateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  GuildId guild(request->guild_id());
  if (guild.is_zero()) {
    reactor->Finish(Rejected(InvalidArgument("guild_id is required")));
    return reactor;
  }
  if (!resolved->filter.Accepts(guild)) {
    reactor->Finish(Rejected(PermissionDenied("worker group '" + resolved->filter.group->name +
                                              "' may not use guild " + guild.ToString())));
    return reactor;
  }
  Result<gateway::ShardRoute> route =
      internal::FindShardRoute(*resolved->routes, resolved->scope.bot, guild);
  if (!route.ok()) {
    reactor->Finish(Rejected(route.error()));
    return reactor;
  }
  internal::RunOnShard(
      *route, CallCompletion(reactor),
      [guild, channel = ChannelId(request->channel_id()), command = VoiceStateCommand(*request)](
          gateway::Shard& shard, const auto&, CallCompletion& done) {
        const cache::ShardCache& cache = shard.cache();
        if (cache.options().Has(cache::Kind::kGuilds) && !cache.HasGuild(guild)) {
          return done.Finish(Rejected(NotFound("the bot is not in guild " + guild.ToString())));
        }
        if (!channel.is_zero() && cache.options().Has(cache::Kind::kChannels) &&
            !cache.GetChannel(guild, channel, nullptr)) {
          return done.Finish(Rejected(
              NotFound("guild " + guild.ToString() + " has no channel " + channel.ToString())));
        }
        SendCommand(shard, 4, command, done);
      });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayService::UpdateStatus(
    Context* context, const gatewaypb::UpdateStatusRequest* request,
    gatewaypb::UpdateStatusResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  Result<std::string> command = StatusCommand(*request);
  if (!command.ok()) {
    reactor->Finish(Rejected(command.error()));
    return reactor;
  }
  if (request->has_shard_id()) {
    uint32_t shard_id = request->shard_id().value();
    if (shard_id >= resolved->bot->shard_count) {
      reactor->Finish(Rejected(InvalidArgument("shard_id " + std::to_string(shard_id) +
                                               " is not below the bot's shard count " +
                                               std::to_string(resolved->bot->shard_count))));
      return reactor;
    }
    auto it = resolved->bot->shards.find(shard_id);
    if (it == resolved->bot->shards.end()) {
      reactor->Finish(internal::UnavailableStatus("shard " + std::to_string(shard_id) + " of bot " +
                                                  resolved->scope.bot.ToString() +
                                                  " is not running here"));
      return reactor;
    }
    internal::RunOnShard(
        it->second, CallCompletion(reactor),
        [command = std::move(*command)](gateway::Shard& shard, const auto&, CallCompletion& done) {
          SendCommand(shard, 3, command, done);
        });
    return reactor;
  }
  // Every shard of the bot here.
  internal::RunOnEveryShard<uint8_t>(
      *resolved->bot, CallCompletion(reactor),
      [command = std::move(*command)](gateway::Shard& shard, uint8_t& sent) {
        sent = shard.session().SendCommand(3, command) ? 1 : 0;
      },
      [](std::vector<uint8_t>& sent, CallCompletion& done) {
        if (std::find(sent.begin(), sent.end(), 0) != sent.end()) {
          done.Finish(grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                   "a shard's gateway command queue is full; try again later"));
        }
      });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayService::FindUser(Context* context,
                                                   const gatewaypb::FindUserRequest* request,
                                                   gatewaypb::FindUserResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  UserId user(request->user_id());
  internal::RunOnEveryShard<std::optional<modelpb::UserData>>(
      *resolved->bot, CallCompletion(reactor),
      [user, bot = resolved->scope.bot, filter = resolved->filter](
          gateway::Shard& shard, std::optional<modelpb::UserData>& found) {
        if (!internal::GroupSeesUser(filter.group, shard.cache(), bot, user)) return;
        modelpb::UserData data;
        if (shard.cache().GetUser(user, &data)) found = std::move(data);
      },
      [response](std::vector<std::optional<modelpb::UserData>>& found, CallCompletion&) {
        for (auto& user : found) {
          if (user) {
            *response->mutable_user() = std::move(*user);
            return;
          }
        }
      });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayService::FindUserMutualGuilds(
    Context* context, const gatewaypb::GetUserMutualGuildsRequest* request,
    gatewaypb::GetUserMutualGuildsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  using Guilds = google::protobuf::RepeatedPtrField<modelpb::GuildData>;
  internal::RunOnEveryShard<Guilds>(
      *resolved->bot, CallCompletion(reactor),
      [user = UserId(request->user_id()), filter = resolved->filter](gateway::Shard& shard,
                                                                     Guilds& guilds) {
        shard.cache().MutualGuilds(user, &guilds);
        if (!filter.restricts()) return;
        auto rejected = std::remove_if(
            guilds.pointer_begin(), guilds.pointer_end(),
            [&](const modelpb::GuildData* guild) { return !filter.Accepts(GuildId(guild->id())); });
        guilds.DeleteSubrange(static_cast<int>(rejected - guilds.pointer_begin()),
                              static_cast<int>(guilds.pointer_end() - rejected));
      },
      [this, response](std::vector<Guilds>& per_shard, CallCompletion&) {
        Guilds* out = response->mutable_guilds();
        for (Guilds& guilds : per_shard) {
          for (modelpb::GuildData& guild : guilds) out->Add()->Swap(&guild);
        }
        std::sort(out->pointer_begin(), out->pointer_end(),
                  [](const modelpb::GuildData* a, const modelpb::GuildData* b) {
                    return a->id() < b->id();
                  });
        internal::FitResponse(out, options_.max_response_bytes);
      });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayService::FindEmoji(Context* context,
                                                    const gatewaypb::FindEmojiRequest* request,
                                                    gatewaypb::FindEmojiResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  internal::RunOnEveryShard<std::optional<modelpb::EmojiData>>(
      *resolved->bot, CallCompletion(reactor),
      [emoji = EmojiId(request->emoji_id()), filter = resolved->filter](
          gateway::Shard& shard, std::optional<modelpb::EmojiData>& found) {
        modelpb::EmojiData data;
        if (shard.cache().FindEmoji(emoji, &data) && filter.Accepts(GuildId(data.guild_id()))) {
          found = std::move(data);
        }
      },
      [response](std::vector<std::optional<modelpb::EmojiData>>& found, CallCompletion&) {
        for (auto& emoji : found) {
          if (emoji) {
            *response->mutable_emoji() = std::move(*emoji);
            return;
          }
        }
      });
  return reactor;
}

grpc::ServerUnaryReactor* GatewayService::GetStats(Context* context,
                                                   const gatewaypb::GetStatsRequest* request,
                                                   gatewaypb::GetStatsResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  auto resolved = Resolve(context, config_, host_, options_.allow_anonymous, reactor);
  if (!resolved) return reactor;
  uint32_t shards = static_cast<uint32_t>(resolved->bot->shards.size());
  internal::RunOnEveryShard<StatsSlot>(
      *resolved->bot, CallCompletion(reactor),
      [bot_user = UserId(resolved->scope.bot.value()), filter = resolved->filter](
          gateway::Shard& shard, StatsSlot& slot) {
        const cache::ShardCache& cache = shard.cache();
        for (GuildId guild : cache.Guilds()) {
          if (!filter.Accepts(guild)) continue;
          auto counts = cache.MemberCounts(guild);
          if (!counts) continue;
          ++slot.guilds;
          slot.members += counts->member_count;
          if (filter.restricts()) slot.users += counts->cached;
          if (cache.GetVoiceState(guild, bot_user, nullptr)) ++slot.connected;
        }
        // Distinct users across shards would need every shard's user set: the sum is reported.
        // Restricted to some guilds, it is the sum of their cached members.
        if (!filter.restricts()) slot.users = cache.counts().users;
      },
      [response, shards](std::vector<StatsSlot>& per_shard, CallCompletion&) {
        for (const StatsSlot& slot : per_shard) {
          response->set_guild_count(response->guild_count() + slot.guilds);
          response->set_member_count(response->member_count() + slot.members);
          response->set_user_count(response->user_count() + slot.users);
          response->set_connected_channels(response->connected_channels() + slot.connected);
        }
        response->set_shard_count(shards);
      });
  return reactor;
}

}  // namespace pylon::api
