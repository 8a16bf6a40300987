// Copyright 2026 The Pylon Gateway Authors.
// Websocket client and server over real loopback sockets, plain and TLS.

#include "net/websocket.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "net/http_server.h"
#include "net/test_util.h"
#include "runtime/reactor.h"

namespace pylon::net {
namespace {

using testing::Mailbox;
using testing::WaitUntil;

struct Message {
  std::string data;
  bool binary = false;
};

// What one side of a connection saw. Filled on reactor threads, read by the test thread.
struct Events {
  Mailbox<Message> messages;
  Mailbox<CloseInfo> closes;
};

WebSocket::Handlers Recorder(const std::shared_ptr<Events>& events) {
  WebSocket::Handlers handlers;
  handlers.on_message = [events](std::string_view data, bool binary) {
    events->messages.Push(Message{std::string(data), binary});
  };
  handlers.on_close = [events](const CloseInfo& info) { events->closes.Push(info); };
  return handlers;
}

enum class Mode { kEcho, kRecord, kPausedRecord };

class WebSocketTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    server_pool_.Start();
    client_reactor_.Start();
    if (tls()) {
      auto cert = WriteSelfSignedCertificate(dir_.path());
      ASSERT_TRUE(cert.ok()) << cert.error().ToString();
      cert_ = *cert;
    }
  }

  void TearDown() override {
    if (server_) server_->Stop();
    CallBlocking(client_reactor_, [this] { client_sockets_.clear(); });
    server_.reset();
    client_reactor_.Stop();
    server_pool_.Stop();
    std::lock_guard lock(mutex_);
    server_sockets_.clear();
  }

  bool tls() const { return GetParam(); }

  void StartServer(Mode mode, size_t max_message_bytes = 2 << 20) {
    HttpServerOptions options;
    options.reactors = {&server_pool_.at(0), &server_pool_.at(1)};
    options.max_message_bytes = max_message_bytes;
    if (tls()) options.tls = TlsServerFiles{cert_.cert_file, cert_.key_file};
    auto upgrade = [this, mode](const HttpRequest& request, UpgradeDecision decision) {
      upgrade_targets_.Push(request.target);
      if (request.target.starts_with("/reject")) {
        decision.Reject(HttpResponse{.status = 403, .headers = {}, .body = "no\n"});
        return;
      }
      auto self = std::make_shared<std::weak_ptr<WebSocket>>();
      WebSocket::Handlers handlers = Recorder(server_events_);
      if (mode == Mode::kEcho) {
        handlers.on_message = [self](std::string_view data, bool binary) {
          if (auto socket = self->lock()) socket->Send(std::string(data), binary);
        };
      }
      WebSocketPtr socket = decision.Accept(std::move(handlers));
      ASSERT_NE(socket, nullptr);
      *self = socket;
      if (mode == Mode::kPausedRecord) socket->PauseReading();
      socket->Send("hello", false);  // before the handshake has completed
      std::lock_guard lock(mutex_);
      server_sockets_.push_back(socket);
    };
    auto http = [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) {
      respond(HttpResponse{.status = 404, .headers = {}, .body = ""});
    };
    auto server = HttpServer::Start(options, http, upgrade);
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(*server);
  }

  std::string Url(const std::string& target = "/gateway?v=10") const {
    return std::string(tls() ? "wss" : "ws") + "://localhost:" + std::to_string(server_->port()) +
           target;
  }

  WebSocketClientOptions ClientOptions(const std::string& url) const {
    WebSocketClientOptions options;
    options.url = url;
    options.tls.ca_file = cert_.cert_file;
    options.handshake_timeout = std::chrono::seconds(10);
    return options;
  }

  Result<WebSocketPtr> Connect(WebSocketClientOptions options, std::shared_ptr<Events> events) {
    Mailbox<Result<WebSocketPtr>> done;
    ConnectWebSocket(client_reactor_, std::move(options), Recorder(events),
                     [this, &done](Result<WebSocketPtr> result) {
                       EXPECT_TRUE(client_reactor_.IsCurrent());
                       if (result.ok()) client_sockets_.push_back(*result);
                       done.Push(std::move(result));
                     });
    auto result = done.Pop();
    if (!result) return DeadlineExceeded("test: connect never finished");
    return std::move(*result);
  }

  // Connects, and waits for the server's greeting.
  WebSocketPtr ConnectOk(std::shared_ptr<Events> events, const std::string& target = "/gw") {
    auto socket = Connect(ClientOptions(Url(target)), events);
    EXPECT_TRUE(socket.ok()) << socket.error().ToString();
    if (!socket.ok()) return nullptr;
    auto hello = events->messages.Pop();
    EXPECT_TRUE(hello && hello->data == "hello");
    return *socket;
  }

  WebSocketPtr ServerSocket(size_t index) {
    std::lock_guard lock(mutex_);
    return index < server_sockets_.size() ? server_sockets_[index] : nullptr;
  }

  template <typename Fn>
  void On(const WebSocketPtr& socket, Fn fn) {
    ASSERT_TRUE(CallBlocking(socket->reactor(), [&] { fn(*socket); }).has_value());
  }

  ReactorPool server_pool_{2, "ws-server"};
  Reactor client_reactor_{7, "ws-client"};
  testing::TempDir dir_;
  TestCertificate cert_;
  std::unique_ptr<HttpServer> server_;
  std::shared_ptr<Events> server_events_ = std::make_shared<Events>();
  Mailbox<std::string> upgrade_targets_;
  std::mutex mutex_;
  std::vector<WebSocketPtr> server_sockets_;  // guarded by mutex_
  std::vector<WebSocketPtr> client_sockets_;  // on client_reactor_
};

INSTANTIATE_TEST_SUITE_P(PlainAndTls, WebSocketTest, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "Tls" : "Plain"; });

TEST_P(WebSocketTest, EchoesTextAndBinaryFromOneByteToOneMebibyte) {
  StartServer(Mode::kEcho);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(upgrade_targets_.Pop().value_or(""), "/gw");
  EXPECT_TRUE(client->is_open());
  EXPECT_FALSE(client->peer().empty());

  std::vector<Message> sent;
  for (size_t size :
       {size_t{1}, size_t{125}, size_t{126}, size_t{65535}, size_t{65536}, size_t{1} << 20}) {
    std::string text(size, 'a');
    std::string binary(size, '\0');
    for (size_t i = 0; i < size; ++i) binary[i] = static_cast<char>(i * 7);
    sent.push_back({text, false});
    sent.push_back({binary, true});
  }
  On(client, [&](WebSocket& socket) {
    for (const auto& message : sent) socket.Send(message.data, message.binary);
    EXPECT_GT(socket.queued_bytes(), 0u);
  });
  for (const auto& expected : sent) {
    auto got = events->messages.Pop();
    ASSERT_TRUE(got.has_value());
    EXPECT_EQ(got->binary, expected.binary);
    ASSERT_EQ(got->data.size(), expected.data.size());
    EXPECT_TRUE(got->data == expected.data);
  }
  On(client, [](WebSocket& socket) { EXPECT_EQ(socket.queued_bytes(), 0u); });
}

TEST_P(WebSocketTest, TenThousandMessagesArriveInOrder) {
  StartServer(Mode::kEcho);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  constexpr int kCount = 10000;
  On(client, [&](WebSocket& socket) {
    for (int i = 0; i < kCount; ++i) socket.Send("message " + std::to_string(i), i % 2 == 1);
  });
  for (int i = 0; i < kCount; ++i) {
    auto got = events->messages.Pop();
    ASSERT_TRUE(got.has_value()) << "message " << i << " missing";
    ASSERT_EQ(got->data, "message " + std::to_string(i));
    ASSERT_EQ(got->binary, i % 2 == 1);
  }
}

// A server frames its small messages itself and hands large ones (16 KiB and up) to Beast; in one
// burst mixing both, at every header-size boundary, nothing is reordered or altered.
TEST_P(WebSocketTest, ServerBurstOfSmallAndLargeMessagesArrivesInOrder) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  WebSocketPtr server = ServerSocket(0);
  ASSERT_NE(server, nullptr);
  std::vector<Message> sent;
  const size_t sizes[] = {0, 1, 125, 126, 127, 16383, 16384, 65535, 65536, 3, 16383, 200000, 7};
  for (int round = 0; round < 50; ++round) {
    for (size_t size : sizes) {
      std::string data(size, '\0');
      for (size_t i = 0; i < size; ++i) data[i] = static_cast<char>('a' + (i + round) % 26);
      sent.push_back({std::move(data), (round + size) % 2 == 1});
    }
  }
  On(server, [&](WebSocket& socket) {
    for (const auto& message : sent) socket.Send(message.data, message.binary);
  });
  for (size_t n = 0; n < sent.size(); ++n) {
    auto got = events->messages.Pop();
    ASSERT_TRUE(got.has_value()) << "message " << n << " missing";
    ASSERT_EQ(got->binary, sent[n].binary) << "message " << n;
    ASSERT_EQ(got->data.size(), sent[n].data.size()) << "message " << n;
    ASSERT_TRUE(got->data == sent[n].data) << "message " << n;
  }
  On(server, [](WebSocket& socket) { EXPECT_EQ(socket.queued_bytes(), 0u); });
}

TEST_P(WebSocketTest, ClientCloseCodeReachesServer) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  On(client, [](WebSocket& socket) {
    socket.Send("last words", false);
    socket.Close(4004, "x");
    EXPECT_FALSE(socket.is_open());
    socket.Send("too late", false);
    EXPECT_EQ(socket.sends_dropped(), 1u);
  });
  auto last = server_events_->messages.Pop();
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->data, "last words");
  auto server_close = server_events_->closes.Pop();
  ASSERT_TRUE(server_close.has_value());
  EXPECT_TRUE(server_close->clean);
  EXPECT_EQ(server_close->code, 4004);
  EXPECT_EQ(server_close->reason, "x");
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_TRUE(client_close->clean);
  EXPECT_EQ(client_close->code, 4004);  // the server echoes the code
  EXPECT_FALSE(events->closes.Pop(std::chrono::milliseconds(100)).has_value());  // just once
  EXPECT_TRUE(WaitUntil([&] { return server_->open_connections() == 0; }));
}

TEST_P(WebSocketTest, ServerCloseCodeReachesClient) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return ServerSocket(0) != nullptr; }));
  On(ServerSocket(0), [](WebSocket& socket) { socket.Close(4000, "unknown error"); });
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_TRUE(client_close->clean);
  EXPECT_EQ(client_close->code, 4000);
  EXPECT_EQ(client_close->reason, "unknown error");
  auto server_close = server_events_->closes.Pop();
  ASSERT_TRUE(server_close.has_value());
  EXPECT_TRUE(server_close->clean);
  EXPECT_EQ(server_close->code, 4000);
  On(client, [](WebSocket& socket) { EXPECT_FALSE(socket.is_open()); });
}

TEST_P(WebSocketTest, DropIsAnUncleanCloseForThePeer) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  On(client, [](WebSocket& socket) { socket.Drop(); });
  auto server_close = server_events_->closes.Pop();
  ASSERT_TRUE(server_close.has_value());
  EXPECT_FALSE(server_close->clean);
  EXPECT_EQ(server_close->code, 1006);
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_FALSE(client_close->clean);
  EXPECT_EQ(client_close->error, "dropped");

  // And the other way round.
  auto events2 = std::make_shared<Events>();
  WebSocketPtr client2 = ConnectOk(events2);
  ASSERT_NE(client2, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return ServerSocket(1) != nullptr; }));
  On(ServerSocket(1), [](WebSocket& socket) { socket.Drop(); });
  auto close2 = events2->closes.Pop();
  ASSERT_TRUE(close2.has_value());
  EXPECT_FALSE(close2->clean);
  EXPECT_EQ(close2->code, 1006);
}

TEST_P(WebSocketTest, OversizedMessageClosesTheConnectionWith1009) {
  StartServer(Mode::kEcho, /*max_message_bytes=*/1024);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  On(client, [](WebSocket& socket) {
    socket.Send(std::string(1024, 'a'), false);  // at the limit: fine
    socket.Send(std::string(1025, 'b'), false);
  });
  auto echoed = events->messages.Pop();
  ASSERT_TRUE(echoed.has_value());
  EXPECT_EQ(echoed->data.size(), 1024u);
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_EQ(client_close->code, 1009);
  auto server_close = server_events_->closes.Pop();
  ASSERT_TRUE(server_close.has_value());
  EXPECT_EQ(server_close->code, 1009);
  EXPECT_FALSE(server_close->clean);

  // The server is fine and serves the next connection.
  auto events2 = std::make_shared<Events>();
  WebSocketPtr client2 = ConnectOk(events2);
  ASSERT_NE(client2, nullptr);
  On(client2, [](WebSocket& socket) { socket.Send("ok", false); });
  auto ok = events2->messages.Pop();
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->data, "ok");
}

TEST_P(WebSocketTest, ClientLimitOnIncomingMessages) {
  StartServer(Mode::kEcho);
  auto events = std::make_shared<Events>();
  WebSocketClientOptions options = ClientOptions(Url("/gw"));
  options.max_message_bytes = 100;
  auto client = Connect(options, events);
  ASSERT_TRUE(client.ok());
  ASSERT_TRUE(events->messages.Pop().has_value());  // "hello"
  ASSERT_TRUE(WaitUntil([&] { return ServerSocket(0) != nullptr; }));
  On(ServerSocket(0), [](WebSocket& socket) { socket.Send(std::string(101, 'x'), true); });
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_EQ(client_close->code, 1009);
  EXPECT_FALSE(client_close->clean);
}

TEST_P(WebSocketTest, PauseReadingHoldsMessagesUntilResumed) {
  StartServer(Mode::kPausedRecord);  // the server socket is paused from the start
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  On(client, [](WebSocket& socket) {
    for (int i = 0; i < 100; ++i) socket.Send(std::to_string(i), false);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server_events_->messages.size(), 0u);

  WebSocketPtr server = ServerSocket(0);
  ASSERT_NE(server, nullptr);
  On(server, [](WebSocket& socket) { socket.ResumeReading(); });
  for (int i = 0; i < 100; ++i) {
    auto got = server_events_->messages.Pop();
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->data, std::to_string(i));
  }

  // Paused while a read is pending: the message that completes it is held, not lost.
  On(server, [](WebSocket& socket) { socket.PauseReading(); });
  On(client, [](WebSocket& socket) {
    for (int i = 100; i < 150; ++i) socket.Send(std::to_string(i), true);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(server_events_->messages.size(), 0u);
  On(server, [](WebSocket& socket) { socket.ResumeReading(); });
  for (int i = 100; i < 150; ++i) {
    auto got = server_events_->messages.Pop();
    ASSERT_TRUE(got.has_value());
    ASSERT_EQ(got->data, std::to_string(i));
    ASSERT_TRUE(got->binary);
  }
}

TEST_P(WebSocketTest, SenderQueuesWhileThePeerDoesNotRead) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(WaitUntil([&] { return ServerSocket(0) != nullptr; }));
  WebSocketPtr server = ServerSocket(0);
  On(client, [](WebSocket& socket) { socket.PauseReading(); });
  constexpr int kCount = 20000;  // 20 MB: far more than the socket buffers hold
  On(server, [](WebSocket& socket) {
    for (int i = 0; i < kCount; ++i) {
      std::string message = std::to_string(i);
      message.resize(1000, '.');
      socket.Send(std::move(message), false);
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  size_t queued = 0;
  On(server, [&](WebSocket& socket) { queued = socket.queued_bytes(); });
  EXPECT_GT(queued, size_t{1} << 20);
  EXPECT_EQ(events->messages.size(), 0u);

  On(client, [](WebSocket& socket) { socket.ResumeReading(); });
  for (int i = 0; i < kCount; ++i) {
    auto got = events->messages.Pop();
    ASSERT_TRUE(got.has_value()) << i;
    ASSERT_EQ(got->data.size(), 1000u);
    ASSERT_TRUE(got->data.starts_with(std::to_string(i) + ".")) << i;
  }
  ASSERT_TRUE(WaitUntil([&] {
    size_t left = 1;
    On(server, [&](WebSocket& socket) { left = socket.queued_bytes(); });
    return left == 0;
  }));
}

TEST_P(WebSocketTest, PauseFromInsideOnMessage) {
  StartServer(Mode::kEcho);
  auto events = std::make_shared<Events>();
  auto self = std::make_shared<std::weak_ptr<WebSocket>>();
  auto count = std::make_shared<std::atomic<int>>(0);
  WebSocket::Handlers handlers = Recorder(events);
  handlers.on_message = [events, self, count](std::string_view data, bool binary) {
    events->messages.Push(Message{std::string(data), binary});
    if (++*count == 10) self->lock()->PauseReading();
  };
  Mailbox<Result<WebSocketPtr>> done;
  WebSocketClientOptions options = ClientOptions(Url("/gw"));
  ConnectWebSocket(client_reactor_, options, handlers, [&](Result<WebSocketPtr> result) {
    if (result.ok()) {
      *self = *result;
      client_sockets_.push_back(*result);
      for (int i = 0; i < 50; ++i) (*result)->Send(std::to_string(i), false);
    }
    done.Push(std::move(result));
  });
  auto client = done.Pop();
  ASSERT_TRUE(client && client->ok());
  ASSERT_TRUE(WaitUntil([&] { return count->load() == 10; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(count->load(), 10);
  On(**client, [](WebSocket& socket) { socket.ResumeReading(); });
  ASSERT_TRUE(WaitUntil([&] { return count->load() == 51; }));  // "hello" + 50 echoes
  EXPECT_EQ(events->messages.Pop()->data, "hello");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(events->messages.Pop()->data, std::to_string(i));
}

TEST_P(WebSocketTest, RejectedUpgradeFailsTheConnect) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  auto result = Connect(ClientOptions(Url("/reject")), events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message().find("403"), std::string::npos) << result.error().message();
  EXPECT_FALSE(events->closes.Pop(std::chrono::milliseconds(50)).has_value());
}

TEST_P(WebSocketTest, ConnectToClosedPortFails) {
  auto events = std::make_shared<Events>();
  std::string url = std::string(tls() ? "wss" : "ws") +
                    "://127.0.0.1:" + std::to_string(testing::UnusedPort()) + "/";
  auto result = Connect(ClientOptions(url), events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(result.error().message().find("connect to 127.0.0.1"), std::string::npos)
      << result.error().message();
}

TEST_P(WebSocketTest, HandshakeTimeoutIsHonoured) {
  testing::SilentListener silent;
  auto events = std::make_shared<Events>();
  std::string url =
      std::string(tls() ? "wss" : "ws") + "://127.0.0.1:" + std::to_string(silent.port()) + "/";
  WebSocketClientOptions options = ClientOptions(url);
  options.handshake_timeout = std::chrono::milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto result = Connect(options, events);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code(), ErrorCode::kDeadlineExceeded) << result.error().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST_P(WebSocketTest, ServerStopClosesOpenSockets) {
  StartServer(Mode::kRecord);
  auto events = std::make_shared<Events>();
  WebSocketPtr client = ConnectOk(events);
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(WaitUntil([&] { return server_->open_connections() == 1; }));
  server_->Stop();
  // The server's on_close ran before Stop returned.
  EXPECT_EQ(server_events_->closes.size(), 1u);
  auto client_close = events->closes.Pop();
  ASSERT_TRUE(client_close.has_value());
  EXPECT_FALSE(client_close->clean);
  EXPECT_EQ(server_->open_connections(), 0u);
}

TEST_P(WebSocketTest, ExtraHeadersReachTheServer) {
  HttpServerOptions options;
  options.reactors = {&server_pool_.at(0)};
  if (tls()) options.tls = TlsServerFiles{cert_.cert_file, cert_.key_file};
  Mailbox<std::string> agents;
  auto server = HttpServer::Start(
      options, [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) { respond({}); },
      [&agents](const HttpRequest& request, UpgradeDecision decision) {
        agents.Push(std::string(request.header("user-agent")) + "|" +
                    std::string(request.header("x-shard")));
        decision.Reject(HttpResponse{.status = 401, .headers = {}, .body = ""});
      });
  ASSERT_TRUE(server.ok());
  server_ = std::move(*server);
  WebSocketClientOptions client_options = ClientOptions(Url("/"));
  client_options.extra_headers = {{"User-Agent", "DiscordBot (pylon, 1)"}, {"X-Shard", "3"}};
  auto result = Connect(client_options, std::make_shared<Events>());
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(agents.Pop().value_or(""), "DiscordBot (pylon, 1)|3");
}

TEST(WebSocketTlsTest, WrongCaFailsTheHandshake) {
  Reactor reactor(0, "wrong-ca");
  reactor.Start();
  testing::TempDir server_dir;
  testing::TempDir other_dir;
  auto cert = WriteSelfSignedCertificate(server_dir.path());
  auto other = WriteSelfSignedCertificate(other_dir.path());
  ASSERT_TRUE(cert.ok() && other.ok());
  HttpServerOptions options;
  options.reactors = {&reactor};
  options.tls = TlsServerFiles{cert->cert_file, cert->key_file};
  auto server = HttpServer::Start(
      options, [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) { respond({}); },
      [](const HttpRequest&, UpgradeDecision decision) { decision.Accept({}); });
  ASSERT_TRUE(server.ok());

  auto connect = [&](const std::string& ca_file, const std::string& host) {
    Mailbox<Result<WebSocketPtr>> done;
    WebSocketClientOptions client;
    client.url = "wss://" + host + ":" + std::to_string((*server)->port()) + "/";
    client.tls.ca_file = ca_file;
    ConnectWebSocket(reactor, client, {}, [&](Result<WebSocketPtr> r) { done.Push(std::move(r)); });
    auto result = done.Pop();
    return result ? std::move(*result) : Result<WebSocketPtr>(Internal("no answer"));
  };
  auto wrong = connect(other->cert_file, "localhost");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(wrong.error().message().find("certificate verify failed"), std::string::npos)
      << wrong.error().message();

  // The right CA, by name and by IP address (both are in the certificate).
  for (const char* host : {"localhost", "127.0.0.1"}) {
    auto right = connect(cert->cert_file, host);
    ASSERT_TRUE(right.ok()) << host << ": " << right.error().ToString();
    CallBlocking(reactor, [socket = std::move(*right)] { socket->Close(1000, ""); });
  }
  (*server)->Stop();
  reactor.Stop();
}

}  // namespace
}  // namespace pylon::net
