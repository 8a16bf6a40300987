// Copyright 2026 The Pylon Gateway Authors.
// Captures, client side, the exact websocket messages one gateway session receives from the
// simulator: an in-process SimServer-like setup (World, GatewayServer, EventGenerator on their own
// reactor, real loopback websocket), a client that identifies, asks for every guild's members
// (op 8, with presences) and then records what the EventGenerator's stream brings. The frames are
// compressed exactly as the session saw them (one zlib-stream / zstd-stream context for the whole
// connection), so they must be replayed in order through one fresh Inflater.
//
// For benchmarks only (bench/ingest_bench.cc). Blocking; call from a thread that is no reactor.

#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/event_generator.h"
#include "sim/stream_compressor.h"

namespace pylon::bench {

struct CaptureOptions {
  uint64_t world_seed = 1;
  uint32_t guilds = 200;
  uint64_t members = 100'000;
  sim::EventMix mix = sim::EventMix::Default();
  uint64_t generator_seed = 1;
  uint64_t events = 100'000;  // EventGenerator steps (the dispatches they cause are recorded)
  sim::Compression compression = sim::Compression::kZlibStream;
  int zlib_level = 6;  // the simulator's default
  int zstd_level = 3;  // the simulator's default
  // Every non-privileged intent (but GUILD_SCHEDULED_EVENTS... all of 0-16) plus MESSAGE_CONTENT:
  // GUILD_MEMBERS and GUILD_PRESENCES included.
  uint64_t intents = (uint64_t{1} << 17) - 1;
  uint32_t large_threshold = 250;
  bool request_all_members = true;  // op 8 for every guild after the GUILD_CREATEs
};

struct CapturedStream {
  // HELLO, READY, the GUILD_CREATEs and the GUILD_MEMBERS_CHUNKs, as received.
  std::vector<std::string> setup;
  // One websocket message per dispatch of the event stream.
  std::vector<std::string> events;
  uint64_t setup_bytes = 0;  // compressed
  uint64_t event_bytes = 0;  // compressed
  uint64_t bot_user = 0;     // the bot's user id (= its BotId)
  uint64_t guilds = 0;
  uint64_t members = 0;  // guild members in the world (bots included)
  uint64_t generator_fallbacks = 0;
};

// Aborts (with a message) when the capture fails: a benchmark cannot go on without it.
CapturedStream CaptureStream(const CaptureOptions& options);

}  // namespace pylon::bench
