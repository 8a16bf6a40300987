// Copyright 2026 The Pylon Gateway Authors.
// BotRunner: the single node's operator. It keeps the ShardHost running exactly the bots the
// configuration names (all their shards, on this node): starts new bots, stops deleted or stopped
// ones, restarts a bot whose gateway settings changed (a new identify is needed for new intents or
// shard counts), and retries a bot that failed to start. Works on its own control reactor, where
// blocking on the store, Discord and the shard host is fine.

#pragma once

#include <map>
#include <memory>
#include <string>

#include "control/control_plane.h"
#include "gateway/shard_host.h"
#include "runtime/reactor.h"

namespace pylon::app {

// The gateway settings of a bot (BotSpec in the Control API) as the shard host takes them.
gateway::BotSpec ToShardSpec(const control::cpb::Bot& bot, Secret token);

class BotRunner {
 public:
  BotRunner(Reactor& control, gateway::ShardHost& shards, control::ControlPlane& control_plane);
  ~BotRunner();

  // The configuration changed. Any thread.
  void OnConfig(std::shared_ptr<const control::ConfigSnapshot> config);
  // Stops every bot, keeping Discord's sessions resumable. Blocks; not from the control reactor.
  void StopAll();

  struct BotState {
    bool running = false;
    std::string error;  // why the last start failed
  };
  std::map<uint64_t, BotState> States();  // blocks

 private:
  void Reconcile();

  Reactor& control_;
  gateway::ShardHost& shards_;
  control::ControlPlane& control_plane_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  std::map<uint64_t, std::string> running_;  // bot -> the serialized gateway settings it runs with
  std::map<uint64_t, BotState> states_;
  std::unique_ptr<Timer> retry_;
  bool stopped_ = false;
};

}  // namespace pylon::app
