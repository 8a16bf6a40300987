// Copyright 2026 The Pylon Gateway Authors.
// The CacheRunner of a process running shards: finds the shard that owns (bot, guild) in the
// ShardHost's routing table (lock-free) and runs the check on that shard's reactor with its
// cache. Guilds of shards running elsewhere (or not at all) get no local check.

#pragma once

#include "gateway/shard_host.h"
#include "rest/rest_proxy.h"

namespace pylon::rest {

// `host` must outlive the returned runner.
CacheRunner ShardCacheRunner(gateway::ShardHost& host);

}  // namespace pylon::rest
