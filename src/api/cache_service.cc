// Copyright 2026 The Pylon Gateway Authors.

#include "api/cache_service.h"

#include <algorithm>
#include <utility>

#include "api/call_scope.h"
#include "api/shard_call.h"
#include "api/status.h"
#include "cache/shard_cache.h"
#include "runtime/reactor.h"

namespace pylon::api {

namespace cachepb = ::pylon::discord::v1::cache;
namespace modelpb = ::pylon::discord::v1::model;
using internal::CallCompletion;

// What a call is about, as the shard's reactor sees it.
struct CacheService::Target {
  BotId bot;
  GuildId guild;
  // Set when the call carried a worker-group token; `config` keeps the view alive.
  const control::WorkerGroupView* group = nullptr;
  std::shared_ptr<const control::ConfigSnapshot> config;
};

namespace {

std::optional<discord::OnlineStatus> StatusFilter(modelpb::PresenceData::OnlineStatus status) {
  switch (status) {
    case modelpb::PresenceData::ONLINE:
      return discord::OnlineStatus::kOnline;
    case modelpb::PresenceData::IDLE:
      return discord::OnlineStatus::kIdle;
    case modelpb::PresenceData::DND:
      return discord::OnlineStatus::kDnd;
    // Discord shows invisible users as offline: both match members with no presence.
    case modelpb::PresenceData::INVISIBLE:
    case modelpb::PresenceData::OFFLINE:
      return discord::OnlineStatus::kOffline;
    default:
      return std::nullopt;  // UNKNOWN (unset): no status filter
  }
}

// A member lookup that missed and waits for the chunker: answered once, from the chunker's
// callback or from the timer, whichever comes first; both run on the shard's reactor. The
// chunker's callback holds it (the chunker always calls or drops its callbacks, also when the
// shard is destroyed); the timer only refers to it.
struct MemberWait {
  MemberWait(Reactor& reactor, std::shared_ptr<gateway::ShardHandle> shard_handle, GuildId g,
             UserId u, cachepb::GetGuildMemberResponse* r, CallCompletion d)
      : handle(std::move(shard_handle)),
        guild(g),
        user(u),
        response(r),
        done(std::move(d)),
        timer(reactor) {}

  void Answer() {
    if (!done.pending()) return;
    timer.Cancel();
    gateway::Shard* shard = handle->shard;
    if (shard == nullptr) return done.Finish(internal::UnavailableStatus("the shard stopped"));
    if (!shard->cache().GetMember(guild, user, response->mutable_member())) {
      response->clear_member();
    }
    done.Finish(grpc::Status::OK);
  }

  std::shared_ptr<gateway::ShardHandle> handle;
  GuildId guild;
  UserId user;
  cachepb::GetGuildMemberResponse* response;
  CallCompletion done;
  Timer timer;
};

}  // namespace

CacheService::CacheService(gateway::ShardHost& host, ConfigSource config,
                           CacheServiceOptions options)
    : host_(host), config_(std::move(config)), options_(options) {}

CacheService::~CacheService() = default;

uint32_t CacheService::MemberLimit(uint32_t requested) const {
  if (requested == 0) return options_.default_member_limit;
  return std::min(requested, options_.max_member_limit);
}

template <typename Fill>
grpc::ServerUnaryReactor* CacheService::Serve(Context* context, Fill fill) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  ScopeRules rules;
  rules.needs_guild = true;
  rules.allow_anonymous = options_.allow_anonymous;
  std::shared_ptr<const control::ConfigSnapshot> config = config_();
  if (config == nullptr) {
    reactor->Finish(internal::UnavailableStatus("the configuration is not loaded yet"));
    return reactor;
  }
  Result<CallScope> scope = ResolveScope(context->client_metadata(), std::move(config), rules);
  if (!scope.ok()) {
    reactor->Finish(ToGrpcStatus(scope.error()));
    return reactor;
  }
  Result<gateway::ShardRoute> route =
      internal::FindShardRoute(*host_.Routes(), scope->bot, scope->guild);
  if (!route.ok()) {
    reactor->Finish(ToGrpcStatus(route.error()));
    return reactor;
  }
  Target target{scope->bot, scope->guild, scope->group, nullptr};
  if (target.group != nullptr) target.config = std::move(scope->config);
  internal::RunOnShard(
      *route, CallCompletion(reactor),
      [target = std::move(target), fill = std::move(fill)](
          gateway::Shard& shard, const std::shared_ptr<gateway::ShardHandle>& handle,
          CallCompletion& done) mutable { fill(shard, handle, target, done); });
  return reactor;
}

grpc::ServerUnaryReactor* CacheService::GetGuild(Context* context,
                                                 const cachepb::GetGuildRequest* request,
                                                 cachepb::GetGuildResponse* response) {
  return Serve(context, [response](gateway::Shard& shard, const auto&, const Target& target,
                                   CallCompletion&) {
    if (!shard.cache().GetGuild(target.guild, response->mutable_guild())) response->clear_guild();
  });
}

grpc::ServerUnaryReactor* CacheService::ListGuildChannels(
    Context* context, const cachepb::ListGuildChannelsRequest* request,
    cachepb::ListGuildChannelsResponse* response) {
  return Serve(context, [this, response](gateway::Shard& shard, const auto&, const Target& target,
                                         CallCompletion&) {
    shard.cache().ListChannels(target.guild, response->mutable_channels());
    internal::FitResponse(response->mutable_channels(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildChannel(
    Context* context, const cachepb::GetGuildChannelRequest* request,
    cachepb::GetGuildChannelResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    if (!shard.cache().GetChannel(target.guild, ChannelId(request->channel_id()),
                                  response->mutable_channel())) {
      response->clear_channel();
    }
  });
}

grpc::ServerUnaryReactor* CacheService::ListGuildMembers(
    Context* context, const cachepb::ListGuildMembersRequest* request,
    cachepb::ListGuildMembersResponse* response) {
  return Serve(context, [this, request, response](gateway::Shard& shard, const auto&,
                                                  const Target& target, CallCompletion&) {
    shard.cache().ListMembers(target.guild, UserId(request->after()), MemberLimit(request->limit()),
                              response->mutable_members());
    internal::FitResponse(response->mutable_members(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildMember(
    Context* context, const cachepb::GetGuildMemberRequest* request,
    cachepb::GetGuildMemberResponse* response) {
  return Serve(context, [this, request, response](
                            gateway::Shard& shard,
                            const std::shared_ptr<gateway::ShardHandle>& handle,
                            const Target& target, CallCompletion& done) {
    cache::ShardCache& cache = shard.cache();
    UserId user(request->user_id());
    if (cache.GetMember(target.guild, user, response->mutable_member())) return;
    response->clear_member();
    // On a miss, ask Discord when the policy says so and the answer could change anything: the
    // guild is cached, members are cached, and the cache does not already hold all of them.
    gateway::ChunkingPolicy policy = shard.chunker().policy();
    if (policy != gateway::ChunkingPolicy::kOnMiss &&
        policy != gateway::ChunkingPolicy::kAllOnConnect) {
      return;
    }
    if (user.is_zero() || options_.member_fetch_timeout <= Duration::zero() ||
        !cache.options().Has(cache::Kind::kMembers)) {
      return;
    }
    auto counts = cache.MemberCounts(target.guild);
    if (!counts || counts->cached >= counts->member_count) return;
    auto wait = std::make_shared<MemberWait>(shard.reactor(), handle, target.guild, user, response,
                                             std::move(done));
    bool asked =
        shard.chunker().RequestMembers(target.guild, {user}, [wait](bool) { wait->Answer(); });
    if (!asked) {  // refused (too many lookups waiting): answer the miss now
      done = std::move(wait->done);
      return;
    }
    wait->timer.RunAfter(options_.member_fetch_timeout, [weak = std::weak_ptr<MemberWait>(wait)] {
      if (auto w = weak.lock()) w->Answer();
    });
  });
}

grpc::ServerUnaryReactor* CacheService::FindGuildMembers(
    Context* context, const cachepb::FindGuildMembersRequest* request,
    cachepb::FindGuildMembersResponse* response) {
  return Serve(context, [this, request, response](gateway::Shard& shard, const auto&,
                                                  const Target& target, CallCompletion&) {
    cache::MemberQuery query;
    if (request->has_name()) query.name = request->name().value();
    if (request->has_prefix()) query.prefix = request->prefix().value();
    query.status = StatusFilter(request->status());
    if (request->has_role_id()) query.role = RoleId(request->role_id().value());
    query.limit = MemberLimit(request->limit());
    shard.cache().FindMembers(target.guild, query, response->mutable_members());
    internal::FitResponse(response->mutable_members(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildMemberPresence(
    Context* context, const cachepb::GetGuildMemberPresenceRequest* request,
    cachepb::GetGuildMemberPresenceResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    if (!shard.cache().GetPresence(target.guild, UserId(request->user_id()),
                                   response->mutable_presence())) {
      response->clear_presence();
    }
  });
}

grpc::ServerUnaryReactor* CacheService::ListGuildRoles(
    Context* context, const cachepb::ListGuildRolesRequest* request,
    cachepb::ListGuildRolesResponse* response) {
  return Serve(context, [this, response](gateway::Shard& shard, const auto&, const Target& target,
                                         CallCompletion&) {
    shard.cache().ListRoles(target.guild, response->mutable_roles());
    internal::FitResponse(response->mutable_roles(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildRole(Context* context,
                                                     const cachepb::GetGuildRoleRequest* request,
                                                     cachepb::GetGuildRoleResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    if (!shard.cache().GetRole(target.guild, RoleId(request->role_id()),
                               response->mutable_role())) {
      response->clear_role();
    }
  });
}

grpc::ServerUnaryReactor* CacheService::ListGuildEmojis(
    Context* context, const cachepb::ListGuildEmojisRequest* request,
    cachepb::ListGuildEmojisResponse* response) {
  return Serve(context, [this, response](gateway::Shard& shard, const auto&, const Target& target,
                                         CallCompletion&) {
    shard.cache().ListEmojis(target.guild, response->mutable_emojis());
    internal::FitResponse(response->mutable_emojis(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildEmoji(Context* context,
                                                      const cachepb::GetGuildEmojiRequest* request,
                                                      cachepb::GetGuildEmojiResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    if (!shard.cache().GetEmoji(target.guild, EmojiId(request->emoji_id()),
                                response->mutable_emoji())) {
      response->clear_emoji();
    }
  });
}

grpc::ServerUnaryReactor* CacheService::GetGuildMemberVoiceState(
    Context* context, const cachepb::GetGuildMemberVoiceStateRequest* request,
    cachepb::GetGuildMemberVoiceStateResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    if (!shard.cache().GetVoiceState(target.guild, UserId(request->user_id()),
                                     response->mutable_voice_state_data())) {
      response->clear_voice_state_data();
    }
  });
}

grpc::ServerUnaryReactor* CacheService::ListGuildChannelVoiceStates(
    Context* context, const cachepb::ListGuildChannelVoiceStatesRequest* request,
    cachepb::ListGuildChannelVoiceStatesResponse* response) {
  return Serve(context, [this, request, response](gateway::Shard& shard, const auto&,
                                                  const Target& target, CallCompletion&) {
    shard.cache().ListChannelVoiceStates(target.guild, ChannelId(request->channel_id()),
                                         response->mutable_voice_states_data());
    internal::FitResponse(response->mutable_voice_states_data(), options_.max_response_bytes);
  });
}

grpc::ServerUnaryReactor* CacheService::GetUser(Context* context,
                                                const cachepb::GetUserRequest* request,
                                                cachepb::GetUserResponse* response) {
  return Serve(context, [request, response](gateway::Shard& shard, const auto&,
                                            const Target& target, CallCompletion&) {
    UserId user(request->user_id());
    if (!internal::GroupSeesUser(target.group, shard.cache(), target.bot, user) ||
        !shard.cache().GetUser(user, response->mutable_user())) {
      response->clear_user();
    }
  });
}

}  // namespace pylon::api
