// Copyright 2026 The Pylon Gateway Authors.

#include "app/metrics.h"

#include <cmath>
#include <cstdio>

#include "cache/shard_cache.h"

namespace pylon::app {
namespace {

void AppendEscaped(std::string* out, std::string_view value) {
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\n') {
      out->append("\\n");
    } else {
      out->push_back(c);
    }
  }
}

// name_bucket{..., le} (cumulative), name_sum and name_count of one histogram.
void WriteHistogram(MetricsWriter& w, std::string_view name, const std::string& bot,
                    const std::string& route, const rest::DurationHistogram& h) {
  const std::string bucket = std::string(name) + "_bucket";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < h.counts.size(); ++i) {
    cumulative += h.counts[i];
    char le[32];
    if (i < rest::DurationHistogram::kBoundsSeconds.size()) {
      std::snprintf(le, sizeof(le), "%g", rest::DurationHistogram::kBoundsSeconds[i]);
    } else {
      std::snprintf(le, sizeof(le), "+Inf");
    }
    w.Sample(bucket, {{"bot", bot}, {"route", route}, {"le", le}}, static_cast<double>(cumulative));
  }
  w.Sample(std::string(name) + "_sum", {{"bot", bot}, {"route", route}}, h.sum_seconds);
  w.Sample(std::string(name) + "_count", {{"bot", bot}, {"route", route}},
           static_cast<double>(h.count));
}

void WriteRestMetrics(MetricsWriter& w, const RestFigures& rest) {
  w.Family("pylon_rest_calls_total", "counter",
           "GatewayRest calls, and those answered locally before reaching a bot's queue.");
  w.Sample("pylon_rest_calls_total", {{"outcome", "received"}},
           static_cast<double>(rest.proxy.calls));
  w.Sample("pylon_rest_calls_total", {{"outcome", "invalid_request"}},
           static_cast<double>(rest.proxy.local_validation));
  w.Sample("pylon_rest_calls_total", {{"outcome", "permission_denied"}},
           static_cast<double>(rest.proxy.local_denied));
  w.Family("pylon_rest_requests_total", "counter",
           "Requests through a bot's rate limiter, by route and how they ended: Discord's status "
           "class, refused locally (rate limits, invalid-request guard, quarantine), or error "
           "(Discord unreachable).");
  for (const auto& b : rest.bots) {
    const std::string bot = b.bot.ToString();
    for (const auto& [route, m] : b.routes) {
      for (size_t i = 0; i < rest::kRestOutcomeCount; ++i) {
        if (m.requests[i] == 0) continue;
        w.Sample(
            "pylon_rest_requests_total",
            {{"bot", bot},
             {"route", route},
             {"outcome", std::string(rest::RestOutcomeName(static_cast<rest::RestOutcome>(i)))}},
            static_cast<double>(m.requests[i]));
      }
    }
  }
  w.Family("pylon_rest_discord_429_total", "counter",
           "429 answers from Discord, by route and scope (shared-scope ones cannot be avoided).");
  for (const auto& b : rest.bots) {
    const std::string bot = b.bot.ToString();
    for (const auto& [route, m] : b.routes) {
      std::pair<const char*, uint64_t> scopes[] = {{"user", m.discord_429_user},
                                                   {"global", m.discord_429_global},
                                                   {"shared", m.discord_429_shared}};
      for (const auto& [scope, n] : scopes) {
        if (n != 0) {
          w.Sample("pylon_rest_discord_429_total",
                   {{"bot", bot}, {"route", route}, {"scope", scope}}, static_cast<double>(n));
        }
      }
    }
  }
  w.Family("pylon_rest_discord_latency_seconds", "histogram",
           "Discord's answer time for each attempt, sent until answered.");
  for (const auto& b : rest.bots) {
    for (const auto& [route, m] : b.routes) {
      WriteHistogram(w, "pylon_rest_discord_latency_seconds", b.bot.ToString(), route,
                     m.discord_latency);
    }
  }
  w.Family("pylon_rest_queue_wait_seconds", "histogram",
           "Time a request waited for the rate limits before its first attempt.");
  for (const auto& b : rest.bots) {
    for (const auto& [route, m] : b.routes) {
      WriteHistogram(w, "pylon_rest_queue_wait_seconds", b.bot.ToString(), route, m.queue_wait);
    }
  }
  w.Family("pylon_rest_refused_total", "counter", "Requests a bot's limiter answered itself.");
  for (const auto& b : rest.bots) {
    const std::string bot = b.bot.ToString();
    std::pair<const char*, uint64_t> reasons[] = {
        {"deadline_at_submit", b.limiter.refused_at_submit},
        {"deadline_in_queue", b.limiter.refused_deadline},
        {"invalid_request_guard", b.limiter.refused_invalid_guard},
        {"quarantined_token", b.limiter.refused_quarantine}};
    for (const auto& [reason, n] : reasons) {
      w.Sample("pylon_rest_refused_total", {{"bot", bot}, {"reason", reason}},
               static_cast<double>(n));
    }
  }
  w.Family("pylon_rest_queued", "gauge", "Requests waiting in a bot's buckets.");
  for (const auto& b : rest.bots) {
    w.Sample("pylon_rest_queued", {{"bot", b.bot.ToString()}},
             static_cast<double>(b.limiter.queued));
  }
  w.Family("pylon_rest_in_flight", "gauge", "Requests of a bot sent to Discord, not answered.");
  for (const auto& b : rest.bots) {
    w.Sample("pylon_rest_in_flight", {{"bot", b.bot.ToString()}},
             static_cast<double>(b.limiter.in_flight));
  }
  w.Family("pylon_rest_invalid_requests", "gauge",
           "401, 403 and non-shared 429 answers in the bot's sliding window (Discord bans an "
           "address at 10,000 per 10 minutes).");
  for (const auto& b : rest.bots) {
    w.Sample("pylon_rest_invalid_requests", {{"bot", b.bot.ToString()}},
             static_cast<double>(b.limiter.invalid_in_window));
  }
  w.Family("pylon_rest_invalid_request_limit", "gauge",
           "Where the bot's invalid-request guard stops sending.");
  for (const auto& b : rest.bots) {
    w.Sample("pylon_rest_invalid_request_limit", {{"bot", b.bot.ToString()}},
             static_cast<double>(b.invalid_request_limit));
  }
}

}  // namespace

void MetricsWriter::Family(std::string_view name, std::string_view type, std::string_view help) {
  out_ += "# HELP ";
  out_ += name;
  out_ += ' ';
  out_ += help;
  out_ += "\n# TYPE ";
  out_ += name;
  out_ += ' ';
  out_ += type;
  out_ += '\n';
}

void MetricsWriter::Sample(std::string_view name,
                           std::initializer_list<std::pair<std::string_view, std::string>> labels,
                           double value) {
  out_ += name;
  if (labels.size() > 0) {
    out_ += '{';
    bool first = true;
    for (const auto& [key, label] : labels) {
      if (!first) out_ += ',';
      first = false;
      out_ += key;
      out_ += "=\"";
      AppendEscaped(&out_, label);
      out_ += '"';
    }
    out_ += '}';
  }
  char number[32];
  if (std::floor(value) == value && std::fabs(value) < 1e15) {
    std::snprintf(number, sizeof(number), " %.0f\n", value);
  } else {
    std::snprintf(number, sizeof(number), " %.6g\n", value);
  }
  out_ += number;
}

std::string RenderMetrics(const std::vector<gateway::ShardSummary>& shards,
                          const std::vector<dispatch::GroupStatusRow>& groups,
                          const RestFigures& rest) {
  MetricsWriter w;
  auto shard_labels = [](const gateway::ShardSummary& s) {
    return std::make_pair(s.id.bot.ToString(), s.id.shard.ToString());
  };
  // A family with one sample per shard, labelled by bot and shard.
  auto per_shard = [&](const char* name, const char* type, const char* help, auto value) {
    w.Family(name, type, help);
    for (const auto& s : shards) {
      auto [bot, shard] = shard_labels(s);
      w.Sample(name, {{"bot", bot}, {"shard", shard}}, static_cast<double>(value(s.stats)));
    }
  };
  using Stats = gateway::ShardStats;
  per_shard(
      "pylon_shard_ready", "gauge", "1 when the shard's gateway session is ready.",
      [](const Stats& s) { return s.session.state == discord::SessionState::kReady ? 1 : 0; });
  per_shard("pylon_shard_sequence", "gauge", "Last Discord sequence number received.",
            [](const Stats& s) { return s.session.sequence; });
  per_shard("pylon_shard_committed_sequence", "gauge",
            "The sequence a restart would resume from: every worker group acknowledged up to it.",
            [](const Stats& s) { return s.committed_sequence; });
  per_shard("pylon_shard_latency_milliseconds", "gauge", "Last heartbeat round trip.",
            [](const Stats& s) { return s.session.latency_ms; });
  per_shard("pylon_shard_events_total", "counter", "Events logged by the shard.",
            [](const Stats& s) { return s.events_logged; });
  per_shard("pylon_shard_events_overwritten_total", "counter",
            "Events pushed out of the shard's bounded log by newer ones (worker groups count "
            "what they had not read as pylon_worker_group_events_total{outcome=\"dropped\"}).",
            [](const Stats& s) { return s.events_overwritten; });
  per_shard("pylon_shard_event_log_bytes", "gauge",
            "Bytes of event bodies the shard's log holds (bounded by gateway.event_log_max_mib).",
            [](const Stats& s) { return s.event_log_bytes; });
  per_shard("pylon_shard_malformed_total", "counter", "Gateway frames that could not be parsed.",
            [](const Stats& s) { return s.malformed + s.session.malformed_frames; });
  w.Family("pylon_shard_unmodelled_events_total", "counter",
           "Dispatches the public event model does not carry, by Discord event name.");
  for (const auto& s : shards) {
    auto [bot, shard] = shard_labels(s);
    for (const auto& [name, count] : s.stats.unmodelled) {
      w.Sample("pylon_shard_unmodelled_events_total",
               {{"bot", bot}, {"shard", shard}, {"event", name}}, static_cast<double>(count));
    }
  }
  w.Family("pylon_shard_sessions_total", "counter", "Gateway connects, identifies and resumes.");
  for (const auto& s : shards) {
    auto [bot, shard] = shard_labels(s);
    w.Sample("pylon_shard_sessions_total", {{"bot", bot}, {"shard", shard}, {"kind", "connect"}},
             static_cast<double>(s.stats.session.connects));
    w.Sample("pylon_shard_sessions_total", {{"bot", bot}, {"shard", shard}, {"kind", "identify"}},
             static_cast<double>(s.stats.session.identifies));
    w.Sample("pylon_shard_sessions_total", {{"bot", bot}, {"shard", shard}, {"kind", "resume"}},
             static_cast<double>(s.stats.session.resumes));
    w.Sample("pylon_shard_sessions_total", {{"bot", bot}, {"shard", shard}, {"kind", "zombie"}},
             static_cast<double>(s.stats.session.zombies));
  }
  w.Family("pylon_cache_objects", "gauge", "Objects in a shard's cache, by kind.");
  for (const auto& s : shards) {
    auto [bot, shard] = shard_labels(s);
    const auto& c = s.stats.cache_counts;
    std::pair<const char*, uint64_t> kinds[] = {
        {"guilds", c.guilds},    {"channels", c.channels},   {"members", c.members},
        {"users", c.users},      {"presences", c.presences}, {"voice_states", c.voice_states},
        {"messages", c.messages}};
    for (const auto& [kind, n] : kinds) {
      w.Sample("pylon_cache_objects", {{"bot", bot}, {"shard", shard}, {"kind", kind}},
               static_cast<double>(n));
    }
  }
  w.Family("pylon_worker_group_events_total", "counter",
           "Events by worker group: delivered to a consumer, acknowledged, redelivered, dropped.");
  for (const auto& g : groups) {
    w.Sample("pylon_worker_group_events_total", {{"group", g.name}, {"outcome", "delivered"}},
             static_cast<double>(g.delivered));
    w.Sample("pylon_worker_group_events_total", {{"group", g.name}, {"outcome", "acked"}},
             static_cast<double>(g.acked));
    w.Sample("pylon_worker_group_events_total", {{"group", g.name}, {"outcome", "redelivered"}},
             static_cast<double>(g.redelivered));
    w.Sample("pylon_worker_group_events_total", {{"group", g.name}, {"outcome", "dropped"}},
             static_cast<double>(g.dropped));
  }
  w.Family("pylon_worker_group_pending", "gauge", "Events queued for a group's consumers.");
  for (const auto& g : groups) {
    w.Sample("pylon_worker_group_pending", {{"group", g.name}}, static_cast<double>(g.pending));
  }
  w.Family("pylon_worker_group_log_reads_total", "counter",
           "Reads of shard event logs by a worker group (each takes up to read_batch events).");
  for (const auto& g : groups) {
    w.Sample("pylon_worker_group_log_reads_total", {{"group", g.name}},
             static_cast<double>(g.log_reads));
  }
  w.Family("pylon_worker_group_consumers", "gauge", "Consumers attached to a worker group.");
  for (const auto& g : groups) {
    double attached = 0;
    for (const auto& c : g.consumers) attached += c.attached ? 1 : 0;
    w.Sample("pylon_worker_group_consumers", {{"group", g.name}}, attached);
  }
  WriteRestMetrics(w, rest);
  return w.Take();
}

}  // namespace pylon::app
