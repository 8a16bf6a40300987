// Copyright 2026 The Pylon Gateway Authors.
// RestMetrics: what one bot's REST requests did, per route (route.h's key, "GET /channels/:id"),
// for /metrics: requests by how they ended, Discord's round-trip time of every attempt and the
// time a request waited for the rate limits before its first attempt (both as histograms), and
// Discord's 429s by scope. Owned by the bot's BotRestClient, on its reactor; copied for a scrape.
//
// Bounded: at most kMaxRoutes routes per bot (raw requests of the compatible endpoint may name any
// path); requests on further routes are counted under the route "other".

#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>

#include "base/clock.h"

namespace pylon::rest {

// A Prometheus-style histogram of durations: cumulative counts are computed when rendering.
struct DurationHistogram {
  // Upper bounds in seconds; a last, implicit bucket holds everything above.
  static constexpr std::array<double, 12> kBoundsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

  void Record(Duration duration);

  std::array<uint64_t, kBoundsSeconds.size() + 1> counts{};  // per bucket, not cumulative
  uint64_t count = 0;
  double sum_seconds = 0;
};

// How a request ended.
enum class RestOutcome : uint8_t {
  kSuccess,      // Discord answered 2xx
  kClientError,  // 4xx (a 429 only when it was not retried)
  kServerError,  // 5xx (after the retries the limiter allows)
  kOtherStatus,  // 1xx, 3xx
  kRefused,      // answered locally: rate limited, invalid-request guard, quarantined token
  kTransport,    // Discord could not be reached
};
inline constexpr size_t kRestOutcomeCount = 6;
std::string_view RestOutcomeName(RestOutcome outcome);  // "2xx", "4xx", ..., "refused", "error"
RestOutcome OutcomeOfStatus(int status);

struct RouteMetrics {
  std::array<uint64_t, kRestOutcomeCount> requests{};  // by RestOutcome
  uint64_t discord_429_user = 0;
  uint64_t discord_429_global = 0;
  uint64_t discord_429_shared = 0;
  DurationHistogram discord_latency;  // each attempt: sent until Discord's answer
  DurationHistogram queue_wait;       // submitted until first sent
};

class RestMetrics {
 public:
  static constexpr size_t kMaxRoutes = 256;
  static constexpr std::string_view kOtherRoute = "other";

  // The entry of `route`; stays valid as long as this object (std::map nodes do not move).
  RouteMetrics& ForRoute(const std::string& route);
  const std::map<std::string, RouteMetrics, std::less<>>& routes() const { return routes_; }

 private:
  std::map<std::string, RouteMetrics, std::less<>> routes_;
};

}  // namespace pylon::rest
