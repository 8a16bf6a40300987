// Copyright 2026 The Pylon Gateway Authors.
// CacheService: the public GatewayCache gRPC service (14 unary RPCs, pylon-api-contract.md §4),
// answered from the cache of the shard of this process that owns the call's guild.
//
// Each call: ResolveScope (x-pylon-bot-id, x-pylon-guild-id, optional worker-group token), find
// the guild's shard in the ShardHost's routing table (lock-free), post to the shard's reactor,
// fill the response there from its ShardCache and finish the call from that thread. No gRPC thread
// ever reads shard state or waits. Errors: those of ResolveScope; UNAVAILABLE when the bot has no
// shard running here, that shard is not here, or it is not ready. An object the cache does not
// hold is OK with the response field unset.
//
// Limits (src/api/README.md): ListGuildMembers and FindGuildMembers take limit 0 as 100 and cap
// it at 1,000; every repeated response is cut (from its end) to stay under max_response_bytes,
// below the clients' 4 MiB inbound limit. GetGuildMember on a miss, with the member chunking
// policy on_miss or all_on_connect, asks the shard's chunker for the member and answers when
// Discord has (or after member_fetch_timeout), from the cache.
//
// Thread-safety: the handlers run on gRPC's threads; the object holds only immutable state after
// construction. It must outlive the grpc::Server it is registered with, and `host` must outlive it.

#pragma once

#include <cstddef>
#include <functional>
#include <memory>

#include "base/clock.h"
#include "control/control_plane.h"
#include "gateway/shard_host.h"
#include "gateway/v1/cache_service.grpc.pb.h"

namespace pylon::api {

// Where the services read the current configuration (ControlPlane::Snapshot in the server).
using ConfigSource = std::function<std::shared_ptr<const control::ConfigSnapshot>()>;

// The clients' default inbound message limit is 4 MiB; responses keep 16 KiB below it.
inline constexpr size_t kDefaultMaxResponseBytes = (4u << 20) - (16u << 10);

struct CacheServiceOptions {
  bool allow_anonymous = true;          // calls without a worker-group token are served
  uint32_t default_member_limit = 100;  // ListGuildMembers / FindGuildMembers with limit 0
  uint32_t max_member_limit = 1000;
  size_t max_response_bytes = kDefaultMaxResponseBytes;
  // GetGuildMember on a miss (chunking on_miss / all_on_connect): the longest wait for Discord's
  // answer before answering from the cache as it is. 0: never fetch.
  Duration member_fetch_timeout = std::chrono::seconds(2);
};

class CacheService final : public ::pylon::gateway::v1::service::GatewayCache::CallbackService {
 public:
  CacheService(gateway::ShardHost& host, ConfigSource config, CacheServiceOptions options = {});
  ~CacheService() override;

  using ServerUnaryReactor = ::grpc::ServerUnaryReactor;
  using Context = ::grpc::CallbackServerContext;

  ServerUnaryReactor* GetGuild(Context* context, const discord::v1::cache::GetGuildRequest* request,
                               discord::v1::cache::GetGuildResponse* response) override;
  ServerUnaryReactor* ListGuildChannels(
      Context* context, const discord::v1::cache::ListGuildChannelsRequest* request,
      discord::v1::cache::ListGuildChannelsResponse* response) override;
  ServerUnaryReactor* GetGuildChannel(
      Context* context, const discord::v1::cache::GetGuildChannelRequest* request,
      discord::v1::cache::GetGuildChannelResponse* response) override;
  ServerUnaryReactor* ListGuildMembers(
      Context* context, const discord::v1::cache::ListGuildMembersRequest* request,
      discord::v1::cache::ListGuildMembersResponse* response) override;
  ServerUnaryReactor* GetGuildMember(Context* context,
                                     const discord::v1::cache::GetGuildMemberRequest* request,
                                     discord::v1::cache::GetGuildMemberResponse* response) override;
  ServerUnaryReactor* FindGuildMembers(
      Context* context, const discord::v1::cache::FindGuildMembersRequest* request,
      discord::v1::cache::FindGuildMembersResponse* response) override;
  ServerUnaryReactor* GetGuildMemberPresence(
      Context* context, const discord::v1::cache::GetGuildMemberPresenceRequest* request,
      discord::v1::cache::GetGuildMemberPresenceResponse* response) override;
  ServerUnaryReactor* ListGuildRoles(Context* context,
                                     const discord::v1::cache::ListGuildRolesRequest* request,
                                     discord::v1::cache::ListGuildRolesResponse* response) override;
  ServerUnaryReactor* GetGuildRole(Context* context,
                                   const discord::v1::cache::GetGuildRoleRequest* request,
                                   discord::v1::cache::GetGuildRoleResponse* response) override;
  ServerUnaryReactor* ListGuildEmojis(
      Context* context, const discord::v1::cache::ListGuildEmojisRequest* request,
      discord::v1::cache::ListGuildEmojisResponse* response) override;
  ServerUnaryReactor* GetGuildEmoji(Context* context,
                                    const discord::v1::cache::GetGuildEmojiRequest* request,
                                    discord::v1::cache::GetGuildEmojiResponse* response) override;
  ServerUnaryReactor* GetGuildMemberVoiceState(
      Context* context, const discord::v1::cache::GetGuildMemberVoiceStateRequest* request,
      discord::v1::cache::GetGuildMemberVoiceStateResponse* response) override;
  ServerUnaryReactor* ListGuildChannelVoiceStates(
      Context* context, const discord::v1::cache::ListGuildChannelVoiceStatesRequest* request,
      discord::v1::cache::ListGuildChannelVoiceStatesResponse* response) override;
  ServerUnaryReactor* GetUser(Context* context, const discord::v1::cache::GetUserRequest* request,
                              discord::v1::cache::GetUserResponse* response) override;

 private:
  struct Target;
  // Resolves the call and runs fill(Shard&, const Target&, CallCompletion&) on the shard's
  // reactor (see internal::RunOnShard).
  template <typename Fill>
  ServerUnaryReactor* Serve(Context* context, Fill fill);

  uint32_t MemberLimit(uint32_t requested) const;

  gateway::ShardHost& host_;
  ConfigSource config_;
  CacheServiceOptions options_;
};

}  // namespace pylon::api
