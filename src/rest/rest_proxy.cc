// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rest_proxy.h"

#include <absl/container/flat_hash_map.h>

#include <algorithm>

namespace pylon::rest {

rpb::RestError ErrorFromOutcome(const Outcome& outcome) {
  if (auto* refusal = std::get_if<Refusal>(&outcome)) return ErrorFromRefusal(*refusal);
  if (auto* error = std::get_if<Error>(&outcome)) return ErrorFromTransport(*error);
  if (auto* local = std::get_if<rpb::RestError>(&outcome)) return *local;
  return ErrorFromHttp(std::get<net::HttpResponse>(outcome));
}

// ---- Completion ----

RestProxy::Completion& RestProxy::Completion::operator=(Completion&& other) noexcept {
  if (this != &other) {
    if (fn_) fn_(Unavailable("the REST proxy dropped the request"));
    fn_ = std::move(other.fn_);
  }
  return *this;
}

RestProxy::Completion::~Completion() {
  if (fn_) fn_(Unavailable("the REST proxy is stopping"));
}

void RestProxy::Completion::operator()(Outcome outcome) {
  UniqueFunction<void(Outcome)> fn = std::move(fn_);
  fn_ = nullptr;
  if (fn) fn(std::move(outcome));
}

// ---- RestProxy ----

struct RestProxy::PerReactor {
  absl::flat_hash_map<uint64_t, std::unique_ptr<BotRestClient>> clients;
};

RestProxy::RestProxy(ReactorPool& reactors, const Clock& clock, RestProxyOptions options,
                     CacheRunner cache)
    : reactors_(reactors), clock_(clock), options_(std::move(options)), cache_(std::move(cache)) {
  for (uint32_t i = 0; i < reactors_.size(); ++i) {
    per_reactor_.push_back(std::make_unique<PerReactor>());
  }
}

RestProxy::~RestProxy() { Stop(); }

void RestProxy::Stop() {
  if (stopped_.exchange(true)) return;
  for (uint32_t i = 0; i < reactors_.size(); ++i) {
    PerReactor& state = *per_reactor_[i];
    auto done = CallBlocking(reactors_.at(i), [&state] { state.clients.clear(); });
    if (!done) state.clients.clear();  // the reactor has stopped: no thread uses them
  }
}

void RestProxy::Execute(const CallOptions& call, DiscordRequest request,
                        std::shared_ptr<CallControl> control, UniqueFunction<void(Outcome)> done) {
  calls_.fetch_add(1, std::memory_order_relaxed);
  Operation op;
  op.call = call;
  op.request = std::move(request);
  op.deadline = clock_.Now() + call.max_wait;
  op.control = std::move(control);
  op.finish = Completion(std::move(done));
  Submit(std::move(op));
}

void RestProxy::Submit(Operation op) {
  if (!op.check) return Dispatch(std::move(op));
  const BotId bot = op.call.bot;
  const GuildId guild = op.call.guild;
  cache_(bot, guild, [this, op = std::move(op)](const cache::ShardCache* cache) mutable {
    if (cache != nullptr) {
      checks_run_.fetch_add(1, std::memory_order_relaxed);
      GuildView view(*cache, op.call.bot, op.call.guild);
      if (LocalError error = op.check(view)) {
        local_denied_.fetch_add(1, std::memory_order_relaxed);
        op.finish(std::move(*error));
        return;
      }
    } else {
      checks_without_cache_.fetch_add(1, std::memory_order_relaxed);
    }
    op.check = nullptr;
    Dispatch(std::move(op));
  });
}

void RestProxy::Dispatch(Operation op) {
  if (stopped_.load()) {
    op.finish(Unavailable("the REST proxy is stopping"));
    return;
  }
  Reactor& reactor = reactors_.ForKey(op.call.bot.value());
  reactor.Post([this, op = std::move(op)]() mutable { RunOnBotReactor(std::move(op)); });
}

void RestProxy::RunOnBotReactor(Operation op) {
  if (op.control && op.control->cancelled.load()) return;  // the caller has its answer
  Reactor* reactor = Reactor::Current();
  PerReactor& state = *per_reactor_[reactor->index()];
  std::unique_ptr<BotRestClient>& client = state.clients[op.call.bot.value()];
  if (!client) client = std::make_unique<BotRestClient>(*reactor, clock_, options_.client);
  if (op.call.global_limit != 0 &&
      client->limiter().options().global_limit != op.call.global_limit) {
    client->limiter().set_global_limit(op.call.global_limit);
  }
  std::shared_ptr<CallControl> control = op.control;
  uint64_t id = client->Execute(std::move(op.request), op.call.token, op.deadline,
                                [finish = std::move(op.finish)](RestResult result) mutable {
                                  std::visit([&](auto&& r) { finish(Outcome(std::move(r))); },
                                             std::move(result));
                                });
  if (control) {
    control->request_id.store(id);
    if (control->cancelled.load()) client->Cancel(id);
  }
}

void RestProxy::Cancel(BotId bot, const std::shared_ptr<CallControl>& control) {
  if (!control) return;
  control->cancelled.store(true);
  Reactor& reactor = reactors_.ForKey(bot.value());
  reactor.Post([this, bot, control] {
    uint64_t id = control->request_id.load();
    if (id == 0) return;  // not queued yet: RunOnBotReactor sees the flag
    PerReactor& state = *per_reactor_[Reactor::Current()->index()];
    auto it = state.clients.find(bot.value());
    if (it != state.clients.end()) it->second->Cancel(id);
  });
}

ProxyStats RestProxy::stats() const {
  ProxyStats s;
  s.calls = calls_.load(std::memory_order_relaxed);
  s.local_validation = local_validation_.load(std::memory_order_relaxed);
  s.checks_run = checks_run_.load(std::memory_order_relaxed);
  s.checks_without_cache = checks_without_cache_.load(std::memory_order_relaxed);
  s.local_denied = local_denied_.load(std::memory_order_relaxed);
  return s;
}

std::optional<LimiterStats> RestProxy::LimiterStatsOf(BotId bot) {
  Reactor& reactor = reactors_.ForKey(bot.value());
  PerReactor& state = *per_reactor_[reactor.index()];
  auto result = CallBlocking(reactor, [&state, bot]() -> std::optional<LimiterStats> {
    auto it = state.clients.find(bot.value());
    if (it == state.clients.end()) return std::nullopt;
    return it->second->limiter().stats();
  });
  return result ? *result : std::nullopt;
}

std::vector<BotRestMetrics> RestProxy::MetricsSnapshot() {
  std::vector<BotRestMetrics> all;
  for (uint32_t i = 0; i < reactors_.size(); ++i) {
    PerReactor& state = *per_reactor_[i];
    (void)CallBlocking(reactors_.at(i), [&state, &all] {
      for (const auto& [bot, client] : state.clients) {
        all.push_back(BotRestMetrics{BotId(bot), client->limiter().stats(),
                                     client->limiter().options().invalid_request_limit,
                                     client->metrics().routes()});
      }
    });
  }
  std::sort(all.begin(), all.end(), [](const BotRestMetrics& a, const BotRestMetrics& b) {
    return a.bot.value() < b.bot.value();
  });
  return all;
}

}  // namespace pylon::rest
