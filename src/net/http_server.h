// Copyright 2026 The Pylon Gateway Authors.
// An HTTP/1.1 server whose port also accepts websocket upgrades, over TCP or TLS. One port serves
// the simulated gateway (websocket), the REST API and the admin endpoints.

#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "net/http.h"
#include "net/tls.h"
#include "net/websocket.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::net {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;                  // 0: the system picks a free port (see HttpServer::port)
  std::optional<TlsServerFiles> tls;  // when set: https:// and wss:// only
  // Connections are spread round-robin over these; the listener runs on the first. Non-empty;
  // every reactor must outlive the server.
  std::vector<Reactor*> reactors;
  // Websocket messages above this fail the connection (close 1009); HTTP bodies above it get 413
  // and the connection is closed.
  size_t max_message_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;  // request line + headers; above: 431 and close
  // A keep-alive connection with no request for this long, or a request (or TLS handshake) that
  // takes longer than this to arrive, is closed.
  Duration idle_timeout = std::chrono::seconds(60);
  std::string server_name = "pylon";  // the Server header of every response
};

// Answers one HTTP request. `respond` must be called once, on the connection's reactor, now or
// later. If it is destroyed without being called, the client gets 500. A response without a
// Content-Type header gets none; Content-Length is always set by the server. Responses go out in
// request order; the next request of a keep-alive connection is read after the response is sent.
//
// Called on the reactor of the connection, so possibly on several reactors at once.
using HttpHandler =
    std::function<void(HttpRequest request, UniqueFunction<void(HttpResponse)> respond)>;

// The pending answer to a websocket upgrade request. Call Accept or Reject once, on the
// connection's reactor, now or later; if neither is called before the decision is destroyed, the
// client gets 503. Move-only.
class UpgradeDecision {
 public:
  // Implemented by the server's connection; see http_server.cc.
  class Pending {
   public:
    virtual ~Pending() = default;
    virtual WebSocketPtr Accept(WebSocket::Handlers handlers) = 0;
    virtual void Reject(HttpResponse response) = 0;
  };

  explicit UpgradeDecision(std::shared_ptr<Pending> pending) : pending_(std::move(pending)) {}
  UpgradeDecision(UpgradeDecision&&) noexcept = default;
  UpgradeDecision& operator=(UpgradeDecision&& other) noexcept;
  ~UpgradeDecision();

  // Completes the websocket handshake. The returned socket takes Send() at once (messages wait for
  // the handshake); if the handshake fails, on_close reports it. Returns nullptr if the decision
  // was already made.
  WebSocketPtr Accept(WebSocket::Handlers handlers);
  // Sends `response` (a 4xx, say) and closes the connection.
  void Reject(HttpResponse response);

 private:
  std::shared_ptr<Pending> pending_;
};

// Decides a websocket upgrade request. When no UpgradeHandler is given, upgrade requests go to the
// HttpHandler like any other request.
using UpgradeHandler = std::function<void(const HttpRequest& request, UpgradeDecision decision)>;

// Listens on one port and serves HTTP/1.1 (keep-alive, one request at a time per connection) and
// websocket upgrades. Owns the listening socket (on reactors[0]) and every connection it accepted
// (each on one of the reactors, where its handlers run). Malformed requests get 400 and the
// connection is closed; other connections are unaffected.
//
// Thread-safety: Start, port and Stop may be called from any thread that is not one of the
// server's reactors, except as noted.
class HttpServer {
 public:
  // Binds and listens. Errors: INVALID_ARGUMENT (no reactors, bad host), UNAVAILABLE (the address
  // cannot be bound), and the TLS files' errors. The reactors may be started before or after.
  static Result<std::unique_ptr<HttpServer>> Start(HttpServerOptions options, HttpHandler handler,
                                                   UpgradeHandler upgrade_handler = nullptr);

  ~HttpServer();  // Stop()s
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  uint16_t port() const;
  // "http://127.0.0.1:<port>" (or https), without a trailing slash.
  std::string base_url() const;

  // Stops accepting and closes every connection at once, without close frames (as a crashing
  // server would); their on_close handlers run before Stop returns. Idempotent. From a non-reactor
  // thread it blocks until done; from one of the server's reactor threads it only starts the
  // stop (it must not wait on a reactor that may be waiting on it). Reactors that are not running
  // are skipped: their connections are destroyed with them.
  void Stop();

  // Connections currently open (HTTP and websocket); an estimate while connections come and go.
  size_t open_connections() const;

  struct State;  // shared with the connections; http_server.cc

 private:
  explicit HttpServer(std::shared_ptr<State> state);
  std::shared_ptr<State> state_;
};

}  // namespace pylon::net
