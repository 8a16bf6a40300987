// Copyright 2026 The Pylon Gateway Authors.
// Discord's send limit on one gateway connection: 120 payloads per rolling 60 s; more closes the
// connection with 4008 (discord-protocol.md §2). Heartbeats must never be starved, so enough
// slots for the heartbeats of one window (ceil(window / interval) + 1) are kept back from other
// commands. One per connection, on its reactor.

#pragma once

#include <cstdint>
#include <deque>

#include "base/clock.h"

namespace pylon::discord {

class CommandLimiter {
 public:
  explicit CommandLimiter(const Clock& clock, uint32_t limit = 120,
                          Duration window = std::chrono::seconds(60))
      : clock_(clock), limit_(limit), window_(window) {}

  void SetHeartbeatInterval(Duration interval) {
    if (interval <= Duration::zero()) return;
    reserve_ = static_cast<uint32_t>((window_ + interval - Duration(1)) / interval) + 1;
    if (reserve_ >= limit_) reserve_ = limit_ / 2;
  }
  // A new connection starts a new window.
  void Reset() { sent_.clear(); }

  // Records and allows a heartbeat if any slot is free (heartbeats may use the reserve).
  bool TryHeartbeat() { return TryTake(limit_); }
  // Records and allows another command if a slot outside the reserve is free.
  bool TryCommand() { return TryTake(limit_ - reserve_); }
  // When TryCommand can next succeed (now if it can already).
  MonoTime NextCommandTime() {
    Expire();
    if (sent_.size() < limit_ - reserve_) return clock_.Now();
    return sent_[sent_.size() - (limit_ - reserve_)] + window_;
  }

  uint32_t reserve() const { return reserve_; }
  size_t in_window() {
    Expire();
    return sent_.size();
  }

 private:
  bool TryTake(uint32_t cap) {
    Expire();
    if (sent_.size() >= cap) return false;
    sent_.push_back(clock_.Now());
    return true;
  }
  void Expire() {
    MonoTime now = clock_.Now();
    while (!sent_.empty() && now - sent_.front() >= window_) sent_.pop_front();
  }

  const Clock& clock_;
  uint32_t limit_;
  Duration window_;
  uint32_t reserve_ = 3;
  std::deque<MonoTime> sent_;
};

}  // namespace pylon::discord
