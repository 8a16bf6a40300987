// Copyright 2026 The Pylon Gateway Authors.
// ControlService: pylon.gateway.v1.control.GatewayControl, the Control API (architecture §2, §9),
// on gRPC's callback API. A thin adapter: it checks the admin token, turns requests into
// ControlPlane calls (bots, worker groups, tokens) and ClusterStatusProvider calls (status,
// drain, migrate), and maps errors to gRPC status codes (api/status.h).
//
// Authentication: every call must carry `authorization: Bearer <admin token>`; anything else is
// UNAUTHENTICATED. The token is compared through SHA-256 digests with CRYPTO_memcmp, so the time
// taken says nothing about how much of it matched (nor its length).
//
// Threading: handlers run on gRPC's callback threads and call the ControlPlane directly, which
// blocks for one or two store round trips (microseconds with the embedded store) and, for
// CreateBot and a token rotation in UpdateBot, for the TokenChecker's requests to Discord (up to
// its timeout). That is acceptable for a control API that operators call a few times a minute;
// if it ever is not, those two calls move to a dedicated thread and finish the reactor from there.
// The object is immutable after construction and thread-safe.

#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "control/control_plane.h"
#include "gateway/v1/control_service.grpc.pb.h"

namespace pylon::api {

namespace cpb = ::pylon::gateway::v1::control;

// What the Control API needs from the data plane: the live state of nodes, shards and worker
// groups, and the two operator actions that move shards. Implemented by the server (in a cluster,
// by asking the operator and the other nodes). Called on gRPC callback threads: implementations
// must be thread-safe and answer promptly. Errors go to the caller as they are (e.g. a single
// node answers DrainNode and MigrateShard with FAILED_PRECONDITION "a single node has nowhere to
// move shards").
class ClusterStatusProvider {
 public:
  virtual ~ClusterStatusProvider() = default;

  virtual Result<std::vector<cpb::NodeStatus>> Nodes() = 0;
  // The shards of `bot`; every bot's when it is zero.
  virtual Result<std::vector<cpb::ShardStatus>> Shards(BotId bot) = 0;
  // Worker groups with their consumers and push targets; only groups that can receive `bot`'s
  // events when it is not zero.
  virtual Result<std::vector<cpb::WorkerGroupStatus>> WorkerGroups(BotId bot) = 0;
  // Starts moving every shard off `node_id` and keeps new ones away; returns how many are moving.
  virtual Result<uint32_t> DrainNode(const std::string& node_id) = 0;
  // Moves one shard (with a RESUME) to `target_node`. `shard.shard` is below the bot's shard count.
  virtual Status MigrateShard(BotShard shard, const std::string& target_node) = 0;
};

class ControlService final : public cpb::GatewayControl::CallbackService {
 public:
  // `plane` and `cluster` must outlive the service; `cluster` may be null (then the cluster calls
  // answer UNAVAILABLE). An empty `admin_token` refuses every call.
  ControlService(control::ControlPlane& plane, ClusterStatusProvider* cluster,
                 const std::string& admin_token);

  grpc::ServerUnaryReactor* CreateBot(grpc::CallbackServerContext* context,
                                      const cpb::CreateBotRequest* request,
                                      cpb::CreateBotResponse* response) override;
  grpc::ServerUnaryReactor* GetBot(grpc::CallbackServerContext* context,
                                   const cpb::GetBotRequest* request,
                                   cpb::GetBotResponse* response) override;
  grpc::ServerUnaryReactor* ListBots(grpc::CallbackServerContext* context,
                                     const cpb::ListBotsRequest* request,
                                     cpb::ListBotsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateBot(grpc::CallbackServerContext* context,
                                      const cpb::UpdateBotRequest* request,
                                      cpb::UpdateBotResponse* response) override;
  grpc::ServerUnaryReactor* DeleteBot(grpc::CallbackServerContext* context,
                                      const cpb::DeleteBotRequest* request,
                                      cpb::DeleteBotResponse* response) override;

  grpc::ServerUnaryReactor* CreateWorkerGroup(grpc::CallbackServerContext* context,
                                              const cpb::CreateWorkerGroupRequest* request,
                                              cpb::CreateWorkerGroupResponse* response) override;
  grpc::ServerUnaryReactor* GetWorkerGroup(grpc::CallbackServerContext* context,
                                           const cpb::GetWorkerGroupRequest* request,
                                           cpb::GetWorkerGroupResponse* response) override;
  grpc::ServerUnaryReactor* ListWorkerGroups(grpc::CallbackServerContext* context,
                                             const cpb::ListWorkerGroupsRequest* request,
                                             cpb::ListWorkerGroupsResponse* response) override;
  grpc::ServerUnaryReactor* UpdateWorkerGroup(grpc::CallbackServerContext* context,
                                              const cpb::UpdateWorkerGroupRequest* request,
                                              cpb::UpdateWorkerGroupResponse* response) override;
  grpc::ServerUnaryReactor* DeleteWorkerGroup(grpc::CallbackServerContext* context,
                                              const cpb::DeleteWorkerGroupRequest* request,
                                              cpb::DeleteWorkerGroupResponse* response) override;

  grpc::ServerUnaryReactor* IssueWorkerGroupToken(
      grpc::CallbackServerContext* context, const cpb::IssueWorkerGroupTokenRequest* request,
      cpb::IssueWorkerGroupTokenResponse* response) override;
  grpc::ServerUnaryReactor* RevokeWorkerGroupToken(
      grpc::CallbackServerContext* context, const cpb::RevokeWorkerGroupTokenRequest* request,
      cpb::RevokeWorkerGroupTokenResponse* response) override;

  grpc::ServerUnaryReactor* GetClusterStatus(grpc::CallbackServerContext* context,
                                             const cpb::GetClusterStatusRequest* request,
                                             cpb::GetClusterStatusResponse* response) override;
  grpc::ServerUnaryReactor* DrainNode(grpc::CallbackServerContext* context,
                                      const cpb::DrainNodeRequest* request,
                                      cpb::DrainNodeResponse* response) override;
  grpc::ServerUnaryReactor* MigrateShard(grpc::CallbackServerContext* context,
                                         const cpb::MigrateShardRequest* request,
                                         cpb::MigrateShardResponse* response) override;

 private:
  // Authenticates the call, runs `handler` (a Status-returning callable) and finishes the call.
  template <typename Handler>
  grpc::ServerUnaryReactor* Serve(grpc::CallbackServerContext* context, std::string_view method,
                                  Handler&& handler);
  Status Authenticate(const grpc::CallbackServerContext& context) const;
  Result<ClusterStatusProvider*> Cluster() const;

  control::ControlPlane& plane_;
  ClusterStatusProvider* const cluster_;
  const std::string admin_digest_;  // SHA-256 of the admin token; empty: no admin token
};

}  // namespace pylon::api
