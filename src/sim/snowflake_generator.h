// Copyright 2026 The Pylon Gateway Authors.
// SnowflakeGenerator: makes Discord-shaped ids (discord-protocol.md §7): 42 bits of milliseconds
// since the Discord epoch, 5 bits worker, 5 bits process, 12 bits increment. Each generator has its
// own worker/process bits, so two generators never make the same id, and the ids of one generator
// strictly increase: a timestamp earlier than the last one is clamped to it, and when the 4096
// increments of one millisecond are used up the timestamp moves on by one millisecond.
// A value type with a single owner.

#pragma once

#include <cstdint>

#include "base/ids.h"

namespace pylon::sim {

class SnowflakeGenerator {
 public:
  // `worker` and `process` are 0..31.
  constexpr SnowflakeGenerator(uint32_t worker, uint32_t process)
      : node_bits_((static_cast<uint64_t>(worker & 31) << 17) |
                   (static_cast<uint64_t>(process & 31) << 12)) {}

  // The next id for an object made at `unix_ms` (or just after the previous id).
  uint64_t Next(int64_t unix_ms) {
    int64_t ms = unix_ms - kDiscordEpochMs;
    if (ms < 0) ms = 0;
    if (has_last_ && ms <= last_ms_) {
      ms = last_ms_;
      if (++increment_ > 0xFFF) {
        ++ms;
        increment_ = 0;
      }
    } else {
      increment_ = 0;
    }
    last_ms_ = ms;
    has_last_ = true;
    return (static_cast<uint64_t>(ms) << 22) | node_bits_ | increment_;
  }

  // Milliseconds since the Unix epoch of the last id made (0 before the first).
  int64_t last_unix_ms() const { return has_last_ ? last_ms_ + kDiscordEpochMs : 0; }

 private:
  uint64_t node_bits_;
  int64_t last_ms_ = 0;
  uint32_t increment_ = 0;
  bool has_last_ = false;
};

}  // namespace pylon::sim
