// Copyright 2026 The Pylon Gateway Authors.

#include "discord/model.h"

#include <charconv>
#include <cstdio>
#include <ctime>

namespace pylon::discord {
namespace {

bool ParseDigits(std::string_view text, size_t pos, size_t count, int* out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

// Days from 1970-01-01 to the given civil date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

}  // namespace

std::optional<TimestampUs> ParseTimestamp(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.ffffff](Z|+HH:MM|-HH:MM)
  int year, month, day, hour, minute, second;
  if (text.size() < 20 || !ParseDigits(text, 0, 4, &year) || text[4] != '-' ||
      !ParseDigits(text, 5, 2, &month) || text[7] != '-' || !ParseDigits(text, 8, 2, &day) ||
      (text[10] != 'T' && text[10] != ' ') || !ParseDigits(text, 11, 2, &hour) || text[13] != ':' ||
      !ParseDigits(text, 14, 2, &minute) || text[16] != ':' || !ParseDigits(text, 17, 2, &second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t micros = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return std::nullopt;
    for (int i = digits; i < 6; ++i) micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int oh, om;
    if (!ParseDigits(text, pos + 1, 2, &oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !ParseDigits(text, pos + 4, 2, &om)) {
      return std::nullopt;
    }
    offset_seconds = (oh * 3600 + om * 60) * (text[pos] == '+' ? 1 : -1);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return seconds * 1'000'000 + micros;
}

std::string FormatTimestamp(TimestampUs us) {
  int64_t seconds = us >= 0 ? us / 1'000'000 : (us - 999'999) / 1'000'000;
  int64_t micros = us - seconds * 1'000'000;
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[128];  // room for any int field, so nothing is ever cut (and GCC can prove it)
  std::snprintf(buffer, sizeof(buffer), "%04d-%02d-%02dT%02d:%02d:%02d.%06lld+00:00",
                tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<long long>(micros));
  return buffer;
}

void ImageHash::Assign(std::string_view text) {
  ReleaseText();
  if (text.empty()) return;
  std::string_view hex = text;
  Kind kind = kHex;
  if (hex.starts_with("a_")) {
    hex.remove_prefix(2);
    kind = kAnimatedHex;
  }
  if (hex.size() == 32) {
    uint8_t bytes[16];
    bool ok = true;
    for (size_t i = 0; i < 16 && ok; ++i) {
      int hi = HexValue(hex[2 * i]);
      int lo = HexValue(hex[2 * i + 1]);
      ok = hi >= 0 && lo >= 0;
      bytes[i] = static_cast<uint8_t>(hi << 4 | lo);
    }
    if (ok) {
      std::memcpy(hex_, bytes, sizeof(hex_));
      kind_ = kind;
      return;
    }
  }
  text_ = new std::string(text);
  kind_ = kText;
}

std::string ImageHash::str() const {
  static constexpr char kHexDigits[] = "0123456789abcdef";
  switch (kind_) {
    case kNone:
      return {};
    case kText:
      return *text_;
    case kHex:
    case kAnimatedHex: {
      std::string out = kind_ == kAnimatedHex ? "a_" : "";
      for (uint8_t b : hex_) {
        out.push_back(kHexDigits[b >> 4]);
        out.push_back(kHexDigits[b & 15]);
      }
      return out;
    }
  }
  return {};
}

void IdList::push_back(uint64_t id) {
  if (size_ == 0 && capacity_ == 1) {
    one_ = id;
    size_ = 1;
    return;
  }
  if (size_ == capacity_) {
    uint32_t capacity = capacity_ * 2;
    uint64_t* many = new uint64_t[capacity];
    std::memcpy(many, data(), size_ * sizeof(uint64_t));
    if (capacity_ > 1) delete[] many_;
    many_ = many;
    capacity_ = capacity;
  }
  (capacity_ > 1 ? many_ : &one_)[size_++] = id;
}

bool IdList::operator==(const IdList& other) const {
  if (size_ != other.size_) return false;
  for (size_t i = 0; i < size_; ++i) {
    if ((*this)[i] != other[i]) return false;
  }
  return true;
}

OnlineStatus ParseOnlineStatus(std::string_view text) {
  if (text == "online") return OnlineStatus::kOnline;
  if (text == "idle") return OnlineStatus::kIdle;
  if (text == "dnd") return OnlineStatus::kDnd;
  if (text == "invisible") return OnlineStatus::kInvisible;
  if (text == "offline") return OnlineStatus::kOffline;
  return OnlineStatus::kUnknown;
}

std::string_view OnlineStatusName(OnlineStatus status) {
  switch (status) {
    case OnlineStatus::kOnline:
      return "online";
    case OnlineStatus::kIdle:
      return "idle";
    case OnlineStatus::kDnd:
      return "dnd";
    case OnlineStatus::kInvisible:
      return "invisible";
    case OnlineStatus::kOffline:
      return "offline";
    case OnlineStatus::kUnknown:
      return "";
  }
  return "";
}

}  // namespace pylon::discord
