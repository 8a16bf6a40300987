// Copyright 2026 The Pylon Gateway Authors.
// EventPump: runs the EventGenerator on the simulator's reactor at a set rate, flat out, or for a
// fixed number of events, yielding between batches so that sockets keep being served. Flat out
// waits while the gateway's unsent bytes are high (a client that cannot keep up must not make the
// simulator grow without bound). Single reactor, like the World.

#pragma once

#include <cstdint>
#include <optional>

#include "base/clock.h"
#include "runtime/reactor.h"
#include "sim/event_generator.h"
#include "sim/gateway.h"

namespace pylon::sim {

struct PumpSettings {
  double events_per_second = 0;  // 0 and !flat_out: paused
  bool flat_out = false;
  // Stop after this many more events (0: no limit).
  uint64_t remaining = 0;
};

class EventPump {
 public:
  EventPump(Reactor& reactor, const Clock& clock, EventGenerator& generator,
            GatewayServer& gateway);
  ~EventPump();

  void Configure(const PumpSettings& settings);
  const PumpSettings& settings() const { return settings_; }
  uint64_t generated() const { return generated_; }
  uint64_t errors() const { return errors_; }
  bool running() const { return running_; }

  // Unsent gateway bytes above which a flat-out pump waits.
  static constexpr size_t kHighWatermark = 32u << 20;

 private:
  void Tick();
  void Generate(uint64_t n);

  Reactor& reactor_;
  const Clock& clock_;
  EventGenerator& generator_;
  GatewayServer& gateway_;
  PumpSettings settings_;
  Timer timer_;
  bool running_ = false;
  MonoTime rate_start_{};
  uint64_t rate_generated_ = 0;  // since rate_start_
  uint64_t generated_ = 0;
  uint64_t errors_ = 0;
};

}  // namespace pylon::sim
