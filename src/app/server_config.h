// Copyright 2026 The Pylon Gateway Authors.
// The configuration of `pylon serve`: YAML file, PYLON_<KEY> environment variables and
// `--set key=value`, in that order (later wins). `pylon serve --help-config` lists every key.

#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "base/config.h"

namespace pylon::app {

struct ServerConfig {
  std::string data_dir = "./pylon-data";
  std::string grpc_listen = "127.0.0.1:4021";
  std::string http_listen = "127.0.0.1:4022";  // /metrics, /healthz, /api/v10 (REST)
  std::string admin_token_file;                // default: <data_dir>/admin-token (created)
  std::string store_key_file;                  // default: <data_dir>/token-key (created)
  std::string anonymous = "auto";              // auto: allowed when gRPC listens on loopback
  std::string discord_api_base = "https://discord.com/api/v10";
  std::string discord_ca_file;
  std::string discord_compression = "zlib-stream";
  uint32_t reactors = 0;  // 0: one per core
  uint32_t event_log_capacity = 65536;
  uint32_t event_log_max_mib = 256;
  std::chrono::milliseconds checkpoint_hold{60000};
  std::chrono::milliseconds heartbeat_interval{5000};
  std::chrono::milliseconds heartbeat_timeout{15000};
  std::chrono::milliseconds reconnect_grace{10000};
  uint32_t max_in_flight = 1000;
  std::chrono::milliseconds on_miss_wait{2000};
  std::chrono::milliseconds shutdown_grace{10000};
  std::string log_level = "info";
  std::string log_file;
};

const ConfigSchema<ServerConfig>& ServerConfigSchema();

// Checks what the schema cannot: addresses, files that must exist. Errors name the key.
Status ValidateServerConfig(const ServerConfig& config);

// Whether host:port listens on loopback only (127.0.0.0/8, ::1, localhost).
bool IsLoopback(const std::string& address);

}  // namespace pylon::app
