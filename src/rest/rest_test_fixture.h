// Copyright 2026 The Pylon Gateway Authors.
// Test-only: the Discord simulator in this process (real HTTP on loopback), optionally a ShardHost
// connected to it (so that local checks have a cache), and a RestProxy on its own reactor talking
// to the simulator as it would to Discord. Tests read the simulator's World and statistics on its
// reactor (Sim, SimAdmin) and call the proxy from the test thread (Call blocks on a future).

#pragma once

#include <simdjson.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>

#include <gtest/gtest.h>

#include "engine_fixture.h"  // tests/
#include "gateway/shard.h"
#include "rest/rest_proxy.h"
#include "rest/shard_cache_access.h"
#include "sim/sim_server.h"

namespace pylon::rest::testing {

using namespace std::chrono_literals;

struct RestFixtureOptions {
  sim::SimOptions sim;
  bool engine = true;  // a ShardHost with the bot's shard: its cache serves local checks
  LimiterOptions limits;
  uint32_t rest_reactors = 1;
  std::string api_base;  // default: the simulator's
};

// The methods a test binary has called (for the "every method" check).
inline std::set<std::string>& CalledMethods() {
  static std::set<std::string> names;
  return names;
}

class RestFixture {
 public:
  explicit RestFixture(RestFixtureOptions options) : options_(std::move(options)) {
    // Generated history ends now, so that messages are younger than 14 days.
    if (options_.sim.world.now_unix_ms == sim::WorldConfig().now_unix_ms) {
      options_.sim.world.now_unix_ms = SystemClock().UnixMs();
    }
    if (options_.engine) {
      pylon::testing::EngineFixtureOptions engine;
      engine.sim = options_.sim;
      engine_ = std::make_unique<pylon::testing::EngineFixture>(engine);
      spec_ = engine_->FirstBot();
      EXPECT_TRUE(engine_->host().AddBot(spec_).ok());
      EXPECT_TRUE(engine_->WaitReady(1));
      clock_ = &engine_->clock();
      size_t guilds =
          Sim([&] { return sim().world().FindBot(UserId(spec_.bot.value()))->guilds.size(); });
      EXPECT_TRUE(
          WaitForCache([&](const cache::ShardCache& c) { return c.Guilds().size() == guilds; }));
    } else {
      sim_reactor_ = std::make_unique<Reactor>(0, "sim");
      sim_reactor_->Start();
      auto server = sim::SimServer::Start(*sim_reactor_, options_.sim, SystemClock());
      EXPECT_TRUE(server.ok()) << (server.ok() ? "" : server.error().ToString());
      server_ = std::move(*server);
      clock_ = &SystemClock();
      Sim([&] {
        const sim::Bot& bot = sim().world().bots()[0];
        spec_.bot = BotId(bot.id.value());
        spec_.token = bot.token;
      });
    }
    rest_pool_ = std::make_unique<ReactorPool>(options_.rest_reactors, "rest");
    rest_pool_->Start();
    RestProxyOptions proxy;
    proxy.client.api_base =
        options_.api_base.empty() ? sim().base_url() + "/api/v10" : options_.api_base;
    proxy.client.limits = options_.limits;
    proxy.client.http_timeout = 10s;
    proxy_ = std::make_unique<RestProxy>(
        *rest_pool_, *clock_, proxy, engine_ ? ShardCacheRunner(engine_->host()) : CacheRunner());
  }

  ~RestFixture() {
    proxy_.reset();
    rest_pool_->Stop();
    engine_.reset();
    if (server_) {
      server_->Stop();
      server_.reset();
      sim_reactor_->Stop();
    }
  }

  sim::SimServer& sim() { return engine_ ? engine_->sim() : *server_; }
  RestProxy& proxy() { return *proxy_; }
  BotId bot() const { return spec_.bot; }
  const Secret& token() const { return spec_.token; }
  const Clock& clock() const { return *clock_; }
  pylon::testing::EngineFixture* engine() { return engine_.get(); }

  // Runs `fn` on the simulator's reactor.
  template <typename Fn>
  auto Sim(Fn fn) -> std::conditional_t<std::is_void_v<std::invoke_result_t<Fn&>>, bool,
                                        std::invoke_result_t<Fn&>> {
    return *CallBlocking(sim().reactor(), std::move(fn));
  }

  // The admin API (/_sim/rest/<what>) in process; returns the body.
  std::string SimAdmin(const std::string& method, const std::string& what,
                       const std::string& body = "") {
    return Sim([&] {
      net::HttpRequest request;
      request.method = method;
      request.target = "/_sim/rest/" + what;
      request.body = body;
      request.headers.push_back({"Content-Type", "application/json"});
      std::string out;
      sim().rest().HandleAdmin(request, [&](net::HttpResponse r) { out = std::move(r.body); });
      return out;
    });
  }

  // requests_by_route["<METHOD> <pattern>"] of the simulator's statistics.
  uint64_t SimRequests(std::string_view route) {
    std::string stats = Sim([&] { return sim().rest().RenderStatsJson(); });
    simdjson::dom::parser parser;
    uint64_t n = 0;
    if (parser.parse(stats)["requests_by_route"][route].get_uint64().get(n) != simdjson::SUCCESS) {
      return 0;
    }
    return n;
  }
  std::string SimStats() {
    return Sim([&] { return sim().rest().RenderStatsJson(); });
  }

  // Waits until `pred` holds on the bot's shard cache (engine only).
  bool WaitForCache(const std::function<bool(const cache::ShardCache&)>& pred,
                    Duration timeout = 20s) {
    if (!engine_) return false;
    BotShard shard{spec_.bot, ShardId(0)};
    return net::testing::WaitUntil(
        [&] {
          bool ok = false;
          engine_->OnShard(shard,
                           [&](gateway::Shard* s) { ok = s != nullptr && pred(s->cache()); });
          return ok;
        },
        timeout);
  }

  CallOptions Options(GuildId guild, Duration max_wait = 10s) const {
    CallOptions call;
    call.bot = spec_.bot;
    call.guild = guild;
    call.application = ApplicationId(spec_.bot.value());
    call.token = spec_.token;
    call.max_wait = max_wait;
    return call;
  }

  template <typename M>
  std::future<typename M::Response> CallAsync(const typename M::Request& request,
                                              const CallOptions& call,
                                              std::shared_ptr<CallControl> control = nullptr) {
    {
      std::lock_guard lock(mutex_);
      CalledMethods().insert(std::string(M::kName));
    }
    auto promise = std::make_shared<std::promise<typename M::Response>>();
    auto future = promise->get_future();
    proxy_->Call<M>(call, request, std::move(control),
                    [promise](typename M::Response r) { promise->set_value(std::move(r)); });
    return future;
  }

  template <typename M>
  typename M::Response Call(const typename M::Request& request, GuildId guild,
                            Duration max_wait = 10s) {
    auto future = CallAsync<M>(request, Options(guild, max_wait));
    if (future.wait_for(60s) != std::future_status::ready) {
      ADD_FAILURE() << M::kName << ": no answer within 60 s";
      return {};
    }
    return future.get();
  }

 private:
  RestFixtureOptions options_;
  std::unique_ptr<pylon::testing::EngineFixture> engine_;
  std::unique_ptr<Reactor> sim_reactor_;
  std::unique_ptr<sim::SimServer> server_;
  gateway::BotSpec spec_;
  const Clock* clock_ = nullptr;
  std::unique_ptr<ReactorPool> rest_pool_;
  std::unique_ptr<RestProxy> proxy_;
  std::mutex mutex_;
};

// "<error>" when the response is not data, for assertion messages.
template <typename Response>
std::string Describe(const Response& r) {
  if (r.has_error()) return r.error().ShortDebugString();
  return "data";
}

}  // namespace pylon::rest::testing
