// Copyright 2026 The Pylon Gateway Authors.

#include "sim/timestamp.h"

#include <cstring>

namespace pylon::sim {
namespace {

// Howard Hinnant's civil_from_days: days since 1970-01-01 -> (year, month, day).
void CivilFromDays(int64_t z, int64_t* year, unsigned* month, unsigned* day) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *day = doy - (153 * mp + 2) / 5 + 1;
  *month = mp < 10 ? mp + 3 : mp - 9;
  *year = y + (*month <= 2);
}

inline void Put2(char* p, unsigned v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
}

}  // namespace

void FormatIsoTimestamp(int64_t unix_ms, char* out) {
  int64_t days = unix_ms / 86400000;
  int64_t ms_of_day = unix_ms % 86400000;
  if (ms_of_day < 0) {
    ms_of_day += 86400000;
    --days;
  }
  int64_t year;
  unsigned month, day;
  CivilFromDays(days, &year, &month, &day);
  unsigned seconds_of_day = static_cast<unsigned>(ms_of_day / 1000);
  unsigned millis = static_cast<unsigned>(ms_of_day % 1000);
  static constexpr char kTemplate[] = "0000-00-00T00:00:00.000000+00:00";
  char* buffer = out;
  std::memcpy(buffer, kTemplate, kIsoTimestampLength);
  unsigned y = static_cast<unsigned>(year < 0 ? 0 : year > 9999 ? 9999 : year);
  buffer[0] = static_cast<char>('0' + y / 1000);
  buffer[1] = static_cast<char>('0' + y / 100 % 10);
  Put2(buffer + 2, y % 100);
  Put2(buffer + 5, month);
  Put2(buffer + 8, day);
  Put2(buffer + 11, seconds_of_day / 3600);
  Put2(buffer + 14, seconds_of_day / 60 % 60);
  Put2(buffer + 17, seconds_of_day % 60);
  buffer[20] = static_cast<char>('0' + millis / 100);
  Put2(buffer + 21, millis % 100);
}

}  // namespace pylon::sim
