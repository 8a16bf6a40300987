// Copyright 2026 The Pylon Gateway Authors.
// ShardHost: runs the shards of this process. A bot is added with its settings; the host asks
// Discord for the gateway URL, the recommended shard count and the session start limit
// (GET /gateway/bot), makes the bot's identify scheduler, and starts its shards, each pinned to
// one reactor (by a hash of bot and shard) for its whole life.
//
// The host's own bookkeeping lives on the pool's first reactor ("home"); each shard lives on its
// reactor. Public methods may be called from any thread that is not one of the pool's reactors
// (they block until done) unless they take a callback.

#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "discord/gateway_bot.h"
#include "discord/identify_scheduler.h"
#include "gateway/shard.h"
#include "net/http_client.h"
#include "runtime/reactor.h"

namespace pylon::gateway {

struct BotSpec {
  BotId bot;
  Secret token;
  uint64_t intents = 0;
  uint32_t shard_count = 0;  // 0: Discord's recommendation
  uint32_t large_threshold = 250;
  cache::CacheOptions cache;
  ChunkingPolicy chunking = ChunkingPolicy::kOnMiss;
  std::string presence_json;
};

struct HostOptions {
  std::string api_base = "https://discord.com/api/v10";
  discord::TransportCompression compression = discord::TransportCompression::kZlibStream;
  net::TlsClientOptions tls;  // for the gateway and the REST calls (CA file for the simulator)
  size_t event_log_capacity = 1 << 16;
  uint64_t event_log_max_bytes = uint64_t{256} << 20;
  Duration checkpoint_hold = std::chrono::seconds(60);  // ShardConfig::checkpoint_hold
  discord::LocalIdentifyScheduler::Options identify;
};

// A shard as the routing table knows it. `shard` is valid only on `reactor`, and only while not
// null: the host clears it there before the shard is destroyed, so a closure posted to the reactor
// checks it first.
struct ShardHandle {
  Shard* shard = nullptr;
};

struct ShardRoute {
  Reactor* reactor = nullptr;
  std::shared_ptr<ShardHandle> handle;
};

// Which shards of which bots run here, as an immutable snapshot (swapped atomically when bots are
// added or removed): API handlers on any thread find a shard without a lock.
struct RoutingTable {
  struct Bot {
    uint32_t shard_count = 0;
    std::map<uint32_t, ShardRoute> shards;  // the shards running here, by shard id
  };
  std::map<uint64_t, Bot> bots;

  const Bot* FindBot(BotId bot) const {
    auto it = bots.find(bot.value());
    return it == bots.end() ? nullptr : &it->second;
  }
  // The route of the shard that owns `guild` (shard 0 for guild 0), or nullptr.
  const ShardRoute* Find(BotId bot, GuildId guild) const {
    const Bot* b = FindBot(bot);
    if (b == nullptr || b->shard_count == 0) return nullptr;
    auto it = b->shards.find(shard_for(guild, b->shard_count).value());
    return it == b->shards.end() ? nullptr : &it->second;
  }
};

struct ShardSummary {
  BotShard id;
  uint32_t shard_count = 0;
  uint32_t reactor = 0;
  ShardStats stats;
};

class ShardHost {
 public:
  ShardHost(ReactorPool& reactors, const Clock& clock, HostOptions options,
            CheckpointStore* checkpoints);
  ~ShardHost();  // StopAll(keep_resumable = true)
  ShardHost(const ShardHost&) = delete;
  ShardHost& operator=(const ShardHost&) = delete;

  // Starts every shard of the bot (or only `only_shards`). Blocks until the shards are started
  // (not until they are ready). Errors: ALREADY_EXISTS, UNAUTHENTICATED (bad token), UNAVAILABLE
  // (Discord unreachable), INVALID_ARGUMENT.
  Status AddBot(const BotSpec& spec, std::optional<std::vector<uint32_t>> only_shards = {});
  // Stops and removes the bot's shards. `keep_resumable`: Discord keeps the sessions (and the
  // checkpoints are saved) so that a later start resumes them.
  Status RemoveBot(BotId bot, bool keep_resumable);
  void StopAll(bool keep_resumable);

  // Every shard's stats, one reactor hop per shard (kMeasure also walks each shard's cache).
  std::vector<ShardSummary> Summaries(CacheUsage usage = CacheUsage::kMeasure);
  // Shards running on this host, over all bots.
  size_t RunningShards();
  std::vector<BotId> Bots();
  // The bot's shard count in effect, or 0 when the bot is not running here.
  uint32_t ShardCount(BotId bot);

  // The current routing table; lock-free, any thread.
  std::shared_ptr<const RoutingTable> Routes() const { return routes_.load(); }

  // Runs `fn` on the shard's reactor with the shard (nullptr when it is not running here).
  // Returns false when the shard is unknown or its reactor refused the work. Any thread.
  bool WithShard(BotShard shard, UniqueFunction<void(Shard*)> fn);
  // Called on each shard's reactor for every event it logs (set before adding bots).
  void set_event_listener(std::function<void(Shard&, const LoggedEvent&)> listener) {
    event_listener_ = std::move(listener);
  }

 private:
  struct ShardSlot {
    Reactor* reactor = nullptr;
    Shard* shard = nullptr;  // owned; touched only on `reactor`
    std::shared_ptr<ShardHandle> handle;
  };
  struct BotRuntime {
    BotSpec spec;
    uint32_t shard_count = 0;
    std::unique_ptr<discord::LocalIdentifyScheduler> scheduler;
    std::map<uint32_t, ShardSlot> shards;
  };

  Reactor& home() { return reactors_.at(0); }
  Reactor& ReactorFor(BotShard shard);
  void StopShards(BotRuntime& runtime, bool keep_resumable);
  // Stops and deletes the runtime's shards, then its identify scheduler (on the home reactor).
  void Dismantle(BotRuntime& runtime, bool keep_resumable);
  void PublishRoutes();  // home reactor
  void ReleaseStarting(BotId bot);

  ReactorPool& reactors_;
  const Clock& clock_;
  HostOptions options_;
  CheckpointStore* checkpoints_;
  std::function<void(Shard&, const LoggedEvent&)> event_listener_;
  // Home-reactor state.
  std::map<uint64_t, std::unique_ptr<BotRuntime>> bots_;
  std::set<uint64_t> starting_;  // bots an AddBot is starting: a second AddBot of one is refused
  std::unique_ptr<net::HttpClient> http_;
  std::optional<discord::ApiBase> api_base_;
  std::atomic<std::shared_ptr<const RoutingTable>> routes_{std::make_shared<RoutingTable>()};
};

}  // namespace pylon::gateway
