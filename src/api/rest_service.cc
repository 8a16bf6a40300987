// Copyright 2026 The Pylon Gateway Authors.

#include "api/rest_service.h"

#include <atomic>
#include <charconv>

#include <openssl/crypto.h>

#include "api/call_scope.h"
#include "api/status.h"
#include "control/token_crypto.h"

namespace pylon::api {
namespace {

constexpr std::string_view kMaxWaitKey = "x-pylon-max-ratelimit-ms";

// One RPC. Whoever ends it first — the proxy's answer, or gRPC's cancellation — finishes it; the
// other does nothing. The shared State outlives the reactor (deleted in OnDone).
class RestCall final : public grpc::ServerUnaryReactor {
 public:
  struct State {
    std::atomic<bool> finished{false};
    RestCall* call = nullptr;
    std::shared_ptr<rest::CallControl> control = std::make_shared<rest::CallControl>();
    rest::RestProxy* proxy = nullptr;  // set once the call reached the proxy
    BotId bot;
    bool TryFinish() { return !finished.exchange(true); }
  };

  RestCall() : state_(std::make_shared<State>()) { state_->call = this; }

  const std::shared_ptr<State>& state() const { return state_; }

  void FinishWith(const grpc::Status& status) {
    if (state_->TryFinish()) Finish(status);
  }

  void OnCancel() override {
    if (!state_->TryFinish()) return;
    if (state_->proxy != nullptr) state_->proxy->Cancel(state_->bot, state_->control);
    Finish(grpc::Status::CANCELLED);
  }
  void OnDone() override { delete this; }

 private:
  std::shared_ptr<State> state_;
};

Result<Duration> MaxWait(const grpc::CallbackServerContext& context,
                         const RestServiceOptions& options) {
  Duration wait = options.default_max_wait;
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(kMaxWaitKey.data(), kMaxWaitKey.size()));
  if (it != metadata.end()) {
    std::string_view text(it->second.data(), it->second.size());
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec != std::errc() || end != text.data() + text.size() || ms < 0) {
      return InvalidArgument("metadata '" + std::string(kMaxWaitKey) +
                             "' must be a decimal number of milliseconds, got '" +
                             std::string(text.substr(0, 40)) + "'");
    }
    wait = std::chrono::milliseconds(ms);
  }
  wait = std::min(wait, options.max_wait_cap);
  // Answer in band before the call's own deadline.
  auto deadline = context.deadline();
  if (deadline != std::chrono::system_clock::time_point::max()) {
    auto left = deadline - std::chrono::system_clock::now() - options.deadline_margin;
    Duration left_steady = std::chrono::duration_cast<Duration>(left);
    if (left_steady < wait) wait = std::max(Duration::zero(), left_steady);
  }
  return wait;
}

}  // namespace

RestService::RestService(rest::RestProxy& proxy, ConfigSource config, TokenSource token,
                         RestServiceOptions options)
    : proxy_(proxy),
      config_(std::move(config)),
      token_(std::move(token)),
      options_(std::move(options)) {}

RestService::~RestService() = default;

template <typename M>
grpc::ServerUnaryReactor* RestService::Handle(grpc::CallbackServerContext* context,
                                              const typename M::Request* request,
                                              typename M::Response* response) {
  auto* call = new RestCall();
  ScopeRules rules;
  rules.needs_guild = false;  // REST calls about no guild send "0", or nothing
  rules.allow_anonymous = options_.allow_anonymous;
  Result<CallScope> scope = ResolveScope(context->client_metadata(), config_(), rules);
  if (!scope.ok()) {
    call->FinishWith(ToGrpcStatus(scope.error()));
    return call;
  }
  Result<Duration> max_wait = MaxWait(*context, options_);
  if (!max_wait.ok()) {
    call->FinishWith(ToGrpcStatus(max_wait.error()));
    return call;
  }
  Result<Secret> token = token_(scope->bot);
  if (!token.ok()) {
    call->FinishWith(ToGrpcStatus(token.error().WithContext("the bot's token")));
    return call;
  }
  rest::CallOptions options;
  options.bot = scope->bot;
  options.guild = scope->guild;
  options.token = std::move(*token);
  options.max_wait = *max_wait;
  if (const auto* bot = scope->config->FindBot(scope->bot)) {
    options.application = ApplicationId(bot->application_id());
    if (bot->spec().has_rest_global_limit()) {
      options.global_limit = bot->spec().rest_global_limit();
    }
  }
  std::shared_ptr<RestCall::State> state = call->state();
  state->proxy = &proxy_;
  state->bot = scope->bot;
  proxy_.Call<M>(options, *request, state->control, [state, response](typename M::Response answer) {
    if (!state->TryFinish()) return;  // cancelled: gRPC has its answer
    response->Swap(&answer);
    state->call->Finish(grpc::Status::OK);
  });
  return call;
}

rest::CompatBotResolver ControlPlaneBots(control::ControlPlane& control) {
  return [&control](std::string_view token) -> std::optional<rest::CompatBot> {
    std::shared_ptr<const control::ConfigSnapshot> snapshot = control.Snapshot();
    const std::string fingerprint = control::TokenFingerprint(token);
    for (const auto& [id, bot] : snapshot->bots) {
      if (bot.token_fingerprint() != fingerprint) continue;
      Result<Secret> stored = control.BotToken(BotId(id));
      if (!stored.ok()) continue;
      const std::string& secret = stored->reveal();
      if (secret.size() != token.size() ||
          CRYPTO_memcmp(secret.data(), token.data(), token.size()) != 0) {
        continue;
      }
      rest::CompatBot found;
      found.bot = BotId(id);
      found.application = ApplicationId(bot.application_id());
      if (bot.spec().has_rest_global_limit()) found.global_limit = bot.spec().rest_global_limit();
      found.token = std::move(*stored);
      return found;
    }
    return std::nullopt;
  };
}

#define PYLON_REST_SERVICE_METHOD(Name, Req, Resp, EmptyOnNotFound, SingleEmbed)    \
  grpc::ServerUnaryReactor* RestService::Name(grpc::CallbackServerContext* context, \
                                              const rest::rpb::Req* request,        \
                                              rest::rpb::Resp* response) {          \
    return Handle<rest::Name##Method>(context, request, response);                  \
  }
PYLON_REST_METHODS(PYLON_REST_SERVICE_METHOD)
#undef PYLON_REST_SERVICE_METHOD

}  // namespace pylon::api
