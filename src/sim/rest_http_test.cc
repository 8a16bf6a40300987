// Copyright 2026 The Pylon Gateway Authors.
// The REST simulator over real HTTP on loopback: a SimServer in-process, net::HttpClient on
// another reactor. Token from the admin API, /gateway/bot, a multipart message, added latency,
// 5xx faults, an interaction round trip.

#include <chrono>
#include <future>
#include <memory>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "net/http_client.h"
#include "sim/sim_server.h"
#include "sim/test_util.h"

namespace pylon::sim {
namespace {

using namespace pylon::sim::testing;  // NOLINT: test helpers

class RestHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_reactor_.Start();
    client_reactor_.Start();
    SimOptions options;
    options.world = SmallConfig();
    options.world.guilds = 3;
    auto started = SimServer::Start(server_reactor_, std::move(options));
    ASSERT_TRUE(started.ok()) << started.error().ToString();
    server_ = std::move(*started);
    CallBlocking(client_reactor_, [&] {
      net::HttpClientOptions o;
      o.base_url = server_->base_url();
      o.timeout = std::chrono::seconds(10);
      client_ = std::make_unique<net::HttpClient>(client_reactor_, o);
    });
  }

  void TearDown() override {
    CallBlocking(client_reactor_, [&] { client_.reset(); });
    if (server_) server_->Stop();
    server_.reset();
    client_reactor_.Stop();
    server_reactor_.Stop();
  }

  net::HttpResponse Send(std::string method, std::string target, std::string body = "",
                         std::vector<net::Header> headers = {}) {
    net::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(target);
    request.body = std::move(body);
    request.headers = std::move(headers);
    std::promise<Result<net::HttpResponse>> promise;
    auto future = promise.get_future();
    client_reactor_.Post([&] {
      client_->Send(std::move(request),
                    [&promise](Result<net::HttpResponse> r) { promise.set_value(std::move(r)); });
    });
    Result<net::HttpResponse> result = future.get();
    EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().ToString());
    return result.ok() ? *result : net::HttpResponse{};
  }

  std::string BotToken() {
    auto r = Send("GET", "/_sim/bots");
    simdjson::dom::parser parser;
    return std::string(parser.parse(r.body).at(0)["token"].get_string().value_unsafe());
  }

  std::vector<net::Header> Auth(const std::string& token,
                                std::string content_type = "application/json") {
    return {{"Authorization", "Bot " + token}, {"Content-Type", std::move(content_type)}};
  }

  Reactor server_reactor_{0, "sim"};
  Reactor client_reactor_{1, "client"};
  std::unique_ptr<SimServer> server_;
  std::unique_ptr<net::HttpClient> client_;
};

TEST_F(RestHttpTest, GatewayBotWithTheAdminToken) {
  std::string token = BotToken();
  ASSERT_FALSE(token.empty());
  auto r = Send("GET", "/api/v10/gateway/bot", "", Auth(token));
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::parser parser;
  auto body = parser.parse(r.body);
  std::string_view url = body["url"].get_string().value_unsafe();
  EXPECT_TRUE(url.starts_with("ws://127.0.0.1:")) << url;
  EXPECT_EQ(r.header("X-RateLimit-Limit"), "5");
  EXPECT_EQ(Send("GET", "/api/v10/gateway/bot").status, 401);
  EXPECT_EQ(Send("GET", "/api/v10/gateway").status, 200);
}

TEST_F(RestHttpTest, MultipartMessageChangesTheWorld) {
  std::string token = BotToken();
  auto [channel, bot] = *CallBlocking(server_reactor_, [&] {
    const Guild& g = *server_->world().guilds()[0];
    for (const Channel& c : g.channels) {
      if (c.type == ChannelType::kText) return std::make_pair(c.id, server_->world().bots()[0].id);
    }
    return std::make_pair(ChannelId(), UserId());
  });
  ASSERT_FALSE(channel.is_zero());
  std::string body =
      "--abc\r\nContent-Disposition: form-data; name=\"payload_json\"\r\n\r\n"
      "{\"content\":\"over http\"}\r\n"
      "--abc\r\nContent-Disposition: form-data; name=\"files[0]\"; filename=\"x.bin\"\r\n"
      "Content-Type: application/octet-stream\r\n\r\n"
      "\x01\x02\x03\r\n--abc--\r\n";
  auto r = Send("POST", "/api/v10/channels/" + channel.ToString() + "/messages", body,
                Auth(token, "multipart/form-data; boundary=abc"));
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::parser parser;
  auto m = parser.parse(r.body);
  EXPECT_EQ(std::string_view(m["attachments"].at(0)["filename"].get_string().value_unsafe()),
            "x.bin");
  auto id = MessageId::Parse(m["id"].get_string().value_unsafe());
  ASSERT_TRUE(id.ok());
  std::string content = *CallBlocking(server_reactor_, [&] {
    const Message* held = server_->world().FindMessage(channel, *id);
    return held ? held->content : std::string("<missing>");
  });
  EXPECT_EQ(content, "over http");
  (void)bot;
}

TEST_F(RestHttpTest, LatencyFaultsAndStats) {
  std::string token = BotToken();
  ASSERT_EQ(Send("POST", "/_sim/rest/latency", R"({"ms":150})").status, 200);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Send("GET", "/api/v10/users/@me", "", Auth(token)).status, 200);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(150));
  ASSERT_EQ(Send("POST", "/_sim/rest/latency", R"({"ms":0})").status, 200);

  ASSERT_EQ(Send("POST", "/_sim/rest/faults", R"({"status":500,"count":1})").status, 200);
  auto r = Send("GET", "/api/v10/users/@me", "", Auth(token));
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"message":"500: Internal Server Error","code":0})");
  EXPECT_EQ(Send("GET", "/api/v10/users/@me", "", Auth(token)).status, 200);

  r = Send("GET", "/_sim/rest/stats");
  ASSERT_EQ(r.status, 200);
  simdjson::dom::parser parser;
  auto stats = parser.parse(r.body);
  EXPECT_EQ(stats["responses_by_status"]["500"].get_uint64().value_unsafe(), 1u);
  EXPECT_EQ(stats["requests_by_route"]["GET /users/@me"].get_uint64().value_unsafe(), 2u);
  simdjson::dom::object bots = stats["bots"].get_object().value_unsafe();
  ASSERT_EQ(bots.size(), 1u);
  for (auto [key, value] : bots) EXPECT_GE(value["max_per_second"].get_uint64().value_unsafe(), 1u);
  EXPECT_EQ(Send("POST", "/_sim/rest/reset").status, 200);
  r = Send("GET", "/_sim/rest/stats");
  EXPECT_NE(r.body.find("\"requests\":0"), std::string::npos);
}

TEST_F(RestHttpTest, InteractionRoundTrip) {
  auto ids = *CallBlocking(server_reactor_, [&] {
    const Guild& g = *server_->world().guilds()[0];
    ChannelId text;
    for (const Channel& c : g.channels) {
      if (c.type == ChannelType::kText) text = c.id;
    }
    UserId human;
    for (const Member& m : g.members) {
      if (!server_->world().user(m.user).bot) human = server_->world().user(m.user).id;
    }
    return std::make_tuple(g.id, text, human);
  });
  auto [guild, channel, user] = ids;
  auto r = Send("POST", "/_sim/rest/interactions",
                R"({"guild_id":")" + guild.ToString() + R"(","channel_id":")" + channel.ToString() +
                    R"(","user_id":")" + user.ToString() + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  simdjson::dom::parser parser;
  auto made = parser.parse(r.body);
  std::string id(made["id"].get_string().value_unsafe());
  std::string token(made["token"].get_string().value_unsafe());
  r = Send("POST", "/api/v10/interactions/" + id + "/" + token + "/callback",
           R"({"type":4,"data":{"content":"hi from the callback"}})",
           {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 204) << r.body;
}

}  // namespace
}  // namespace pylon::sim
