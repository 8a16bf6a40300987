// Copyright 2026 The Pylon Gateway Authors.
// Ingest per core: what one shard's reactor spends per Discord event, from the compressed
// websocket message to the serialized EventEnvelope in the shard's event log
// (architecture §4: inflate -> parse -> cache apply -> envelope encode -> log), beside a baseline
// that only inflates and parses the same messages into a handler that does nothing (the floor no
// implementation can beat).
//
//   flock /tmp/pylon-build.lock cmake --build build/release -j2 --target ingest_bench
//   build/release/bench/ingest_bench
//
// PYLON_INGEST_EVENTS=n sets the events per capture; PYLON_INGEST_PASSES=full|baseline runs
// only one of the two passes (for perf record).
//
// The stream is captured first, client side, from the simulator over a loopback websocket
// (bench/stream_capture.h): 200 guilds, 100,000 members, one shard with GUILD_MEMBERS,
// GUILD_PRESENCES and MESSAGE_CONTENT (every intent 0-16), large_threshold 250; HELLO, READY,
// the GUILD_CREATEs and every guild's members (op 8 with presences), then PYLON_INGEST_EVENTS
// (default 100,000) steps of the EventGenerator — the default mix, or MESSAGE_CREATE only.
//
// Each iteration replays the whole capture through a fresh Inflater and GatewayParser, twice:
//   baseline: handler that does nothing;
//   full:     a Shard (not started: no socket) as the handler — its cache, envelope encoding and
//             event log —, so every event applies to a cache holding the guilds and members.
// Only the event messages are timed (thread CPU time); the setup (READY, GUILD_CREATEs, chunks)
// is replayed untimed, since the zlib / zstd context must have seen it. Iteration time is the
// full pass's CPU time (manual time): items_per_second is the full rate per CPU-second, and the
// counters give both rates and their ratio, measured in the same iteration.

#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include <benchmark/benchmark.h>

#include "discord/events.h"
#include "discord/identify_scheduler.h"
#include "discord/inflater.h"
#include "discord/json_parser.h"
#include "gateway/shard.h"
#include "runtime/reactor.h"
#include "stream_capture.h"

namespace pylon::bench {
namespace {

namespace pb = ::pylon::discord::pb;
using discord::GatewayEventHandler;

// The baseline's handler: takes every event and does nothing with it.
class NullHandler final : public GatewayEventHandler {
 public:
  void OnHello(uint32_t) override {}
  void OnHeartbeatAck() override {}
  void OnHeartbeatRequest() override {}
  void OnReconnect() override {}
  void OnInvalidSession(bool) override {}
  void OnSequence(uint64_t) override {}
  void OnReady(discord::ReadyEvent&) override {}
  void OnResumed() override {}
  void OnGuildCreate(discord::GuildCreateEvent&) override {}
  void OnGuildUpdate(discord::GuildUpdateEvent&) override {}
  void OnGuildDelete(discord::GuildDeleteEvent&) override {}
  void OnRoleCreate(discord::RoleEvent&) override {}
  void OnRoleUpdate(discord::RoleEvent&) override {}
  void OnRoleDelete(discord::RoleDeleteEvent&) override {}
  void OnChannelCreate(discord::ChannelEvent&) override {}
  void OnChannelUpdate(discord::ChannelEvent&) override {}
  void OnChannelDelete(discord::ChannelEvent&) override {}
  void OnThreadCreate(discord::ChannelEvent&) override {}
  void OnThreadUpdate(discord::ChannelEvent&) override {}
  void OnThreadDelete(discord::ThreadDeleteEvent&) override {}
  void OnThreadListSync(discord::ThreadListSyncEvent&) override {}
  void OnMemberAdd(discord::MemberEvent&) override {}
  void OnMemberUpdate(discord::MemberEvent&) override {}
  void OnMemberRemove(discord::MemberRemoveEvent&) override {}
  void OnMembersChunk(discord::MembersChunkEvent&) override {}
  void OnPresenceUpdate(discord::PresenceEvent&) override {}
  void OnVoiceStateUpdate(discord::VoiceStateEvent&) override {}
  void OnEmojisUpdate(discord::EmojisUpdateEvent&) override {}
  void OnUserUpdate(discord::UserUpdateEvent&) override {}
  void OnMessageCreate(discord::MessageCreateEvent&) override {}
  void OnMessageUpdate(discord::MessageUpdateEvent&) override {}
  void OnMessageDelete(discord::MessageDeleteEvent&) override {}
  void OnMessageDeleteBulk(discord::MessageDeleteBulkEvent&) override {}
  void OnReaction(discord::ReactionEvent&, pb::event::EventEnvelope&) override {}
  void OnPassthrough(std::string_view, GuildId, pb::event::EventEnvelope&) override {}
  void OnUnmodelled(std::string_view) override {}
  void OnMalformed(std::string_view, const Error&) override { ++malformed; }
  uint64_t malformed = 0;
};

// The Shard is never started, so it never asks.
class NullScheduler final : public discord::IdentifyScheduler {
 public:
  void Request(uint32_t, Reactor&, UniqueFunction<void(discord::IdentifyPermit)>) override {}
  void Cancel(uint32_t) override {}
};

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// PYLON_INGEST_PASSES=full (or baseline) runs only that pass (for profiling with perf).
bool RunPass(const char* pass) {
  const char* value = std::getenv("PYLON_INGEST_PASSES");
  return value == nullptr || std::string_view(value) == "both" || std::string_view(value) == pass;
}

uint64_t EventsPerCapture() {
  const char* value = std::getenv("PYLON_INGEST_EVENTS");
  return value != nullptr ? std::strtoull(value, nullptr, 10) : 100'000;
}

const CapturedStream& Stream(sim::Compression compression, bool message_create_only) {
  static std::map<std::pair<int, bool>, std::unique_ptr<CapturedStream>> captures;
  auto& slot = captures[{static_cast<int>(compression), message_create_only}];
  if (!slot) {
    CaptureOptions options;
    options.compression = compression;
    options.events = EventsPerCapture();
    options.mix = message_create_only ? sim::EventMix::Only(sim::EventKind::kMessageCreate)
                                      : sim::EventMix::Default();
    slot = std::make_unique<CapturedStream>(CaptureStream(options));
  }
  return *slot;
}

discord::TransportCompression EngineCompression(sim::Compression compression) {
  switch (compression) {
    case sim::Compression::kZlibStream:
      return discord::TransportCompression::kZlibStream;
    case sim::Compression::kZstdStream:
      return discord::TransportCompression::kZstdStream;
    case sim::Compression::kNone:
      break;
  }
  return discord::TransportCompression::kNone;
}

// Feeds websocket messages through inflater and parser into `handler`; returns the JSON bytes.
[[gnu::noinline]] uint64_t Replay(discord::Inflater& inflater, discord::GatewayParser& parser,
                                  GatewayEventHandler& handler,
                                  const std::vector<std::string>& frames) {
  uint64_t json_bytes = 0;
  discord::InflatedMessage message;
  for (const std::string& frame : frames) {
    Result<bool> ready = inflater.Feed(frame, &message);
    if (!ready.ok()) {
      std::fprintf(stderr, "ingest_bench: inflate: %s\n", ready.error().ToString().c_str());
      std::abort();
    }
    if (*ready) {
      json_bytes += message.size;
      (void)parser.Parse(message, handler);
    }
  }
  return json_bytes;
}

// The timed replay, under its own name so that profiles can tell it from the setup's.
[[gnu::noinline]] uint64_t ReplayTimed(discord::Inflater& inflater, discord::GatewayParser& parser,
                                       GatewayEventHandler& handler,
                                       const std::vector<std::string>& frames) {
  uint64_t json_bytes = Replay(inflater, parser, handler, frames);
  benchmark::DoNotOptimize(json_bytes);  // no tail call: keeps this frame on the stack
  return json_bytes;
}

// Every logged body must be a well-formed EventEnvelope in protobuf's canonical form (parsing and
// serializing it again gives the same bytes) holding an event with this bot's scope: guards the
// hand-built envelopes of the fast paths.
bool VerifyLog(const gateway::Shard& shard, uint64_t bot, std::string* error) {
  std::vector<gateway::LoggedEvent> events;
  shard.log().ReadAfter(shard.log().first_position() - 1, SIZE_MAX, &events);
  pb::event::EventEnvelope envelope;
  for (const gateway::LoggedEvent& event : events) {
    if (!envelope.ParseFromString(*event.body) || envelope.SerializeAsString() != *event.body) {
      *error = "event " + std::to_string(event.position) + " (" + std::string(event.type) +
               "): not a canonical EventEnvelope";
      return false;
    }
    if (event.type == "MESSAGE_CREATE" &&
        (!envelope.has_message_create_event() ||
         envelope.message_create_event().scope().bot_id() != bot ||
         envelope.message_create_event().scope().guild_id() != event.guild.value() ||
         !envelope.message_create_event().has_message_data() ||
         envelope.message_create_event().message_data().id() == 0)) {
      *error = "MESSAGE_CREATE " + std::to_string(event.position) + ": wrong envelope";
      return false;
    }
  }
  return true;
}

struct PassResult {
  std::string error;  // a failed VerifyLog
  double cpu_seconds = 0;
  uint64_t json_bytes = 0;
  uint64_t malformed = 0;
  uint64_t logged = 0;          // events the shard logged during the timed part
  uint64_t cached_members = 0;  // after the setup
  uint64_t cached_messages = 0;
};

PassResult Baseline(const CapturedStream& stream, discord::TransportCompression compression) {
  auto inflater = discord::Inflater::Create(compression);
  discord::GatewayParser parser;
  NullHandler handler;
  Replay(*inflater, parser, handler, stream.setup);
  PassResult result;
  const double start = ThreadCpuSeconds();
  result.json_bytes = ReplayTimed(*inflater, parser, handler, stream.events);
  result.cpu_seconds = ThreadCpuSeconds() - start;
  result.malformed = handler.malformed;
  return result;
}

PassResult Full(const CapturedStream& stream, discord::TransportCompression compression,
                bool verify) {
  Reactor reactor(0, "bench");  // never started: the shard's timers never fire
  NullScheduler scheduler;
  gateway::ShardConfig config;
  config.session.bot = BotId(stream.bot_user);
  config.session.intents = CaptureOptions().intents;
  config.session.compression = compression;
  auto shard = std::make_unique<gateway::Shard>(reactor, SystemClock(), config, scheduler, nullptr);
  GatewayEventHandler& handler = *shard;
  auto inflater = discord::Inflater::Create(compression);
  discord::GatewayParser parser;
  Replay(*inflater, parser, handler, stream.setup);
  PassResult result;
  gateway::ShardStats before = shard->Stats();
  result.cached_members = before.cache_counts.members;
  const double start = ThreadCpuSeconds();
  result.json_bytes = ReplayTimed(*inflater, parser, handler, stream.events);
  result.cpu_seconds = ThreadCpuSeconds() - start;
  gateway::ShardStats after = shard->Stats();
  result.malformed = after.malformed;
  result.logged = after.events_logged - before.events_logged;
  result.cached_messages = after.cache_counts.messages;
  if (verify) VerifyLog(*shard, stream.bot_user, &result.error);
  return result;
}

void BM_Ingest(benchmark::State& state, sim::Compression compression, bool message_create_only) {
  const CapturedStream& stream = Stream(compression, message_create_only);
  const discord::TransportCompression engine = EngineCompression(compression);
  double baseline_seconds = 0;
  double full_seconds = 0;
  PassResult last;
  bool first = true;  // the first iteration also checks every logged envelope (untimed)
  for (auto _ : state) {
    PassResult base = RunPass("baseline") ? Baseline(stream, engine) : PassResult{"", 1e-9};
    PassResult full = RunPass("full") ? Full(stream, engine, first) : PassResult{"", 1e-9};
    first = false;
    if (base.malformed != 0 || full.malformed != 0) {
      state.SkipWithError("malformed frames in the capture");
      return;
    }
    if (!full.error.empty()) {
      state.SkipWithError(full.error.c_str());
      return;
    }
    baseline_seconds += base.cpu_seconds;
    full_seconds += full.cpu_seconds;
    state.SetIterationTime(full.cpu_seconds);
    last = full;
  }
  const double events = static_cast<double>(state.iterations() * stream.events.size());
  state.SetItemsProcessed(static_cast<int64_t>(events));
  state.counters["baseline_ev_per_cpu_s"] = events / baseline_seconds;
  state.counters["full_ev_per_cpu_s"] = events / full_seconds;
  state.counters["ratio_full_to_baseline"] = baseline_seconds / full_seconds;
  state.counters["events"] = static_cast<double>(stream.events.size());
  state.counters["logged"] = static_cast<double>(last.logged);
  state.counters["wire_B_per_event"] =
      static_cast<double>(stream.event_bytes) / static_cast<double>(stream.events.size());
  state.counters["json_B_per_event"] =
      static_cast<double>(last.json_bytes) / static_cast<double>(stream.events.size());
  state.counters["cached_members"] = static_cast<double>(last.cached_members);
}

constexpr auto kZlib = sim::Compression::kZlibStream;
constexpr auto kZstd = sim::Compression::kZstdStream;
BENCHMARK_CAPTURE(BM_Ingest, zlib_message_create, kZlib, true)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ingest, zlib_default_mix, kZlib, false)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
// Without transport compression: what discord.js 14 gets by default (bench/discordjs_compare.mjs).
BENCHMARK_CAPTURE(BM_Ingest, none_default_mix, sim::Compression::kNone, false)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ingest, zstd_message_create, kZstd, true)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Ingest, zstd_default_mix, kZstd, false)
    ->UseManualTime()
    ->Iterations(5)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace pylon::bench

BENCHMARK_MAIN();
