// Copyright 2026 The Pylon Gateway Authors.

#include "api/call_scope.h"

#include <charconv>

namespace pylon::api {
namespace {

std::optional<std::string_view> Find(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, std::string_view key) {
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  if (it == metadata.end()) return std::nullopt;
  return std::string_view(it->second.data(), it->second.size());
}

}  // namespace

Result<Snowflake> ParseMetadataId(std::string_view key, std::string_view value) {
  if (!value.empty() && value.front() == '-') {
    int64_t signed_value = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), signed_value);
    if (ec == std::errc() && end == value.data() + value.size()) {
      return Snowflake(static_cast<uint64_t>(signed_value));
    }
  } else if (auto parsed = Snowflake::Parse(value); parsed.ok()) {
    return *parsed;
  }
  return InvalidArgument("metadata '" + std::string(key) + "' must be a decimal id, got '" +
                         std::string(value.substr(0, 40)) + "'");
}

Result<CallScope> ResolveScope(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata,
    std::shared_ptr<const control::ConfigSnapshot> config, const ScopeRules& rules) {
  CallScope scope;
  scope.config = std::move(config);

  if (auto authorization = Find(metadata, "authorization")) {
    std::string_view value = *authorization;
    if (!value.starts_with("Bearer ")) {
      return Unauthenticated("metadata 'authorization' must be 'Bearer <worker-group token>'");
    }
    scope.group = scope.config->GroupForToken(value.substr(7));
    if (scope.group == nullptr) return Unauthenticated("unknown or revoked worker-group token");
  } else if (!rules.allow_anonymous) {
    return Unauthenticated("this server requires 'authorization: Bearer <worker-group token>'");
  }

  auto bot = Find(metadata, "x-pylon-bot-id");
  if (!bot) return InvalidArgument("missing metadata 'x-pylon-bot-id'");
  PYLON_ASSIGN_OR_RETURN(Snowflake bot_id, ParseMetadataId("x-pylon-bot-id", *bot));
  scope.bot = BotId(bot_id);
  if (scope.bot.is_zero()) return InvalidArgument("metadata 'x-pylon-bot-id' is 0");

  auto guild = Find(metadata, "x-pylon-guild-id");
  if (guild && *guild != "null") {
    PYLON_ASSIGN_OR_RETURN(Snowflake guild_id, ParseMetadataId("x-pylon-guild-id", *guild));
    scope.guild = GuildId(guild_id);
  } else if (!guild && rules.needs_guild) {
    return InvalidArgument("missing metadata 'x-pylon-guild-id'");
  }

  if (scope.config->FindBot(scope.bot) == nullptr) {
    return NotFound("unknown bot " + scope.bot.ToString());
  }
  if (scope.group != nullptr) {
    if (!scope.group->AcceptsBot(scope.bot)) {
      return PermissionDenied("worker group '" + scope.group->name + "' may not use bot " +
                              scope.bot.ToString());
    }
    if (!scope.guild.is_zero() && !scope.group->AcceptsGuild(scope.guild)) {
      return PermissionDenied("worker group '" + scope.group->name + "' may not use guild " +
                              scope.guild.ToString());
    }
  }
  return scope;
}

}  // namespace pylon::api
