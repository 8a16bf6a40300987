// Copyright 2026 The Pylon Gateway Authors.
// The Discord-compatible endpoint (compat_endpoint.h) served by a real HTTP server on loopback,
// in front of the proxy and the in-process simulator: unknown tokens are answered 401 without
// reaching the simulator, answers pass through with Discord's headers, a flood from several
// connections plus typed calls shares one limiter and causes no 429, a request that cannot go in
// time is a Discord-shaped 429, and token routes work without a bot token.

#include "rest/compat_endpoint.h"

#include <simdjson.h>

#include <future>

#include "net/http_client.h"
#include "net/http_server.h"
#include "rest/rest_test_fixture.h"

namespace pylon::rest {
namespace {

using testing::Describe;
using testing::RestFixture;
using testing::RestFixtureOptions;

RestFixtureOptions Options() {
  RestFixtureOptions options;
  options.engine = false;
  options.sim = pylon::testing::SmallSim(/*guilds=*/2, /*members=*/200);
  options.sim.world.messages_per_channel = 3;
  options.sim.world.rest_global_limit = 100;  // above ours (50): the simulator's window is fixed
  return options;
}

// The endpoint on its own HTTP server, and a client talking to it.
class CompatServer {
 public:
  explicit CompatServer(RestFixture& f) : f_(f) {
    server_reactor_.Start();
    client_reactor_.Start();
    endpoint_ = std::make_unique<CompatEndpoint>(
        f.proxy(), f.clock(), [&f](std::string_view token) -> std::optional<CompatBot> {
          if (token != f.token().reveal()) return std::nullopt;
          CompatBot bot;
          bot.bot = f.bot();
          bot.application = ApplicationId(f.bot().value());
          bot.token = f.token();
          return bot;
        });
    net::HttpServerOptions options;
    options.reactors = {&server_reactor_};
    auto server = net::HttpServer::Start(
        options, [this](net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> done) {
          if (!CompatEndpoint::Handles(request.path())) {
            done({404, {}, "not found"});
            return;
          }
          endpoint_->Handle(std::move(request), std::move(done));
        });
    EXPECT_TRUE(server.ok());
    server_ = std::move(*server);
    net::HttpClientOptions client;
    client.base_url = server_->base_url();
    client.max_connections = 64;
    client_ = std::make_unique<net::HttpClient>(client_reactor_, client);
  }
  ~CompatServer() {
    CallBlocking(client_reactor_, [&] { client_.reset(); });
    client_reactor_.Stop();
    server_->Stop();
    server_reactor_.Stop();
  }

  std::future<net::HttpResponse> SendAsync(const std::string& method, const std::string& target,
                                           const std::string& body = "",
                                           std::vector<net::Header> headers = {},
                                           bool authorize = true) {
    net::HttpRequest request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = std::move(headers);
    if (authorize) request.headers.push_back({"Authorization", "Bot " + f_.token().reveal()});
    if (!body.empty()) request.headers.push_back({"Content-Type", "application/json"});
    auto promise = std::make_shared<std::promise<net::HttpResponse>>();
    auto future = promise->get_future();
    client_reactor_.Post([this, request = std::move(request), promise]() mutable {
      client_->Send(std::move(request), [promise](Result<net::HttpResponse> r) {
        promise->set_value(r.ok() ? std::move(*r) : net::HttpResponse{0, {}, r.error().message()});
      });
    });
    return future;
  }
  net::HttpResponse Send(const std::string& method, const std::string& target,
                         const std::string& body = "", std::vector<net::Header> headers = {},
                         bool authorize = true) {
    return SendAsync(method, target, body, std::move(headers), authorize).get();
  }

  CompatEndpoint& endpoint() { return *endpoint_; }

 private:
  RestFixture& f_;
  Reactor server_reactor_{0, "compat"};
  Reactor client_reactor_{0, "client"};
  std::unique_ptr<CompatEndpoint> endpoint_;
  std::unique_ptr<net::HttpServer> server_;
  std::unique_ptr<net::HttpClient> client_;
};

ChannelId FirstTextChannel(RestFixture& f, GuildId* guild) {
  return f.Sim([&] {
    const sim::World& w = f.sim().world();
    *guild = w.bots()[0].guilds[0];
    for (const sim::Channel& c : w.FindGuild(*guild)->channels) {
      if (c.type == sim::ChannelType::kText) return c.id;
    }
    return ChannelId();
  });
}

TEST(RestCompatTest, UnknownTokensNeverReachDiscord) {
  RestFixture f(Options());
  CompatServer compat(f);
  const std::string me = "/api/v10/users/@me";
  net::HttpResponse wrong =
      compat.Send("GET", me, "", {{"Authorization", "Bot not-a-token-of-ours"}}, false);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body, R"({"message":"401: Unauthorized","code":0})");
  EXPECT_EQ(compat.Send("GET", me, "", {{"Authorization", "Bearer abc"}}, false).status, 401);
  EXPECT_EQ(compat.Send("GET", me, "", {}, false).status, 401);
  EXPECT_EQ(f.SimRequests("GET /users/@me"), 0u);
  EXPECT_EQ(compat.endpoint().stats().unauthorized, 3u);

  net::HttpResponse ok = compat.Send("GET", me);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_NE(ok.body.find("\"id\":\"" + f.bot().ToString() + "\""), std::string::npos) << ok.body;
  // Discord's headers come through: a client library can still read its limits.
  EXPECT_FALSE(ok.header("X-RateLimit-Bucket").empty());
  EXPECT_FALSE(ok.header("X-RateLimit-Remaining").empty());
  EXPECT_EQ(ok.header("Content-Type").substr(0, 16), "application/json");
  EXPECT_EQ(f.SimRequests("GET /users/@me"), 1u);
  // Discord's own errors pass through as they are.
  net::HttpResponse missing = compat.Send("GET", "/api/v10/users/12345");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.body.find("10013"), std::string::npos) << missing.body;
}

TEST(RestCompatTest, FloodSharesTheBotsLimiterWithTypedCalls) {
  RestFixture f(Options());
  CompatServer compat(f);
  GuildId guild;
  ChannelId channel = FirstTextChannel(f, &guild);
  f.SimAdmin("POST", "buckets", R"({"bucket":"create_message","limit":5,"window_ms":500})");
  const std::string target = "/api/v10/channels/" + channel.ToString() + "/messages";
  // 10x the bucket's limit over many connections at once, and typed calls into the same bucket.
  std::vector<std::future<net::HttpResponse>> raw;
  for (int i = 0; i < 40; ++i) {
    raw.push_back(compat.SendAsync("POST", target,
                                   "{\"content\":\"compat " + std::to_string(i) + "\"}",
                                   {{"X-Pylon-Max-Ratelimit-Ms", "30000"}}));
  }
  std::vector<std::future<rpb::CreateMessageResponse>> typed;
  for (int i = 0; i < 10; ++i) {
    rpb::CreateMessageRequest r;
    r.set_channel_id(channel.value());
    r.set_content("typed " + std::to_string(i));
    typed.push_back(
        f.CallAsync<CreateMessageMethod>(r, f.Options(guild, std::chrono::seconds(30))));
  }
  for (auto& future : raw) {
    net::HttpResponse r = future.get();
    EXPECT_EQ(r.status, 200) << r.body;
  }
  for (auto& future : typed) {
    auto r = future.get();
    EXPECT_TRUE(r.has_data()) << Describe(r);
  }
  EXPECT_EQ(f.SimRequests("POST /channels/{channel_id}/messages"), 50u);
  std::string stats = f.SimStats();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(stats);
  EXPECT_EQ(root["rate_limited"].get_object().size(), 0u) << stats;
  auto limiter = f.proxy().LimiterStatsOf(f.bot());
  ASSERT_TRUE(limiter);
  EXPECT_EQ(limiter->submitted, 50u);
  EXPECT_EQ(limiter->discord_429_user + limiter->discord_429_global, 0u);
}

TEST(RestCompatTest, ARequestThatCannotGoInTimeIsADiscordShaped429) {
  RestFixture f(Options());
  CompatServer compat(f);
  GuildId guild;
  ChannelId channel = FirstTextChannel(f, &guild);
  f.SimAdmin("POST", "buckets", R"({"bucket":"get_pins","limit":1,"window_ms":5000})");
  const std::string pins = "/api/v10/channels/" + channel.ToString() + "/pins";
  ASSERT_EQ(compat.Send("GET", pins).status, 200);
  net::HttpResponse r = compat.Send("GET", pins, "", {{"X-Pylon-Max-Ratelimit-Ms", "200"}});
  ASSERT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(r.header("X-RateLimit-Scope"), "user");
  EXPECT_EQ(r.header("X-Pylon-Refused"), "1");
  EXPECT_TRUE(r.header("X-RateLimit-Global").empty());
  simdjson::dom::parser parser;
  simdjson::dom::element body = parser.parse(r.body);
  double retry_after = 0;
  ASSERT_EQ(body["retry_after"].get_double().get(retry_after), simdjson::SUCCESS) << r.body;
  EXPECT_GT(retry_after, 3.5);
  EXPECT_LT(retry_after, 6.5);
  EXPECT_FALSE(bool(body["global"]));
  int retry_header = std::stoi(std::string(r.header("Retry-After")));
  EXPECT_GE(retry_header, 4);
  EXPECT_LE(retry_header, 7);
  EXPECT_EQ(f.SimRequests("GET /channels/{channel_id}/pins"), 1u);
  EXPECT_EQ(compat.endpoint().stats().refused, 1u);
}

TEST(RestCompatTest, TokenRoutesNeedNoBotToken) {
  RestFixture f(Options());
  CompatServer compat(f);
  GuildId guild;
  ChannelId channel = FirstTextChannel(f, &guild);
  UserId user = f.Sim([&] {
    const sim::Guild& g = *f.sim().world().FindGuild(guild);
    for (const sim::Member& m : g.members) {
      const sim::User& u = f.sim().world().user(m.user);
      if (!u.bot) return u.id;
    }
    return UserId();
  });
  std::string made =
      f.SimAdmin("POST", "interactions",
                 "{\"guild_id\":\"" + guild.ToString() + "\",\"channel_id\":\"" +
                     channel.ToString() + "\",\"user_id\":\"" + user.ToString() + "\"}");
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(made);
  std::string_view id, token, application;
  ASSERT_EQ(root["id"].get_string().get(id), simdjson::SUCCESS) << made;
  ASSERT_EQ(root["token"].get_string().get(token), simdjson::SUCCESS);
  ASSERT_EQ(root["application_id"].get_string().get(application), simdjson::SUCCESS);
  net::HttpResponse callback = compat.Send(
      "POST", "/api/v10/interactions/" + std::string(id) + "/" + std::string(token) + "/callback",
      R"({"type":4,"data":{"content":"pong via compat"}})", {}, /*authorize=*/false);
  EXPECT_GE(callback.status, 200) << callback.body;
  EXPECT_LT(callback.status, 300) << callback.body;
  EXPECT_EQ(f.Sim([&] { return f.sim().world().FindChannel(channel)->messages.newest().content; }),
            "pong via compat");
  net::HttpResponse followup = compat.Send(
      "POST", "/api/v10/webhooks/" + std::string(application) + "/" + std::string(token),
      R"({"content":"follow-up via compat"})", {}, /*authorize=*/false);
  EXPECT_EQ(followup.status, 200) << followup.body;
  // A bot route still needs the bot's token.
  EXPECT_EQ(compat.Send("GET", "/api/v10/users/@me", "", {}, false).status, 401);
}

}  // namespace
}  // namespace pylon::rest
