// Copyright 2026 The Pylon Gateway Authors.
// BotRestClient: one bot's Discord REST requests. Owns the bot's RateLimiter, a keep-alive
// connection pool to Discord (net::HttpClient) and the timer that wakes the limiter. A request is
// a DiscordRequest — method, path, query, body, audit-log reason — whatever produced it: the
// typed GatewayRest methods (methods.h) or the raw requests of compat_endpoint.h; both wait in the
// same buckets under the same global limit.
//
// Every request gets `Authorization: Bot <token>` (not on token routes: interaction callbacks and
// webhooks with a token), `User-Agent`, its `Content-Type`, and `X-Audit-Log-Reason`
// (percent-encoded as encodeURIComponent does). The answer comes back to `done` on the reactor:
// Discord's HTTP answer (any status but a 429 the limiter retried), a Refusal decided locally
// (RateLimited, AccessDenied for a quarantined token), or an Error when Discord could not be
// reached.
//
// Lives on one reactor: construct it anywhere, call everything and destroy it on that reactor's
// thread (or after the reactor stopped). The token is never logged.

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "base/result.h"
#include "net/http.h"
#include "net/http_client.h"
#include "rest/rate_limiter.h"
#include "rest/rest_metrics.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"

namespace pylon::rest {

struct DiscordRequest {
  std::string method = "GET";
  std::string path;   // relative to the API base, percent-encoded: "/channels/1/messages"
  std::string query;  // without '?': "limit=50"
  std::string body;
  std::string content_type;                // "" without a body
  std::string audit_log_reason;            // UTF-8 as given; "" for none
  std::vector<net::Header> extra_headers;  // a raw request's own headers (not Authorization)
  uint64_t sublimit_channel = 0;           // PATCH /channels/{id} changing the name or topic
};

// The answer to a request: Discord's, a local refusal, or a transport failure.
using RestResult = std::variant<net::HttpResponse, Refusal, Error>;
using RestDone = UniqueFunction<void(RestResult)>;

struct ClientOptions {
  std::string api_base = "https://discord.com/api/v10";
  net::TlsClientOptions tls;
  size_t max_connections = 32;
  Duration http_timeout = std::chrono::seconds(15);
  size_t max_body_bytes = 64 << 20;
  std::string user_agent = "DiscordBot (https://github.com/pylon-gateway, 0.1)";
  LimiterOptions limits;
};

// encodeURIComponent: every byte but A-Z a-z 0-9 - _ . ! ~ * ' ( ) as %XX.
std::string EncodeUriComponent(std::string_view text);

class BotRestClient {
 public:
  BotRestClient(Reactor& reactor, const Clock& clock, const ClientOptions& options);
  ~BotRestClient();  // Shutdown()
  BotRestClient(const BotRestClient&) = delete;
  BotRestClient& operator=(const BotRestClient&) = delete;

  // Queues `request`; `done` runs on the reactor, never inside this call. `deadline`: the latest
  // time the request may start (waiting longer answers RateLimited). Returns an id for Cancel.
  uint64_t Execute(DiscordRequest request, const Secret& token, MonoTime deadline, RestDone done);
  // Drops a request: `done` is destroyed without being called.
  void Cancel(uint64_t id);
  // Answers everything still waiting with UNAVAILABLE; later Executes fail the same way.
  void Shutdown();

  RateLimiter& limiter() { return limiter_; }
  const RestMetrics& metrics() const { return metrics_; }
  size_t open_connections() const { return http_.open_connections(); }

 private:
  struct Pending;
  void Send(const std::shared_ptr<Pending>& pending);
  void OnAnswer(const std::shared_ptr<Pending>& pending, Result<net::HttpResponse> answer);
  // Counts how the request ended (unless cancelled), then answers it.
  void Finish(const std::shared_ptr<Pending>& pending, RestResult result);
  void Kick();

  Reactor& reactor_;
  const Clock& clock_;
  std::string api_path_;  // "/api/v10"
  std::optional<Error> init_error_;
  std::string user_agent_;
  RateLimiter limiter_;
  RestMetrics metrics_;
  net::HttpClient http_;
  Timer timer_;
  std::unordered_map<uint64_t, std::weak_ptr<Pending>> pending_;  // for Shutdown
  bool shut_down_ = false;
};

}  // namespace pylon::rest
