// Copyright 2026 The Pylon Gateway Authors.
// How pylonctl reads option values (intents, shard counts, cache kinds, id lists...) and writes
// proto values (timestamps, enums, sizes) for people. Pure functions, thread-safe.

#pragma once

#include <google/protobuf/timestamp.pb.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "gateway/v1/control_service.pb.h"

namespace pylon::ctl {

namespace cpb = ::pylon::gateway::v1::control;

// ---- Parsing (errors are INVALID_ARGUMENT naming the option) ----

// A decimal number in [min, max].
Result<uint64_t> ParseNumber(std::string_view option, std::string_view text, uint64_t min,
                             uint64_t max);
// A number (decimal or 0x hex) or intent names separated by commas or '|' (case-insensitive).
Result<uint64_t> ParseIntents(std::string_view text);
// "auto" (0) or 1..65536.
Result<uint32_t> ParseShardCount(std::string_view text);
// Cache kind names separated by commas; "all"; "none" (an empty list: cache nothing).
Result<std::vector<cpb::CacheKind>> ParseCacheKinds(std::string_view text);
// none | on_demand | on_miss | all_on_connect.
Result<cpb::MemberChunkingPolicy> ParseChunking(std::string_view text);
// Snowflakes separated by commas; the empty string is the empty list.
Result<std::vector<uint64_t>> ParseIdList(std::string_view option, std::string_view text);
// Words separated by commas, white space trimmed, empty ones dropped.
std::vector<std::string> SplitList(std::string_view text);

// ---- Formatting ----

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp);  // "-" when unset
std::string FormatIntents(uint64_t intents);  // "38863 (GUILDS, GUILD_MEMBERS, ...)"
std::string FormatCacheKinds(const cpb::CacheKindList& kinds);
std::string CacheKindName(int kind);      // "members"
std::string ChunkingName(int policy);     // "on_miss"
std::string NodeStateName(int state);     // "up"
std::string ShardStateName(int state);    // "ready"
std::string FormatBytes(uint64_t bytes);  // "1.5 MiB"
std::string Join(const std::vector<std::string>& parts, std::string_view separator = ", ");

}  // namespace pylon::ctl
