// Copyright 2026 The Pylon Gateway Authors.
// The simulated gateway over real websockets on loopback: handshake, READY and GUILD_CREATEs,
// heartbeats, every close code Discord uses, identify concurrency and budget, the command limit,
// RESUME replay (including exactly at the buffer limit and one past it), member requests, faults,
// and both transport compressions. The client side here is raw JSON, written for the test.

#include "sim/gateway.h"

#include <zlib.h>
#include <zstd.h>

#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "net/http_server.h"
#include "net/test_util.h"
#include "net/websocket.h"
#include "sim/test_util.h"

namespace pylon::sim {
namespace {

using namespace std::chrono_literals;
using net::testing::Mailbox;
using net::testing::WaitUntil;

constexpr uint64_t kIntents = 0b11'1111'1111'1111'1111;  // every bit below 18 but 17, see below

struct Frame {
  int op = -1;
  std::string t;
  uint64_t s = 0;
  std::string d;  // raw JSON
  std::string raw;
};

Frame ParseFrame(std::string_view json) {
  static thread_local simdjson::dom::parser parser;
  Frame frame;
  frame.raw = std::string(json);
  simdjson::dom::element root;
  if (parser.parse(frame.raw).get(root) != simdjson::SUCCESS) return frame;
  int64_t op = -1;
  if (root["op"].get_int64().get(op) != simdjson::SUCCESS) op = -1;
  frame.op = static_cast<int>(op);
  std::string_view t;
  if (root["t"].get_string().get(t) == simdjson::SUCCESS) frame.t = std::string(t);
  uint64_t s = 0;
  if (root["s"].get_uint64().get(s) == simdjson::SUCCESS) frame.s = s;
  simdjson::dom::element d;
  if (root["d"].get(d) == simdjson::SUCCESS) frame.d = simdjson::minify(d);
  return frame;
}

// Decompresses what the simulator sends, as a client would (independently of src/discord).
class TestInflater {
 public:
  explicit TestInflater(std::string_view compress) : compress_(compress) {
    if (compress_ == "zlib-stream") inflateInit(&z_);
    if (compress_ == "zstd-stream") zstd_ = ZSTD_createDCtx();
  }
  ~TestInflater() {
    if (compress_ == "zlib-stream") inflateEnd(&z_);
    if (zstd_ != nullptr) ZSTD_freeDCtx(zstd_);
  }
  std::string Feed(std::string_view data) {
    if (compress_.empty()) return std::string(data);
    std::string out;
    char buffer[65536];
    if (compress_ == "zlib-stream") {
      EXPECT_GE(data.size(), 4u);
      EXPECT_EQ(data.substr(data.size() - 4), std::string("\x00\x00\xff\xff", 4));
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z_.avail_in = static_cast<uInt>(data.size());
      do {
        z_.next_out = reinterpret_cast<Bytef*>(buffer);
        z_.avail_out = sizeof(buffer);
        int rc = inflate(&z_, Z_SYNC_FLUSH);
        EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc;
        out.append(buffer, sizeof(buffer) - z_.avail_out);
      } while (z_.avail_out == 0);
    } else {
      ZSTD_inBuffer in{data.data(), data.size(), 0};
      while (true) {
        ZSTD_outBuffer o{buffer, sizeof(buffer), 0};
        size_t rc = ZSTD_decompressStream(zstd_, &o, &in);
        EXPECT_FALSE(ZSTD_isError(rc));
        out.append(buffer, o.pos);
        if (in.pos == in.size && o.pos < o.size) break;
      }
    }
    return out;
  }

 private:
  std::string compress_;
  z_stream z_{};
  ZSTD_DCtx* zstd_ = nullptr;
};

// A gateway client speaking raw JSON.
class Client {
 public:
  Client(Reactor& reactor, const std::string& url, std::string_view compress = "")
      : inflater_(compress) {
    net::WebSocketClientOptions options;
    options.url = url;
    net::WebSocket::Handlers handlers;
    handlers.on_message = [this](std::string_view data, bool) {
      frames_.Push(ParseFrame(inflater_.Feed(data)));
    };
    handlers.on_close = [this](const net::CloseInfo& info) { closed_.Push(info); };
    Mailbox<Result<net::WebSocketPtr>> connected;
    net::ConnectWebSocket(reactor, options, handlers,
                          [&](Result<net::WebSocketPtr> ws) { connected.Push(std::move(ws)); });
    auto ws = connected.Pop();
    EXPECT_TRUE(ws.has_value() && ws->ok());
    if (ws && ws->ok()) socket_ = **ws;
  }
  ~Client() {
    if (socket_) {
      auto socket = socket_;
      CallBlocking(socket->reactor(), [socket] {
        socket->SetHandlers({});
        socket->Drop();
      });
    }
  }

  void Send(const std::string& json) {
    auto socket = socket_;
    socket->reactor().Post([socket, json] { socket->Send(json, false); });
  }
  void Close(uint16_t code) {
    auto socket = socket_;
    socket->reactor().Post([socket, code] { socket->Close(code, "bye"); });
  }
  void Drop() {
    auto socket = socket_;
    CallBlocking(socket->reactor(), [socket] { socket->Drop(); });
  }
  std::optional<Frame> Next(Duration timeout = 10s) { return frames_.Pop(timeout); }
  // The next frame with op `op` (skipping others, e.g. heartbeat ACKs).
  std::optional<Frame> NextOp(int op, Duration timeout = 10s) {
    while (auto frame = Next(timeout)) {
      if (frame->op == op) return frame;
    }
    return std::nullopt;
  }
  std::optional<Frame> NextDispatch(std::string_view t, Duration timeout = 10s) {
    while (auto frame = Next(timeout)) {
      if (frame->op == 0 && frame->t == t) return frame;
    }
    return std::nullopt;
  }
  std::optional<net::CloseInfo> WaitClosed(Duration timeout = 10s) { return closed_.Pop(timeout); }
  size_t pending() const { return frames_.size(); }

 private:
  TestInflater inflater_;
  net::WebSocketPtr socket_;
  Mailbox<Frame> frames_;
  Mailbox<net::CloseInfo> closed_;
};

std::string Identify(const std::string& token, uint32_t shard = 0, uint32_t count = 1,
                     uint64_t intents = 0x3FFFF & ~(1u << 17 | 1u << 15), std::string extra = "") {
  return R"({"op":2,"d":{"token":")" + token + R"(","intents":)" + std::to_string(intents) +
         R"(,"properties":{"os":"linux","browser":"test","device":"test"},"shard":[)" +
         std::to_string(shard) + "," + std::to_string(count) + "]" + extra + "}}";
}

class GatewayTest : public ::testing::Test {
 protected:
  void SetUp() override { reactor_.Start(); }
  void TearDown() override {
    if (http_) http_->Stop();
    CallBlocking(reactor_, [this] {
      gateway_.reset();
      world_.reset();
    });
    reactor_.Stop();
  }

  void StartServer(WorldConfig world_config, GatewayOptions options) {
    CallBlocking(reactor_, [&] {
      world_ = std::make_unique<World>(world_config, SystemClock());
      gateway_ = std::make_unique<GatewayServer>(reactor_, *world_, clock_, options);
    });
    net::HttpServerOptions http;
    http.reactors = {&reactor_};
    auto server = net::HttpServer::Start(
        http,
        [](net::HttpRequest, UniqueFunction<void(net::HttpResponse)> respond) {
          respond({404, {}, ""});
        },
        [this](const net::HttpRequest& request, net::UpgradeDecision decision) {
          gateway_->HandleUpgrade(request, std::move(decision));
        });
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    http_ = std::move(*server);
    base_ = "ws://127.0.0.1:" + std::to_string(http_->port());
    CallBlocking(reactor_, [&] { gateway_->SetUrls(base_, base_ + "/resume"); });
  }

  GatewayOptions FastOptions() {
    GatewayOptions options;
    options.heartbeat_interval = 1000ms;
    options.identify_interval = 5000ms;
    return options;
  }

  std::string Url(std::string_view compress = "") const {
    std::string url = base_ + "/?v=10&encoding=json";
    if (!compress.empty()) url += "&compress=" + std::string(compress);
    return url;
  }
  std::string Token(size_t bot = 0) {
    return *CallBlocking(reactor_, [&] { return world_->bots()[bot].token.reveal(); });
  }
  BotId Bot(size_t bot = 0) {
    return BotId(CallBlocking(reactor_, [&] { return world_->bots()[bot].id.value(); }).value());
  }

  // Connects and identifies; returns the client after READY, with the READY frame.
  std::unique_ptr<Client> Ready(Frame* ready = nullptr, std::string_view compress = "",
                                uint32_t shard = 0, uint32_t count = 1) {
    auto client = std::make_unique<Client>(reactor_, Url(compress), compress);
    auto hello = client->Next();
    EXPECT_TRUE(hello && hello->op == 10);
    client->Send(Identify(Token(), shard, count));
    auto frame = client->NextDispatch("READY");
    EXPECT_TRUE(frame.has_value());
    if (ready != nullptr && frame) *ready = *frame;
    return client;
  }

  // Applies a world change on the reactor (it emits dispatches to the sessions).
  void CreateMessages(int n) {
    CallBlocking(reactor_, [&] {
      const Guild& guild = *world_->guilds()[0];
      ChannelId channel;
      for (const Channel& c : guild.channels) {
        if (c.type == ChannelType::kText) {
          channel = c.id;
          break;
        }
      }
      UserId author = world_->user(guild.members[0].user).id;
      for (int i = 0; i < n; ++i) {
        MessageSpec spec;
        spec.content = "message " + std::to_string(i);
        ASSERT_TRUE(world_->CreateMessage(channel, author, spec).ok());
      }
    });
  }

  WorldConfig SmallWorld() {
    WorldConfig config;
    config.seed = 11;
    config.bots = 1;
    config.guilds = 4;
    config.members = 400;
    config.max_guild_members = 200;
    return config;
  }

  Reactor reactor_{0, "sim-test"};
  OffsetClock clock_;
  std::unique_ptr<World> world_;
  std::unique_ptr<GatewayServer> gateway_;
  std::unique_ptr<net::HttpServer> http_;
  std::string base_;
};

TEST_F(GatewayTest, HelloIdentifyReadyThenGuildCreates) {
  StartServer(SmallWorld(), FastOptions());
  Frame ready;
  auto client = Ready(&ready);
  EXPECT_EQ(ready.s, 1u);
  simdjson::dom::parser parser;
  simdjson::dom::element d;
  ASSERT_EQ(parser.parse(ready.d).get(d), simdjson::SUCCESS);
  std::string_view session_id, resume_url;
  EXPECT_EQ(d["session_id"].get_string().get(session_id), simdjson::SUCCESS);
  EXPECT_EQ(d["resume_gateway_url"].get_string().get(resume_url), simdjson::SUCCESS);
  EXPECT_EQ(resume_url, base_ + "/resume");
  simdjson::dom::array guilds;
  ASSERT_EQ(d["guilds"].get_array().get(guilds), simdjson::SUCCESS);
  EXPECT_EQ(guilds.size(), 4u);
  // One GUILD_CREATE per guild, sequence numbers continuing from READY.
  for (uint64_t i = 0; i < 4; ++i) {
    auto create = client->NextDispatch("GUILD_CREATE");
    ASSERT_TRUE(create.has_value());
    EXPECT_EQ(create->s, 2 + i);
  }
  client->Send(R"({"op":1,"d":5})");
  EXPECT_TRUE(client->NextOp(11).has_value());
}

TEST_F(GatewayTest, EveryCloseCodeDiscordUses) {
  WorldConfig world = SmallWorld();
  world.bots = 2;
  world.bot_allowed_intents = {intent::kAllDefined, intent::kAllDefined & ~intent::kPrivileged};
  GatewayOptions options = FastOptions();
  options.max_guilds_per_shard = 3;
  StartServer(world, options);
  auto expect_close = [&](std::string url, std::vector<std::string> payloads, uint16_t code) {
    Client client(reactor_, url);
    for (const auto& payload : payloads) client.Send(payload);
    auto closed = client.WaitClosed();
    ASSERT_TRUE(closed.has_value()) << "no close for " << code;
    EXPECT_TRUE(closed->clean);
    EXPECT_EQ(closed->code, code) << (payloads.empty() ? url : payloads.back());
  };
  expect_close(Url(),
               {R"({"op":3,"d":{"status":"online","activities":[],"afk":false,"since":null}})"},
               4003);                                   // not authenticated
  expect_close(Url(), {R"({"op":5,"d":null})"}, 4001);  // unknown opcode
  expect_close(Url(), {"{not json"}, 4002);             // decode error
  expect_close(Url(), {"{\"op\":1,\"d\":\"" + std::string(5000, 'x') + "\"}"}, 4002);  // too big
  expect_close(Url(), {Identify("bogus.token.value", 0, 2)}, 4004);                    // bad token
  expect_close(Url(), {Identify(Token(), 0, 2), Identify(Token(), 0, 2)}, 4005);       // twice
  expect_close(Url(), {Identify(Token(), 2, 2)}, 4010);                     // invalid shard
  expect_close(Url(), {Identify(Token(), 0, 1)}, 4011);                     // 4 guilds > 3
  expect_close(Url(), {Identify(Token(), 0, 2, uint64_t{1} << 40)}, 4013);  // invalid intents
  expect_close(Url(), {Identify(Token(1), 0, 2, 1 << 1)}, 4014);            // not allowed
  expect_close(base_ + "/?v=8&encoding=json", {}, 4012);                    // bad version
}

TEST_F(GatewayTest, CommandLimitCloses4008) {
  StartServer(SmallWorld(), FastOptions());
  Client client(reactor_, Url());
  for (int i = 0; i < 121; ++i) client.Send(R"({"op":1,"d":null})");
  auto closed = client.WaitClosed();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 4008);
}

TEST_F(GatewayTest, IdentifyConcurrencyAndBudget) {
  GatewayOptions options = FastOptions();
  options.session_start_total = 3;
  StartServer(SmallWorld(), options);
  auto first = Ready(nullptr, "", 0, 2);
  // Shard 1 is in the same bucket (max_concurrency 1) within 5 s: op 9 false.
  Client second(reactor_, Url());
  second.Send(Identify(Token(), 1, 2));
  auto invalid = second.NextOp(9);
  ASSERT_TRUE(invalid.has_value());
  EXPECT_EQ(invalid->d, "false");
  clock_.Advance(5s);
  second.Send(Identify(Token(), 1, 2));
  EXPECT_TRUE(second.NextDispatch("READY").has_value());
  // Two starts spent of 3. The third start would spend the last one: the token is reset.
  clock_.Advance(5s);
  Client third(reactor_, Url());
  third.Send(Identify(Token(), 0, 2));
  EXPECT_TRUE(third.NextDispatch("READY").has_value());
  clock_.Advance(5s);
  Client fourth(reactor_, Url());
  fourth.Send(Identify(Token(), 1, 2));
  auto closed = fourth.WaitClosed();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 4004);
  std::string identifies =
      *CallBlocking(reactor_, [&] { return gateway_->RenderIdentifiesJson(); });
  EXPECT_NE(identifies.find("budget exhausted"), std::string::npos) << identifies;
}

TEST_F(GatewayTest, ResumeReplaysMissedEventsThenResumed) {
  StartServer(SmallWorld(), FastOptions());
  Frame ready;
  auto client = Ready(&ready);
  simdjson::dom::parser parser;
  std::string session_id(parser.parse(ready.d)["session_id"].get_string().value_unsafe());
  CreateMessages(3);
  uint64_t last = 0;
  for (int i = 0; i < 3; ++i) {
    auto m = client->NextDispatch("MESSAGE_CREATE");
    ASSERT_TRUE(m.has_value());
    last = m->s;
  }
  client->Drop();     // no close frame: the session stays resumable
  CreateMessages(5);  // buffered for the disconnected session
  Client resumed(reactor_, base_ + "/resume?v=10&encoding=json");
  ASSERT_TRUE(resumed.NextOp(10).has_value());
  resumed.Send(R"({"op":6,"d":{"token":")" + Token() + R"(","session_id":")" + session_id +
               R"(","seq":)" + std::to_string(last) + "}}");
  for (uint64_t i = 1; i <= 5; ++i) {
    auto m = resumed.NextDispatch("MESSAGE_CREATE");
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->s, last + i);  // no gap, no repeat
  }
  auto done = resumed.NextDispatch("RESUMED");
  ASSERT_TRUE(done.has_value());
  EXPECT_EQ(done->s, last + 6);  // RESUMED carries the next sequence number
}

TEST_F(GatewayTest, ResumeAtTheBufferLimitAndOnePast) {
  GatewayOptions options = FastOptions();
  options.replay_buffer_events = 10;
  StartServer(SmallWorld(), options);
  for (uint64_t back : {10u, 11u}) {
    Frame ready;
    auto client = Ready(&ready);
    simdjson::dom::parser parser;
    std::string session_id(parser.parse(ready.d)["session_id"].get_string().value_unsafe());
    // Wait for the GUILD_CREATEs, then note the last sequence.
    uint64_t seq = 1;
    for (int i = 0; i < 4; ++i) seq = client->NextDispatch("GUILD_CREATE")->s;
    client->Drop();
    CreateMessages(static_cast<int>(back));
    // The client last saw `seq`; `back` dispatches followed. The buffer holds the last 10.
    Client resumed(reactor_, base_ + "/resume?v=10&encoding=json");
    ASSERT_TRUE(resumed.NextOp(10).has_value());
    resumed.Send(R"({"op":6,"d":{"token":")" + Token() + R"(","session_id":")" + session_id +
                 R"(","seq":)" + std::to_string(seq) + "}}");
    if (back == 10) {
      for (uint64_t i = 1; i <= 10; ++i) {
        auto m = resumed.NextDispatch("MESSAGE_CREATE");
        ASSERT_TRUE(m.has_value()) << i;
        EXPECT_EQ(m->s, seq + i);
      }
      EXPECT_TRUE(resumed.NextDispatch("RESUMED").has_value());
    } else {
      auto invalid = resumed.NextOp(9);
      ASSERT_TRUE(invalid.has_value());
      EXPECT_EQ(invalid->d, "false");
    }
    clock_.Advance(6s);  // the next identify is in a new 5 s window
  }
}

TEST_F(GatewayTest, ResumeErrors) {
  StartServer(SmallWorld(), FastOptions());
  Frame ready;
  auto client = Ready(&ready);
  simdjson::dom::parser parser;
  std::string session_id(parser.parse(ready.d)["session_id"].get_string().value_unsafe());
  client->Drop();
  {
    Client unknown(reactor_, Url());
    unknown.Send(R"({"op":6,"d":{"token":")" + Token() + R"(","session_id":"nope","seq":1}})");
    auto invalid = unknown.NextOp(9);
    ASSERT_TRUE(invalid.has_value());
    EXPECT_EQ(invalid->d, "false");
  }
  Client ahead(reactor_, Url());
  ahead.Send(R"({"op":6,"d":{"token":")" + Token() + R"(","session_id":")" + session_id +
             R"(","seq":100000}})");
  auto closed = ahead.WaitClosed();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 4007);
}

TEST_F(GatewayTest, MissedHeartbeatClosesResumably) {
  GatewayOptions options = FastOptions();
  options.heartbeat_interval = 200ms;
  StartServer(SmallWorld(), options);
  auto client = Ready();
  auto closed = client->WaitClosed(5s);
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 4000);
  // The session outlives the connection: it stays, disconnected, for a RESUME.
  EXPECT_TRUE(WaitUntil([&] {
    std::string sessions =
        *CallBlocking(reactor_, [&] { return gateway_->RenderSessionsJson({}); });
    return sessions.find("\"connected\":false") != std::string::npos;
  }));
}

TEST_F(GatewayTest, RequestGuildMembers) {
  StartServer(SmallWorld(), FastOptions());
  auto client = Ready();
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(client->NextDispatch("GUILD_CREATE").has_value());
  auto [guild, user_a, user_b] = *CallBlocking(reactor_, [&] {
    const Guild& g = *world_->guilds()[0];
    return std::make_tuple(g.id.value(), world_->user(g.members[0].user).id.value(),
                           world_->user(g.members[1].user).id.value());
  });
  uint32_t members = *CallBlocking(reactor_, [&] { return world_->guilds()[0]->member_count(); });
  client->Send(R"({"op":8,"d":{"guild_id":")" + std::to_string(guild) + R"(","user_ids":[")" +
               std::to_string(user_a) + R"(",")" + std::to_string(user_b) +
               R"(","12345"],"nonce":"n1"}})");
  auto chunk = client->NextDispatch("GUILD_MEMBERS_CHUNK");
  ASSERT_TRUE(chunk.has_value());
  simdjson::dom::parser parser;
  simdjson::dom::element d = parser.parse(chunk->d).value_unsafe();
  EXPECT_EQ(d["members"].get_array().value_unsafe().size(), 2u);
  EXPECT_EQ(std::string_view(d["nonce"].get_string().value_unsafe()), "n1");
  EXPECT_EQ(simdjson::minify(d["not_found"].value_unsafe()), "[\"12345\"]");
  // All members: needs GUILD_MEMBERS (requested in Identify), at most once per 30 s per guild.
  std::string all = R"({"op":8,"d":{"guild_id":")" + std::to_string(guild) +
                    R"(","query":"","limit":0,"nonce":"all"}})";
  client->Send(all);
  uint64_t received = 0;
  uint64_t chunk_count = 0;
  do {
    auto c = client->NextDispatch("GUILD_MEMBERS_CHUNK");
    ASSERT_TRUE(c.has_value());
    simdjson::dom::element cd = parser.parse(c->d).value_unsafe();
    received += cd["members"].get_array().value_unsafe().size();
    chunk_count = cd["chunk_count"].get_uint64().value_unsafe();
    if (cd["chunk_index"].get_uint64().value_unsafe() + 1 == chunk_count) break;
  } while (true);
  EXPECT_EQ(received, members);
  client->Send(all);
  auto limited = client->NextDispatch("RATE_LIMITED");
  ASSERT_TRUE(limited.has_value());
  EXPECT_NE(limited->d.find("\"opcode\":8"), std::string::npos) << limited->d;
}

TEST_F(GatewayTest, FaultsReconnectInvalidSessionMalformedAndZombie) {
  GatewayOptions options = FastOptions();
  options.reconnect_close_delay = 100ms;
  StartServer(SmallWorld(), options);
  auto client = Ready();
  auto inject = [&](GatewayFault fault) {
    return *CallBlocking(reactor_, [&] { return gateway_->InjectFault({}, fault); });
  };
  GatewayFault reconnect;
  reconnect.kind = GatewayFault::Kind::kReconnect;
  EXPECT_EQ(inject(reconnect), 1);
  EXPECT_TRUE(client->NextOp(7).has_value());
  auto closed = client->WaitClosed();
  ASSERT_TRUE(closed.has_value());
  EXPECT_EQ(closed->code, 4000);

  clock_.Advance(6s);
  client = Ready();
  GatewayFault invalid;
  invalid.kind = GatewayFault::Kind::kInvalidSession;
  invalid.resumable = true;
  inject(invalid);
  auto frame = client->NextOp(9);
  ASSERT_TRUE(frame.has_value());
  EXPECT_EQ(frame->d, "true");

  GatewayFault malformed;
  malformed.kind = GatewayFault::Kind::kMalformed;
  inject(malformed);
  auto bad = client->Next();
  ASSERT_TRUE(bad.has_value());
  EXPECT_EQ(bad->op, -1);  // not JSON

  GatewayFault stop;
  stop.kind = GatewayFault::Kind::kStopAcks;
  inject(stop);
  client->Send(R"({"op":1,"d":null})");
  EXPECT_FALSE(client->NextOp(11, 300ms).has_value());
}

TEST_F(GatewayTest, CompressedTransports) {
  StartServer(SmallWorld(), FastOptions());
  for (std::string_view compress : {"zlib-stream", "zstd-stream"}) {
    Frame ready;
    auto client = Ready(&ready, compress);
    EXPECT_EQ(ready.s, 1u) << compress;
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE(client->NextDispatch("GUILD_CREATE").has_value()) << compress;
    }
    CreateMessages(20);
    for (int i = 0; i < 20; ++i) {
      EXPECT_TRUE(client->NextDispatch("MESSAGE_CREATE").has_value()) << compress;
    }
    clock_.Advance(6s);
  }
}

}  // namespace
}  // namespace pylon::sim
