// Copyright 2026 The Pylon Gateway Authors.

#include "api/control_service.h"

#include <openssl/crypto.h>

#include "api/status.h"
#include "base/log.h"

namespace pylon::api {
namespace {

std::string_view View(const grpc::string_ref& ref) { return {ref.data(), ref.size()}; }

std::vector<std::string> Paths(const google::protobuf::FieldMask& mask) {
  return {mask.paths().begin(), mask.paths().end()};
}

LogEvery unauthenticated_log(100);

}  // namespace

ControlService::ControlService(control::ControlPlane& plane, ClusterStatusProvider* cluster,
                               const std::string& admin_token)
    : plane_(plane),
      cluster_(cluster),
      admin_digest_(admin_token.empty() ? std::string() : control::HashToken("", admin_token)) {
  RegisterSecret(admin_token);
}

Status ControlService::Authenticate(const grpc::CallbackServerContext& context) const {
  if (admin_digest_.empty()) return Unauthenticated("this server has no admin token configured");
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("authorization");
  if (it == metadata.end()) {
    return Unauthenticated("the Control API needs 'authorization: Bearer <admin token>'");
  }
  std::string_view value = View(it->second);
  if (!value.starts_with("Bearer ") && !value.starts_with("bearer ")) {
    return Unauthenticated("metadata 'authorization' must be 'Bearer <admin token>'");
  }
  std::string digest = control::HashToken("", value.substr(7));
  if (digest.size() != admin_digest_.size() ||
      CRYPTO_memcmp(digest.data(), admin_digest_.data(), digest.size()) != 0) {
    return Unauthenticated("wrong admin token");
  }
  return Ok();
}

template <typename Handler>
grpc::ServerUnaryReactor* ControlService::Serve(grpc::CallbackServerContext* context,
                                                std::string_view method, Handler&& handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  Status status = Authenticate(*context);
  if (!status.ok()) {
    if (unauthenticated_log.ShouldLog()) {
      log::Warn("control API: refused {} from {}: {}", method, context->peer(),
                status.error().message());
    }
  } else {
    status = handler();
  }
  if (status.ok()) {
    reactor->Finish(grpc::Status::OK);
  } else {
    // Messages are written never to hold a token; redact anyway, it costs nothing here.
    reactor->Finish(
        ToGrpcStatus(Error(status.error().code(), RedactSecrets(status.error().message()))));
  }
  return reactor;
}

Result<ClusterStatusProvider*> ControlService::Cluster() const {
  if (cluster_ == nullptr) return Unavailable("this server has no cluster status");
  return cluster_;
}

// ---- Bots ----

grpc::ServerUnaryReactor* ControlService::CreateBot(grpc::CallbackServerContext* context,
                                                    const cpb::CreateBotRequest* request,
                                                    cpb::CreateBotResponse* response) {
  return Serve(context, "CreateBot", [&]() -> Status {
    PYLON_ASSIGN_OR_RETURN(*response->mutable_bot(),
                           plane_.CreateBot(request->token(), request->spec()));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::GetBot(grpc::CallbackServerContext* context,
                                                 const cpb::GetBotRequest* request,
                                                 cpb::GetBotResponse* response) {
  return Serve(context, "GetBot", [&]() -> Status {
    if (request->bot_id() == 0) return InvalidArgument("bot_id is required");
    PYLON_ASSIGN_OR_RETURN(*response->mutable_bot(), plane_.GetBot(BotId(request->bot_id())));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::ListBots(grpc::CallbackServerContext* context,
                                                   const cpb::ListBotsRequest* request,
                                                   cpb::ListBotsResponse* response) {
  return Serve(context, "ListBots", [&]() -> Status {
    for (cpb::Bot& bot : plane_.ListBots()) *response->add_bots() = std::move(bot);
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::UpdateBot(grpc::CallbackServerContext* context,
                                                    const cpb::UpdateBotRequest* request,
                                                    cpb::UpdateBotResponse* response) {
  return Serve(context, "UpdateBot", [&]() -> Status {
    if (request->bot_id() == 0) return InvalidArgument("bot_id is required");
    PYLON_ASSIGN_OR_RETURN(*response->mutable_bot(),
                           plane_.UpdateBot(BotId(request->bot_id()), request->spec(),
                                            Paths(request->update_mask()), request->token()));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::DeleteBot(grpc::CallbackServerContext* context,
                                                    const cpb::DeleteBotRequest* request,
                                                    cpb::DeleteBotResponse* response) {
  return Serve(context, "DeleteBot", [&]() -> Status {
    if (request->bot_id() == 0) return InvalidArgument("bot_id is required");
    return plane_.DeleteBot(BotId(request->bot_id()));
  });
}

// ---- Worker groups ----

grpc::ServerUnaryReactor* ControlService::CreateWorkerGroup(
    grpc::CallbackServerContext* context, const cpb::CreateWorkerGroupRequest* request,
    cpb::CreateWorkerGroupResponse* response) {
  return Serve(context, "CreateWorkerGroup", [&]() -> Status {
    PYLON_ASSIGN_OR_RETURN(*response->mutable_worker_group(),
                           plane_.CreateWorkerGroup(request->name(), request->spec()));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::GetWorkerGroup(grpc::CallbackServerContext* context,
                                                         const cpb::GetWorkerGroupRequest* request,
                                                         cpb::GetWorkerGroupResponse* response) {
  return Serve(context, "GetWorkerGroup", [&]() -> Status {
    PYLON_ASSIGN_OR_RETURN(*response->mutable_worker_group(),
                           plane_.GetWorkerGroup(request->name()));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::ListWorkerGroups(
    grpc::CallbackServerContext* context, const cpb::ListWorkerGroupsRequest* request,
    cpb::ListWorkerGroupsResponse* response) {
  return Serve(context, "ListWorkerGroups", [&]() -> Status {
    for (cpb::WorkerGroup& group : plane_.ListWorkerGroups()) {
      *response->add_worker_groups() = std::move(group);
    }
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::UpdateWorkerGroup(
    grpc::CallbackServerContext* context, const cpb::UpdateWorkerGroupRequest* request,
    cpb::UpdateWorkerGroupResponse* response) {
  return Serve(context, "UpdateWorkerGroup", [&]() -> Status {
    PYLON_ASSIGN_OR_RETURN(
        *response->mutable_worker_group(),
        plane_.UpdateWorkerGroup(request->name(), request->spec(), Paths(request->update_mask())));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::DeleteWorkerGroup(
    grpc::CallbackServerContext* context, const cpb::DeleteWorkerGroupRequest* request,
    cpb::DeleteWorkerGroupResponse* response) {
  return Serve(context, "DeleteWorkerGroup",
               [&]() -> Status { return plane_.DeleteWorkerGroup(request->name()); });
}

grpc::ServerUnaryReactor* ControlService::IssueWorkerGroupToken(
    grpc::CallbackServerContext* context, const cpb::IssueWorkerGroupTokenRequest* request,
    cpb::IssueWorkerGroupTokenResponse* response) {
  return Serve(context, "IssueWorkerGroupToken", [&]() -> Status {
    PYLON_ASSIGN_OR_RETURN(auto issued,
                           plane_.IssueToken(request->worker_group(), request->description()));
    *response->mutable_token() = std::move(issued.first);
    response->set_secret(std::move(issued.second));
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::RevokeWorkerGroupToken(
    grpc::CallbackServerContext* context, const cpb::RevokeWorkerGroupTokenRequest* request,
    cpb::RevokeWorkerGroupTokenResponse* response) {
  return Serve(context, "RevokeWorkerGroupToken", [&]() -> Status {
    return plane_.RevokeToken(request->worker_group(), request->token_id());
  });
}

// ---- The cluster ----

grpc::ServerUnaryReactor* ControlService::GetClusterStatus(
    grpc::CallbackServerContext* context, const cpb::GetClusterStatusRequest* request,
    cpb::GetClusterStatusResponse* response) {
  return Serve(context, "GetClusterStatus", [&]() -> Status {
    BotId bot(request->bot_id());
    if (!bot.is_zero()) PYLON_RETURN_IF_ERROR(plane_.GetBot(bot));
    PYLON_ASSIGN_OR_RETURN(ClusterStatusProvider * cluster, Cluster());
    PYLON_ASSIGN_OR_RETURN(std::vector<cpb::NodeStatus> nodes, cluster->Nodes());
    PYLON_ASSIGN_OR_RETURN(std::vector<cpb::ShardStatus> shards, cluster->Shards(bot));
    PYLON_ASSIGN_OR_RETURN(std::vector<cpb::WorkerGroupStatus> groups, cluster->WorkerGroups(bot));
    for (auto& node : nodes) *response->add_nodes() = std::move(node);
    for (auto& shard : shards) *response->add_shards() = std::move(shard);
    for (auto& group : groups) *response->add_worker_groups() = std::move(group);
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::DrainNode(grpc::CallbackServerContext* context,
                                                    const cpb::DrainNodeRequest* request,
                                                    cpb::DrainNodeResponse* response) {
  return Serve(context, "DrainNode", [&]() -> Status {
    if (request->node_id().empty()) return InvalidArgument("node_id is required");
    PYLON_ASSIGN_OR_RETURN(ClusterStatusProvider * cluster, Cluster());
    PYLON_ASSIGN_OR_RETURN(uint32_t moving, cluster->DrainNode(request->node_id()));
    response->set_shards_moving(moving);
    log::Info("control API: draining node '{}', {} shard(s) moving", request->node_id(), moving);
    return Ok();
  });
}

grpc::ServerUnaryReactor* ControlService::MigrateShard(grpc::CallbackServerContext* context,
                                                       const cpb::MigrateShardRequest* request,
                                                       cpb::MigrateShardResponse* response) {
  return Serve(context, "MigrateShard", [&]() -> Status {
    if (request->bot_id() == 0) return InvalidArgument("bot_id is required");
    if (request->target_node().empty()) return InvalidArgument("target_node is required");
    BotId bot(request->bot_id());
    PYLON_ASSIGN_OR_RETURN(cpb::Bot record, plane_.GetBot(bot));
    if (request->shard_id() >= record.effective_shard_count()) {
      return InvalidArgument("bot " + bot.ToString() + " has " +
                             std::to_string(record.effective_shard_count()) +
                             " shard(s); there is no shard " + std::to_string(request->shard_id()));
    }
    PYLON_ASSIGN_OR_RETURN(ClusterStatusProvider * cluster, Cluster());
    PYLON_RETURN_IF_ERROR(
        cluster->MigrateShard(BotShard{bot, ShardId(request->shard_id())}, request->target_node()));
    log::Info("control API: moving shard {}/{} to node '{}'", bot.ToString(), request->shard_id(),
              request->target_node());
    return Ok();
  });
}

}  // namespace pylon::api
