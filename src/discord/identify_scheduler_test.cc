// Copyright 2026 The Pylon Gateway Authors.
// LocalIdentifyScheduler: buckets, order, spacing from MarkSent, unsent and stuck permits, the
// reserve and the budget reset, UpdateLimit and Cancel. The scheduler's timers are real, so the
// tests use short intervals and assert only bounds that hold however slow the machine is: lower
// bounds on waits measured from a point taken before the event that starts them, and upper
// bounds only where the alternative would be an order of magnitude longer.

#include "discord/identify_scheduler.h"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pylon::discord {
namespace {

using namespace std::chrono_literals;

struct Grant {
  uint32_t shard = 0;
  MonoTime at;  // when the callback ran
  IdentifyPermit permit;
};

// Grants, as the shards' reactor receives them; read by the test thread with a deadline.
class Grants {
 public:
  void Push(Grant grant) {
    std::lock_guard lock(mutex_);
    grants_.push_back(std::move(grant));
    ready_.notify_all();
  }
  std::optional<Grant> Pop(Duration timeout = 10s) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !grants_.empty(); })) return std::nullopt;
    Grant grant = std::move(grants_.front());
    grants_.pop_front();
    return grant;
  }
  void Clear() {
    std::lock_guard lock(mutex_);
    grants_.clear();
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Grant> grants_;
};

MonoTime Now() { return SystemClock().Now(); }
double Ms(Duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

class IdentifySchedulerTest : public ::testing::Test {
 protected:
  IdentifySchedulerTest() {
    owner_.Start();
    shards_.Start();
  }
  ~IdentifySchedulerTest() override {
    grants_.Clear();  // drops permits (posts to the owner)
    scheduler_.reset();
    shards_.Stop();
    owner_.Stop();
  }

  void Make(SessionStartLimit limit, LocalIdentifyScheduler::Options options) {
    options_ = options;
    scheduler_ = std::make_unique<LocalIdentifyScheduler>(owner_, SystemClock(), limit, options);
  }

  void Request(uint32_t shard) {
    scheduler_->Request(shard, shards_, [this, shard](IdentifyPermit permit) {
      grants_.Push({shard, Now(), std::move(permit)});
    });
  }

  // The next grant, which must arrive within `timeout`.
  Grant Next(Duration timeout = 10s) {
    auto grant = grants_.Pop(timeout);
    EXPECT_TRUE(grant.has_value()) << "no grant within " << Ms(timeout) << " ms";
    return grant ? std::move(*grant) : Grant{UINT32_MAX, Now(), {}};
  }
  // Asserts that nothing is granted for `d`.
  void ExpectNoGrantFor(Duration d) {
    auto grant = grants_.Pop(d);
    EXPECT_FALSE(grant.has_value()) << "unexpected grant for shard " << grant->shard;
  }

  Duration spacing() const { return options_.interval + options_.margin; }

  Reactor owner_{0, "identify-owner"};
  Reactor shards_{1, "identify-shards"};
  Grants grants_;
  LocalIdentifyScheduler::Options options_;
  std::unique_ptr<LocalIdentifyScheduler> scheduler_;
};

LocalIdentifyScheduler::Options Fast(Duration interval = 200ms, Duration margin = 30ms) {
  LocalIdentifyScheduler::Options options;
  options.interval = interval;
  options.margin = margin;
  return options;
}

SessionStartLimit Limit(uint32_t max_concurrency, uint32_t remaining = 1000,
                        Duration reset_after = 24h) {
  SessionStartLimit limit;
  limit.total = 1000;
  limit.remaining = remaining;
  limit.reset_after = reset_after;
  limit.max_concurrency = max_concurrency;
  return limit;
}

TEST_F(IdentifySchedulerTest, OnePermitPerBucketAtATimeInRequestOrder) {
  Make(Limit(2), Fast());
  for (uint32_t shard = 0; shard < 6; ++shard) Request(shard);
  // Buckets 0 (shards 0, 2, 4) and 1 (1, 3, 5) each get one permit at once.
  Grant a = Next();
  Grant b = Next();
  EXPECT_EQ(a.shard, 0u);
  EXPECT_EQ(b.shard, 1u);
  // While both permits are out (neither sent nor dropped), nothing else is granted.
  ExpectNoGrantFor(3 * spacing());

  std::vector<uint32_t> order;
  std::vector<std::vector<MonoTime>> sent(2);
  std::vector<Grant> out;
  out.push_back(std::move(a));
  out.push_back(std::move(b));
  while (order.size() < 6) {
    // Send every permit out, then wait for the next one.
    for (Grant& g : out) {
      order.push_back(g.shard);
      MonoTime before = Now();
      g.permit.MarkSent();
      sent[g.shard % 2].push_back(before);
    }
    out.clear();
    if (order.size() == 6) break;
    Grant next = Next();
    uint32_t bucket = next.shard % 2;
    // One identify per bucket per interval (+ margin), measured from the previous MarkSent.
    EXPECT_GE(next.at - sent[bucket].back(), spacing()) << "shard " << next.shard;
    out.push_back(std::move(next));
  }
  std::vector<uint32_t> bucket0, bucket1;
  for (uint32_t shard : order) (shard % 2 == 0 ? bucket0 : bucket1).push_back(shard);
  EXPECT_EQ(bucket0, (std::vector<uint32_t>{0, 2, 4}));
  EXPECT_EQ(bucket1, (std::vector<uint32_t>{1, 3, 5}));
  auto stats = scheduler_->GetStats();
  EXPECT_EQ(stats.granted, 6u);
  EXPECT_EQ(stats.remaining, 994u);
  EXPECT_EQ(stats.max_concurrency, 2u);
  EXPECT_EQ(stats.waiting, 0u);
}

TEST_F(IdentifySchedulerTest, SpacingIsMeasuredFromMarkSentNotFromTheGrant) {
  Make(Limit(1), Fast());
  Request(0);
  Request(1);
  Grant first = Next();
  ASSERT_EQ(first.shard, 0u);
  // A slow connect: the IDENTIFY goes out well after the grant.
  std::this_thread::sleep_for(2 * spacing());
  MonoTime before_sent = Now();
  first.permit.MarkSent();
  Grant second = Next();
  EXPECT_EQ(second.shard, 1u);
  EXPECT_GE(second.at - before_sent, spacing())
      << "granted " << Ms(second.at - before_sent) << " ms after the first identify was sent";
}

TEST_F(IdentifySchedulerTest, AnUnsentPermitFreesItsBucketAtOnce) {
  // An interval far longer than the test: a grant that comes soon came without waiting it out.
  Make(Limit(1), Fast(/*interval=*/60s));
  Request(0);
  Request(1);
  Grant first = Next();
  ASSERT_EQ(first.shard, 0u);
  first.permit = IdentifyPermit();  // dropped unsent: the connect failed
  Grant second = Next(/*timeout=*/20s);
  EXPECT_EQ(second.shard, 1u);
  // And a permit that is sent holds the bucket for the interval.
  MonoTime before_sent = Now();
  second.permit.MarkSent();
  Request(2);
  ExpectNoGrantFor(1s);
  EXPECT_LT(Now() - before_sent, spacing());  // (the bound above is meaningful)
}

TEST_F(IdentifySchedulerTest, APermitNeitherSentNorDroppedTimesOutAsSent) {
  auto options = Fast(/*interval=*/1s, /*margin=*/50ms);
  options.permit_timeout = 300ms;
  Make(Limit(1), options);
  MonoTime before_request = Now();
  Request(0);
  Request(1);
  Grant stuck = Next();
  ASSERT_EQ(stuck.shard, 0u);
  // Held past the timeout, it counts as sent at the timeout: the next waits the whole interval
  // from then (not freed at once, as an unsent permit would be).
  Grant second = Next();
  EXPECT_EQ(second.shard, 1u);
  EXPECT_GE(second.at - before_request, options.permit_timeout + spacing());
}

TEST_F(IdentifySchedulerTest, AStalePermitDoesNotFreeTheBucketOfTheNextOne) {
  auto options = Fast(/*interval=*/300ms, /*margin=*/50ms);
  options.permit_timeout = 600ms;
  Make(Limit(1), options);
  Request(0);
  Request(1);
  Request(2);
  Grant stuck = Next();
  ASSERT_EQ(stuck.shard, 0u);
  Grant second = Next();  // after shard 0's permit timed out
  ASSERT_EQ(second.shard, 1u);
  // The stuck shard finally gives its permit up (or sends it): shard 1's permit is still out, so
  // shard 2 must not be granted on that account.
  MonoTime before = Now();
  stuck.permit = IdentifyPermit();
  auto early = grants_.Pop(options.permit_timeout / 2);
  EXPECT_FALSE(early.has_value()) << "shard " << early->shard << " granted "
                                  << Ms(early->at - before)
                                  << " ms after a stale permit was dropped, while shard 1's "
                                     "permit was still out";
  if (early) return;
  MonoTime before_sent = Now();
  second.permit.MarkSent();
  Grant third = Next();
  EXPECT_EQ(third.shard, 2u);
  EXPECT_GE(third.at - before_sent, spacing());
}

TEST_F(IdentifySchedulerTest, TheLastSessionStartIsNeverSpentAndTheResetRefillsTheBudget) {
  // Two starts left, one of them the reserve; the window resets after 1.5 s.
  MonoTime created = Now();
  Make(Limit(1, /*remaining=*/2, /*reset_after=*/1500ms), Fast(/*interval=*/50ms, 10ms));
  Request(0);
  Request(1);
  Grant first = Next();
  ASSERT_EQ(first.shard, 0u);
  first.permit.MarkSent();
  ExpectNoGrantFor(500ms);
  auto stats = scheduler_->GetStats();
  EXPECT_EQ(stats.remaining, 1u);  // the reserve: never spent
  EXPECT_TRUE(stats.exhausted);
  EXPECT_TRUE(stats.low);
  EXPECT_EQ(stats.waiting, 1u);
  // After the reset the budget is the total again and shard 1 goes.
  Grant second = Next();
  EXPECT_EQ(second.shard, 1u);
  EXPECT_GE(second.at - created, 1500ms);
  stats = scheduler_->GetStats();
  EXPECT_EQ(stats.remaining, 999u);
  EXPECT_FALSE(stats.exhausted);
  EXPECT_EQ(stats.granted, 2u);
}

TEST_F(IdentifySchedulerTest, ABudgetAtTheReserveGrantsNothingUntilTheReset) {
  MonoTime created = Now();
  Make(Limit(4, /*remaining=*/1, /*reset_after=*/800ms), Fast());
  for (uint32_t shard = 0; shard < 4; ++shard) Request(shard);
  ExpectNoGrantFor(300ms);
  EXPECT_TRUE(scheduler_->GetStats().exhausted);
  for (uint32_t expected = 0; expected < 4; ++expected) {
    Grant g = Next();
    EXPECT_EQ(g.shard, expected);
    EXPECT_GE(g.at - created, 800ms);
  }
}

TEST_F(IdentifySchedulerTest, UpdateLimitRebucketsTheWaitingRequests) {
  // One bucket and an interval longer than the test: shards 1-3 would wait a minute each.
  Make(Limit(1), Fast(/*interval=*/60s));
  for (uint32_t shard = 0; shard < 4; ++shard) Request(shard);
  Grant first = Next();
  ASSERT_EQ(first.shard, 0u);
  first.permit.MarkSent();
  ExpectNoGrantFor(300ms);
  // Discord raises max_concurrency to 4: shards 1, 2, 3 now have buckets of their own that have
  // not identified, and go at once, in order.
  scheduler_->UpdateLimit(Limit(4, /*remaining=*/900));
  for (uint32_t expected = 1; expected < 4; ++expected) {
    Grant g = Next(/*timeout=*/20s);
    EXPECT_EQ(g.shard, expected);
    g.permit.MarkSent();
  }
  auto stats = scheduler_->GetStats();
  EXPECT_EQ(stats.max_concurrency, 4u);
  EXPECT_EQ(stats.remaining, 897u);  // the new answer's remaining, minus the three since
  // Shard 4 shares bucket 0 with shard 0, which identified just now: it waits.
  Request(4);
  ExpectNoGrantFor(500ms);
  EXPECT_EQ(scheduler_->GetStats().waiting, 1u);
}

TEST_F(IdentifySchedulerTest, CancelWithdrawsOnlyThatShard) {
  Make(Limit(1), Fast());
  Request(0);
  Request(1);
  Request(2);
  Grant first = Next();
  ASSERT_EQ(first.shard, 0u);
  scheduler_->Cancel(1);
  scheduler_->Cancel(7);  // not waiting: nothing happens
  first.permit.MarkSent();
  Grant next = Next();
  EXPECT_EQ(next.shard, 2u);
  next.permit.MarkSent();
  ExpectNoGrantFor(3 * spacing());
  auto stats = scheduler_->GetStats();
  EXPECT_EQ(stats.waiting, 0u);
  EXPECT_EQ(stats.granted, 2u);
}

}  // namespace
}  // namespace pylon::discord
