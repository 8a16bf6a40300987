// Copyright 2026 The Pylon Gateway Authors.

#include "base/log.h"

#include <gtest/gtest.h>

namespace pylon {
namespace {

// Shaped like a real bot token (base64 user id . timestamp . HMAC), but made up.
constexpr const char* kBotToken =
    "MTE3NjQ0NTY3ODkwMTIzNDU2Nw.GhQxYz.abcdefghijklmnopqrstuvwxyz0123456789AB";

TEST(LogRedactionTest, RegisteredSecretNeverPrinted) {
  LogCaptureForTest capture;
  RegisterSecret("s3cret-admin-token-value");
  log::Info("admin token is s3cret-admin-token-value, again:s3cret-admin-token-value!");
  std::string text = capture.text();
  EXPECT_EQ(text.find("s3cret-admin-token-value"), std::string::npos) << text;
  EXPECT_NE(text.find("admin token is [redacted], again:[redacted]!"), std::string::npos) << text;
  UnregisterSecret("s3cret-admin-token-value");
}

TEST(LogRedactionTest, DiscordTokenShapeNeverPrinted) {
  LogCaptureForTest capture;
  log::Warn("identify failed for token {}", kBotToken);
  log::Error("header was Authorization: Bot {}", kBotToken);
  std::string text = capture.text();
  EXPECT_EQ(text.find("GhQxYz"), std::string::npos) << text;
  EXPECT_EQ(text.find("MTE3NjQ0NTY3ODkwMTIzNDU2Nw"), std::string::npos) << text;
  EXPECT_NE(text.find("identify failed for token [redacted]"), std::string::npos) << text;
}

TEST(LogRedactionTest, CredentialAfterSchemeNeverPrinted) {
  LogCaptureForTest capture;
  log::Info("authorization: Bearer abcdefghijklmnopqrstuvwxyz123456");
  log::Info("authorization: Bot some.opaque-credential");
  std::string text = capture.text();
  EXPECT_EQ(text.find("abcdefghijklmnopqrstuvwxyz123456"), std::string::npos) << text;
  EXPECT_EQ(text.find("opaque-credential"), std::string::npos) << text;
  EXPECT_NE(text.find("Bearer [redacted]"), std::string::npos) << text;
}

TEST(LogRedactionTest, IssuedTokensNeverPrinted) {
  LogCaptureForTest capture;
  log::Info("worker presented pylon_wg_Zk3v9QpL2mN8xR4tY7uW1sA6dF0gH5jK");
  std::string text = capture.text();
  EXPECT_EQ(text.find("Zk3v9QpL2mN8xR4tY7uW1sA6dF0gH5jK"), std::string::npos) << text;
}

TEST(LogRedactionTest, SecretTypeFormatsRedacted) {
  LogCaptureForTest capture;
  Secret token("short1234");
  log::Info("token={}", token);
  std::string text = capture.text();
  EXPECT_NE(text.find("token=[redacted]"), std::string::npos) << text;
  EXPECT_EQ(text.find("short1234"), std::string::npos) << text;
  EXPECT_EQ(token.reveal(), "short1234");
}

TEST(LogRedactionTest, OrdinaryTextAndIdsSurvive) {
  LogCaptureForTest capture;
  log::Info("bot 175928847299117063 shard 3/16 connected to gateway.discord.gg in 12.5 ms");
  std::string text = capture.text();
  EXPECT_NE(
      text.find("bot 175928847299117063 shard 3/16 connected to gateway.discord.gg in 12.5 ms"),
      std::string::npos)
      << text;
}

TEST(LogLevelTest, Parses) {
  EXPECT_EQ(*ParseLogLevel("debug"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel("warning"), LogLevel::kWarn);
  EXPECT_FALSE(ParseLogLevel("loud").ok());
}

TEST(LogEveryTest, FirstThenEveryNth) {
  LogEvery every(3);
  std::vector<bool> got;
  for (int i = 0; i < 7; ++i) got.push_back(every.ShouldLog());
  EXPECT_EQ(got, (std::vector<bool>{true, false, false, true, false, false, true}));
}

}  // namespace
}  // namespace pylon
