// Copyright 2026 The Pylon Gateway Authors.
// Who makes a unary call and what it is about, from its metadata (pylon-api-contract.md §2,
// architecture §9):
//   x-pylon-bot-id    decimal bot id (the Java client renders it as a signed long)
//   x-pylon-guild-id  decimal guild id; "0" (and Java's "null") for calls about no guild
//   authorization     "Bearer <worker-group token>": limits the call to that group's filters
// Missing or malformed metadata is INVALID_ARGUMENT naming the key; an unknown token, or no token
// when anonymous access is off, is UNAUTHENTICATED; an unknown bot is NOT_FOUND; a bot or guild
// outside the token's group filters is PERMISSION_DENIED.

#pragma once

#include <memory>
#include <string_view>

#include <grpcpp/server_context.h>

#include "base/ids.h"
#include "base/result.h"
#include "control/control_plane.h"

namespace pylon::api {

struct CallScope {
  BotId bot;
  GuildId guild;  // 0: no guild
  std::shared_ptr<const control::ConfigSnapshot> config;
  const control::WorkerGroupView* group = nullptr;  // set when the call carried a token
};

struct ScopeRules {
  bool needs_guild = true;       // x-pylon-guild-id must be present ("0" allowed)
  bool allow_anonymous = true;   // calls without a token are served
};

// Metadata as a plain multimap view, so that the parsing is testable without a server.
Result<CallScope> ResolveScope(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    std::shared_ptr<const control::ConfigSnapshot> config, const ScopeRules& rules);

// A decimal id from metadata: digits, or a negative signed-64-bit rendering (two's complement).
Result<Snowflake> ParseMetadataId(std::string_view key, std::string_view value);

}  // namespace pylon::api
