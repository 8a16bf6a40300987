// Copyright 2026 The Pylon Gateway Authors.
// The REST simulator's request pipeline and admin API. A request goes through, in this order:
// Cloudflare ban (429 "error code: 1015") -> injected 5xx faults -> API version -> route (404,
// 405) -> auth (401) -> global limit (429 global) -> route bucket (429 user) -> shared scope (429
// shared) -> body decoding (50035, 50109) -> the route's handler. Route headers go on every answer
// from the bucket step on; 401/403/429 (not shared) count as invalid requests of the client IP.

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "base/json_writer.h"
#include "base/log.h"
#include "sim/rest_internal.h"

namespace pylon::sim {

using rest_internal::RestCore;

struct RestSimulator::Impl {
  Impl(Reactor& reactor, World& world, GatewayServer& gateway, const Clock& clock,
       RestOptions options)
      : core(reactor, world, gateway, clock, std::move(options)) {}
  RestCore core;
};

RestSimulator::RestSimulator(Reactor& reactor, World& world, GatewayServer& gateway,
                             const Clock& clock, RestOptions options)
    : impl_(std::make_unique<Impl>(reactor, world, gateway, clock, std::move(options))) {}

RestSimulator::~RestSimulator() = default;

void RestSimulator::SetBaseUrl(std::string base_url) {
  impl_->core.SetBaseUrl(std::move(base_url));
}

void RestSimulator::Handle(net::HttpRequest request,
                           UniqueFunction<void(net::HttpResponse)> respond) {
  impl_->core.Handle(std::move(request), std::move(respond));
}

void RestSimulator::HandleAdmin(const net::HttpRequest& request,
                                UniqueFunction<void(net::HttpResponse)> respond) {
  impl_->core.HandleAdmin(request, std::move(respond));
}

std::string RestSimulator::RenderStatsJson() const { return impl_->core.RenderStatsJson(); }

namespace rest_internal {
namespace {

// "1.2.3.4:5678" -> "1.2.3.4"; "[::1]:5678" -> "::1".
std::string PeerIp(std::string_view peer) {
  if (peer.starts_with('[')) {
    size_t close = peer.find(']');
    return std::string(peer.substr(1, close == peer.npos ? peer.npos : close - 1));
  }
  size_t colon = peer.rfind(':');
  if (colon != peer.npos && peer.find(':') == colon) return std::string(peer.substr(0, colon));
  return std::string(peer);
}

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  while (!path.empty()) {
    if (path.front() == '/') {
      path.remove_prefix(1);
      continue;
    }
    size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash);
  }
  return out;
}

// Matches `segments` against a route template; fills the parameters.
bool Match(std::string_view pattern, const std::vector<std::string_view>& segments,
           std::vector<std::string>* params) {
  std::vector<std::string_view> want = Segments(pattern);
  if (want.size() != segments.size()) return false;
  params->clear();
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i].starts_with('{')) {
      if (segments[i].empty()) return false;
      params->push_back(UrlDecode(segments[i]));
    } else if (want[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

std::string MajorKey(rest_internal::Major major, const std::vector<std::string>& params) {
  switch (major) {
    case Major::kChannel:
      return "c" + params[0];
    case Major::kGuild:
      return "g" + params[0];
    case Major::kWebhook:
      return "w" + params[0] + "/" + params[1];
    case Major::kInteraction:
      return "i" + params[0];
    case Major::kNone:
      break;
  }
  return "";
}

}  // namespace

Reply RateLimited(Scope scope, Duration retry_after) {
  Reply r;
  r.status = 429;
  r.limited = scope;
  r.shared_scope = scope == Scope::kShared;
  JsonWriter w(&r.body);
  w.BeginObject();
  w.Key("message").String(scope == Scope::kShared ? "The resource is being rate limited."
                                                  : "You are being rate limited.");
  w.Key("retry_after").Raw(Seconds3(retry_after));
  w.Key("global").Bool(scope == Scope::kGlobal);
  w.EndObject();
  double seconds = std::chrono::duration<double>(retry_after).count();
  r.headers.push_back({"Retry-After", std::to_string(static_cast<int64_t>(std::ceil(seconds)))});
  if (scope == Scope::kGlobal) r.headers.push_back({"X-RateLimit-Global", "true"});
  r.headers.push_back({"X-RateLimit-Scope", std::string(ScopeName(scope))});
  return r;
}

namespace {

void AddRouteHeaders(const RouteHeaders& h, int64_t now_unix_ms, Reply* r) {
  r->headers.push_back({"X-RateLimit-Limit", std::to_string(h.limit)});
  r->headers.push_back({"X-RateLimit-Remaining", std::to_string(h.remaining)});
  double reset_ms = static_cast<double>(now_unix_ms) +
                    std::chrono::duration<double, std::milli>(h.reset_after).count();
  char reset[32];
  std::snprintf(reset, sizeof(reset), "%.3f", reset_ms / 1000.0);
  r->headers.push_back({"X-RateLimit-Reset", reset});
  r->headers.push_back({"X-RateLimit-Reset-After", Seconds3(h.reset_after)});
  r->headers.push_back({"X-RateLimit-Bucket", h.bucket_hash});
}

}  // namespace

RestCore::RestCore(Reactor& reactor, World& world, GatewayServer& gateway, const Clock& clock,
                   RestOptions options)
    : reactor_(reactor),
      world_(world),
      gateway_(gateway),
      clock_(clock),
      options_(std::move(options)),
      limits_(clock, options_) {}

RestCore::~RestCore() = default;

void RestCore::Handle(net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond) {
  std::string ip = PeerIp(request.peer);
  Reply reply = Route(request, ip);
  limits_.CountStatus(reply.status);
  Respond(std::move(reply), std::move(respond));
}

void RestCore::Respond(Reply reply, UniqueFunction<void(net::HttpResponse)> respond) {
  net::HttpResponse response;
  response.status = reply.status;
  if (reply.status != 204) response.headers.push_back({"Content-Type", reply.content_type});
  for (auto& h : reply.headers) response.headers.push_back(std::move(h));
  response.body = std::move(reply.body);
  if (options_.added_latency <= Duration::zero()) {
    respond(std::move(response));
    return;
  }
  uint64_t id = next_delay_++;
  auto timer = std::make_unique<Timer>(reactor_);
  Timer* t = timer.get();
  delayed_[id] = std::move(timer);
  t->RunAfter(options_.added_latency,
              [this, id, response = std::move(response), respond = std::move(respond)]() mutable {
                respond(std::move(response));
                delayed_.erase(id);  // destroys the timer whose callback this is (allowed)
              });
}

Reply RestCore::Route(net::HttpRequest& request, const std::string& ip) {
  if (limits_.Banned(ip)) {
    limits_.CountBanned();
    Reply r;
    r.status = 429;
    r.content_type = "text/plain";
    r.body = "error code: 1015";
    return r;
  }
  if (fault_remaining_ > 0) {
    --fault_remaining_;
    int status = fault_status_;
    std::string message = std::to_string(status) + (status == 502   ? ": Bad Gateway"
                                                    : status == 503 ? ": Service Unavailable"
                                                    : status == 504 ? ": Gateway Timeout"
                                                                    : ": Internal Server Error");
    return ErrorReply(status, 0, message);
  }

  // /api[/vN]/...
  std::string_view path = request.path();
  if (!path.starts_with("/api/") && path != "/api") return ErrorReply(404, 0, "404: Not Found");
  std::vector<std::string_view> segments = Segments(path.substr(4));
  int version = 6;  // no version: Discord's default (deprecated) version
  if (!segments.empty() && segments[0].size() >= 2 && segments[0][0] == 'v' &&
      std::all_of(segments[0].begin() + 1, segments[0].end(),
                  [](char ch) { return ch >= '0' && ch <= '9'; })) {
    version = std::atoi(std::string(segments[0].substr(1)).c_str());
    segments.erase(segments.begin());
    if (version < 6 || version > 10) {
      return ErrorReply(400, 50041, "Invalid API version provided.");
    }
  }

  Call c;
  c.request = &request;
  c.version = version;
  c.query = request.query();
  bool path_matched = false;
  for (const RouteDef& route : Routes()) {
    std::vector<std::string> params;
    if (!Match(route.pattern, segments, &params)) continue;
    path_matched = true;
    if (route.method != request.method) continue;
    c.route = &route;
    c.params = std::move(params);
    break;
  }
  if (c.route == nullptr) {
    return path_matched ? ErrorReply(405, 0, "405: Method Not Allowed")
                        : ErrorReply(404, 0, "404: Not Found");
  }
  const RouteDef& route = *c.route;
  std::string route_name = std::string(route.method) + " " + std::string(route.pattern);
  limits_.CountRequest(route_name);

  Reply reply = RunRoute(c, route_name);
  if (reply.status == 401 || reply.status == 403 || (reply.status == 429 && !reply.shared_scope)) {
    limits_.CountInvalid(ip);
  }
  if (reply.limited) limits_.Count429(route_name, *reply.limited);
  return reply;
}

Reply RestCore::RunRoute(Call& c, const std::string& route_name) {
  const RouteDef& route = *c.route;
  const net::HttpRequest& request = *c.request;
  (void)route_name;

  // Auth.
  std::string_view auth = request.header("Authorization");
  if (route.auth != Auth::kToken && !auth.empty()) {
    if (auth.starts_with("Bot ")) c.bot = world_.FindBotByToken(auth.substr(4));
    if (c.bot == nullptr && route.auth == Auth::kBot) {
      return ErrorReply(401, 0, "401: Unauthorized");
    }
  } else if (route.auth == Auth::kBot) {
    return ErrorReply(401, 0, "401: Unauthorized");
  }
  const uint64_t bot_id = c.bot ? c.bot->id.value() : 0;

  // The global limit: per bot, or per IP without auth; interaction and webhook-token routes are
  // exempt.
  if (route.auth != Auth::kToken) {
    uint32_t limit = options_.default_global_limit;
    std::string key;
    if (c.bot) {
      limit = limits_.GlobalLimit(bot_id,
                                  c.bot->rest_global_limit > 0 ? c.bot->rest_global_limit : limit);
      key = "b" + std::to_string(bot_id);
    } else {
      key = "i" + PeerIp(request.peer);
    }
    if (auto retry = limits_.TakeGlobal(key, limit, bot_id)) {
      return RateLimited(Scope::kGlobal, *retry);
    }
  }

  // The route's bucket, keyed by its major parameter.
  std::string_view bucket_name = route.bucket;
  if (bucket_name == "delete_message" && options_.old_message_delete_bucket &&
      c.params.size() > 1) {
    auto id = Snowflake::Parse(c.params[1]);
    if (id.ok() && id->timestamp_ms() < clock_.UnixMs() - 14 * int64_t{86400000}) {
      bucket_name = "delete_old_message";
    }
  }
  int bucket = limits_.BucketIndex(bucket_name);
  std::string major = MajorKey(route.major, c.params);
  const int64_t now_ms = clock_.UnixMs();
  bool exhausted = false;
  RouteHeaders peek = limits_.Peek(bucket, bot_id, major, &exhausted);
  if (exhausted) {
    Reply r = RateLimited(Scope::kUser, peek.reset_after);
    AddRouteHeaders(peek, now_ms, &r);
    return r;
  }
  for (const SharedScopeRoute& shared : options_.shared_scope_routes) {
    if (shared.method != route.method || shared.route != route.pattern) continue;
    std::string key = shared.method + " " + shared.route + " " + major;
    if (auto retry = limits_.TakeShared(key, shared.limit, shared.window)) {
      Reply r = RateLimited(Scope::kShared, *retry);
      AddRouteHeaders(peek, now_ms, &r);
      return r;
    }
  }
  c.headers = limits_.Take(bucket, bot_id, major);

  Reply reply;
  [&] {
    // The body.
    if (route.body != BodyKind::kNone) {
      BodyError error = DecodeBody(request.header("Content-Type"), request.body, &decoded_);
      if (error == BodyError::kContentType) {
        FormErrors errors;
        errors.Add({}, "CONTENT_TYPE_INVALID",
                   "Expected \"Content-Type\" header to be one of {'application/json', "
                   "'application/x-www-form-urlencoded', 'multipart/form-data'}.");
        reply = FormErrorReply(errors);
        return;
      }
      if (error == BodyError::kMultipart) {
        FormErrors errors;
        errors.Add({}, "MULTIPART_INVALID", "Could not parse the multipart body.");
        reply = FormErrorReply(errors);
        return;
      }
      if (parser_.parse(decoded_.json).get(c.body) != simdjson::SUCCESS) {
        reply = ErrorReply(400, 50109, "The request body contains invalid JSON.");
        return;
      }
      bool is_array = c.body.type() == dom::element_type::ARRAY;
      if ((route.body == BodyKind::kObject && !IsObject(c.body)) ||
          (route.body == BodyKind::kArray && !is_array)) {
        FormErrors errors;
        errors.Add({}, route.body == BodyKind::kArray ? "LIST_TYPE_CONVERT" : "MODEL_TYPE_CONVERT",
                   route.body == BodyKind::kArray ? "Only iterables may be used in a ListType"
                                                  : "Only dictionaries may be used in a ModelType");
        reply = FormErrorReply(errors);
        return;
      }
      c.files = std::move(decoded_.files);
    }
    std::string_view reason = request.header("X-Audit-Log-Reason");
    if (!reason.empty()) {
      c.audit_reason = UrlDecode(reason);
      if (CharCount(c.audit_reason) > 512) {
        FormErrors errors;
        errors.Add({"audit_log_reason"}, "BASE_TYPE_MAX_LENGTH", "Must be 512 or fewer in length.");
        reply = FormErrorReply(errors);
        return;
      }
    }
    reply = (this->*route.handler)(c);
  }();
  AddRouteHeaders(c.headers, now_ms, &reply);
  return reply;
}

// ---- Admin API ----

std::string RestCore::RenderStatsJson() const {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  limits_.WriteStats(w);
  w.Key("faults").BeginObject().Key("status").Int(fault_status_);
  w.Key("remaining").UInt(fault_remaining_).EndObject();
  w.Key("latency_ms")
      .Int(std::chrono::duration_cast<std::chrono::milliseconds>(options_.added_latency).count());
  w.Key("dm_channels").UInt(dms_.size());
  w.Key("interactions").UInt(interactions_.size());
  w.Key("interactions_dropped").UInt(dropped_interactions_);
  w.Key("attachments_dropped").UInt(dropped_attachments_);
  w.EndObject();
  return out;
}

void RestCore::HandleAdmin(const net::HttpRequest& request,
                           UniqueFunction<void(net::HttpResponse)> respond) {
  Reply reply = AdminRoute(request);
  net::HttpResponse response;
  response.status = reply.status;
  response.headers.push_back({"Content-Type", reply.content_type});
  response.body = std::move(reply.body);
  respond(std::move(response));
}

Reply RestCore::AdminRoute(const net::HttpRequest& request) {
  std::vector<std::string_view> seg = Segments(request.path());  // _sim rest <what>
  if (seg.size() != 3) return ErrorReply(404, 0, "404: Not Found");
  std::string_view what = seg[2];
  const std::string& method = request.method;
  if (method == "GET" && what == "stats") return JsonReply(200, RenderStatsJson());
  if (method == "GET" && what == "routes") {
    std::string out;
    JsonWriter w(&out);
    w.BeginArray();
    for (const RouteDef& r : Routes()) {
      int b = limits_.BucketIndex(r.bucket);
      w.BeginObject().Key("method").String(r.method).Key("route").String(r.pattern);
      w.Key("bucket").String(r.bucket);
      w.Key("limit").UInt(limits_.bucket(b).limit);
      w.Key("window_ms")
          .Int(std::chrono::duration_cast<std::chrono::milliseconds>(limits_.bucket(b).window)
                   .count());
      w.Key("global_exempt").Bool(r.auth == Auth::kToken);
      if (!r.method_name.empty()) w.Key("gateway_rest").String(r.method_name);
      w.EndObject();
    }
    w.EndArray();
    return JsonReply(200, std::move(out));
  }
  if (method != "POST") return ErrorReply(405, 0, "405: Method Not Allowed");
  if (what == "reset") {
    limits_.Reset();
    fault_remaining_ = 0;
    fault_status_ = 0;
    return JsonReply(200, R"({"ok":true})");
  }
  dom::parser parser;
  dom::element body;
  std::string text = request.body.empty() ? std::string("{}") : request.body;
  if (parser.parse(text).get(body) != simdjson::SUCCESS || !IsObject(body)) {
    return ErrorReply(400, 50109, "The request body contains invalid JSON.");
  }
  FormErrors errors;
  Fields f(body, &errors);
  if (what == "faults") {
    f.Require("status");
    auto status = f.Int("status", 500, 599);
    auto count = f.Int("count", 0, 1'000'000'000);
    if (!errors.empty()) return FormErrorReply(errors);
    fault_status_ = static_cast<int>(*status);
    fault_remaining_ = static_cast<uint64_t>(count.value_or(1));
    return JsonReply(200, R"({"ok":true})");
  }
  if (what == "latency") {
    auto ms = f.Int("ms", 0, 600'000);
    if (!errors.empty()) return FormErrorReply(errors);
    options_.added_latency = std::chrono::milliseconds(ms.value_or(0));
    return JsonReply(200, R"({"ok":true})");
  }
  if (what == "buckets") {
    auto limit = f.Int("limit", 1, 1'000'000);
    auto window = f.Int("window_ms", 1, 86'400'000);
    auto global = f.Int("global", 1, 1'000'000);
    auto bot = f.Id("bot");
    auto name = f.String("bucket", 1, 100);
    auto route_method = f.String("method", 1, 10);
    auto route = f.String("route", 1, 200);
    if (!errors.empty()) return FormErrorReply(errors);
    if (global) {
      if (bot) {
        limits_.SetGlobalLimit(*bot, static_cast<uint32_t>(*global));
      } else {
        for (const Bot& b : world_.bots()) {
          limits_.SetGlobalLimit(b.id.value(), static_cast<uint32_t>(*global));
        }
      }
      return JsonReply(200, R"({"ok":true})");
    }
    std::string bucket_name = name.value_or("");
    if (route_method && route) {
      for (const RouteDef& r : Routes()) {
        if (r.method == *route_method && r.pattern == *route) bucket_name = std::string(r.bucket);
      }
    }
    int index = limits_.BucketIndex(bucket_name);
    if (index < 0) return ErrorReply(404, 0, "unknown bucket or route");
    const BucketSpec& old = limits_.bucket(index);
    limits_.OverrideBucket(index, limit ? static_cast<uint32_t>(*limit) : old.limit,
                           window ? Duration(std::chrono::milliseconds(*window)) : old.window);
    std::string out;
    JsonWriter w(&out);
    w.BeginObject().Key("bucket").String(limits_.bucket(index).name);
    w.Key("limit").UInt(limits_.bucket(index).limit);
    w.Key("window_ms")
        .Int(std::chrono::duration_cast<std::chrono::milliseconds>(limits_.bucket(index).window)
                 .count());
    w.EndObject();
    return JsonReply(200, std::move(out));
  }
  if (what == "interactions") return AdminCreateInteraction(body);
  return ErrorReply(404, 0, "404: Not Found");
}

}  // namespace rest_internal
}  // namespace pylon::sim
