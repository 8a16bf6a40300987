// Copyright 2026 The Pylon Gateway Authors.

#include "rest/route.h"

#include <simdjson.h>

#include <vector>

#include "base/ids.h"

namespace pylon::rest {
namespace {

constexpr int64_t kFourteenDaysMs = int64_t{14} * 86400000;

bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::vector<std::string_view> Segments(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

std::string Hex(uint64_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(16, '0');
  for (int i = 15; i >= 0; --i) {
    out[i] = kDigits[value & 0xF];
    value >>= 4;
  }
  return out;
}

}  // namespace

uint64_t CredentialHash(std::string_view credential) {
  // FNV-1a, then a final mix.
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : credential) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h == 0 ? 1 : h;
}

RouteInfo ClassifyRoute(std::string_view method, std::string_view path, int64_t now_unix_ms) {
  RouteInfo info;
  std::vector<std::string_view> seg = Segments(path);
  // The token segment: webhooks/{id}/{token}..., interactions/{id}/{token}/...
  size_t token_index = SIZE_MAX;
  if (seg.size() >= 3 && (seg[0] == "webhooks" || seg[0] == "interactions") && IsDigits(seg[1])) {
    token_index = 2;
    info.token_auth = true;
    info.global_exempt = true;
    info.token_hash = CredentialHash(seg[2]);
  }
  if (seg.size() >= 2 && IsDigits(seg[1])) {
    if (seg[0] == "channels" || seg[0] == "guilds") {
      info.major = std::string(seg[0]) + "/" + std::string(seg[1]);
    } else if (seg[0] == "webhooks") {
      info.major = "webhooks/" + std::string(seg[1]);
      if (token_index != SIZE_MAX) info.major += "/" + Hex(info.token_hash);
    } else if (seg[0] == "interactions") {
      info.major = "interactions/" + std::string(seg[1]);
    }
  }

  info.route.reserve(method.size() + path.size() + 8);
  info.route.append(method);
  info.route.push_back(' ');
  for (size_t i = 0; i < seg.size(); ++i) {
    info.route.push_back('/');
    if (i == token_index) {
      info.route += ":token";
    } else if (i > 0 && seg[i - 1] == "reactions") {
      info.route += ":reaction";  // the emoji and whatever follows it
      break;
    } else if (seg[i] == "reactions" && method != "GET") {
      info.route.append(seg[i]);
      info.family = info.route.substr(method.size() + 1);  // the path up to "/reactions"
    } else if (IsDigits(seg[i])) {
      info.route += ":id";
    } else {
      info.route.append(seg[i]);
    }
  }
  if (seg.empty()) info.route.push_back('/');

  // DELETE /channels/{c}/messages/{m} of a message older than 14 days has its own bucket.
  if (method == "DELETE" && seg.size() == 4 && seg[0] == "channels" && seg[2] == "messages" &&
      IsDigits(seg[3])) {
    auto id = Snowflake::Parse(seg[3]);
    if (id.ok() && now_unix_ms - id->timestamp_ms() > kFourteenDaysMs) info.route += " (old)";
  }
  return info;
}

std::string_view StripApiPrefix(std::string_view path) {
  if (!path.starts_with("/api/")) return path;
  std::string_view rest = path.substr(4);  // "/v10/..." or "/channels/..."
  if (rest.size() > 2 && rest[1] == 'v' && rest[2] >= '0' && rest[2] <= '9') {
    size_t slash = rest.find('/', 1);
    return slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  }
  return rest;
}

bool ChangesNameOrTopic(std::string_view json_body) {
  simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json_body.data(), json_body.size()).get_object().get(object) !=
      simdjson::SUCCESS) {
    return false;
  }
  for (auto field : object) {
    if (field.key == "name" || field.key == "topic") return true;
  }
  return false;
}

}  // namespace pylon::rest
