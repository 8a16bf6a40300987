// Copyright 2026 The Pylon Gateway Authors.

#include "sim/sim_server.h"

#include "base/log.h"
#include "sim/admin.h"

namespace pylon::sim {

SimServer::SimServer(Reactor& reactor, const Clock& clock, SimOptions options)
    : reactor_(reactor), clock_(clock), options_(std::move(options)) {}

Result<std::unique_ptr<SimServer>> SimServer::Start(Reactor& reactor, SimOptions options,
                                                    const Clock& clock) {
  std::unique_ptr<SimServer> server(new SimServer(reactor, clock, std::move(options)));
  SimServer* s = server.get();
  // Everything is built on the reactor: its timers and sockets belong there.
  auto built = CallBlocking(reactor, [s]() -> Status {
    s->world_ = std::make_unique<World>(s->options_.world, s->clock_);
    s->gateway_ =
        std::make_unique<GatewayServer>(s->reactor_, *s->world_, s->clock_, s->options_.gateway);
    s->generator_ = std::make_unique<EventGenerator>(s->world_.get(), s->options_.generator);
    s->pump_ = std::make_unique<EventPump>(s->reactor_, s->clock_, *s->generator_, *s->gateway_);
    s->rest_ = std::make_unique<RestSimulator>(s->reactor_, *s->world_, *s->gateway_, s->clock_,
                                               s->options_.rest);
    s->admin_ = std::make_unique<AdminApi>(s->reactor_, *s->world_, *s->gateway_, *s->pump_,
                                           *s->generator_);
    return Ok();
  });
  if (!built) return Unavailable("the simulator's reactor is not running");
  PYLON_RETURN_IF_ERROR(*built);

  net::HttpServerOptions http;
  http.host = s->options_.host;
  http.port = s->options_.port;
  http.tls = s->options_.tls;
  http.reactors = {&reactor};
  http.server_name = "pylon-discord-sim";
  http.max_message_bytes = 8u << 20;  // attachments; the gateway checks its own 4096-byte limit
  auto started = net::HttpServer::Start(
      std::move(http),
      [s](net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond) {
        s->HandleHttp(std::move(request), std::move(respond));
      },
      [s](const net::HttpRequest& request, net::UpgradeDecision decision) {
        s->gateway_->HandleUpgrade(request, std::move(decision));
      });
  if (!started.ok()) return started.error().WithContext("simulator");
  s->http_ = std::move(*started);
  CallBlocking(reactor, [s] {
    std::string scheme = s->options_.tls ? "wss://" : "ws://";
    std::string authority = s->options_.advertised_host + ":" + std::to_string(s->http_->port());
    s->gateway_->SetUrls(scheme + authority, scheme + authority + "/resume");
    s->rest_->SetBaseUrl(s->base_url());
    if (s->options_.pump.flat_out || s->options_.pump.events_per_second > 0) {
      s->pump_->Configure(s->options_.pump);
    }
  });
  log::Info("discord simulator on {} (gateway {})", s->base_url(), s->gateway_url());
  return server;
}

SimServer::~SimServer() { Stop(); }

void SimServer::Stop() {
  if (stopped_) return;
  stopped_ = true;
  if (http_) http_->Stop();
  auto cleanup = [this] {
    if (pump_) pump_->Configure({});
    admin_.reset();
    rest_.reset();
    pump_.reset();
    generator_.reset();
    gateway_.reset();
    world_.reset();
  };
  if (!CallBlocking(reactor_, cleanup)) cleanup();  // the reactor no longer runs: clean up here
  http_.reset();
}

uint16_t SimServer::port() const { return http_ ? http_->port() : 0; }

std::string SimServer::base_url() const {
  return std::string(options_.tls ? "https://" : "http://") + options_.advertised_host + ":" +
         std::to_string(port());
}

std::string SimServer::gateway_url() const {
  return std::string(options_.tls ? "wss://" : "ws://") + options_.advertised_host + ":" +
         std::to_string(port());
}

void SimServer::HandleHttp(net::HttpRequest request,
                           UniqueFunction<void(net::HttpResponse)> respond) {
  std::string_view path = request.path();
  if (path.starts_with("/_sim/")) {
    if (path.starts_with("/_sim/rest/")) {
      rest_->HandleAdmin(request, std::move(respond));
    } else {
      admin_->Handle(request, std::move(respond));
    }
    return;
  }
  rest_->Handle(std::move(request), std::move(respond));
}

}  // namespace pylon::sim
