// Copyright 2026 The Pylon Gateway Authors.
// The latency the REST proxy adds: the same GET /channels/{c}/messages/{m} requests, at a fixed
// open-loop rate spread over many buckets (one per channel), sent (a) straight to the in-process
// simulator with an HttpClient, and (b) through RestProxy::Call<GetChannelMessageMethod> (build,
// limiter, HTTP, JSON -> MessageData). The simulator's limits are raised so that nothing waits in
// a bucket; what remains is the proxy's own cost. Both paths start with a post to a reactor.
// (c) is the Discord-compatible endpoint (compat_endpoint.h): the same raw request as (a), sent
// with an HttpClient to an HttpServer serving CompatEndpoint in front of the same proxy.
//
//   flock /tmp/pylon-build.lock cmake --build build/release -j2 --target rest_bench
//   build/release/bench/rest_bench
//
// Counters (microseconds): direct_p50/p99, proxy_p50/p99, added_p50/p99 (proxy minus direct),
// compat_p50/p99 and compat_added_p50/p99 (compatible endpoint minus direct), and the CPU the
// working threads spend per request (direct_cpu_us_per_req: the bare client's;
// proxy_cpu_us_per_req; compat_cpu_us_per_req), which depends much less than the latencies on what
// else runs.

#include <benchmark/benchmark.h>

#include <time.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>
#include <vector>

#include "net/http_client.h"
#include "net/http_server.h"
#include "rest/compat_endpoint.h"
#include "rest/rest_proxy.h"
#include "sim/sim_server.h"

namespace pylon::rest {
namespace {

using namespace std::chrono_literals;

constexpr double kRate = 2000;  // requests per second
constexpr int kRequests = 10000;  // per path
constexpr int kBlocks = 10;

struct Env {
  Env() {
    sim_reactor.Start();
    sim::SimOptions options;
    options.world.seed = 11;
    options.world.guilds = 4;
    options.world.members = 400;
    options.world.max_guild_members = 200;
    options.world.channels = {70, 80};
    options.world.messages_per_channel = 3;
    options.world.now_unix_ms = SystemClock().UnixMs();
    options.world.rest_global_limit = 1000000;
    auto server = sim::SimServer::Start(sim_reactor, options, SystemClock());
    if (!server.ok()) {
      fprintf(stderr, "simulator: %s\n", server.error().ToString().c_str());
      std::abort();
    }
    sim = std::move(*server);
    CallBlocking(sim_reactor, [&] {
      const sim::World& w = sim->world();
      bot = BotId(w.bots()[0].id.value());
      token = w.bots()[0].token;
      for (GuildId g : w.bots()[0].guilds) {
        for (const sim::Channel& c : w.FindGuild(g)->channels) {
          if (c.type == sim::ChannelType::kText && !c.messages.empty()) {
            targets.push_back({g, c.id, c.messages.at(0).id});
          }
        }
      }
      net::HttpRequest raise;
      raise.method = "POST";
      raise.target = "/_sim/rest/buckets";
      raise.body = R"({"bucket":"get_messages","limit":1000000,"window_ms":1000})";
      sim->rest().HandleAdmin(raise, [](net::HttpResponse) {});
    });
    rest_pool.Start();
    RestProxyOptions proxy_options;
    proxy_options.client.api_base = sim->base_url() + "/api/v10";
    proxy_options.client.limits.global_limit = 1000000;
    proxy = std::make_unique<RestProxy>(rest_pool, SystemClock(), proxy_options);
    client_reactor.Start();
    net::HttpClientOptions http;
    http.base_url = sim->base_url();
    http.max_connections = 32;
    direct = std::make_unique<net::HttpClient>(client_reactor, http);

    compat_reactor.Start();
    compat = std::make_unique<CompatEndpoint>(
        *proxy, SystemClock(), [this](std::string_view presented) -> std::optional<CompatBot> {
          if (presented != token.reveal()) return std::nullopt;
          return CompatBot{bot, ApplicationId(bot.value()), 0, token};
        });
    net::HttpServerOptions server_options;
    server_options.reactors = {&compat_reactor};
    auto compat_started = net::HttpServer::Start(
        server_options,
        [this](net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> r) {
          compat->Handle(std::move(request), std::move(r));
        });
    if (!compat_started.ok()) std::abort();
    compat_server = std::move(*compat_started);
    net::HttpClientOptions to_compat = http;
    to_compat.base_url = compat_server->base_url();
    compat_client = std::make_unique<net::HttpClient>(client_reactor, to_compat);
  }
  ~Env() {
    CallBlocking(client_reactor, [&] {
      direct.reset();
      compat_client.reset();
    });
    client_reactor.Stop();
    compat_server->Stop();
    compat_reactor.Stop();
    proxy.reset();
    rest_pool.Stop();
    sim->Stop();
    sim_reactor.Stop();
  }

  struct Target {
    GuildId guild;
    ChannelId channel;
    MessageId message;
  };
  Reactor sim_reactor{0, "sim"};
  std::unique_ptr<sim::SimServer> sim;
  ReactorPool rest_pool{1, "rest"};
  std::unique_ptr<RestProxy> proxy;
  Reactor client_reactor{0, "direct"};
  std::unique_ptr<net::HttpClient> direct;
  Reactor compat_reactor{0, "compat"};
  std::unique_ptr<CompatEndpoint> compat;
  std::unique_ptr<net::HttpServer> compat_server;
  std::unique_ptr<net::HttpClient> compat_client;
  BotId bot;
  Secret token;
  std::vector<Target> targets;
};

Env& GetEnv() {
  static Env* env = new Env();  // lives until exit: reactors are stopped by the OS
  return *env;
}

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

// Issues `count` requests at `rate` per second; `issue(i, done)` starts request i, `done()` is
// called when it is answered. Returns the latencies in microseconds.
template <typename Issue>
std::vector<double> OpenLoop(int count, double rate, Issue issue) {
  std::vector<double> latency(count, 0);
  std::atomic<int> finished{0};
  std::promise<void> all;
  auto start = std::chrono::steady_clock::now();
  const auto interval = std::chrono::duration<double>(1.0 / rate);
  for (int i = 0; i < count; ++i) {
    std::this_thread::sleep_until(
        start + std::chrono::duration_cast<std::chrono::nanoseconds>(interval * i));
    auto t0 = std::chrono::steady_clock::now();
    issue(i, [&latency, &finished, &all, i, t0, count] {
      latency[i] =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count();
      if (finished.fetch_add(1) + 1 == count) all.set_value();
    });
  }
  all.get_future().wait();
  return latency;
}

// GET /channels/{c}/messages/{m} as raw HTTP, straight to the simulator or to the compatible
// endpoint.
std::vector<double> Raw(Env& env, int count, bool through_compat) {
  return OpenLoop(count, kRate, [&](int i, auto done) {
    const Env::Target& t = env.targets[i % env.targets.size()];
    net::HttpRequest request;
    request.target =
        "/api/v10/channels/" + t.channel.ToString() + "/messages/" + t.message.ToString();
    request.headers.push_back({"Authorization", "Bot " + env.token.reveal()});
    request.headers.push_back({"User-Agent", "DiscordBot (bench, 0.1)"});
    net::HttpClient* client = through_compat ? env.compat_client.get() : env.direct.get();
    env.client_reactor.Post([client, request = std::move(request), done]() mutable {
      client->Send(std::move(request), [done](Result<net::HttpResponse> r) {
        if (!r.ok() || r->status != 200) std::abort();
        done();
      });
    });
  });
}

std::vector<double> Proxied(Env& env, int count) {
  return OpenLoop(count, kRate, [&](int i, auto done) {
    const Env::Target& t = env.targets[i % env.targets.size()];
    rpb::GetChannelMessageRequest request;
    request.set_channel_id(t.channel.value());
    request.set_message_id(t.message.value());
    CallOptions call;
    call.bot = env.bot;
    call.guild = t.guild;
    call.token = env.token;
    call.max_wait = 10s;
    env.proxy->Call<GetChannelMessageMethod>(call, request, nullptr,
                                             [done](rpb::GetChannelMessageResponse r) {
                                               if (!r.has_data() || !r.data().has_message()) {
                                                 std::abort();
                                               }
                                               done();
                                             });
  });
}

// CPU seconds the threads of `reactors` have used so far (each asked on its own thread).
double CpuSeconds(std::initializer_list<Reactor*> reactors) {
  double total = 0;
  for (Reactor* r : reactors) {
    total += *CallBlocking(*r, [] {
      timespec ts{};
      clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
      return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
    });
  }
  return total;
}

void BM_ProxyAddedLatency(benchmark::State& state) {
  Env& env = GetEnv();
  // Warm every path (connections, learned buckets).
  Raw(env, 500, false);
  Proxied(env, 500);
  Raw(env, 500, true);
  std::vector<double> direct, proxied, compat;
  double direct_cpu = 0, proxy_cpu = 0, compat_cpu = 0;
  Reactor* rest = &env.rest_pool.at(0);
  // The three paths take turns in blocks of half a second, so that a disturbance of the machine
  // (other processes on the two cores) lands on all three alike instead of on one whole phase.
  auto append = [](std::vector<double>* all, const std::vector<double>& block) {
    all->insert(all->end(), block.begin(), block.end());
  };
  for (auto _ : state) {
    for (int block = 0; block < kBlocks; ++block) {
      double before = CpuSeconds({&env.client_reactor});
      append(&direct, Raw(env, kRequests / kBlocks, false));
      direct_cpu += CpuSeconds({&env.client_reactor}) - before;
      before = CpuSeconds({rest});
      append(&proxied, Proxied(env, kRequests / kBlocks));
      proxy_cpu += CpuSeconds({rest}) - before;
      before = CpuSeconds({rest, &env.compat_reactor});
      append(&compat, Raw(env, kRequests / kBlocks, true));
      compat_cpu += CpuSeconds({rest, &env.compat_reactor}) - before;
    }
  }
  // The proxy's own CPU per request (its reactor thread; the compatible endpoint adds its HTTP
  // server's): what it adds to a request's latency on an idle core, whatever the load.
  // Baseline: the CPU of the bare HttpClient's thread per direct request.
  state.counters["direct_cpu_us_per_req"] = direct_cpu * 1e6 / kRequests;
  state.counters["proxy_cpu_us_per_req"] = proxy_cpu * 1e6 / kRequests;
  state.counters["compat_cpu_us_per_req"] = compat_cpu * 1e6 / kRequests;
  double d50 = Percentile(direct, 0.5), d99 = Percentile(direct, 0.99);
  double p50 = Percentile(proxied, 0.5), p99 = Percentile(proxied, 0.99);
  state.counters["direct_p50_us"] = d50;
  state.counters["direct_p99_us"] = d99;
  state.counters["proxy_p50_us"] = p50;
  state.counters["proxy_p99_us"] = p99;
  state.counters["added_p50_us"] = p50 - d50;
  state.counters["added_p99_us"] = p99 - d99;
  double c50 = Percentile(compat, 0.5), c99 = Percentile(compat, 0.99);
  state.counters["compat_p50_us"] = c50;
  state.counters["compat_p99_us"] = c99;
  state.counters["compat_added_p50_us"] = c50 - d50;
  state.counters["compat_added_p99_us"] = c99 - d99;
  state.counters["buckets"] = static_cast<double>(env.targets.size());
  state.counters["rate_per_s"] = kRate;
}
BENCHMARK(BM_ProxyAddedLatency)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace
}  // namespace pylon::rest

BENCHMARK_MAIN();
