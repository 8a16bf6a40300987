// Copyright 2026 The Pylon Gateway Authors.
// pylon-discord-sim: a fake Discord (gateway + REST + admin API) for tests, the demo and load.
//
//   pylon-discord-sim [--config sim.yaml] [--set key=value]... [--port N]
//
// Prints one line "LISTENING <base url>" on stdout once it serves, then runs until SIGINT or
// SIGTERM. Every setting is a config key (YAML file, PYLON_SIM_<KEY> environment variables, or
// --set); `--help-config` lists them.

#include <pthread.h>

#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include <CLI/CLI.hpp>

#include "base/config.h"
#include "base/log.h"
#include "net/tls.h"
#include "runtime/reactor.h"
#include "sim/sim_server.h"

namespace {

using pylon::ConfigSchema;

struct SimConfig {
  std::string host = "127.0.0.1";
  uint32_t port = 0;
  std::string advertised_host = "127.0.0.1";
  std::string tls_cert;
  std::string tls_key;
  std::string tls_self_signed_dir;
  std::string log_level = "info";

  uint64_t world_seed = 1;
  uint32_t world_bots = 1;
  uint32_t world_guilds = 10;
  uint64_t world_members = 1000;
  uint32_t world_users = 0;
  uint32_t world_max_guild_members = 200000;
  uint32_t world_messages_per_channel = 0;
  uint32_t world_message_depth = 100;
  bool world_privileged_intents = true;

  std::chrono::milliseconds heartbeat_interval{41250};
  double heartbeat_timeout_factor = 1.5;
  uint32_t replay_buffer = 5000;
  std::chrono::milliseconds session_timeout{180000};
  uint32_t max_concurrency = 1;
  uint32_t session_start_total = 1000;
  std::chrono::milliseconds identify_interval{5000};
  uint32_t max_guilds_per_shard = 2500;
  uint32_t zlib_level = 6;
  bool fast_zlib = false;
  uint32_t zstd_level = 3;
  std::chrono::milliseconds reconnect_close_delay{3000};

  uint32_t rest_global_limit = 50;
  uint32_t rest_invalid_request_limit = 10000;
  std::chrono::milliseconds rest_ban_duration{1800000};
  std::chrono::milliseconds rest_latency{0};
  std::vector<std::string> rest_shared_scope_routes;

  double events_rate = 0;
  bool events_flat_out = false;
  uint64_t events_seed = 1;
};

ConfigSchema<SimConfig> Schema() {
  ConfigSchema<SimConfig> s;
  s.String("listen.host", &SimConfig::host, "address to listen on (loopback by default)")
      .Integer("listen.port", &SimConfig::port, 0, 65535, "0 picks a free port")
      .String("listen.advertised_host", &SimConfig::advertised_host,
              "host name in the URLs handed out (must match the TLS certificate)")
      .String("tls.cert", &SimConfig::tls_cert, "PEM certificate: serve https:// and wss://")
      .String("tls.key", &SimConfig::tls_key, "PEM private key")
      .String("tls.self_signed_dir", &SimConfig::tls_self_signed_dir,
              "write a self-signed certificate for localhost here and serve TLS with it")
      .Choice("log.level", &SimConfig::log_level, {"trace", "debug", "info", "warn", "error"})
      .Integer("world.seed", &SimConfig::world_seed, 0, INT64_MAX)
      .Integer("world.bots", &SimConfig::world_bots, 1, 1000)
      .Integer("world.guilds", &SimConfig::world_guilds, 1, 1'000'000)
      .Integer("world.members", &SimConfig::world_members, 0, 100'000'000)
      .Integer("world.users", &SimConfig::world_users, 0, 100'000'000)
      .Integer("world.max_guild_members", &SimConfig::world_max_guild_members, 1, 10'000'000)
      .Integer("world.messages_per_channel", &SimConfig::world_messages_per_channel, 0, 1000)
      .Integer("world.message_depth", &SimConfig::world_message_depth, 1, 10000)
      .Bool("world.privileged_intents", &SimConfig::world_privileged_intents,
            "whether the bots may use GUILD_MEMBERS, GUILD_PRESENCES and MESSAGE_CONTENT")
      .Duration("gateway.heartbeat_interval", &SimConfig::heartbeat_interval)
      .Double("gateway.heartbeat_timeout_factor", &SimConfig::heartbeat_timeout_factor)
      .Integer("gateway.replay_buffer", &SimConfig::replay_buffer, 1, 10'000'000,
               "dispatches kept per session for RESUME")
      .Duration("gateway.session_timeout", &SimConfig::session_timeout)
      .Integer("gateway.max_concurrency", &SimConfig::max_concurrency, 1, 1024)
      .Integer("gateway.session_start_total", &SimConfig::session_start_total, 1, 1'000'000)
      .Duration("gateway.identify_interval", &SimConfig::identify_interval)
      .Integer("gateway.max_guilds_per_shard", &SimConfig::max_guilds_per_shard, 1, 1'000'000)
      .Integer("gateway.zlib_level", &SimConfig::zlib_level, 0, 9)
      .Bool("gateway.fast_zlib", &SimConfig::fast_zlib,
            "zlib-stream through the simulator's own fast deflate (for load; ignores zlib_level)")
      .Integer("gateway.zstd_level", &SimConfig::zstd_level, 1, 19)
      .Duration("gateway.reconnect_close_delay", &SimConfig::reconnect_close_delay)
      .Integer("rest.global_limit", &SimConfig::rest_global_limit, 1, 1'000'000)
      .Integer("rest.invalid_request_limit", &SimConfig::rest_invalid_request_limit, 1, 100'000'000)
      .Duration("rest.ban_duration", &SimConfig::rest_ban_duration)
      .Duration("rest.latency", &SimConfig::rest_latency)
      .StringList("rest.shared_scope_routes", &SimConfig::rest_shared_scope_routes,
                  "routes limited per resource (429 scope shared): \"METHOD /route LIMIT WINDOW\", "
                  "e.g. \"GET /channels/{channel_id}/messages 2 1s\"")
      .Double("events.rate", &SimConfig::events_rate, "events per second at start (0: paused)")
      .Bool("events.flat_out", &SimConfig::events_flat_out)
      .Integer("events.seed", &SimConfig::events_seed, 0, INT64_MAX);
  return s;
}

// "GET /channels/{channel_id}/messages 2 1s".
pylon::Result<pylon::sim::SharedScopeRoute> ParseSharedScopeRoute(const std::string& text) {
  std::istringstream in(text);
  pylon::sim::SharedScopeRoute route;
  std::string window;
  if (!(in >> route.method >> route.route >> route.limit >> window) || route.limit == 0) {
    return pylon::InvalidArgument("expected \"METHOD /route LIMIT WINDOW\", got '" + text + "'");
  }
  pylon::config_internal::RawValue raw;
  raw.scalar = window;
  int64_t ms = 0;
  PYLON_RETURN_IF_ERROR(pylon::config_internal::ParseDurationMs(raw, &ms));
  route.window = std::chrono::milliseconds(ms);
  return route;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"pylon-discord-sim: a faithful fake Discord for tests, the demo and load"};
  std::string config_file;
  std::vector<std::string> overrides;
  int port = -1;
  bool help_config = false;
  std::string tokens_file;
  app.add_option("--config", config_file, "YAML config file");
  app.add_option("--tokens-file", tokens_file,
                 "write '<bot id> <token>' lines for the simulated bots here (for scripts)");
  app.add_option("--set", overrides, "override a config key: --set world.guilds=200");
  app.add_option("--port", port, "port to listen on (same as --set listen.port=N)");
  app.add_flag("--help-config", help_config, "list every config key");
  CLI11_PARSE(app, argc, argv);

  auto schema = Schema();
  if (help_config) {
    for (const auto& [key, description] : schema.Describe()) {
      std::cout << key << "  " << description << "\n";
    }
    return 0;
  }
  SimConfig config;
  pylon::Status status;
  if (!config_file.empty()) status = schema.ApplyFile(config_file, &config);
  if (status.ok()) status = schema.ApplyEnvironment("PYLON_SIM_", &config);
  for (const auto& item : overrides) {
    if (status.ok()) status = schema.ApplyOverride(item, &config);
  }
  if (port >= 0) config.port = static_cast<uint32_t>(port);
  if (!status.ok()) {
    std::cerr << "pylon-discord-sim: " << status.error().message() << "\n";
    return 2;
  }
  pylon::LogOptions log_options;
  log_options.level = *pylon::ParseLogLevel(config.log_level);
  if (auto s = pylon::InitLogging(log_options); !s.ok()) {
    std::cerr << "pylon-discord-sim: " << s.error().message() << "\n";
    return 2;
  }

  pylon::sim::SimOptions options;
  options.host = config.host;
  options.port = static_cast<uint16_t>(config.port);
  options.advertised_host = config.advertised_host;
  if (!config.tls_self_signed_dir.empty()) {
    std::filesystem::create_directories(config.tls_self_signed_dir);
    auto cert = pylon::net::WriteSelfSignedCertificate(config.tls_self_signed_dir);
    if (!cert.ok()) {
      std::cerr << "pylon-discord-sim: " << cert.error().message() << "\n";
      return 2;
    }
    options.tls = pylon::net::TlsServerFiles{cert->cert_file, cert->key_file};
    if (options.advertised_host == "127.0.0.1") options.advertised_host = "localhost";
  } else if (!config.tls_cert.empty() || !config.tls_key.empty()) {
    if (config.tls_cert.empty() || config.tls_key.empty()) {
      std::cerr << "pylon-discord-sim: tls.cert and tls.key go together\n";
      return 2;
    }
    options.tls = pylon::net::TlsServerFiles{config.tls_cert, config.tls_key};
  }
  auto& w = options.world;
  w.seed = config.world_seed;
  w.bots = config.world_bots;
  w.guilds = config.world_guilds;
  w.members = config.world_members;
  w.users = config.world_users;
  w.max_guild_members = config.world_max_guild_members;
  w.messages_per_channel = config.world_messages_per_channel;
  w.message_depth = config.world_message_depth;
  w.rest_global_limit = config.rest_global_limit;
  if (!config.world_privileged_intents) {
    w.bot_allowed_intents.assign(
        w.bots, pylon::sim::intent::kAllDefined & ~pylon::sim::intent::kPrivileged);
  }
  auto& g = options.gateway;
  g.heartbeat_interval = config.heartbeat_interval;
  g.heartbeat_timeout_factor = config.heartbeat_timeout_factor;
  g.replay_buffer_events = config.replay_buffer;
  g.session_timeout = config.session_timeout;
  g.max_concurrency = config.max_concurrency;
  g.session_start_total = config.session_start_total;
  g.identify_interval = config.identify_interval;
  g.max_guilds_per_shard = config.max_guilds_per_shard;
  g.zlib_level = static_cast<int>(config.zlib_level);
  g.fast_zlib = config.fast_zlib;
  g.zstd_level = static_cast<int>(config.zstd_level);
  g.reconnect_close_delay = config.reconnect_close_delay;
  auto& r = options.rest;
  r.default_global_limit = config.rest_global_limit;
  r.invalid_request_limit = config.rest_invalid_request_limit;
  r.ban_duration = config.rest_ban_duration;
  r.added_latency = config.rest_latency;
  for (const std::string& text : config.rest_shared_scope_routes) {
    auto route = ParseSharedScopeRoute(text);
    if (!route.ok()) {
      std::cerr << "pylon-discord-sim: rest.shared_scope_routes: " << route.error().message()
                << "\n";
      return 2;
    }
    r.shared_scope_routes.push_back(*route);
  }
  options.generator.seed = config.events_seed;
  options.pump.events_per_second = config.events_rate;
  options.pump.flat_out = config.events_flat_out;

  // SIGINT/SIGTERM are blocked in every thread and taken by sigwait below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  pylon::Reactor reactor(0, "sim");
  reactor.Start();
  auto server = pylon::sim::SimServer::Start(reactor, std::move(options));
  if (!server.ok()) {
    std::cerr << "pylon-discord-sim: " << server.error().message() << "\n";
    return 1;
  }
  if (!tokens_file.empty()) {
    std::string lines = *pylon::CallBlocking(reactor, [&] {
      std::string out;
      for (const auto& bot : (*server)->world().bots()) {
        out += std::to_string(bot.id.value()) + " " + bot.token.reveal() + "\n";
      }
      return out;
    });
    std::ofstream out(tokens_file, std::ios::trunc);
    out << lines;
    if (!out) {
      std::cerr << "pylon-discord-sim: cannot write " << tokens_file << "\n";
      return 1;
    }
  }
  std::cout << "LISTENING " << (*server)->base_url() << std::endl;
  int signal_number = 0;
  sigwait(&signals, &signal_number);
  pylon::log::Info("discord simulator stopping");
  (*server)->Stop();
  reactor.Stop();
  return 0;
}
