// Copyright 2026 The Pylon Gateway Authors.
// Helpers for the simulator's unit tests: small world configs and JSON checks with simdjson.

#pragma once

#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "sim/world.h"

namespace pylon::sim::testing {

// An element or a lookup error (so that a missing key fails a check instead of throwing).
using Json = simdjson::simdjson_result<simdjson::dom::element>;

inline Json ToJson(const Json& json) { return json; }
inline Json ToJson(simdjson::dom::element element) { return Json(std::move(element)); }

// A small world: 2 bots, 6 guilds, ~2,000 members, 5 messages per channel.
inline WorldConfig SmallConfig(uint64_t seed = 7) {
  WorldConfig config;
  config.seed = seed;
  config.bots = 2;
  config.guilds = 6;
  config.members = 2000;
  config.max_guild_members = 900;
  config.messages_per_channel = 5;
  config.voice_share = 0.05;
  config.bans = {1, 3};
  config.invites = {1, 2};
  return config;
}

// Parses `json`; fails the test (and returns a null element) when it is not valid JSON.
inline Json ParseJson(simdjson::dom::parser& parser, std::string_view json) {
  Json root = parser.parse(json.data(), json.size());
  EXPECT_EQ(root.error(), simdjson::SUCCESS)
      << simdjson::error_message(root.error()) << " in: " << json.substr(0, 400);
  return root;
}

// A snowflake as Discord writes it: a JSON string of 1 to 20 digits.
template <typename T>
bool IsIdString(const T& value) {
  Json e = ToJson(value);
  std::string_view s;
  if (e.get_string().get(s) != simdjson::SUCCESS || s.empty() || s.size() > 20) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

template <typename T>
std::string_view GetString(const T& value, std::string_view key) {
  Json e = ToJson(value);
  std::string_view s;
  EXPECT_EQ(e[key].get_string().get(s), simdjson::SUCCESS) << "field " << key;
  return s;
}

template <typename T>
int64_t GetInt(const T& value, std::string_view key) {
  Json e = ToJson(value);
  int64_t v = 0;
  EXPECT_EQ(e[key].get_int64().get(v), simdjson::SUCCESS) << "field " << key;
  return v;
}

template <typename T>
bool GetBool(const T& value, std::string_view key) {
  Json e = ToJson(value);
  bool v = false;
  EXPECT_EQ(e[key].get_bool().get(v), simdjson::SUCCESS) << "field " << key;
  return v;
}

template <typename T>
bool Has(const T& value, std::string_view key) {
  Json e = ToJson(value);
  return e[key].error() == simdjson::SUCCESS;
}

template <typename T>
size_t ArraySize(const T& value, std::string_view key) {
  Json e = ToJson(value);
  simdjson::dom::array array;
  EXPECT_EQ(e[key].get_array().get(array), simdjson::SUCCESS) << "field " << key;
  return array.size();
}

// "2022-04-23T19:03:25.927000+00:00"
inline bool IsDiscordTimestamp(std::string_view s) {
  if (s.size() != 32) return false;
  static constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddddd+00:00";
  for (size_t i = 0; i < s.size(); ++i) {
    if (kShape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != kShape[i]) return false;
  }
  return true;
}

}  // namespace pylon::sim::testing
