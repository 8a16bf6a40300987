// Copyright 2026 The Pylon Gateway Authors.
// An HTTP/1.1 client with a keep-alive connection pool to one origin (for Discord's REST API).

#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "net/http.h"
#include "net/tls.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::net {

struct HttpClientOptions {
  std::string base_url;  // http://host[:port] or https://host[:port]; a path is ignored
  TlsClientOptions tls;
  size_t max_connections = 8;
  // Limit on one attempt: connecting (when a new connection is needed), sending the request and
  // reading the whole response. Time spent waiting for a free connection does not count.
  Duration timeout = std::chrono::seconds(15);
  size_t max_body_bytes = 64 << 20;  // a larger response body fails the request
};

// A keep-alive connection pool to one origin. Owns up to max_connections connections and the
// queue of requests waiting for one. Lives on one reactor: construct it anywhere, but call Send
// and destroy it on that reactor's thread (or after the reactor has stopped).
//
// Requests beyond max_connections wait in FIFO order. A connection is reused while the server
// keeps it alive. A request that fails on a reused connection before any byte of the response
// arrived (the server closed the idle connection) is retried once on a new connection.
//
// Destroying the client closes its connections; the `done` callbacks of requests still pending
// are destroyed without being called.
class HttpClient {
 public:
  // A bad base_url or unreadable CA file does not fail here: every Send then fails with it.
  HttpClient(Reactor& reactor, HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends `request` (method, target, headers, body; Host and Content-Length are set when absent)
  // and calls `done` on the reactor, always later (never inside this call). Errors:
  // DEADLINE_EXCEEDED (timeout), UNAVAILABLE (connection, TLS or protocol failure),
  // RESOURCE_EXHAUSTED (body above max_body_bytes), INVALID_ARGUMENT (bad base_url or request).
  // Any HTTP status is a successful Result.
  void Send(HttpRequest request, UniqueFunction<void(Result<HttpResponse>)> done);

  // Connections open or being opened.
  size_t open_connections() const;
  // Requests waiting for a connection.
  size_t queued_requests() const;

  struct Impl;  // http_client.cc

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace pylon::net
