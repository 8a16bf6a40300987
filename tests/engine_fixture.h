// Copyright 2026 The Pylon Gateway Authors.
// A fixture for gateway-engine tests: the Discord simulator in this process on its own reactor
// (real sockets on loopback, optionally TLS), and a ShardHost on two more reactors connecting to
// it exactly as it would connect to Discord. Tests read the simulator's truth on its reactor and
// the engine's state on the shards' reactors.

#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gateway/checkpoint_store.h"
#include "gateway/shard_host.h"
#include "net/test_util.h"
#include "net/tls.h"
#include "runtime/reactor.h"
#include "sim/sim_server.h"

namespace pylon::testing {

using namespace std::chrono_literals;

struct EngineFixtureOptions {
  sim::SimOptions sim;
  bool tls = false;
  discord::TransportCompression compression = discord::TransportCompression::kZlibStream;
  size_t event_log_capacity = 1 << 20;
  uint64_t event_log_max_bytes = gateway::EventLog::kNoByteLimit;
  Duration identify_interval = 5s;  // the engine's identify scheduler (Discord: 5 s)
  // Checkpoints in files (a FileCheckpointStore under the fixture's temporary directory) instead
  // of in memory, so that a host made by StartHost() after StopHost() resumes from them as a
  // restarted process would.
  bool file_checkpoints = false;
  Duration checkpoint_hold = 60s;  // HostOptions::checkpoint_hold
};

class EngineFixture {
 public:
  explicit EngineFixture(EngineFixtureOptions options) : options_(std::move(options)) {
    sim_reactor_.Start();
    if (options_.tls) {
      auto cert = net::WriteSelfSignedCertificate(temp_.path());
      EXPECT_TRUE(cert.ok());
      options_.sim.tls = net::TlsServerFiles{cert->cert_file, cert->key_file};
      options_.sim.advertised_host = "localhost";
      ca_file_ = cert->cert_file;
    }
    auto sim = sim::SimServer::Start(sim_reactor_, options_.sim, clock_);
    EXPECT_TRUE(sim.ok()) << (sim.ok() ? "" : sim.error().ToString());
    sim_ = std::move(*sim);
    StartHost();
  }

  ~EngineFixture() {
    StopHost(/*keep_resumable=*/false);
    sim_->Stop();
    sim_.reset();
    sim_reactor_.Stop();
  }

  // Stops the host's shards (`keep_resumable`: their sessions stay open at Discord and their
  // checkpoints are saved) and then the whole host: its reactors and its checkpoint store, as
  // when the process exits.
  void StopHost(bool keep_resumable) {
    if (host_) host_->StopAll(keep_resumable);
    host_.reset();
    if (pool_) pool_->Stop();
    pool_.reset();
    file_checkpoints_.reset();
  }

  // A new host, as a (re)started process makes it: new reactors, and with file checkpoints a new
  // store on the same directory. Bots must be added again.
  void StartHost() {
    EXPECT_EQ(host_, nullptr);
    gateway::CheckpointStore* store = &checkpoints_;
    if (options_.file_checkpoints) {
      auto files = gateway::FileCheckpointStore::Open(checkpoint_dir());
      EXPECT_TRUE(files.ok()) << (files.ok() ? "" : files.error().ToString());
      file_checkpoints_ = std::move(*files);
      store = file_checkpoints_.get();
    }
    pool_ = std::make_unique<ReactorPool>(2, "shard");
    pool_->Start();
    gateway::HostOptions host;
    host.api_base = sim_->base_url() + "/api/v10";
    host.compression = options_.compression;
    host.tls.ca_file = ca_file_;
    host.event_log_capacity = options_.event_log_capacity;
    host.event_log_max_bytes = options_.event_log_max_bytes;
    host.checkpoint_hold = options_.checkpoint_hold;
    host.identify.interval = options_.identify_interval;
    host_ = std::make_unique<gateway::ShardHost>(*pool_, clock_, host, store);
  }

  std::string checkpoint_dir() const { return temp_.path() + "/checkpoints"; }

  // Runs `fn` on the simulator's reactor and returns its result.
  template <typename Fn>
  auto Sim(Fn fn) {
    return *CallBlocking(sim_reactor_, std::move(fn));
  }

  // The first bot of the simulated world, as a BotSpec with every intent it may use.
  gateway::BotSpec FirstBot(uint32_t shard_count = 1) {
    gateway::BotSpec spec;
    Sim([&] {
      const sim::Bot& bot = sim_->world().bots()[0];
      spec.bot = BotId(bot.id.value());
      spec.token = bot.token;
      spec.intents = bot.allowed_intents & ~(uint64_t{1} << 15 | uint64_t{1} << 17 |
                                             uint64_t{1} << 18 | uint64_t{1} << 19);
      spec.intents |= bot.allowed_intents & (uint64_t{1} << 15);  // MESSAGE_CONTENT if allowed
    });
    spec.shard_count = shard_count;
    return spec;
  }

  // Waits until every shard of the host is ready.
  bool WaitReady(size_t shards, Duration timeout = 60s) {
    return net::testing::WaitUntil(
        [&] {
          auto summaries = host_->Summaries(gateway::CacheUsage::kOmit);
          if (summaries.size() != shards) return false;
          for (const auto& s : summaries) {
            if (s.stats.session.state != discord::SessionState::kReady) return false;
          }
          return true;
        },
        timeout);
  }

  // Every event the shard has logged (copies of the log entries).
  // Gateway sessions the simulator has open now.
  size_t ConnectedSessions() {
    return Sim([&] {
      size_t n = 0;
      for (const auto& session : sim().gateway().Sessions()) n += session.connected;
      return n;
    });
  }

  std::vector<gateway::LoggedEvent> Logged(BotShard shard) {
    std::vector<gateway::LoggedEvent> out;
    std::promise<void> done;
    bool found = host_->WithShard(shard, [&](gateway::Shard* s) {
      if (s != nullptr) s->log().ReadAfter(0, SIZE_MAX, &out);
      done.set_value();
    });
    if (found) done.get_future().wait();
    return out;
  }

  // Runs `fn` on the shard's reactor with the shard.
  template <typename Fn>
  void OnShard(BotShard shard, Fn fn) {
    std::promise<void> done;
    bool posted = host_->WithShard(shard, [&](gateway::Shard* s) {
      fn(s);
      done.set_value();
    });
    if (posted) done.get_future().wait();
  }

  sim::SimServer& sim() { return *sim_; }
  gateway::ShardHost& host() { return *host_; }
  ReactorPool& pool() { return *pool_; }  // the host's reactors; at(0) is its home
  OffsetClock& clock() { return clock_; }
  gateway::MemoryCheckpointStore& checkpoints() { return checkpoints_; }
  // The host's checkpoint store (files or memory); null while the host is stopped.
  gateway::CheckpointStore* checkpoint_store() {
    if (!host_) return nullptr;
    return file_checkpoints_ ? static_cast<gateway::CheckpointStore*>(file_checkpoints_.get())
                             : &checkpoints_;
  }

 private:
  EngineFixtureOptions options_;
  net::testing::TempDir temp_;
  std::string ca_file_;
  OffsetClock clock_;
  Reactor sim_reactor_{0, "sim"};
  std::unique_ptr<sim::SimServer> sim_;
  std::unique_ptr<ReactorPool> pool_;
  gateway::MemoryCheckpointStore checkpoints_;
  std::unique_ptr<gateway::FileCheckpointStore> file_checkpoints_;
  std::unique_ptr<gateway::ShardHost> host_;
};

// A small simulated world with a fast heartbeat, for fault and protocol tests.
inline sim::SimOptions SmallSim(uint32_t guilds = 6, uint64_t members = 600) {
  sim::SimOptions options;
  options.world.seed = 5;
  options.world.bots = 1;
  options.world.guilds = guilds;
  options.world.members = members;
  options.world.max_guild_members = 300;
  options.gateway.heartbeat_interval = 500ms;
  options.gateway.reconnect_close_delay = 200ms;
  return options;
}

}  // namespace pylon::testing
