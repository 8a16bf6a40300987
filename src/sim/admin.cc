// Copyright 2026 The Pylon Gateway Authors.

#include "sim/admin.h"

#include <simdjson.h>

#include "base/json_writer.h"
#include "base/log.h"

namespace pylon::sim {
namespace {

namespace dom = simdjson::dom;

std::pair<std::string_view, std::string_view> SplitTarget(std::string_view target) {
  size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string_view Param(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view("1") : pair.substr(eq + 1);
    }
    if (amp == std::string_view::npos) break;
    query.remove_prefix(amp + 1);
  }
  return {};
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

std::optional<int64_t> IntField(dom::element object, std::string_view key) {
  dom::element e;
  if (object[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return i;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) return static_cast<int64_t>(d);
  std::string_view s;
  if (e.get_string().get(s) == simdjson::SUCCESS) {
    auto parsed = Snowflake::Parse(s);
    if (parsed.ok()) return static_cast<int64_t>(parsed->value());
  }
  return std::nullopt;
}

std::optional<double> DoubleField(dom::element object, std::string_view key) {
  dom::element e;
  if (object[key].get(e) != simdjson::SUCCESS) return std::nullopt;
  double d;
  if (e.get_double().get(d) == simdjson::SUCCESS) return d;
  int64_t i;
  if (e.get_int64().get(i) == simdjson::SUCCESS) return static_cast<double>(i);
  return std::nullopt;
}

std::optional<std::string_view> StringField(dom::element object, std::string_view key) {
  std::string_view s;
  if (object[key].get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::optional<bool> BoolField(dom::element object, std::string_view key) {
  bool b;
  if (object[key].get_bool().get(b) != simdjson::SUCCESS) return std::nullopt;
  return b;
}

Result<GatewayFault::Kind> ParseFaultKind(std::string_view kind) {
  using K = GatewayFault::Kind;
  if (kind == "drop") return K::kDrop;
  if (kind == "close") return K::kClose;
  if (kind == "reconnect") return K::kReconnect;
  if (kind == "invalid_session") return K::kInvalidSession;
  if (kind == "stop_acks") return K::kStopAcks;
  if (kind == "resume_acks") return K::kResumeAcks;
  if (kind == "delay") return K::kDelay;
  if (kind == "malformed") return K::kMalformed;
  if (kind == "request_heartbeat") return K::kRequestHeartbeat;
  return InvalidArgument("unknown fault kind '" + std::string(kind) +
                         "' (drop, close, reconnect, invalid_session, stop_acks, resume_acks, "
                         "delay, malformed, request_heartbeat)");
}

}  // namespace

net::HttpResponse JsonResponse(int status, std::string body) {
  net::HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", "application/json"});
  response.body = std::move(body);
  return response;
}

net::HttpResponse JsonError(int status, std::string_view message, int code) {
  std::string body;
  JsonWriter(&body).BeginObject().Key("message").String(message).Key("code").Int(code).EndObject();
  return JsonResponse(status, std::move(body));
}

struct AdminApi::Schedule {
  explicit Schedule(Reactor& reactor) : timer(reactor) {}
  SessionFilter filter;
  GatewayFault fault;
  Duration every{};
  uint64_t remaining = 0;  // 0: forever
  Timer timer;
};

AdminApi::AdminApi(Reactor& reactor, World& world, GatewayServer& gateway, EventPump& pump,
                   EventGenerator& generator)
    : reactor_(reactor), world_(world), gateway_(gateway), pump_(pump), generator_(generator) {}

AdminApi::~AdminApi() = default;

void AdminApi::Handle(const net::HttpRequest& request,
                      UniqueFunction<void(net::HttpResponse)> respond) {
  respond(Route(request));
}

net::HttpResponse AdminApi::Route(const net::HttpRequest& request) {
  auto [path, query] = SplitTarget(request.target);
  std::vector<std::string_view> seg = Segments(path);  // seg[0] == "_sim"
  const std::string& method = request.method;
  auto is = [&](std::initializer_list<std::string_view> want) {
    if (seg.size() != want.size() + 1) return false;
    size_t i = 1;
    for (std::string_view w : want) {
      if (w != "*" && seg[i] != w) return false;
      ++i;
    }
    return true;
  };

  if (method == "GET" && is({"health"})) return JsonResponse(200, R"({"ok":true})");
  if (method == "GET" && is({"world", "summary"})) {
    return JsonResponse(200, world_.RenderSummary());
  }
  if (method == "GET" && is({"world", "truth"})) {
    return JsonResponse(200, world_.RenderWorldTruth(!Param(query, "messages").empty()));
  }
  if (method == "GET" && is({"world", "check"})) {
    Status status = world_.CheckInvariants();
    if (status.ok()) return JsonResponse(200, R"({"ok":true})");
    return JsonError(500, status.error().ToString());
  }
  if (method == "GET" && (is({"guilds", "*", "truth"}) || is({"guilds", "*", "ids", "*"}))) {
    auto id = GuildId::Parse(seg[2]);
    const Guild* guild = id.ok() ? world_.FindGuild(*id) : nullptr;
    if (guild == nullptr) return JsonError(404, "Unknown Guild", 10004);
    if (seg[3] == "truth") {
      return JsonResponse(200, world_.RenderGuildTruth(*guild, !Param(query, "messages").empty()));
    }
    static const std::pair<std::string_view, ObjectKind> kKinds[] = {
        {"channels", ObjectKind::kChannels},
        {"threads", ObjectKind::kThreads},
        {"roles", ObjectKind::kRoles},
        {"emojis", ObjectKind::kEmojis},
        {"members", ObjectKind::kMembers},
        {"presences", ObjectKind::kPresences},
        {"voice_states", ObjectKind::kVoiceStates},
        {"bans", ObjectKind::kBans},
        {"invites", ObjectKind::kInvites},
    };
    for (const auto& [name, kind] : kKinds) {
      if (seg[4] == name) return JsonResponse(200, world_.RenderIdList(*guild, kind));
    }
    return JsonError(404, "unknown kind");
  }
  if (method == "GET" && is({"bots"})) {
    // The simulator's fake tokens are shown here on purpose: tests and the demo add bots with them.
    std::string body;
    JsonWriter w(&body);
    w.BeginArray();
    for (const Bot& bot : world_.bots()) {
      w.BeginObject().Key("id").Id(bot.id).Key("application_id").Id(bot.application);
      w.Key("username").String(world_.user(bot.user).username);
      w.Key("token").String(bot.token.reveal());
      w.Key("guilds").UInt(bot.guilds.size());
      w.Key("allowed_intents").UInt(bot.allowed_intents);
      w.EndObject();
    }
    w.EndArray();
    return JsonResponse(200, std::move(body));
  }
  if (method == "GET" && is({"gateway", "identifies"})) {
    return JsonResponse(200, gateway_.RenderIdentifiesJson());
  }
  if (method == "GET" && is({"gateway", "resumes"})) {
    return JsonResponse(200, gateway_.RenderResumesJson());
  }
  if (method == "GET" && is({"gateway", "stats"})) {
    return JsonResponse(200, gateway_.RenderStatsJson());
  }
  if (method == "GET" && is({"gateway", "sessions"})) {
    SessionFilter filter;
    if (auto bot = BotId::Parse(Param(query, "bot")); bot.ok()) filter.bot = *bot;
    if (auto shard = Param(query, "shard"); !shard.empty()) {
      filter.shard = static_cast<uint32_t>(std::strtoul(std::string(shard).c_str(), nullptr, 10));
    }
    return JsonResponse(200, gateway_.RenderSessionsJson(filter));
  }
  if (method == "GET" && is({"gateway", "sessions", "*", "events"})) {
    return JsonResponse(200, gateway_.RenderSessionEventsJson(std::string(seg[3])));
  }
  if (method == "POST" && is({"gateway", "faults"})) return InjectFault(request.body);
  if (method == "POST" && is({"gateway", "record"})) {
    dom::parser parser;
    dom::element body;
    if (parser.parse(request.body).get(body) != simdjson::SUCCESS) {
      return JsonError(400, "invalid JSON body", 50109);
    }
    gateway_.RecordEvents(BoolField(body, "on").value_or(true),
                          static_cast<size_t>(IntField(body, "limit").value_or(1'000'000)));
    return JsonResponse(200, R"({"ok":true})");
  }
  if (method == "POST" &&
      (is({"gateway", "bots", "*", "settings"}) || is({"gateway", "bots", "*", "budget"}))) {
    auto bot = BotId::Parse(seg[3]);
    if (!bot.ok() || world_.FindBot(UserId(bot->value())) == nullptr) {
      return JsonError(404, "Unknown bot");
    }
    dom::parser parser;
    dom::element body;
    if (parser.parse(request.body).get(body) != simdjson::SUCCESS) {
      return JsonError(400, "invalid JSON body", 50109);
    }
    if (seg[4] == "budget") {
      auto remaining = IntField(body, "remaining");
      gateway_.ResetSessionBudget(*bot,
                                  remaining ? std::optional<uint32_t>(*remaining) : std::nullopt);
    } else {
      BotGatewaySettings settings;
      settings.max_concurrency =
          static_cast<uint32_t>(IntField(body, "max_concurrency").value_or(0));
      settings.shard_multiple = static_cast<uint32_t>(IntField(body, "shard_multiple").value_or(1));
      if (auto shards = IntField(body, "recommended_shards")) {
        settings.recommended_shards = static_cast<uint32_t>(*shards);
      }
      gateway_.SetBotSettings(*bot, settings);
    }
    return JsonResponse(200, R"({"ok":true})");
  }
  if (method == "GET" && is({"events"})) {
    std::string body;
    JsonWriter w(&body);
    w.BeginObject().Key("generated").UInt(pump_.generated()).Key("errors").UInt(pump_.errors());
    w.Key("running").Bool(pump_.running());
    w.Key("rate").Double(pump_.settings().events_per_second);
    w.Key("flat_out").Bool(pump_.settings().flat_out);
    w.Key("dispatches_sent").UInt(gateway_.dispatches_sent());
    w.Key("by_kind").BeginObject();
    const auto& stats = generator_.stats();
    for (size_t i = 0; i < kEventKindCount; ++i) {
      w.Key(EventKindName(static_cast<EventKind>(i))).UInt(stats.applied[i]);
    }
    w.EndObject().EndObject();
    return JsonResponse(200, std::move(body));
  }
  if (method == "POST" && is({"events"})) {
    dom::parser parser;
    dom::element body;
    if (parser.parse(request.body).get(body) != simdjson::SUCCESS) {
      return JsonError(400, "invalid JSON body", 50109);
    }
    PumpSettings settings;
    settings.events_per_second = DoubleField(body, "rate").value_or(0);
    settings.flat_out = BoolField(body, "flat_out").value_or(false);
    settings.remaining = static_cast<uint64_t>(IntField(body, "count").value_or(0));
    if (settings.remaining > 0 && settings.events_per_second == 0 && !settings.flat_out) {
      settings.flat_out = true;  // "count" alone: that many, as fast as possible
    }
    if (settings.events_per_second < 0) return JsonError(400, "rate must be >= 0");
    pump_.Configure(settings);
    return JsonResponse(200, R"({"ok":true})");
  }
  return JsonError(404, "404: Not Found");
}

net::HttpResponse AdminApi::InjectFault(const std::string& text) {
  dom::parser parser;
  dom::element body;
  if (parser.parse(text).get(body) != simdjson::SUCCESS ||
      body.type() != dom::element_type::OBJECT) {
    return JsonError(400, "invalid JSON body", 50109);
  }
  auto kind_name = StringField(body, "kind");
  if (!kind_name) return JsonError(400, "missing 'kind'");
  auto kind = ParseFaultKind(*kind_name);
  if (!kind.ok()) return JsonError(400, kind.error().message());
  GatewayFault fault;
  fault.kind = *kind;
  fault.code = static_cast<uint16_t>(IntField(body, "code").value_or(4000));
  fault.reason = std::string(StringField(body, "reason").value_or(""));
  fault.resumable = BoolField(body, "resumable").value_or(false);
  fault.delay = std::chrono::milliseconds(IntField(body, "delay_ms").value_or(0));
  SessionFilter filter;
  if (auto bot = IntField(body, "bot")) filter.bot = BotId(static_cast<uint64_t>(*bot));
  if (auto shard = IntField(body, "shard")) filter.shard = static_cast<uint32_t>(*shard);
  filter.session_id = std::string(StringField(body, "session_id").value_or(""));
  auto every_ms = IntField(body, "every_ms");
  if (every_ms && *every_ms > 0) {
    auto schedule = std::make_unique<Schedule>(reactor_);
    schedule->filter = filter;
    schedule->fault = fault;
    schedule->every = std::chrono::milliseconds(*every_ms);
    schedule->remaining = static_cast<uint64_t>(IntField(body, "times").value_or(0));
    schedules_.push_back(std::move(schedule));
    size_t index = schedules_.size() - 1;
    schedules_[index]->timer.RunAfter(schedules_[index]->every,
                                      [this, index] { RunSchedule(index); });
    std::string out;
    JsonWriter(&out).BeginObject().Key("scheduled").UInt(index).EndObject();
    return JsonResponse(200, std::move(out));
  }
  int hit = gateway_.InjectFault(filter, fault);
  std::string out;
  JsonWriter(&out).BeginObject().Key("connections").Int(hit).EndObject();
  return JsonResponse(200, std::move(out));
}

void AdminApi::RunSchedule(size_t index) {
  Schedule& s = *schedules_[index];
  gateway_.InjectFault(s.filter, s.fault);
  if (s.remaining > 0 && --s.remaining == 0) return;
  s.timer.RunAfter(s.every, [this, index] { RunSchedule(index); });
}

}  // namespace pylon::sim
