// Copyright 2026 The Pylon Gateway Authors.
// JsonWriter: a fast streaming JSON writer that appends to a std::string, with automatic commas.
//
//   std::string out;
//   JsonWriter w(&out);
//   w.BeginObject().Key("id").Id(guild_id).Key("name").String(name).EndObject();
//   // `out` now holds the document.
//
// Strings are escaped as RFC 8259 requires: `"` and `\` get a backslash, control characters below
// 0x20 become \b \f \n \r \t or \u00XX; everything else (including DEL, '/', U+2028/U+2029) is
// written as is.
//
// Invalid UTF-8 policy: the output is always valid UTF-8. Every byte that does not belong to a
// well-formed UTF-8 sequence (Unicode 15 table 3-7: no overlong forms, no surrogates
// U+D800..U+DFFF, nothing above U+10FFFF, no truncated sequence) is replaced by U+FFFD, one
// replacement per offending byte, and scanning resumes at the next byte.
//
// Snowflakes are written as JSON strings (Id), as Discord does. Non-finite doubles (NaN, inf) are
// written as null: JSON cannot represent them.
//
// Speed: while a document is open the writer grows the string ahead of what it has written and
// copies tokens through a pointer, so most tokens cost a few instructions instead of a
// std::string::append call. Hence the one rule: the string holds exactly the JSON written
// whenever no object or array is open (after each top-level value), after Flush(), and once the
// writer is destroyed; in between it may hold spare bytes at its end. Don't touch the string
// while a document is open; use size() for offsets and Raw() for pre-rendered JSON.
//
// The writer checks nothing about structure in release builds: the caller pairs Begin/End and puts
// a Key before every value inside an object (debug builds assert the nesting). Not thread-safe;
// cheap to create on the stack for each document. Not copyable.

#pragma once

#include <algorithm>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "base/ids.h"

// Hot, tiny writer functions are forced inline: GCC's -O2 heuristics otherwise leave calls to
// them in every Key/value, which costs more than the work they do.
#define PYLON_JSON_INLINE inline __attribute__((always_inline))

namespace pylon {

// An object key known at compile time: a string literal, checked at compile time to need no
// escaping (printable ASCII without '"' and '\'), so that JsonWriter copies it without looking.
class JsonKey {
 public:
  template <size_t N>
  consteval JsonKey(const char (&text)[N]) : text_(text, N - 1) {  // NOLINT: implicit
    for (size_t i = 0; i + 1 < N; ++i) {
      unsigned char c = static_cast<unsigned char>(text[i]);
      if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
        throw "JsonKey: a literal key must be printable ASCII without quotes or backslashes";
      }
    }
  }
  constexpr std::string_view text() const { return text_; }

 private:
  std::string_view text_;
};

class JsonWriter {
 public:
  // Appends to `*out`, which must outlive the writer. Existing content is kept.
  explicit JsonWriter(std::string* out) : out_(out) {}
  ~JsonWriter() { Flush(); }
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  PYLON_JSON_INLINE JsonWriter& BeginObject() { return Open('{'); }
  PYLON_JSON_INLINE JsonWriter& EndObject() { return Close('}'); }
  PYLON_JSON_INLINE JsonWriter& BeginArray() { return Open('['); }
  PYLON_JSON_INLINE JsonWriter& EndArray() { return Close(']'); }

  // An object key; the next call writes its value. A string literal is a JsonKey (checked at
  // compile time); anything else convertible to std::string_view is escaped as needed.
  PYLON_JSON_INLINE JsonWriter& Key(JsonKey key) {
    std::string_view text = key.text();
    char* p = Reserve(text.size() + 4);
    if (need_comma_) *p++ = ',';
    *p++ = '"';
    std::memcpy(p, text.data(), text.size());
    p += text.size();
    *p++ = '"';
    *p++ = ':';
    cursor_ = p;
    need_comma_ = false;
    return *this;
  }
  template <typename Text>
  requires(std::is_convertible_v<const Text&, std::string_view> &&
           !std::is_array_v<Text>) JsonWriter& Key(const Text& text) {
    return DynamicKey(std::string_view(text));
  }

 private:
  JsonWriter& DynamicKey(std::string_view key) {
    if (key.size() <= kShortKey && IsPlain(key)) {
      // Fast path (every literal key): `,"key":` in one copy.
      char* p = Reserve(key.size() + 4);
      if (need_comma_) *p++ = ',';
      *p++ = '"';
      if (!key.empty()) std::memcpy(p, key.data(), key.size());
      p += key.size();
      *p++ = '"';
      *p++ = ':';
      cursor_ = p;
    } else {
      if (need_comma_) Put(',');
      PutQuoted(key);
      Put(':');
    }
    need_comma_ = false;
    return *this;
  }

 public:
  PYLON_JSON_INLINE JsonWriter& String(std::string_view value) {
    Separate();
    PutQuoted(value);
    return AfterValue();
  }
  // A string, or null when empty (for Discord's nullable strings kept as "" in our structs).
  JsonWriter& StringOrNull(std::string_view value) {
    return value.empty() ? Null() : String(value);
  }
  PYLON_JSON_INLINE JsonWriter& Int(int64_t value) { return Number(value, false); }
  PYLON_JSON_INLINE JsonWriter& UInt(uint64_t value) { return Number(value, false); }
  JsonWriter& Double(double value);
  PYLON_JSON_INLINE JsonWriter& Bool(bool value) {
    Separate();
    if (value) {
      PutLiteral("true");
    } else {
      PutLiteral("false");
    }
    return AfterValue();
  }
  PYLON_JSON_INLINE JsonWriter& Null() {
    Separate();
    PutLiteral("null");
    return AfterValue();
  }
  // A complete JSON value written verbatim; the caller guarantees it is valid JSON.
  JsonWriter& Raw(std::string_view json) {
    Separate();
    Put(json.data(), json.size());
    return AfterValue();
  }

  // A snowflake as a JSON string ("175928847299117063").
  PYLON_JSON_INLINE JsonWriter& Id(uint64_t id) { return Number(id, true); }
  JsonWriter& Id(Snowflake id) { return Id(id.value()); }
  template <typename Tag>
  JsonWriter& Id(TypedId<Tag> id) {
    return Id(id.value());
  }
  // A snowflake, or null when it is 0.
  template <typename IdType>
  JsonWriter& IdOrNull(IdType id) {
    return id.is_zero() ? Null() : Id(id);
  }
  // An unsigned integer as a JSON string (Discord's permission bit sets).
  JsonWriter& UIntString(uint64_t value) { return Number(value, true); }

  // Bytes of the document so far, counted from the start of the string (offsets into it).
  size_t size() const {
    return cursor_ ? static_cast<size_t>(cursor_ - out_->data()) : out_->size();
  }
  // Trims the spare bytes: the string then holds exactly what was written. Writing may continue.
  void Flush() {
    if (cursor_) {
      out_->resize(static_cast<size_t>(cursor_ - out_->data()));
      cursor_ = limit_ = nullptr;
    }
  }

  // Appends `text` as a quoted, escaped JSON string.
  static void AppendQuoted(std::string_view text, std::string* out);
  // Appends the escaped body of a JSON string (no quotes).
  static void AppendEscaped(std::string_view text, std::string* out);

 private:
  static constexpr size_t kShortKey = 60;

  // Room for `n` bytes at the cursor; returns the cursor.
  PYLON_JSON_INLINE char* Reserve(size_t n) {
    if (static_cast<size_t>(limit_ - cursor_) < n) Grow(n);
    return cursor_;
  }
  __attribute__((noinline)) void Grow(size_t n) {
    size_t used = size();
    // Spare bytes in steps that grow with the document (std::string doubles its capacity).
    size_t chunk = std::max(n, std::clamp<size_t>(used, 512, 16384));
    out_->resize(used + chunk);  // zero-fills the spare bytes once
    cursor_ = out_->data() + used;
    limit_ = out_->data() + out_->size();
  }
  PYLON_JSON_INLINE void Put(char c) {
    *Reserve(1) = c;
    ++cursor_;
  }
  PYLON_JSON_INLINE void Put(const char* data, size_t n) {
    char* p = Reserve(n);
    if (n != 0) std::memcpy(p, data, n);  // data may be null when n == 0
    cursor_ = p + n;
  }
  template <size_t N>
  void PutLiteral(const char (&text)[N]) {
    Put(text, N - 1);
  }
  PYLON_JSON_INLINE void Separate() {
    if (need_comma_) Put(',');
    need_comma_ = true;
  }
  PYLON_JSON_INLINE JsonWriter& Open(char bracket) {
    Separate();
    Put(bracket);
    need_comma_ = false;
    ++depth_;
    return *this;
  }
  PYLON_JSON_INLINE JsonWriter& Close(char bracket) {
    assert(depth_ > 0 && "JsonWriter: End without Begin");
    Put(bracket);
    need_comma_ = true;
    --depth_;
    return AfterValue();
  }
  // A complete top-level value leaves the string exact.
  PYLON_JSON_INLINE JsonWriter& AfterValue() {
    if (depth_ == 0) Flush();
    return *this;
  }
  template <typename T>
  PYLON_JSON_INLINE JsonWriter& Number(T value, bool quoted) {
    char* p = Reserve(24);
    if (need_comma_) *p++ = ',';
    need_comma_ = true;
    if (quoted) *p++ = '"';
    p = std::to_chars(p, p + 21, value).ptr;
    if (quoted) *p++ = '"';
    cursor_ = p;
    return AfterValue();
  }
  void PutQuoted(std::string_view text);
  // Whether `text` needs no escaping or UTF-8 validation (all bytes 0x20..0x7F but '"' and '\').
  static bool IsPlain(std::string_view text);

  std::string* out_;
  char* cursor_ = nullptr;  // while a document is open: next byte to write, inside *out_
  char* limit_ = nullptr;   // end of the string's current (spare) bytes
  int depth_ = 0;
  bool need_comma_ = false;
};

// ---- Implementation (header-only so that no library has to link a .cc). ----

namespace json_writer_internal {

// true: the byte needs an escape or UTF-8 validation.
struct ByteClass {
  bool special[256];
  constexpr ByteClass() : special() {
    for (int i = 0; i < 256; ++i) special[i] = i < 0x20 || i == '"' || i == '\\' || i >= 0x80;
  }
};
inline constexpr ByteClass kByteClass;

// Whether one of the 8 bytes of `x` is below 0x20, '"', '\' or 0x80 and above (SWAR; exact for
// "any byte", not for which one).
inline bool WordHasSpecial(uint64_t x) {
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  uint64_t below_space = (x - kOnes * 0x20) & ~x & kHigh;
  return (below_space | has_zero(x ^ (kOnes * '"')) | has_zero(x ^ (kOnes * '\\')) | (x & kHigh)) !=
         0;
}

// Offset of the first special byte of [p, end), or end - p.
inline size_t FindSpecial(const unsigned char* p, const unsigned char* end) {
  const unsigned char* start = p;
  while (end - p >= 8) {
    uint64_t word;
    std::memcpy(&word, p, 8);
    if (WordHasSpecial(word)) break;
    p += 8;
  }
  while (p < end && !kByteClass.special[*p]) ++p;
  return static_cast<size_t>(p - start);
}

// Length of the well-formed UTF-8 sequence starting at p (p[0] >= 0x80), or 0 if it is not one.
inline size_t ValidUtf8Length(const unsigned char* p, const unsigned char* end) {
  unsigned char b0 = p[0];
  size_t avail = static_cast<size_t>(end - p);
  auto cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    return avail >= 2 && cont(p[1]) ? 2 : 0;
  }
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (avail < 3) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 == 0xE0) lo = 0xA0;  // no overlong forms
    if (b0 == 0xED) hi = 0x9F;  // no surrogates
    return p[1] >= lo && p[1] <= hi && cont(p[2]) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (avail < 4) return 0;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b0 == 0xF0) lo = 0x90;  // no overlong forms
    if (b0 == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    return p[1] >= lo && p[1] <= hi && cont(p[2]) && cont(p[3]) ? 4 : 0;
  }
  return 0;
}

}  // namespace json_writer_internal

inline bool JsonWriter::IsPlain(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  return json_writer_internal::FindSpecial(p, p + text.size()) == text.size();
}

inline JsonWriter& JsonWriter::Double(double value) {
  Separate();
  if (!std::isfinite(value)) {
    PutLiteral("null");
    return AfterValue();
  }
  char* p = Reserve(32);
  cursor_ = std::to_chars(p, p + 32, value).ptr;
  return AfterValue();
}

inline void JsonWriter::AppendEscaped(std::string_view text, std::string* out) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  const auto* run = p;  // start of the bytes not yet copied
  while (p < end) {
    p += json_writer_internal::FindSpecial(p, end);
    if (p == end) break;
    unsigned char c = *p;
    if (c >= 0x80) {
      size_t length = json_writer_internal::ValidUtf8Length(p, end);
      if (length != 0) {
        p += length;
        continue;
      }
      out->append(reinterpret_cast<const char*>(run), p - run);
      out->append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
      run = ++p;
      continue;
    }
    out->append(reinterpret_cast<const char*>(run), p - run);
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        char escape[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
        out->append(escape, sizeof(escape));
      }
    }
    run = ++p;
  }
  out->append(reinterpret_cast<const char*>(run), end - run);
}

inline void JsonWriter::AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  AppendEscaped(text, out);
  out->push_back('"');
}

inline void JsonWriter::PutQuoted(std::string_view text) {
  if (IsPlain(text)) {
    char* p = Reserve(text.size() + 2);
    *p++ = '"';
    if (!text.empty()) std::memcpy(p, text.data(), text.size());
    p += text.size();
    *p++ = '"';
    cursor_ = p;
    return;
  }
  // Rare: escape through a scratch string (the escaped text is at most 6x longer).
  std::string escaped;
  AppendQuoted(text, &escaped);
  Put(escaped.data(), escaped.size());
}

}  // namespace pylon
