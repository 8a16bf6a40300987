// Copyright 2026 The Pylon Gateway Authors.

#include "sim/rest_limits.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace pylon::sim::rest_internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr uint64_t kSweepEvery = 4096;

std::string HashHex(std::string_view name) {
  // Two FNV-1a passes with different offsets: 32 hex digits that look like Discord's hashes.
  auto fnv = [&](uint64_t h) {
    for (unsigned char c : name) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    return h;
  };
  char out[33];
  std::snprintf(out, sizeof(out), "%016" PRIx64 "%016" PRIx64, fnv(0xcbf29ce484222325ull),
                fnv(0x84222325cbf29ce4ull));
  return std::string(out, 32);
}

}  // namespace

std::vector<BucketSpec> DefaultBuckets() {
  // Plausible values from observed headers and issue reports (README "REST"); tests override them
  // through POST /_sim/rest/buckets.
  return {
      {"gateway", 50, seconds(1)},
      {"gateway_bot", 5, seconds(5)},
      {"get_user", 5, seconds(5)},
      {"patch_me", 2, seconds(60)},
      {"user_guilds", 5, seconds(5)},
      {"create_dm", 5, seconds(5)},
      {"get_channel", 5, seconds(1)},
      {"patch_channel", 5, seconds(5)},
      {"delete_channel", 5, seconds(5)},
      {"get_messages", 5, seconds(1)},
      {"create_message", 5, seconds(5)},
      {"edit_message", 5, seconds(5)},
      {"delete_message", 5, seconds(1)},
      {"delete_old_message", 30, seconds(4)},
      {"bulk_delete", 1, seconds(1)},
      {"crosspost", 10, std::chrono::hours(1)},
      {"reactions", 1, milliseconds(250)},
      {"get_reactions", 5, seconds(1)},
      {"typing", 5, seconds(5)},
      {"pins", 5, seconds(5)},
      {"get_pins", 5, seconds(1)},
      {"channel_permissions", 5, seconds(5)},
      {"channel_invites", 5, seconds(5)},
      {"followers", 5, seconds(5)},
      {"invites", 5, seconds(5)},
      {"get_guild", 5, seconds(1)},
      {"patch_guild", 5, seconds(5)},
      {"guild_channels", 5, seconds(5)},
      {"get_members", 10, seconds(10)},
      {"add_member", 5, seconds(5)},
      {"patch_member", 10, seconds(10)},
      {"member_roles", 10, seconds(10)},
      {"kick", 5, seconds(5)},
      {"get_bans", 10, seconds(10)},
      {"bans", 5, seconds(5)},
      {"roles", 10, seconds(10)},
      {"prune", 5, seconds(5)},
      {"regions", 5, seconds(5)},
      {"guild_invites", 5, seconds(5)},
      {"get_emojis", 5, seconds(1)},
      {"emojis", 10, seconds(10), /*per_resource=*/true},
      {"interaction_callback", 5, seconds(5)},
      {"webhook_execute", 5, seconds(2)},
      {"webhook_message", 5, seconds(1)},
  };
}

std::string_view ScopeName(Scope scope) {
  switch (scope) {
    case Scope::kUser:
      return "user";
    case Scope::kGlobal:
      return "global";
    case Scope::kShared:
      return "shared";
  }
  return "user";
}

std::string Seconds3(Duration d) {
  double s = std::chrono::duration<double>(d).count();
  if (s < 0) s = 0;
  char out[32];
  std::snprintf(out, sizeof(out), "%.3f", s);
  return out;
}

RateLimiter::RateLimiter(const Clock& clock, const RestOptions& options)
    : clock_(clock), options_(options), buckets_(DefaultBuckets()) {
  for (const BucketSpec& b : buckets_) hashes_.push_back(HashHex(b.name));
}

bool RateLimiter::Banned(const std::string& ip, Duration* left) {
  auto it = ips_.find(ip);
  if (it == ips_.end() || !it->second.banned) return false;
  MonoTime now = clock_.Now();
  if (now >= it->second.banned_until) {
    it->second.banned = false;
    it->second.invalid.clear();
    return false;
  }
  if (left) *left = it->second.banned_until - now;
  return true;
}

void RateLimiter::CountInvalid(const std::string& ip) {
  MonoTime now = clock_.Now();
  IpState& s = ips_[ip];
  ++s.invalid_total;
  s.invalid.push_back(now);
  while (!s.invalid.empty() && s.invalid.front() <= now - options_.invalid_request_window) {
    s.invalid.pop_front();
  }
  if (s.invalid.size() > options_.invalid_request_limit && !s.banned) {
    s.banned = true;
    s.banned_until = now + options_.ban_duration;
    ++s.bans;
  }
}

std::optional<Duration> RateLimiter::TakeGlobal(const std::string& key, uint32_t limit,
                                                uint64_t bot) {
  MonoTime now = clock_.Now();
  MaybeSweep(now);
  Window& w = global_windows_[key];
  w.Refresh(now);
  const Duration window = std::chrono::seconds(1);
  if (w.used >= limit) {
    if (bot != 0) ++bot_stats_[bot].global_429;
    return w.ResetAfter(now, window);
  }
  w.Take(now, window);
  if (bot != 0) {
    BotStats& s = bot_stats_[bot];
    ++s.counted;
    s.last_second.push_back(now);
    while (!s.last_second.empty() && s.last_second.front() <= now - window) {
      s.last_second.pop_front();
    }
    s.max_per_second = std::max<uint32_t>(s.max_per_second, s.last_second.size());
  }
  return std::nullopt;
}

uint32_t RateLimiter::GlobalLimit(uint64_t bot, uint32_t fallback) const {
  auto it = global_overrides_.find(bot);
  return it != global_overrides_.end() ? it->second : fallback;
}

int RateLimiter::BucketIndex(std::string_view name) const {
  for (size_t i = 0; i < buckets_.size(); ++i) {
    if (buckets_[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

void RateLimiter::OverrideBucket(int index, uint32_t limit, Duration window) {
  buckets_[index].limit = limit;
  buckets_[index].window = window;
}

namespace {
std::string RouteKey(const BucketSpec& spec, int bucket, uint64_t bot, std::string_view major) {
  std::string key = std::to_string(bucket);
  key += '|';
  if (!spec.per_resource) key += std::to_string(bot);
  key += '|';
  key += major;
  return key;
}
}  // namespace

RouteHeaders RateLimiter::Peek(int bucket, uint64_t bot, std::string_view major, bool* exhausted) {
  const BucketSpec& spec = buckets_[bucket];
  MonoTime now = clock_.Now();
  MaybeSweep(now);
  Window& w = route_windows_[RouteKey(spec, bucket, bot, major)];
  w.Refresh(now);
  RouteHeaders h;
  h.limit = spec.limit;
  h.remaining = w.used >= spec.limit ? 0 : spec.limit - w.used;
  h.reset_after = w.ResetAfter(now, spec.window);
  h.bucket_hash = hashes_[bucket];
  *exhausted = w.used >= spec.limit;
  return h;
}

RouteHeaders RateLimiter::Take(int bucket, uint64_t bot, std::string_view major) {
  const BucketSpec& spec = buckets_[bucket];
  MonoTime now = clock_.Now();
  Window& w = route_windows_[RouteKey(spec, bucket, bot, major)];
  w.Refresh(now);
  w.Take(now, spec.window);
  RouteHeaders h;
  h.limit = spec.limit;
  h.remaining = w.used >= spec.limit ? 0 : spec.limit - w.used;
  h.reset_after = w.ResetAfter(now, spec.window);
  h.bucket_hash = hashes_[bucket];
  return h;
}

std::optional<Duration> RateLimiter::TakeShared(const std::string& key, uint32_t limit,
                                                Duration window) {
  MonoTime now = clock_.Now();
  Window& w = shared_windows_[key];
  w.Refresh(now);
  if (w.used >= limit) return w.ResetAfter(now, window);
  w.Take(now, window);
  return std::nullopt;
}

std::optional<Duration> RateLimiter::TakeNameTopic(uint64_t bot, uint64_t channel) {
  MonoTime now = clock_.Now();
  Window& w = sublimit_windows_[std::to_string(bot) + "|" + std::to_string(channel)];
  w.Refresh(now);
  const Duration window = options_.name_topic_sublimit_window;
  if (w.used >= 2) return w.ResetAfter(now, window);
  w.Take(now, window);
  return std::nullopt;
}

void RateLimiter::Count429(std::string_view route, Scope scope) {
  ++limited_by_route_[std::string(route)][std::string(ScopeName(scope))];
}

void RateLimiter::MaybeSweep(MonoTime now) {
  if (++operations_ % kSweepEvery != 0) return;
  auto sweep = [now](std::unordered_map<std::string, Window>& map) {
    std::erase_if(map, [now](const auto& entry) {
      return entry.second.used == 0 || now >= entry.second.reset;
    });
  };
  sweep(route_windows_);
  sweep(global_windows_);
  sweep(shared_windows_);
  sweep(sublimit_windows_);
}

void RateLimiter::Reset() {
  buckets_ = DefaultBuckets();
  route_windows_.clear();
  global_windows_.clear();
  shared_windows_.clear();
  sublimit_windows_.clear();
  global_overrides_.clear();
  bot_stats_.clear();
  ips_.clear();
  requests_by_route_.clear();
  responses_by_status_.clear();
  limited_by_route_.clear();
  banned_requests_ = 0;
}

void RateLimiter::WriteStats(JsonWriter& w) const {
  MonoTime now = clock_.Now();
  w.Key("requests_by_route").BeginObject();
  uint64_t total = 0;
  for (const auto& [route, n] : requests_by_route_) {
    w.Key(route).UInt(n);
    total += n;
  }
  w.EndObject();
  w.Key("requests").UInt(total);
  w.Key("responses_by_status").BeginObject();
  for (const auto& [status, n] : responses_by_status_) w.Key(std::to_string(status)).UInt(n);
  w.EndObject();
  w.Key("rate_limited").BeginObject();
  for (const auto& [route, scopes] : limited_by_route_) {
    w.Key(route).BeginObject();
    for (const auto& [scope, n] : scopes) w.Key(scope).UInt(n);
    w.EndObject();
  }
  w.EndObject();
  w.Key("bots").BeginObject();
  for (const auto& [bot, s] : bot_stats_) {
    w.Key(std::to_string(bot)).BeginObject();
    w.Key("counted").UInt(s.counted);
    w.Key("global_limit_hits").UInt(s.global_429);
    w.Key("max_per_second").UInt(s.max_per_second);
    w.EndObject();
  }
  w.EndObject();
  w.Key("invalid_requests").BeginObject();
  for (const auto& [ip, s] : ips_) {
    size_t in_window = 0;
    for (MonoTime t : s.invalid) in_window += t > now - options_.invalid_request_window;
    w.Key(ip).BeginObject();
    w.Key("total").UInt(s.invalid_total);
    w.Key("in_window").UInt(in_window);
    w.Key("bans").UInt(s.bans);
    w.Key("banned").Bool(s.banned && now < s.banned_until);
    if (s.banned && now < s.banned_until) {
      w.Key("ban_ends_in").Raw(Seconds3(s.banned_until - now));
    }
    w.EndObject();
  }
  w.EndObject();
  w.Key("banned_requests").UInt(banned_requests_);
  w.Key("buckets").BeginArray();
  for (size_t i = 0; i < buckets_.size(); ++i) {
    const BucketSpec& b = buckets_[i];
    w.BeginObject().Key("name").String(b.name).Key("hash").String(hashes_[i]);
    w.Key("limit").UInt(b.limit);
    w.Key("window_ms").Int(std::chrono::duration_cast<milliseconds>(b.window).count());
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace pylon::sim::rest_internal
