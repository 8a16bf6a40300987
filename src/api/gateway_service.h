// Copyright 2026 The Pylon Gateway Authors.
// GatewayService: the public Gateway gRPC service (6 unary RPCs, pylon-api-contract.md §6).
// Calls carry only x-pylon-bot-id (and optionally a worker-group token).
//
//   UpdateVoiceState      op 4 through the shard owning body.guild_id (channel_id 0: disconnect)
//   UpdateStatus          op 3 through the shard `shard_id`, or every shard of the bot here
//   FindUser              the user from any shard's cache (first found)
//   FindUserMutualGuilds  every cached guild of the bot the user is a member of, by id
//   FindEmoji             the emoji from any of the bot's guilds
//   GetStats              guild_count, member_count (sum of the guilds' member_count), user_count
//                         (sum of per-shard user counts), connected_channels (guilds where the
//                         bot itself is in a voice channel), shard_count (shards running here)
//
// Bot-wide calls fan out to every shard of the bot running in this process at once (a post to
// each shard's reactor); the last shard to answer merges and finishes the call. If any of them is
// not ready the call is UNAVAILABLE (a partial answer would be silently wrong). With a worker-group
// token, results are limited to the guilds the group accepts (src/api/README.md).
//
// Thread-safety: as CacheService.

#pragma once

#include "api/cache_service.h"
#include "gateway/v1/gateway_service.grpc.pb.h"

namespace pylon::api {

struct GatewayServiceOptions {
  bool allow_anonymous = true;
  size_t max_response_bytes = kDefaultMaxResponseBytes;
};

class GatewayService final : public ::pylon::gateway::v1::service::Gateway::CallbackService {
 public:
  GatewayService(gateway::ShardHost& host, ConfigSource config, GatewayServiceOptions options = {});
  ~GatewayService() override;

  using ServerUnaryReactor = ::grpc::ServerUnaryReactor;
  using Context = ::grpc::CallbackServerContext;

  ServerUnaryReactor* UpdateVoiceState(
      Context* context, const discord::v1::gateway::UpdateVoiceStateRequest* request,
      discord::v1::gateway::UpdateVoiceStateResponse* response) override;
  ServerUnaryReactor* UpdateStatus(Context* context,
                                   const discord::v1::gateway::UpdateStatusRequest* request,
                                   discord::v1::gateway::UpdateStatusResponse* response) override;
  ServerUnaryReactor* FindUser(Context* context,
                               const discord::v1::gateway::FindUserRequest* request,
                               discord::v1::gateway::FindUserResponse* response) override;
  ServerUnaryReactor* FindUserMutualGuilds(
      Context* context, const discord::v1::gateway::GetUserMutualGuildsRequest* request,
      discord::v1::gateway::GetUserMutualGuildsResponse* response) override;
  ServerUnaryReactor* FindEmoji(Context* context,
                                const discord::v1::gateway::FindEmojiRequest* request,
                                discord::v1::gateway::FindEmojiResponse* response) override;
  ServerUnaryReactor* GetStats(Context* context,
                               const discord::v1::gateway::GetStatsRequest* request,
                               discord::v1::gateway::GetStatsResponse* response) override;

  // The op 3 `d` JSON of an UpdateStatusRequest (validated), and the op 4 `d` of an
  // UpdateVoiceStateRequest. Public for tests.
  static Result<std::string> StatusCommand(
      const discord::v1::gateway::UpdateStatusRequest& request);
  static std::string VoiceStateCommand(
      const discord::v1::gateway::UpdateVoiceStateRequest& request);

 private:
  gateway::ShardHost& host_;
  ConfigSource config_;
  GatewayServiceOptions options_;
};

}  // namespace pylon::api
