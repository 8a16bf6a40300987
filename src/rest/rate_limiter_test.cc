// Copyright 2026 The Pylon Gateway Authors.
// The limiter as a state machine on a ManualClock: no sockets, no sleeping.

#include "rest/rate_limiter.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/ids.h"

namespace pylon::rest {
namespace {

using namespace std::chrono_literals;

class LimiterTest : public ::testing::Test {
 protected:
  void SetUp() override { Make(); }
  void Make() { limiter_ = std::make_unique<RateLimiter>(clock_, options_); }

  // Submits a request; returns its tag (1, 2, ...).
  int Submit(const std::string& method, const std::string& path, Duration max_wait = 10s,
             uint64_t credential = 1, uint64_t sublimit_channel = 0) {
    RateLimiter::Request r;
    r.route = ClassifyRoute(method, path, clock_.UnixMs());
    r.route.sublimit_channel = sublimit_channel;
    r.deadline = clock_.Now() + max_wait;
    r.credential = r.route.token_auth ? 0 : credential;
    r.idempotent = method == "GET" || method == "PUT" || method == "DELETE";
    int tag = next_tag_++;
    ids_[tag] = limiter_->Submit(
        std::move(r), [this, tag] { sent_.push_back(tag); },
        [this, tag](Refusal refusal) { refused_[tag] = refusal; });
    return tag;
  }

  std::optional<MonoTime> Pump() { return limiter_->Pump(); }

  static net::HttpResponse Answer(int status, uint32_t limit, uint32_t remaining,
                                  double reset_after, const std::string& bucket = "b1") {
    net::HttpResponse r;
    r.status = status;
    r.headers.push_back({"X-RateLimit-Limit", std::to_string(limit)});
    r.headers.push_back({"X-RateLimit-Remaining", std::to_string(remaining)});
    r.headers.push_back({"X-RateLimit-Reset-After", std::to_string(reset_after)});
    r.headers.push_back({"X-RateLimit-Bucket", bucket});
    return r;
  }
  static net::HttpResponse TooMany(const std::string& scope, double retry_after) {
    net::HttpResponse r;
    r.status = 429;
    r.body = "{\"message\":\"You are being rate limited.\",\"retry_after\":" +
             std::to_string(retry_after) + ",\"global\":" + (scope == "global" ? "true" : "false") +
             "}";
    r.headers.push_back({"X-RateLimit-Scope", scope});
    if (scope == "global") r.headers.push_back({"X-RateLimit-Global", "true"});
    return r;
  }

  RateLimiter::Verdict Respond(int tag, const net::HttpResponse& answer) {
    return limiter_->OnResponse(ids_.at(tag), answer);
  }

  ManualClock clock_;
  LimiterOptions options_;
  std::unique_ptr<RateLimiter> limiter_;
  int next_tag_ = 1;
  std::map<int, uint64_t> ids_;
  std::vector<int> sent_;
  std::map<int, Refusal> refused_;
};

TEST_F(LimiterTest, UnknownRouteSendsOneAtATimeUntilItLearnsTheBucket) {
  int a = Submit("POST", "/channels/1/messages");
  int b = Submit("POST", "/channels/1/messages");
  int c = Submit("POST", "/channels/1/messages");
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a}));
  EXPECT_EQ(Respond(a, Answer(200, 5, 4, 5.0)), RateLimiter::Verdict::kDeliver);
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b}));  // one in flight per bucket (FIFO to Discord)
  Respond(b, Answer(200, 5, 3, 4.9));
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b, c}));
  EXPECT_EQ(limiter_->BucketKeyOf(ClassifyRoute("POST", "/channels/1/messages", 0)),
            "b1|channels/1");
}

TEST_F(LimiterTest, WaitsForTheResetWhenTheBucketIsEmpty) {
  int a = Submit("POST", "/channels/1/messages");
  Pump();
  Respond(a, Answer(200, 1, 0, 2.0));
  int b = Submit("POST", "/channels/1/messages");
  std::optional<MonoTime> wake = Pump();
  EXPECT_EQ(sent_.size(), 1u);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(2s + options_.reset_margin));
  clock_.Advance(2s);
  Pump();
  EXPECT_EQ(sent_.size(), 1u);  // the margin
  clock_.Advance(options_.reset_margin);
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b}));
}

TEST_F(LimiterTest, BucketsAreKeyedByTheMajorParameter) {
  int a = Submit("POST", "/channels/1/messages");
  Pump();
  Respond(a, Answer(200, 1, 0, 5.0));
  int b = Submit("POST", "/channels/1/messages");
  int c = Submit("POST", "/channels/2/messages");  // same route, other channel
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, c}));
  (void)b;
}

TEST_F(LimiterTest, AFamilysUnlearnedRouteWaitsInTheBucketItsSiblingsLearned) {
  // A reaction empties the reactions bucket; deleting one (a route not seen yet) must not run
  // into it: Discord counts both in one bucket.
  int put = Submit("PUT", "/channels/1/messages/2/reactions/x/@me");
  Pump();
  Respond(put, Answer(204, 1, 0, 0.25, "reactions"));
  int del = Submit("DELETE", "/channels/1/messages/2/reactions/x/@me");
  std::optional<MonoTime> wake = Pump();
  EXPECT_EQ(sent_, std::vector<int>({put}));
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(250ms + options_.reset_margin));
  clock_.Advance(*wake - clock_.Now());
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({put, del}));
  // The guess was wrong for this route: its own answer decides from then on.
  Respond(del, Answer(204, 5, 4, 1.0, "deletes"));
  EXPECT_EQ(limiter_->BucketKeyOf(ClassifyRoute("DELETE", "/channels/1/messages/2/reactions", 0)),
            "deletes|channels/1");  // the family's latest hash, for its other unlearned routes
  EXPECT_EQ(
      limiter_->BucketKeyOf(ClassifyRoute("PUT", "/channels/1/messages/3/reactions/y/@me", 0)),
      "reactions|channels/1");
  // Reading reactions is no member of the family.
  EXPECT_EQ(limiter_->BucketKeyOf(ClassifyRoute("GET", "/channels/1/messages/2/reactions/x", 0)),
            "?GET /channels/:id/messages/:id/reactions/:reaction|channels/1");
}

TEST_F(LimiterTest, RefusesAtOnceWhatCannotStartBeforeItsDeadline) {
  int a = Submit("POST", "/channels/1/messages");
  Pump();
  Respond(a, Answer(200, 1, 0, 3.0));
  int b = Submit("POST", "/channels/1/messages", 1s);
  Pump();
  ASSERT_TRUE(refused_.count(b));
  const Refusal& r = refused_[b];
  EXPECT_EQ(r.kind, Refusal::Kind::kRateLimited);
  EXPECT_FALSE(r.global);
  // Unix seconds when it could go: now + 3 s + the margin, rounded up.
  EXPECT_EQ(r.retry_at, static_cast<uint32_t>((clock_.UnixMs() + 3050 + 999) / 1000));
  EXPECT_EQ(limiter_->stats().refused_at_submit, 1u);
}

TEST_F(LimiterTest, AnswersWhenTheDeadlinePassesInTheQueue) {
  int a = Submit("GET", "/channels/1/messages");  // unknown bucket: one in flight
  int b = Submit("GET", "/channels/1/messages", 200ms);
  std::optional<MonoTime> wake = Pump();
  EXPECT_EQ(sent_, std::vector<int>({a}));
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(200ms));
  clock_.Advance(200ms);
  Pump();
  ASSERT_TRUE(refused_.count(b));
  EXPECT_EQ(refused_[b].kind, Refusal::Kind::kRateLimited);
  EXPECT_EQ(limiter_->stats().refused_deadline, 1u);
  EXPECT_EQ(limiter_->stats().queued, 0u);
}

TEST_F(LimiterTest, GlobalSlotsAreHeldUntilAWindowAfterTheAnswer) {
  options_.global_limit = 5;
  options_.global_reserve = 2;  // 3 for the limiter
  Make();
  for (int i = 0; i < 5; ++i) Submit("GET", "/channels/" + std::to_string(i + 1) + "/pins");
  std::optional<MonoTime> wake = Pump();
  EXPECT_EQ(sent_, std::vector<int>({1, 2, 3}));
  // All three in flight: only an answer frees a slot (the deadlines are the only timers left).
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(10s));
  Respond(1, Answer(200, 5, 4, 1.0, "pins"));
  Respond(2, Answer(200, 5, 4, 1.0, "pins"));
  wake = Pump();
  EXPECT_EQ(sent_.size(), 3u);
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(1s + options_.global_margin));
  // Exempt routes do not wait.
  int webhook = Submit("POST", "/webhooks/9/token");
  Pump();
  EXPECT_EQ(sent_.back(), webhook);
  // A slow answer holds its slot longer: Discord may have counted the request as late as that.
  clock_.Advance(500ms);
  Respond(3, Answer(200, 5, 4, 1.0, "pins"));
  Pump();
  EXPECT_EQ(sent_.size(), 4u);
  // Discord's second has passed, but not the margin that absorbs jitter: still nothing.
  clock_.Advance(520ms);
  Pump();
  EXPECT_EQ(sent_.size(), 4u);
  clock_.Advance(30ms);
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({1, 2, 3, webhook, 4, 5}));
  // Two in flight and the slow answer's slot: the next one waits for that slot (500 ms).
  int sixth = Submit("GET", "/channels/6/pins");
  wake = Pump();
  ASSERT_TRUE(wake);
  EXPECT_EQ(*wake - clock_.Now(), Duration(500ms));
  clock_.Advance(500ms);
  Pump();
  EXPECT_EQ(sent_.back(), sixth);
}

TEST_F(LimiterTest, GlobalQueueEstimateRefusesLateRequests) {
  options_.global_limit = 2;
  options_.global_reserve = 0;
  Make();
  for (int i = 0; i < 6; ++i) Submit("GET", "/channels/" + std::to_string(i + 1) + "/pins", 10s);
  int late = Submit("GET", "/channels/99/pins", 500ms);
  Pump();
  ASSERT_TRUE(refused_.count(late));
  EXPECT_TRUE(refused_[late].global);
}

TEST_F(LimiterTest, UserScope429RequeuesAtTheFront) {
  int a = Submit("POST", "/channels/1/messages");
  int b = Submit("POST", "/channels/1/messages");
  Pump();
  net::HttpResponse limited = TooMany("user", 1.5);
  limited.headers.push_back({"X-RateLimit-Limit", "5"});
  limited.headers.push_back({"X-RateLimit-Remaining", "0"});
  limited.headers.push_back({"X-RateLimit-Reset-After", "1.5"});
  limited.headers.push_back({"X-RateLimit-Bucket", "b1"});
  EXPECT_EQ(Respond(a, limited), RateLimiter::Verdict::kHandled);
  std::optional<MonoTime> wake = Pump();
  EXPECT_EQ(sent_, std::vector<int>({a}));
  ASSERT_TRUE(wake);
  clock_.Advance(*wake - clock_.Now());
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, a}));  // the same request first, then b
  Respond(a, Answer(200, 5, 4, 5.0));
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, a, b}));
  EXPECT_EQ(limiter_->stats().discord_429_user, 1u);
  EXPECT_EQ(limiter_->stats().invalid_counted, 1u);
}

TEST_F(LimiterTest, Global429PausesEveryGlobalRequest) {
  int a = Submit("GET", "/channels/1/pins");
  Pump();
  Respond(a, TooMany("global", 2.0));
  int b = Submit("GET", "/channels/2/pins");
  int hook = Submit("POST", "/webhooks/1/t");
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, hook}));
  clock_.Advance(2s + options_.reset_margin);
  Pump();
  EXPECT_EQ(sent_.size(), 4u);  // a again and b
  EXPECT_EQ(limiter_->stats().discord_429_global, 1u);
  (void)b;
}

TEST_F(LimiterTest, Shared429IsNotAnInvalidRequest) {
  int a = Submit("PUT", "/channels/1/messages/2/reactions/x/@me");
  Pump();
  Respond(a, TooMany("shared", 0.5));
  EXPECT_EQ(limiter_->stats().invalid_counted, 0u);
  EXPECT_EQ(limiter_->stats().discord_429_shared, 1u);
  Pump();
  EXPECT_EQ(sent_.size(), 1u);
  clock_.Advance(500ms + options_.reset_margin);
  Pump();
  EXPECT_EQ(sent_.size(), 2u);
}

TEST_F(LimiterTest, A429BeyondTheDeadlineIsRefused) {
  int a = Submit("POST", "/channels/1/messages", 1s);
  Pump();
  EXPECT_EQ(Respond(a, TooMany("user", 5.0)), RateLimiter::Verdict::kHandled);
  ASSERT_TRUE(refused_.count(a));
  EXPECT_EQ(refused_[a].kind, Refusal::Kind::kRateLimited);
}

TEST_F(LimiterTest, InvalidRequestGuardStopsSending) {
  options_.invalid_request_limit = 3;
  Make();
  for (int i = 0; i < 3; ++i) {
    int t = Submit("GET", "/channels/" + std::to_string(i + 1) + "/pins");
    Pump();
    net::HttpResponse forbidden;
    forbidden.status = 403;
    EXPECT_EQ(Respond(t, forbidden), RateLimiter::Verdict::kDeliver);
  }
  int blocked = Submit("GET", "/channels/9/pins");
  Pump();
  ASSERT_TRUE(refused_.count(blocked));
  EXPECT_TRUE(refused_[blocked].global);
  EXPECT_EQ(sent_.size(), 3u);
  EXPECT_EQ(limiter_->stats().refused_invalid_guard, 1u);
  clock_.Advance(options_.invalid_request_window + 1s);
  int later = Submit("GET", "/channels/9/pins");
  Pump();
  EXPECT_EQ(sent_.back(), later);
}

TEST_F(LimiterTest, A401QuarantinesTheWebhookTokenNotTheBot) {
  int a = Submit("PATCH", "/webhooks/5/bad-token/messages/@original");
  Pump();
  net::HttpResponse unauthorized;
  unauthorized.status = 401;
  Respond(a, unauthorized);
  int again = Submit("DELETE", "/webhooks/5/bad-token/messages/@original");
  int other = Submit("POST", "/webhooks/5/good-token");
  int bot = Submit("GET", "/users/@me");
  Pump();
  ASSERT_TRUE(refused_.count(again));
  EXPECT_EQ(refused_[again].kind, Refusal::Kind::kAccessDenied);
  EXPECT_EQ(refused_[again].code, 50027u);
  EXPECT_EQ(sent_, std::vector<int>({a, other, bot}));
}

TEST_F(LimiterTest, A401QuarantinesTheBotTokenUntilItChanges) {
  int a = Submit("GET", "/users/@me", 10s, /*credential=*/7);
  Pump();
  net::HttpResponse unauthorized;
  unauthorized.status = 401;
  Respond(a, unauthorized);
  int same = Submit("GET", "/channels/1/pins", 10s, 7);
  int fresh = Submit("GET", "/channels/1/pins", 10s, 8);
  Pump();
  ASSERT_TRUE(refused_.count(same));
  EXPECT_EQ(refused_[same].code, 40001u);
  EXPECT_EQ(sent_.back(), fresh);
}

TEST_F(LimiterTest, NameTopicSublimitIsTrackedLocally) {
  int a = Submit("PATCH", "/channels/1", 10s, 1, /*sublimit_channel=*/1);
  Pump();
  Respond(a, Answer(200, 5, 4, 5.0));
  int b = Submit("PATCH", "/channels/1", 10s, 1, 1);
  Pump();
  Respond(b, Answer(200, 5, 3, 4.0));
  int c = Submit("PATCH", "/channels/1", 10s, 1, 1);  // the third within 10 minutes
  int other = Submit("PATCH", "/channels/1");         // not a name/topic change
  Pump();
  ASSERT_TRUE(refused_.count(c));
  EXPECT_GE(refused_[c].retry_at, static_cast<uint32_t>(clock_.UnixMs() / 1000 + 590));
  EXPECT_EQ(sent_, std::vector<int>({a, b, other}));
  clock_.Advance(10min);
  int d = Submit("PATCH", "/channels/1", 10s, 1, 1);
  Pump();
  Respond(other, Answer(200, 5, 2, 3.0));
  Pump();
  EXPECT_EQ(sent_.back(), d);
}

TEST_F(LimiterTest, CancelFreesTheSlot) {
  int a = Submit("GET", "/channels/1/pins");
  int b = Submit("GET", "/channels/1/pins");
  int c = Submit("GET", "/channels/1/pins");
  Pump();
  limiter_->Cancel(ids_[b]);
  Respond(a, Answer(200, 5, 4, 5.0));
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, c}));
  EXPECT_FALSE(refused_.count(b));
  EXPECT_EQ(limiter_->stats().cancelled, 1u);
}

TEST_F(LimiterTest, LearningARouteMovesEveryWaitingRequestInOrder) {
  int a = Submit("POST", "/channels/1/messages");
  int b = Submit("POST", "/channels/2/messages");
  int a2 = Submit("POST", "/channels/1/messages");
  int b2 = Submit("POST", "/channels/2/messages");
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b}));
  Respond(a, Answer(200, 5, 4, 5.0, "shared-hash"));
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b, a2}));  // channel 2 still has b in flight
  Respond(b, Answer(200, 5, 4, 5.0, "shared-hash"));
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({a, b, a2, b2}));
  EXPECT_EQ(limiter_->stats().buckets, 2u);
}

TEST_F(LimiterTest, RetriesServerErrorsOfIdempotentRequests) {
  int get = Submit("GET", "/channels/1/pins");
  int post = Submit("POST", "/channels/2/typing");
  Pump();
  net::HttpResponse bad_gateway;
  bad_gateway.status = 502;
  EXPECT_EQ(Respond(get, bad_gateway), RateLimiter::Verdict::kHandled);
  EXPECT_EQ(Respond(post, bad_gateway), RateLimiter::Verdict::kDeliver);
  Pump();
  EXPECT_EQ(sent_, std::vector<int>({get, post, get}));
  EXPECT_EQ(Respond(get, bad_gateway), RateLimiter::Verdict::kDeliver);  // once only
}

TEST(RateLimitHeadersTest, Parses429Bodies) {
  net::HttpResponse r;
  r.status = 429;
  r.body = R"({"message":"x","retry_after":64.57,"global":false})";
  r.headers = {{"Retry-After", "65"}, {"X-RateLimit-Scope", "shared"}};
  RateLimitHeaders h = ParseRateLimitHeaders(r);
  ASSERT_TRUE(h.retry_after);
  EXPECT_NEAR(std::chrono::duration<double>(*h.retry_after).count(), 64.57, 1e-6);
  EXPECT_EQ(h.scope, RateLimitHeaders::Scope::kShared);
  r.body = "error code: 1015";
  h = ParseRateLimitHeaders(r);
  ASSERT_TRUE(h.retry_after);
  EXPECT_EQ(*h.retry_after, Duration(65s));
}

}  // namespace
}  // namespace pylon::rest
