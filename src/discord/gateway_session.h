// Copyright 2026 The Pylon Gateway Authors.
// GatewaySession: one Discord gateway shard connection, kept alive as Discord specifies
// (discord-protocol.md §1-§4):
//
//   permit (identify scheduler) -> connect -> HELLO -> IDENTIFY -> READY ... dispatches ...
//   heartbeats every interval (the first one jittered), ACKs timed for latency; no ACK between two
//   heartbeats = zombie: close (4000) and resume.
//   op 7 -> close (4000) and RESUME on resume_gateway_url. op 9 true -> resume; false -> a new
//   session after 1-5 s. Closes: 4004 and 4010-4014 stop the shard (status shows why); 4003,
//   4005, 4007, 4009 and a server 1000/1001 start a new session; anything else resumes.
//   Reconnects back off exponentially with full jitter, reset by READY / RESUMED.
//   Whenever it intends to resume it closes with a non-1000 code, so Discord keeps the session.
//
// Dispatches go to the GatewayEventHandler given at construction (the shard), after the session
// has taken what it needs (sequence, session id, resume URL). The session owns the websocket, the
// inflater and the parser. Commands (presence, voice, member requests) pass the 120-per-60 s
// limiter, which keeps slots for heartbeats; excess commands wait in a bounded queue.
//
// Lives on one reactor; every method must be called there.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "base/result.h"
#include "discord/command_limiter.h"
#include "discord/forwarding_handler.h"
#include "discord/identify_scheduler.h"
#include "discord/inflater.h"
#include "net/websocket.h"
#include "runtime/reactor.h"

namespace pylon::discord {

class GatewayParser;

struct SessionCheckpoint {
  std::string session_id;
  std::string resume_gateway_url;
  uint64_t sequence = 0;
  bool valid() const { return !session_id.empty() && !resume_gateway_url.empty(); }
};

struct SessionConfig {
  BotId bot;
  Secret token;
  uint64_t intents = 0;
  uint32_t shard_id = 0;
  uint32_t shard_count = 1;
  uint32_t large_threshold = 250;
  std::string gateway_url;  // from GET /gateway/bot, e.g. "wss://gateway.discord.gg"
  TransportCompression compression = TransportCompression::kZlibStream;
  net::TlsClientOptions tls;
  std::string presence_json;  // the IDENTIFY `presence` object, or empty
  std::string os = "linux";
  std::string browser = "pylon-gateway";
  std::string device = "pylon-gateway";
  Duration handshake_timeout = std::chrono::seconds(15);
  Duration backoff_min = std::chrono::seconds(1);
  Duration backoff_max = std::chrono::seconds(60);
  // How long a HELLO may take after connecting.
  Duration hello_timeout = std::chrono::seconds(20);
  size_t max_queued_commands = 1000;
  size_t max_message_bytes = 64u << 20;
};

enum class SessionState {
  kStopped,
  kWaitingToIdentify,
  kConnecting,
  kIdentifying,
  kResuming,
  kReady,
  kReconnecting,  // waiting out a backoff
  kFailed,        // stopped by a fatal close code; see last_error
};
std::string_view SessionStateName(SessionState state);

struct SessionStats {
  SessionState state = SessionState::kStopped;
  std::string last_error;
  uint64_t sequence = 0;
  std::string session_id;
  int64_t latency_ms = -1;  // last heartbeat round trip; -1 before the first ACK
  uint64_t connects = 0;
  uint64_t identifies = 0;
  uint64_t resumes = 0;
  uint64_t zombies = 0;
  uint64_t invalid_sessions = 0;
  uint64_t reconnect_requests = 0;
  uint64_t frames = 0;
  uint64_t malformed_frames = 0;
  uint64_t commands_sent = 0;
  uint64_t commands_dropped = 0;  // the command queue was full
  uint16_t last_close_code = 0;
  MonoTime state_since{};
};

class GatewaySession final : private ForwardingHandler {
 public:
  // `scheduler` and `handler` must outlive the session.
  GatewaySession(Reactor& reactor, const Clock& clock, SessionConfig config,
                 IdentifyScheduler& scheduler, GatewayEventHandler& handler);
  ~GatewaySession() override;
  GatewaySession(const GatewaySession&) = delete;
  GatewaySession& operator=(const GatewaySession&) = delete;

  // Starts connecting: resuming `resume_from` when it is valid, otherwise identifying.
  void Start(std::optional<SessionCheckpoint> resume_from = std::nullopt);
  // Stops. `keep_resumable`: close with 4000 so Discord keeps the session (migration, restart);
  // otherwise close with 1000 (Discord invalidates the session).
  void Stop(bool keep_resumable);

  // Queues a gateway command (op 3, 4, 8...) as `{"op":op,"d":d_json}`; it goes out as soon as the
  // limiter allows. False when the queue is full (counted) or the session is stopped.
  bool SendCommand(int op, std::string d_json);

  // Called when the state changes (for status and the shard host).
  void set_state_listener(std::function<void(SessionState)> listener) {
    state_listener_ = std::move(listener);
  }

  SessionState state() const { return stats_.state; }
  const SessionStats& stats() const { return stats_; }
  // What a restarted process (or another node) needs to RESUME this session.
  SessionCheckpoint checkpoint() const;
  bool ready() const { return stats_.state == SessionState::kReady; }

 private:
  // ForwardingHandler overrides: what the session itself needs from the frames.
  void OnHello(uint32_t interval_ms) override;
  void OnHeartbeatAck() override;
  void OnHeartbeatRequest() override;
  void OnReconnect() override;
  void OnInvalidSession(bool resumable) override;
  void OnSequence(uint64_t seq) override;
  void OnReady(ReadyEvent& event) override;
  void OnResumed() override;
  void OnMalformed(std::string_view name, const Error& error) override;

  void SetState(SessionState state);
  void RequestIdentify();
  void Connect(bool resume);
  void OnConnected(uint64_t generation, Result<net::WebSocketPtr> result);
  void OnFrame(uint64_t generation, std::string_view data);
  void OnSocketClosed(uint64_t generation, const net::CloseInfo& info);
  void SendHeartbeat();
  void SendIdentify();
  void SendResume();
  void SendRaw(std::string json);
  void DrainCommands();
  // Closes the current connection (if any) with `code` and reconnects: resuming or identifying.
  void Reconnect(uint16_t code, bool resume, Duration delay);
  void ScheduleReconnect(bool resume, Duration delay);
  void Fail(std::string reason);
  void DropSession();  // forget session id / sequence: the next connection identifies
  Duration NextBackoff();
  void CloseSocket(uint16_t code, std::string_view reason);

  Reactor& reactor_;
  const Clock& clock_;
  SessionConfig config_;
  IdentifyScheduler& scheduler_;
  std::function<void(SessionState)> state_listener_;

  std::unique_ptr<GatewayParser> parser_;
  std::unique_ptr<Inflater> inflater_;
  net::WebSocketPtr socket_;
  uint64_t generation_ = 0;  // of the current connection; callbacks of older ones are ignored
  // Expires with the session: a connection attempt or an identify grant still in flight when the
  // session is destroyed (its shard stopped meanwhile) finds it gone instead of touching freed
  // memory.
  std::shared_ptr<char> lifetime_ = std::make_shared<char>();
  bool stopped_ = true;
  bool resuming_ = false;  // the current connection resumes
  IdentifyPermit permit_;

  // Session.
  std::string session_id_;
  std::string resume_url_;
  uint64_t sequence_ = 0;

  // Heartbeats.
  Duration heartbeat_interval_{};
  bool awaiting_ack_ = false;
  MonoTime heartbeat_sent_{};
  Timer heartbeat_timer_;
  Timer hello_timer_;
  Timer reconnect_timer_;
  Timer command_timer_;

  CommandLimiter limiter_;
  std::deque<std::string> commands_;
  uint32_t backoff_attempt_ = 0;
  uint64_t jitter_state_;
  SessionStats stats_;
  LogEvery malformed_log_{1000};
};

}  // namespace pylon::discord
