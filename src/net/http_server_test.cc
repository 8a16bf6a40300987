// Copyright 2026 The Pylon Gateway Authors.
// HttpServer and HttpClient over real loopback sockets: requests and responses, keep-alive, TLS,
// malformed input, shutdown.

#include "net/http_server.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "net/http_client.h"
#include "net/test_util.h"
#include "runtime/reactor.h"

namespace pylon::net {
namespace {

using testing::Mailbox;
using testing::WaitUntil;

// A request the server has not answered yet, with the reactor its answer must be given on.
struct Pending {
  std::string target;
  Reactor* reactor = nullptr;
  std::shared_ptr<UniqueFunction<void(HttpResponse)>> respond;
};

class HttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_pool_.Start();
    client_reactor_.Start();
  }

  void TearDown() override {
    CallBlocking(client_reactor_, [this] { client_.reset(); });
    server_.reset();
    client_reactor_.Stop();
    server_pool_.Stop();
    std::lock_guard lock(mutex_);
    pending_.clear();
  }

  HttpServerOptions ServerOptions() {
    HttpServerOptions options;
    options.reactors = {&server_pool_.at(0), &server_pool_.at(1)};
    return options;
  }

  void StartServer(HttpHandler handler, HttpServerOptions options) {
    auto server = HttpServer::Start(std::move(options), std::move(handler));
    ASSERT_TRUE(server.ok()) << server.error().ToString();
    server_ = std::move(*server);
  }

  // A server that answers every request with "<METHOD> <target> <body>".
  void StartEchoServer(HttpServerOptions options) {
    StartServer(
        [](HttpRequest request, UniqueFunction<void(HttpResponse)> respond) {
          HttpResponse response;
          response.headers = {{"Content-Type", "text/plain"}, {"X-Peer", request.peer}};
          response.body = request.method + " " + request.target + " " + request.body;
          respond(std::move(response));
        },
        std::move(options));
  }

  // A server that keeps every request unanswered in pending_.
  void StartHoldingServer(HttpServerOptions options) {
    StartServer(
        [this](HttpRequest request, UniqueFunction<void(HttpResponse)> respond) {
          std::lock_guard lock(mutex_);
          pending_.push_back(
              Pending{request.target, Reactor::Current(),
                      std::make_shared<UniqueFunction<void(HttpResponse)>>(std::move(respond))});
        },
        std::move(options));
  }

  size_t PendingCount() {
    std::lock_guard lock(mutex_);
    return pending_.size();
  }

  // Answers the pending request for `target` (on its reactor) with body `target`.
  void Answer(const std::string& target) {
    Pending pending;
    {
      std::lock_guard lock(mutex_);
      for (auto it = pending_.begin(); it != pending_.end(); ++it) {
        if (it->target == target) {
          pending = *it;
          pending_.erase(it);
          break;
        }
      }
    }
    ASSERT_NE(pending.reactor, nullptr) << target << " is not pending";
    CallBlocking(*pending.reactor, [&] {
      (*pending.respond)(HttpResponse{.status = 200, .headers = {}, .body = target});
      pending.respond.reset();  // destroyed on its reactor
    });
  }

  std::set<std::string> PendingTargets() {
    std::lock_guard lock(mutex_);
    std::set<std::string> out;
    for (const auto& p : pending_) out.insert(p.target);
    return out;
  }

  void MakeClient(HttpClientOptions options) {
    CallBlocking(client_reactor_, [&] {
      client_ = std::make_unique<HttpClient>(client_reactor_, std::move(options));
    });
  }

  HttpClientOptions ClientOptions() {
    HttpClientOptions options;
    options.base_url = server_->base_url();
    return options;
  }

  // Sends on the client's reactor; the result arrives in `out`.
  void SendAsync(HttpRequest request, Mailbox<Result<HttpResponse>>* out) {
    CallBlocking(client_reactor_, [&] {
      client_->Send(std::move(request),
                    [out](Result<HttpResponse> result) { out->Push(std::move(result)); });
    });
  }

  Result<HttpResponse> Fetch(HttpRequest request) {
    Mailbox<Result<HttpResponse>> done;
    SendAsync(std::move(request), &done);
    auto result = done.Pop();
    if (!result) return DeadlineExceeded("test: no answer");
    return std::move(*result);
  }

  static HttpRequest Get(std::string target) {
    HttpRequest request;
    request.method = "GET";
    request.target = std::move(target);
    return request;
  }

  size_t ClientConnections() {
    return CallBlocking(client_reactor_, [&] { return client_->open_connections(); }).value_or(99);
  }

  ReactorPool server_pool_{2, "http-server"};
  Reactor client_reactor_{5, "http-client"};
  std::unique_ptr<HttpServer> server_;
  std::unique_ptr<HttpClient> client_;  // on client_reactor_
  std::mutex mutex_;
  std::vector<Pending> pending_;  // guarded by mutex_
};

TEST_F(HttpTest, GetAndPostWithBody) {
  Mailbox<HttpRequest> seen;
  StartServer(
      [&seen](HttpRequest request, UniqueFunction<void(HttpResponse)> respond) {
        seen.Push(request);
        HttpResponse response;
        response.status = request.method == "POST" ? 201 : 200;
        response.headers = {{"X-Reply", "yes"}, {"Content-Type", "application/json"}};
        response.body = "{\"echo\":\"" + request.body + "\"}";
        respond(std::move(response));
      },
      ServerOptions());
  MakeClient(ClientOptions());

  auto get = Fetch(Get("/api/v10/gateway?v=10"));
  ASSERT_TRUE(get.ok()) << get.error().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->header("x-reply"), "yes");
  EXPECT_EQ(get->header("Server"), "pylon");
  EXPECT_EQ(get->body, "{\"echo\":\"\"}");
  auto get_seen = seen.Pop();
  ASSERT_TRUE(get_seen.has_value());
  EXPECT_EQ(get_seen->method, "GET");
  EXPECT_EQ(get_seen->target, "/api/v10/gateway?v=10");
  EXPECT_EQ(get_seen->path(), "/api/v10/gateway");
  EXPECT_EQ(get_seen->header("Host"), "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_TRUE(get_seen->peer.starts_with("127.0.0.1:")) << get_seen->peer;

  HttpRequest post;
  post.method = "POST";
  post.target = "/api/v10/channels/1/messages";
  post.headers = {{"Authorization", "Bot abc"}, {"Content-Type", "application/json"}};
  post.body = std::string(100000, 'z');
  auto posted = Fetch(post);
  ASSERT_TRUE(posted.ok()) << posted.error().ToString();
  EXPECT_EQ(posted->status, 201);
  EXPECT_EQ(posted->body, "{\"echo\":\"" + post.body + "\"}");
  auto post_seen = seen.Pop();
  ASSERT_TRUE(post_seen.has_value());
  EXPECT_EQ(post_seen->body, post.body);
  EXPECT_EQ(post_seen->header("authorization"), "Bot abc");
  EXPECT_EQ(post_seen->header("content-length"), "100000");

  HttpRequest custom;
  custom.method = "PURGE";  // not a method Beast knows
  custom.target = "/x";
  auto purged = Fetch(custom);
  ASSERT_TRUE(purged.ok()) << purged.error().ToString();
  EXPECT_EQ(seen.Pop()->method, "PURGE");
}

TEST_F(HttpTest, KeepAliveServesManyRequestsOverOneConnection) {
  StartEchoServer(ServerOptions());
  MakeClient(ClientOptions());
  for (int i = 0; i < 200; ++i) {
    auto response = Fetch(Get("/n/" + std::to_string(i)));
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    ASSERT_EQ(response->body, "GET /n/" + std::to_string(i) + " ");
    ASSERT_EQ(ClientConnections(), 1u);
  }
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(HttpTest, ConcurrentRequestsBeyondMaxConnectionsWaitInFifoOrder) {
  StartHoldingServer(ServerOptions());
  HttpClientOptions options = ClientOptions();
  options.max_connections = 2;
  MakeClient(options);

  Mailbox<Result<HttpResponse>> results;
  for (int i = 0; i < 6; ++i) SendAsync(Get("/" + std::to_string(i)), &results);
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  EXPECT_EQ(PendingTargets(), (std::set<std::string>{"/0", "/1"}));
  EXPECT_EQ(ClientConnections(), 2u);
  EXPECT_EQ(CallBlocking(client_reactor_, [&] { return client_->queued_requests(); }), 4u);

  // Each answer frees a connection, which takes the oldest queued request.
  auto answer = [&](const std::string& target) {
    Answer(target);
    auto result = results.Pop();
    ASSERT_TRUE(result.has_value() && result->ok());
    EXPECT_EQ((*result)->body, target);
  };
  answer("/1");
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  EXPECT_EQ(PendingTargets(), (std::set<std::string>{"/0", "/2"}));
  answer("/0");
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  EXPECT_EQ(PendingTargets(), (std::set<std::string>{"/2", "/3"}));
  answer("/3");
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  EXPECT_EQ(PendingTargets(), (std::set<std::string>{"/2", "/4"}));
  answer("/2");
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  EXPECT_EQ(PendingTargets(), (std::set<std::string>{"/4", "/5"}));
  answer("/4");
  answer("/5");
  EXPECT_EQ(ClientConnections(), 2u);
}

TEST_F(HttpTest, ResponderDestroyedWithoutAnswerGives500) {
  StartServer([](HttpRequest, UniqueFunction<void(HttpResponse)>) {}, ServerOptions());
  MakeClient(ClientOptions());
  auto response = Fetch(Get("/"));
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 500);
}

TEST_F(HttpTest, HttpsWithTestCertificate) {
  testing::TempDir dir;
  auto cert = WriteSelfSignedCertificate(dir.path());
  ASSERT_TRUE(cert.ok());
  HttpServerOptions options = ServerOptions();
  options.tls = TlsServerFiles{cert->cert_file, cert->key_file};
  StartEchoServer(options);
  EXPECT_TRUE(server_->base_url().starts_with("https://"));

  HttpClientOptions client_options;
  client_options.base_url = "https://localhost:" + std::to_string(server_->port());
  client_options.tls.ca_file = cert->cert_file;
  MakeClient(client_options);
  for (int i = 0; i < 3; ++i) {
    auto response = Fetch(Get("/secure"));
    ASSERT_TRUE(response.ok()) << response.error().ToString();
    EXPECT_EQ(response->body, "GET /secure ");
  }
  EXPECT_EQ(ClientConnections(), 1u);
}

TEST_F(HttpTest, HttpsWithWrongCaFails) {
  testing::TempDir dir;
  testing::TempDir other_dir;
  auto cert = WriteSelfSignedCertificate(dir.path());
  auto other = WriteSelfSignedCertificate(other_dir.path());
  ASSERT_TRUE(cert.ok() && other.ok());
  HttpServerOptions options = ServerOptions();
  options.tls = TlsServerFiles{cert->cert_file, cert->key_file};
  StartEchoServer(options);

  HttpClientOptions client_options;
  client_options.base_url = "https://localhost:" + std::to_string(server_->port());
  client_options.tls.ca_file = other->cert_file;
  MakeClient(client_options);
  auto response = Fetch(Get("/secure"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message().find("certificate verify failed"), std::string::npos)
      << response.error().message();

  // Plain HTTP to a TLS port fails too, without hanging.
  CallBlocking(client_reactor_, [this] { client_.reset(); });
  HttpClientOptions plain;
  plain.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
  plain.timeout = std::chrono::seconds(5);
  MakeClient(plain);
  EXPECT_FALSE(Fetch(Get("/")).ok());
}

TEST_F(HttpTest, ServerStopWithOpenConnections) {
  StartHoldingServer(ServerOptions());
  MakeClient(ClientOptions());
  Mailbox<Result<HttpResponse>> results;
  SendAsync(Get("/held"), &results);
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 1; }));
  testing::RawConnection idle(server_->port());  // a connection that never sends anything
  ASSERT_TRUE(idle.connected());
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 2; }));

  server_->Stop();
  EXPECT_EQ(server_->open_connections(), 0u);
  auto held = results.Pop();
  ASSERT_TRUE(held.has_value());
  EXPECT_FALSE(held->ok());
  bool closed = false;
  idle.ReadUntilClosed(std::chrono::seconds(5), &closed);
  EXPECT_TRUE(closed);

  // Answering after the stop is harmless.
  {
    std::lock_guard lock(mutex_);
    ASSERT_EQ(pending_.size(), 1u);
  }
  Answer("/held");

  // Nothing listens any more.
  auto refused = Fetch(Get("/after"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnavailable);
}

TEST_F(HttpTest, DestroyingTheServerWithOpenConnectionsIsSafe) {
  StartHoldingServer(ServerOptions());
  MakeClient(ClientOptions());
  Mailbox<Result<HttpResponse>> results;
  for (int i = 0; i < 4; ++i) SendAsync(Get("/" + std::to_string(i)), &results);
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 4; }));
  server_.reset();
  for (int i = 0; i < 4; ++i) {
    auto result = results.Pop();
    ASSERT_TRUE(result.has_value());
    EXPECT_FALSE(result->ok());
  }
}

TEST_F(HttpTest, DestroyingTheClientWithRequestsInFlightIsSafe) {
  StartHoldingServer(ServerOptions());
  HttpClientOptions options = ClientOptions();
  options.max_connections = 2;
  MakeClient(options);
  auto called = std::make_shared<std::atomic<int>>(0);
  CallBlocking(client_reactor_, [&] {
    for (int i = 0; i < 5; ++i) {
      client_->Send(Get("/" + std::to_string(i)), [called](Result<HttpResponse>) { ++*called; });
    }
  });
  ASSERT_TRUE(WaitUntil([&] { return PendingCount() == 2; }));
  CallBlocking(client_reactor_, [&] { client_.reset(); });
  Answer("/0");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(called->load(), 0);
}

TEST_F(HttpTest, ClosedPortFailsFast) {
  HttpClientOptions options;
  options.base_url = "http://127.0.0.1:" + std::to_string(testing::UnusedPort());
  MakeClient(options);
  auto start = std::chrono::steady_clock::now();
  auto response = Fetch(Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kUnavailable);
  EXPECT_NE(response.error().message().find("connect to 127.0.0.1"), std::string::npos)
      << response.error().message();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(ClientConnections(), 0u);
}

TEST_F(HttpTest, TimeoutIsHonoured) {
  StartHoldingServer(ServerOptions());
  HttpClientOptions options = ClientOptions();
  options.timeout = std::chrono::milliseconds(300);
  MakeClient(options);
  auto response = Fetch(Get("/slow"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kDeadlineExceeded) << response.error().ToString();

  // A server that accepts TCP connections but never answers.
  testing::SilentListener silent;
  CallBlocking(client_reactor_, [this] { client_.reset(); });
  HttpClientOptions silent_options;
  silent_options.base_url = "http://127.0.0.1:" + std::to_string(silent.port());
  silent_options.timeout = std::chrono::milliseconds(300);
  MakeClient(silent_options);
  response = Fetch(Get("/"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kDeadlineExceeded) << response.error().ToString();
}

TEST_F(HttpTest, StaleKeepAliveConnectionIsReopened) {
  HttpServerOptions options = ServerOptions();
  options.idle_timeout = std::chrono::milliseconds(200);
  StartEchoServer(options);
  MakeClient(ClientOptions());
  ASSERT_TRUE(Fetch(Get("/first")).ok());
  // The server closes the idle connection; the client only finds out when it reuses it.
  ASSERT_TRUE(WaitUntil([&] { return server_->open_connections() == 0; }));
  auto second = Fetch(Get("/second"));
  ASSERT_TRUE(second.ok()) << second.error().ToString();
  EXPECT_EQ(second->body, "GET /second ");
  EXPECT_EQ(ClientConnections(), 1u);
}

TEST_F(HttpTest, ResponseBodyLimit) {
  StartServer(
      [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) {
        respond(HttpResponse{.status = 200, .headers = {}, .body = std::string(1000, 'x')});
      },
      ServerOptions());
  HttpClientOptions options = ClientOptions();
  options.max_body_bytes = 999;
  MakeClient(options);
  auto response = Fetch(Get("/big"));
  ASSERT_FALSE(response.ok());
  EXPECT_EQ(response.error().code(), ErrorCode::kResourceExhausted);
}

TEST_F(HttpTest, RequestLimitsGive413And431) {
  HttpServerOptions options = ServerOptions();
  options.max_message_bytes = 1024;
  options.max_header_bytes = 2048;
  StartEchoServer(options);
  MakeClient(ClientOptions());
  HttpRequest big_body;
  big_body.method = "POST";
  big_body.target = "/upload";
  big_body.body = std::string(1025, 'b');
  auto response = Fetch(big_body);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 413);

  HttpRequest big_header = Get("/");
  big_header.headers = {{"X-Big", std::string(4096, 'h')}};
  response = Fetch(big_header);
  ASSERT_TRUE(response.ok()) << response.error().ToString();
  EXPECT_EQ(response->status, 431);

  response = Fetch(Get("/fine"));
  ASSERT_TRUE(response.ok());
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpTest, GarbageGets400AndTheServerKeepsServing) {
  StartEchoServer(ServerOptions());
  MakeClient(ClientOptions());
  ASSERT_TRUE(Fetch(Get("/before")).ok());

  const std::string garbage[] = {
      std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11),  // a TLS hello
      "GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
      "NOT HTTP AT ALL\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
      std::string(64 << 10, '\xff'),
  };
  for (const auto& bytes : garbage) {
    testing::RawConnection raw(server_->port());
    ASSERT_TRUE(raw.connected());
    raw.Write(bytes);
    bool closed = false;
    std::string answer = raw.ReadUntilClosed(std::chrono::seconds(10), &closed);
    EXPECT_TRUE(closed);
    EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  }
  // A client that connects and leaves without a word.
  { testing::RawConnection silent(server_->port()); }

  auto after = Fetch(Get("/after"));
  ASSERT_TRUE(after.ok()) << after.error().ToString();
  EXPECT_EQ(after->body, "GET /after ");
  EXPECT_TRUE(WaitUntil([&] { return server_->open_connections() == 1; }));
}

TEST_F(HttpTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  HttpServerOptions options = ServerOptions();
  options.idle_timeout = std::chrono::milliseconds(200);
  StartEchoServer(options);
  testing::RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  raw.Write("GET /partial HTTP/1.1\r\nHo");  // and never the rest
  bool closed = false;
  raw.ReadUntilClosed(std::chrono::seconds(10), &closed);
  EXPECT_TRUE(closed);
}

TEST_F(HttpTest, ConnectionCloseIsHonoured) {
  StartEchoServer(ServerOptions());
  testing::RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  raw.Write(
      "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  bool closed = false;
  std::string answer = raw.ReadUntilClosed(std::chrono::seconds(10), &closed);
  EXPECT_TRUE(closed);
  EXPECT_NE(answer.find("GET /a "), std::string::npos) << answer;  // pipelined, in order
  EXPECT_NE(answer.find("GET /b "), std::string::npos) << answer;
  EXPECT_LT(answer.find("GET /a "), answer.find("GET /b "));
}

TEST_F(HttpTest, UpgradeRequestsGoToTheHttpHandlerWithoutAnUpgradeHandler) {
  StartEchoServer(ServerOptions());
  testing::RawConnection raw(server_->port());
  ASSERT_TRUE(raw.connected());
  raw.Write(
      "GET /gw HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, close\r\nUpgrade: websocket\r\n"
      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
  bool closed = false;
  std::string answer = raw.ReadUntilClosed(std::chrono::seconds(10), &closed);
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 200")) << answer;
  EXPECT_NE(answer.find("GET /gw "), std::string::npos) << answer;
}

TEST_F(HttpTest, StartFailsOnBadOptions) {
  HttpServerOptions none;
  auto handler = [](HttpRequest, UniqueFunction<void(HttpResponse)> respond) { respond({}); };
  EXPECT_FALSE(HttpServer::Start(none, handler).ok());
  HttpServerOptions bad_host = ServerOptions();
  bad_host.host = "not an address";
  EXPECT_FALSE(HttpServer::Start(bad_host, handler).ok());

  StartEchoServer(ServerOptions());
  HttpServerOptions taken = ServerOptions();
  taken.port = server_->port();
  auto second = HttpServer::Start(taken, handler);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace pylon::net
