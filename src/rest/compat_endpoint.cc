// Copyright 2026 The Pylon Gateway Authors.

#include "rest/compat_endpoint.h"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "rest/route.h"
#include "runtime/reactor.h"

namespace pylon::rest {
namespace {

constexpr std::string_view kMaxWaitHeader = "X-Pylon-Max-Ratelimit-Ms";

net::HttpResponse Json(int status, std::string body) {
  net::HttpResponse r;
  r.status = status;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = std::move(body);
  return r;
}

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof(escaped), "\\u%04x", static_cast<unsigned char>(c));
      out += escaped;
    } else {
      out.push_back(c);
    }
  }
  out.push_back('"');
  return out;
}

net::HttpResponse Unauthorized(uint32_t code, std::string_view message) {
  return Json(401, "{\"message\":" + Quoted(message) + ",\"code\":" + std::to_string(code) + "}");
}

// The token of "Authorization: Bot <token>"; nullopt for anything else.
std::optional<std::string_view> BotToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "Bot ";
  if (authorization.size() <= kScheme.size() ||
      !net::EqualsIgnoreCase(authorization.substr(0, kScheme.size()), kScheme)) {
    return std::nullopt;
  }
  std::string_view token = authorization.substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  while (!token.empty() && token.back() == ' ') token.remove_suffix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

// The channel of "PATCH /channels/{id}" (exactly), else 0.
uint64_t PatchedChannel(std::string_view method, std::string_view path) {
  constexpr std::string_view kChannels = "/channels/";
  if (method != "PATCH" || !path.starts_with(kChannels)) return 0;
  std::string_view id = path.substr(kChannels.size());
  if (!id.empty() && id.back() == '/') id.remove_suffix(1);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), value);
  if (ec != std::errc() || end != id.data() + id.size()) return 0;
  return value;
}

// Headers of Discord's answer that describe the hop, not the answer: the server sets its own.
bool HopHeader(std::string_view name) {
  for (std::string_view hop : {"Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length",
                               "Server", "Upgrade", "Proxy-Connection", "TE", "Trailer"}) {
    if (net::EqualsIgnoreCase(name, hop)) return true;
  }
  return false;
}

}  // namespace

net::HttpResponse CompatResponse(Outcome&& outcome, int64_t now_unix_ms) {
  if (auto* answer = std::get_if<net::HttpResponse>(&outcome)) {
    net::HttpResponse out;
    out.status = answer->status;
    out.headers.reserve(answer->headers.size());
    for (net::Header& h : answer->headers) {
      if (!HopHeader(h.name)) out.headers.push_back(std::move(h));
    }
    out.body = std::move(answer->body);
    return out;
  }
  if (auto* refusal = std::get_if<Refusal>(&outcome)) {
    if (refusal->kind == Refusal::Kind::kAccessDenied) {
      // A quarantined token: what Discord answered it last time.
      if (refusal->code == 40001) return Unauthorized(0, "401: Unauthorized");
      return Unauthorized(refusal->code, refusal->message);
    }
    const int64_t wait_ms = std::max<int64_t>(0, int64_t{refusal->retry_at} * 1000 - now_unix_ms);
    char retry_after[32];
    std::snprintf(retry_after, sizeof(retry_after), "%.3f", static_cast<double>(wait_ms) / 1000);
    net::HttpResponse r = Json(429, std::string("{\"message\":\"You are being rate limited.\",") +
                                        "\"retry_after\":" + retry_after + ",\"global\":" +
                                        (refusal->global ? "true" : "false") + "}");
    r.headers.push_back({"Retry-After", std::to_string((wait_ms + 999) / 1000)});
    r.headers.push_back({"X-RateLimit-Scope", refusal->global ? "global" : "user"});
    if (refusal->global) r.headers.push_back({"X-RateLimit-Global", "true"});
    r.headers.push_back({"X-Pylon-Refused", "1"});
    return r;
  }
  if (auto* error = std::get_if<Error>(&outcome)) {
    log::Debug("rest compat: Discord could not be reached: {}", error->ToString());
    return Json(502, "{\"message\":\"502: Bad Gateway\",\"code\":0}");
  }
  // A local RestError: not produced for raw requests (no checks run); answered as Discord's 500.
  return Json(500, "{\"message\":\"500: Internal Server Error\",\"code\":0}");
}

CompatEndpoint::CompatEndpoint(RestProxy& proxy, const Clock& clock, CompatBotResolver resolve,
                               CompatOptions options)
    : proxy_(proxy), clock_(clock), resolve_(std::move(resolve)), options_(std::move(options)) {}

void CompatEndpoint::Handle(net::HttpRequest request,
                            UniqueFunction<void(net::HttpResponse)> respond) {
  counters_->requests.fetch_add(1, std::memory_order_relaxed);
  DiscordRequest out;
  out.method = request.method;
  out.path = std::string(StripApiPrefix(request.path()));
  out.query = std::string(request.query());
  const RouteInfo route = ClassifyRoute(out.method, out.path, clock_.UnixMs());

  CallOptions call;
  call.max_wait = options_.default_max_wait;
  std::string_view authorization = request.header("Authorization");
  if (!authorization.empty()) {
    std::optional<std::string_view> token = BotToken(authorization);
    std::optional<CompatBot> bot;
    if (token) bot = resolve_(*token);
    if (!bot) {
      counters_->unauthorized.fetch_add(1, std::memory_order_relaxed);
      respond(Unauthorized(0, "401: Unauthorized"));
      return;
    }
    call.bot = bot->bot;
    call.application = bot->application;
    call.global_limit = bot->global_limit;
    call.token = std::move(bot->token);
  } else if (!route.token_auth) {
    counters_->unauthorized.fetch_add(1, std::memory_order_relaxed);
    respond(Unauthorized(0, "401: Unauthorized"));
    return;
  }  // else: a token route without a bot: the limiter of "bot 0"

  if (std::string_view wait = request.header(kMaxWaitHeader); !wait.empty()) {
    int64_t ms = 0;
    auto [end, ec] = std::from_chars(wait.data(), wait.data() + wait.size(), ms);
    if (ec != std::errc() || end != wait.data() + wait.size() || ms < 0) {
      respond(Json(400,
                   "{\"message\":\"X-Pylon-Max-Ratelimit-Ms must be a decimal number of "
                   "milliseconds\",\"code\":50035}"));
      return;
    }
    call.max_wait = std::chrono::milliseconds(ms);
  }
  call.max_wait = std::min(call.max_wait, options_.max_wait_cap);

  out.body = std::move(request.body);
  out.content_type = std::string(request.header("Content-Type"));
  if (std::string_view reason = request.header("X-Audit-Log-Reason"); !reason.empty()) {
    out.extra_headers.push_back({"X-Audit-Log-Reason", std::string(reason)});  // encoded already
  }
  if (uint64_t channel = PatchedChannel(out.method, out.path);
      channel != 0 && ChangesNameOrTopic(out.body)) {
    out.sublimit_channel = channel;
  }

  Reactor* here = Reactor::Current();
  auto reply = [counters = counters_, clock = &clock_,
                respond = std::move(respond)](Outcome outcome) mutable {
    if (std::holds_alternative<Refusal>(outcome)) {
      counters->refused.fetch_add(1, std::memory_order_relaxed);
    } else if (std::holds_alternative<Error>(outcome)) {
      counters->unreachable.fetch_add(1, std::memory_order_relaxed);
    }
    respond(CompatResponse(std::move(outcome), clock->UnixMs()));
  };
  proxy_.Execute(call, std::move(out), nullptr,
                 [here, reply = std::move(reply)](Outcome outcome) mutable {
                   if (here == nullptr || Reactor::Current() == here) {
                     reply(std::move(outcome));
                     return;
                   }
                   // Back to the connection's reactor. If it is stopping, the answer is dropped
                   // with the connection.
                   here->Post([reply = std::move(reply), outcome = std::move(outcome)]() mutable {
                     reply(std::move(outcome));
                   });
                 });
}

CompatStats CompatEndpoint::stats() const {
  CompatStats s;
  s.requests = counters_->requests.load(std::memory_order_relaxed);
  s.unauthorized = counters_->unauthorized.load(std::memory_order_relaxed);
  s.refused = counters_->refused.load(std::memory_order_relaxed);
  s.unreachable = counters_->unreachable.load(std::memory_order_relaxed);
  return s;
}

}  // namespace pylon::rest
