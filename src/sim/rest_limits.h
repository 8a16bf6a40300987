// Copyright 2026 The Pylon Gateway Authors.
// The REST simulator's limits (discord-protocol.md §8): per-route buckets keyed by (bot, bucket,
// major parameter), the per-bot global limit, shared-scope (per-resource, across bots) limits,
// the channel name/topic sublimit, and the invalid-request limit per client IP that ends in a
// Cloudflare-style ban. Also the counters the admin API reports (GET /_sim/rest/stats).
//
// Every window is fixed and starts with the first request that uses it, as Discord's buckets do
// (X-RateLimit-Reset-After counts down from the first request); the invalid-request window
// slides. Pure logic on an injected Clock: no I/O, no World. Owned by the RestSimulator, on the
// simulator's reactor thread; not thread-safe.

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/clock.h"
#include "base/json_writer.h"
#include "sim/rest.h"

namespace pylon::sim::rest_internal {

// A bucket: routes that share one limit (X-RateLimit-Bucket is the same for all of them).
struct BucketSpec {
  std::string name;  // "create_message"
  uint32_t limit = 5;
  Duration window = std::chrono::seconds(5);
  // Keyed by the major parameter only, not by bot (emoji routes: limited per guild).
  bool per_resource = false;
};

// The defaults (README "REST": default buckets).
std::vector<BucketSpec> DefaultBuckets();

// The state of one fixed window.
struct Window {
  uint32_t used = 0;
  MonoTime reset{};  // meaningful while used > 0

  void Refresh(MonoTime now) {
    if (used > 0 && now >= reset) used = 0;
  }
  void Take(MonoTime now, Duration window) {
    if (used == 0) reset = now + window;
    ++used;
  }
  Duration ResetAfter(MonoTime now, Duration window) const {
    return used > 0 ? reset - now : window;
  }
};

// What the X-RateLimit-* headers of a route say.
struct RouteHeaders {
  uint32_t limit = 0;
  uint32_t remaining = 0;
  Duration reset_after{};
  std::string bucket_hash;
};

// Scope of a 429 (X-RateLimit-Scope).
enum class Scope : uint8_t { kUser, kGlobal, kShared };
std::string_view ScopeName(Scope scope);

class RateLimiter {
 public:
  RateLimiter(const Clock& clock, const RestOptions& options);

  // ---- Cloudflare ban and invalid requests (per client IP) ----
  // Whether `ip` is banned now; *left gets the time until the ban ends.
  bool Banned(const std::string& ip, Duration* left = nullptr);
  // Counts a 401/403/(non-shared) 429 from `ip`; past the limit within the window, bans it.
  void CountInvalid(const std::string& ip);

  // ---- Global limit ----
  // Counts one request against `key`'s global limit ("b<bot id>" or "i<ip>") and returns nullopt,
  // or returns how long until the window resets (the request is then not counted). `bot` (0 for
  // none) gets the per-second statistics.
  std::optional<Duration> TakeGlobal(const std::string& key, uint32_t limit, uint64_t bot);
  // The global limit of `bot`: an override from the admin API, or `fallback`.
  uint32_t GlobalLimit(uint64_t bot, uint32_t fallback) const;
  void SetGlobalLimit(uint64_t bot, uint32_t limit) { global_overrides_[bot] = limit; }

  // ---- Route buckets ----
  // Index of the bucket called `name` (from DefaultBuckets); -1 when unknown.
  int BucketIndex(std::string_view name) const;
  const BucketSpec& bucket(int index) const { return buckets_[index]; }
  void OverrideBucket(int index, uint32_t limit, Duration window);
  // The headers of (bucket, bot, major) now, without taking a request; *exhausted tells whether
  // a request would be refused (then reset_after is the retry_after).
  RouteHeaders Peek(int bucket, uint64_t bot, std::string_view major, bool* exhausted);
  // Takes one request from (bucket, bot, major); returns the headers after it.
  RouteHeaders Take(int bucket, uint64_t bot, std::string_view major);

  // ---- Shared scope (per resource, across bots) ----
  // `key` names the route and resource. nullopt: allowed (counted); else the retry_after.
  std::optional<Duration> TakeShared(const std::string& key, uint32_t limit, Duration window);

  // ---- PATCH /channels/{id} name/topic sublimit: 2 per window per (bot, channel) ----
  std::optional<Duration> TakeNameTopic(uint64_t bot, uint64_t channel);

  // ---- Statistics ----
  void CountRequest(std::string_view route) { ++requests_by_route_[std::string(route)]; }
  void CountStatus(int status) { ++responses_by_status_[status]; }
  void Count429(std::string_view route, Scope scope);
  void CountBanned() { ++banned_requests_; }
  // Writes the statistics as keys of the object open in `w`.
  void WriteStats(JsonWriter& w) const;

  // Forgets every counter, window, ban and override (POST /_sim/rest/reset).
  void Reset();

 private:
  struct GlobalState {
    Window window;
  };
  struct BotStats {
    uint64_t counted = 0;         // requests counted against the global limit
    uint64_t global_429 = 0;      // refused by it
    uint32_t max_per_second = 0;  // most counted requests in any sliding 1-second window
    std::deque<MonoTime> last_second;
  };
  struct IpState {
    std::deque<MonoTime> invalid;  // within the window
    uint64_t invalid_total = 0;
    MonoTime banned_until{};
    bool banned = false;
    uint64_t bans = 0;
  };

  // Drops expired windows now and then so that the maps do not grow without bound.
  void MaybeSweep(MonoTime now);

  const Clock& clock_;
  const RestOptions& options_;
  std::vector<BucketSpec> buckets_;
  std::vector<std::string> hashes_;  // X-RateLimit-Bucket per bucket
  std::unordered_map<std::string, Window> route_windows_;
  std::unordered_map<std::string, Window> global_windows_;
  std::unordered_map<std::string, Window> shared_windows_;
  std::unordered_map<std::string, Window> sublimit_windows_;
  std::unordered_map<uint64_t, uint32_t> global_overrides_;
  std::map<uint64_t, BotStats> bot_stats_;
  std::map<std::string, IpState> ips_;
  uint64_t operations_ = 0;

  std::map<std::string, uint64_t> requests_by_route_;
  std::map<int, uint64_t> responses_by_status_;
  std::map<std::string, std::map<std::string, uint64_t>> limited_by_route_;  // route -> scope
  uint64_t banned_requests_ = 0;
};

// "%.3f" of a duration in seconds (header and body values).
std::string Seconds3(Duration d);

}  // namespace pylon::sim::rest_internal
