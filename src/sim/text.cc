// Copyright 2026 The Pylon Gateway Authors.

#include "sim/text.h"

#include <cstring>
#include <iterator>

namespace pylon::sim {
namespace {

constexpr std::string_view kWords[] = {
    "the",     "a",      "and",    "to",   "of",     "is",     "in",    "it",    "you",
    "that",    "was",    "for",    "on",   "are",    "with",   "they",  "be",    "at",
    "one",     "have",   "this",   "from", "hey",    "lol",    "yeah",  "game",  "play",
    "tonight", "who",    "wants",  "raid", "server", "bot",    "ping",  "gg",    "nice",
    "build",   "update", "patch",  "meme", "music",  "stream", "later", "maybe", "sure",
    "thanks",  "please", "check",  "this", "out",    "new",    "map",   "team",  "win",
    "lost",    "again",  "coffee", "code", "deploy", "broke",  "fixed", "works", "today",
    "what",    "when",   "where",  "why",  "how",    "cool",   "wow",   "ok",    "brb",
};
constexpr std::string_view kAdjectives[] = {
    "quiet", "brave", "lucky", "rapid", "sunny", "misty", "cosmic", "silent", "happy", "wild",
    "tiny",  "giant", "lazy",  "eager", "fuzzy", "shiny", "frozen", "golden", "dark",  "neon",
};
constexpr std::string_view kNouns[] = {
    "fox",   "wolf",  "owl",  "cat",  "otter", "panda", "raven",  "tiger",  "moth", "crab",
    "comet", "pixel", "rock", "leaf", "storm", "ghost", "knight", "wizard", "bear", "hawk",
};
constexpr std::string_view kGuildTopics[] = {
    "Gamers",       "Coders",       "Artists",   "Anime Club",  "Study Group",
    "Music Lounge", "Speedrunners", "Book Club", "Crypto Talk", "Photography",
    "Modding",      "Esports",      "Memes",     "Homelab",
};
constexpr std::string_view kTextNames[] = {
    "general",       "random", "memes",  "off-topic", "announcements", "help", "media", "bot-spam",
    "introductions", "rules",  "events", "support",   "feedback",      "art",  "music", "clips",
};
constexpr std::string_view kVoiceNames[] = {
    "General", "Gaming", "Music", "Chill", "AFK", "Study", "Lounge", "Stage", "Duo", "Squad",
};
constexpr std::string_view kCategoryNames[] = {
    "TEXT CHANNELS", "VOICE CHANNELS", "COMMUNITY", "INFO", "GAMES", "ARCHIVE", "STAFF", "FUN",
};
constexpr std::string_view kRoleNames[] = {
    "Moderator", "Admin", "Member",  "VIP",      "Booster",    "Helper",   "Muted",    "Artist",
    "Developer", "Gamer", "Veteran", "Newcomer", "Event Host", "Streamer", "Verified", "Patron",
};
constexpr std::string_view kGames[] = {
    "Minecraft",      "Fortnite",     "Valorant",           "League of Legends",
    "Rocket League",  "Terraria",     "Counter-Strike 2",   "Elden Ring",
    "Stardew Valley", "Apex Legends", "Visual Studio Code",
};
constexpr std::string_view kListening[] = {"Spotify", "a podcast", "lofi beats", "YouTube Music"};
constexpr std::string_view kWatching[] = {"YouTube", "Twitch", "a movie", "the stream"};
constexpr std::string_view kCustom[] = {"Custom Status"};
constexpr std::string_view kEmojis[] = {
    "\xF0\x9F\x91\x8D", "\xE2\x9D\xA4\xEF\xB8\x8F", "\xF0\x9F\x98\x82", "\xF0\x9F\x94\xA5",
    "\xF0\x9F\x8E\x89", "\xF0\x9F\x91\x80",         "\xF0\x9F\x98\xAD", "\xF0\x9F\x92\xAF",
    "\xE2\x9C\x85",     "\xF0\x9F\x99\x8F",         "\xF0\x9F\xA4\x94", "\xF0\x9F\x98\x8E",
};

template <size_t N>
std::string_view Pick(Random& random, const std::string_view (&list)[N]) {
  return list[random.Below(N)];
}

std::string Capitalized(std::string_view word) {
  std::string out(word);
  if (!out.empty() && out[0] >= 'a' && out[0] <= 'z') out[0] = static_cast<char>(out[0] - 32);
  return out;
}

}  // namespace

void AppendSentence(Random& random, uint32_t words, std::string* out) {
  // Words are short: gather them in a buffer and append in few calls.
  char buffer[256];
  size_t n = 0;
  for (uint32_t i = 0; i < words; ++i) {
    std::string_view word = Pick(random, kWords);
    if (n + word.size() + 1 > sizeof(buffer)) {
      out->append(buffer, n);
      n = 0;
    }
    if (i > 0) buffer[n++] = ' ';
    std::memcpy(buffer + n, word.data(), word.size());
    n += word.size();
  }
  out->append(buffer, n);
}

std::string MakeUsername(Random& random, uint64_t serial) {
  std::string name(Pick(random, kAdjectives));
  name.append(Pick(random, kNouns));
  if (name.size() > 9) name.resize(9);
  name.append(std::to_string(serial));
  return name;
}

std::string MakeDisplayName(Random& random) {
  return Capitalized(Pick(random, kAdjectives)) + " " + Capitalized(Pick(random, kNouns));
}

std::string MakeGuildName(Random& random) {
  return Capitalized(Pick(random, kAdjectives)) + " " + std::string(Pick(random, kGuildTopics));
}

std::string MakeChannelName(Random& random, uint8_t channel_type, uint32_t serial) {
  std::string name;
  switch (channel_type) {
    case 2:
    case 13:
      name = Pick(random, kVoiceNames);
      break;
    case 4:
      name = Pick(random, kCategoryNames);
      break;
    default:
      name = Pick(random, kTextNames);
  }
  if (serial > 0) name += (channel_type == 4 ? " " : "-") + std::to_string(serial);
  return name;
}

std::string MakeRoleName(Random& random) { return std::string(Pick(random, kRoleNames)); }

std::string MakeEmojiName(Random& random, uint32_t serial) {
  return std::string(Pick(random, kNouns)) + "_" + std::to_string(serial);
}

std::string MakeThreadName(Random& random) {
  std::string name = Capitalized(Pick(random, kWords));
  name.push_back(' ');
  AppendSentence(random, 2 + static_cast<uint32_t>(random.Below(4)), &name);
  return name;
}

std::string_view MakeActivityName(Random& random, uint8_t type) {
  switch (type) {
    case 2:
      return Pick(random, kListening);
    case 3:
      return Pick(random, kWatching);
    case 4:
      return Pick(random, kCustom);
    default:
      return Pick(random, kGames);
  }
}

std::string MakeInviteCode(Random& random) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string code(8, ' ');
  for (char& c : code) c = kAlphabet[random.Below(62)];
  return code;
}

std::string_view RandomUnicodeEmoji(Random& random) { return Pick(random, kEmojis); }

void FormatHex32(uint64_t seed, char* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t words[2] = {Mix64(seed), Mix64(seed ^ 0xA5A5A5A5A5A5A5A5ull)};
  for (uint64_t word : words) {
    for (int shift = 60; shift >= 0; shift -= 4) *out++ = kHex[(word >> shift) & 0xF];
  }
}

std::string MakeBotToken(Random& random, uint64_t user_id) {
  static constexpr char kBase64[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id = std::to_string(user_id);
  std::string token;
  // base64 (unpadded) of the decimal id, as in real tokens.
  uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : id) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      token.push_back(kBase64[(buffer >> bits) & 63]);
    }
  }
  if (bits > 0) token.push_back(kBase64[(buffer << (6 - bits)) & 63]);
  token.push_back('.');
  for (int i = 0; i < 6; ++i) token.push_back(kBase64[random.Below(64)]);
  token.push_back('.');
  for (int i = 0; i < 38; ++i) token.push_back(kBase64[random.Below(64)]);
  return token;
}

}  // namespace pylon::sim
