// Copyright 2026 The Pylon Gateway Authors.

#include "base/config.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

extern char** environ;

namespace pylon::config_internal {
namespace {

std::string Where(std::string_view source, const YAML::Mark& mark) {
  return std::string(source) + ":" + std::to_string(mark.line + 1);
}

Status Walk(const YAML::Node& node, const std::string& prefix, std::string_view source,
            std::set<std::string>* seen, std::vector<std::pair<std::string, RawValue>>* out) {
  for (auto it = node.begin(); it != node.end(); ++it) {
    YAML::Node key_node = it->first;  // copies: it-> yields a temporary
    YAML::Node value = it->second;
    std::string where = Where(source, key_node.Mark());
    if (!key_node.IsScalar()) {
      return InvalidArgument(where + ": a key must be a plain word");
    }
    std::string key = prefix.empty() ? key_node.Scalar() : prefix + "." + key_node.Scalar();
    if (!seen->insert(key).second) {
      return InvalidArgument(where + ": key '" + key + "' is given twice");
    }
    if (value.IsMap()) {
      PYLON_RETURN_IF_ERROR(Walk(value, key, source, seen, out));
      continue;
    }
    RawValue raw;
    raw.where = where;
    if (value.IsSequence()) {
      raw.is_list = true;
      for (YAML::Node item : value) {
        if (!item.IsScalar()) {
          return InvalidArgument(Where(source, item.Mark()) + ": key '" + key +
                                 "': list items must be plain values");
        }
        raw.items.push_back(item.Scalar());
      }
    } else if (value.IsScalar()) {
      raw.scalar = value.Scalar();
    } else {
      return InvalidArgument(where + ": key '" + key + "' has no value");
    }
    out->emplace_back(std::move(key), std::move(raw));
  }
  return Ok();
}

std::string Describe(const RawValue& value) {
  if (value.is_list) return "a list";
  return "'" + value.scalar + "'";
}

}  // namespace

Result<std::vector<std::pair<std::string, RawValue>>> ParseYaml(std::string_view text,
                                                                std::string_view source_name) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(source_name) + ":" + std::to_string(e.mark.line + 1) +
                           ": malformed YAML: " + e.msg);
  }
  std::vector<std::pair<std::string, RawValue>> out;
  if (root.IsNull()) return out;  // an empty file sets nothing
  if (!root.IsMap()) {
    return InvalidArgument(Where(source_name, root.Mark()) +
                           ": the top level must be a mapping of keys to values");
  }
  std::set<std::string> seen;
  try {
    PYLON_RETURN_IF_ERROR(Walk(root, "", source_name, &seen, &out));
  } catch (const YAML::Exception& e) {
    return InvalidArgument(std::string(source_name) + ":" + std::to_string(e.mark.line + 1) +
                           ": malformed YAML: " + e.msg);
  }
  return out;
}

Status ExpectScalar(const RawValue& value, std::string_view type_name) {
  if (value.is_list) return InvalidArgument("expected " + std::string(type_name) + ", got a list");
  return Ok();
}

Status ParseInt(const RawValue& value, int64_t min, int64_t max, int64_t* out) {
  PYLON_RETURN_IF_ERROR(ExpectScalar(value, "an integer"));
  const std::string& s = value.scalar;
  int64_t parsed = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) {
    return InvalidArgument("expected an integer, got " + Describe(value));
  }
  if (parsed < min || parsed > max) {
    return InvalidArgument("expected an integer from " + std::to_string(min) + " to " +
                           std::to_string(max) + ", got " + s);
  }
  *out = parsed;
  return Ok();
}

Status ParseBool(const RawValue& value, bool* out) {
  PYLON_RETURN_IF_ERROR(ExpectScalar(value, "true or false"));
  const std::string& s = value.scalar;
  if (s == "true" || s == "yes" || s == "on" || s == "1") {
    *out = true;
  } else if (s == "false" || s == "no" || s == "off" || s == "0") {
    *out = false;
  } else {
    return InvalidArgument("expected true or false, got " + Describe(value));
  }
  return Ok();
}

Status ParseDouble(const RawValue& value, double* out) {
  PYLON_RETURN_IF_ERROR(ExpectScalar(value, "a number"));
  const std::string& s = value.scalar;
  double parsed = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), parsed);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || !std::isfinite(parsed)) {
    return InvalidArgument("expected a number, got " + Describe(value));
  }
  *out = parsed;
  return Ok();
}

Status ParseDurationMs(const RawValue& value, int64_t* out_ms) {
  PYLON_RETURN_IF_ERROR(ExpectScalar(value, "a duration"));
  const std::string& s = value.scalar;
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') ++digits;
  std::string_view unit = std::string_view(s).substr(digits);
  int64_t scale = 0;
  if (unit == "ms")
    scale = 1;
  else if (unit == "s")
    scale = 1000;
  else if (unit == "m")
    scale = 60'000;
  else if (unit == "h")
    scale = 3'600'000;
  int64_t number = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + digits, number);
  if (digits == 0 || scale == 0 || ec != std::errc() ||
      number > std::numeric_limits<int64_t>::max() / scale) {
    return InvalidArgument("expected a duration such as 250ms, 5s, 2m or 1h, got " +
                           Describe(value));
  }
  *out_ms = number * scale;
  return Ok();
}

Result<std::string> ReadWholeFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return NotFound("cannot read config file '" + path + "': " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return Internal("error reading config file '" + path + "'");
  return text.str();
}

std::vector<std::pair<std::string, std::string>> EnvironmentWithPrefix(std::string_view prefix) {
  std::vector<std::pair<std::string, std::string>> out;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    std::string_view var(*entry);
    if (!var.starts_with(prefix)) continue;
    size_t eq = var.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace_back(std::string(var.substr(0, eq)), std::string(var.substr(eq + 1)));
  }
  return out;
}

std::string EnvNameForKey(std::string_view prefix, std::string_view key) {
  std::string name(prefix);
  for (char c : key) {
    if (c == '.' || c == '-') {
      name.push_back('_');
    } else {
      name.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return name;
}

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}
}  // namespace

std::string ClosestKey(const std::string& key, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = 3;  // suggest only near misses
  for (const auto& candidate : candidates) {
    size_t distance = EditDistance(key, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

}  // namespace pylon::config_internal
