// Copyright 2026 The Pylon Gateway Authors.
// ShortString: an immutable-ish string in 16 bytes (std::string takes 32). Up to 15 bytes are kept
// inline; longer text goes to one exact-size heap block. For the millions of short names a cache
// holds (usernames, nicknames, role and channel names). Not thread-safe; a value type.

#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

namespace pylon {

class ShortString {
 public:
  static constexpr size_t kInlineCapacity = 15;

  ShortString() { Clear(); }
  ShortString(std::string_view text) { Assign(text); }  // NOLINT: implicit, like std::string
  ShortString(const ShortString& other) { Assign(other.view()); }
  ShortString(ShortString&& other) noexcept {
    std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
    other.Clear();
  }
  ShortString& operator=(const ShortString& other) {
    if (this != &other) {
      std::string copy(other.view());  // `other` may alias our own heap block
      Release();
      Assign(copy);
    }
    return *this;
  }
  ShortString& operator=(ShortString&& other) noexcept {
    if (this != &other) {
      Release();
      std::memcpy(bytes_, other.bytes_, sizeof(bytes_));
      other.Clear();
    }
    return *this;
  }
  ShortString& operator=(std::string_view text) {
    if (text.data() >= data() && text.data() <= data() + size()) {  // aliases our own bytes
      std::string copy(text);
      Release();
      Assign(copy);
    } else {
      Release();
      Assign(text);
    }
    return *this;
  }
  ~ShortString() { Release(); }

  size_t size() const { return is_heap() ? HeapSize() : bytes_[15]; }
  bool empty() const { return size() == 0; }
  const char* data() const { return is_heap() ? HeapPointer() : bytes_; }
  std::string_view view() const { return {data(), size()}; }
  operator std::string_view() const { return view(); }  // NOLINT: implicit
  std::string str() const { return std::string(view()); }

  // Heap bytes owned (0 when inline), for memory accounting.
  size_t heap_bytes() const { return is_heap() ? HeapSize() : 0; }

  bool operator==(const ShortString& other) const { return view() == other.view(); }
  bool operator==(std::string_view other) const { return view() == other; }

 private:
  // Layout: inline: bytes_[0..14] text, bytes_[15] = size (0..15).
  //         heap:   bytes_[0..7] pointer, bytes_[8..11] size, bytes_[15] = kHeapTag.
  static constexpr unsigned char kHeapTag = 0xFF;

  bool is_heap() const { return static_cast<unsigned char>(bytes_[15]) == kHeapTag; }
  const char* HeapPointer() const {
    const char* p;
    std::memcpy(&p, bytes_, sizeof(p));
    return p;
  }
  size_t HeapSize() const {
    uint32_t n;
    std::memcpy(&n, bytes_ + 8, sizeof(n));
    return n;
  }
  void Clear() { std::memset(bytes_, 0, sizeof(bytes_)); }
  void Assign(std::string_view text) {
    if (text.size() <= kInlineCapacity) {
      std::memset(bytes_, 0, sizeof(bytes_));
      if (!text.empty()) std::memcpy(bytes_, text.data(), text.size());
      bytes_[15] = static_cast<char>(text.size());
      return;
    }
    char* p = new char[text.size()];
    std::memcpy(p, text.data(), text.size());
    uint32_t n = static_cast<uint32_t>(text.size());
    std::memcpy(bytes_, &p, sizeof(p));
    std::memcpy(bytes_ + 8, &n, sizeof(n));
    bytes_[15] = static_cast<char>(kHeapTag);
  }
  void Release() {
    if (is_heap()) delete[] HeapPointer();
    Clear();
  }

  char bytes_[16];
};

static_assert(sizeof(ShortString) == 16);

}  // namespace pylon
