// Copyright 2026 The Pylon Gateway Authors.

#include "gateway/shard_host.h"

#include <future>

#include "absl/cleanup/cleanup.h"

namespace pylon::gateway {

ShardHost::ShardHost(ReactorPool& reactors, const Clock& clock, HostOptions options,
                     CheckpointStore* checkpoints)
    : reactors_(reactors), clock_(clock), options_(std::move(options)), checkpoints_(checkpoints) {}

ShardHost::~ShardHost() { StopAll(/*keep_resumable=*/true); }

Reactor& ShardHost::ReactorFor(BotShard shard) {
  return reactors_.ForKey(std::hash<BotShard>()(shard));
}

Status ShardHost::AddBot(const BotSpec& spec, std::optional<std::vector<uint32_t>> only_shards) {
  if (spec.bot.is_zero()) return InvalidArgument("bot id is 0");
  if (spec.token.empty()) return InvalidArgument("bot token is empty");
  RegisterSecret(spec.token.reveal());

  // 1. On the home reactor: reserve the bot (two AddBots of one bot at once must not both start
  // it), ask Discord for the gateway, and set the bot up.
  std::promise<Result<discord::GatewayBotInfo>> fetched;
  bool reserved = false;  // written on home before `fetched` is set
  bool posted = home().Post([this, &spec, &fetched, &reserved] {
    if (bots_.count(spec.bot.value()) || starting_.count(spec.bot.value())) {
      fetched.set_value(AlreadyExists("bot " + spec.bot.ToString() + " is already running"));
      return;
    }
    starting_.insert(spec.bot.value());
    reserved = true;
    if (!api_base_) {
      auto base = discord::ApiBase::Parse(options_.api_base);
      if (!base.ok()) {
        fetched.set_value(base.error().WithContext("api_base"));
        return;
      }
      api_base_ = *base;
      net::HttpClientOptions http;
      http.base_url = api_base_->origin;
      http.tls = options_.tls;
      http.max_connections = 4;
      http_ = std::make_unique<net::HttpClient>(home(), std::move(http));
    }
    discord::FetchGatewayBot(
        *http_, *api_base_, spec.token,
        [&fetched](Result<discord::GatewayBotInfo> info) { fetched.set_value(std::move(info)); });
  });
  if (!posted) return Unavailable("the shard host is stopping");
  Result<discord::GatewayBotInfo> info = fetched.get_future().get();
  // Every return from here on gives the reservation back (the success path hands it to bots_).
  absl::Cleanup release = [&] {
    if (reserved) ReleaseStarting(spec.bot);
  };
  if (!info.ok()) return info.error();

  uint32_t shard_count = spec.shard_count != 0 ? spec.shard_count : info->shards;
  std::vector<uint32_t> ids;
  if (only_shards) {
    for (uint32_t id : *only_shards) {
      if (id >= shard_count) {
        return InvalidArgument("shard " + std::to_string(id) + " is not below the shard count " +
                               std::to_string(shard_count));
      }
      ids.push_back(id);
    }
  } else {
    for (uint32_t id = 0; id < shard_count; ++id) ids.push_back(id);
  }

  // 2. Create the runtime (home) and each shard (on its reactor).
  auto runtime = std::make_unique<BotRuntime>();
  runtime->spec = spec;
  runtime->shard_count = shard_count;
  runtime->scheduler = std::make_unique<discord::LocalIdentifyScheduler>(
      home(), clock_, info->limit, options_.identify);
  for (uint32_t id : ids) {
    BotShard key{spec.bot, ShardId(id)};
    Reactor& reactor = ReactorFor(key);
    ShardConfig config;
    config.session.bot = spec.bot;
    config.session.token = spec.token;
    config.session.intents = spec.intents;
    config.session.shard_id = id;
    config.session.shard_count = shard_count;
    config.session.large_threshold = spec.large_threshold;
    config.session.gateway_url = info->url;
    config.session.compression = options_.compression;
    config.session.tls = options_.tls;
    config.session.presence_json = spec.presence_json;
    config.cache = spec.cache;
    config.chunking.policy = spec.chunking;
    config.event_log_capacity = options_.event_log_capacity;
    config.event_log_max_bytes = options_.event_log_max_bytes;
    config.checkpoint_hold = options_.checkpoint_hold;
    discord::IdentifyScheduler* scheduler = runtime->scheduler.get();
    auto shard = CallBlocking(reactor, [&, scheduler]() -> Shard* {
      auto* s = new Shard(reactor, clock_, std::move(config), *scheduler, checkpoints_);
      if (event_listener_) {
        s->set_event_listener([this, s](const LoggedEvent& e) { event_listener_(*s, e); });
      }
      s->Start();
      return s;
    });
    if (!shard) {
      Dismantle(*runtime, /*keep_resumable=*/true);  // the shards started so far
      return Unavailable("a reactor is stopping");
    }
    auto handle = std::make_shared<ShardHandle>();
    handle->shard = *shard;
    runtime->shards[id] = ShardSlot{&reactor, *shard, std::move(handle)};
  }
  auto added = CallBlocking(home(), [this, &runtime, &reserved, bot = spec.bot] {
    starting_.erase(bot.value());
    reserved = false;
    bots_[bot.value()] = std::move(runtime);
    PublishRoutes();
  });
  if (!added) {
    Dismantle(*runtime, /*keep_resumable=*/true);
    return Unavailable("the shard host is stopping");
  }
  log::Info("bot {}: started {} of {} shards", spec.bot.value(), ids.size(), shard_count);
  return Ok();
}

void ShardHost::ReleaseStarting(BotId bot) {
  // A stopped home reactor takes the reservation with it: the host is going away.
  (void)CallBlocking(home(), [this, bot] { starting_.erase(bot.value()); });
}

void ShardHost::StopShards(BotRuntime& runtime, bool keep_resumable) {
  for (auto& [id, slot] : runtime.shards) {
    Shard* shard = slot.shard;
    std::shared_ptr<ShardHandle> handle = slot.handle;
    auto stop = [shard, handle, keep_resumable] {
      handle->shard = nullptr;  // closures already queued on this reactor see it gone
      shard->Stop(keep_resumable);
      delete shard;
    };
    if (!CallBlocking(*slot.reactor, stop)) stop();  // the reactor no longer runs
  }
  runtime.shards.clear();
}

Status ShardHost::RemoveBot(BotId bot, bool keep_resumable) {
  std::unique_ptr<BotRuntime> runtime;
  CallBlocking(home(), [&] {
    auto it = bots_.find(bot.value());
    if (it == bots_.end()) return;
    runtime = std::move(it->second);
    bots_.erase(it);
    PublishRoutes();
  });
  if (!runtime) return NotFound("bot " + bot.ToString() + " is not running here");
  Dismantle(*runtime, keep_resumable);
  return Ok();
}

void ShardHost::Dismantle(BotRuntime& runtime, bool keep_resumable) {
  StopShards(runtime, keep_resumable);
  // The scheduler belongs to the home reactor: destroy it there.
  auto* scheduler = runtime.scheduler.release();
  if (!home().Post([scheduler] { delete scheduler; })) delete scheduler;
}

void ShardHost::StopAll(bool keep_resumable) {
  for (BotId bot : Bots()) (void)RemoveBot(bot, keep_resumable);
  auto http = std::move(http_);
  if (http) {
    auto* raw = http.release();
    if (!home().Post([raw] { delete raw; })) delete raw;
  }
}

void ShardHost::PublishRoutes() {
  auto table = std::make_shared<RoutingTable>();
  for (auto& [bot, runtime] : bots_) {
    RoutingTable::Bot& routes = table->bots[bot];
    routes.shard_count = runtime->shard_count;
    for (auto& [id, slot] : runtime->shards) routes.shards[id] = {slot.reactor, slot.handle};
  }
  routes_.store(std::move(table));
}

std::vector<BotId> ShardHost::Bots() {
  std::vector<BotId> out;
  CallBlocking(home(), [&] {
    for (auto& [id, runtime] : bots_) out.push_back(BotId(id));
  });
  return out;
}

size_t ShardHost::RunningShards() {
  auto count = CallBlocking(home(), [&] {
    size_t n = 0;
    for (auto& [id, runtime] : bots_) n += runtime->shards.size();
    return n;
  });
  return count.value_or(0);
}

uint32_t ShardHost::ShardCount(BotId bot) {
  auto count = CallBlocking(home(), [&]() -> uint32_t {
    auto it = bots_.find(bot.value());
    return it == bots_.end() ? 0 : it->second->shard_count;
  });
  return count.value_or(0);
}

std::vector<ShardSummary> ShardHost::Summaries(CacheUsage usage) {
  struct Entry {
    BotShard id;
    uint32_t count;
    Reactor* reactor;
    Shard* shard;
  };
  std::vector<Entry> entries;
  CallBlocking(home(), [&] {
    for (auto& [bot, runtime] : bots_) {
      for (auto& [id, slot] : runtime->shards) {
        entries.push_back(
            {BotShard{BotId(bot), ShardId(id)}, runtime->shard_count, slot.reactor, slot.shard});
      }
    }
  });
  std::vector<ShardSummary> out;
  for (const Entry& e : entries) {
    auto stats = CallBlocking(*e.reactor, [shard = e.shard, usage] { return shard->Stats(usage); });
    if (!stats) continue;
    ShardSummary summary;
    summary.id = e.id;
    summary.shard_count = e.count;
    summary.reactor = e.reactor->index();
    summary.stats = std::move(*stats);
    out.push_back(std::move(summary));
  }
  return out;
}

bool ShardHost::WithShard(BotShard id, UniqueFunction<void(Shard*)> fn) {
  // Shards are created and removed through the home reactor; look the slot up there, then run
  // on the shard's own reactor.
  return home().Post([this, id, fn = std::move(fn)]() mutable {
    auto it = bots_.find(id.bot.value());
    if (it == bots_.end()) return fn(nullptr);
    auto slot = it->second->shards.find(id.shard.value());
    if (slot == it->second->shards.end()) return fn(nullptr);
    Shard* shard = slot->second.shard;
    slot->second.reactor->Post([shard, fn = std::move(fn)]() mutable { fn(shard); });
  });
}

}  // namespace pylon::gateway
