// Copyright 2026 The Pylon Gateway Authors.
// RestSimulator: Discord's REST API as the simulator serves it (discord-protocol.md §8, §9, §10):
// every route the GatewayRest API needs, changing the World (which emits the matching gateway
// dispatches), with Discord's rate limits (per-route buckets and their headers, major parameters,
// the per-bot global limit, shared-scope 429s on configured routes, the channel name/topic
// sublimit, the 429 body), the invalid-request limit (10,000 401/403/429 per 10 minutes, then every
// request refused for a while), Discord's error bodies and permission checks. Also
// GET /gateway and /gateway/bot, and the REST part of the admin API (/_sim/rest/...): 429s by
// route and scope, invalid requests, faults (5xx bursts, added latency).
//
// Runs on the simulator's reactor, like the World. Routes, buckets and the admin API are listed
// in src/sim/README.md ("REST"). The implementation is split over rest_*.cc (rest_internal.h).

#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "net/http.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"
#include "sim/gateway.h"
#include "sim/world.h"

namespace pylon::sim {

// A route whose per-resource limit answers with shared-scope 429s (the resource, not the bot, is
// limited), e.g. {"PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", 5,
// 1000 ms}.
struct SharedScopeRoute {
  std::string method;
  std::string route;
  uint32_t limit = 1;
  Duration window = std::chrono::seconds(1);
};

struct RestOptions {
  uint32_t default_global_limit = 50;  // requests per second per bot (Bot::rest_global_limit wins)
  uint32_t invalid_request_limit = 10000;
  Duration invalid_request_window = std::chrono::minutes(10);
  Duration ban_duration = std::chrono::minutes(30);
  std::vector<SharedScopeRoute> shared_scope_routes;
  Duration name_topic_sublimit_window = std::chrono::minutes(10);  // 2 per window per channel
  Duration added_latency{};                                        // every response delayed by this
  // DELETE of a message older than 14 days uses its own bucket (discord-api-docs#1295).
  bool old_message_delete_bucket = true;
  // An interaction must be answered (POST .../callback) within this, and its token (follow-ups,
  // @original) works for token_lifetime.
  Duration interaction_response_window = std::chrono::seconds(3);
  Duration interaction_token_lifetime = std::chrono::minutes(15);
  // Sum of the files of one request; more: 413 with code 40005.
  size_t max_attachment_bytes = 10u << 20;
  // DM channels keep this many messages each.
  uint32_t dm_message_depth = 50;
};

class RestSimulator {
 public:
  RestSimulator(Reactor& reactor, World& world, GatewayServer& gateway, const Clock& clock,
                RestOptions options);
  ~RestSimulator();
  RestSimulator(const RestSimulator&) = delete;
  RestSimulator& operator=(const RestSimulator&) = delete;

  void SetBaseUrl(std::string base_url);
  // /api/v9|v10/... (and unversioned paths, answered like Discord's default version would).
  void Handle(net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond);
  // /_sim/rest/...
  void HandleAdmin(const net::HttpRequest& request,
                   UniqueFunction<void(net::HttpResponse)> respond);

  // GET /_sim/rest/stats as JSON (also for in-process tests).
  std::string RenderStatsJson() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pylon::sim
