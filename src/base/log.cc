// Copyright 2026 The Pylon Gateway Authors.

#include "base/log.h"

#include <algorithm>
#include <mutex>
#include <sstream>
#include <vector>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/sinks/stdout_sinks.h>

namespace pylon {
namespace {

constexpr std::string_view kRedacted = "[redacted]";
constexpr size_t kMinSecretLength = 8;

using SecretList = std::vector<std::string>;

std::atomic<std::shared_ptr<const SecretList>>& Secrets() {
  static std::atomic<std::shared_ptr<const SecretList>> secrets{std::make_shared<SecretList>()};
  return secrets;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

// True when `run` (token characters and dots) looks like a Discord token: three dot-separated
// parts, base64 of the user id, a timestamp and an HMAC.
bool LooksLikeDiscordToken(std::string_view run) {
  size_t first = run.find('.');
  if (first == std::string_view::npos) return false;
  size_t second = run.find('.', first + 1);
  if (second == std::string_view::npos) return false;
  size_t third = run.find('.', second + 1);
  size_t end = third == std::string_view::npos ? run.size() : third;
  return first >= 18 && second - first - 1 >= 4 && end - second - 1 >= 20;
}

// True for tokens the cluster issues: "pylon_<kind>_<at least 24 characters>".
bool LooksLikeIssuedToken(std::string_view run) {
  if (!run.starts_with("pylon_")) return false;
  size_t sep = run.find('_', 6);
  return sep != std::string_view::npos && run.size() - sep - 1 >= 24;
}

// Replaces token-shaped runs and credentials after "Bot " / "Bearer ".
std::string RedactShapes(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (!IsTokenChar(text[i])) {
      out.push_back(text[i]);
      ++i;
      continue;
    }
    size_t j = i;
    while (j < text.size() && (IsTokenChar(text[j]) || text[j] == '.')) ++j;
    std::string_view run = text.substr(i, j - i);
    bool after_scheme = out.ends_with("Bot ") || out.ends_with("Bearer ");
    bool credential = after_scheme && (run.size() > 20 || run.find('.') != std::string_view::npos);
    if (credential || LooksLikeDiscordToken(run) || LooksLikeIssuedToken(run)) {
      out += kRedacted;
    } else {
      out += run;
    }
    i = j;
  }
  return out;
}

// Wraps another sink and redacts every message before handing it on.
template <typename Mutex>
class RedactingSink final : public spdlog::sinks::base_sink<Mutex> {
 public:
  explicit RedactingSink(std::shared_ptr<spdlog::sinks::sink> inner) : inner_(std::move(inner)) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::string redacted = RedactSecrets(std::string_view(msg.payload.data(), msg.payload.size()));
    spdlog::details::log_msg copy(msg);
    copy.payload = spdlog::string_view_t(redacted.data(), redacted.size());
    inner_->log(copy);
  }
  void flush_() override { inner_->flush(); }
  void set_pattern_(const std::string& pattern) override { inner_->set_pattern(pattern); }

 private:
  std::shared_ptr<spdlog::sinks::sink> inner_;
};

constexpr const char* kPattern = "%Y-%m-%dT%H:%M:%S.%e %^%L%$ [%t] %v";

spdlog::level::level_enum ToSpd(LogLevel level) {
  switch (level) {
    case LogLevel::kTrace:
      return spdlog::level::trace;
    case LogLevel::kDebug:
      return spdlog::level::debug;
    case LogLevel::kInfo:
      return spdlog::level::info;
    case LogLevel::kWarn:
      return spdlog::level::warn;
    case LogLevel::kError:
      return spdlog::level::err;
    case LogLevel::kOff:
      return spdlog::level::off;
  }
  return spdlog::level::info;
}

std::shared_ptr<spdlog::logger> MakeLogger(std::shared_ptr<spdlog::sinks::sink> inner) {
  auto sink = std::make_shared<RedactingSink<std::mutex>>(std::move(inner));
  auto logger = std::make_shared<spdlog::logger>("pylon", std::move(sink));
  logger->set_pattern(kPattern);
  return logger;
}

// Until InitLogging runs, the default logger writes to stderr, already redacted.
struct DefaultLoggerInstaller {
  DefaultLoggerInstaller() {
    auto logger = MakeLogger(std::make_shared<spdlog::sinks::stderr_sink_mt>());
    logger->set_level(spdlog::level::info);
    spdlog::set_default_logger(std::move(logger));
  }
};
const DefaultLoggerInstaller default_logger_installer;

}  // namespace

Result<LogLevel> ParseLogLevel(std::string_view name) {
  if (name == "trace") return LogLevel::kTrace;
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warn" || name == "warning") return LogLevel::kWarn;
  if (name == "error") return LogLevel::kError;
  if (name == "off") return LogLevel::kOff;
  return InvalidArgument("unknown log level '" + std::string(name) +
                         "' (expected trace, debug, info, warn, error or off)");
}

Status InitLogging(const LogOptions& options) {
  std::shared_ptr<spdlog::sinks::sink> inner;
  if (options.file.empty()) {
    inner = std::make_shared<spdlog::sinks::stderr_sink_mt>();
  } else {
    try {
      inner = std::make_shared<spdlog::sinks::basic_file_sink_mt>(options.file);
    } catch (const spdlog::spdlog_ex& e) {
      return InvalidArgument("cannot open log file '" + options.file + "': " + e.what());
    }
  }
  auto logger = MakeLogger(std::move(inner));
  logger->set_level(ToSpd(options.level));
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(std::move(logger));
  return Ok();
}

void SetLogLevel(LogLevel level) { spdlog::default_logger()->set_level(ToSpd(level)); }

void RegisterSecret(std::string_view value) {
  if (value.size() < kMinSecretLength) return;
  auto& secrets = Secrets();
  auto current = secrets.load();
  while (true) {
    if (std::find(current->begin(), current->end(), value) != current->end()) return;
    auto next = std::make_shared<SecretList>(*current);
    next->emplace_back(value);
    // Longest first, so that a secret containing another is replaced whole.
    std::sort(next->begin(), next->end(),
              [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    if (secrets.compare_exchange_weak(current, std::shared_ptr<const SecretList>(next))) return;
  }
}

void UnregisterSecret(std::string_view value) {
  auto& secrets = Secrets();
  auto current = secrets.load();
  while (true) {
    auto next = std::make_shared<SecretList>(*current);
    next->erase(std::remove(next->begin(), next->end(), value), next->end());
    if (secrets.compare_exchange_weak(current, std::shared_ptr<const SecretList>(next))) return;
  }
}

std::string RedactSecrets(std::string_view text) {
  std::string out(text);
  auto secrets = Secrets().load();
  for (const std::string& secret : *secrets) {
    size_t pos = 0;
    while ((pos = out.find(secret, pos)) != std::string::npos) {
      out.replace(pos, secret.size(), kRedacted);
      pos += kRedacted.size();
    }
  }
  return RedactShapes(out);
}

struct LogCaptureForTest::Impl {
  std::ostringstream stream;
  std::shared_ptr<spdlog::logger> previous;
};

LogCaptureForTest::LogCaptureForTest() : impl_(std::make_unique<Impl>()) {
  impl_->previous = spdlog::default_logger();
  auto logger = MakeLogger(std::make_shared<spdlog::sinks::ostream_sink_mt>(impl_->stream));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
}

LogCaptureForTest::~LogCaptureForTest() { spdlog::set_default_logger(impl_->previous); }

std::string LogCaptureForTest::text() const {
  spdlog::default_logger()->flush();
  return impl_->stream.str();
}

}  // namespace pylon
