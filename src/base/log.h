// Copyright 2026 The Pylon Gateway Authors.
// Logging. Every line passes through a redacting sink before it is written anywhere, so a bot
// token or auth token can never be printed: registered secrets, Discord-token-shaped strings,
// tokens we issue (prefix "pylon_") and the credential after "Bot " / "Bearer " are replaced by
// "[redacted]". Values of type Secret format as "[redacted]" to begin with.
//
// Thread-safe: any thread may log. Logging is not on the event path (events are counted, not
// logged); drops and other rare conditions are logged once per cause (see LogEvery).

#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "base/result.h"

namespace pylon {

enum class LogLevel { kTrace, kDebug, kInfo, kWarn, kError, kOff };

Result<LogLevel> ParseLogLevel(std::string_view name);

struct LogOptions {
  LogLevel level = LogLevel::kInfo;
  // Empty: standard error. Otherwise a file, appended to.
  std::string file;
};

// Installs the process-wide logger. Call once at start-up, before other threads log.
Status InitLogging(const LogOptions& options);
void SetLogLevel(LogLevel level);

// A credential. Holds the value but never prints it: formatting gives "[redacted]".
class Secret {
 public:
  Secret() = default;
  explicit Secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }
  bool operator==(const Secret&) const = default;

 private:
  std::string value_;
};

// Adds a value that must never appear in a log line (a bot token, an admin token). Values shorter
// than 8 characters are not registered (they would redact ordinary words). Thread-safe.
void RegisterSecret(std::string_view value);
void UnregisterSecret(std::string_view value);

// What the log sink does to every line: `text` with every secret replaced by "[redacted]".
std::string RedactSecrets(std::string_view text);

// Captures log output in memory for the lifetime of the object, after redaction (tests only).
class LogCaptureForTest {
 public:
  LogCaptureForTest();
  ~LogCaptureForTest();
  LogCaptureForTest(const LogCaptureForTest&) = delete;
  LogCaptureForTest& operator=(const LogCaptureForTest&) = delete;
  std::string text() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace log {

template <typename... Args>
void Trace(fmt::format_string<Args...> format, Args&&... args) {
  spdlog::trace(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Debug(fmt::format_string<Args...> format, Args&&... args) {
  spdlog::debug(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Info(fmt::format_string<Args...> format, Args&&... args) {
  spdlog::info(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Warn(fmt::format_string<Args...> format, Args&&... args) {
  spdlog::warn(format, std::forward<Args>(args)...);
}
template <typename... Args>
void Error(fmt::format_string<Args...> format, Args&&... args) {
  spdlog::error(format, std::forward<Args>(args)...);
}

}  // namespace log

// Rate-limits a log statement: ShouldLog() is true the first time and then once per `every`
// calls. For conditions that can repeat at event rate (drops, malformed frames): the condition is
// always counted by its metric; the log line only says that it happens. Thread-safe.
class LogEvery {
 public:
  explicit LogEvery(uint64_t every = 10000) : every_(every) {}
  bool ShouldLog() { return count_.fetch_add(1, std::memory_order_relaxed) % every_ == 0; }

 private:
  uint64_t every_;
  std::atomic<uint64_t> count_{0};
};

}  // namespace pylon

template <>
struct fmt::formatter<pylon::Secret> : fmt::formatter<std::string_view> {
  template <typename FormatContext>
  auto format(const pylon::Secret&, FormatContext& ctx) const {
    return fmt::formatter<std::string_view>::format("[redacted]", ctx);
  }
};
