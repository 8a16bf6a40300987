// Copyright 2026 The Pylon Gateway Authors.
// Dispatcher: the dispatch role (architecture §4, §5; pylon-api-contract.md §3). It reads each
// shard's event log by cursor, one cursor per worker group, and hands every event a group wants to
// exactly one of the group's consumers, chosen by rendezvous hash of the guild id (guild 0: the
// event's routing key — a channel or user id, or the shard for READY/RESUMED), so a guild's events
// keep their order. Delivery is at least once:
//
//   - per consumer, every event gets the next sequence number; a heartbeat ack with sequence N
//     acknowledges everything up to N;
//   - a consumer may have at most max_in_flight events unacknowledged; when half of its window is
//     used the dispatcher asks for an ack at once (a heartbeat request), so throughput is not
//     bounded by the heartbeat interval;
//   - a consumer that drains is removed from the hash ring at once; its unacknowledged and queued
//     events go to the consumers that now own those guilds, then DRAIN_COMPLETE is sent;
//   - a consumer whose stream ends (or misses heartbeats) keeps its place for the grace period; if
//     it comes back with last_sequence it gets exactly what followed; if not, its events go to the
//     others;
//   - a group whose consumers cannot keep up stops reading: the shard's bounded log is the buffer,
//     and what it overwrites before the group read it is counted as dropped, never silently.
//
// Envelope bodies are shared, never re-encoded: a consumer's stream adds its own header.
//
// Everything runs on the dispatcher's reactor. Public methods may be called from any thread;
// they post to it.

#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "control/control_plane.h"
#include "gateway/event_log.h"
#include "gateway/shard_host.h"
#include "runtime/reactor.h"

namespace pylon::dispatch {

struct DispatchOptions {
  Duration heartbeat_interval = std::chrono::seconds(5);
  Duration heartbeat_timeout = std::chrono::seconds(15);
  Duration reconnect_grace = std::chrono::seconds(10);
  uint32_t default_max_in_flight = 1000;  // when the group spec does not say
  size_t max_queued_per_consumer = 4096;  // routed but not yet sent; above it the group waits
  size_t read_batch = 512;                // events read from a shard log at a time
  size_t batch_max_events = 256;          // per message, for batched streams
  size_t wake_slots = 4096;  // shards hash into this many wake flags (tests force collisions)
  // How often bots and shards that appeared or went are picked up, and each shard is told where
  // delivery stands (its checkpoint).
  Duration sync_interval = std::chrono::seconds(1);
};

enum class CloseReason { kHeartbeatTimeout = 1, kInvalidIdentity = 2, kDrainComplete = 3 };

// One event as a consumer's stream sends it.
struct OutboundEvent {
  uint64_t sequence = 0;  // the consumer's sequence number
  int64_t received_unix_us = 0;
  gateway::EnvelopeBytes body;  // EventEnvelope without its header, shared
};

// The transport side of a consumer, implemented by the API layer (a gRPC stream). Called on the
// dispatcher's reactor.
class ConsumerStream {
 public:
  virtual ~ConsumerStream() = default;
  // Sends events (one message each, or one batch message for batched streams). Returns false
  // when the stream cannot take more now; the stream then calls Dispatcher::OnWritable later.
  virtual bool SendEvents(std::span<const OutboundEvent> events) = 0;
  virtual void SendHeartbeatRequest(const std::string& nonce) = 0;
  // Sends stream_closed{reason} (when given), then ends the call with OK.
  virtual void Close(std::optional<CloseReason> reason) = 0;
  // Whether several events go in one message (our batched extension).
  virtual bool batched() const { return false; }
};

// What a consumer asks for when it identifies.
struct ConsumerRequest {
  std::string group;
  std::string consumer_id;
  uint64_t last_sequence = 0;  // the last sequence the worker received; 0: a fresh start
  // Narrowing (x-pylon-event-types, x-pylon-shard-key): empty = the group's filters only.
  std::set<std::string, std::less<>> event_types;
  std::optional<std::pair<BotId, std::pair<uint32_t, uint32_t>>> shard_key;  // bot, shard, count
};

struct ConsumerStatusRow {
  std::string group;
  std::string consumer_id;
  bool attached = false;
  bool draining = false;
  uint64_t last_sent = 0;
  uint64_t acked = 0;
  uint32_t in_flight = 0;
  uint32_t queued = 0;
  int64_t connected_unix_ms = 0;
};

struct GroupStatusRow {
  std::string name;
  uint64_t delivered = 0;  // events handed to a consumer stream
  uint64_t acked = 0;
  uint64_t redelivered = 0;
  uint64_t dropped = 0;    // overwritten in a shard log before the group read them
  uint64_t pending = 0;    // queued for consumers, not yet sent
  uint64_t log_reads = 0;  // reads of shard logs (a read finds up to read_batch events)
  std::vector<ConsumerStatusRow> consumers;
};

class Dispatcher {
 public:
  // `shards` must outlive the dispatcher; its event listener must call OnShardEvent.
  Dispatcher(Reactor& reactor, const Clock& clock, DispatchOptions options,
             gateway::ShardHost& shards);
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // The configuration changed (worker groups added, removed or edited). Any thread.
  void UpdateConfig(std::shared_ptr<const control::ConfigSnapshot> config);

  // Called on a shard's reactor for every event it logs (ShardHost's event listener): wakes the
  // dispatcher when it waits for that shard. One atomic operation per event.
  void OnShardEvent(gateway::Shard& shard, const gateway::LoggedEvent& event);

  // A consumer identified. `done` runs on the dispatcher's reactor with the router ticket to
  // send in identify_response, or an error (unknown group: INVALID_IDENTITY is the caller's to
  // send). Any thread.
  using ConsumerId = uint64_t;
  void Attach(ConsumerRequest request, std::shared_ptr<ConsumerStream> stream,
              UniqueFunction<void(Result<std::pair<ConsumerId, std::string>>)> done);
  void Ack(ConsumerId consumer, std::string nonce, uint64_t sequence);  // any thread
  void Drain(ConsumerId consumer);                                      // any thread
  // The stream ended (client gone, cancelled, error). Any thread. With `stream`, only when that
  // stream is still the consumer's: a worker that reconnected (or replaced a live stream) before
  // its old stream's end was seen must not lose its new stream to the old one's Detach.
  void Detach(ConsumerId consumer, const ConsumerStream* stream = nullptr);
  // A stream that refused events can take more. Any thread.
  void OnWritable(ConsumerId consumer);

  // Ends every consumer's call OK without stream_closed, which makes both published clients
  // reconnect, and stops reading. Blocks; not from the dispatcher's reactor.
  void Shutdown();

  std::vector<GroupStatusRow> Status();  // blocks; not from the dispatcher's reactor
  Reactor& reactor() { return reactor_; }
  const DispatchOptions& options() const { return options_; }

 private:
  struct Consumer;
  struct Group;
  struct Subscription;
  struct ShardWake;
  struct RoutedEvent;

  // All on the dispatcher's reactor.
  void ApplyConfig(std::shared_ptr<const control::ConfigSnapshot> config);
  void SyncSubscriptions();
  void Pull(Group& group, Subscription& sub);
  // `shard_gone`: the shard was stopped before the read ran (nothing read).
  void OnBatch(const std::string& group, BotShard shard, std::vector<gateway::LoggedEvent> events,
               uint64_t missed, uint64_t new_cursor, bool shard_gone);
  void Route(Group& group, RoutedEvent event);
  Consumer* Owner(Group& group, const RoutedEvent& event, const Consumer* excluding);
  void Pump(Consumer& consumer);
  void PumpGroup(Group& group);
  void Reroute(Group& group, Consumer& leaving);
  void StartHeartbeats(Consumer& consumer);
  void Heartbeat(ConsumerId id);
  void ExpireGrace(ConsumerId id);
  void RemoveConsumer(Group& group, ConsumerId id);
  bool GroupHasRoom(const Group& group) const;
  void WakePulls(Group& group);
  void MarkReadable(Group& group, Subscription& sub);
  // Delivery tracking (the committed sequence, architecture §5).
  void Delivered(Group& group, const RoutedEvent& routed);  // acknowledged, or dropped
  void PublishDelivered();  // each shard's lowest delivered log position, to the shard
  Consumer* FindConsumer(ConsumerId id);
  Group* FindGroup(std::string_view name);

  Reactor& reactor_;
  const Clock& clock_;
  DispatchOptions options_;
  gateway::ShardHost& shards_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  std::map<std::string, std::unique_ptr<Group>, std::less<>> groups_;
  std::unordered_map<ConsumerId, Group*> consumer_groups_;
  ConsumerId next_consumer_ = 1;
  std::shared_ptr<ShardWake> wake_;  // shared with shard reactors (see OnShardEvent)
  // Every group's subscriptions by wake slot, rebuilt by SyncSubscriptions.
  std::unordered_map<size_t, std::vector<std::pair<Group*, Subscription*>>> by_slot_;
  std::unordered_map<BotShard, std::optional<uint64_t>> published_;  // by PublishDelivered
  std::shared_ptr<std::function<void()>> sync_tick_;
  std::shared_ptr<Timer> sync_timer_;
  bool shutting_down_ = false;
};

}  // namespace pylon::dispatch
