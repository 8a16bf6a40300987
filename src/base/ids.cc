// Copyright 2026 The Pylon Gateway Authors.

#include "base/ids.h"

#include <charconv>

namespace pylon {

Result<Snowflake> Snowflake::Parse(std::string_view text) {
  if (text.empty() || text.size() > 20) {
    return InvalidArgument("invalid snowflake '" + std::string(text.substr(0, 32)) +
                           "': expected 1 to 20 decimal digits");
  }
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    return InvalidArgument("invalid snowflake '" + std::string(text) +
                           "': expected a decimal number below 2^64");
  }
  return Snowflake(value);
}

}  // namespace pylon
