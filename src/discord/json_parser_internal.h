// Copyright 2026 The Pylon Gateway Authors.
// Internals of GatewayParser (json_parser.h), shared by its translation units:
//   json_parser.cc              frames, event names, emission to the handler
//   json_parser_model.cc        model structs (model.h) and the events made of them
//   json_parser_message.cc      protobuf MessageData, UserData, MemberData, ChannelData, RoleData
//   json_parser_passthrough.cc  reactions and the events parsed straight into EventEnvelope
//
// Conventions of every Parse*/Read* function here: returns true on success; on failure records
// the reason in the ParseContext and returns false, and each enclosing object or array adds its
// key or index on the way out, so the error names the full path ("author.id: expected a
// string, got a number"). Nothing throws (simdjson is used through error codes only).
//
// Leniency: null is accepted wherever a value is optional and means "absent" (0, false, empty);
// any other wrong type is an error, except in presences (see json_parser_model.cc).

#pragma once

#include <simdjson.h>

#include <bit>
#include <bitset>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/short_string.h"
#include "discord/events.h"
#include "discord/model.h"

namespace pylon::discord::json_internal {

namespace sj = ::simdjson::ondemand;

static_assert(std::endian::native == std::endian::little, "key hashing assumes little endian");

// ---- Errors ------------------------------------------------------------------------------------

// The first failure of a parse and the path to it. Cheap when nothing fails.
class ParseContext {
 public:
  void Reset() {
    reason_.clear();
    path_.clear();
  }
  bool failed() const { return !reason_.empty(); }

  // Records `reason` (the first one wins) and returns false.
  bool Fail(std::string_view reason) {
    if (reason_.empty()) reason_.assign(reason.empty() ? "invalid" : reason);
    return false;
  }
  bool Fail(simdjson::error_code code) { return Fail(simdjson::error_message(code)); }
  // "expected <what>, got <the JSON type of v>".
  bool Expected(sj::value& v, const char* what);
  // Adds the enclosing key / array index to the path; returns false.
  bool In(std::string_view key) {
    path_.emplace_back(key);
    return false;
  }
  bool At(size_t index) {
    path_.push_back("[" + std::to_string(index) + "]");
    return false;
  }
  // "a.b[2].c: reason" (or just the reason at the top level).
  std::string Describe() const;

 private:
  std::string reason_;
  std::vector<std::string> path_;  // innermost first
};

// ---- Keys --------------------------------------------------------------------------------------

// A hash of an object key for `switch`: its length and first and last 8 bytes. Every switch
// confirms the key with a comparison, so collisions only cost time (and duplicate case labels in
// one switch fail to compile).
constexpr uint64_t KeyMix(uint64_t head, uint64_t tail, uint64_t size) {
  uint64_t h = head * 0x9E3779B97F4A7C15ull ^ tail * 0xC2B2AE3D27D4EB4Full ^ size;
  return h ^ (h >> 29);
}
constexpr uint64_t KeyHash(std::string_view key) {
  uint64_t head = 0, tail = 0;
  for (size_t i = 0; i < key.size() && i < 8; ++i) {
    head |= uint64_t{static_cast<uint8_t>(key[i])} << (8 * i);
  }
  if (key.size() > 8) {
    for (size_t i = 0; i < 8; ++i) {
      tail |= uint64_t{static_cast<uint8_t>(key[key.size() - 8 + i])} << (8 * i);
    }
  }
  return KeyMix(head, tail, key.size());
}
// True when one of the 8 bytes of `word` is `byte`.
constexpr bool HasByte(uint64_t word, uint8_t byte) {
  uint64_t x = word ^ (0x0101010101010101ull * byte);
  return ((x - 0x0101010101010101ull) & ~x & 0x8080808080808080ull) != 0;
}

// In a `switch (hash)` over the keys of an object, with `key` in scope:
//   PYLON_JSON_KEY("id") return ReadSnowflake(...);
#define PYLON_JSON_KEY(literal)                           \
  case ::pylon::discord::json_internal::KeyHash(literal): \
    if (key != std::string_view(literal)) break;

// The key of `field`: as written in the input when it has no escapes (the usual case), else
// unescaped into the parser's string buffer. The key's end is found from the value's position
// (only spaces and the colon lie between them), not by scanning the key.
[[gnu::always_inline]] inline bool ReadKey(sj::field& field, std::string_view* key, uint64_t* hash,
                                           ParseContext& ctx) {
  const char* begin = field.key().raw();
  const char* end = field.value().raw_json_token().data() - 1;
  while (*end != ':') --end;
  --end;
  while (*end != '"') --end;
  size_t size = static_cast<size_t>(end - begin);
  // The input is padded: 8-byte loads at the key never leave the buffer.
  uint64_t head, tail = 0;
  std::memcpy(&head, begin, 8);
  if (size < 8) head &= (uint64_t{1} << (8 * size)) - 1;
  if (size > 8) std::memcpy(&tail, begin + size - 8, 8);
  bool escaped = size <= 16 ? HasByte(head, '\\') || HasByte(tail, '\\')
                            : std::memchr(begin, '\\', size) != nullptr;
  if (!escaped) {
    *key = std::string_view(begin, size);
    *hash = KeyMix(head, tail, size);
    return true;
  }
  if (auto error = field.unescaped_key().get(*key)) return ctx.Fail(error);
  *hash = KeyHash(*key);
  return true;
}

// ---- Values ------------------------------------------------------------------------------------

// The first byte of a value (nothing consumed).
inline char FirstChar(sj::value& v) { return *v.raw_json_token().data(); }

// Consumes a null; false (nothing consumed) for any other value.
inline bool TakeNull(sj::value& v, char first) {
  if (first != 'n') return false;
  bool is_null = false;
  return !v.is_null().get(is_null) && is_null;
}
inline bool TakeNull(sj::value& v) { return TakeNull(v, FirstChar(v)); }

inline bool IsJsonSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

// A string value, given its raw token (the string, its quotes, trailing spaces). The view points
// into the input when the string has no escapes (no copy), else into the parser's string buffer;
// either way valid until the document is rewound or replaced.
inline bool ReadStringToken(sj::value& v, std::string_view token, std::string_view* out,
                            ParseContext& ctx) {
  if (token[0] != '"') return ctx.Expected(v, "a string");
  size_t end = token.size();
  while (end > 1 && IsJsonSpace(token[end - 1])) --end;
  if (end >= 2 && token[end - 1] == '"') {
    std::string_view body = token.substr(1, end - 2);
    if (std::memchr(body.data(), '\\', body.size()) == nullptr) {
      sj::raw_json_string raw;
      if (auto error = v.get_raw_json_string().get(raw)) return ctx.Fail(error);
      *out = body;
      return true;
    }
  }
  if (auto error = v.get_string().get(*out)) return ctx.Fail(error);
  return true;
}
inline bool ReadString(sj::value& v, std::string_view* out, ParseContext& ctx) {
  return ReadStringToken(v, v.raw_json_token(), out, ctx);
}
inline void Assign(std::string_view text, std::string_view* out) { *out = text; }
inline void Assign(std::string_view text, std::string* out) {
  out->assign(text.data(), text.size());
}
inline void Assign(std::string_view text, ShortString* out) { *out = text; }
inline bool ReadString(sj::value& v, std::string* out, ParseContext& ctx) {
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  Assign(text, out);
  return true;
}
inline bool ReadString(sj::value& v, ShortString* out, ParseContext& ctx) {
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  Assign(text, out);
  return true;
}
// A string or null (-> empty, *present = false).
template <typename T>
inline bool ReadStringOrNull(sj::value& v, T* out, bool* present, ParseContext& ctx) {
  std::string_view token = v.raw_json_token();
  std::string_view text;
  if (TakeNull(v, token[0])) {
    *present = false;
  } else {
    *present = true;
    if (!ReadStringToken(v, token, &text, ctx)) return false;
  }
  Assign(text, out);
  return true;
}
template <typename T>
inline bool ReadStringOrNull(sj::value& v, T* out, ParseContext& ctx) {
  bool present;
  return ReadStringOrNull(v, out, &present, ctx);
}

// 1 to 20 decimal digits that fit in 64 bits.
inline bool ParseDecimal(std::string_view text, uint64_t* out) {
  size_t n = text.size();
  if (n == 0 || n > 20) return false;
  uint64_t value = 0;
  size_t safe = n < 19 ? n : 19;  // 19 digits never overflow
  for (size_t i = 0; i < safe; ++i) {
    uint32_t digit = static_cast<uint32_t>(static_cast<unsigned char>(text[i])) - '0';
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  if (n == 20) {
    uint32_t digit = static_cast<uint32_t>(static_cast<unsigned char>(text[19])) - '0';
    if (digit > 9 || __builtin_mul_overflow(value, 10, &value) ||
        __builtin_add_overflow(value, digit, &value)) {
      return false;
    }
  }
  *out = value;
  return true;
}

// A snowflake: a decimal string (Discord's form) or a JSON number (not_found ids, ETF-converted
// payloads). Not null.
inline bool ReadSnowflake(sj::value& v, uint64_t* out, ParseContext& ctx) {
  std::string_view token = v.raw_json_token();
  char c = token[0];
  if (c == '"') {
    // Fast path: digits and the closing quote (no escapes possible then).
    const char* p = token.data() + 1;
    uint64_t value = 0;
    size_t n = 0;
    for (; n < 19; ++n) {
      uint32_t digit = static_cast<uint32_t>(static_cast<unsigned char>(p[n])) - '0';
      if (digit > 9) break;
      value = value * 10 + digit;
    }
    if (n > 0 && p[n] == '"') {
      sj::raw_json_string raw;
      if (auto error = v.get_raw_json_string().get(raw)) return ctx.Fail(error);
      *out = value;
      return true;
    }
    // Anything else (20 digits, escapes, garbage) the slow way.
    std::string_view text;
    if (!ReadString(v, &text, ctx)) return false;
    if (!ParseDecimal(text, out)) return ctx.Fail("invalid snowflake");
    return true;
  }
  if (c >= '0' && c <= '9') {
    if (v.get_uint64().get(*out)) return ctx.Fail("invalid snowflake");
    return true;
  }
  return ctx.Expected(v, "a snowflake");
}
// A snowflake or null (-> 0).
inline bool ReadSnowflakeOrNull(sj::value& v, uint64_t* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = 0;
    return true;
  }
  return ReadSnowflake(v, out, ctx);
}
template <typename Tag>
inline bool ReadId(sj::value& v, TypedId<Tag>* out, ParseContext& ctx) {
  uint64_t id;
  if (!ReadSnowflakeOrNull(v, &id, ctx)) return false;
  *out = TypedId<Tag>(id);
  return true;
}

// A non-negative integer that fits T; null -> 0.
template <typename T>
inline bool ReadUint(sj::value& v, T* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = 0;
    return true;
  }
  uint64_t value;
  if (v.get_uint64().get(value)) return ctx.Expected(v, "an unsigned integer");
  if constexpr (sizeof(T) < sizeof(uint64_t)) {
    if (value > std::numeric_limits<T>::max()) return ctx.Fail("number out of range");
  }
  *out = static_cast<T>(value);
  return true;
}
// An integer that fits T; null -> 0.
template <typename T>
inline bool ReadInt(sj::value& v, T* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = 0;
    return true;
  }
  int64_t value;
  if (v.get_int64().get(value)) return ctx.Expected(v, "an integer");
  if constexpr (sizeof(T) < sizeof(int64_t)) {
    if (value > std::numeric_limits<T>::max() || value < std::numeric_limits<T>::min()) {
      return ctx.Fail("number out of range");
    }
  }
  *out = static_cast<T>(value);
  return true;
}
// A boolean; null -> false.
inline bool ReadBool(sj::value& v, bool* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = false;
    return true;
  }
  if (v.get_bool().get(*out)) return ctx.Expected(v, "a boolean");
  return true;
}
// Discord's usual form only, "2022-04-23T19:03:25.927000+00:00": what model.h ParseTimestamp
// gives for it, in a fraction of the time. False for anything else.
inline bool ParseDiscordTimestamp(std::string_view text, TimestampUs* out) {
  if (text.size() != 32) return false;
  const char* p = text.data();
  if (p[4] != '-' || p[7] != '-' || p[10] != 'T' || p[13] != ':' || p[16] != ':' || p[19] != '.' ||
      std::memcmp(p + 26, "+00:00", 6) != 0) {
    return false;
  }
  auto digits = [p](int from, int count, uint32_t* value) {
    uint32_t v = 0;
    bool ok = true;
    for (int i = from; i < from + count; ++i) {
      uint32_t digit = static_cast<uint32_t>(static_cast<unsigned char>(p[i])) - '0';
      ok &= digit <= 9;
      v = v * 10 + digit;
    }
    *value = v;
    return ok;
  };
  uint32_t year, month, day, hour, minute, second, micros;
  if (!digits(0, 4, &year) || !digits(5, 2, &month) || !digits(8, 2, &day) ||
      !digits(11, 2, &hour) || !digits(14, 2, &minute) || !digits(17, 2, &second) ||
      !digits(20, 6, &micros)) {
    return false;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return false;
  }
  // Days from 1970-01-01 (Howard Hinnant's days_from_civil), as model.cc computes them.
  int64_t y = static_cast<int64_t>(year) - (month <= 2);
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  uint32_t doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  int64_t days = era * 146097 + static_cast<int64_t>(doe) - 719468;
  *out = (days * 86400 + hour * 3600 + minute * 60 + second) * 1'000'000 + micros;
  return true;
}

// An ISO-8601 timestamp string (model.h ParseTimestamp); null -> 0.
inline bool ReadTimestamp(sj::value& v, TimestampUs* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = 0;
    return true;
  }
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  if (ParseDiscordTimestamp(text, out)) return true;
  std::optional<TimestampUs> parsed = ParseTimestamp(text);
  if (!parsed) return ctx.Fail("invalid timestamp");
  *out = *parsed;
  return true;
}
// A permission set: a decimal string (or number); null -> 0. Bits above 63 (none defined yet)
// are dropped rather than failing every channel event the day Discord defines one.
inline bool ReadPermissions(sj::value& v, uint64_t* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = 0;
    return true;
  }
  if (FirstChar(v) != '"') return ReadUint(v, out, ctx);
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  if (text.empty() || text.size() > 40) return ctx.Fail("invalid permissions");
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return ctx.Fail("invalid permissions");
    value = value * 10 + static_cast<uint64_t>(c - '0');  // modulo 2^64: the low 64 bits
  }
  *out = value;
  return true;
}

// "0", "0001" ... "9999" (or a number); null -> 0.
inline bool ReadDiscriminator(sj::value& v, uint16_t* out, ParseContext& ctx) {
  if (FirstChar(v) != '"') return ReadUint(v, out, ctx);
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  uint64_t value;
  if (text.size() > 4 || !ParseDecimal(text, &value)) return ctx.Fail("invalid discriminator");
  *out = static_cast<uint16_t>(value);
  return true;
}

// Calls on_field(key, hash, value) for every field of an object (null: none). on_field returns
// false on failure (the key is then added to the error path).
template <typename F>
inline bool ForEachField(sj::value& v, ParseContext& ctx, F&& on_field) {
  char c = FirstChar(v);
  if (c != '{') {
    if (TakeNull(v)) return true;
    return ctx.Expected(v, "an object");
  }
  sj::object object;
  if (auto error = v.get_object().get(object)) return ctx.Fail(error);
  for (auto result : object) {
    sj::field field;
    if (auto error = std::move(result).get(field)) return ctx.Fail(error);
    std::string_view key;
    uint64_t hash;
    if (!ReadKey(field, &key, &hash, ctx)) return false;
    if (!on_field(key, hash, field.value())) return ctx.In(key);
  }
  return true;
}

// Calls on_element(value) for every element of an array (null: none).
template <typename F>
inline bool ForEachElement(sj::value& v, ParseContext& ctx, F&& on_element) {
  char c = FirstChar(v);
  if (c != '[') {
    if (TakeNull(v)) return true;
    return ctx.Expected(v, "an array");
  }
  sj::array array;
  if (auto error = v.get_array().get(array)) return ctx.Fail(error);
  size_t index = 0;
  for (auto result : array) {
    sj::value element;
    if (auto error = std::move(result).get(element)) return ctx.Fail(error);
    if (!on_element(element)) return ctx.At(index);
    ++index;
  }
  return true;
}

// An array of snowflakes; add(uint64_t) for each.
template <typename F>
inline bool ReadSnowflakes(sj::value& v, ParseContext& ctx, F&& add) {
  return ForEachElement(v, ctx, [&](sj::value& element) {
    uint64_t id;
    if (!ReadSnowflake(element, &id, ctx)) return false;
    add(id);
    return true;
  });
}

inline void SetTimestamp(google::protobuf::Timestamp* out, TimestampUs us) {
  int64_t seconds = us / 1'000'000;
  int64_t micros = us % 1'000'000;
  if (micros < 0) {
    micros += 1'000'000;
    --seconds;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(micros * 1000));
}

// Setting protobuf fields from `value` inside a PYLON_JSON_KEY case (`value` and `ctx` in scope);
// each returns from the case:  PYLON_JSON_KEY("tts") PYLON_SET(out, tts, bool, ReadBool);
// A scalar read with Reader (ReadBool, ReadUint, ReadSnowflakeOrNull...) into a T.
#define PYLON_SET(object, field, T, Reader)          \
  do {                                               \
    T parsed_{};                                     \
    if (!Reader(value, &parsed_, ctx)) return false; \
    (object)->set_##field(parsed_);                  \
    return true;                                     \
  } while (0)
// A string (null: left unset).
#define PYLON_SET_STRING(object, field)                                    \
  do {                                                                     \
    if (TakeNull(value)) return true;                                      \
    std::string_view text_;                                                \
    if (!ReadString(value, &text_, ctx)) return false;                     \
    if (!text_.empty()) (object)->set_##field(text_.data(), text_.size()); \
    return true;                                                           \
  } while (0)
// A google.protobuf.StringValue (null: left unset).
#define PYLON_SET_STRING_VALUE(object, field)                           \
  do {                                                                  \
    if (TakeNull(value)) return true;                                   \
    std::string_view text_;                                             \
    if (!ReadString(value, &text_, ctx)) return false;                  \
    (object)->mutable_##field()->set_value(text_.data(), text_.size()); \
    return true;                                                        \
  } while (0)
// A SnowflakeValue (null: left unset).
#define PYLON_SET_SNOWFLAKE_VALUE(object, field)        \
  do {                                                  \
    if (TakeNull(value)) return true;                   \
    uint64_t id_;                                       \
    if (!ReadSnowflake(value, &id_, ctx)) return false; \
    (object)->mutable_##field()->set_value(id_);        \
    return true;                                        \
  } while (0)
// A google.protobuf.Timestamp from an ISO-8601 string (null: left unset).
#define PYLON_SET_TIMESTAMP(object, field)              \
  do {                                                  \
    TimestampUs us_;                                    \
    if (TakeNull(value)) return true;                   \
    if (!ReadTimestamp(value, &us_, ctx)) return false; \
    SetTimestamp((object)->mutable_##field(), us_);     \
    return true;                                        \
  } while (0)

// ---- Events ------------------------------------------------------------------------------------

// The dispatches the parser knows, by `t`.
enum class EventKind : uint8_t {
  kUnmodelled,  // every other name
  kReady,
  kResumed,
  kGuildCreate,
  kGuildUpdate,
  kGuildDelete,
  kRoleCreate,
  kRoleUpdate,
  kRoleDelete,
  kChannelCreate,
  kChannelUpdate,
  kChannelDelete,
  kThreadCreate,
  kThreadUpdate,
  kThreadDelete,
  kThreadListSync,
  kMemberAdd,
  kMemberUpdate,
  kMemberRemove,
  kMembersChunk,
  kPresenceUpdate,
  kVoiceStateUpdate,
  kEmojisUpdate,
  kUserUpdate,
  kMessageCreate,
  kMessageUpdate,
  kMessageDelete,
  kMessageDeleteBulk,
  kReactionAdd,
  kReactionRemove,
  kReactionRemoveAll,
  kReactionRemoveEmoji,
  // Passthrough (OnPassthrough).
  kTypingStart,
  kChannelPinsUpdate,
  kVoiceServerUpdate,
  kInviteCreate,
  kInviteDelete,
  kBanAdd,
  kBanRemove,
  kIntegrationsUpdate,
  kWebhooksUpdate,
  kIntegrationCreate,
  kIntegrationUpdate,
  kIntegrationDelete,
  kInteractionCreate,
};
EventKind EventKindFromName(std::string_view name);

// json_parser_model.cc. Each Parse*Event resets its event first.
bool ParseUser(sj::value& v, User* out, ParseContext& ctx);
// `guild`: where the member's own guild_id key goes (GUILD_MEMBER_ADD); may be null.
bool ParseMember(sj::value& v, Member* out, GuildId* guild, ParseContext& ctx);
bool ParseChannel(sj::value& v, Channel* out, ParseContext& ctx);
bool ParseReadyEvent(sj::value& d, ReadyEvent* event, ParseContext& ctx);
bool ParseGuildCreateEvent(sj::value& d, GuildCreateEvent* event, ParseContext& ctx);
bool ParseGuildUpdateEvent(sj::value& d, GuildUpdateEvent* event, ParseContext& ctx);
bool ParseGuildDeleteEvent(sj::value& d, GuildDeleteEvent* event, ParseContext& ctx);
bool ParseRoleEvent(sj::value& d, RoleEvent* event, ParseContext& ctx);
bool ParseRoleDeleteEvent(sj::value& d, RoleDeleteEvent* event, ParseContext& ctx);
bool ParseChannelEvent(sj::value& d, ChannelEvent* event, ParseContext& ctx);
bool ParseThreadDeleteEvent(sj::value& d, ThreadDeleteEvent* event, ParseContext& ctx);
bool ParseThreadListSyncEvent(sj::value& d, ThreadListSyncEvent* event, ParseContext& ctx);
bool ParseMemberEvent(sj::value& d, MemberEvent* event, ParseContext& ctx);
bool ParseMemberRemoveEvent(sj::value& d, MemberRemoveEvent* event, ParseContext& ctx);
bool ParseMembersChunkEvent(sj::value& d, MembersChunkEvent* event, ParseContext& ctx);
bool ParsePresenceEvent(sj::value& d, PresenceEvent* event, ParseContext& ctx);
bool ParseVoiceStateEvent(sj::value& d, VoiceStateEvent* event, ParseContext& ctx);
bool ParseEmojisUpdateEvent(sj::value& d, EmojisUpdateEvent* event, ParseContext& ctx);
bool ParseUserUpdateEvent(sj::value& d, UserUpdateEvent* event, ParseContext& ctx);

// json_parser_message.cc: the public protobuf model, enum offsets applied.
bool ParseUserData(sj::value& v, pb::model::UserData* out, ParseContext& ctx);
// id = the member's user id when it has a user (else left for the caller); guild_id untouched.
bool ParseMemberData(sj::value& v, pb::model::MemberData* out, ParseContext& ctx);
bool ParseChannelData(sj::value& v, pb::model::ChannelData* out, ParseContext& ctx);
bool ParseRoleData(sj::value& v, pb::model::RoleData* out, ParseContext& ctx);
bool ParseReactionEmojiData(sj::value& v, pb::model::MessageData::MessageReactionEmojiData* out,
                            ParseContext& ctx);
// A message object. `present` (may be null) gets the MessageData field numbers the JSON carried.
// `member` is completed from the author and guild (id, guild_id, user).
bool ParseMessageData(sj::value& v, pb::model::MessageData* out, std::bitset<64>* present,
                      ParseContext& ctx);
// `message` is cleared and filled.
bool ParseMessageCreateEvent(sj::value& d, MessageCreateEvent* event,
                             pb::model::MessageData* message, ParseContext& ctx);
bool ParseMessageUpdateEvent(sj::value& d, MessageUpdateEvent* event,
                             pb::model::MessageData* message, ParseContext& ctx);
bool ParseMessageDeleteEvent(sj::value& d, MessageDeleteEvent* event, ParseContext& ctx);
bool ParseMessageDeleteBulkEvent(sj::value& d, MessageDeleteBulkEvent* event, ParseContext& ctx);

// json_parser_passthrough.cc. `envelope` is empty on entry; its event case is set.
bool ParseReactionEvent(EventKind kind, sj::value& d, ReactionEvent* event,
                        pb::event::EventEnvelope* envelope, ParseContext& ctx);
bool ParsePassthroughEvent(EventKind kind, sj::value& d, GuildId* guild,
                           pb::event::EventEnvelope* envelope, ParseContext& ctx);
// INTERACTION_CREATE. *representable = false (envelope left without event) when the interaction
// type has no payload case in event.proto (autocomplete, modal submit, ...).
bool ParseInteractionCreateEvent(sj::value& d, GuildId* guild, bool* representable,
                                 pb::event::EventEnvelope* envelope, ParseContext& ctx);

}  // namespace pylon::discord::json_internal
