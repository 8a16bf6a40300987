// Copyright 2026 The Pylon Gateway Authors.

#include "rest/shard_cache_access.h"

#include "gateway/shard.h"

namespace pylon::rest {

CacheRunner ShardCacheRunner(gateway::ShardHost& host) {
  return [&host](BotId bot, GuildId guild, UniqueFunction<void(const cache::ShardCache*)> fn) {
    std::shared_ptr<const gateway::RoutingTable> routes = host.Routes();
    const gateway::ShardRoute* route = routes->Find(bot, guild);
    if (route == nullptr || route->reactor == nullptr || !route->handle) {
      fn(nullptr);
      return;
    }
    // The shard may stop before the closure runs: its handle says so.
    route->reactor->Post([handle = route->handle, fn = std::move(fn)]() mutable {
      gateway::Shard* shard = handle->shard;
      fn(shard != nullptr ? &shard->cache() : nullptr);
    });
  };
}

}  // namespace pylon::rest
