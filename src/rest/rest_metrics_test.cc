// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rest_metrics.h"

#include <gtest/gtest.h>

namespace pylon::rest {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(DurationHistogramTest, CountsEachDurationInTheFirstBucketThatHoldsIt) {
  DurationHistogram h;
  h.Record(microseconds(100));  // <= 0.5 ms
  h.Record(microseconds(500));  // == 0.5 ms: still the first bucket (upper bounds are inclusive)
  h.Record(milliseconds(3));    // <= 5 ms
  h.Record(milliseconds(800));  // <= 1 s
  h.Record(seconds(30));        // above every bound
  h.Record(milliseconds(-1));   // a clock step backwards counts as zero
  EXPECT_EQ(h.count, 6u);
  EXPECT_EQ(h.counts[0], 3u);
  EXPECT_EQ(h.counts[3], 1u);
  EXPECT_EQ(h.counts[10], 1u);
  EXPECT_EQ(h.counts.back(), 1u);
  EXPECT_NEAR(h.sum_seconds, 0.0001 + 0.0005 + 0.003 + 0.8 + 30, 1e-9);
}

TEST(RestOutcomeTest, StatusClasses) {
  EXPECT_EQ(OutcomeOfStatus(204), RestOutcome::kSuccess);
  EXPECT_EQ(OutcomeOfStatus(429), RestOutcome::kClientError);
  EXPECT_EQ(OutcomeOfStatus(502), RestOutcome::kServerError);
  EXPECT_EQ(OutcomeOfStatus(304), RestOutcome::kOtherStatus);
  EXPECT_EQ(RestOutcomeName(RestOutcome::kRefused), "refused");
  EXPECT_EQ(RestOutcomeName(RestOutcome::kTransport), "error");
}

TEST(RestMetricsTest, RoutesAreBoundedAndTheRestCountAsOther) {
  RestMetrics metrics;
  RouteMetrics& first = metrics.ForRoute("GET /channels/:id");
  ++first.requests[0];
  EXPECT_EQ(&metrics.ForRoute("GET /channels/:id"), &first);
  for (size_t i = 1; i < RestMetrics::kMaxRoutes; ++i) {
    metrics.ForRoute("GET /made-up/" + std::to_string(i));
  }
  EXPECT_EQ(metrics.routes().size(), RestMetrics::kMaxRoutes);
  RouteMetrics& other = metrics.ForRoute("GET /one-too-many");
  EXPECT_EQ(&metrics.ForRoute("GET /and-another"), &other);
  EXPECT_EQ(metrics.routes().size(), RestMetrics::kMaxRoutes + 1);
  EXPECT_TRUE(metrics.routes().contains(RestMetrics::kOtherRoute));
  EXPECT_FALSE(metrics.routes().contains("GET /one-too-many"));
  // Known routes still get their own entry.
  EXPECT_EQ(&metrics.ForRoute("GET /channels/:id"), &first);
  EXPECT_EQ(first.requests[0], 1u);
}

}  // namespace
}  // namespace pylon::rest
