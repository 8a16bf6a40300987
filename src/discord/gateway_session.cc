// Copyright 2026 The Pylon Gateway Authors.

#include "discord/gateway_session.h"

#include <algorithm>

#include "base/json_writer.h"
#include "discord/json_parser.h"

namespace pylon::discord {
namespace {

constexpr uint16_t kCloseResumable = 4000;  // we intend to resume: Discord keeps the session
constexpr uint16_t kCloseNormal = 1000;     // we are done: Discord invalidates the session

// Close codes after which the shard must stop (discord-protocol.md §3).
bool IsFatal(uint16_t code) { return code == 4004 || (code >= 4010 && code <= 4014); }

std::string_view FatalReason(uint16_t code) {
  switch (code) {
    case 4004:
      return "authentication failed (4004): the token is invalid";
    case 4010:
      return "invalid shard (4010)";
    case 4011:
      return "sharding required (4011): too many guilds for the shard count";
    case 4012:
      return "invalid API version (4012)";
    case 4013:
      return "invalid intents (4013)";
    case 4014:
      return "disallowed intents (4014): a privileged intent is not enabled";
    default:
      return "fatal close";
  }
}

// After these the session cannot be resumed: identify anew.
bool EndsSession(uint16_t code) {
  return code == 4003 || code == 4005 || code == 4007 || code == 4009 || code == 1000 ||
         code == 1001;
}

uint64_t NextRandom(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double UnitRandom(uint64_t& state) {
  return static_cast<double>(NextRandom(state) >> 11) * 0x1.0p-53;
}

std::string WithQuery(const std::string& base, TransportCompression compression) {
  std::string url = base;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/?v=10&encoding=json";
  std::string_view compress = CompressionQueryValue(compression);
  if (!compress.empty()) {
    url += "&compress=";
    url += compress;
  }
  return url;
}

}  // namespace

std::string_view SessionStateName(SessionState state) {
  switch (state) {
    case SessionState::kStopped:
      return "stopped";
    case SessionState::kWaitingToIdentify:
      return "waiting_to_identify";
    case SessionState::kConnecting:
      return "connecting";
    case SessionState::kIdentifying:
      return "identifying";
    case SessionState::kResuming:
      return "resuming";
    case SessionState::kReady:
      return "ready";
    case SessionState::kReconnecting:
      return "reconnecting";
    case SessionState::kFailed:
      return "failed";
  }
  return "unknown";
}

GatewaySession::GatewaySession(Reactor& reactor, const Clock& clock, SessionConfig config,
                               IdentifyScheduler& scheduler, GatewayEventHandler& handler)
    : ForwardingHandler(&handler),
      reactor_(reactor),
      clock_(clock),
      config_(std::move(config)),
      scheduler_(scheduler),
      parser_(std::make_unique<GatewayParser>()),
      heartbeat_timer_(reactor),
      hello_timer_(reactor),
      reconnect_timer_(reactor),
      command_timer_(reactor),
      limiter_(clock),
      jitter_state_(config_.bot.value() * 31 + config_.shard_id + 0x51ed) {
  RegisterSecret(config_.token.reveal());
  stats_.state_since = clock_.Now();
}

GatewaySession::~GatewaySession() {
  stopped_ = true;
  if (socket_) {
    socket_->SetHandlers({});
    socket_->Drop();
  }
}

void GatewaySession::SetState(SessionState state) {
  if (stats_.state == state) return;
  stats_.state = state;
  stats_.state_since = clock_.Now();
  if (state_listener_) state_listener_(state);
}

SessionCheckpoint GatewaySession::checkpoint() const {
  return {session_id_, resume_url_, sequence_};
}

void GatewaySession::Start(std::optional<SessionCheckpoint> resume_from) {
  if (!stopped_) return;
  stopped_ = false;
  stats_.last_error.clear();
  backoff_attempt_ = 0;
  if (resume_from && resume_from->valid()) {
    session_id_ = resume_from->session_id;
    resume_url_ = resume_from->resume_gateway_url;
    sequence_ = resume_from->sequence;
    stats_.session_id = session_id_;  // READY, which sets them otherwise, does not come on resume
    stats_.sequence = sequence_;
    Connect(/*resume=*/true);
  } else {
    RequestIdentify();
  }
}

void GatewaySession::Stop(bool keep_resumable) {
  if (stopped_ && !socket_) return;
  stopped_ = true;
  ++generation_;
  scheduler_.Cancel(config_.shard_id);
  permit_ = IdentifyPermit();
  heartbeat_timer_.Cancel();
  hello_timer_.Cancel();
  reconnect_timer_.Cancel();
  command_timer_.Cancel();
  commands_.clear();
  CloseSocket(keep_resumable ? kCloseResumable : kCloseNormal, "shard stopped");
  if (!keep_resumable) DropSession();
  SetState(SessionState::kStopped);
}

void GatewaySession::RequestIdentify() {
  SetState(SessionState::kWaitingToIdentify);
  uint64_t generation = ++generation_;
  // Stop cancels the request, but a grant the scheduler posted before the cancel reached it may
  // still arrive, after the session was destroyed: hence the lifetime check.
  scheduler_.Request(
      config_.shard_id, reactor_,
      [this, generation, alive = std::weak_ptr<char>(lifetime_)](IdentifyPermit permit) {
        if (alive.expired()) return;                        // dropping the permit frees the bucket
        if (stopped_ || generation != generation_) return;  // likewise
        permit_ = std::move(permit);
        Connect(/*resume=*/false);
      });
}

void GatewaySession::Connect(bool resume) {
  resuming_ = resume;
  uint64_t generation = ++generation_;
  SetState(SessionState::kConnecting);
  ++stats_.connects;
  awaiting_ack_ = false;
  heartbeat_timer_.Cancel();
  limiter_.Reset();
  inflater_ = Inflater::Create(config_.compression, config_.max_message_bytes);
  net::WebSocketClientOptions options;
  options.url = WithQuery(resume && !resume_url_.empty() ? resume_url_ : config_.gateway_url,
                          config_.compression);
  options.tls = config_.tls;
  options.max_message_bytes = config_.max_message_bytes;
  options.handshake_timeout = config_.handshake_timeout;
  options.extra_headers.push_back({"User-Agent", "DiscordBot (https://pylon.bot, 0.1)"});
  net::WebSocket::Handlers handlers;
  handlers.on_message = [this, generation](std::string_view data, bool) {
    OnFrame(generation, data);
  };
  handlers.on_close = [this, generation](const net::CloseInfo& info) {
    OnSocketClosed(generation, info);
  };
  net::ConnectWebSocket(
      reactor_, std::move(options), std::move(handlers),
      [this, generation, alive = std::weak_ptr<char>(lifetime_)](Result<net::WebSocketPtr> result) {
        if (alive.expired()) {  // destroyed meanwhile: close the connection, touch nothing else
          if (result.ok()) {
            (*result)->SetHandlers({});
            (*result)->Close(kCloseResumable, "shard stopped");
          }
          return;
        }
        OnConnected(generation, std::move(result));
      });
}

void GatewaySession::OnConnected(uint64_t generation, Result<net::WebSocketPtr> result) {
  if (generation != generation_ || stopped_) {
    if (result.ok()) {
      (*result)->SetHandlers({});
      (*result)->Close(kCloseResumable, "superseded");
    }
    return;
  }
  if (!result.ok()) {
    stats_.last_error = "connect: " + result.error().message();
    log::Warn("bot {} shard {}: {}", config_.bot.value(), config_.shard_id, stats_.last_error);
    permit_ = IdentifyPermit();  // unsent: frees the bucket
    ScheduleReconnect(resuming_, NextBackoff());
    return;
  }
  socket_ = std::move(*result);
  SetState(resuming_ ? SessionState::kResuming : SessionState::kIdentifying);
  hello_timer_.RunAfter(config_.hello_timeout, [this, generation] {
    if (generation != generation_) return;
    stats_.last_error = "no HELLO in time";
    Reconnect(kCloseResumable, resuming_, NextBackoff());
  });
}

void GatewaySession::OnFrame(uint64_t generation, std::string_view data) {
  if (generation != generation_ || stopped_) return;
  ++stats_.frames;
  InflatedMessage message;
  auto ready = inflater_->Feed(data, &message);
  if (!ready.ok()) {
    // The compressed stream is broken; it cannot continue on this connection.
    ++stats_.malformed_frames;
    stats_.last_error = "transport: " + ready.error().message();
    log::Warn("bot {} shard {}: {}", config_.bot.value(), config_.shard_id, stats_.last_error);
    Reconnect(kCloseResumable, !session_id_.empty(), NextBackoff());
    return;
  }
  if (!*ready) return;
  // The parser reports into this session (ForwardingHandler), which passes events on.
  (void)parser_->Parse(message, *this);
}

void GatewaySession::OnSocketClosed(uint64_t generation, const net::CloseInfo& info) {
  if (generation != generation_) return;
  socket_.reset();
  heartbeat_timer_.Cancel();
  hello_timer_.Cancel();
  permit_ = IdentifyPermit();
  if (stopped_) return;
  stats_.last_close_code = info.code;
  if (info.clean && IsFatal(info.code)) {
    Fail(std::string(FatalReason(info.code)));
    return;
  }
  bool resume = !session_id_.empty() && !(info.clean && EndsSession(info.code));
  if (!resume) DropSession();
  stats_.last_error = info.clean ? "closed by Discord with " + std::to_string(info.code) +
                                       (info.reason.empty() ? "" : " (" + info.reason + ")")
                                 : "connection lost: " + info.error;
  log::Info("bot {} shard {}: {}; {}", config_.bot.value(), config_.shard_id, stats_.last_error,
            resume ? "resuming" : "identifying anew");
  ScheduleReconnect(resume, NextBackoff());
}

void GatewaySession::OnHello(uint32_t interval_ms) {
  hello_timer_.Cancel();
  heartbeat_interval_ = milliseconds(std::max<uint32_t>(interval_ms, 100));
  limiter_.SetHeartbeatInterval(heartbeat_interval_);
  // The first heartbeat after interval * jitter, jitter uniform in [0, 1).
  auto first =
      std::chrono::duration_cast<Duration>(heartbeat_interval_ * UnitRandom(jitter_state_));
  uint64_t generation = generation_;
  heartbeat_timer_.RunAfter(first, [this, generation] {
    if (generation == generation_) SendHeartbeat();
  });
  if (resuming_) {
    SendResume();
  } else {
    SendIdentify();
  }
  ForwardingHandler::OnHello(interval_ms);
}

void GatewaySession::SendHeartbeat() {
  if (!socket_) return;
  if (awaiting_ack_) {
    // No ACK since the last heartbeat: a zombie connection. Close resumably and resume.
    ++stats_.zombies;
    stats_.last_error = "zombie connection (no heartbeat ACK)";
    log::Warn("bot {} shard {}: {}", config_.bot.value(), config_.shard_id, stats_.last_error);
    Reconnect(kCloseResumable, !session_id_.empty(), Duration::zero());
    return;
  }
  limiter_.TryHeartbeat();  // heartbeats always go: the reserve exists for them
  std::string payload = "{\"op\":1,\"d\":";
  payload += sequence_ == 0 ? "null" : std::to_string(sequence_);
  payload += '}';
  SendRaw(std::move(payload));
  awaiting_ack_ = true;
  heartbeat_sent_ = clock_.Now();
  uint64_t generation = generation_;
  heartbeat_timer_.RunAfter(heartbeat_interval_, [this, generation] {
    if (generation == generation_) SendHeartbeat();
  });
}

void GatewaySession::OnHeartbeatAck() {
  if (awaiting_ack_) {
    stats_.latency_ms =
        std::chrono::duration_cast<milliseconds>(clock_.Now() - heartbeat_sent_).count();
  }
  awaiting_ack_ = false;
  ForwardingHandler::OnHeartbeatAck();
}

void GatewaySession::OnHeartbeatRequest() {
  // Discord asks for a heartbeat now; it does not replace the scheduled one.
  if (socket_) {
    limiter_.TryHeartbeat();
    std::string payload = "{\"op\":1,\"d\":";
    payload += sequence_ == 0 ? "null" : std::to_string(sequence_);
    payload += '}';
    SendRaw(std::move(payload));
  }
  ForwardingHandler::OnHeartbeatRequest();
}

void GatewaySession::SendIdentify() {
  std::string payload;
  JsonWriter w(&payload);
  w.BeginObject().Key("op").Int(2).Key("d").BeginObject();
  w.Key("token").String(config_.token.reveal());
  w.Key("intents").UInt(config_.intents);
  w.Key("properties")
      .BeginObject()
      .Key("os")
      .String(config_.os)
      .Key("browser")
      .String(config_.browser)
      .Key("device")
      .String(config_.device)
      .EndObject();
  w.Key("compress").Bool(false);
  w.Key("large_threshold").UInt(config_.large_threshold);
  w.Key("shard").BeginArray().UInt(config_.shard_id).UInt(config_.shard_count).EndArray();
  if (!config_.presence_json.empty()) w.Key("presence").Raw(config_.presence_json);
  w.EndObject().EndObject();
  SendRaw(std::move(payload));
  limiter_.TryCommand();
  permit_.MarkSent();
  ++stats_.identifies;
}

void GatewaySession::SendResume() {
  std::string payload;
  JsonWriter w(&payload);
  w.BeginObject().Key("op").Int(6).Key("d").BeginObject();
  w.Key("token").String(config_.token.reveal());
  w.Key("session_id").String(session_id_);
  w.Key("seq").UInt(sequence_);
  w.EndObject().EndObject();
  SendRaw(std::move(payload));
  limiter_.TryCommand();
}

void GatewaySession::SendRaw(std::string json) {
  if (socket_) socket_->Send(json, /*binary=*/false);
}

bool GatewaySession::SendCommand(int op, std::string d_json) {
  if (stopped_) return false;
  if (commands_.size() >= config_.max_queued_commands) {
    ++stats_.commands_dropped;
    return false;
  }
  std::string payload = "{\"op\":" + std::to_string(op) + ",\"d\":";
  payload += d_json;
  payload += '}';
  commands_.push_back(std::move(payload));
  DrainCommands();
  return true;
}

void GatewaySession::DrainCommands() {
  // Commands go out only on a ready connection; they wait across reconnects.
  if (!socket_ || stats_.state != SessionState::kReady) return;
  while (!commands_.empty()) {
    if (!limiter_.TryCommand()) {
      uint64_t generation = generation_;
      command_timer_.RunAfter(std::max(Duration::zero(), limiter_.NextCommandTime() - clock_.Now()),
                              [this, generation] {
                                if (generation == generation_) DrainCommands();
                              });
      return;
    }
    SendRaw(std::move(commands_.front()));
    commands_.pop_front();
    ++stats_.commands_sent;
  }
}

void GatewaySession::OnReconnect() {
  ++stats_.reconnect_requests;
  ForwardingHandler::OnReconnect();
  stats_.last_error = "Discord asked to reconnect (op 7)";
  Reconnect(kCloseResumable, !session_id_.empty(), Duration::zero());
}

void GatewaySession::OnInvalidSession(bool resumable) {
  ++stats_.invalid_sessions;
  ForwardingHandler::OnInvalidSession(resumable);
  if (resumable && !session_id_.empty()) {
    stats_.last_error = "invalid session (resumable)";
    Reconnect(kCloseResumable, true, Duration::zero());
    return;
  }
  stats_.last_error = "invalid session";
  DropSession();
  // Wait a random 1-5 s before identifying again (the older gateway documentation's advice).
  auto delay = std::chrono::duration_cast<Duration>(std::chrono::milliseconds(1000) +
                                                    std::chrono::milliseconds(4000) *
                                                        UnitRandom(jitter_state_));
  Reconnect(kCloseNormal, false, delay);
}

void GatewaySession::OnSequence(uint64_t seq) {
  // Discord's `s` only grows within a session; a replay never moves it back.
  if (seq > sequence_) sequence_ = seq;
  stats_.sequence = sequence_;
  ForwardingHandler::OnSequence(seq);
}

void GatewaySession::OnReady(ReadyEvent& event) {
  session_id_ = event.session_id;
  resume_url_ = event.resume_gateway_url;
  stats_.session_id = session_id_;
  backoff_attempt_ = 0;
  SetState(SessionState::kReady);
  ForwardingHandler::OnReady(event);
  DrainCommands();
}

void GatewaySession::OnResumed() {
  ++stats_.resumes;
  backoff_attempt_ = 0;
  SetState(SessionState::kReady);
  ForwardingHandler::OnResumed();
  DrainCommands();
}

void GatewaySession::OnMalformed(std::string_view name, const Error& error) {
  ++stats_.malformed_frames;
  if (malformed_log_.ShouldLog()) {
    log::Warn("bot {} shard {}: malformed {} ({} so far): {}", config_.bot.value(),
              config_.shard_id, name.empty() ? "frame" : name, stats_.malformed_frames,
              error.message());
  }
  ForwardingHandler::OnMalformed(name, error);
}

void GatewaySession::CloseSocket(uint16_t code, std::string_view reason) {
  if (!socket_) return;
  net::WebSocketPtr socket = std::move(socket_);
  socket->SetHandlers({});  // this connection's end is ours to handle, not its callbacks'
  socket->Close(code, reason);
}

void GatewaySession::Reconnect(uint16_t code, bool resume, Duration delay) {
  ++generation_;
  heartbeat_timer_.Cancel();
  hello_timer_.Cancel();
  awaiting_ack_ = false;
  permit_ = IdentifyPermit();
  CloseSocket(code, resume ? "resuming" : "reconnecting");
  if (!resume) DropSession();
  ScheduleReconnect(resume, delay);
}

void GatewaySession::ScheduleReconnect(bool resume, Duration delay) {
  if (stopped_) return;
  SetState(SessionState::kReconnecting);
  uint64_t generation = ++generation_;
  reconnect_timer_.RunAfter(delay, [this, generation, resume] {
    if (generation != generation_ || stopped_) return;
    if (resume && !session_id_.empty()) {
      Connect(true);
    } else {
      RequestIdentify();
    }
  });
}

void GatewaySession::Fail(std::string reason) {
  stats_.last_error = std::move(reason);
  log::Error("bot {} shard {} stopped: {}", config_.bot.value(), config_.shard_id,
             stats_.last_error);
  stopped_ = true;
  ++generation_;
  DropSession();
  commands_.clear();
  SetState(SessionState::kFailed);
}

void GatewaySession::DropSession() {
  session_id_.clear();
  resume_url_.clear();
  sequence_ = 0;
  stats_.sequence = 0;
  stats_.session_id.clear();
}

Duration GatewaySession::NextBackoff() {
  // Exponential with full jitter: uniform in [0, min(max, min_delay * 2^attempt)].
  double cap = std::min<double>(
      std::chrono::duration<double>(config_.backoff_max).count(),
      std::chrono::duration<double>(config_.backoff_min).count() *
          static_cast<double>(uint64_t{1} << std::min<uint32_t>(backoff_attempt_, 20)));
  ++backoff_attempt_;
  double delay = cap * UnitRandom(jitter_state_);
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(delay));
}

}  // namespace pylon::discord
