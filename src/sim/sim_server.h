// Copyright 2026 The Pylon Gateway Authors.
// SimServer: the whole simulator on one reactor and one port: the world, the event generator and
// pump, the gateway (websocket), the REST API (/api/v9|v10/...), and the admin API (/_sim/...),
// over HTTP or HTTPS. The `pylon-discord-sim` binary runs one; tests may run one in-process.
//
// Everything runs on `reactor`; Start and Stop may be called from any other thread.

#pragma once

#include <memory>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "net/http_server.h"
#include "runtime/reactor.h"
#include "sim/event_generator.h"
#include "sim/event_pump.h"
#include "sim/gateway.h"
#include "sim/rest.h"
#include "sim/world.h"

namespace pylon::sim {

class AdminApi;

struct SimOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::optional<net::TlsServerFiles> tls;  // https:// and wss://
  // The host name advertised in URLs (gateway, resume); with TLS it must match the certificate.
  std::string advertised_host = "127.0.0.1";
  WorldConfig world;
  GatewayOptions gateway;
  RestOptions rest;
  EventGeneratorConfig generator;
  PumpSettings pump;  // events at start (paused by default)
};

class SimServer {
 public:
  // Builds the world and starts serving. `reactor` must be running and outlive the server.
  static Result<std::unique_ptr<SimServer>> Start(Reactor& reactor, SimOptions options,
                                                  const Clock& clock = SystemClock());
  ~SimServer();  // Stop()s

  // Closes every connection and stops listening. Blocks; not from the reactor's own thread.
  void Stop();

  uint16_t port() const;
  // "http://127.0.0.1:1234" (or https), the REST base; the gateway is at ws(s)://.../
  std::string base_url() const;
  std::string gateway_url() const;

  // For in-process tests: run on the reactor (CallBlocking) before touching these.
  World& world() { return *world_; }
  GatewayServer& gateway() { return *gateway_; }
  EventPump& pump() { return *pump_; }
  EventGenerator& generator() { return *generator_; }
  RestSimulator& rest() { return *rest_; }
  Reactor& reactor() { return reactor_; }

 private:
  SimServer(Reactor& reactor, const Clock& clock, SimOptions options);
  void HandleHttp(net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond);

  Reactor& reactor_;
  const Clock& clock_;
  SimOptions options_;
  std::unique_ptr<World> world_;
  std::unique_ptr<GatewayServer> gateway_;
  std::unique_ptr<EventGenerator> generator_;
  std::unique_ptr<EventPump> pump_;
  std::unique_ptr<RestSimulator> rest_;
  std::unique_ptr<AdminApi> admin_;
  std::unique_ptr<net::HttpServer> http_;
  bool stopped_ = false;
};

}  // namespace pylon::sim
