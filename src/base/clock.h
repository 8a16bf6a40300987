// Copyright 2026 The Pylon Gateway Authors.
// The clock, injected wherever time matters (rate limits, heartbeats, identify scheduling), so
// that tests can drive time by hand instead of sleeping.

#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace pylon {

using MonoTime = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Monotonic time for intervals and deadlines, wall time for what is shown or sent. Thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual MonoTime Now() const = 0;
  virtual int64_t UnixMs() const = 0;  // milliseconds since the Unix epoch
};

// The real clocks. The instance lives for the whole process.
Clock& SystemClock();

// A clock that moves only when told to. Starts at an arbitrary fixed point. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_unix_ms = 1767225600000 /* 2026-01-01 */)
      : unix_ms_(start_unix_ms) {}

  MonoTime Now() const override { return MonoTime(Duration(mono_ticks_.load())); }
  int64_t UnixMs() const override {
    return unix_ms_.load() +
           std::chrono::duration_cast<milliseconds>(Duration(mono_ticks_.load())).count();
  }

  void Advance(Duration by) { mono_ticks_.fetch_add(by.count()); }

 private:
  std::atomic<Duration::rep> mono_ticks_{0};
  std::atomic<int64_t> unix_ms_;
};

// Real time plus an offset that only grows: for tests that need timers to run for real and yet
// jump over a long wait (an identify window, a rate-limit reset). Thread-safe.
class OffsetClock final : public Clock {
 public:
  MonoTime Now() const override { return SystemClock().Now() + Duration(offset_.load()); }
  int64_t UnixMs() const override {
    return SystemClock().UnixMs() +
           std::chrono::duration_cast<milliseconds>(Duration(offset_.load())).count();
  }
  void Advance(Duration by) { offset_.fetch_add(by.count()); }

 private:
  std::atomic<Duration::rep> offset_{0};
};

// Milliseconds between two monotonic instants, as a double (for metrics and logs).
inline double MillisBetween(MonoTime from, MonoTime to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

}  // namespace pylon
