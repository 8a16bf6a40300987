// Copyright 2026 The Pylon Gateway Authors.
// RestService: the public GatewayRest gRPC service (58 unary RPCs, pylon-api-contract.md §1, §5),
// served by the REST proxy (src/rest).
//
// Each call: ResolveScope (x-pylon-bot-id, x-pylon-guild-id — "0", "null" or absent means no
// guild —, optional worker-group token and its filters), the longest wait in a rate-limit queue
// from x-pylon-max-ratelimit-ms (decimal ms, default 10,000; capped by the call's gRPC deadline
// so that the in-band RateLimited comes before DEADLINE_EXCEEDED), the bot's token from the token
// source, then RestProxy::Call. The RPC is finished from the thread that ends the call (the
// shard's reactor for a local refusal, the bot's REST reactor otherwise): no gRPC thread ever
// waits. Discord's errors are in-band (RestError); gRPC statuses are for the API's own failures
// (bad metadata, unknown bot, no token, cancelled).
//
// Thread-safety: handlers run on gRPC's threads; the object holds only immutable state. It must
// outlive the grpc::Server it is registered with; `proxy` must outlive it.

#pragma once

#include <functional>
#include <memory>

#include "base/clock.h"
#include "base/log.h"
#include "base/result.h"
#include "control/control_plane.h"
#include "gateway/v1/rest_service.grpc.pb.h"
#include "rest/compat_endpoint.h"
#include "rest/rest_proxy.h"

namespace pylon::api {

struct RestServiceOptions {
  bool allow_anonymous = true;  // calls without a worker-group token are served
  Duration default_max_wait = std::chrono::seconds(10);
  Duration max_wait_cap = std::chrono::minutes(10);
  // The in-band answer must reach the client before its gRPC deadline: this much earlier.
  Duration deadline_margin = std::chrono::milliseconds(50);
};

class RestService final : public ::pylon::gateway::v1::service::GatewayRest::CallbackService {
 public:
  using ConfigSource = std::function<std::shared_ptr<const control::ConfigSnapshot>()>;
  // The bot's token (the server passes ControlPlane::BotToken). Called on gRPC threads.
  using TokenSource = std::function<Result<Secret>(BotId)>;

  RestService(rest::RestProxy& proxy, ConfigSource config, TokenSource token,
              RestServiceOptions options = {});
  ~RestService() override;

#define PYLON_REST_SERVICE_METHOD(Name, Req, Resp, EmptyOnNotFound, SingleEmbed)             \
  ::grpc::ServerUnaryReactor* Name(::grpc::CallbackServerContext* context,                   \
                                   const rest::rpb::Req* request, rest::rpb::Resp* response) \
      override;
  PYLON_REST_METHODS(PYLON_REST_SERVICE_METHOD)
#undef PYLON_REST_SERVICE_METHOD

 private:
  template <typename M>
  ::grpc::ServerUnaryReactor* Handle(::grpc::CallbackServerContext* context,
                                     const typename M::Request* request,
                                     typename M::Response* response);

  rest::RestProxy& proxy_;
  ConfigSource config_;
  TokenSource token_;
  RestServiceOptions options_;
};

// The bots of the Discord-compatible endpoint (rest/compat_endpoint.h): the bot of the control
// plane whose stored token is `token`. The token's SHA-256 fingerprint narrows the candidates;
// the stored token is then decrypted and compared in constant time, so a rotated or deleted bot
// stops being found at once. Thread-safe; `control` must outlive the resolver.
rest::CompatBotResolver ControlPlaneBots(control::ControlPlane& control);

}  // namespace pylon::api
