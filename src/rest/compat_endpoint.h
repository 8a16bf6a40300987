// Copyright 2026 The Pylon Gateway Authors.
// CompatEndpoint: Discord's own REST API (`/api/v10/...`) served over HTTP, so that any existing
// Discord library can point its REST base URL at Pylon and share the cluster's rate limiting
// (issue 6, item 5). A request is passed through RestProxy::Execute — the same per-bot
// BotRestClient and RateLimiter as the typed GatewayRest calls — and Discord's answer comes back
// as it is (status, body, rate-limit headers). No local checks: the request is not interpreted.
//
//   Authorization: Bot <token>   must be the token of a bot the cluster knows (`resolve`); any
//                                other Authorization, or none on a bot route, is answered 401
//                                locally and never reaches Discord.
//   no Authorization             allowed only on token routes (interaction callbacks,
//                                /webhooks/{id}/{token}...), which Discord authenticates by the
//                                path's token: they share one limiter of their own ("bot 0").
//   X-Pylon-Max-Ratelimit-Ms     optional: how long the request may wait in the limiter
//                                (default 10,000, as the gRPC metadata).
//
// Answers made here are shaped as Discord's: a request that cannot go in time gets 429 with
// `retry_after`, `global`, `Retry-After` and `X-RateLimit-Scope` (and `X-Pylon-Refused: 1`); a
// quarantined token 401 (code 0, or 50027 for a webhook token); Discord unreachable 502.
// A 429 from Discord itself never reaches the client: the limiter waits and retries it.
//
// Thread-safety: Handle may be called on any reactor (the HTTP server's connection reactors);
// `respond` is called on that same reactor. `resolve` is called there too and must be
// thread-safe. The proxy and the clock must outlive the endpoint; answers still in flight when
// it is destroyed are delivered.

#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "base/clock.h"
#include "base/ids.h"
#include "base/log.h"
#include "net/http.h"
#include "rest/rest_proxy.h"
#include "runtime/unique_function.h"

namespace pylon::rest {

// A bot the cluster knows, as found by its token.
struct CompatBot {
  BotId bot;
  ApplicationId application;
  uint32_t global_limit = 0;  // 0: the proxy's default
  Secret token;
};

// Finds the bot whose Discord token is `token` (compared in constant time); nullopt if none.
using CompatBotResolver = std::function<std::optional<CompatBot>(std::string_view token)>;

struct CompatOptions {
  Duration default_max_wait = std::chrono::seconds(10);
  Duration max_wait_cap = std::chrono::minutes(10);
};

struct CompatStats {
  uint64_t requests = 0;
  uint64_t unauthorized = 0;  // 401 answered locally (unknown or missing token)
  uint64_t refused = 0;       // 429/401 from the limiter (never sent)
  uint64_t unreachable = 0;   // 502
};

class CompatEndpoint {
 public:
  static constexpr std::string_view kPrefix = "/api/v10/";

  CompatEndpoint(RestProxy& proxy, const Clock& clock, CompatBotResolver resolve,
                 CompatOptions options = {});
  CompatEndpoint(const CompatEndpoint&) = delete;
  CompatEndpoint& operator=(const CompatEndpoint&) = delete;

  // Whether `path` (without the query) is served here.
  static bool Handles(std::string_view path) { return path.starts_with(kPrefix); }

  // Answers `request` (a path that Handles); `respond` runs on the calling reactor.
  void Handle(net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond);

  CompatStats stats() const;

 private:
  RestProxy& proxy_;
  const Clock& clock_;
  CompatBotResolver resolve_;
  CompatOptions options_;
  // Shared with the answers in flight, which may end after the endpoint.
  struct Counters {
    std::atomic<uint64_t> requests{0}, unauthorized{0}, refused{0}, unreachable{0};
  };
  std::shared_ptr<Counters> counters_ = std::make_shared<Counters>();
};

// Discord's answer for an Outcome of a raw request: passed through, or made here as Discord would
// (429 / 401 / 502). `now_unix_ms` turns a Refusal's retry_at into retry_after.
net::HttpResponse CompatResponse(Outcome&& outcome, int64_t now_unix_ms);

}  // namespace pylon::rest
