// Copyright 2026 The Pylon Gateway Authors.
// Identify scheduling for one bot (discord-protocol.md §1): one IDENTIFY per max_concurrency
// bucket (shard_id % max_concurrency) per 5 s, inside the daily session start budget, whose last
// start is never spent (spending it resets the bot's token). An interface, so that a cluster can
// hand out permits from its store; LocalIdentifyScheduler serves one process.
//
// A permit is granted, the shard connects and identifies, and marks the permit sent at the moment
// the IDENTIFY goes out: the bucket's 5 s run from that moment (plus a small margin), so a slow
// connect can never squeeze two identifies of a bucket closer than Discord allows. A permit that
// is dropped unsent frees its bucket at once.

#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::discord {

struct SessionStartLimit {
  uint32_t total = 1000;
  uint32_t remaining = 1000;
  Duration reset_after = std::chrono::hours(24);
  uint32_t max_concurrency = 1;
};

// The right to send one IDENTIFY. Move-only; usable from any thread.
class IdentifyPermit {
 public:
  class Issuer {
   public:
    virtual ~Issuer() = default;
    virtual void PermitDone(uint32_t bucket, bool sent) = 0;  // any thread
  };

  IdentifyPermit() = default;
  IdentifyPermit(std::shared_ptr<Issuer> issuer, uint32_t bucket)
      : issuer_(std::move(issuer)), bucket_(bucket) {}
  IdentifyPermit(IdentifyPermit&& other) noexcept { *this = std::move(other); }
  IdentifyPermit& operator=(IdentifyPermit&& other) noexcept {
    if (this != &other) {
      Release();
      issuer_ = std::move(other.issuer_);
      bucket_ = other.bucket_;
    }
    return *this;
  }
  ~IdentifyPermit() { Release(); }

  bool valid() const { return issuer_ != nullptr; }
  // The IDENTIFY was sent now.
  void MarkSent() {
    if (issuer_) issuer_->PermitDone(bucket_, true);
    issuer_.reset();
  }

 private:
  void Release() {
    if (issuer_) issuer_->PermitDone(bucket_, false);
    issuer_.reset();
  }
  std::shared_ptr<Issuer> issuer_;
  uint32_t bucket_ = 0;
};

class IdentifyScheduler {
 public:
  virtual ~IdentifyScheduler() = default;
  // Asks for a permit for `shard_id`; `granted` runs on `reactor` when the shard may identify.
  // Requests of a bucket are served in order. Any thread.
  virtual void Request(uint32_t shard_id, Reactor& reactor,
                       UniqueFunction<void(IdentifyPermit)> granted) = 0;
  // Withdraws the shard's pending request, if any. Any thread.
  virtual void Cancel(uint32_t shard_id) = 0;
};

// Grants permits for one bot inside one process. State lives on `owner`.
class LocalIdentifyScheduler final : public IdentifyScheduler {
 public:
  struct Options {
    Duration interval = std::chrono::seconds(5);
    // Added to the interval: network jitter between our send and Discord's receive.
    Duration margin = std::chrono::milliseconds(100);
    // A permit neither sent nor dropped after this counts as sent (a stuck shard can't stall
    // its bucket forever).
    Duration permit_timeout = std::chrono::seconds(30);
    // Remaining starts at or below this are never spent.
    uint32_t reserve = 1;
    // Below this share of the total, the budget is reported as low.
    double low_share = 0.1;
  };

  struct Stats {
    uint32_t total = 0;
    uint32_t remaining = 0;
    uint32_t max_concurrency = 1;
    uint64_t granted = 0;
    uint32_t waiting = 0;
    bool low = false;
    bool exhausted = false;  // waiting for the daily reset
    int64_t resets_at_unix_ms = 0;
  };

  LocalIdentifyScheduler(Reactor& owner, const Clock& clock, SessionStartLimit limit,
                         Options options);
  ~LocalIdentifyScheduler() override;

  void Request(uint32_t shard_id, Reactor& reactor,
               UniqueFunction<void(IdentifyPermit)> granted) override;
  void Cancel(uint32_t shard_id) override;
  // A fresh GET /gateway/bot answer. Any thread.
  void UpdateLimit(SessionStartLimit limit);
  // Blocking; not from the owner reactor.
  Stats GetStats() const;

 private:
  struct Core;
  std::shared_ptr<Core> core_;
};

}  // namespace pylon::discord
