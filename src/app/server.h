// Copyright 2026 The Pylon Gateway Authors.
// Server: `pylon serve`, every role in one process (architecture §2) — the composition root. It
// builds, in order: the store (under the data directory), the control plane, the reactors and the
// shard host, the dispatcher, the bot runner (the single node's operator), the REST proxy, the
// gRPC services on one port, and /metrics + /healthz + Discord's REST API (/api/v10, through the
// proxy: rest/compat_endpoint.h) on another. Shutdown runs in reverse: workers are told to
// reconnect later, the gRPC server stops, shards stop keeping Discord's sessions resumable (their
// checkpoints let the next start RESUME), then everything else.
//
// Start and Shutdown are called from the main thread.

#pragma once

#include <memory>
#include <string>

#include "app/server_config.h"
#include "base/clock.h"
#include "base/result.h"

namespace pylon::app {

class Server {
 public:
  static Result<std::unique_ptr<Server>> Start(const ServerConfig& config,
                                               const Clock& clock = SystemClock());
  ~Server();  // Shutdown()s

  void Shutdown();

  // Where it listens (the ports actually bound, when the config said port 0).
  const std::string& grpc_address() const;
  const std::string& http_address() const;
  // The admin token in use (from the config, the environment, or generated into the data dir).
  const std::string& admin_token_file() const;

  struct Parts;

 private:
  explicit Server(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace pylon::app
