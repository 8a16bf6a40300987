// Copyright 2026 The Pylon Gateway Authors.
// A bounded single-producer / single-consumer ring: one thread pushes, one other thread pops, no
// locks. Capacity is rounded up to a power of two. For handing batches between reactors without
// the allocation and queue lock of a post.

#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <optional>
#include <utility>

namespace pylon {

template <typename T>
class SpscRing {
 public:
  explicit SpscRing(size_t capacity)
      : mask_(std::bit_ceil(capacity < 2 ? size_t{2} : capacity) - 1),
        slots_(std::make_unique<std::optional<T>[]>(mask_ + 1)) {}

  size_t capacity() const { return mask_ + 1; }

  // Producer only. False when full (the value is left untouched).
  bool TryPush(T& value) {
    size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail - head_cache_ > mask_) {
      head_cache_ = head_.load(std::memory_order_acquire);
      if (tail - head_cache_ > mask_) return false;
    }
    slots_[tail & mask_].emplace(std::move(value));
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }
  bool TryPush(T&& value) { return TryPush(value); }

  // Consumer only. nullopt when empty.
  std::optional<T> TryPop() {
    size_t head = head_.load(std::memory_order_relaxed);
    if (head == tail_cache_) {
      tail_cache_ = tail_.load(std::memory_order_acquire);
      if (head == tail_cache_) return std::nullopt;
    }
    std::optional<T> out(std::move(*slots_[head & mask_]));
    slots_[head & mask_].reset();
    head_.store(head + 1, std::memory_order_release);
    return out;
  }

  // Approximate when called from a third thread; exact from producer or consumer after a quiesce.
  size_t size() const {
    return tail_.load(std::memory_order_acquire) - head_.load(std::memory_order_acquire);
  }
  bool empty() const { return size() == 0; }

 private:
  static constexpr size_t kCacheLine = 64;
  const size_t mask_;
  std::unique_ptr<std::optional<T>[]> slots_;
  alignas(kCacheLine) std::atomic<size_t> head_{0};  // next slot to pop
  size_t tail_cache_ = 0;                            // consumer's view of tail_
  alignas(kCacheLine) std::atomic<size_t> tail_{0};  // next slot to push
  size_t head_cache_ = 0;                            // producer's view of head_
};

}  // namespace pylon
