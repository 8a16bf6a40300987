// Copyright 2026 The Pylon Gateway Authors.

#include "stream_capture.h"

#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <mutex>

#include "net/http_server.h"
#include "net/websocket.h"
#include "runtime/reactor.h"
#include "sim/gateway.h"
#include "sim/world.h"

namespace pylon::bench {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "stream capture: %s\n", what.c_str());
  std::abort();
}

// The client: records every websocket message in order.
struct Recorder {
  std::mutex mutex;
  std::condition_variable arrived;
  std::vector<std::string> frames;

  void Add(std::string_view data) {
    std::lock_guard lock(mutex);
    frames.emplace_back(data);
    arrived.notify_all();
  }
  // Blocks until `n` frames arrived (or 120 s passed: a hang is a failed capture).
  void WaitFor(size_t n) {
    std::unique_lock lock(mutex);
    if (!arrived.wait_for(lock, std::chrono::seconds(120), [&] { return frames.size() >= n; })) {
      Fail("timed out waiting for frame " + std::to_string(n) + ", have " +
           std::to_string(frames.size()));
    }
  }
  size_t size() {
    std::lock_guard lock(mutex);
    return frames.size();
  }
};

}  // namespace

CapturedStream CaptureStream(const CaptureOptions& options) {
  Reactor sim_reactor{0, "sim"};
  Reactor client_reactor{1, "capture"};
  sim_reactor.Start();
  client_reactor.Start();

  sim::GatewayOptions gateway_options;
  gateway_options.heartbeat_interval = std::chrono::seconds(600);
  gateway_options.replay_buffer_events = 16;
  gateway_options.zlib_level = options.zlib_level;
  gateway_options.zstd_level = options.zstd_level;
  gateway_options.command_limit = 1'000'000;  // one op 8 per guild, at once
  gateway_options.max_queued_bytes = size_t{1} << 34;

  std::unique_ptr<sim::World> world;
  std::unique_ptr<sim::GatewayServer> gateway;
  std::unique_ptr<sim::EventGenerator> generator;
  CapturedStream out;
  std::vector<uint64_t> guild_ids;
  uint64_t expected_chunks = 0;
  CallBlocking(sim_reactor, [&] {
    sim::WorldConfig config;
    config.seed = options.world_seed;
    config.guilds = options.guilds;
    config.members = options.members;
    world = std::make_unique<sim::World>(config, SystemClock());
    gateway =
        std::make_unique<sim::GatewayServer>(sim_reactor, *world, SystemClock(), gateway_options);
    sim::EventGeneratorConfig generator_config;
    generator_config.seed = options.generator_seed;
    generator_config.mix = options.mix;
    generator = std::make_unique<sim::EventGenerator>(world.get(), generator_config);
    for (const auto& guild : world->guilds()) {
      guild_ids.push_back(guild->id.value());
      out.members += guild->members.size();
      expected_chunks += std::max<uint64_t>(1, (guild->members.size() + 999) / 1000);
    }
    out.guilds = world->guilds().size();
    out.bot_user = world->bots()[0].id.value();
  });

  net::HttpServerOptions http;
  http.reactors = {&sim_reactor};
  auto server = net::HttpServer::Start(
      http, [](net::HttpRequest, UniqueFunction<void(net::HttpResponse)> r) { r({404}); },
      [&](const net::HttpRequest& request, net::UpgradeDecision decision) {
        gateway->HandleUpgrade(request, std::move(decision));
      });
  if (!server.ok()) Fail("http server: " + server.error().ToString());

  std::string compress = options.compression == sim::Compression::kNone ? ""
                         : options.compression == sim::Compression::kZstdStream
                             ? "&compress=zstd-stream"
                             : "&compress=zlib-stream";
  net::WebSocketClientOptions client_options;
  client_options.url =
      "ws://127.0.0.1:" + std::to_string((*server)->port()) + "/?v=10&encoding=json" + compress;
  client_options.max_message_bytes = size_t{1} << 30;
  Recorder recorder;
  net::WebSocket::Handlers handlers;
  handlers.on_message = [&recorder](std::string_view data, bool) { recorder.Add(data); };
  std::promise<Result<net::WebSocketPtr>> connected;
  net::ConnectWebSocket(client_reactor, client_options, handlers,
                        [&](Result<net::WebSocketPtr> ws) { connected.set_value(std::move(ws)); });
  Result<net::WebSocketPtr> socket = connected.get_future().get();
  if (!socket.ok()) Fail("connect: " + socket.error().ToString());
  net::WebSocketPtr ws = *socket;

  std::string token = *CallBlocking(sim_reactor, [&] { return world->bots()[0].token.reveal(); });
  std::string identify = R"({"op":2,"d":{"token":")" + token + R"(","intents":)" +
                         std::to_string(options.intents) + R"(,"large_threshold":)" +
                         std::to_string(options.large_threshold) +
                         R"(,"properties":{"os":"linux","browser":"bench","device":"bench"}}})";
  CallBlocking(client_reactor, [&] { ws->Send(identify, false); });
  // HELLO + READY + one GUILD_CREATE per guild (one shard: all of them).
  size_t expected = 2 + guild_ids.size();
  recorder.WaitFor(expected);
  if (options.request_all_members) {
    CallBlocking(client_reactor, [&] {
      for (uint64_t id : guild_ids) {
        ws->Send(R"({"op":8,"d":{"guild_id":")" + std::to_string(id) +
                     R"(","query":"","limit":0,"presences":true}})",
                 false);
      }
    });
    expected += expected_chunks;
    recorder.WaitFor(expected);
  }

  auto session_seq = [&] {
    return *CallBlocking(sim_reactor, [&] {
      auto sessions = gateway->Sessions();
      return sessions.empty() ? uint64_t{0} : sessions[0].seq;
    });
  };
  const uint64_t seq_before = session_seq();
  if (recorder.size() != expected) Fail("unexpected frames after the setup");
  // In slices, so that the simulator's reactor writes to the socket while it generates.
  for (uint64_t done = 0; done < options.events; done += 1000) {
    uint64_t n = std::min<uint64_t>(1000, options.events - done);
    sim_reactor.Post([&generator, n] {
      Status status = generator->StepN(n);
      if (!status.ok()) Fail("generator: " + status.error().ToString());
    });
  }
  const uint64_t seq_after = session_seq();  // runs after the slices
  recorder.WaitFor(expected + (seq_after - seq_before));

  CallBlocking(client_reactor, [&] {
    ws->SetHandlers({});
    ws->Drop();
  });
  ws.reset();
  (*server)->Stop();
  CallBlocking(sim_reactor, [&] {
    out.generator_fallbacks = generator->stats().fallbacks;
    generator.reset();
    gateway->CloseAll();
    gateway.reset();
    world.reset();
  });
  client_reactor.Stop();
  sim_reactor.Stop();

  std::lock_guard lock(recorder.mutex);
  for (size_t i = 0; i < recorder.frames.size(); ++i) {
    std::string& frame = recorder.frames[i];
    if (i < expected) {
      out.setup_bytes += frame.size();
      out.setup.push_back(std::move(frame));
    } else {
      out.event_bytes += frame.size();
      out.events.push_back(std::move(frame));
    }
  }
  return out;
}

}  // namespace pylon::bench
