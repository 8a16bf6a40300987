// Copyright 2026 The Pylon Gateway Authors.
// The simulated Discord gateway: websocket connections and the sessions behind them, as
// ../../../shared/docs/discord-protocol.md describes (§1-§4, §10). HELLO, IDENTIFY (token,
// intents, shard, properties checked), READY then one GUILD_CREATE per guild of the shard,
// heartbeats and their ACKs, RESUME from a bounded per-session replay buffer, op 3/4/8, op 7/9,
// every close code Discord uses, identify concurrency per max_concurrency bucket, the session
// start budget, the 120-per-60 s command limit, and zlib-stream / zstd-stream compression.
//
// Sessions outlive their connections: after a resumable disconnect a session keeps receiving
// (and buffering) dispatches for `session_timeout`, so a RESUME replays what was missed.
//
// Everything here lives on the simulator's single reactor, like the World it serves; nothing is
// thread-safe and nothing needs to be. Statistics and faults are reached through the admin API.

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/json_writer.h"
#include "net/http_server.h"
#include "net/websocket.h"
#include "runtime/reactor.h"
#include "sim/dispatch.h"
#include "sim/stream_compressor.h"
#include "sim/world.h"

namespace pylon::sim {

struct GatewayOptions {
  Duration heartbeat_interval = milliseconds(41250);
  // A connection that sends no heartbeat for heartbeat_interval * this is closed with 4000 (its
  // session stays resumable, as after any missed heartbeat).
  double heartbeat_timeout_factor = 1.5;
  // Dispatches kept per session for RESUME. Resuming from further back gets op 9 false.
  size_t replay_buffer_events = 5000;
  // How long a session stays resumable after a disconnect.
  Duration session_timeout = seconds(180);
  // Identify concurrency and the session start budget (GET /gateway/bot); per-bot overrides in
  // BotGatewaySettings.
  uint32_t max_concurrency = 1;
  uint32_t session_start_total = 1000;
  Duration session_start_reset = std::chrono::hours(24);
  Duration identify_interval = seconds(5);  // per max_concurrency bucket
  uint32_t max_guilds_per_shard = 2500;     // more: close 4011
  uint32_t guilds_per_recommended_shard = 1000;
  size_t max_payload_bytes = 4096;  // a larger client payload: close 4002
  uint32_t command_limit = 120;     // client payloads per command_window; more: close 4008
  Duration command_window = seconds(60);
  Duration all_members_interval = seconds(30);  // op 8 for all members, per guild per bot
  Duration reconnect_close_delay = seconds(3);  // op 7 fault: close (4000) this long after it
  int zlib_level = 6;                           // 0 stores (no compression), 1 fastest, 9 best
  // zlib-stream from FastDeflateStream (fixed Huffman, greedy matching: several times faster
  // than zlib, a lower ratio) so that load tests are never limited by the simulator.
  bool fast_zlib = false;
  int zstd_level = 3;
  // A connection whose unsent bytes exceed this is closed (4000, resumable): a client that cannot
  // keep up must not make the simulator grow without bound.
  size_t max_queued_bytes = 256u << 20;
};

// Per-bot gateway settings that differ from GatewayOptions' defaults.
struct BotGatewaySettings {
  uint32_t max_concurrency = 0;  // 0: GatewayOptions::max_concurrency
  uint32_t shard_multiple = 1;   // shard counts must be a multiple of this (else 4010)
  std::optional<uint32_t> recommended_shards;  // GET /gateway/bot `shards`; default from guilds
};

// A fault to inject into live connections.
struct GatewayFault {
  enum class Kind {
    kDrop,            // close TCP without a close frame
    kClose,           // close with `code`
    kReconnect,       // op 7, then close (4000) after reconnect_close_delay unless the client goes
    kInvalidSession,  // op 9 with d = `resumable`; the session is discarded unless resumable
    kStopAcks,        // stop acknowledging heartbeats (zombie connection)
    kResumeAcks,      // acknowledge heartbeats again
    kDelay,           // hold every frame back by `delay` (0 ends it)
    kMalformed,       // send a frame that is not valid JSON (compressed like any other frame)
    kRequestHeartbeat,  // op 1 from the server: the client must heartbeat at once
  };
  Kind kind = Kind::kDrop;
  uint16_t code = 4000;
  std::string reason;
  bool resumable = false;
  Duration delay{};
};

// Which connections a fault or query applies to. Zero/empty fields match everything.
struct SessionFilter {
  BotId bot;
  std::optional<uint32_t> shard;
  std::string session_id;
};

class GatewayServer final : public EventSink {
 public:
  GatewayServer(Reactor& reactor, World& world, const Clock& clock, GatewayOptions options);
  ~GatewayServer() override;
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  // The URLs the simulator advertises: `/gateway` and READY's resume_gateway_url. Resumes that
  // arrive on the gateway URL instead of the resume URL are counted (Discord disconnects such
  // clients more often). Set once the HTTP server knows its port.
  void SetUrls(std::string gateway_url, std::string resume_url);
  const std::string& gateway_url() const { return gateway_url_; }

  // For net::HttpServer's UpgradeHandler: every upgrade request is a gateway connection.
  void HandleUpgrade(const net::HttpRequest& request, net::UpgradeDecision decision);

  // EventSink: routes a World dispatch to every session that should get it.
  void Emit(const Dispatch& dispatch) override;

  // GET /gateway/bot for `bot` (JSON), and GET /gateway.
  std::string RenderGatewayBot(const Bot& bot);
  std::string RenderGateway() const;

  void SetBotSettings(BotId bot, BotGatewaySettings settings);
  // Resets the bot's session start budget (to `remaining`, or to the total), and un-resets a
  // token that ran out of budget.
  void ResetSessionBudget(BotId bot, std::optional<uint32_t> remaining);

  // Applies a fault to every connected session matching `filter`; returns how many it hit.
  int InjectFault(const SessionFilter& filter, const GatewayFault& fault);

  struct SessionSnapshot {
    std::string id;
    BotId bot;
    uint32_t shard = 0;
    uint32_t shard_count = 0;
    uint64_t seq = 0;
    bool connected = false;
  };
  std::vector<SessionSnapshot> Sessions(const SessionFilter& filter = {}) const;

  // Every IDENTIFY and RESUME received, oldest first (for tests; the admin API renders them).
  struct IdentifyRecord {
    int64_t unix_ms = 0;
    MonoTime at;
    BotId bot;
    uint32_t shard = 0;
    uint32_t shard_count = 0;
    uint32_t bucket = 0;
    std::string outcome;  // "ready", "invalid_session", "close 4004", ...
    std::string session_id;
  };
  struct ResumeRecord {
    int64_t unix_ms = 0;
    BotId bot;
    std::string session_id;
    uint64_t from_sequence = 0;
    uint64_t replayed = 0;
    bool via_resume_url = false;
    std::string outcome;  // "resumed", "invalid_session", "close 4007", ...
  };
  const std::vector<IdentifyRecord>& identifies() const { return identifies_; }
  const std::vector<ResumeRecord>& resumes() const { return resumes_; }

  // Statistics as JSON (the admin API): identifies, resumes, sessions with their sequence
  // numbers and counts, connections, commands received, close codes sent.
  std::string RenderIdentifiesJson() const;
  std::string RenderResumesJson() const;
  std::string RenderSessionsJson(const SessionFilter& filter) const;
  std::string RenderStatsJson() const;

  // Every dispatch sent to a session, as (sequence, event name), oldest first, when event
  // recording is on (tests), bounded by `limit` per session.
  void RecordEvents(bool on, size_t limit = 1'000'000);
  std::string RenderSessionEventsJson(const std::string& session_id) const;

  // Closes every connection (no close frame), drops every session. For shutdown.
  void CloseAll();

  // Queued bytes over all connections (the event pump waits while this is high).
  size_t queued_bytes() const;
  size_t connection_count() const { return connections_.size(); }
  size_t ready_session_count() const;
  uint64_t dispatches_sent() const { return stats_.dispatches_sent; }

 private:
  struct Connection;
  struct Session;
  struct BotState;
  struct Payload;  // a parsed client payload (gateway.cc)

  struct Stats {
    uint64_t connections_accepted = 0;
    uint64_t dispatches_sent = 0;
    uint64_t heartbeats = 0;
    uint64_t replay_overflows = 0;  // dispatches pushed out of a full replay buffer
    uint64_t slow_consumer_closes = 0;
    uint64_t resumes_elsewhere = 0;  // resumes not on the resume URL
    std::map<int, uint64_t> commands_by_op;
    std::map<int, uint64_t> closes_by_code;  // close codes the simulator sent
  };

  // Connection handling (gateway.cc).
  void OnMessage(uint64_t connection_id, std::string_view data);
  void OnClose(uint64_t connection_id, const net::CloseInfo& info);
  void OnHeartbeatTimeout(uint64_t connection_id);
  void HandleIdentify(Connection& c, const Payload& d);
  void HandleResume(Connection& c, const Payload& d);
  void HandleHeartbeat(Connection& c);
  void HandlePresenceUpdate(Connection& c, const Payload& d);
  void HandleVoiceStateUpdate(Connection& c, const Payload& d);
  void HandleRequestMembers(Connection& c, const Payload& d);
  void StartSession(Connection& c, const Bot& bot, const BotView& view, uint32_t shard,
                    uint32_t shard_count);

  // Sending.
  void SendFrame(Connection& c, std::string_view frame);
  void SendOp(Connection& c, int op, std::string_view d);
  void CloseConnection(Connection& c, uint16_t code, std::string_view reason);
  void Deliver(Session& s, std::string_view name, std::string_view payload);
  void FlushDelayed(uint64_t connection_id);

  // Sessions.
  void IndexSession(Session& s);
  void UnindexSession(Session& s);
  void DetachSession(Connection& c, bool invalidate);
  void DestroySession(const std::string& session_id);
  Session* FindSession(const std::string& session_id);
  BotState& StateOf(BotId bot);
  std::vector<GuildId> GuildsOfShard(const Bot& bot, uint32_t shard, uint32_t count) const;
  bool Matches(const Session& s, const SessionFilter& filter) const;
  uint32_t MaxConcurrency(const BotState& state) const;
  void RefreshBudget(BotState& state);

  Reactor& reactor_;
  World& world_;
  const Clock& clock_;
  GatewayOptions options_;
  std::string gateway_url_;
  std::string resume_url_;

  uint64_t next_connection_id_ = 1;
  std::unordered_map<uint64_t, std::unique_ptr<Connection>> connections_;
  std::unordered_map<std::string, std::unique_ptr<Session>> sessions_;
  // bot -> shard count -> shard id -> sessions (several sessions may share [id, count]).
  std::unordered_map<uint64_t, std::map<uint32_t, std::vector<std::vector<Session*>>>>
      session_index_;
  std::unordered_map<uint64_t, std::unique_ptr<BotState>> bots_;

  std::vector<IdentifyRecord> identifies_;
  std::vector<ResumeRecord> resumes_;
  Stats stats_;
  bool record_events_ = false;
  size_t record_limit_ = 0;
  Random random_{0x5eed5eed};
  std::string scratch_;     // payload variants without message content
  std::string compressed_;  // SendFrame's compressed frame, before the socket copies it
};

}  // namespace pylon::sim
