// Copyright 2026 The Pylon Gateway Authors.
// The REST limits on a ManualClock: fixed bucket windows, the global limit and its per-second
// statistics, shared scope, the name/topic sublimit, the invalid-request ban.

#include "sim/rest_limits.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace pylon::sim::rest_internal {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class RateLimiterTest : public ::testing::Test {
 protected:
  RateLimiterTest() : limiter_(clock_, options_) {}

  RestOptions Options() {
    RestOptions o;
    o.invalid_request_limit = 3;
    o.invalid_request_window = seconds(10);
    o.ban_duration = seconds(60);
    o.name_topic_sublimit_window = seconds(600);
    return o;
  }

  ManualClock clock_;
  RestOptions options_ = Options();
  RateLimiter limiter_;
};

TEST_F(RateLimiterTest, BucketWindowStartsWithTheFirstRequest) {
  int b = limiter_.BucketIndex("create_message");
  ASSERT_GE(b, 0);
  EXPECT_EQ(limiter_.bucket(b).limit, 5u);
  bool exhausted = true;
  RouteHeaders h = limiter_.Peek(b, 1, "c1", &exhausted);
  EXPECT_FALSE(exhausted);
  EXPECT_EQ(h.remaining, 5u);
  EXPECT_EQ(h.reset_after, Duration(seconds(5)));
  EXPECT_EQ(h.bucket_hash.size(), 32u);
  for (uint32_t i = 0; i < 5; ++i) {
    h = limiter_.Take(b, 1, "c1");
    EXPECT_EQ(h.remaining, 4 - i);
    clock_.Advance(milliseconds(100));
  }
  h = limiter_.Peek(b, 1, "c1", &exhausted);
  EXPECT_TRUE(exhausted);
  EXPECT_EQ(h.reset_after, Duration(milliseconds(4500)));
  // Another channel (major parameter) and another bot have their own windows.
  limiter_.Peek(b, 1, "c2", &exhausted);
  EXPECT_FALSE(exhausted);
  limiter_.Peek(b, 2, "c1", &exhausted);
  EXPECT_FALSE(exhausted);
  clock_.Advance(milliseconds(4500));
  h = limiter_.Peek(b, 1, "c1", &exhausted);
  EXPECT_FALSE(exhausted);
  EXPECT_EQ(h.remaining, 5u);
}

TEST_F(RateLimiterTest, SharedBucketHashAndOverride) {
  int b = limiter_.BucketIndex("reactions");
  limiter_.OverrideBucket(b, 2, seconds(1));
  limiter_.Take(b, 1, "c1");
  limiter_.Take(b, 1, "c1");
  bool exhausted = false;
  limiter_.Peek(b, 1, "c1", &exhausted);
  EXPECT_TRUE(exhausted);
  EXPECT_NE(limiter_.Peek(b, 1, "c1", &exhausted).bucket_hash,
            limiter_.Peek(limiter_.BucketIndex("pins"), 1, "c1", &exhausted).bucket_hash);
  limiter_.Reset();
  EXPECT_EQ(limiter_.bucket(b).limit, 1u);  // back to the default
}

TEST_F(RateLimiterTest, PerResourceBucketIgnoresTheBot) {
  int b = limiter_.BucketIndex("emojis");
  ASSERT_TRUE(limiter_.bucket(b).per_resource);
  limiter_.OverrideBucket(b, 1, seconds(10));
  limiter_.Take(b, 1, "g1");
  bool exhausted = false;
  limiter_.Peek(b, 2, "g1", &exhausted);
  EXPECT_TRUE(exhausted);
}

TEST_F(RateLimiterTest, GlobalLimitAndMaxPerSecond) {
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter_.TakeGlobal("b7", 3, 7));
  auto retry = limiter_.TakeGlobal("b7", 3, 7);
  ASSERT_TRUE(retry);
  EXPECT_EQ(*retry, Duration(seconds(1)));
  clock_.Advance(milliseconds(999));
  EXPECT_TRUE(limiter_.TakeGlobal("b7", 3, 7));
  clock_.Advance(milliseconds(1));
  // A new window (the first three left the sliding second at the same instant).
  for (int i = 0; i < 3; ++i) EXPECT_FALSE(limiter_.TakeGlobal("b7", 3, 7));
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginObject();
    limiter_.WriteStats(w);
    w.EndObject();
  }
  simdjson::dom::parser parser;
  auto bot = parser.parse(out)["bots"]["7"];
  EXPECT_EQ(bot["counted"].get_uint64().value_unsafe(), 6u);
  EXPECT_EQ(bot["global_limit_hits"].get_uint64().value_unsafe(), 2u);
  EXPECT_EQ(bot["max_per_second"].get_uint64().value_unsafe(), 3u);
}

TEST_F(RateLimiterTest, MaxPerSecondSlides) {
  EXPECT_FALSE(limiter_.TakeGlobal("b1", 10, 1));
  clock_.Advance(milliseconds(900));
  EXPECT_FALSE(limiter_.TakeGlobal("b1", 10, 1));
  EXPECT_FALSE(limiter_.TakeGlobal("b1", 10, 1));
  clock_.Advance(milliseconds(200));  // new fixed window; the first request left the sliding one
  EXPECT_FALSE(limiter_.TakeGlobal("b1", 10, 1));
  std::string out;
  {
    JsonWriter w(&out);
    w.BeginObject();
    limiter_.WriteStats(w);
    w.EndObject();
  }
  simdjson::dom::parser parser;
  EXPECT_EQ(parser.parse(out)["bots"]["1"]["max_per_second"].get_uint64().value_unsafe(), 3u);
}

TEST_F(RateLimiterTest, SharedScopeAndSublimit) {
  EXPECT_FALSE(limiter_.TakeShared("k", 1, seconds(2)));
  auto retry = limiter_.TakeShared("k", 1, seconds(2));
  ASSERT_TRUE(retry);
  EXPECT_EQ(*retry, Duration(seconds(2)));

  EXPECT_FALSE(limiter_.TakeNameTopic(1, 100));
  EXPECT_FALSE(limiter_.TakeNameTopic(1, 100));
  EXPECT_TRUE(limiter_.TakeNameTopic(1, 100));
  EXPECT_FALSE(limiter_.TakeNameTopic(1, 101));
  clock_.Advance(seconds(600));
  EXPECT_FALSE(limiter_.TakeNameTopic(1, 100));
}

TEST_F(RateLimiterTest, InvalidRequestsBanAnIp) {
  for (int i = 0; i < 3; ++i) limiter_.CountInvalid("1.2.3.4");
  EXPECT_FALSE(limiter_.Banned("1.2.3.4"));
  limiter_.CountInvalid("1.2.3.4");
  Duration left{};
  EXPECT_TRUE(limiter_.Banned("1.2.3.4", &left));
  EXPECT_EQ(left, Duration(seconds(60)));
  EXPECT_FALSE(limiter_.Banned("5.6.7.8"));
  clock_.Advance(seconds(60));
  EXPECT_FALSE(limiter_.Banned("1.2.3.4"));
}

TEST_F(RateLimiterTest, InvalidRequestWindowSlides) {
  for (int i = 0; i < 3; ++i) {
    limiter_.CountInvalid("1.2.3.4");
    clock_.Advance(seconds(4));
  }
  limiter_.CountInvalid("1.2.3.4");  // the first one left the 10 s window
  EXPECT_FALSE(limiter_.Banned("1.2.3.4"));
}

TEST(Seconds3Test, Formats) {
  EXPECT_EQ(Seconds3(milliseconds(250)), "0.250");
  EXPECT_EQ(Seconds3(seconds(64) + milliseconds(570)), "64.570");
  EXPECT_EQ(Seconds3(-seconds(1)), "0.000");
}

}  // namespace
}  // namespace pylon::sim::rest_internal
