// Copyright 2026 The Pylon Gateway Authors.

#include "rest/rest_client.h"

#include <cassert>

#include "discord/gateway_bot.h"

namespace pylon::rest {
namespace {

net::HttpClientOptions HttpOptions(const ClientOptions& options, const std::string& origin) {
  net::HttpClientOptions http;
  http.base_url = origin;
  http.tls = options.tls;
  http.max_connections = options.max_connections;
  http.timeout = options.http_timeout;
  http.max_body_bytes = options.max_body_bytes;
  return http;
}

std::string OriginOf(const std::string& api_base) {
  auto base = discord::ApiBase::Parse(api_base);
  return base.ok() ? base->origin : api_base;
}

bool Idempotent(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "PUT" || method == "DELETE";
}

RestOutcome OutcomeOf(const RestResult& result) {
  if (const auto* answer = std::get_if<net::HttpResponse>(&result)) {
    return OutcomeOfStatus(answer->status);
  }
  return std::holds_alternative<Refusal>(result) ? RestOutcome::kRefused : RestOutcome::kTransport;
}

// Counts a 429 by its scope, as the limiter reads it.
void Count429(const net::HttpResponse& answer, RouteMetrics& metrics) {
  RateLimitHeaders h = ParseRateLimitHeaders(answer);
  if (h.scope == RateLimitHeaders::Scope::kGlobal || h.global) {
    ++metrics.discord_429_global;
  } else if (h.scope == RateLimitHeaders::Scope::kShared) {
    ++metrics.discord_429_shared;
  } else {
    ++metrics.discord_429_user;
  }
}

}  // namespace

std::string EncodeUriComponent(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    bool plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '!' || c == '~' || c == '*' ||
                 c == '\'' || c == '(' || c == ')';
    if (plain) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

// One request from Execute until its answer: kept by the limiter's callbacks and the HTTP
// callback of its current attempt.
struct BotRestClient::Pending {
  uint64_t id = 0;
  DiscordRequest request;
  Secret token;
  bool token_auth = false;
  RestDone done;
  RouteMetrics* metrics = nullptr;  // the route's, in the client's RestMetrics
  MonoTime submitted;
  MonoTime sent;  // the current attempt
  bool started = false;

  void Complete(RestResult result) {
    if (!done) return;
    RestDone fn = std::move(done);
    done = nullptr;
    fn(std::move(result));
  }
};

BotRestClient::BotRestClient(Reactor& reactor, const Clock& clock, const ClientOptions& options)
    : reactor_(reactor),
      clock_(clock),
      user_agent_(options.user_agent),
      limiter_(clock, options.limits),
      http_(reactor, HttpOptions(options, OriginOf(options.api_base))),
      timer_(reactor) {
  auto base = discord::ApiBase::Parse(options.api_base);
  if (base.ok()) {
    api_path_ = base->path;
  } else {
    init_error_ = base.error();
  }
}

BotRestClient::~BotRestClient() { Shutdown(); }

uint64_t BotRestClient::Execute(DiscordRequest request, const Secret& token, MonoTime deadline,
                                RestDone done) {
  auto pending = std::make_shared<Pending>();
  pending->token = token;
  pending->done = std::move(done);
  if (shut_down_ || init_error_) {
    Error error = init_error_ ? *init_error_ : Unavailable("the REST client is shutting down");
    reactor_.Post([pending, error]() mutable { pending->Complete(error); });
    return 0;
  }
  RouteInfo route = ClassifyRoute(request.method, request.path, clock_.UnixMs());
  route.sublimit_channel = request.sublimit_channel;
  pending->token_auth = route.token_auth;
  pending->metrics = &metrics_.ForRoute(route.route);
  pending->submitted = clock_.Now();
  RateLimiter::Request limited;
  limited.deadline = deadline;
  limited.credential = route.token_auth ? 0 : CredentialHash(token.reveal());
  limited.idempotent = Idempotent(request.method);
  limited.route = std::move(route);
  pending->request = std::move(request);
  uint64_t id = limiter_.Submit(
      std::move(limited), [this, pending] { Send(pending); },
      [this, pending](Refusal refusal) {
        pending_.erase(pending->id);
        Finish(pending, std::move(refusal));
      });
  pending->id = id;
  pending_[id] = pending;
  Kick();
  return id;
}

void BotRestClient::Send(const std::shared_ptr<Pending>& pending) {
  pending->sent = clock_.Now();
  if (!pending->started) {
    pending->started = true;
    pending->metrics->queue_wait.Record(pending->sent - pending->submitted);
  }
  const DiscordRequest& in = pending->request;
  net::HttpRequest request;
  request.method = in.method;
  request.target = api_path_ + in.path;
  if (!in.query.empty()) request.target += "?" + in.query;
  request.headers.reserve(in.extra_headers.size() + 4);
  if (!pending->token_auth) {
    request.headers.push_back({"Authorization", "Bot " + pending->token.reveal()});
  }
  request.headers.push_back({"User-Agent", user_agent_});
  if (!in.content_type.empty()) request.headers.push_back({"Content-Type", in.content_type});
  if (!in.audit_log_reason.empty()) {
    request.headers.push_back({"X-Audit-Log-Reason", EncodeUriComponent(in.audit_log_reason)});
  }
  for (const net::Header& h : in.extra_headers) {
    if (net::EqualsIgnoreCase(h.name, "Authorization")) continue;
    request.headers.push_back(h);
  }
  request.body = in.body;
  http_.Send(std::move(request), [this, pending](Result<net::HttpResponse> answer) {
    OnAnswer(pending, std::move(answer));
  });
}

void BotRestClient::OnAnswer(const std::shared_ptr<Pending>& pending,
                             Result<net::HttpResponse> answer) {
  if (!answer.ok()) {
    limiter_.OnTransportError(pending->id);
    pending_.erase(pending->id);
    Finish(pending, answer.error());
    return Kick();
  }
  pending->metrics->discord_latency.Record(clock_.Now() - pending->sent);
  if (answer->status == 429) Count429(*answer, *pending->metrics);
  if (limiter_.OnResponse(pending->id, *answer) == RateLimiter::Verdict::kDeliver) {
    pending_.erase(pending->id);
    Finish(pending, std::move(*answer));
  }
  Kick();
}

void BotRestClient::Finish(const std::shared_ptr<Pending>& pending, RestResult result) {
  if (!pending->done) return;  // cancelled
  ++pending->metrics->requests[static_cast<size_t>(OutcomeOf(result))];
  pending->Complete(std::move(result));
}

void BotRestClient::Cancel(uint64_t id) {
  auto it = pending_.find(id);
  if (it != pending_.end()) {
    if (auto pending = it->second.lock()) pending->done = nullptr;
    pending_.erase(it);
  }
  limiter_.Cancel(id);
  Kick();
}

void BotRestClient::Kick() {
  if (shut_down_) return;
  std::optional<MonoTime> wake = limiter_.Pump();
  if (!wake) return;  // nothing timed, or a nested call: the outer one arms the timer
  Duration delay = *wake - clock_.Now();
  if (delay < Duration::zero()) delay = Duration::zero();
  timer_.RunAfter(delay, [this] { Kick(); });
}

void BotRestClient::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  timer_.Cancel();
  Refusal unused;
  std::vector<std::shared_ptr<Pending>> waiting;
  for (auto& [id, weak] : pending_) {
    if (auto pending = weak.lock()) waiting.push_back(std::move(pending));
  }
  pending_.clear();
  for (auto& pending : waiting) {
    pending->Complete(Unavailable("the REST proxy is shutting down"));
  }
  limiter_.RefuseAll(unused);  // drops the limiter's references; their answers are given
}

}  // namespace pylon::rest
