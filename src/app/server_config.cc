// Copyright 2026 The Pylon Gateway Authors.

#include "app/server_config.h"

#include <filesystem>

namespace pylon::app {

const ConfigSchema<ServerConfig>& ServerConfigSchema() {
  static const ConfigSchema<ServerConfig> schema = [] {
    ConfigSchema<ServerConfig> s;
    s.String("data_dir", &ServerConfig::data_dir,
             "where the store, checkpoints and generated keys live")
        .String("grpc.listen", &ServerConfig::grpc_listen,
                "host:port of the gRPC API (the published clients use 127.0.0.1:4021)")
        .String("http.listen", &ServerConfig::http_listen,
                "host:port of /metrics, /healthz and the Discord-compatible REST API /api/v10")
        .String("admin.token_file", &ServerConfig::admin_token_file,
                "file holding the Control API's admin token (default: <data_dir>/admin-token, "
                "created on first start; or set PYLON_ADMIN_TOKEN)")
        .String("store.key_file", &ServerConfig::store_key_file,
                "32-byte key encrypting bot tokens at rest (default: <data_dir>/token-key)")
        .Choice("auth.anonymous", &ServerConfig::anonymous, {"auto", "true", "false"},
                "serve Cache/Gateway/REST calls without a worker-group token (auto: only on "
                "loopback)")
        .String("discord.api_base", &ServerConfig::discord_api_base,
                "Discord's REST API base (the simulator's for tests and the demo)")
        .String("discord.ca_file", &ServerConfig::discord_ca_file,
                "an extra CA certificate (PEM) trusted for Discord's TLS (the simulator's)")
        .Choice("discord.compression", &ServerConfig::discord_compression,
                {"zlib-stream", "zstd-stream", "none"})
        .Integer("runtime.reactors", &ServerConfig::reactors, 0, 256, "0: one per core")
        .Integer("gateway.event_log_capacity", &ServerConfig::event_log_capacity, 1024, 16'777'216,
                 "events kept per shard for worker groups to read")
        .Integer("gateway.event_log_max_mib", &ServerConfig::event_log_max_mib, 1, 1'048'576,
                 "bound on the bytes of the events kept per shard, in MiB (the oldest go first, "
                 "counted as dropped)")
        .Duration("gateway.checkpoint_hold", &ServerConfig::checkpoint_hold,
                  "how old an unacknowledged event may be and still be replayed after a restart")
        .Duration("dispatch.heartbeat_interval", &ServerConfig::heartbeat_interval)
        .Duration("dispatch.heartbeat_timeout", &ServerConfig::heartbeat_timeout)
        .Duration("dispatch.reconnect_grace", &ServerConfig::reconnect_grace)
        .Integer("dispatch.max_in_flight", &ServerConfig::max_in_flight, 1, 1'000'000,
                 "default unacknowledged events per consumer")
        .Duration("api.on_miss_wait", &ServerConfig::on_miss_wait,
                  "how long GetGuildMember waits for a member fetched on a cache miss")
        .Duration("shutdown.grace", &ServerConfig::shutdown_grace,
                  "how long SIGTERM waits for workers to drain")
        .Choice("log.level", &ServerConfig::log_level, {"trace", "debug", "info", "warn", "error"})
        .String("log.file", &ServerConfig::log_file, "empty: standard error");
    return s;
  }();
  return schema;
}

bool IsLoopback(const std::string& address) {
  std::string host = address.substr(0, address.rfind(':'));
  if (host.starts_with("[") && host.ends_with("]")) host = host.substr(1, host.size() - 2);
  return host == "localhost" || host == "::1" || host.starts_with("127.");
}

Status ValidateServerConfig(const ServerConfig& config) {
  auto check_address = [](std::string_view key, const std::string& address) -> Status {
    size_t colon = address.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == address.size()) {
      return InvalidArgument("key '" + std::string(key) + "': expected host:port, got '" + address +
                             "'");
    }
    for (char c : address.substr(colon + 1)) {
      if (c < '0' || c > '9') {
        return InvalidArgument("key '" + std::string(key) + "': bad port in '" + address + "'");
      }
    }
    return Ok();
  };
  PYLON_RETURN_IF_ERROR(check_address("grpc.listen", config.grpc_listen));
  PYLON_RETURN_IF_ERROR(check_address("http.listen", config.http_listen));
  if (config.data_dir.empty()) return InvalidArgument("key 'data_dir' is empty");
  if (!config.discord_ca_file.empty() && !std::filesystem::exists(config.discord_ca_file)) {
    return InvalidArgument("key 'discord.ca_file': no such file '" + config.discord_ca_file + "'");
  }
  if (config.heartbeat_timeout <= config.heartbeat_interval) {
    return InvalidArgument(
        "key 'dispatch.heartbeat_timeout' must be longer than dispatch.heartbeat_interval");
  }
  return Ok();
}

}  // namespace pylon::app
