// Copyright 2026 The Pylon Gateway Authors.
// PushDispatcher: legacy push dispatch (pylon-api-contract.md §3 "Legacy push model"). A worker
// group may name push targets (host:port, plaintext HTTP/2). For each one the server is the gRPC
// CLIENT of `/pylon.gateway.v1.service.GatewayDispatchStreaming/Event`: it streams EventEnvelopes
// and reads EventEnvelopeAck{seq} back.
//
// A push target is one more consumer of its group, attached to the Dispatcher exactly like a
// worker stream, with consumer id "push:<host:port>". So rendezvous hashing over the group's
// consumers, the in-flight window (max_in_flight), redelivery and the reconnect grace period all
// apply unchanged:
//
//   - a target is attached only once its channel is READY; when the call ends (target gone,
//     error) it is detached and keeps its place for the grace period, like a worker whose stream
//     ended. It is dialled again with exponential backoff (with jitter, capped); the new call
//     attaches with last_sequence = the highest sequence such that it and everything before it
//     were acknowledged, so what the target had not acknowledged is sent again, in order, with the
//     sequence numbers it had.
//   - EventEnvelopeAck.seq names one envelope by its header.seq (the published Java client acks
//     every envelope, in order, as it receives it). Acks are tracked per envelope; the dispatcher
//     is told the contiguous prefix (Dispatcher::Ack is cumulative), so an envelope the target did
//     not ack is never taken as acknowledged. Acks above the highest sequence sent on the call, or
//     from an earlier call, are ignored.
//   - The legacy protocol has no heartbeats. The dispatcher's heartbeat requests are answered by
//     this stream itself while the call is up (with the acknowledged prefix): a connected target
//     that stops acking is a slow consumer (backpressure at max_in_flight), not a dead one. A dead
//     connection is found by HTTP/2 keepalive and by the call failing.
//
// Threads: all state lives on the dispatcher's reactor. gRPC's callbacks post to it. Public
// methods may be called from any thread except where noted.

#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "control/control_plane.h"
#include "dispatch/dispatcher.h"

namespace pylon::api {

struct PushOptions {
  Duration initial_backoff = std::chrono::milliseconds(500);
  Duration max_backoff = std::chrono::seconds(30);
  double backoff_multiplier = 2.0;
  double jitter = 0.2;  // each delay is scaled by a uniform factor in [1 - jitter, 1 + jitter]
  Duration connect_timeout = std::chrono::seconds(5);  // channel READY within this, or a failure
  Duration connect_poll = std::chrono::milliseconds(20);
  // HTTP/2 keepalive pings on the target connection. grpc-java servers refuse pings more often
  // than every 5 minutes by default (permitKeepAliveTime), so do not go below that in production.
  Duration keepalive_time = std::chrono::minutes(5);
  Duration keepalive_timeout = std::chrono::seconds(20);
  // A heartbeat request from the dispatcher waits this long for a target ack to carry its answer;
  // then it is answered with the current acknowledged prefix (if the call is still up).
  Duration heartbeat_answer_delay = std::chrono::seconds(1);
  // A call the dispatcher closed gets this long to end after our half-close, then is cancelled.
  Duration close_timeout = std::chrono::seconds(5);
};

// The delay before reconnect attempt number `failures` (1 = after the first failure):
// initial * multiplier^(failures-1), capped at max_backoff, then scaled by the jitter factor
// chosen by `random01` in [0, 1). Exposed for tests.
Duration PushBackoff(const PushOptions& options, uint32_t failures, double random01);

struct PushTargetStatusRow {
  std::string group;
  std::string address;
  bool connected = false;            // a call is up and attached to the dispatcher
  uint64_t last_acked_sequence = 0;  // the acknowledged prefix (consumer sequence numbers)
  std::string last_error;            // empty until something failed
  uint32_t failures = 0;             // consecutive failed attempts (0 once the target acks)
  uint64_t connects = 0;             // calls attached so far
};

class PushDispatcher {
 public:
  // `dispatcher` must outlive this object; Stop() must run before the dispatcher shuts down.
  PushDispatcher(dispatch::Dispatcher& dispatcher, const Clock& clock, PushOptions options = {});
  ~PushDispatcher();  // Stop()s
  PushDispatcher(const PushDispatcher&) = delete;
  PushDispatcher& operator=(const PushDispatcher&) = delete;

  // Starts targets that appeared in the worker groups' push_targets and stops those that went
  // away (a group removed, or the target removed from it). Any thread.
  void UpdateConfig(std::shared_ptr<const control::ConfigSnapshot> config);

  // Ends every call (detaching its consumer) and waits until gRPC is done with them. Idempotent.
  // Blocks; not from the dispatcher's reactor.
  void Stop();

  // One row per (group, target). Blocks; not from the dispatcher's reactor.
  std::vector<PushTargetStatusRow> Status();

  static constexpr const char* kEventMethod =
      "/pylon.gateway.v1.service.GatewayDispatchStreaming/Event";

  struct Target;  // internal

 private:
  void Apply(std::shared_ptr<const control::ConfigSnapshot> config);

  dispatch::Dispatcher& dispatcher_;
  const Clock& clock_;
  PushOptions options_;
  struct Shared;
  std::shared_ptr<Shared> shared_;  // what calls and timers may reach after targets are gone
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Target>> targets_;  // reactor
  bool stopped_ = false;                                                            // reactor
};

}  // namespace pylon::api
