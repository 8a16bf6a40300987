// Copyright 2026 The Pylon Gateway Authors.
// Validation, defaults and FieldMask updates of BotSpec and WorkerGroupSpec: pure functions on
// protos, used by ControlPlane before anything is written. Every error is INVALID_ARGUMENT and
// names the field (or mask path) at fault. Stateless and thread-safe.

#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "control/control_plane.h"

namespace pylon::control {

// Limits (documented in README.md).
inline constexpr uint32_t kMaxShardCount = 65536;
inline constexpr uint32_t kMinLargeThreshold = 50;
inline constexpr uint32_t kMaxLargeThreshold = 250;
inline constexpr uint32_t kMaxMessageCacheDepth = 10000;
inline constexpr uint32_t kMaxRestGlobalLimit = 100000;
inline constexpr uint32_t kMaxMaxInFlight = 1000000;
inline constexpr size_t kMaxGroupBots = 1000;
inline constexpr size_t kMaxGroupGuilds = 100000;
inline constexpr size_t kMaxGroupEventTypes = 256;
inline constexpr size_t kMaxPushTargets = 16;
inline constexpr size_t kMaxGroupNameLength = 64;

// ---- Bots ----

// Checks every field present in `spec`. Absent fields are fine (they take defaults).
Status ValidateBotSpec(const cpb::BotSpec& spec);
// Fills every absent field from `options` (and the documented constants), and normalises
// cache_kinds (duplicates removed, sorted). `spec` must be valid.
void FillBotDefaults(const ControlOptions& options, cpb::BotSpec* spec);
// `current` with the fields named by `mask` taken from `update`: a named field absent from
// `update` goes back to its default. An empty mask names every field present in `update`.
// Unknown paths are INVALID_ARGUMENT naming the path. The result has every field present.
Result<cpb::BotSpec> MergeBotSpec(const ControlOptions& options, const cpb::BotSpec& current,
                                  const cpb::BotSpec& update, const std::vector<std::string>& mask);
// The BotSpec field names a mask may use.
const std::vector<std::string>& BotSpecPaths();

// A bot token as given by an operator: surrounding white space and a leading "Bot " are removed.
// INVALID_ARGUMENT (never quoting the token) if it is empty or cannot be a Discord token.
Result<std::string> NormalizeBotToken(std::string_view token);

// ---- Worker groups ----

// [a-z0-9_-]{1,64}.
Status ValidateWorkerGroupName(std::string_view name);
// A host:port a push target may dial: a host name, IPv4 address or [IPv6] address, and a port
// 1..65535.
Status ValidatePushAddress(std::string_view address);
// Validates `spec` and removes duplicate ids, event types and push targets (order kept).
Result<cpb::WorkerGroupSpec> NormalizeWorkerGroupSpec(const cpb::WorkerGroupSpec& spec);
void FillWorkerGroupDefaults(const ControlOptions& options, cpb::WorkerGroupSpec* spec);
// As MergeBotSpec, except that an empty mask replaces the whole spec (control_service.proto).
Result<cpb::WorkerGroupSpec> MergeWorkerGroupSpec(const ControlOptions& options,
                                                  const cpb::WorkerGroupSpec& current,
                                                  const cpb::WorkerGroupSpec& update,
                                                  const std::vector<std::string>& mask);
const std::vector<std::string>& WorkerGroupSpecPaths();

// Checks that every path of `mask` is one of `known` ("bot spec" / "worker group spec" names
// the message in the error).
Status ValidateMask(const std::vector<std::string>& mask, const std::vector<std::string>& known,
                    std::string_view message);

}  // namespace pylon::control
