// Copyright 2026 The Pylon Gateway Authors.

#include "control/spec.h"

#include <algorithm>
#include <charconv>
#include <set>
#include <unordered_set>

#include "control/intents.h"

namespace pylon::control {
namespace {

std::string ListPaths(const std::vector<std::string>& paths) {
  std::string out;
  for (const std::string& path : paths) {
    if (!out.empty()) out += ", ";
    out += path;
  }
  return out;
}

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// A quoted value for an error message, cut short: what the caller sent, never a secret.
std::string Quote(std::string_view value) {
  std::string out = "'";
  for (char c : value.substr(0, 80)) {
    out += (c >= 0x20 && c < 0x7f) ? c : '?';
  }
  if (value.size() > 80) out += "...";
  return out + "'";
}

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-' || c == '_';
}

}  // namespace

// ---- Bots ----

const std::vector<std::string>& BotSpecPaths() {
  static const std::vector<std::string> paths = {
      "intents",         "shard_count",       "cache_kinds",     "message_cache_depth",
      "member_chunking", "rest_global_limit", "large_threshold", "stopped"};
  return paths;
}

Status ValidateMask(const std::vector<std::string>& mask, const std::vector<std::string>& known,
                    std::string_view message) {
  for (const std::string& path : mask) {
    if (!Contains(known, path)) {
      return InvalidArgument("update_mask path " + Quote(path) + " is not a field of " +
                             std::string(message) + " (expected one of: " + ListPaths(known) + ")");
    }
  }
  return Ok();
}

Status ValidateBotSpec(const cpb::BotSpec& spec) {
  if (spec.has_intents() && (spec.intents() & ~kAllIntents) != 0) {
    return InvalidArgument("intents " + std::to_string(spec.intents()) +
                           " has bits Discord does not define (" +
                           std::to_string(spec.intents() & ~kAllIntents) +
                           "); the defined intents add up to " + std::to_string(kAllIntents));
  }
  if (spec.has_shard_count() && spec.shard_count() > kMaxShardCount) {
    return InvalidArgument("shard_count must be 0 (auto) or 1.." + std::to_string(kMaxShardCount) +
                           ", got " + std::to_string(spec.shard_count()));
  }
  if (spec.has_cache_kinds()) {
    for (int kind : spec.cache_kinds().kinds()) {
      if (kind == cpb::CACHE_KIND_UNSPECIFIED || !cpb::CacheKind_IsValid(kind)) {
        return InvalidArgument("cache_kinds has an unknown cache kind " + std::to_string(kind));
      }
    }
  }
  if (spec.has_message_cache_depth() && spec.message_cache_depth() > kMaxMessageCacheDepth) {
    return InvalidArgument("message_cache_depth must be 0.." +
                           std::to_string(kMaxMessageCacheDepth) + ", got " +
                           std::to_string(spec.message_cache_depth()));
  }
  if (spec.has_member_chunking() && !cpb::MemberChunkingPolicy_IsValid(spec.member_chunking())) {
    return InvalidArgument("member_chunking has an unknown policy " +
                           std::to_string(spec.member_chunking()));
  }
  if (spec.has_rest_global_limit() &&
      (spec.rest_global_limit() < 1 || spec.rest_global_limit() > kMaxRestGlobalLimit)) {
    return InvalidArgument("rest_global_limit must be 1.." + std::to_string(kMaxRestGlobalLimit) +
                           " requests per second, got " + std::to_string(spec.rest_global_limit()));
  }
  if (spec.has_large_threshold() && (spec.large_threshold() < kMinLargeThreshold ||
                                     spec.large_threshold() > kMaxLargeThreshold)) {
    return InvalidArgument("large_threshold must be " + std::to_string(kMinLargeThreshold) + ".." +
                           std::to_string(kMaxLargeThreshold) + ", got " +
                           std::to_string(spec.large_threshold()));
  }
  return Ok();
}

void FillBotDefaults(const ControlOptions& options, cpb::BotSpec* spec) {
  if (!spec->has_intents()) {
    spec->set_intents(options.default_intents != 0 ? options.default_intents : kDefaultIntents);
  }
  if (!spec->has_shard_count()) spec->set_shard_count(0);
  if (!spec->has_cache_kinds()) {
    for (int kind = cpb::CACHE_KIND_GUILDS; kind <= cpb::CACHE_KIND_MESSAGES; ++kind) {
      spec->mutable_cache_kinds()->add_kinds(static_cast<cpb::CacheKind>(kind));
    }
  } else {
    std::set<int> kinds(spec->cache_kinds().kinds().begin(), spec->cache_kinds().kinds().end());
    spec->mutable_cache_kinds()->clear_kinds();
    for (int kind : kinds)
      spec->mutable_cache_kinds()->add_kinds(static_cast<cpb::CacheKind>(kind));
  }
  if (!spec->has_message_cache_depth()) {
    spec->set_message_cache_depth(options.default_message_cache_depth);
  }
  if (!spec->has_member_chunking() ||
      spec->member_chunking() == cpb::MEMBER_CHUNKING_POLICY_UNSPECIFIED) {
    spec->set_member_chunking(options.default_member_chunking);
  }
  if (!spec->has_rest_global_limit())
    spec->set_rest_global_limit(options.default_rest_global_limit);
  if (!spec->has_large_threshold()) spec->set_large_threshold(options.default_large_threshold);
  if (!spec->has_stopped()) spec->set_stopped(false);
}

Result<cpb::BotSpec> MergeBotSpec(const ControlOptions& options, const cpb::BotSpec& current,
                                  const cpb::BotSpec& update,
                                  const std::vector<std::string>& mask) {
  PYLON_RETURN_IF_ERROR(ValidateMask(mask, BotSpecPaths(), "BotSpec"));
  PYLON_RETURN_IF_ERROR(ValidateBotSpec(update));
  std::vector<std::string> paths = mask;
  if (paths.empty()) {
    if (update.has_intents()) paths.push_back("intents");
    if (update.has_shard_count()) paths.push_back("shard_count");
    if (update.has_cache_kinds()) paths.push_back("cache_kinds");
    if (update.has_message_cache_depth()) paths.push_back("message_cache_depth");
    if (update.has_member_chunking()) paths.push_back("member_chunking");
    if (update.has_rest_global_limit()) paths.push_back("rest_global_limit");
    if (update.has_large_threshold()) paths.push_back("large_threshold");
    if (update.has_stopped()) paths.push_back("stopped");
  }
  cpb::BotSpec merged = current;
  for (const std::string& path : paths) {
    // A named field absent from `update` is cleared here and refilled with its default below.
    if (path == "intents") {
      if (update.has_intents())
        merged.set_intents(update.intents());
      else
        merged.clear_intents();
    } else if (path == "shard_count") {
      if (update.has_shard_count())
        merged.set_shard_count(update.shard_count());
      else
        merged.clear_shard_count();
    } else if (path == "cache_kinds") {
      if (update.has_cache_kinds())
        *merged.mutable_cache_kinds() = update.cache_kinds();
      else
        merged.clear_cache_kinds();
    } else if (path == "message_cache_depth") {
      if (update.has_message_cache_depth()) {
        merged.set_message_cache_depth(update.message_cache_depth());
      } else {
        merged.clear_message_cache_depth();
      }
    } else if (path == "member_chunking") {
      if (update.has_member_chunking())
        merged.set_member_chunking(update.member_chunking());
      else
        merged.clear_member_chunking();
    } else if (path == "rest_global_limit") {
      if (update.has_rest_global_limit())
        merged.set_rest_global_limit(update.rest_global_limit());
      else
        merged.clear_rest_global_limit();
    } else if (path == "large_threshold") {
      if (update.has_large_threshold())
        merged.set_large_threshold(update.large_threshold());
      else
        merged.clear_large_threshold();
    } else if (path == "stopped") {
      if (update.has_stopped())
        merged.set_stopped(update.stopped());
      else
        merged.clear_stopped();
    }
  }
  FillBotDefaults(options, &merged);
  return merged;
}

Result<std::string> NormalizeBotToken(std::string_view token) {
  auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!token.empty() && is_space(token.front())) token.remove_prefix(1);
  while (!token.empty() && is_space(token.back())) token.remove_suffix(1);
  if (token.starts_with("Bot ")) token.remove_prefix(4);
  if (token.empty()) return InvalidArgument("a bot token is required");
  if (token.size() < 8 || token.size() > 256) {
    return InvalidArgument("the bot token has " + std::to_string(token.size()) +
                           " characters; a Discord bot token has about 70");
  }
  for (char c : token) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-';
    if (!ok) {
      return InvalidArgument(
          "the bot token has a character a Discord token never has (only letters, digits, "
          "'.', '_' and '-')");
    }
  }
  return std::string(token);
}

// ---- Worker groups ----

const std::vector<std::string>& WorkerGroupSpecPaths() {
  static const std::vector<std::string> paths = {"bot_ids", "guild_ids", "event_types",
                                                 "push_targets", "max_in_flight"};
  return paths;
}

Status ValidateWorkerGroupName(std::string_view name) {
  if (name.empty() || name.size() > kMaxGroupNameLength) {
    return InvalidArgument("worker group name must be 1 to 64 characters of [a-z0-9_-], got " +
                           Quote(name));
  }
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) {
      return InvalidArgument("worker group name " + Quote(name) +
                             " may only contain lower-case letters, digits, '_' and '-'");
    }
  }
  return Ok();
}

Status ValidatePushAddress(std::string_view address) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("push target address " + Quote(address) + " " + std::string(why) +
                           " (expected host:port)");
  };
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos) return bad("has no port");
  std::string_view host = address.substr(0, colon);
  std::string_view port = address.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value < 1 ||
      value > 65535) {
    return bad("has no valid port (1..65535)");
  }
  if (host.empty()) return bad("has no host");
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad("has a malformed IPv6 address");
    for (char c : host.substr(1, host.size() - 2)) {
      bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
                c == ':' || c == '.';
      if (!ok) return bad("has a malformed IPv6 address");
    }
    return Ok();
  }
  if (host.size() > 253) return bad("has a host name longer than 253 characters");
  if (host.front() == '-' || host.front() == '.') return bad("has a malformed host name");
  for (char c : host) {
    if (!IsHostChar(c)) return bad("has a malformed host name");
  }
  return Ok();
}

Result<cpb::WorkerGroupSpec> NormalizeWorkerGroupSpec(const cpb::WorkerGroupSpec& spec) {
  cpb::WorkerGroupSpec out;
  if (spec.bot_ids_size() > static_cast<int>(kMaxGroupBots)) {
    return InvalidArgument("bot_ids has " + std::to_string(spec.bot_ids_size()) +
                           " entries; at most " + std::to_string(kMaxGroupBots));
  }
  std::unordered_set<uint64_t> seen;
  for (uint64_t id : spec.bot_ids()) {
    if (id == 0) return InvalidArgument("bot_ids has the id 0");
    if (seen.insert(id).second) out.add_bot_ids(id);
  }
  if (spec.guild_ids_size() > static_cast<int>(kMaxGroupGuilds)) {
    return InvalidArgument("guild_ids has " + std::to_string(spec.guild_ids_size()) +
                           " entries; at most " + std::to_string(kMaxGroupGuilds));
  }
  seen.clear();
  for (uint64_t id : spec.guild_ids()) {
    if (id == 0) return InvalidArgument("guild_ids has the id 0");
    if (seen.insert(id).second) out.add_guild_ids(id);
  }
  if (spec.event_types_size() > static_cast<int>(kMaxGroupEventTypes)) {
    return InvalidArgument("event_types has " + std::to_string(spec.event_types_size()) +
                           " entries; at most " + std::to_string(kMaxGroupEventTypes));
  }
  std::set<std::string, std::less<>> types;
  for (const std::string& type : spec.event_types()) {
    bool ok = !type.empty() && type.size() <= 64 &&
              std::all_of(type.begin(), type.end(),
                          [](char c) { return (c >= 'A' && c <= 'Z') || c == '_'; });
    if (!ok) {
      return InvalidArgument("event_types has " + Quote(type) +
                             "; an event type is a Discord dispatch name such as MESSAGE_CREATE "
                             "([A-Z_]{1,64})");
    }
    if (types.insert(type).second) out.add_event_types(type);
  }
  if (spec.push_targets_size() > static_cast<int>(kMaxPushTargets)) {
    return InvalidArgument("push_targets has " + std::to_string(spec.push_targets_size()) +
                           " entries; at most " + std::to_string(kMaxPushTargets));
  }
  std::set<std::string, std::less<>> addresses;
  for (const cpb::PushTarget& target : spec.push_targets()) {
    PYLON_RETURN_IF_ERROR(ValidatePushAddress(target.address()));
    if (addresses.insert(target.address()).second) *out.add_push_targets() = target;
  }
  if (spec.has_max_in_flight()) {
    if (spec.max_in_flight() < 1 || spec.max_in_flight() > kMaxMaxInFlight) {
      return InvalidArgument("max_in_flight must be 1.." + std::to_string(kMaxMaxInFlight) +
                             ", got " + std::to_string(spec.max_in_flight()));
    }
    out.set_max_in_flight(spec.max_in_flight());
  }
  return out;
}

void FillWorkerGroupDefaults(const ControlOptions& options, cpb::WorkerGroupSpec* spec) {
  if (!spec->has_max_in_flight()) spec->set_max_in_flight(options.default_max_in_flight);
}

Result<cpb::WorkerGroupSpec> MergeWorkerGroupSpec(const ControlOptions& options,
                                                  const cpb::WorkerGroupSpec& current,
                                                  const cpb::WorkerGroupSpec& update,
                                                  const std::vector<std::string>& mask) {
  PYLON_RETURN_IF_ERROR(ValidateMask(mask, WorkerGroupSpecPaths(), "WorkerGroupSpec"));
  PYLON_ASSIGN_OR_RETURN(cpb::WorkerGroupSpec normal, NormalizeWorkerGroupSpec(update));
  cpb::WorkerGroupSpec merged;
  if (mask.empty()) {
    merged = std::move(normal);
  } else {
    merged = current;
    for (const std::string& path : mask) {
      if (path == "bot_ids") {
        *merged.mutable_bot_ids() = normal.bot_ids();
      } else if (path == "guild_ids") {
        *merged.mutable_guild_ids() = normal.guild_ids();
      } else if (path == "event_types") {
        *merged.mutable_event_types() = normal.event_types();
      } else if (path == "push_targets") {
        *merged.mutable_push_targets() = normal.push_targets();
      } else if (path == "max_in_flight") {
        if (normal.has_max_in_flight())
          merged.set_max_in_flight(normal.max_in_flight());
        else
          merged.clear_max_in_flight();
      }
    }
  }
  FillWorkerGroupDefaults(options, &merged);
  return merged;
}

}  // namespace pylon::control
