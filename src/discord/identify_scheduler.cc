// Copyright 2026 The Pylon Gateway Authors.

#include "discord/identify_scheduler.h"

#include <algorithm>

#include "base/log.h"

namespace pylon::discord {

struct LocalIdentifyScheduler::Core : std::enable_shared_from_this<Core> {
  // Each permit reports to its own issuer, which remembers which grant it was: a permit that timed
  // out and is sent or dropped later must not end the permit its bucket has since handed out.
  struct Grant final : IdentifyPermit::Issuer {
    Grant(std::shared_ptr<Core> core, uint64_t serial) : core(std::move(core)), serial(serial) {}
    void PermitDone(uint32_t bucket, bool sent) override { core->PermitDone(bucket, serial, sent); }
    std::shared_ptr<Core> core;
    uint64_t serial;
  };
  struct Waiter {
    uint32_t shard = 0;
    Reactor* reactor = nullptr;
    UniqueFunction<void(IdentifyPermit)> granted;
  };
  struct Bucket {
    std::deque<Waiter> queue;
    bool busy = false;    // a permit is out
    uint64_t serial = 0;  // of the permit that is out
    MonoTime busy_since{};
    std::optional<MonoTime> last_sent;
  };

  Core(Reactor& owner, const Clock& clock, SessionStartLimit limit, Options options)
      : owner(owner),
        clock(clock),
        limit(limit),
        options(options),
        timer(std::make_unique<Timer>(owner)) {
    resets_at = clock.Now() + limit.reset_after;
  }

  void PermitDone(uint32_t bucket, uint64_t serial, bool sent) {
    auto self = shared_from_this();
    owner.Post([self, bucket, serial, sent] {
      Bucket& b = self->buckets[bucket];
      if (!b.busy || b.serial != serial) return;  // timed out already: counted as sent then
      b.busy = false;
      if (sent) b.last_sent = self->clock.Now();
      self->Pump();
    });
  }

  uint32_t concurrency() const { return std::max<uint32_t>(1, limit.max_concurrency); }

  void Pump() {
    MonoTime now = clock.Now();
    if (now >= resets_at) {
      limit.remaining = limit.total;
      resets_at =
          now + (limit.reset_after > Duration::zero() ? limit.reset_after : std::chrono::hours(24));
      exhausted = false;
    }
    std::optional<MonoTime> wake;
    auto wake_at = [&](MonoTime t) {
      if (!wake || t < *wake) wake = t;
    };
    for (auto& [index, bucket] : buckets) {
      if (bucket.busy && now - bucket.busy_since >= options.permit_timeout) {
        log::Warn("identify permit of bucket {} unused for {} s; counting it as sent", index,
                  std::chrono::duration_cast<seconds>(options.permit_timeout).count());
        bucket.busy = false;
        bucket.last_sent = now;
      }
      if (bucket.busy) {
        wake_at(bucket.busy_since + options.permit_timeout);
        continue;
      }
      if (bucket.queue.empty()) continue;
      if (bucket.last_sent) {
        MonoTime ready = *bucket.last_sent + options.interval + options.margin;
        if (now < ready) {
          wake_at(ready);
          continue;
        }
      }
      if (limit.remaining <= options.reserve) {
        if (!exhausted) {
          log::Error(
              "session start budget exhausted ({} of {} left, never spending the last); shards "
              "wait for the reset",
              limit.remaining, limit.total);
        }
        exhausted = true;
        wake_at(resets_at);
        continue;
      }
      Waiter waiter = std::move(bucket.queue.front());
      bucket.queue.pop_front();
      bucket.busy = true;
      bucket.serial = ++next_serial;
      bucket.busy_since = now;
      --limit.remaining;
      ++granted;
      if (limit.remaining < limit.total * options.low_share && !low_reported) {
        log::Warn("session start budget low: {} of {} left", limit.remaining, limit.total);
        low_reported = true;
      }
      IdentifyPermit permit(std::make_shared<Grant>(shared_from_this(), bucket.serial), index);
      waiter.reactor->Post([granted = std::move(waiter.granted),
                            permit = std::move(permit)]() mutable { granted(std::move(permit)); });
      wake_at(now + options.permit_timeout);
    }
    if (wake && timer) {
      auto self = shared_from_this();
      timer->RunAfter(std::max(Duration::zero(), *wake - now), [self] { self->Pump(); });
    }
  }

  Reactor& owner;
  const Clock& clock;
  SessionStartLimit limit;
  Options options;
  std::unique_ptr<Timer> timer;  // reset on the owner when the scheduler goes
  MonoTime resets_at;
  std::map<uint32_t, Bucket> buckets;
  uint64_t granted = 0;
  uint64_t next_serial = 0;
  bool exhausted = false;
  bool low_reported = false;
};

LocalIdentifyScheduler::LocalIdentifyScheduler(Reactor& owner, const Clock& clock,
                                               SessionStartLimit limit, Options options)
    : core_(std::make_shared<Core>(owner, clock, limit, options)) {}

LocalIdentifyScheduler::~LocalIdentifyScheduler() {
  // The timer belongs to the owner reactor: destroy it there (or now, if that no longer runs).
  // Outstanding permits may keep the core alive; it then runs without a timer.
  auto core = core_;
  if (!core->owner.Post([core] { core->timer.reset(); })) core->timer.reset();
}

void LocalIdentifyScheduler::Request(uint32_t shard_id, Reactor& reactor,
                                     UniqueFunction<void(IdentifyPermit)> granted) {
  auto core = core_;
  core->owner.Post([core, shard_id, &reactor, granted = std::move(granted)]() mutable {
    uint32_t bucket = shard_id % core->concurrency();
    core->buckets[bucket].queue.push_back({shard_id, &reactor, std::move(granted)});
    core->Pump();
  });
}

void LocalIdentifyScheduler::Cancel(uint32_t shard_id) {
  auto core = core_;
  core->owner.Post([core, shard_id] {
    for (auto& [index, bucket] : core->buckets) {
      std::erase_if(bucket.queue, [&](const Core::Waiter& w) { return w.shard == shard_id; });
    }
  });
}

void LocalIdentifyScheduler::UpdateLimit(SessionStartLimit limit) {
  auto core = core_;
  core->owner.Post([core, limit] {
    uint32_t old_concurrency = core->concurrency();
    core->limit = limit;
    core->resets_at = core->clock.Now() + limit.reset_after;
    core->exhausted = false;
    if (core->concurrency() != old_concurrency) {
      // Re-bucket the waiting requests under the new concurrency, keeping their order.
      std::deque<Core::Waiter> waiting;
      for (auto& [index, bucket] : core->buckets) {
        for (auto& w : bucket.queue) waiting.push_back(std::move(w));
        bucket.queue.clear();
      }
      std::sort(waiting.begin(), waiting.end(),
                [](const Core::Waiter& a, const Core::Waiter& b) { return a.shard < b.shard; });
      for (auto& w : waiting) {
        core->buckets[w.shard % core->concurrency()].queue.push_back(std::move(w));
      }
    }
    core->Pump();
  });
}

LocalIdentifyScheduler::Stats LocalIdentifyScheduler::GetStats() const {
  auto core = core_;
  auto stats = CallBlocking(core->owner, [core] {
    Stats s;
    s.total = core->limit.total;
    s.remaining = core->limit.remaining;
    s.max_concurrency = core->concurrency();
    s.granted = core->granted;
    for (auto& [index, bucket] : core->buckets) s.waiting += bucket.queue.size();
    s.low = s.remaining < s.total * core->options.low_share;
    s.exhausted = core->exhausted;
    s.resets_at_unix_ms =
        core->clock.UnixMs() +
        std::chrono::duration_cast<milliseconds>(core->resets_at - core->clock.Now()).count();
    return s;
  });
  return stats.value_or(Stats{});
}

}  // namespace pylon::discord
