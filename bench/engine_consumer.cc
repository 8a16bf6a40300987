// Copyright 2026 The Pylon Gateway Authors.
// Our gateway engine as a plain gateway consumer, for bench/discordjs_compare.mjs: one ShardHost
// with one reactor and one shard connects to a running simulator exactly as it would to Discord,
// fetches every guild's members (chunking all_on_connect), then consumes whatever the simulator
// sends. Driven over stdin/stdout by the script, which runs discord.js 14 the same way:
//
//   PYLON_BENCH_BOT_TOKEN=... engine_consumer --api-base http://127.0.0.1:PORT/api/v10 --bot-id ID
//                   --intents N --members M [--compression none|zlib-stream]
//
//   -> "CACHED members=<n> users=<n> heap_bytes=<n> rss_bytes=<n> member_bytes=<n> user_bytes=<n>"
//      once the cache holds M members (heap and RSS: growth since before the shard started;
//      member_bytes / user_bytes: the cache's own accounting, ShardCache::Usage)
//   <- "go"
//   -> "GO seq=<last sequence seen>"
//   <- "expect <sequence>"
//   -> "DONE seq=<sequence> cpu_s=<process CPU seconds since go> wall_s=<seconds since go>"
//
// CPU is the whole process's (getrusage), as process.cpuUsage() is for Node.

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "base/heap_usage.h"
#include "gateway/checkpoint_store.h"
#include "gateway/shard_host.h"
#include "runtime/reactor.h"

namespace pylon::bench {
namespace {

using namespace std::chrono_literals;

size_t HeapBytes() { return HeapAllocatedBytes(); }

size_t RssBytes() {
  std::ifstream statm("/proc/self/statm");
  size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<size_t>(sysconf(_SC_PAGESIZE));
}

double ProcessCpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "engine_consumer: %s\n", what.c_str());
  std::exit(1);
}

struct Args {
  std::string api_base;
  uint64_t bot = 0;
  std::string token;
  uint64_t intents = 0;
  uint64_t members = 0;
  std::string compression = "none";
};

Args Parse(int argc, char** argv) {
  Args args;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string_view flag = argv[i];
    std::string value = argv[i + 1];
    if (flag == "--api-base") {
      args.api_base = value;
    } else if (flag == "--bot-id") {
      args.bot = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--intents") {
      args.intents = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--members") {
      args.members = std::strtoull(value.c_str(), nullptr, 10);
    } else if (flag == "--compression") {
      args.compression = value;
    } else {
      Fail("unknown flag " + std::string(flag));
    }
  }
  if (const char* token = std::getenv("PYLON_BENCH_BOT_TOKEN")) args.token = token;
  if (args.api_base.empty() || args.bot == 0 || args.token.empty()) {
    Fail(
        "usage: PYLON_BENCH_BOT_TOKEN=T engine_consumer --api-base URL --bot-id ID --intents N "
        "--members M");
  }
  return args;
}

int Run(int argc, char** argv) {
  const Args args = Parse(argc, argv);
  ReactorPool pool(1, "shard");
  pool.Start();
  gateway::MemoryCheckpointStore checkpoints;
  gateway::HostOptions options;
  options.api_base = args.api_base;
  options.compression = args.compression == "zlib-stream"
                            ? discord::TransportCompression::kZlibStream
                            : discord::TransportCompression::kNone;
  options.identify.interval = 1s;
  const size_t heap_before = HeapBytes();
  const size_t rss_before = RssBytes();
  auto host = std::make_unique<gateway::ShardHost>(pool, SystemClock(), options, &checkpoints);
  gateway::BotSpec spec;
  spec.bot = BotId(args.bot);
  spec.token = Secret(args.token);
  spec.intents = args.intents;
  spec.shard_count = 1;
  spec.chunking = gateway::ChunkingPolicy::kAllOnConnect;
  if (Status added = host->AddBot(spec); !added.ok()) Fail("AddBot: " + added.error().ToString());

  // Polled every 10-20 ms: without cache usage, which walks the whole cache on the shard's
  // reactor (it cost ~6 % of the measured CPU when every poll measured it).
  auto stats = [&](gateway::CacheUsage usage = gateway::CacheUsage::kOmit) {
    auto summaries = host->Summaries(usage);
    if (summaries.empty()) Fail("no shard");
    return summaries[0].stats;
  };
  auto deadline = std::chrono::steady_clock::now() + 300s;
  uint64_t last_count = 0;
  auto last_change = std::chrono::steady_clock::now();
  for (;;) {
    gateway::ShardStats s = stats();
    const bool ready = s.session.state == discord::SessionState::kReady;
    if (ready && s.cache_counts.members >= args.members) break;
    if (s.cache_counts.members != last_count) {
      last_count = s.cache_counts.members;
      last_change = std::chrono::steady_clock::now();
    } else if (ready && last_count > 0 && std::chrono::steady_clock::now() - last_change > 5s) {
      std::fprintf(stderr, "engine_consumer: %llu members cached (expected %llu); going on\n",
                   static_cast<unsigned long long>(last_count),
                   static_cast<unsigned long long>(args.members));
      break;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      Fail("the cache holds " + std::to_string(s.cache_counts.members) + " members after 300 s");
    }
    std::this_thread::sleep_for(20ms);
  }
  std::this_thread::sleep_for(500ms);  // the last chunks' tails
  gateway::ShardStats cached = stats(gateway::CacheUsage::kMeasure);
  const auto& usage = cached.cache_usage;
  std::printf(
      "CACHED members=%llu users=%llu heap_bytes=%zu rss_bytes=%zu member_bytes=%llu "
      "user_bytes=%llu\n",
      static_cast<unsigned long long>(cached.cache_counts.members),
      static_cast<unsigned long long>(cached.cache_counts.users), HeapBytes() - heap_before,
      RssBytes() - rss_before,
      static_cast<unsigned long long>(usage[static_cast<int>(cache::Kind::kMembers)].bytes),
      static_cast<unsigned long long>(usage[static_cast<int>(cache::Kind::kUsers)].bytes));
  std::fflush(stdout);

  std::string line;
  if (!std::getline(std::cin, line) || line != "go") Fail("expected 'go'");
  const double cpu0 = ProcessCpuSeconds();
  const auto t0 = std::chrono::steady_clock::now();
  std::printf("GO seq=%llu\n", static_cast<unsigned long long>(stats().session.sequence));
  std::fflush(stdout);
  if (!std::getline(std::cin, line) || line.rfind("expect ", 0) != 0) Fail("expected 'expect N'");
  const uint64_t target = std::strtoull(line.c_str() + 7, nullptr, 10);
  deadline = std::chrono::steady_clock::now() + 300s;
  uint64_t seq = 0;
  while ((seq = stats().session.sequence) < target) {
    if (std::chrono::steady_clock::now() > deadline) Fail("timed out waiting for the events");
    std::this_thread::sleep_for(10ms);  // Summaries() runs on the shard's reactor: rarely
  }
  const double cpu = ProcessCpuSeconds() - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  gateway::ShardStats end = stats();
  std::printf("DONE seq=%llu cpu_s=%.4f wall_s=%.4f malformed=%llu\n",
              static_cast<unsigned long long>(seq), cpu, wall,
              static_cast<unsigned long long>(end.malformed));
  std::fflush(stdout);
  host->StopAll(/*keep_resumable=*/false);
  host.reset();
  pool.Stop();
  return 0;
}

}  // namespace
}  // namespace pylon::bench

int main(int argc, char** argv) { return pylon::bench::Run(argc, argv); }
