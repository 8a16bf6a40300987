// Copyright 2026 The Pylon Gateway Authors.

#include "sim/fast_deflate.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace pylon::sim {
namespace {

constexpr size_t kMinMatch = 4;
constexpr size_t kMaxMatch = 258;
constexpr size_t kMaxDistance = 32768;
// The history buffer grows to this before the last 32 KiB are moved to its front (amortised).
constexpr size_t kHistoryCapacity = 512 * 1024;

// Reverses the low `bits` bits of `code` (Huffman codes are sent most significant bit first).
constexpr uint32_t Reverse(uint32_t code, int bits) {
  uint32_t out = 0;
  for (int i = 0; i < bits; ++i) out |= ((code >> i) & 1u) << (bits - 1 - i);
  return out;
}

struct Code {
  uint16_t bits = 0;  // already bit-reversed, ready to be written least significant bit first
  uint8_t length = 0;
};

// The fixed literal/length codes of RFC 1951 §3.2.6.
constexpr std::array<Code, 288> MakeLiteralCodes() {
  std::array<Code, 288> table{};
  for (uint32_t s = 0; s < 288; ++s) {
    uint32_t code;
    int length;
    if (s < 144) {
      code = 0x30 + s;
      length = 8;
    } else if (s < 256) {
      code = 0x190 + (s - 144);
      length = 9;
    } else if (s < 280) {
      code = s - 256;
      length = 7;
    } else {
      code = 0xC0 + (s - 280);
      length = 8;
    }
    table[s] = {static_cast<uint16_t>(Reverse(code, length)), static_cast<uint8_t>(length)};
  }
  return table;
}
constexpr std::array<Code, 288> kLiteral = MakeLiteralCodes();

constexpr uint16_t kLengthBase[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                      15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                      67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                      2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};

struct LengthCode {
  Code code;          // the length symbol's code
  uint8_t extra = 0;  // extra bits
  uint16_t extra_value = 0;
};

constexpr std::array<LengthCode, kMaxMatch + 1> MakeLengthCodes() {
  std::array<LengthCode, kMaxMatch + 1> table{};
  for (uint32_t length = 3; length <= kMaxMatch; ++length) {
    int index = 28;
    while (kLengthBase[index] > length) --index;
    table[length] = {kLiteral[257 + index], kLengthExtra[index],
                     static_cast<uint16_t>(length - kLengthBase[index])};
  }
  return table;
}
constexpr std::array<LengthCode, kMaxMatch + 1> kLengths = MakeLengthCodes();

// Appends bits least significant first, into memory reserved up front (no per-word append).
class BitWriter {
 public:
  explicit BitWriter(uint8_t* out) : out_(out) {}
  __attribute__((always_inline)) inline void Put(uint32_t bits, int count) {
    buffer_ |= static_cast<uint64_t>(bits) << count_;
    count_ += count;
    if (count_ >= 32) {
      uint32_t low = static_cast<uint32_t>(buffer_);
      std::memcpy(out_, &low, 4);  // little-endian machines only (x86-64, AArch64)
      out_ += 4;
      buffer_ >>= 32;
      count_ -= 32;
    }
  }
  // Pads to a byte boundary and writes out what is left; returns the end of the output.
  uint8_t* AlignAndFlush() {
    while (count_ > 0) {
      *out_++ = static_cast<uint8_t>(buffer_ & 0xFF);
      buffer_ >>= 8;
      count_ = count_ > 8 ? count_ - 8 : 0;
    }
    buffer_ = 0;
    return out_;
  }

 private:
  uint8_t* out_;
  uint64_t buffer_ = 0;
  int count_ = 0;
};

inline uint32_t Load32(const uint8_t* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

inline uint64_t Load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// How many bytes `a` and `b` share from the start, at least kMinMatch (the caller checked those)
// and at most `limit`; eight bytes at a time (little-endian: the lowest differing bit is the first
// differing byte).
inline size_t MatchLength(const uint8_t* a, const uint8_t* b, size_t limit) {
  size_t length = kMinMatch;
  while (length + 8 <= limit) {
    uint64_t difference = Load64(a + length) ^ Load64(b + length);
    if (difference != 0) {
      return length + static_cast<size_t>(__builtin_ctzll(difference) / 8);
    }
    length += 8;
  }
  while (length < limit && a[length] == b[length]) ++length;
  return length;
}

inline void PutDistance(BitWriter& w, uint32_t distance) {
  uint32_t d = distance - 1;
  if (d < 4) {
    w.Put(Reverse(d, 5), 5);
    return;
  }
  int log = 31 - __builtin_clz(d);  // floor(log2(d)), >= 2
  uint32_t code = 2 * static_cast<uint32_t>(log) + ((d >> (log - 1)) & 1);
  int extra = log - 1;
  w.Put(Reverse(code, 5), 5);
  w.Put(d & ((1u << extra) - 1), extra);
}

}  // namespace

FastDeflateStream::FastDeflateStream() : head_(new int32_t[size_t{1} << kHashBits]) {
  std::fill(head_.get(), head_.get() + (size_t{1} << kHashBits), -1);
  history_.reserve(kHistoryCapacity);
}

FastDeflateStream::~FastDeflateStream() = default;

void FastDeflateStream::Compress(std::string_view message, std::string* out) {
  if (history_.size() + message.size() > kHistoryCapacity && history_.size() > kWindow) {
    // Keep the last 32 KiB at the front and rebase the hash table.
    size_t drop = history_.size() - kWindow;
    std::memmove(history_.data(), history_.data() + drop, kWindow);
    history_.resize(kWindow);
    for (size_t i = 0; i < (size_t{1} << kHashBits); ++i) {
      head_[i] =
          head_[i] >= static_cast<int32_t>(drop) ? head_[i] - static_cast<int32_t>(drop) : -1;
    }
  }
  size_t start = history_.size();
  // resize + memcpy: inserting char iterators into a vector<uint8_t> copies byte by byte.
  history_.resize(start + message.size());
  if (!message.empty()) std::memcpy(history_.data() + start, message.data(), message.size());
  const uint8_t* data = history_.data();
  size_t end = history_.size();

  // Worst case: every byte a 9-bit literal, plus block headers, the flush and the zlib header.
  size_t used = out->size();
  out->resize(used + message.size() + message.size() / 8 + 32);
  uint8_t* begin = reinterpret_cast<uint8_t*>(out->data()) + used;
  uint8_t* cursor = begin;
  if (!header_written_) {
    *cursor++ = 0x78;  // deflate, 32 KiB window
    *cursor++ = 0x01;  // fastest; (0x7801 % 31 == 0)
    header_written_ = true;
  }
  BitWriter w(cursor);
  w.Put(0b010, 3);  // BFINAL 0, BTYPE 01 (fixed Huffman)

  size_t pos = start;
  while (pos + kMinMatch <= end) {
    uint32_t sequence = Load32(data + pos);
    uint32_t hash = (sequence * 2654435761u) >> (32 - kHashBits);
    int32_t candidate = head_[hash];
    head_[hash] = static_cast<int32_t>(pos);
    if (candidate >= 0 && pos - static_cast<size_t>(candidate) <= kMaxDistance &&
        Load32(data + candidate) == sequence) {
      size_t length = MatchLength(data + candidate, data + pos, std::min(kMaxMatch, end - pos));
      const LengthCode& lc = kLengths[length];
      w.Put(lc.code.bits, lc.code.length);
      if (lc.extra != 0) w.Put(lc.extra_value, lc.extra);
      PutDistance(w, static_cast<uint32_t>(pos - static_cast<size_t>(candidate)));
      pos += length;
    } else {
      const Code& c = kLiteral[data[pos]];
      w.Put(c.bits, c.length);
      ++pos;
    }
  }
  for (; pos < end; ++pos) {
    const Code& c = kLiteral[data[pos]];
    w.Put(c.bits, c.length);
  }
  w.Put(kLiteral[256].bits, kLiteral[256].length);  // end of block
  // Sync flush: an empty stored block, byte-aligned: 000, pad, 00 00 FF FF.
  w.Put(0, 3);
  uint8_t* end_of_output = w.AlignAndFlush();
  static constexpr uint8_t kFlush[4] = {0x00, 0x00, 0xFF, 0xFF};
  std::memcpy(end_of_output, kFlush, 4);
  out->resize(used + static_cast<size_t>(end_of_output + 4 - begin));
}

}  // namespace pylon::sim
