// Copyright 2026 The Pylon Gateway Authors.

#include "app/bot_runner.h"

#include "base/log.h"

namespace pylon::app {
namespace {

constexpr auto kRetryInterval = std::chrono::seconds(30);

gateway::ChunkingPolicy ToPolicy(control::cpb::MemberChunkingPolicy policy) {
  switch (policy) {
    case control::cpb::MEMBER_CHUNKING_NONE:
      return gateway::ChunkingPolicy::kNone;
    case control::cpb::MEMBER_CHUNKING_ON_DEMAND:
      return gateway::ChunkingPolicy::kOnDemand;
    case control::cpb::MEMBER_CHUNKING_ALL_ON_CONNECT:
      return gateway::ChunkingPolicy::kAllOnConnect;
    default:
      return gateway::ChunkingPolicy::kOnMiss;
  }
}

// What, if it changes, needs the bot's shards restarted (a new IDENTIFY or a new cache).
std::string GatewaySettings(const control::cpb::Bot& bot) {
  control::cpb::BotSpec spec = bot.spec();
  spec.clear_rest_global_limit();  // the REST proxy reads it live
  return spec.SerializeAsString() + "|" + bot.token_fingerprint();
}

}  // namespace

gateway::BotSpec ToShardSpec(const control::cpb::Bot& bot, Secret token) {
  gateway::BotSpec spec;
  spec.bot = BotId(bot.id());
  spec.token = std::move(token);
  spec.intents = bot.spec().intents();
  spec.shard_count = bot.spec().shard_count();
  spec.large_threshold = bot.spec().large_threshold();
  spec.chunking = ToPolicy(bot.spec().member_chunking());
  spec.cache.message_depth = bot.spec().message_cache_depth();
  if (bot.spec().has_cache_kinds() && bot.spec().cache_kinds().kinds_size() > 0) {
    for (bool& kind : spec.cache.kinds) kind = false;
    for (int kind : bot.spec().cache_kinds().kinds()) {
      if (kind >= control::cpb::CACHE_KIND_GUILDS && kind <= control::cpb::CACHE_KIND_MESSAGES) {
        spec.cache.kinds[kind - control::cpb::CACHE_KIND_GUILDS] = true;
      }
    }
  }
  return spec;
}

BotRunner::BotRunner(Reactor& control, gateway::ShardHost& shards,
                     control::ControlPlane& control_plane)
    : control_(control), shards_(shards), control_plane_(control_plane) {
  CallBlocking(control_, [this] { retry_ = std::make_unique<Timer>(control_); });
}

BotRunner::~BotRunner() {
  CallBlocking(control_, [this] { retry_.reset(); });
}

void BotRunner::OnConfig(std::shared_ptr<const control::ConfigSnapshot> config) {
  control_.Post([this, config = std::move(config)]() mutable {
    config_ = std::move(config);
    Reconcile();
  });
}

void BotRunner::Reconcile() {
  if (stopped_ || config_ == nullptr) return;
  bool retry = false;
  // Stop what should not run (deleted, stopped, or changed: restarted below).
  for (auto it = running_.begin(); it != running_.end();) {
    const control::cpb::Bot* bot = config_->FindBot(BotId(it->first));
    if (bot != nullptr && !bot->spec().stopped() && GatewaySettings(*bot) == it->second) {
      ++it;
      continue;
    }
    log::Info("bot {}: stopping its shards ({})", it->first,
              bot == nullptr          ? "deleted"
              : bot->spec().stopped() ? "stopped"
                                      : "settings changed");
    (void)shards_.RemoveBot(BotId(it->first), /*keep_resumable=*/false);
    states_[it->first].running = false;
    it = running_.erase(it);
  }
  for (const auto& [id, bot] : config_->bots) {
    if (bot.spec().stopped() || running_.count(id)) continue;
    auto token = control_plane_.BotToken(BotId(id));
    Status started =
        token.ok() ? shards_.AddBot(ToShardSpec(bot, std::move(*token))) : Status(token.error());
    BotState& state = states_[id];
    if (started.ok()) {
      running_[id] = GatewaySettings(bot);
      state = {true, ""};
    } else {
      state = {false, started.error().ToString()};
      log::Error("bot {}: cannot start its shards: {} (retrying in {} s)", id,
                 started.error().ToString(),
                 std::chrono::duration_cast<seconds>(kRetryInterval).count());
      retry = true;
    }
  }
  for (auto it = states_.begin(); it != states_.end();) {
    it = config_->FindBot(BotId(it->first)) == nullptr ? states_.erase(it) : std::next(it);
  }
  if (retry) retry_->RunAfter(kRetryInterval, [this] { Reconcile(); });
}

void BotRunner::StopAll() {
  CallBlocking(control_, [this] {
    stopped_ = true;
    retry_->Cancel();
    for (const auto& [id, settings] : running_) {
      (void)shards_.RemoveBot(BotId(id), /*keep_resumable=*/true);
    }
    running_.clear();
  });
}

std::map<uint64_t, BotRunner::BotState> BotRunner::States() {
  return CallBlocking(control_, [this] { return states_; })
      .value_or(std::map<uint64_t, BotState>{});
}

}  // namespace pylon::app
