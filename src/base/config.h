// Copyright 2026 The Pylon Gateway Authors.
// Configuration loading. A ConfigSchema<T> names every key a config struct T accepts, with its
// type and limits; it loads YAML files, environment variables and `key=value` overrides into a T.
// Every error names the key and where it came from ("pylon.yaml:12: key 'grpc.port': expected an
// integer, got 'abc'"), and a config with any error is rejected whole.
//
// Keys are dotted paths ("http.listen"); in YAML they are nested mappings. Not thread-bound: a
// schema is built and used at start-up.

#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace pylon {

namespace config_internal {

// A value as it appears in a config source.
struct RawValue {
  bool is_list = false;
  std::string scalar;              // when !is_list
  std::vector<std::string> items;  // when is_list
  std::string where;               // "file.yaml:12", "env PYLON_X", "flag --set"
};

// Parses a raw value into a field of some config struct (type-erased).
using Binder = std::function<Status(void* config, const RawValue& value)>;

struct KeySpec {
  std::string type_name;  // "integer", "string", ... for error messages and --help
  std::string help;
  Binder bind;
};

// Loads raw values from YAML text: every leaf as a dotted key. Errors carry the line.
Result<std::vector<std::pair<std::string, RawValue>>> ParseYaml(std::string_view text,
                                                                std::string_view source_name);

Status ParseInt(const RawValue& value, int64_t min, int64_t max, int64_t* out);
Status ParseBool(const RawValue& value, bool* out);
Status ParseDouble(const RawValue& value, double* out);
Status ParseDurationMs(const RawValue& value, int64_t* out_ms);
Status ExpectScalar(const RawValue& value, std::string_view type_name);

}  // namespace config_internal

// The keys of config struct T. Build it once; Load* functions fill a T that starts with the
// struct's default member values.
template <typename T>
class ConfigSchema {
 public:
  using Raw = config_internal::RawValue;

  ConfigSchema& String(std::string key, std::string T::*field, std::string help = "") {
    return Add(std::move(key), "string", std::move(help), [field](void* c, const Raw& v) -> Status {
      PYLON_RETURN_IF_ERROR(config_internal::ExpectScalar(v, "a string"));
      static_cast<T*>(c)->*field = v.scalar;
      return Ok();
    });
  }

  template <typename Int>
  ConfigSchema& Integer(std::string key, Int T::*field, int64_t min, int64_t max,
                        std::string help = "") {
    return Add(std::move(key), "integer", std::move(help),
               [field, min, max](void* c, const Raw& v) -> Status {
                 int64_t parsed = 0;
                 PYLON_RETURN_IF_ERROR(config_internal::ParseInt(v, min, max, &parsed));
                 static_cast<T*>(c)->*field = static_cast<Int>(parsed);
                 return Ok();
               });
  }

  ConfigSchema& Bool(std::string key, bool T::*field, std::string help = "") {
    return Add(std::move(key), "boolean", std::move(help),
               [field](void* c, const Raw& v) -> Status {
                 return config_internal::ParseBool(v, &(static_cast<T*>(c)->*field));
               });
  }

  ConfigSchema& Double(std::string key, double T::*field, std::string help = "") {
    return Add(std::move(key), "number", std::move(help), [field](void* c, const Raw& v) -> Status {
      return config_internal::ParseDouble(v, &(static_cast<T*>(c)->*field));
    });
  }

  // A duration written with a unit: "250ms", "5s", "2m", "1h".
  ConfigSchema& Duration(std::string key, std::chrono::milliseconds T::*field,
                         std::string help = "") {
    return Add(std::move(key), "duration", std::move(help),
               [field](void* c, const Raw& v) -> Status {
                 int64_t ms = 0;
                 PYLON_RETURN_IF_ERROR(config_internal::ParseDurationMs(v, &ms));
                 static_cast<T*>(c)->*field = std::chrono::milliseconds(ms);
                 return Ok();
               });
  }

  // One of a fixed set of words.
  ConfigSchema& Choice(std::string key, std::string T::*field, std::vector<std::string> allowed,
                       std::string help = "") {
    return Add(
        std::move(key), "one of " + Join(allowed), std::move(help),
        [field, allowed](void* c, const Raw& v) -> Status {
          PYLON_RETURN_IF_ERROR(config_internal::ExpectScalar(v, "a word"));
          for (const auto& word : allowed) {
            if (v.scalar == word) {
              static_cast<T*>(c)->*field = v.scalar;
              return Ok();
            }
          }
          return InvalidArgument("expected one of " + Join(allowed) + ", got '" + v.scalar + "'");
        });
  }

  // A YAML sequence of strings; from the environment or a flag, a comma-separated list.
  ConfigSchema& StringList(std::string key, std::vector<std::string> T::*field,
                           std::string help = "") {
    return Add(std::move(key), "list of strings", std::move(help),
               [field](void* c, const Raw& v) -> Status {
                 auto& out = static_cast<T*>(c)->*field;
                 out = v.is_list ? v.items : SplitCommas(v.scalar);
                 return Ok();
               });
  }

  // Parses YAML text into `config` (keys absent from the text keep their current values).
  Status ApplyYaml(std::string_view text, std::string_view source_name, T* config) const {
    PYLON_ASSIGN_OR_RETURN(auto values, config_internal::ParseYaml(text, source_name));
    for (const auto& [key, value] : values) {
      PYLON_RETURN_IF_ERROR(Apply(key, value, config));
    }
    return Ok();
  }

  // Reads and applies a YAML file.
  Status ApplyFile(const std::string& path, T* config) const;

  // Applies `key=value` (a command-line override).
  Status ApplyOverride(std::string_view assignment, T* config) const {
    size_t eq = assignment.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return InvalidArgument("override '" + std::string(assignment) + "' is not key=value");
    }
    Raw raw;
    raw.scalar = std::string(assignment.substr(eq + 1));
    raw.where = "flag --set";
    return Apply(std::string(assignment.substr(0, eq)), raw, config);
  }

  // Applies every environment variable `<prefix><KEY>` where KEY is the key upper-cased with
  // '.' -> '_' (e.g. PYLON_GRPC_LISTEN for grpc.listen). Unknown PYLON_* variables are ignored.
  Status ApplyEnvironment(std::string_view prefix, T* config) const;

  // Every key with its type and help text, sorted.
  std::vector<std::pair<std::string, std::string>> Describe() const {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [key, spec] : keys_) {
      out.emplace_back(key, spec.type_name + (spec.help.empty() ? "" : ": " + spec.help));
    }
    return out;
  }

 private:
  ConfigSchema& Add(std::string key, std::string type_name, std::string help,
                    config_internal::Binder bind) {
    keys_[std::move(key)] = {std::move(type_name), std::move(help), std::move(bind)};
    return *this;
  }

  Status Apply(const std::string& key, const Raw& value, T* config) const {
    auto it = keys_.find(key);
    if (it == keys_.end()) {
      return InvalidArgument(value.where + ": unknown key '" + key + "'" + Suggest(key));
    }
    Status status = it->second.bind(config, value);
    if (!status.ok()) {
      return InvalidArgument(value.where + ": key '" + key + "': " + status.error().message());
    }
    return Ok();
  }

  std::string Suggest(const std::string& key) const;

  static std::string Join(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& word : words) out += (out.empty() ? "" : ", ") + word;
    return out;
  }

  static std::vector<std::string> SplitCommas(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size() && !text.empty()) {
      size_t comma = text.find(',', start);
      if (comma == std::string::npos) comma = text.size();
      if (comma > start) out.push_back(text.substr(start, comma - start));
      start = comma + 1;
    }
    return out;
  }

  std::map<std::string, config_internal::KeySpec> keys_;
};

namespace config_internal {
Result<std::string> ReadWholeFile(const std::string& path);
std::vector<std::pair<std::string, std::string>> EnvironmentWithPrefix(std::string_view prefix);
std::string EnvNameForKey(std::string_view prefix, std::string_view key);
std::string ClosestKey(const std::string& key, const std::vector<std::string>& candidates);
}  // namespace config_internal

template <typename T>
Status ConfigSchema<T>::ApplyFile(const std::string& path, T* config) const {
  PYLON_ASSIGN_OR_RETURN(std::string text, config_internal::ReadWholeFile(path));
  return ApplyYaml(text, path, config);
}

template <typename T>
Status ConfigSchema<T>::ApplyEnvironment(std::string_view prefix, T* config) const {
  auto env = config_internal::EnvironmentWithPrefix(prefix);
  for (const auto& [key, spec] : keys_) {
    std::string name = config_internal::EnvNameForKey(prefix, key);
    for (const auto& [env_name, env_value] : env) {
      if (env_name != name) continue;
      Raw raw;
      raw.scalar = env_value;
      raw.where = "environment " + name;
      PYLON_RETURN_IF_ERROR(Apply(key, raw, config));
    }
  }
  return Ok();
}

template <typename T>
std::string ConfigSchema<T>::Suggest(const std::string& key) const {
  std::vector<std::string> names;
  for (const auto& [name, spec] : keys_) names.push_back(name);
  std::string closest = config_internal::ClosestKey(key, names);
  return closest.empty() ? "" : " (did you mean '" + closest + "'?)";
}

}  // namespace pylon
