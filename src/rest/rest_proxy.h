// Copyright 2026 The Pylon Gateway Authors.
// RestProxy: the REST proxy of one process (architecture §7). A call goes through:
//
//   caller's thread   Build: proto request -> DiscordRequest, local validation (methods.h)
//   shard reactor     Check: permissions / hierarchy on the shard cache, when the call has a guild
//                     whose shard runs here (CacheRunner); refused -> answered from there
//   bot's reactor     BotRestClient: the bot's rate limiter, then Discord over HTTP
//   bot's reactor     Parse: Discord's JSON -> response data, or the RestError
//
// and `done` runs on whichever thread ends the call (a reactor, or the caller's for local
// validation errors). Nothing blocks: a request waiting in a bucket is a queued closure.
//
// Each bot's client lives on reactor ForKey(bot id) of the pool, made on first use, so all of a
// bot's buckets and its global limit are owned by one thread. Raw requests (Execute) use the same
// clients and limiter: the Discord-compatible endpoint (compat_endpoint.h) calls Execute with the
// request's method, path, headers and body and turns the Outcome back into an HTTP answer.
//
// Thread-safe: Call, Execute and Cancel may be called from any thread. Stop (and the destructor)
// from a thread that is not one of the pool's reactors, while the reactors still run.

#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <variant>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "cache/shard_cache.h"
#include "rest/methods.h"
#include "rest/rest_client.h"
#include "rest/rest_error.h"
#include "runtime/reactor.h"

namespace pylon::rest {

// How a call ended: Discord's answer, a limiter refusal, a transport error, or a local error.
using Outcome = std::variant<net::HttpResponse, Refusal, Error, rpb::RestError>;
rpb::RestError ErrorFromOutcome(const Outcome& outcome);  // for everything but an HttpResponse

// Runs `fn` on the reactor owning the shard cache of (bot, guild) with that cache, or at once
// with nullptr when no shard of this process has it. If the reactor refuses the work, `fn` is
// destroyed unrun.
using CacheRunner =
    std::function<void(BotId, GuildId, UniqueFunction<void(const cache::ShardCache*)>)>;

// Lets the caller cancel a call in progress. Thread-safe.
struct CallControl {
  std::atomic<bool> cancelled{false};
  std::atomic<uint64_t> request_id{0};  // the bot client's id once queued
};

struct CallOptions {
  BotId bot;
  GuildId guild;
  ApplicationId application;
  Secret token;
  Duration max_wait = std::chrono::seconds(10);  // x-pylon-max-ratelimit-ms
  uint32_t global_limit = 0;                     // the bot's; 0: the default
};

struct RestProxyOptions {
  ClientOptions client;  // API base, TLS, pool size, and the limiter defaults for every bot
};

struct ProxyStats {
  uint64_t calls = 0;
  uint64_t local_validation = 0;  // refused by Build (never sent)
  uint64_t checks_run = 0;        // checks run on a cache
  uint64_t checks_without_cache = 0;
  uint64_t local_denied = 0;  // refused by a check (never sent)
};

// One bot's REST figures, copied from its client for /metrics.
struct BotRestMetrics {
  BotId bot;
  LimiterStats limiter;
  uint32_t invalid_request_limit = 0;
  std::map<std::string, RouteMetrics, std::less<>> routes;
};

class RestProxy {
 public:
  RestProxy(ReactorPool& reactors, const Clock& clock, RestProxyOptions options,
            CacheRunner cache = nullptr);
  ~RestProxy();  // Stop()
  RestProxy(const RestProxy&) = delete;
  RestProxy& operator=(const RestProxy&) = delete;

  // Answers everything still pending with UNAVAILABLE and drops the clients. Blocks.
  void Stop();

  // A GatewayRest method `M` (methods.h). `done` gets the response, with `data` or `error` set.
  template <typename M>
  void Call(const CallOptions& call, const typename M::Request& request,
            std::shared_ptr<CallControl> control, UniqueFunction<void(typename M::Response)> done);

  // A raw request through the bot's limiter (no local checks).
  void Execute(const CallOptions& call, DiscordRequest request,
               std::shared_ptr<CallControl> control, UniqueFunction<void(Outcome)> done);

  // Cancels a call: it leaves its queue; its `done` is then called with UNAVAILABLE or not at all.
  void Cancel(BotId bot, const std::shared_ptr<CallControl>& control);

  ProxyStats stats() const;
  // The bot's limiter statistics (nullopt when it has no client). Blocks; not on a reactor.
  std::optional<LimiterStats> LimiterStatsOf(BotId bot);
  // Every bot's figures, by bot id. Blocks; not on a reactor of the pool.
  std::vector<BotRestMetrics> MetricsSnapshot();

 private:
  // Calls `fn` once; if destroyed without having been called, calls it with UNAVAILABLE.
  class Completion {
   public:
    Completion() = default;
    explicit Completion(UniqueFunction<void(Outcome)> fn) : fn_(std::move(fn)) {}
    Completion(Completion&& other) noexcept = default;
    Completion& operator=(Completion&& other) noexcept;
    ~Completion();
    void operator()(Outcome outcome);

   private:
    UniqueFunction<void(Outcome)> fn_;
  };

  struct Operation {
    CallOptions call;
    DiscordRequest request;
    MonoTime deadline;
    CheckFn check;
    std::shared_ptr<CallControl> control;
    Completion finish;
  };
  struct PerReactor;

  void Submit(Operation op);
  void Dispatch(Operation op);
  void RunOnBotReactor(Operation op);

  ReactorPool& reactors_;
  const Clock& clock_;
  RestProxyOptions options_;
  CacheRunner cache_;
  std::vector<std::unique_ptr<PerReactor>> per_reactor_;  // [i] touched only on reactor i
  std::atomic<uint64_t> calls_{0}, local_validation_{0}, checks_run_{0}, checks_without_cache_{0},
      local_denied_{0};
  std::atomic<bool> stopped_{false};
};

// The response of method `M` for an outcome.
template <typename M>
void FillResponse(Outcome&& outcome, const Target& target, typename M::Response* out) {
  if (auto* answer = std::get_if<net::HttpResponse>(&outcome)) {
    if (answer->status >= 200 && answer->status < 300) {
      Status parsed = M::Parse(*answer, target, out);
      if (!parsed.ok()) {
        out->Clear();
        *out->mutable_error() = MalformedAnswer(answer->status, parsed.error());
      }
      return;
    }
    if (M::kEmptyOnNotFound != 0 && answer->status == 404 &&
        JsonCode(answer->body) == M::kEmptyOnNotFound) {
      out->mutable_data();  // "no such ban / message": data{}
      return;
    }
    *out->mutable_error() = ErrorFromHttp(*answer, M::kSingleEmbed);
    return;
  }
  *out->mutable_error() = ErrorFromOutcome(outcome);
}

template <typename M>
void RestProxy::Call(const CallOptions& call, const typename M::Request& request,
                     std::shared_ptr<CallControl> control,
                     UniqueFunction<void(typename M::Response)> done) {
  calls_.fetch_add(1, std::memory_order_relaxed);
  const Target target{call.bot, call.guild, call.application, clock_.UnixMs()};
  Operation op;
  if (LocalError error = M::Build(request, target, &op.request)) {
    local_validation_.fetch_add(1, std::memory_order_relaxed);
    typename M::Response response;
    *response.mutable_error() = std::move(*error);
    done(std::move(response));
    return;
  }
  op.call = call;
  op.deadline = clock_.Now() + call.max_wait;
  op.control = std::move(control);
  if (cache_ && !call.guild.is_zero()) op.check = M::Check(request, target);
  op.finish = Completion([done = std::move(done), target](Outcome outcome) mutable {
    typename M::Response response;
    FillResponse<M>(std::move(outcome), target, &response);
    done(std::move(response));
  });
  Submit(std::move(op));
}

}  // namespace pylon::rest
