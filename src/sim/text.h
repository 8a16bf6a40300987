// Copyright 2026 The Pylon Gateway Authors.
// Word lists and makers for the generated world's names and message content. Deterministic
// functions of the Random they are given; no state of their own.

#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "sim/random.h"

namespace pylon::sim {

// Appends `words` random words separated by spaces (message content).
void AppendSentence(Random& random, uint32_t words, std::string* out);
// A unique username: lower-case words plus `serial` ("quietfox4821"); at most 15 characters for
// serials below 10^6.
std::string MakeUsername(Random& random, uint64_t serial);
// A display name ("Quiet Fox").
std::string MakeDisplayName(Random& random);
std::string MakeGuildName(Random& random);
// A channel name fitting the type ("general", "lounge-3", "Gaming").
std::string MakeChannelName(Random& random, uint8_t channel_type, uint32_t serial);
std::string MakeRoleName(Random& random);
std::string MakeEmojiName(Random& random, uint32_t serial);
std::string MakeThreadName(Random& random);
// An activity (name, type) for a presence: 0 playing, 2 listening, 3 watching, 4 custom.
std::string_view MakeActivityName(Random& random, uint8_t type);
// Eight characters of [A-Za-z0-9] (an invite code).
std::string MakeInviteCode(Random& random);
// A Unicode emoji for reactions.
std::string_view RandomUnicodeEmoji(Random& random);
// Writes 32 lower-case hex digits derived from `seed` into out[0..31] (avatar hashes, voice
// session ids).
void FormatHex32(uint64_t seed, char* out);
inline void AppendHex32(uint64_t seed, std::string* out) {
  char buffer[32];
  FormatHex32(seed, buffer);
  out->append(buffer, sizeof(buffer));
}
// A bot token shaped like Discord's: base64(user id) "." 6 chars "." 38 chars.
std::string MakeBotToken(Random& random, uint64_t user_id);

}  // namespace pylon::sim
