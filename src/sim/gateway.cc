// Copyright 2026 The Pylon Gateway Authors.

#include "sim/gateway.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <tuple>

#include <simdjson.h>

#include "base/log.h"

namespace pylon::sim {
namespace {

namespace dom = simdjson::dom;

// Gateway opcodes (discord-protocol.md §2).
constexpr int kOpDispatch = 0;
constexpr int kOpHeartbeat = 1;
constexpr int kOpIdentify = 2;
constexpr int kOpPresenceUpdate = 3;
constexpr int kOpVoiceStateUpdate = 4;
constexpr int kOpResume = 6;
constexpr int kOpReconnect = 7;
constexpr int kOpRequestGuildMembers = 8;
constexpr int kOpInvalidSession = 9;
constexpr int kOpHello = 10;
constexpr int kOpHeartbeatAck = 11;
constexpr int kOpRequestSoundboardSounds = 31;
constexpr int kOpRequestChannelInfo = 43;

// Close codes (discord-protocol.md §3).
constexpr uint16_t kCloseUnknownError = 4000;
constexpr uint16_t kCloseUnknownOpcode = 4001;
constexpr uint16_t kCloseDecodeError = 4002;
constexpr uint16_t kCloseNotAuthenticated = 4003;
constexpr uint16_t kCloseAuthenticationFailed = 4004;
constexpr uint16_t kCloseAlreadyAuthenticated = 4005;
constexpr uint16_t kCloseInvalidSeq = 4007;
constexpr uint16_t kCloseRateLimited = 4008;
constexpr uint16_t kCloseInvalidShard = 4010;
constexpr uint16_t kCloseShardingRequired = 4011;
constexpr uint16_t kCloseInvalidApiVersion = 4012;
constexpr uint16_t kCloseInvalidIntents = 4013;
constexpr uint16_t kCloseDisallowedIntents = 4014;

// Codes after which the simulator forgets the session (the client must identify again). Any
// other close, and a dropped connection, leaves it resumable.
bool CloseInvalidatesSession(uint16_t code) {
  switch (code) {
    case 1000:
    case 1001:
    case kCloseNotAuthenticated:
    case kCloseAuthenticationFailed:
    case kCloseAlreadyAuthenticated:
    case kCloseInvalidSeq:
    case 4009:
    case kCloseInvalidShard:
    case kCloseShardingRequired:
    case kCloseInvalidApiVersion:
    case kCloseInvalidIntents:
    case kCloseDisallowedIntents:
      return true;
    default:
      return false;
  }
}

std::string_view QueryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
}

std::string HexId(Random& random) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(32, '0');
  uint64_t a = random.Next();
  uint64_t b = random.Next();
  for (int i = 0; i < 16; ++i) {
    out[i] = kHex[(a >> (i * 4)) & 15];
    out[16 + i] = kHex[(b >> (i * 4)) & 15];
  }
  return out;
}

bool IsString(dom::element e) { return e.type() == dom::element_type::STRING; }

std::optional<int64_t> AsInt(dom::element e) {
  int64_t value = 0;
  if (e.type() == dom::element_type::INT64 && e.get_int64().get(value) == simdjson::SUCCESS) {
    return value;
  }
  uint64_t u = 0;
  if (e.type() == dom::element_type::UINT64 && e.get_uint64().get(u) == simdjson::SUCCESS &&
      u <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(u);
  }
  return std::nullopt;
}

std::optional<dom::element> Field(dom::element object, std::string_view key) {
  dom::element out;
  if (object.type() != dom::element_type::OBJECT) return std::nullopt;
  if (object[key].get(out) != simdjson::SUCCESS) return std::nullopt;
  return out;
}

std::optional<std::string_view> StringField(dom::element object, std::string_view key) {
  auto field = Field(object, key);
  std::string_view out;
  if (!field || !IsString(*field) || field->get_string().get(out) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return out;
}

std::optional<bool> BoolField(dom::element object, std::string_view key) {
  auto field = Field(object, key);
  bool out = false;
  if (!field || field->type() != dom::element_type::BOOL ||
      field->get_bool().get(out) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  return out;
}

// A snowflake given as a JSON string or number.
std::optional<uint64_t> SnowflakeOf(dom::element e) {
  if (IsString(e)) {
    std::string_view text;
    if (e.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;
    auto parsed = Snowflake::Parse(text);
    if (!parsed.ok()) return std::nullopt;
    return parsed->value();
  }
  uint64_t u = 0;
  if (e.type() == dom::element_type::UINT64 && e.get_uint64().get(u) == simdjson::SUCCESS) {
    return u;
  }
  auto i = AsInt(e);
  if (i && *i >= 0) return static_cast<uint64_t>(*i);
  return std::nullopt;
}

bool StartsWithCaseInsensitive(std::string_view text, std::string_view prefix) {
  if (prefix.size() > text.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

// The JSON of one frame with a null `s` and `t` (every op but dispatch).
std::string OpFrame(int op, std::string_view d) {
  std::string frame = "{\"t\":null,\"s\":null,\"op\":";
  frame += std::to_string(op);
  frame += ",\"d\":";
  frame += d;
  frame += '}';
  return frame;
}

}  // namespace

// The `d` of a client payload, valid while the payload is handled.
struct GatewayServer::Payload {
  dom::element d;
};

// Dispatch frames of one session, kept for RESUME: a ring whose slots are reused, so a session
// that has warmed up allocates nothing per dispatch.
class ReplayRing {
 public:
  explicit ReplayRing(size_t capacity) : slots_(std::max<size_t>(capacity, 1)) {}

  // The slot for the dispatch with sequence `seq` (= last_seq() + 1). Returns true when the
  // oldest frame had to go.
  std::string& Push(uint64_t seq, bool* overflowed) {
    *overflowed = false;
    if (size_ == slots_.size()) {
      head_ = (head_ + 1) % slots_.size();
      ++first_seq_;
      --size_;
      *overflowed = true;
    }
    if (size_ == 0) first_seq_ = seq;
    std::string& slot = slots_[(head_ + size_) % slots_.size()];
    ++size_;
    slot.clear();
    return slot;
  }
  // Frames with sequence > `after`, oldest first. Precondition: CanReplayAfter(after).
  template <typename Fn>
  void ForEachAfter(uint64_t after, Fn fn) const {
    for (size_t i = 0; i < size_; ++i) {
      uint64_t seq = first_seq_ + i;
      if (seq > after) fn(slots_[(head_ + i) % slots_.size()]);
    }
  }
  // Whether every dispatch after `after` up to `last` is still held.
  bool CanReplayAfter(uint64_t after, uint64_t last) const {
    if (after >= last) return true;
    return size_ > 0 && first_seq_ <= after + 1;
  }
  size_t size() const { return size_; }

 private:
  std::vector<std::string> slots_;
  size_t head_ = 0;
  size_t size_ = 0;
  uint64_t first_seq_ = 0;
};

struct GatewayServer::Session {
  Session(Reactor& reactor, size_t replay) : replay(replay), expiry(reactor) {}
  std::string id;
  BotId bot;
  BotView view;
  uint32_t shard = 0;
  uint32_t shard_count = 1;
  uint64_t seq = 0;
  ReplayRing replay;
  Connection* connection = nullptr;
  Timer expiry;  // armed while disconnected
  int64_t created_unix_ms = 0;
  uint64_t dispatches = 0;
  uint64_t resumes = 0;
  std::vector<std::pair<uint64_t, std::string_view>> recorded;  // (seq, name) when recording
};

struct GatewayServer::Connection {
  explicit Connection(Reactor& reactor)
      : heartbeat_deadline(reactor), delay_timer(reactor), reconnect_timer(reactor) {}
  uint64_t id = 0;
  net::WebSocketPtr ws;
  Compression compression = Compression::kNone;
  std::unique_ptr<StreamCompressor> compressor;
  bool via_resume_url = false;
  Session* session = nullptr;
  bool closing = false;
  uint16_t sent_close_code = 0;
  bool ack_heartbeats = true;
  Duration delay{};
  std::deque<std::pair<MonoTime, std::string>> delayed;
  Timer heartbeat_deadline;
  Timer delay_timer;
  Timer reconnect_timer;
  std::deque<MonoTime> recent_payloads;  // for the command limit
  uint64_t payloads = 0;
  std::string out;  // compression scratch
};

struct GatewayServer::BotState {
  BotGatewaySettings settings;
  uint32_t remaining = 0;
  MonoTime reset_at;
  bool token_reset = false;  // the budget ran out: the token no longer works (4004)
  std::map<uint32_t, MonoTime> last_identify;     // by bucket
  std::map<uint64_t, MonoTime> last_all_members;  // by guild
};

GatewayServer::GatewayServer(Reactor& reactor, World& world, const Clock& clock,
                             GatewayOptions options)
    : reactor_(reactor), world_(world), clock_(clock), options_(std::move(options)) {
  world_.set_sink(this);
}

GatewayServer::~GatewayServer() {
  if (world_.sink() == this) world_.set_sink(nullptr);
  CloseAll();
}

void GatewayServer::SetUrls(std::string gateway_url, std::string resume_url) {
  gateway_url_ = std::move(gateway_url);
  resume_url_ = std::move(resume_url);
}

// ---------------------------------------------------------------------------------------------
// Connections

void GatewayServer::HandleUpgrade(const net::HttpRequest& request, net::UpgradeDecision decision) {
  std::string_view target = request.target;
  size_t question = target.find('?');
  std::string_view path = target.substr(0, question);
  std::string_view query =
      question == std::string_view::npos ? std::string_view() : target.substr(question + 1);
  bool via_resume = path == "/resume" || path == "/resume/";
  if (!via_resume && path != "/" && !path.empty()) {
    decision.Reject({404,
                     {{"Content-Type", "application/json"}},
                     R"({"message": "404: Not Found", "code": 0})"});
    return;
  }
  auto compression = ParseCompression(QueryParam(query, "compress"));
  if (!compression.ok()) {
    decision.Reject({400,
                     {{"Content-Type", "application/json"}},
                     R"({"message": "Invalid compression", "code": 0})"});
    return;
  }

  uint64_t id = next_connection_id_++;
  auto connection = std::make_unique<Connection>(reactor_);
  connection->id = id;
  connection->via_resume_url = via_resume;
  connection->compression = *compression;
  connection->compressor = StreamCompressor::Create(
      *compression,
      *compression == Compression::kZlibStream ? options_.zlib_level : options_.zstd_level,
      options_.fast_zlib);
  net::WebSocket::Handlers handlers;
  handlers.on_message = [this, id](std::string_view data, bool) { OnMessage(id, data); };
  handlers.on_close = [this, id](const net::CloseInfo& info) { OnClose(id, info); };
  connection->ws = decision.Accept(std::move(handlers));
  if (!connection->ws) return;
  Connection& c = *connection;
  connections_[id] = std::move(connection);
  ++stats_.connections_accepted;

  std::string_view version = QueryParam(query, "v");
  if (version != "10" && version != "9") {
    CloseConnection(c, kCloseInvalidApiVersion, "Invalid API version");
    return;
  }
  std::string_view encoding = QueryParam(query, "encoding");
  if (!encoding.empty() && encoding != "json") {
    // ETF is not simulated (discord-protocol.md §10 makes it optional).
    CloseConnection(c, kCloseDecodeError, "Only JSON encoding is supported");
    return;
  }
  std::string hello = "{\"heartbeat_interval\":";
  hello +=
      std::to_string(std::chrono::duration_cast<milliseconds>(options_.heartbeat_interval).count());
  hello += ",\"_trace\":[\"[\\\"pylon-discord-sim\\\",{\\\"micros\\\":0}]\"]}";
  SendOp(c, kOpHello, hello);
  auto timeout = std::chrono::duration_cast<Duration>(options_.heartbeat_interval *
                                                      options_.heartbeat_timeout_factor);
  c.heartbeat_deadline.RunAfter(timeout, [this, id] { OnHeartbeatTimeout(id); });
}

void GatewayServer::OnHeartbeatTimeout(uint64_t connection_id) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end() || it->second->closing) return;
  // A missed heartbeat closes the connection; the client has to resume.
  CloseConnection(*it->second, kCloseUnknownError, "Heartbeat timed out");
}

void GatewayServer::OnMessage(uint64_t connection_id, std::string_view data) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end() || it->second->closing) return;
  Connection& c = *it->second;
  ++c.payloads;

  MonoTime now = clock_.Now();
  c.recent_payloads.push_back(now);
  while (!c.recent_payloads.empty() && now - c.recent_payloads.front() >= options_.command_window) {
    c.recent_payloads.pop_front();
  }
  if (c.recent_payloads.size() > options_.command_limit) {
    CloseConnection(c, kCloseRateLimited, "You are being rate limited.");
    return;
  }
  if (data.size() > options_.max_payload_bytes) {
    CloseConnection(c, kCloseDecodeError, "Payload too large");
    return;
  }

  static thread_local dom::parser parser;
  dom::element root;
  if (parser.parse(data.data(), data.size()).get(root) != simdjson::SUCCESS ||
      root.type() != dom::element_type::OBJECT) {
    CloseConnection(c, kCloseDecodeError, "Error while decoding payload.");
    return;
  }
  auto op_field = Field(root, "op");
  std::optional<int64_t> op = op_field ? AsInt(*op_field) : std::nullopt;
  if (!op) {
    CloseConnection(c, kCloseDecodeError, "Error while decoding payload.");
    return;
  }
  ++stats_.commands_by_op[static_cast<int>(*op)];
  Payload payload;
  if (auto d = Field(root, "d")) payload.d = *d;

  switch (*op) {
    case kOpHeartbeat:
      HandleHeartbeat(c);
      return;
    case kOpIdentify:
      HandleIdentify(c, payload);
      return;
    case kOpResume:
      HandleResume(c, payload);
      return;
    case kOpPresenceUpdate:
    case kOpVoiceStateUpdate:
    case kOpRequestGuildMembers:
    case kOpRequestSoundboardSounds:
    case kOpRequestChannelInfo:
      break;
    default:
      CloseConnection(c, kCloseUnknownOpcode, "Unknown opcode.");
      return;
  }
  if (c.session == nullptr) {
    CloseConnection(c, kCloseNotAuthenticated, "Not authenticated.");
    return;
  }
  switch (*op) {
    case kOpPresenceUpdate:
      HandlePresenceUpdate(c, payload);
      return;
    case kOpVoiceStateUpdate:
      HandleVoiceStateUpdate(c, payload);
      return;
    case kOpRequestGuildMembers:
      HandleRequestMembers(c, payload);
      return;
    default:
      return;  // soundboard sounds and channel info: accepted, not simulated
  }
}

void GatewayServer::OnClose(uint64_t connection_id, const net::CloseInfo& info) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  if (c.session != nullptr) {
    bool client_ended_session =
        info.clean && c.sent_close_code == 0 && (info.code == 1000 || info.code == 1001);
    bool we_ended_session = c.sent_close_code != 0 && CloseInvalidatesSession(c.sent_close_code);
    DetachSession(c, client_ended_session || we_ended_session);
  }
  connections_.erase(it);
}

void GatewayServer::HandleHeartbeat(Connection& c) {
  ++stats_.heartbeats;
  if (c.ack_heartbeats) SendOp(c, kOpHeartbeatAck, "null");
  uint64_t id = c.id;
  auto timeout = std::chrono::duration_cast<Duration>(options_.heartbeat_interval *
                                                      options_.heartbeat_timeout_factor);
  c.heartbeat_deadline.RunAfter(timeout, [this, id] { OnHeartbeatTimeout(id); });
}

void GatewayServer::HandleIdentify(Connection& c, const Payload& payload) {
  IdentifyRecord record;
  record.unix_ms = clock_.UnixMs();
  record.at = clock_.Now();
  auto finish = [&](std::string outcome) {
    record.outcome = std::move(outcome);
    identifies_.push_back(record);
  };
  if (c.session != nullptr) {
    CloseConnection(c, kCloseAlreadyAuthenticated, "Already authenticated.");
    return finish("close 4005");
  }
  dom::element d = payload.d;
  auto token = StringField(d, "token");
  if (!token) {
    CloseConnection(c, kCloseDecodeError, "Invalid identify payload: token");
    return finish("close 4002");
  }
  std::string_view token_text = *token;
  if (token_text.starts_with("Bot ")) token_text.remove_prefix(4);
  const Bot* bot = world_.FindBotByToken(token_text);
  if (bot == nullptr || StateOf(BotId(bot->id.value())).token_reset) {
    CloseConnection(c, kCloseAuthenticationFailed, "Authentication failed.");
    return finish("close 4004");
  }
  record.bot = BotId(bot->id.value());
  BotState& state = StateOf(BotId(bot->id.value()));

  auto properties = Field(d, "properties");
  if (!properties || properties->type() != dom::element_type::OBJECT ||
      (!StringField(*properties, "os") && !StringField(*properties, "$os"))) {
    CloseConnection(c, kCloseDecodeError, "Invalid identify payload: properties");
    return finish("close 4002");
  }
  auto intents_field = Field(d, "intents");
  std::optional<int64_t> intents = intents_field ? AsInt(*intents_field) : std::nullopt;
  if (!intents || *intents < 0 || (static_cast<uint64_t>(*intents) & ~intent::kAllDefined) != 0) {
    CloseConnection(c, kCloseInvalidIntents, "Invalid intent(s).");
    return finish("close 4013");
  }
  uint64_t intent_bits = static_cast<uint64_t>(*intents);
  if ((intent_bits & intent::kPrivileged & ~bot->allowed_intents) != 0) {
    CloseConnection(c, kCloseDisallowedIntents, "Disallowed intent(s).");
    return finish("close 4014");
  }
  uint32_t large_threshold = 50;
  if (auto field = Field(d, "large_threshold")) {
    auto value = AsInt(*field);
    if (!value || *value < 50 || *value > 250) {
      CloseConnection(c, kCloseDecodeError, "Invalid identify payload: large_threshold");
      return finish("close 4002");
    }
    large_threshold = static_cast<uint32_t>(*value);
  }
  uint32_t shard = 0;
  uint32_t shard_count = 1;
  if (auto field = Field(d, "shard"); field && !field->is_null()) {
    dom::array pair;
    int64_t values[2] = {-1, -1};
    size_t n = 0;
    if (field->get_array().get(pair) == simdjson::SUCCESS) {
      for (dom::element e : pair) {
        if (n < 2) {
          auto v = AsInt(e);
          values[n] = v.value_or(-1);
        }
        ++n;
      }
    }
    uint32_t multiple = std::max<uint32_t>(1, state.settings.shard_multiple);
    if (n != 2 || values[0] < 0 || values[1] <= 0 || values[0] >= values[1] ||
        values[1] > 1'000'000 || values[1] % multiple != 0) {
      CloseConnection(c, kCloseInvalidShard, "Invalid shard.");
      return finish("close 4010");
    }
    shard = static_cast<uint32_t>(values[0]);
    shard_count = static_cast<uint32_t>(values[1]);
  }
  record.shard = shard;
  record.shard_count = shard_count;
  record.bucket = shard % MaxConcurrency(state);
  if (GuildsOfShard(*bot, shard, shard_count).size() > options_.max_guilds_per_shard) {
    CloseConnection(c, kCloseShardingRequired, "Sharding required.");
    return finish("close 4011");
  }

  MonoTime now = clock_.Now();
  auto last = state.last_identify.find(record.bucket);
  if (last != state.last_identify.end() && now - last->second < options_.identify_interval) {
    // Over the concurrency limit: Discord answers with op 9 and leaves the reconnect to the client.
    SendOp(c, kOpInvalidSession, "false");
    return finish("invalid_session");
  }
  RefreshBudget(state);
  if (state.remaining == 0) {
    // Discord resets the token of a bot that spends its whole budget and ends every session.
    state.token_reset = true;
    log::Warn("sim: bot {} spent its session start budget; its token is reset", bot->id.value());
    CloseConnection(c, kCloseAuthenticationFailed, "Authentication failed.");
    for (auto& [id, other] : connections_) {
      if (other->session != nullptr && other->session->bot == BotId(bot->id.value())) {
        CloseConnection(*other, kCloseAuthenticationFailed, "Authentication failed.");
      }
    }
    return finish("close 4004 (budget exhausted)");
  }
  --state.remaining;
  state.last_identify[record.bucket] = now;

  BotView view;
  view.intents = intent_bits;
  view.large_threshold = large_threshold;
  view.user = bot->id;
  StartSession(c, *bot, view, shard, shard_count);
  record.session_id = c.session->id;
  finish("ready");
}

void GatewayServer::StartSession(Connection& c, const Bot& bot, const BotView& view, uint32_t shard,
                                 uint32_t shard_count) {
  auto session = std::make_unique<Session>(reactor_, options_.replay_buffer_events);
  Session& s = *session;
  s.id = HexId(random_);
  s.bot = BotId(bot.id.value());
  s.view = view;
  s.shard = shard;
  s.shard_count = shard_count;
  s.created_unix_ms = clock_.UnixMs();
  s.connection = &c;
  c.session = &s;
  sessions_[s.id] = std::move(session);
  IndexSession(s);

  std::vector<GuildId> guilds = GuildsOfShard(bot, shard, shard_count);
  std::string ready;
  JsonWriter w(&ready);
  w.BeginObject();
  w.Key("v").Int(10);
  w.Key("user_settings").BeginObject().EndObject();
  w.Key("user");
  world_.WriteUser(w, world_.user(bot.user));
  w.Key("session_type").String("normal");
  w.Key("session_id").String(s.id);
  w.Key("resume_gateway_url").String(resume_url_);
  w.Key("relationships").BeginArray().EndArray();
  w.Key("private_channels").BeginArray().EndArray();
  w.Key("presences").BeginArray().EndArray();
  w.Key("guilds").BeginArray();
  for (GuildId guild : guilds) {
    w.BeginObject().Key("unavailable").Bool(true).Key("id").Id(guild).EndObject();
  }
  w.EndArray();
  w.Key("guild_join_requests").BeginArray().EndArray();
  w.Key("geo_ordered_rtc_regions").BeginArray().String("sim").EndArray();
  w.Key("shard").BeginArray().UInt(shard).UInt(shard_count).EndArray();
  w.Key("application").BeginObject().Key("id").Id(bot.application).Key("flags").Int(0).EndObject();
  w.Key("_trace").BeginArray().String("[\"pylon-discord-sim\",{\"micros\":0}]").EndArray();
  w.EndObject();
  Deliver(s, "READY", ready);
  // Then the guilds, lazily, as GUILD_CREATE (discord-protocol.md §5).
  for (GuildId id : guilds) {
    const Guild* guild = world_.FindGuild(id);
    if (guild == nullptr) continue;
    Deliver(s, "GUILD_CREATE", world_.RenderGuildCreate(*guild, view));
  }
}

void GatewayServer::HandleResume(Connection& c, const Payload& payload) {
  ResumeRecord record;
  record.unix_ms = clock_.UnixMs();
  record.via_resume_url = c.via_resume_url;
  auto finish = [&](std::string outcome) {
    record.outcome = std::move(outcome);
    resumes_.push_back(std::move(record));
  };
  if (c.session != nullptr) {
    CloseConnection(c, kCloseAlreadyAuthenticated, "Already authenticated.");
    return finish("close 4005");
  }
  dom::element d = payload.d;
  auto token = StringField(d, "token");
  auto session_id = StringField(d, "session_id");
  auto seq_field = Field(d, "seq");
  std::optional<int64_t> seq;
  if (seq_field && seq_field->is_null()) {
    seq = 0;
  } else if (seq_field) {
    seq = AsInt(*seq_field);
  }
  if (!token || !session_id || !seq || *seq < 0) {
    CloseConnection(c, kCloseDecodeError, "Invalid resume payload.");
    return finish("close 4002");
  }
  std::string_view token_text = *token;
  if (token_text.starts_with("Bot ")) token_text.remove_prefix(4);
  const Bot* bot = world_.FindBotByToken(token_text);
  if (bot == nullptr || StateOf(BotId(bot->id.value())).token_reset) {
    CloseConnection(c, kCloseAuthenticationFailed, "Authentication failed.");
    return finish("close 4004");
  }
  record.bot = BotId(bot->id.value());
  record.session_id = std::string(*session_id);
  record.from_sequence = static_cast<uint64_t>(*seq);
  if (!c.via_resume_url) ++stats_.resumes_elsewhere;

  Session* s = FindSession(record.session_id);
  if (s == nullptr || s->bot != BotId(bot->id.value())) {
    SendOp(c, kOpInvalidSession, "false");
    return finish("invalid_session (unknown session)");
  }
  uint64_t from = static_cast<uint64_t>(*seq);
  if (from > s->seq) {
    std::string id = s->id;
    CloseConnection(c, kCloseInvalidSeq, "Invalid seq.");
    if (s->connection != nullptr) DetachSession(*s->connection, false);
    DestroySession(id);
    return finish("close 4007");
  }
  if (!s->replay.CanReplayAfter(from, s->seq)) {
    std::string id = s->id;
    if (s->connection != nullptr) DetachSession(*s->connection, false);
    DestroySession(id);
    SendOp(c, kOpInvalidSession, "false");
    return finish("invalid_session (replay buffer exceeded)");
  }
  if (s->connection != nullptr) {
    // The session moves to the new connection; the old one is closed resumably.
    Connection& old = *s->connection;
    old.session = nullptr;
    s->connection = nullptr;
    CloseConnection(old, kCloseUnknownError, "Session resumed elsewhere.");
  }
  s->expiry.Cancel();
  s->connection = &c;
  c.session = s;
  ++s->resumes;
  uint64_t replayed = 0;
  s->replay.ForEachAfter(from, [&](const std::string& frame) {
    SendFrame(c, frame);
    ++replayed;
  });
  record.replayed = replayed;
  Deliver(*s, "RESUMED", "{\"_trace\":[\"[\\\"pylon-discord-sim\\\",{\\\"micros\\\":0}]\"]}");
  finish("resumed");
}

void GatewayServer::HandlePresenceUpdate(Connection& c, const Payload& payload) {
  dom::element d = payload.d;
  auto status = StringField(d, "status");
  Presence presence;
  if (!status) {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid presence update.");
    return;
  }
  if (*status == "online") {
    presence.status = PresenceStatus::kOnline;
  } else if (*status == "idle") {
    presence.status = PresenceStatus::kIdle;
  } else if (*status == "dnd") {
    presence.status = PresenceStatus::kDnd;
  } else if (*status == "invisible" || *status == "offline") {
    presence.status = PresenceStatus::kOffline;
  } else {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid presence update.");
    return;
  }
  presence.desktop = presence.status;
  if (auto activities = Field(d, "activities"); activities && !activities->is_null()) {
    dom::array list;
    if (activities->get_array().get(list) != simdjson::SUCCESS) {
      CloseConnection(c, kCloseUnknownOpcode, "Invalid presence update.");
      return;
    }
    for (dom::element a : list) {
      Activity activity;
      auto name = StringField(a, "name");
      auto type = Field(a, "type");
      std::optional<int64_t> type_value = type ? AsInt(*type) : std::nullopt;
      if (!name || !type_value || *type_value < 0 || *type_value > 5) {
        CloseConnection(c, kCloseUnknownOpcode, "Invalid activity.");
        return;
      }
      activity.name = std::string(*name);
      activity.type = static_cast<uint8_t>(*type_value);
      if (auto state = StringField(a, "state")) activity.state = std::string(*state);
      if (auto url = StringField(a, "url")) activity.url = std::string(*url);
      activity.created_ms = clock_.UnixMs();
      presence.activities.push_back(std::move(activity));
    }
  }
  Session& s = *c.session;
  const Bot* bot = world_.FindBot(UserId(s.bot.value()));
  if (bot == nullptr) return;
  for (GuildId guild : GuildsOfShard(*bot, s.shard, s.shard_count)) {
    (void)world_.UpdatePresence(guild, bot->id, presence);
  }
}

void GatewayServer::HandleVoiceStateUpdate(Connection& c, const Payload& payload) {
  dom::element d = payload.d;
  auto guild_field = Field(d, "guild_id");
  std::optional<uint64_t> guild_id = guild_field ? SnowflakeOf(*guild_field) : std::nullopt;
  if (!guild_id) {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid voice state update.");
    return;
  }
  Session& s = *c.session;
  GuildId guild(*guild_id);
  if (shard_for(guild, s.shard_count).value() != s.shard) return;  // not this shard's guild
  VoiceSpec spec;
  if (auto channel = Field(d, "channel_id"); channel && !channel->is_null()) {
    auto id = SnowflakeOf(*channel);
    if (!id) {
      CloseConnection(c, kCloseUnknownOpcode, "Invalid voice state update.");
      return;
    }
    spec.channel = ChannelId(*id);
  }
  spec.self_mute = BoolField(d, "self_mute").value_or(false);
  spec.self_deaf = BoolField(d, "self_deaf").value_or(false);
  UserId bot_user(s.bot.value());
  if (!world_.UpdateVoiceState(guild, bot_user, spec).ok()) return;
  if (spec.channel.is_zero()) return;
  std::string server;
  JsonWriter w(&server);
  w.BeginObject()
      .Key("token")
      .String(HexId(random_).substr(0, 16))
      .Key("guild_id")
      .Id(guild)
      .Key("endpoint")
      .String("sim-voice.invalid:443")
      .EndObject();
  Deliver(s, "VOICE_SERVER_UPDATE", server);
}

void GatewayServer::HandleRequestMembers(Connection& c, const Payload& payload) {
  dom::element d = payload.d;
  Session& s = *c.session;
  auto guild_field = Field(d, "guild_id");
  std::optional<uint64_t> guild_id = guild_field ? SnowflakeOf(*guild_field) : std::nullopt;
  if (!guild_id) {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid request guild members.");
    return;
  }
  GuildId guild_key(*guild_id);
  auto query = StringField(d, "query");
  auto user_ids_field = Field(d, "user_ids");
  if (!query && !user_ids_field) {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid request guild members: query or user_ids.");
    return;
  }
  int64_t limit = 0;
  if (auto field = Field(d, "limit")) limit = AsInt(*field).value_or(-1);
  if (limit < 0) {
    CloseConnection(c, kCloseUnknownOpcode, "Invalid request guild members: limit.");
    return;
  }
  bool want_presences =
      BoolField(d, "presences").value_or(false) && s.view.Has(intent::kGuildPresences);
  std::string nonce;
  if (auto n = StringField(d, "nonce"); n && n->size() <= 32) nonce = std::string(*n);

  const Guild* guild = world_.FindGuild(guild_key);
  if (guild == nullptr || shard_for(guild_key, s.shard_count).value() != s.shard ||
      std::find(guild->bots.begin(), guild->bots.end(), UserId(s.bot.value())) ==
          guild->bots.end()) {
    return;  // not a guild of this session: Discord sends nothing
  }

  bool all_members = query && query->empty() && limit == 0 && !user_ids_field;
  if (all_members) {
    if (!s.view.Has(intent::kGuildMembers)) {
      CloseConnection(c, kCloseDisallowedIntents, "Disallowed intent(s).");
      return;
    }
    BotState& state = StateOf(s.bot);
    MonoTime now = clock_.Now();
    auto last = state.last_all_members.find(guild_key.value());
    if (last != state.last_all_members.end() &&
        now - last->second < options_.all_members_interval) {
      double retry =
          std::chrono::duration<double>(options_.all_members_interval - (now - last->second))
              .count();
      std::string limited;
      JsonWriter w(&limited);
      w.BeginObject().Key("opcode").Int(kOpRequestGuildMembers).Key("retry_after").Double(retry);
      w.Key("meta").BeginObject().Key("guild_id").Id(guild_key);
      if (!nonce.empty()) w.Key("nonce").String(nonce);
      w.EndObject().EndObject();
      Deliver(s, "RATE_LIMITED", limited);
      return;
    }
    state.last_all_members[guild_key.value()] = now;
  }

  std::vector<const Member*> found;
  std::string not_found;  // JSON array body
  if (user_ids_field) {
    std::vector<dom::element> ids;
    if (user_ids_field->type() == dom::element_type::ARRAY) {
      dom::array list;
      if (user_ids_field->get_array().get(list) == simdjson::SUCCESS) {
        for (dom::element e : list) ids.push_back(e);
      }
    } else {
      ids.push_back(*user_ids_field);
    }
    if (ids.size() > 100) {
      CloseConnection(c, kCloseUnknownOpcode, "Invalid request guild members: too many user_ids.");
      return;
    }
    for (dom::element e : ids) {
      auto id = SnowflakeOf(e);
      const Member* member = id ? guild->FindMember(UserId(*id)) : nullptr;
      if (member != nullptr) {
        found.push_back(member);
      } else {
        if (!not_found.empty()) not_found += ',';
        // Ids come back in the JSON type they were sent in (discord-protocol.md §2).
        if (IsString(e) && id) {
          not_found += '"' + std::to_string(*id) + '"';
        } else if (id) {
          not_found += std::to_string(*id);
        }
      }
    }
  } else if (all_members) {
    for (const Member& member : guild->members) found.push_back(&member);
  } else {
    size_t cap = std::min<int64_t>(limit == 0 ? 100 : limit, 100);
    for (const Member& member : guild->members) {
      if (found.size() >= cap) break;
      const User& user = world_.user(member.user);
      if (StartsWithCaseInsensitive(user.username, *query) ||
          (!member.nick.empty() && StartsWithCaseInsensitive(member.nick, *query))) {
        found.push_back(&member);
      }
    }
  }

  constexpr size_t kChunk = 1000;
  size_t chunk_count = std::max<size_t>(1, (found.size() + kChunk - 1) / kChunk);
  std::string chunk;
  for (size_t index = 0; index < chunk_count; ++index) {
    chunk.clear();
    JsonWriter w(&chunk);
    w.BeginObject().Key("guild_id").Id(guild_key).Key("members").BeginArray();
    size_t begin = index * kChunk;
    size_t end = std::min(found.size(), begin + kChunk);
    for (size_t i = begin; i < end; ++i) world_.WriteMember(w, *found[i], true);
    w.EndArray();
    w.Key("chunk_index").UInt(index).Key("chunk_count").UInt(chunk_count);
    if (index == 0 && !not_found.empty()) w.Key("not_found").Raw("[" + not_found + "]");
    if (want_presences) {
      w.Key("presences").BeginArray();
      for (size_t i = begin; i < end; ++i) {
        if (found[i]->presence.status != PresenceStatus::kOffline) {
          world_.WritePresence(w, *guild, *found[i], false);
        }
      }
      w.EndArray();
    }
    if (!nonce.empty()) w.Key("nonce").String(nonce);
    w.EndObject();
    Deliver(s, "GUILD_MEMBERS_CHUNK", chunk);
  }
}

// ---------------------------------------------------------------------------------------------
// Sending

void GatewayServer::SendFrame(Connection& c, std::string_view frame) {
  if (c.closing) return;
  bool binary = c.compressor != nullptr;
  std::string_view out = frame;
  if (binary) {
    compressed_.clear();  // reused: its capacity stays
    Status status = c.compressor->Compress(frame, &compressed_);
    if (!status.ok()) {
      log::Error("sim: {}", status.error().ToString());
      c.ws->Drop();
      return;
    }
    out = compressed_;
  }
  if (c.delay > Duration::zero() || !c.delayed.empty()) {
    MonoTime due = clock_.Now() + c.delay;
    c.delayed.emplace_back(due, std::string(out));
    if (!c.delay_timer.pending()) {
      uint64_t id = c.id;
      c.delay_timer.RunAfter(std::max(Duration::zero(), c.delayed.front().first - clock_.Now()),
                             [this, id] { FlushDelayed(id); });
    }
    return;
  }
  c.ws->Send(out, binary);
  if (c.ws->queued_bytes() > options_.max_queued_bytes) {
    ++stats_.slow_consumer_closes;
    CloseConnection(c, kCloseUnknownError, "Client too slow.");
  }
}

void GatewayServer::FlushDelayed(uint64_t connection_id) {
  auto it = connections_.find(connection_id);
  if (it == connections_.end()) return;
  Connection& c = *it->second;
  MonoTime now = clock_.Now();
  bool binary = c.compressor != nullptr;
  while (!c.delayed.empty() && c.delayed.front().first <= now) {
    c.ws->Send(c.delayed.front().second, binary);
    c.delayed.pop_front();
  }
  if (!c.delayed.empty()) {
    c.delay_timer.RunAfter(c.delayed.front().first - now,
                           [this, connection_id] { FlushDelayed(connection_id); });
  }
}

void GatewayServer::SendOp(Connection& c, int op, std::string_view d) {
  SendFrame(c, OpFrame(op, d));
}

void GatewayServer::CloseConnection(Connection& c, uint16_t code, std::string_view reason) {
  if (c.closing) return;
  // Frames held back by a delay fault go out first, as they would on a slow link.
  bool binary = c.compressor != nullptr;
  for (const auto& [due, bytes] : c.delayed) c.ws->Send(bytes, binary);
  c.delayed.clear();
  c.closing = true;
  c.sent_close_code = code;
  ++stats_.closes_by_code[code];
  c.heartbeat_deadline.Cancel();
  c.ws->Close(code, reason);
}

void GatewayServer::Deliver(Session& s, std::string_view name, std::string_view payload) {
  ++s.seq;
  bool overflowed = false;
  std::string& frame = s.replay.Push(s.seq, &overflowed);
  if (overflowed) ++stats_.replay_overflows;
  frame.reserve(payload.size() + name.size() + 40);
  frame += "{\"t\":\"";
  frame += name;
  frame += "\",\"s\":";
  frame += std::to_string(s.seq);
  frame += ",\"op\":0,\"d\":";
  frame += payload;
  frame += '}';
  ++s.dispatches;
  ++stats_.dispatches_sent;
  if (record_events_ && s.recorded.size() < record_limit_) s.recorded.emplace_back(s.seq, name);
  if (s.connection != nullptr) SendFrame(*s.connection, frame);
}

void GatewayServer::Emit(const Dispatch& dispatch) {
  auto deliver_to_bot = [&](UserId bot_user, const Guild* guild) {
    auto bot_it = session_index_.find(bot_user.value());
    if (bot_it == session_index_.end()) return;
    for (auto& [count, shards] : bot_it->second) {
      uint32_t shard = shard_for(dispatch.guild, count).value();
      if (shard >= shards.size()) continue;
      for (Session* s : shards[shard]) {
        if (!dispatch.IntentAllows(s->view)) continue;
        if (guild != nullptr && dispatch.only_for_user.is_zero() &&
            !world_.ShouldDeliver(dispatch, s->view)) {
          continue;
        }
        if (dispatch.per_bot_render) {
          if (guild != nullptr)
            Deliver(*s, dispatch.name, world_.RenderGuildCreate(*guild, s->view));
        } else {
          Deliver(*s, dispatch.name, dispatch.PayloadFor(s->view, &scratch_));
        }
      }
    }
  };
  if (dispatch.guild.is_zero()) {
    if (!dispatch.only_for_user.is_zero()) {
      deliver_to_bot(dispatch.only_for_user, nullptr);
    } else {
      for (const Bot& bot : world_.bots()) deliver_to_bot(bot.id, nullptr);
    }
    return;
  }
  const Guild* guild = world_.FindGuild(dispatch.guild);
  if (!dispatch.only_for_user.is_zero()) {
    deliver_to_bot(dispatch.only_for_user, guild);
    return;
  }
  if (guild == nullptr) return;
  for (UserId bot : guild->bots) deliver_to_bot(bot, guild);
}

// ---------------------------------------------------------------------------------------------
// Sessions

void GatewayServer::IndexSession(Session& s) {
  auto& shards = session_index_[s.bot.value()][s.shard_count];
  if (shards.size() < s.shard_count) shards.resize(s.shard_count);
  shards[s.shard].push_back(&s);
}

void GatewayServer::UnindexSession(Session& s) {
  auto bot_it = session_index_.find(s.bot.value());
  if (bot_it == session_index_.end()) return;
  auto count_it = bot_it->second.find(s.shard_count);
  if (count_it == bot_it->second.end()) return;
  auto& list = count_it->second[s.shard];
  list.erase(std::remove(list.begin(), list.end(), &s), list.end());
  bool empty = std::all_of(count_it->second.begin(), count_it->second.end(),
                           [](const auto& sessions) { return sessions.empty(); });
  if (empty) bot_it->second.erase(count_it);
  if (bot_it->second.empty()) session_index_.erase(bot_it);
}

void GatewayServer::DetachSession(Connection& c, bool invalidate) {
  Session* s = c.session;
  if (s == nullptr) return;
  c.session = nullptr;
  s->connection = nullptr;
  if (invalidate) {
    DestroySession(s->id);
    return;
  }
  std::string id = s->id;
  s->expiry.RunAfter(options_.session_timeout, [this, id] { DestroySession(id); });
}

void GatewayServer::DestroySession(const std::string& session_id) {
  auto it = sessions_.find(session_id);
  if (it == sessions_.end()) return;
  Session& s = *it->second;
  if (s.connection != nullptr) s.connection->session = nullptr;
  UnindexSession(s);
  sessions_.erase(it);
}

GatewayServer::Session* GatewayServer::FindSession(const std::string& session_id) {
  auto it = sessions_.find(session_id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

GatewayServer::BotState& GatewayServer::StateOf(BotId bot) {
  auto& state = bots_[bot.value()];
  if (!state) {
    state = std::make_unique<BotState>();
    state->remaining = options_.session_start_total;
    state->reset_at = clock_.Now() + options_.session_start_reset;
  }
  return *state;
}

uint32_t GatewayServer::MaxConcurrency(const BotState& state) const {
  uint32_t value = state.settings.max_concurrency != 0 ? state.settings.max_concurrency
                                                       : options_.max_concurrency;
  return std::max<uint32_t>(1, value);
}

void GatewayServer::RefreshBudget(BotState& state) {
  MonoTime now = clock_.Now();
  if (now >= state.reset_at) {
    state.remaining = options_.session_start_total;
    state.reset_at = now + options_.session_start_reset;
  }
}

std::vector<GuildId> GatewayServer::GuildsOfShard(const Bot& bot, uint32_t shard,
                                                  uint32_t count) const {
  std::vector<GuildId> out;
  for (GuildId guild : bot.guilds) {
    if (shard_for(guild, count).value() == shard) out.push_back(guild);
  }
  return out;
}

bool GatewayServer::Matches(const Session& s, const SessionFilter& filter) const {
  if (!filter.bot.is_zero() && filter.bot != s.bot) return false;
  if (filter.shard && *filter.shard != s.shard) return false;
  if (!filter.session_id.empty() && filter.session_id != s.id) return false;
  return true;
}

void GatewayServer::SetBotSettings(BotId bot, BotGatewaySettings settings) {
  StateOf(bot).settings = std::move(settings);
}

void GatewayServer::ResetSessionBudget(BotId bot, std::optional<uint32_t> remaining) {
  BotState& state = StateOf(bot);
  state.remaining = remaining.value_or(options_.session_start_total);
  state.reset_at = clock_.Now() + options_.session_start_reset;
  state.token_reset = false;
  state.last_identify.clear();
}

// ---------------------------------------------------------------------------------------------
// Faults

int GatewayServer::InjectFault(const SessionFilter& filter, const GatewayFault& fault) {
  bool any_filter = !filter.bot.is_zero() || filter.shard || !filter.session_id.empty();
  std::vector<uint64_t> targets;
  for (auto& [id, c] : connections_) {
    if (c->closing) continue;
    if (c->session == nullptr ? any_filter : !Matches(*c->session, filter)) continue;
    targets.push_back(id);
  }
  for (uint64_t id : targets) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    Connection& c = *it->second;
    switch (fault.kind) {
      case GatewayFault::Kind::kDrop:
        c.closing = true;
        c.ws->Drop();
        break;
      case GatewayFault::Kind::kClose:
        CloseConnection(c, fault.code, fault.reason);
        break;
      case GatewayFault::Kind::kReconnect:
        SendOp(c, kOpReconnect, "null");
        c.reconnect_timer.RunAfter(options_.reconnect_close_delay, [this, id] {
          auto found = connections_.find(id);
          if (found != connections_.end()) {
            CloseConnection(*found->second, kCloseUnknownError, "Reconnect requested.");
          }
        });
        break;
      case GatewayFault::Kind::kInvalidSession:
        SendOp(c, kOpInvalidSession, fault.resumable ? "true" : "false");
        if (!fault.resumable) DetachSession(c, true);
        break;
      case GatewayFault::Kind::kStopAcks:
        c.ack_heartbeats = false;
        break;
      case GatewayFault::Kind::kResumeAcks:
        c.ack_heartbeats = true;
        break;
      case GatewayFault::Kind::kDelay:
        c.delay = fault.delay;
        break;
      case GatewayFault::Kind::kMalformed:
        SendFrame(c, "{\"t\":\"MESSAGE_CREATE\",\"s\":");
        break;
      case GatewayFault::Kind::kRequestHeartbeat:
        SendOp(c, kOpHeartbeat, "null");
        break;
    }
  }
  return static_cast<int>(targets.size());
}

void GatewayServer::CloseAll() {
  std::vector<uint64_t> ids;
  for (auto& [id, c] : connections_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = connections_.find(id);
    if (it == connections_.end()) continue;
    it->second->session = nullptr;
    if (it->second->ws) it->second->ws->SetHandlers({});
    if (it->second->ws) it->second->ws->Drop();
  }
  connections_.clear();
  for (auto& [id, s] : sessions_) s->connection = nullptr;
  sessions_.clear();
  session_index_.clear();
}

size_t GatewayServer::queued_bytes() const {
  size_t total = 0;
  for (const auto& [id, c] : connections_) {
    if (c->ws) total += c->ws->queued_bytes();
  }
  return total;
}

size_t GatewayServer::ready_session_count() const {
  size_t n = 0;
  for (const auto& [id, s] : sessions_) n += s->connection != nullptr ? 1 : 0;
  return n;
}

// ---------------------------------------------------------------------------------------------
// Rendering

std::string GatewayServer::RenderGateway() const {
  std::string out;
  JsonWriter(&out).BeginObject().Key("url").String(gateway_url_).EndObject();
  return out;
}

std::string GatewayServer::RenderGatewayBot(const Bot& bot) {
  BotState& state = StateOf(BotId(bot.id.value()));
  RefreshBudget(state);
  uint32_t multiple = std::max<uint32_t>(1, state.settings.shard_multiple);
  uint32_t shards = state.settings.recommended_shards.value_or(
      static_cast<uint32_t>((bot.guilds.size() + options_.guilds_per_recommended_shard - 1) /
                            options_.guilds_per_recommended_shard));
  shards = std::max<uint32_t>(shards, 1);
  shards = (shards + multiple - 1) / multiple * multiple;
  auto reset_after =
      std::chrono::duration_cast<milliseconds>(state.reset_at - clock_.Now()).count();
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("url").String(gateway_url_).Key("shards").UInt(shards);
  w.Key("session_start_limit").BeginObject();
  w.Key("total").UInt(options_.session_start_total);
  w.Key("remaining").UInt(state.remaining);
  w.Key("reset_after").Int(std::max<int64_t>(0, reset_after));
  w.Key("max_concurrency").UInt(MaxConcurrency(state));
  w.EndObject().EndObject();
  return out;
}

std::string GatewayServer::RenderIdentifiesJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const IdentifyRecord& r : identifies_) {
    w.BeginObject();
    w.Key("unix_ms").Int(r.unix_ms);
    w.Key("bot_id").Id(r.bot);
    w.Key("shard").UInt(r.shard).Key("shard_count").UInt(r.shard_count);
    w.Key("bucket").UInt(r.bucket);
    w.Key("outcome").String(r.outcome);
    w.Key("session_id").String(r.session_id);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::string GatewayServer::RenderResumesJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const ResumeRecord& r : resumes_) {
    w.BeginObject();
    w.Key("unix_ms").Int(r.unix_ms);
    w.Key("bot_id").Id(r.bot);
    w.Key("session_id").String(r.session_id);
    w.Key("from_seq").UInt(r.from_sequence);
    w.Key("replayed").UInt(r.replayed);
    w.Key("via_resume_url").Bool(r.via_resume_url);
    w.Key("outcome").String(r.outcome);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::string GatewayServer::RenderSessionsJson(const SessionFilter& filter) const {
  std::vector<const Session*> list;
  for (const auto& [id, s] : sessions_) {
    if (Matches(*s, filter)) list.push_back(s.get());
  }
  std::sort(list.begin(), list.end(), [](const Session* a, const Session* b) {
    return std::tie(a->bot, a->shard, a->created_unix_ms, a->id) <
           std::tie(b->bot, b->shard, b->created_unix_ms, b->id);
  });
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const Session* s : list) {
    w.BeginObject();
    w.Key("session_id").String(s->id);
    w.Key("bot_id").Id(s->bot);
    w.Key("shard").UInt(s->shard).Key("shard_count").UInt(s->shard_count);
    w.Key("intents").UInt(s->view.intents);
    w.Key("seq").UInt(s->seq);
    w.Key("dispatches").UInt(s->dispatches);
    w.Key("resumes").UInt(s->resumes);
    w.Key("connected").Bool(s->connection != nullptr);
    w.Key("replay_buffered").UInt(s->replay.size());
    w.Key("created_unix_ms").Int(s->created_unix_ms);
    if (s->connection != nullptr) {
      w.Key("payloads_received").UInt(s->connection->payloads);
      w.Key("acking_heartbeats").Bool(s->connection->ack_heartbeats);
    }
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::vector<GatewayServer::SessionSnapshot> GatewayServer::Sessions(
    const SessionFilter& filter) const {
  std::vector<SessionSnapshot> out;
  for (const auto& [id, s] : sessions_) {
    if (!Matches(*s, filter)) continue;
    out.push_back({s->id, s->bot, s->shard, s->shard_count, s->seq, s->connection != nullptr});
  }
  return out;
}

void GatewayServer::RecordEvents(bool on, size_t limit) {
  record_events_ = on;
  record_limit_ = limit;
}

std::string GatewayServer::RenderSessionEventsJson(const std::string& session_id) const {
  auto it = sessions_.find(session_id);
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  if (it != sessions_.end()) {
    for (const auto& [seq, name] : it->second->recorded) {
      w.BeginArray().UInt(seq).String(name).EndArray();
    }
  }
  w.EndArray();
  return out;
}

std::string GatewayServer::RenderStatsJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("connections").UInt(connections_.size());
  w.Key("connections_accepted").UInt(stats_.connections_accepted);
  w.Key("sessions").UInt(sessions_.size());
  w.Key("dispatches_sent").UInt(stats_.dispatches_sent);
  w.Key("heartbeats").UInt(stats_.heartbeats);
  w.Key("replay_overflows").UInt(stats_.replay_overflows);
  w.Key("slow_consumer_closes").UInt(stats_.slow_consumer_closes);
  w.Key("resumes_elsewhere").UInt(stats_.resumes_elsewhere);
  w.Key("identifies").UInt(identifies_.size());
  w.Key("resumes").UInt(resumes_.size());
  w.Key("commands_by_op").BeginObject();
  for (const auto& [op, n] : stats_.commands_by_op) w.Key(std::to_string(op)).UInt(n);
  w.EndObject();
  w.Key("closes_by_code").BeginObject();
  for (const auto& [code, n] : stats_.closes_by_code) w.Key(std::to_string(code)).UInt(n);
  w.EndObject();
  w.EndObject();
  return out;
}

}  // namespace pylon::sim
