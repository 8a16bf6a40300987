// Copyright 2026 The Pylon Gateway Authors.
// How fast one simulator core emits MESSAGE_CREATE to a gateway client, flat out: world
// mutation, JSON rendering, transport compression and websocket framing on the simulator's
// reactor; a client on a second reactor counts the messages (it does not inflate them). Each
// iteration generates kBatch events and waits until the client has them all.
//
//   scripts/build release sim_emit_bench && build/release/bench/sim_emit_bench
//
// Arg: 0 no compression, 1 zlib-stream (zlib level 1), 6 zlib-stream (level 6, Discord-like),
// 100 zlib-stream (FastDeflateStream), 200 zstd-stream (level 1).

#include <time.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include <benchmark/benchmark.h>

#include "net/http_server.h"
#include "net/websocket.h"
#include "sim/event_generator.h"
#include "sim/gateway.h"

namespace pylon::sim {
namespace {

constexpr uint64_t kBatch = 20000;

struct Setup {
  explicit Setup(int mode) {
    sim_reactor.Start();
    client_reactor.Start();
    GatewayOptions options;
    options.heartbeat_interval = std::chrono::seconds(60);
    options.replay_buffer_events = 1000;
    options.zlib_level = mode == 6 ? 6 : 1;
    options.fast_zlib = mode == 100;
    options.zstd_level = 1;
    CallBlocking(sim_reactor, [&] {
      WorldConfig config;
      config.guilds = 50;
      config.members = 20000;
      world = std::make_unique<World>(config, SystemClock());
      gateway = std::make_unique<GatewayServer>(sim_reactor, *world, SystemClock(), options);
      EventGeneratorConfig generator_config;
      generator_config.mix = EventMix::Only(EventKind::kMessageCreate);
      generator = std::make_unique<EventGenerator>(world.get(), generator_config);
    });
    net::HttpServerOptions http;
    http.reactors = {&sim_reactor};
    server = std::move(*net::HttpServer::Start(
        http, [](net::HttpRequest, UniqueFunction<void(net::HttpResponse)> r) { r({404}); },
        [this](const net::HttpRequest& request, net::UpgradeDecision decision) {
          gateway->HandleUpgrade(request, std::move(decision));
        }));
    std::string compress = mode == 0     ? ""
                           : mode == 200 ? "&compress=zstd-stream"
                                         : "&compress=zlib-stream";
    std::string url =
        "ws://127.0.0.1:" + std::to_string(server->port()) + "/?v=10&encoding=json" + compress;
    net::WebSocketClientOptions client_options;
    client_options.url = url;
    net::WebSocket::Handlers handlers;
    handlers.on_message = [this](std::string_view, bool) {
      uint64_t n = received.fetch_add(1, std::memory_order_relaxed) + 1;
      if (n == target.load(std::memory_order_relaxed)) {
        std::lock_guard lock(mutex);
        reached.notify_all();
      }
    };
    std::promise<net::WebSocketPtr> connected;
    net::ConnectWebSocket(client_reactor, client_options, handlers,
                          [&](Result<net::WebSocketPtr> ws) { connected.set_value(*ws); });
    socket = connected.get_future().get();
    std::string token = *CallBlocking(sim_reactor, [&] { return world->bots()[0].token.reveal(); });
    std::string identify =
        R"({"op":2,"d":{"token":")" + token +
        R"(","intents":98303,"properties":{"os":"x","browser":"x","device":"x"}}})";
    CallBlocking(client_reactor, [&] { socket->Send(identify, false); });
    // HELLO + READY + GUILD_CREATEs.
    WaitFor(2 + world->guilds().size());
  }
  ~Setup() {
    CallBlocking(client_reactor, [&] {
      socket->SetHandlers({});
      socket->Drop();
    });
    server->Stop();
    CallBlocking(sim_reactor, [&] {
      generator.reset();
      gateway.reset();
      world.reset();
    });
    client_reactor.Stop();
    sim_reactor.Stop();
  }

  Reactor sim_reactor{0, "sim"};
  Reactor client_reactor{1, "client"};
  std::unique_ptr<World> world;
  std::unique_ptr<GatewayServer> gateway;
  std::unique_ptr<EventGenerator> generator;
  std::unique_ptr<net::HttpServer> server;
  net::WebSocketPtr socket;
  // Blocks (without spinning: the two reactors need both cores) until `n` messages arrived.
  void WaitFor(uint64_t n) {
    std::unique_lock lock(mutex);
    target.store(n);
    reached.wait(lock, [&] { return received.load() >= n; });
  }

  std::atomic<uint64_t> received{0};
  std::atomic<uint64_t> target{0};
  std::mutex mutex;
  std::condition_variable reached;
};

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// items_per_second: events per second of wall time (the client's reactor and, on a busy machine,
// other processes compete for the cores). sim_cpu_ev_per_s: events per CPU-second of the
// simulator's reactor thread, i.e. what one simulator core emits flat out.
void BM_EmitMessageCreate(benchmark::State& state) {
  Setup setup(static_cast<int>(state.range(0)));
  uint64_t bytes_before = 0;
  const double cpu_before = *CallBlocking(setup.sim_reactor, [] { return ThreadCpuSeconds(); });
  for (auto _ : state) {
    uint64_t target = setup.received.load() + kBatch;
    // In slices, so that the reactor writes to the socket while it generates.
    for (uint64_t done = 0; done < kBatch; done += 1000) {
      setup.sim_reactor.Post([&setup] { (void)setup.generator->StepN(1000); });
    }
    setup.WaitFor(target);
  }
  (void)bytes_before;
  const double cpu_after = *CallBlocking(setup.sim_reactor, [] { return ThreadCpuSeconds(); });
  state.SetItemsProcessed(state.iterations() * kBatch);
  state.counters["sim_cpu_ev_per_s"] =
      static_cast<double>(state.iterations() * kBatch) / (cpu_after - cpu_before);
}
BENCHMARK(BM_EmitMessageCreate)
    ->Arg(0)
    ->Arg(100)
    ->Arg(1)
    ->Arg(6)
    ->Arg(200)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylon::sim

BENCHMARK_MAIN();
