// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rest_metrics.h"

#include <algorithm>

namespace pylon::rest {

void DurationHistogram::Record(Duration duration) {
  double seconds = std::chrono::duration<double>(duration).count();
  if (seconds < 0) seconds = 0;
  size_t bucket =
      static_cast<size_t>(std::lower_bound(kBoundsSeconds.begin(), kBoundsSeconds.end(), seconds) -
                          kBoundsSeconds.begin());
  ++counts[bucket];
  ++count;
  sum_seconds += seconds;
}

std::string_view RestOutcomeName(RestOutcome outcome) {
  switch (outcome) {
    case RestOutcome::kSuccess:
      return "2xx";
    case RestOutcome::kClientError:
      return "4xx";
    case RestOutcome::kServerError:
      return "5xx";
    case RestOutcome::kOtherStatus:
      return "other_status";
    case RestOutcome::kRefused:
      return "refused";
    case RestOutcome::kTransport:
      return "error";
  }
  return "error";
}

RestOutcome OutcomeOfStatus(int status) {
  if (status >= 200 && status < 300) return RestOutcome::kSuccess;
  if (status >= 400 && status < 500) return RestOutcome::kClientError;
  if (status >= 500 && status < 600) return RestOutcome::kServerError;
  return RestOutcome::kOtherStatus;
}

RouteMetrics& RestMetrics::ForRoute(const std::string& route) {
  auto it = routes_.find(route);
  if (it != routes_.end()) return it->second;
  if (routes_.size() >= kMaxRoutes) {
    auto other = routes_.find(kOtherRoute);
    if (other != routes_.end()) return other->second;
  }
  return routes_[routes_.size() >= kMaxRoutes ? std::string(kOtherRoute) : route];
}

}  // namespace pylon::rest
