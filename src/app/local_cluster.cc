// Copyright 2026 The Pylon Gateway Authors.

#include "app/local_cluster.h"

namespace pylon::app {
namespace {

api::cpb::ShardState ToShardState(discord::SessionState state) {
  switch (state) {
    case discord::SessionState::kStopped:
      return api::cpb::SHARD_STATE_STOPPED;
    case discord::SessionState::kWaitingToIdentify:
      return api::cpb::SHARD_STATE_WAITING_TO_IDENTIFY;
    case discord::SessionState::kConnecting:
      return api::cpb::SHARD_STATE_CONNECTING;
    case discord::SessionState::kIdentifying:
      return api::cpb::SHARD_STATE_IDENTIFYING;
    case discord::SessionState::kResuming:
      return api::cpb::SHARD_STATE_RESUMING;
    case discord::SessionState::kReady:
      return api::cpb::SHARD_STATE_READY;
    case discord::SessionState::kReconnecting:
      return api::cpb::SHARD_STATE_RECONNECTING;
    case discord::SessionState::kFailed:
      return api::cpb::SHARD_STATE_FAILED;
  }
  return api::cpb::SHARD_STATE_UNSPECIFIED;
}

void SetTimestamp(int64_t unix_ms, google::protobuf::Timestamp* out) {
  out->set_seconds(unix_ms / 1000);
  out->set_nanos(static_cast<int32_t>(unix_ms % 1000) * 1'000'000);
}

}  // namespace

LocalCluster::LocalCluster(std::string node_id, std::string address, gateway::ShardHost& shards,
                           dispatch::Dispatcher& dispatcher, BotRunner& runner, const Clock& clock)
    : node_id_(std::move(node_id)),
      address_(std::move(address)),
      shards_(shards),
      dispatcher_(dispatcher),
      runner_(runner),
      clock_(clock),
      started_unix_ms_(clock.UnixMs()) {}

Result<std::vector<api::cpb::NodeStatus>> LocalCluster::Nodes() {
  api::cpb::NodeStatus node;
  node.set_node_id(node_id_);
  node.set_address(address_);
  node.set_state(api::cpb::NODE_STATE_UP);
  for (const char* role : {"gateway", "dispatch", "router", "operator", "control"}) {
    node.add_roles(role);
  }
  SetTimestamp(clock_.UnixMs(), node.mutable_last_seen());
  node.set_shards(static_cast<uint32_t>(shards_.RunningShards()));
  return std::vector<api::cpb::NodeStatus>{node};
}

Result<std::vector<api::cpb::ShardStatus>> LocalCluster::Shards(BotId bot) {
  std::vector<api::cpb::ShardStatus> out;
  MonoTime now = clock_.Now();
  for (const auto& summary : shards_.Summaries()) {
    if (!bot.is_zero() && summary.id.bot != bot) continue;
    api::cpb::ShardStatus s;
    s.set_bot_id(summary.id.bot.value());
    s.set_shard_id(summary.id.shard.value());
    s.set_shard_count(summary.shard_count);
    s.set_state(ToShardState(summary.stats.session.state));
    s.set_owner_node(node_id_);
    s.set_sequence(summary.stats.session.sequence);
    s.set_committed_sequence(summary.stats.committed_sequence);
    s.set_latency_ms(summary.stats.session.latency_ms < 0
                         ? 0
                         : static_cast<uint32_t>(summary.stats.session.latency_ms));
    s.set_guilds(summary.stats.guilds);
    s.set_last_error(summary.stats.session.last_error);
    s.set_events_received(summary.stats.events_logged);
    s.set_events_dropped(summary.stats.events_overwritten);
    for (int kind = 0; kind < cache::kKindCount; ++kind) {
      auto* usage = s.add_cache();
      usage->set_kind(static_cast<api::cpb::CacheKind>(kind + 1));
      usage->set_objects(summary.stats.cache_usage[kind].objects);
      usage->set_bytes(summary.stats.cache_usage[kind].bytes);
    }
    int64_t since_ms =
        clock_.UnixMs() -
        std::chrono::duration_cast<milliseconds>(now - summary.stats.session.state_since).count();
    SetTimestamp(since_ms, s.mutable_state_since());
    out.push_back(std::move(s));
  }
  // Bots that could not start have no shards to show; say why on a placeholder row.
  for (const auto& [id, state] : runner_.States()) {
    if (state.running || state.error.empty() || (!bot.is_zero() && bot.value() != id)) continue;
    api::cpb::ShardStatus s;
    s.set_bot_id(id);
    s.set_state(api::cpb::SHARD_STATE_FAILED);
    s.set_owner_node(node_id_);
    s.set_last_error(state.error);
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<api::cpb::WorkerGroupStatus>> LocalCluster::WorkerGroups(BotId bot) {
  (void)bot;  // the dispatcher's status is per group; the Control API filters groups by bot
  std::vector<api::cpb::WorkerGroupStatus> out;
  std::vector<api::PushTargetStatusRow> push_rows;
  if (push_ != nullptr) push_rows = push_->Status();
  for (const auto& row : dispatcher_.Status()) {
    api::cpb::WorkerGroupStatus g;
    g.set_name(row.name);
    g.set_events_delivered(row.delivered);
    g.set_events_pending(row.pending);
    g.set_events_dropped(row.dropped);
    for (const auto& c : row.consumers) {
      auto* consumer = g.add_consumers();
      consumer->set_consumer_id(c.consumer_id);
      consumer->set_node_id(node_id_);
      if (c.connected_unix_ms != 0)
        SetTimestamp(c.connected_unix_ms, consumer->mutable_connected_at());
      consumer->set_last_sent_sequence(c.last_sent);
      consumer->set_acked_sequence(c.acked);
      consumer->set_in_flight(c.in_flight);
      consumer->set_draining(c.draining || !c.attached);
    }
    for (const auto& p : push_rows) {
      if (p.group != row.name) continue;
      auto* target = g.add_push_targets();
      target->set_address(p.address);
      target->set_connected(p.connected);
      target->set_last_acked_sequence(p.last_acked_sequence);
      target->set_last_error(p.last_error);
    }
    out.push_back(std::move(g));
  }
  return out;
}

Result<uint32_t> LocalCluster::DrainNode(const std::string& node_id) {
  (void)node_id;
  return FailedPrecondition("a single node has nowhere to move shards");
}

Status LocalCluster::MigrateShard(BotShard shard, const std::string& target_node) {
  (void)shard;
  (void)target_node;
  return FailedPrecondition("a single node has nowhere to move shards");
}

}  // namespace pylon::app
