// Copyright 2026 The Pylon Gateway Authors.
// GatewayCache throughput and latency through a real gRPC server: GetGuildMember and
// ListGuildMembers with 8 to 64 calls outstanding (gRPC's callback client API), against a
// ShardHost whose cache the in-process Discord simulator filled.
//
//   flock /tmp/pylon-build.lock cmake --build build/release -j2 --target api_bench
//   build/release/bench/api_bench
//
// Setup (untimed): a simulated world of 10 guilds and 100,000 human members (largest guild
// 20,000), one bot with 2 shards on 2 shard reactors, chunking all_on_connect; the benchmark
// starts when the cache holds every member. The CacheService runs on a grpc::Server on
// 127.0.0.1:0 (plaintext h2c, as the clients use it); the client spreads its calls over 2
// connections. BM_GrpcFloor is the same client against a GetGuildMember that answers at once on
// the gRPC thread (no scope, no reactor, no cache): what gRPC itself costs here.
//
// Everything runs in this one process: the client's gRPC threads, the server's gRPC threads and
// the two shard reactors share the machine's cores, so the figures are a floor for a server with
// the cores to itself. Each iteration completes PYLON_API_CALLS calls (default 20,000);
// items_per_second is calls per second of wall time; p50_us / p99_us are the per-call latencies
// (issue to completion callback) over every iteration.
//
// GetGuildMember asks for random members of the guilds (all cached: hits). ListGuildMembers
// asks for pages of `limit` members after a random cursor in the largest guild.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <benchmark/benchmark.h>
#include <grpcpp/grpcpp.h>

#include "api/cache_service.h"
#include "api/grpc_runtime.h"
#include "gateway/checkpoint_store.h"
#include "gateway/shard_host.h"
#include "runtime/reactor.h"
#include "sim/sim_server.h"

namespace pylon::bench {
namespace {

namespace cachepb = ::pylon::discord::v1::cache;
using CacheStub = ::pylon::gateway::v1::service::GatewayCache::Stub;
using namespace std::chrono_literals;

struct GuildMembers {
  GuildId guild;
  std::string guild_text;
  std::vector<uint64_t> members;
};

// The floor: GatewayCache answering GetGuildMember at once, on the gRPC thread, with an empty
// response (no scope, no reactor hop, no cache). The same client against it shows what gRPC
// itself costs on this machine.
class NullCacheService final : public ::pylon::gateway::v1::service::GatewayCache::CallbackService {
 public:
  grpc::ServerUnaryReactor* GetGuildMember(grpc::CallbackServerContext* context,
                                           const cachepb::GetGuildMemberRequest*,
                                           cachepb::GetGuildMemberResponse*) override {
    grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
    reactor->Finish(grpc::Status::OK);
    return reactor;
  }
};

constexpr int kChannels = 2;  // client connections, each its own HTTP/2 connection

// Stubs on `kChannels` separate connections to `port`.
std::vector<std::unique_ptr<CacheStub>> Connect(int port) {
  std::vector<std::unique_ptr<CacheStub>> stubs;
  for (int i = 0; i < kChannels; ++i) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // no connection sharing between them
    args.SetInt("pylon.bench.channel", i);
    stubs.push_back(::pylon::gateway::v1::service::GatewayCache::NewStub(grpc::CreateCustomChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials(), args)));
  }
  return stubs;
}

// The simulator, the engine and the API server, set up once.
class Environment {
 public:
  bool Start() {
    // As pylon serve does; PYLON_BENCH_ABSL_DEADLOCK_DETECTION=1 keeps Debian's default (for the
    // comparison in docs/benchmarks.md).
    if (std::getenv("PYLON_BENCH_ABSL_DEADLOCK_DETECTION") == nullptr) api::ConfigureGrpcRuntime();
    sim_reactor_.Start();
    sim::SimOptions options;
    options.world.seed = 11;
    options.world.bots = 1;
    options.world.guilds = 10;
    options.world.members = 100000;
    options.world.max_guild_members = 20000;
    options.gateway.identify_interval = 1s;
    auto sim = sim::SimServer::Start(sim_reactor_, options);
    if (!sim.ok()) {
      std::fprintf(stderr, "simulator: %s\n", sim.error().ToString().c_str());
      return false;
    }
    sim_ = std::move(*sim);
    pool_.Start();
    gateway::HostOptions host;
    host.api_base = sim_->base_url() + "/api/v10";
    host.identify.interval = 1s;
    host_ = std::make_unique<gateway::ShardHost>(pool_, SystemClock(), host, &checkpoints_);

    gateway::BotSpec spec;
    uint64_t total_members = 0;
    CallBlocking(sim_reactor_, [&] {
      const sim::World& world = sim_->world();
      const sim::Bot& bot = world.bots()[0];
      spec.bot = BotId(bot.id.value());
      spec.token = bot.token;
      // Every intent but the privileged-message and unmodelled ones (as the engine tests).
      spec.intents =
          bot.allowed_intents & ~(uint64_t{1} << 17 | uint64_t{1} << 18 | uint64_t{1} << 19);
      for (GuildId id : bot.guilds) {
        const sim::Guild& guild = *world.FindGuild(id);
        GuildMembers g{id, id.ToString(), {}};
        for (const sim::Member& m : guild.members)
          g.members.push_back(world.user(m.user).id.value());
        std::sort(g.members.begin(), g.members.end());
        total_members += g.members.size();
        guilds_.push_back(std::move(g));
      }
    });
    spec.shard_count = 2;
    spec.chunking = gateway::ChunkingPolicy::kAllOnConnect;
    bot_ = spec.bot;
    if (Status added = host_->AddBot(spec); !added.ok()) {
      std::fprintf(stderr, "AddBot: %s\n", added.error().ToString().c_str());
      return false;
    }
    auto deadline = std::chrono::steady_clock::now() + 120s;
    for (;;) {
      uint64_t cached = 0;
      size_t ready = 0;
      for (const auto& summary : host_->Summaries()) {
        cached += summary.stats.cache_counts.members;
        ready += summary.stats.session.state == discord::SessionState::kReady;
      }
      if (ready == 2 && cached == total_members) break;
      if (std::chrono::steady_clock::now() > deadline) {
        std::fprintf(stderr, "the cache holds %llu of %llu members after 120 s\n",
                     static_cast<unsigned long long>(cached),
                     static_cast<unsigned long long>(total_members));
        return false;
      }
      std::this_thread::sleep_for(50ms);
    }

    auto config = std::make_shared<control::ConfigSnapshot>();
    config->bots[bot_.value()].set_id(bot_.value());
    config_ = config;
    service_ = std::make_unique<api::CacheService>(*host_, [this] { return config_; });
    int port = 0, null_port = 0;
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    grpc::ServerBuilder null_builder;
    null_builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &null_port);
    null_builder.RegisterService(&null_service_);
    null_server_ = null_builder.BuildAndStart();
    if (!server_ || port == 0 || !null_server_ || null_port == 0) return false;
    stubs_ = Connect(port);
    null_stubs_ = Connect(null_port);
    std::fprintf(stderr, "api_bench: %zu guilds, %llu members cached on 2 shards\n", guilds_.size(),
                 static_cast<unsigned long long>(total_members));
    return true;
  }

  void Stop() {
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + 5s);
    if (null_server_) null_server_->Shutdown(std::chrono::system_clock::now() + 5s);
    stubs_.clear();
    null_stubs_.clear();
    server_.reset();
    null_server_.reset();
    service_.reset();
    if (host_) host_->StopAll(/*keep_resumable=*/false);
    host_.reset();
    pool_.Stop();
    if (sim_) sim_->Stop();
    sim_.reset();
    sim_reactor_.Stop();
  }

  CacheStub& stub(size_t slot) { return *stubs_[slot % stubs_.size()]; }
  CacheStub& null_stub(size_t slot) { return *null_stubs_[slot % null_stubs_.size()]; }
  BotId bot() const { return bot_; }
  const std::vector<GuildMembers>& guilds() const { return guilds_; }
  const GuildMembers& largest() const {
    return *std::max_element(guilds_.begin(), guilds_.end(), [](const auto& a, const auto& b) {
      return a.members.size() < b.members.size();
    });
  }

 private:
  Reactor sim_reactor_{0, "sim"};
  std::unique_ptr<sim::SimServer> sim_;
  ReactorPool pool_{2, "shard"};
  gateway::MemoryCheckpointStore checkpoints_;
  std::unique_ptr<gateway::ShardHost> host_;
  BotId bot_;
  std::vector<GuildMembers> guilds_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  std::unique_ptr<api::CacheService> service_;
  std::unique_ptr<grpc::Server> server_;
  NullCacheService null_service_;
  std::unique_ptr<grpc::Server> null_server_;
  std::vector<std::unique_ptr<CacheStub>> stubs_;
  std::vector<std::unique_ptr<CacheStub>> null_stubs_;
};

Environment* env = nullptr;

// Keeps `outstanding` calls in flight until `total` have completed. Each slot issues its next
// call from the previous one's completion callback (a gRPC client thread).
template <typename Request, typename Response>
class Driver {
 public:
  using Issue = std::function<void(size_t slot, grpc::ClientContext*, const Request*, Response*,
                                   std::function<void(grpc::Status)>)>;
  using Fill = std::function<void(std::mt19937_64&, Request*, std::string* guild)>;

  Driver(size_t outstanding, uint64_t total, Issue issue, Fill fill)
      : issue_(std::move(issue)), fill_(std::move(fill)), total_(total), slots_(outstanding) {
    for (size_t i = 0; i < slots_.size(); ++i) {
      slots_[i].index = i;
      slots_[i].random.seed(i * 7919 + 1);
    }
  }

  // Runs to completion; returns false if a call failed.
  bool Run(std::vector<uint32_t>* latencies_us) {
    issued_ = 0;
    active_ = slots_.size();
    for (Slot& slot : slots_) Next(slot);
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return active_.load() == 0; });
    for (Slot& slot : slots_) {
      latencies_us->insert(latencies_us->end(), slot.latencies.begin(), slot.latencies.end());
      slot.latencies.clear();
    }
    return !failed_.load();
  }
  uint64_t bytes() const { return bytes_.load(); }

 private:
  struct Slot {
    size_t index = 0;
    std::unique_ptr<grpc::ClientContext> context;
    Request request;
    Response response;
    std::string guild;
    std::mt19937_64 random;
    std::chrono::steady_clock::time_point started;
    std::vector<uint32_t> latencies;
  };

  void Next(Slot& slot) {
    if (issued_.fetch_add(1) >= total_) {
      if (active_.fetch_sub(1) == 1) {
        std::lock_guard lock(mutex_);
        done_.notify_all();
      }
      return;
    }
    slot.context = std::make_unique<grpc::ClientContext>();
    fill_(slot.random, &slot.request, &slot.guild);
    slot.context->AddMetadata("x-pylon-bot-id", bot_text_);
    slot.context->AddMetadata("x-pylon-guild-id", slot.guild);
    slot.response.Clear();
    slot.started = std::chrono::steady_clock::now();
    issue_(slot.index, slot.context.get(), &slot.request, &slot.response,
           [this, &slot](grpc::Status status) {
             auto elapsed = std::chrono::steady_clock::now() - slot.started;
             slot.latencies.push_back(static_cast<uint32_t>(
                 std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
             if (!status.ok()) {
               if (!failed_.exchange(true)) {
                 std::fprintf(stderr, "call failed: %d %s\n", status.error_code(),
                              status.error_message().c_str());
               }
             }
             bytes_.fetch_add(slot.response.ByteSizeLong(), std::memory_order_relaxed);
             Next(slot);
           });
  }

 public:
  std::string bot_text_;

 private:
  Issue issue_;
  Fill fill_;
  uint64_t total_;
  std::vector<Slot> slots_;
  std::atomic<uint64_t> issued_{0};
  std::atomic<size_t> active_{0};
  std::atomic<bool> failed_{false};
  std::atomic<uint64_t> bytes_{0};
  std::mutex mutex_;
  std::condition_variable done_;
};

uint64_t CallsPerIteration() {
  const char* text = std::getenv("PYLON_API_CALLS");
  return text ? std::strtoull(text, nullptr, 10) : 20000;
}

template <typename Request, typename Response>
void RunDriver(benchmark::State& state, Driver<Request, Response>& driver,
               uint64_t calls_per_iteration) {
  driver.bot_text_ = env->bot().ToString();
  std::vector<uint32_t> latencies;
  uint64_t calls = 0;
  for (auto _ : state) {
    if (!driver.Run(&latencies)) {
      state.SkipWithError("a call failed");
      return;
    }
    calls += calls_per_iteration;
  }
  state.SetItemsProcessed(static_cast<int64_t>(calls));
  std::sort(latencies.begin(), latencies.end());
  auto percentile = [&](double p) {
    return latencies.empty()
               ? 0.0
               : static_cast<double>(
                     latencies[static_cast<size_t>(p * static_cast<double>(latencies.size() - 1))]);
  };
  state.counters["p50_us"] = percentile(0.50);
  state.counters["p99_us"] = percentile(0.99);
  state.counters["resp_bytes"] =
      calls == 0 ? 0.0 : static_cast<double>(driver.bytes()) / static_cast<double>(calls);
}

void BM_GetGuildMember(benchmark::State& state) {
  using Request = cachepb::GetGuildMemberRequest;
  using Response = cachepb::GetGuildMemberResponse;
  Driver<Request, Response> driver(
      static_cast<size_t>(state.range(0)), CallsPerIteration(),
      [](size_t slot, grpc::ClientContext* context, const Request* request, Response* response,
         std::function<void(grpc::Status)> done) {
        env->stub(slot).async()->GetGuildMember(context, request, response, std::move(done));
      },
      [](std::mt19937_64& random, Request* request, std::string* guild) {
        const auto& guilds = env->guilds();
        const GuildMembers& g = guilds[random() % guilds.size()];
        *guild = g.guild_text;
        request->set_user_id(g.members[random() % g.members.size()]);
      });
  RunDriver(state, driver, CallsPerIteration());
}

void BM_GrpcFloor(benchmark::State& state) {
  using Request = cachepb::GetGuildMemberRequest;
  using Response = cachepb::GetGuildMemberResponse;
  Driver<Request, Response> driver(
      static_cast<size_t>(state.range(0)), CallsPerIteration(),
      [](size_t slot, grpc::ClientContext* context, const Request* request, Response* response,
         std::function<void(grpc::Status)> done) {
        env->null_stub(slot).async()->GetGuildMember(context, request, response, std::move(done));
      },
      [](std::mt19937_64& random, Request* request, std::string* guild) {
        const auto& guilds = env->guilds();
        const GuildMembers& g = guilds[random() % guilds.size()];
        *guild = g.guild_text;
        request->set_user_id(g.members[random() % g.members.size()]);
      });
  RunDriver(state, driver, CallsPerIteration());
}

void BM_ListGuildMembers(benchmark::State& state) {
  using Request = cachepb::ListGuildMembersRequest;
  using Response = cachepb::ListGuildMembersResponse;
  uint32_t limit = static_cast<uint32_t>(state.range(1));
  uint64_t calls = CallsPerIteration() / (limit >= 1000 ? 10 : 1);
  Driver<Request, Response> driver(
      static_cast<size_t>(state.range(0)), calls,
      [](size_t slot, grpc::ClientContext* context, const Request* request, Response* response,
         std::function<void(grpc::Status)> done) {
        env->stub(slot).async()->ListGuildMembers(context, request, response, std::move(done));
      },
      [limit](std::mt19937_64& random, Request* request, std::string* guild) {
        const GuildMembers& g = env->largest();
        *guild = g.guild_text;
        size_t start = random() % (g.members.size() - limit);
        request->set_after(g.members[start]);
        request->set_limit(limit);
      });
  RunDriver(state, driver, calls);
}

BENCHMARK(BM_GrpcFloor)->Arg(64)->UseRealTime()->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GetGuildMember)
    ->Arg(8)
    ->Arg(16)
    ->Arg(64)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ListGuildMembers)
    ->Args({16, 100})
    ->Args({64, 100})
    ->Args({16, 1000})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylon::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  pylon::bench::Environment environment;
  pylon::bench::env = &environment;
  if (!environment.Start()) {
    environment.Stop();
    return 1;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  environment.Stop();
  return 0;
}
