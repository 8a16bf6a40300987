// Copyright 2026 The Pylon Gateway Authors.
// Discord gateway intents: the bits the control plane accepts in a BotSpec and the default it
// fills in. Header-only (constexpr data), so that pylonctl can name intents without linking the
// control plane.

#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace pylon::control {

struct IntentName {
  std::string_view name;
  uint64_t bit;
};

// Every intent Discord defines, by its name in Discord's documentation.
inline constexpr std::array<IntentName, 21> kIntentNames = {{
    {"GUILDS", 1ull << 0},
    {"GUILD_MEMBERS", 1ull << 1},  // privileged
    {"GUILD_MODERATION", 1ull << 2},
    {"GUILD_EXPRESSIONS", 1ull << 3},
    {"GUILD_INTEGRATIONS", 1ull << 4},
    {"GUILD_WEBHOOKS", 1ull << 5},
    {"GUILD_INVITES", 1ull << 6},
    {"GUILD_VOICE_STATES", 1ull << 7},
    {"GUILD_PRESENCES", 1ull << 8},  // privileged
    {"GUILD_MESSAGES", 1ull << 9},
    {"GUILD_MESSAGE_REACTIONS", 1ull << 10},
    {"GUILD_MESSAGE_TYPING", 1ull << 11},
    {"DIRECT_MESSAGES", 1ull << 12},
    {"DIRECT_MESSAGE_REACTIONS", 1ull << 13},
    {"DIRECT_MESSAGE_TYPING", 1ull << 14},
    {"MESSAGE_CONTENT", 1ull << 15},  // privileged
    {"GUILD_SCHEDULED_EVENTS", 1ull << 16},
    {"AUTO_MODERATION_CONFIGURATION", 1ull << 20},
    {"AUTO_MODERATION_EXECUTION", 1ull << 21},
    {"GUILD_MESSAGE_POLLS", 1ull << 24},
    {"DIRECT_MESSAGE_POLLS", 1ull << 25},
}};

constexpr uint64_t AllIntents() {
  uint64_t all = 0;
  for (const IntentName& intent : kIntentNames) all |= intent.bit;
  return all;
}

// Every defined bit; a BotSpec with any other bit set is refused.
inline constexpr uint64_t kAllIntents = AllIntents();
static_assert(kAllIntents == 53608447);

// The privileged intents: Discord closes the session with 4014 unless each is switched on for the
// application in the developer portal.
inline constexpr uint64_t kPrivilegedIntents = (1ull << 1) | (1ull << 8) | (1ull << 15);

// What a bot gets when its spec leaves `intents` out (and ControlOptions::default_intents is 0):
// everything the cache keeps and the usual bot needs — GUILDS, GUILD_MEMBERS, GUILD_MODERATION,
// GUILD_EXPRESSIONS, GUILD_INVITES, GUILD_VOICE_STATES, GUILD_PRESENCES, GUILD_MESSAGES,
// GUILD_MESSAGE_REACTIONS, DIRECT_MESSAGES and MESSAGE_CONTENT (38863). It includes the three
// privileged intents because the member and presence caches and message content need them; a bot
// not approved for them must be given explicit intents (Discord would close with 4014).
// Typing, webhooks, integrations, scheduled events, auto-moderation and polls are left out: they
// are high-volume or rarely used, and opt-in.
inline constexpr uint64_t kDefaultIntents = (1ull << 0) | (1ull << 1) | (1ull << 2) | (1ull << 3) |
                                            (1ull << 6) | (1ull << 7) | (1ull << 8) | (1ull << 9) |
                                            (1ull << 10) | (1ull << 12) | (1ull << 15);
static_assert(kDefaultIntents == 38863);

}  // namespace pylon::control
