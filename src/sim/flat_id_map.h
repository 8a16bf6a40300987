// Copyright 2026 The Pylon Gateway Authors.
// FlatIdMap: an open-addressing hash map from a non-zero 64-bit id (a snowflake) to a uint32_t
// (an index into a vector). 12 bytes per slot at a load factor of at most 3/4, linear probing,
// deletion by backward shift (no tombstones), Fibonacci hashing of the whole id. Used for the
// world's indexes (members of a guild, users, channels), where std::unordered_map would cost
// several times the memory and a heap allocation per entry. Not thread-safe (single owner).

#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <utility>

namespace pylon::sim {

class FlatIdMap {
 public:
  FlatIdMap() = default;
  FlatIdMap(FlatIdMap&&) noexcept = default;
  FlatIdMap& operator=(FlatIdMap&&) noexcept = default;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return capacity_; }
  size_t MemoryBytes() const { return capacity_ * (sizeof(uint64_t) + sizeof(uint32_t)); }

  // The value of `key`, or nullptr.
  const uint32_t* Find(uint64_t key) const {
    if (size_ == 0 || key == 0) return nullptr;
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &values_[i];
      if (keys_[i] == 0) return nullptr;
    }
  }
  uint32_t* Find(uint64_t key) {
    return const_cast<uint32_t*>(static_cast<const FlatIdMap*>(this)->Find(key));
  }
  bool Contains(uint64_t key) const { return Find(key) != nullptr; }

  // Inserts or overwrites. `key` must not be 0.
  void Set(uint64_t key, uint32_t value) {
    assert(key != 0);
    if ((size_ + 1) * 4 > capacity_ * 3) Grow();
    for (size_t i = Home(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) {
        values_[i] = value;
        return;
      }
      if (keys_[i] == 0) {
        keys_[i] = key;
        values_[i] = value;
        ++size_;
        return;
      }
    }
  }

  // Removes `key`; returns whether it was present.
  bool Erase(uint64_t key) {
    if (size_ == 0 || key == 0) return false;
    size_t i = Home(key);
    while (keys_[i] != key) {
      if (keys_[i] == 0) return false;
      i = (i + 1) & mask_;
    }
    // Backward-shift deletion: move later entries of the probe run into the hole.
    size_t hole = i;
    for (size_t j = (hole + 1) & mask_; keys_[j] != 0; j = (j + 1) & mask_) {
      size_t home = Home(keys_[j]);
      // Move j into the hole unless its home lies cyclically in (hole, j].
      bool home_between = hole < j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_between) {
        keys_[hole] = keys_[j];
        values_[hole] = values_[j];
        hole = j;
      }
    }
    keys_[hole] = 0;
    --size_;
    return true;
  }

  void Reserve(size_t entries) {
    size_t wanted = 16;
    while (wanted * 3 < entries * 4) wanted *= 2;
    if (wanted > capacity_) Rehash(wanted);
  }

  void Clear() {
    keys_.reset();
    values_.reset();
    capacity_ = size_ = 0;
    mask_ = 0;
    shift_ = 64;
  }

  // Calls fn(key, value) for every entry, in slot order (deterministic for a given history).
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < capacity_; ++i) {
      if (keys_[i] != 0) fn(keys_[i], values_[i]);
    }
  }

 private:
  size_t Home(uint64_t key) const {
    return static_cast<size_t>((key * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  void Grow() { Rehash(capacity_ == 0 ? 16 : capacity_ * 2); }
  void Rehash(size_t new_capacity) {
    std::unique_ptr<uint64_t[]> old_keys = std::move(keys_);
    std::unique_ptr<uint32_t[]> old_values = std::move(values_);
    size_t old_capacity = capacity_;
    keys_ = std::make_unique<uint64_t[]>(new_capacity);  // zero-initialised: all empty
    values_ = std::make_unique_for_overwrite<uint32_t[]>(new_capacity);
    capacity_ = new_capacity;
    mask_ = new_capacity - 1;
    shift_ = 64 - __builtin_ctzll(new_capacity);
    size_ = 0;
    for (size_t i = 0; i < old_capacity; ++i) {
      if (old_keys[i] != 0) Set(old_keys[i], old_values[i]);
    }
  }

  std::unique_ptr<uint64_t[]> keys_;
  std::unique_ptr<uint32_t[]> values_;
  size_t capacity_ = 0;
  size_t size_ = 0;
  size_t mask_ = 0;
  int shift_ = 64;
};

}  // namespace pylon::sim
