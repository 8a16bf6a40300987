// Copyright 2026 The Pylon Gateway Authors.
// Deterministic pseudo-random numbers for the simulator: SplitMix64 (seeding, hashing) and
// xoshiro256** (the generator). Unlike std::*_distribution, every helper here is specified
// exactly, so the same seed gives the same world on every standard library and platform.
// A value type; each owner (World, EventGenerator) has its own.

#pragma once

#include <cstdint>
#include <span>

namespace pylon::sim {

// One step of SplitMix64: also a good 64-bit mixing function.
constexpr uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A stateless hash of one value (SplitMix64's finalizer).
constexpr uint64_t Mix64(uint64_t value) {
  uint64_t state = value;
  return SplitMix64(state);
}

// xoshiro256** 1.0 (Blackman & Vigna), seeded through SplitMix64.
class Random {
 public:
  explicit Random(uint64_t seed) {
    uint64_t state = seed;
    for (uint64_t& word : s_) word = SplitMix64(state);
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n), n > 0 (Lemire's multiply-shift; the tiny bias is irrelevant here).
  uint64_t Below(uint64_t n) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform in [lo, hi] (inclusive); hi >= lo.
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform in [0, 1), 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }

  // Index picked with probability proportional to weights[i]; `total` is their sum (> 0).
  size_t Weighted(std::span<const uint32_t> weights, uint64_t total) {
    uint64_t x = Below(total);
    for (size_t i = 0; i < weights.size(); ++i) {
      if (x < weights[i]) return i;
      x -= weights[i];
    }
    return weights.size() - 1;
  }

 private:
  static constexpr uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace pylon::sim
