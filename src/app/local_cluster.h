// Copyright 2026 The Pylon Gateway Authors.
// LocalCluster: the Control API's view of a single node (ClusterStatusProvider): this node, its
// shards as the shard host reports them, and the worker groups as the dispatcher reports them.
// A single node has nowhere to move shards: DrainNode and MigrateShard are refused.

#pragma once

#include <string>

#include "api/control_service.h"
#include "api/push_dispatcher.h"
#include "app/bot_runner.h"
#include "dispatch/dispatcher.h"
#include "gateway/shard_host.h"

namespace pylon::app {

class LocalCluster final : public api::ClusterStatusProvider {
 public:
  LocalCluster(std::string node_id, std::string address, gateway::ShardHost& shards,
               dispatch::Dispatcher& dispatcher, BotRunner& runner, const Clock& clock);

  Result<std::vector<api::cpb::NodeStatus>> Nodes() override;
  Result<std::vector<api::cpb::ShardStatus>> Shards(BotId bot) override;
  Result<std::vector<api::cpb::WorkerGroupStatus>> WorkerGroups(BotId bot) override;
  Result<uint32_t> DrainNode(const std::string& node_id) override;
  Status MigrateShard(BotShard shard, const std::string& target_node) override;
  // Push targets' status goes into their groups' WorkerGroupStatus. Optional; must outlive this.
  void set_push(api::PushDispatcher* push) { push_ = push; }

 private:
  std::string node_id_;
  std::string address_;
  gateway::ShardHost& shards_;
  dispatch::Dispatcher& dispatcher_;
  api::PushDispatcher* push_ = nullptr;
  BotRunner& runner_;
  const Clock& clock_;
  int64_t started_unix_ms_;
};

}  // namespace pylon::app
