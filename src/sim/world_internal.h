// Copyright 2026 The Pylon Gateway Authors.
// Helpers shared by the World's implementation files and the event generator. Not a public API.

#pragma once

#include <cstdint>

#include "sim/random.h"
#include "sim/world_types.h"

namespace pylon::sim {

// A random presence with `status` (platforms, maybe one activity started before `now_ms`).
Presence MakePresence(Random& random, PresenceStatus status, double activity_share, int64_t now_ms);

}  // namespace pylon::sim
