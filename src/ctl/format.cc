// Copyright 2026 The Pylon Gateway Authors.

#include "ctl/format.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>

#include "control/intents.h"

namespace pylon::ctl {
namespace {

constexpr uint64_t kMaxShardCount = 65536;  // as the server checks (control/spec.h)

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string Upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// The enum value's name without its prefix, in lower case: CACHE_KIND_VOICE_STATES -> voice_states.
template <typename NameFn>
std::string ShortName(int value, NameFn name, std::string_view prefix) {
  std::string full = name(value);
  if (full.empty()) return std::to_string(value);
  if (std::string_view(full).starts_with(prefix)) full = full.substr(prefix.size());
  return Lower(full);
}

}  // namespace

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view part = Trim(text.substr(start, end - start));
    if (!part.empty()) out.emplace_back(part);
    start = end + 1;
  }
  return out;
}

Result<uint64_t> ParseNumber(std::string_view option, std::string_view text, uint64_t min,
                             uint64_t max) {
  text = Trim(text);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument(std::string(option) + ": '" + std::string(text) + "' is not a number");
  }
  if (value < min || value > max) {
    return InvalidArgument(std::string(option) + " must be " + std::to_string(min) + ".." +
                           std::to_string(max) + ", got " + std::to_string(value));
  }
  return value;
}

Result<uint64_t> ParseIntents(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    uint64_t value = 0;
    int base = 10;
    std::string_view digits = text;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
      digits.remove_prefix(2);
      base = 16;
    }
    auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
    if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size()) {
      return InvalidArgument("--intents: '" + std::string(text) + "' is not a number");
    }
    return value;
  }
  std::string normalized(text);
  std::replace(normalized.begin(), normalized.end(), '|', ',');
  std::vector<std::string> names = SplitList(normalized);
  if (names.empty()) return InvalidArgument("--intents needs a number or intent names");
  uint64_t value = 0;
  for (const std::string& name : names) {
    std::string upper = Upper(name);
    auto it = std::find_if(control::kIntentNames.begin(), control::kIntentNames.end(),
                           [&](const control::IntentName& intent) { return intent.name == upper; });
    if (it == control::kIntentNames.end()) {
      return InvalidArgument("--intents: unknown intent '" + name +
                             "' (names as in Discord's documentation, e.g. GUILD_MESSAGES)");
    }
    value |= it->bit;
  }
  return value;
}

Result<uint32_t> ParseShardCount(std::string_view text) {
  if (Trim(text) == "auto") return 0u;
  PYLON_ASSIGN_OR_RETURN(uint64_t value, ParseNumber("--shards", text, 1, kMaxShardCount));
  return static_cast<uint32_t>(value);
}

Result<std::vector<cpb::CacheKind>> ParseCacheKinds(std::string_view text) {
  std::vector<cpb::CacheKind> out;
  std::vector<std::string> names = SplitList(text);
  if (names.size() == 1 && Lower(names[0]) == "none") return out;
  if (names.size() == 1 && Lower(names[0]) == "all") {
    for (int kind = cpb::CACHE_KIND_GUILDS; kind <= cpb::CACHE_KIND_MESSAGES; ++kind) {
      out.push_back(static_cast<cpb::CacheKind>(kind));
    }
    return out;
  }
  if (names.empty()) return InvalidArgument("--cache needs kinds, 'all' or 'none'");
  for (const std::string& name : names) {
    cpb::CacheKind kind;
    if (!cpb::CacheKind_Parse("CACHE_KIND_" + Upper(name), &kind) ||
        kind == cpb::CACHE_KIND_UNSPECIFIED) {
      return InvalidArgument("--cache: unknown cache kind '" + name +
                             "' (guilds, channels, roles, members, users, presences, "
                             "voice_states, emojis, messages, or all / none)");
    }
    out.push_back(kind);
  }
  return out;
}

Result<cpb::MemberChunkingPolicy> ParseChunking(std::string_view text) {
  cpb::MemberChunkingPolicy policy;
  std::string name = Upper(Trim(text));
  if (name == "UNSPECIFIED" || name == "POLICY_UNSPECIFIED" ||
      !cpb::MemberChunkingPolicy_Parse("MEMBER_CHUNKING_" + name, &policy)) {
    return InvalidArgument("--chunking must be none, on_demand, on_miss or all_on_connect, got '" +
                           std::string(text) + "'");
  }
  return policy;
}

Result<std::vector<uint64_t>> ParseIdList(std::string_view option, std::string_view text) {
  std::vector<uint64_t> out;
  for (const std::string& part : SplitList(text)) {
    PYLON_ASSIGN_OR_RETURN(uint64_t id, ParseNumber(option, part, 1, UINT64_MAX));
    out.push_back(id);
  }
  return out;
}

std::string FormatTimestamp(const google::protobuf::Timestamp& timestamp) {
  if (timestamp.seconds() == 0 && timestamp.nanos() == 0) return "-";
  std::time_t seconds = static_cast<std::time_t>(timestamp.seconds());
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

std::string FormatIntents(uint64_t intents) {
  std::vector<std::string> names;
  uint64_t known = 0;
  for (const control::IntentName& intent : control::kIntentNames) {
    if (intents & intent.bit) names.emplace_back(intent.name);
    known |= intent.bit;
  }
  if (intents & ~known) names.push_back("unknown bits " + std::to_string(intents & ~known));
  std::string out = std::to_string(intents);
  if (intents == control::kDefaultIntents) out += " (default)";
  if (!names.empty()) out += ": " + Join(names);
  return out;
}

std::string CacheKindName(int kind) {
  return ShortName(
      kind, [](int value) { return cpb::CacheKind_Name(value); }, "CACHE_KIND_");
}

std::string FormatCacheKinds(const cpb::CacheKindList& kinds) {
  if (kinds.kinds_size() == 0) return "none";
  if (kinds.kinds_size() == cpb::CACHE_KIND_MESSAGES) return "all";
  std::vector<std::string> names;
  for (int kind : kinds.kinds()) names.push_back(CacheKindName(kind));
  return Join(names);
}

std::string ChunkingName(int policy) {
  return ShortName(
      policy, [](int value) { return cpb::MemberChunkingPolicy_Name(value); }, "MEMBER_CHUNKING_");
}

std::string NodeStateName(int state) {
  return ShortName(
      state, [](int value) { return cpb::NodeState_Name(value); }, "NODE_STATE_");
}

std::string ShardStateName(int state) {
  return ShortName(
      state, [](int value) { return cpb::ShardState_Name(value); }, "SHARD_STATE_");
}

std::string FormatBytes(uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char text[32];
  if (unit == 0) {
    std::snprintf(text, sizeof(text), "%llu B", static_cast<unsigned long long>(bytes));
  } else {
    std::snprintf(text, sizeof(text), "%.1f %s", value, kUnits[unit]);
  }
  return text;
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& part : parts) {
    if (!out.empty()) out += separator;
    out += part;
  }
  return out;
}

}  // namespace pylon::ctl
