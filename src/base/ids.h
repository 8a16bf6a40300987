// Copyright 2026 The Pylon Gateway Authors.
// Strong id types. A Discord id is a Snowflake; the typed wrappers (BotId, GuildId, ...) keep a
// guild id from being passed where a channel id is expected. "Shard" always means a Discord
// gateway shard; ShardId is its index within the bot's shard count.

#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace pylon {

// Milliseconds from the Unix epoch to the Discord epoch (2015-01-01T00:00:00Z).
inline constexpr int64_t kDiscordEpochMs = 1420070400000;

// A Discord snowflake: 42 bits of milliseconds since the Discord epoch, 5 bits worker, 5 bits
// process, 12 bits increment.
class Snowflake {
 public:
  constexpr Snowflake() = default;
  constexpr explicit Snowflake(uint64_t value) : value_(value) {}

  constexpr uint64_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }

  // Milliseconds since the Unix epoch at which the id was made.
  constexpr int64_t timestamp_ms() const {
    return static_cast<int64_t>(value_ >> 22) + kDiscordEpochMs;
  }
  constexpr uint32_t worker_id() const { return (value_ & 0x3E0000) >> 17; }
  constexpr uint32_t process_id() const { return (value_ & 0x1F000) >> 12; }
  constexpr uint32_t increment() const { return value_ & 0xFFF; }

  // The smallest snowflake made at `unix_ms` (for `before`/`after` pagination).
  static constexpr Snowflake FromTimestampMs(int64_t unix_ms) {
    return Snowflake(static_cast<uint64_t>(unix_ms - kDiscordEpochMs) << 22);
  }

  // Parses a decimal id as Discord sends it (JSON string) or as gRPC metadata carries it.
  // Accepts 1 to 20 digits that fit in 64 bits; "0" is valid.
  static Result<Snowflake> Parse(std::string_view text);

  std::string ToString() const { return std::to_string(value_); }

  constexpr auto operator<=>(const Snowflake&) const = default;

 private:
  uint64_t value_ = 0;
};

// A snowflake of a particular kind of object.
template <typename Tag>
class TypedId {
 public:
  constexpr TypedId() = default;
  constexpr explicit TypedId(uint64_t value) : value_(value) {}
  constexpr explicit TypedId(Snowflake id) : value_(id.value()) {}

  constexpr uint64_t value() const { return value_; }
  constexpr Snowflake snowflake() const { return Snowflake(value_); }
  constexpr bool is_zero() const { return value_ == 0; }
  constexpr int64_t timestamp_ms() const { return snowflake().timestamp_ms(); }

  static Result<TypedId> Parse(std::string_view text) {
    auto parsed = Snowflake::Parse(text);
    if (!parsed.ok()) return parsed.error();
    return TypedId(*parsed);
  }
  std::string ToString() const { return std::to_string(value_); }

  constexpr auto operator<=>(const TypedId&) const = default;

 private:
  uint64_t value_ = 0;
};

using BotId = TypedId<struct BotIdTag>;  // the bot's Discord user id
using GuildId = TypedId<struct GuildIdTag>;
using ChannelId = TypedId<struct ChannelIdTag>;
using UserId = TypedId<struct UserIdTag>;
using RoleId = TypedId<struct RoleIdTag>;
using MessageId = TypedId<struct MessageIdTag>;
using EmojiId = TypedId<struct EmojiIdTag>;
using ApplicationId = TypedId<struct ApplicationIdTag>;

// Index of a Discord gateway shard, 0 <= value < shard count.
class ShardId {
 public:
  constexpr ShardId() = default;
  constexpr explicit ShardId(uint32_t value) : value_(value) {}
  constexpr uint32_t value() const { return value_; }
  std::string ToString() const { return std::to_string(value_); }
  constexpr auto operator<=>(const ShardId&) const = default;

 private:
  uint32_t value_ = 0;
};

// The shard Discord routes a guild's events to: (guild_id >> 22) % shard_count.
// Guild 0 (DMs and guild-less events) belongs to shard 0. `shard_count` must be at least 1.
constexpr ShardId shard_for(GuildId guild, uint32_t shard_count) {
  return ShardId(
      static_cast<uint32_t>((guild.value() >> 22) % (shard_count == 0 ? 1 : shard_count)));
}

// A bot's shard: the unit the cluster places on a node and a reactor.
struct BotShard {
  BotId bot;
  ShardId shard;
  constexpr auto operator<=>(const BotShard&) const = default;
  std::string ToString() const { return bot.ToString() + "/" + shard.ToString(); }
};

}  // namespace pylon

template <>
struct std::hash<pylon::Snowflake> {
  size_t operator()(const pylon::Snowflake& id) const noexcept {
    return std::hash<uint64_t>()(id.value());
  }
};
template <typename Tag>
struct std::hash<pylon::TypedId<Tag>> {
  size_t operator()(const pylon::TypedId<Tag>& id) const noexcept {
    return std::hash<uint64_t>()(id.value());
  }
};
template <>
struct std::hash<pylon::ShardId> {
  size_t operator()(const pylon::ShardId& id) const noexcept {
    return std::hash<uint32_t>()(id.value());
  }
};
template <>
struct std::hash<pylon::BotShard> {
  size_t operator()(const pylon::BotShard& id) const noexcept {
    return std::hash<uint64_t>()(id.bot.value() * 0x9E3779B97F4A7C15ull ^ id.shard.value());
  }
};
