// Copyright 2026 The Pylon Gateway Authors.
// Discord's ISO-8601 timestamps: "2022-04-23T19:03:25.927000+00:00" (microsecond precision, UTC,
// explicit offset), as seen on the gateway (discord-protocol.md §5).

#pragma once

#include <cstdint>
#include <string>

#include "base/json_writer.h"

namespace pylon::sim {

inline constexpr size_t kIsoTimestampLength = 32;

// Writes `unix_ms` formatted as above into out[0..31] (no terminator). Years 0000..9999.
void FormatIsoTimestamp(int64_t unix_ms, char* out);

// Appends `unix_ms` formatted as above.
inline void AppendIsoTimestamp(int64_t unix_ms, std::string* out) {
  char buffer[kIsoTimestampLength];
  FormatIsoTimestamp(unix_ms, buffer);
  out->append(buffer, kIsoTimestampLength);
}

// Writes the timestamp as a JSON string value.
inline void WriteTimestamp(JsonWriter& w, int64_t unix_ms) {
  char buffer[kIsoTimestampLength + 2];
  buffer[0] = '"';
  FormatIsoTimestamp(unix_ms, buffer + 1);
  buffer[kIsoTimestampLength + 1] = '"';
  w.Raw(std::string_view(buffer, sizeof(buffer)));
}

// The timestamp, or null when `unix_ms` is 0.
inline void WriteTimestampOrNull(JsonWriter& w, int64_t unix_ms) {
  if (unix_ms == 0) {
    w.Null();
  } else {
    WriteTimestamp(w, unix_ms);
  }
}

inline std::string IsoTimestamp(int64_t unix_ms) {
  std::string out;
  AppendIsoTimestamp(unix_ms, &out);
  return out;
}

}  // namespace pylon::sim
