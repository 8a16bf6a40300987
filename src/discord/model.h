// Copyright 2026 The Pylon Gateway Authors.
// The Discord objects the cache keeps, as compact C++ structs filled by the JSON parser
// (json_parser.h) and stored by the cache (src/cache). They hold exactly what the public model
// (discord/v1/model.proto) can express, plus what permission checks need; nothing else.
//
// Conventions:
// - Ids are the typed snowflakes of base/ids.h; 0 means "absent / null".
// - Timestamps are microseconds since the Unix epoch (Discord sends microsecond precision);
//   0 means null.
// - Enums keep Discord's numbering (channel type 0 = GUILD_TEXT, ...); the proto conversion
//   applies the public model's offsets.
// - Names use ShortString (16 bytes, inline up to 15 bytes).
// Value types; no thread affinity.

#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/short_string.h"

namespace pylon::discord {

using TimestampUs = int64_t;

// Parses Discord's ISO-8601 timestamps ("2022-04-23T19:03:25.927000+00:00", also with "Z",
// fewer fraction digits, or another offset). nullopt when malformed.
std::optional<TimestampUs> ParseTimestamp(std::string_view text);
// "2022-04-23T19:03:25.927000+00:00" (microseconds, UTC), as Discord writes them.
std::string FormatTimestamp(TimestampUs us);

// An image hash (avatar, icon, banner...): "a_" (animated) + 32 hex digits is stored in 17
// bytes; any other text is kept as is. Empty means null.
class ImageHash {
 public:
  ImageHash() = default;
  explicit ImageHash(std::string_view text) { Assign(text); }
  ImageHash(const ImageHash& other) { CopyFrom(other); }
  ImageHash& operator=(const ImageHash& other) {
    if (this != &other) {
      ReleaseText();
      CopyFrom(other);
    }
    return *this;
  }
  ImageHash(ImageHash&& other) noexcept {
    std::memcpy(static_cast<void*>(this), &other, sizeof(ImageHash));
    other.kind_ = kNone;
  }
  ImageHash& operator=(ImageHash&& other) noexcept {
    if (this != &other) {
      ReleaseText();
      std::memcpy(static_cast<void*>(this), &other, sizeof(ImageHash));
      other.kind_ = kNone;
    }
    return *this;
  }
  ~ImageHash() { ReleaseText(); }

  bool empty() const { return kind_ == kNone; }
  std::string str() const;
  void Assign(std::string_view text);
  size_t heap_bytes() const { return kind_ == kText ? text_->capacity() + sizeof(std::string) : 0; }
  bool operator==(const ImageHash& other) const { return str() == other.str(); }

 private:
  enum Kind : uint8_t { kNone, kHex, kAnimatedHex, kText };
  void ReleaseText() {
    if (kind_ == kText) delete text_;
    kind_ = kNone;
  }
  void CopyFrom(const ImageHash& other) {
    kind_ = other.kind_;
    if (kind_ == kText) {
      text_ = new std::string(*other.text_);
    } else {
      std::memcpy(hex_, other.hex_, sizeof(hex_));
    }
  }

  union {
    uint8_t hex_[16];
    std::string* text_;
  };
  Kind kind_ = kNone;
};

// A list of snowflakes in 16 bytes: one id inline, more on the heap. For member roles.
class IdList {
 public:
  IdList() = default;
  IdList(const IdList& other) { Assign(other.data(), other.size_); }
  IdList& operator=(const IdList& other) {
    if (this != &other) {
      IdList copy(other);
      Swap(copy);
    }
    return *this;
  }
  IdList(IdList&& other) noexcept { Swap(other); }
  IdList& operator=(IdList&& other) noexcept {
    if (this != &other) {
      Clear();
      Swap(other);
    }
    return *this;
  }
  ~IdList() { Clear(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const uint64_t* data() const { return capacity_ > 1 ? many_ : &one_; }
  const uint64_t* begin() const { return data(); }
  const uint64_t* end() const { return data() + size_; }
  uint64_t operator[](size_t i) const { return data()[i]; }
  bool contains(uint64_t id) const {
    for (uint64_t x : *this) {
      if (x == id) return true;
    }
    return false;
  }

  void push_back(uint64_t id);
  void Clear() {
    if (capacity_ > 1) delete[] many_;
    size_ = 0;
    capacity_ = 1;
    one_ = 0;
  }
  size_t heap_bytes() const { return capacity_ > 1 ? capacity_ * sizeof(uint64_t) : 0; }
  bool operator==(const IdList& other) const;

 private:
  void Assign(const uint64_t* ids, size_t n) {
    for (size_t i = 0; i < n; ++i) push_back(ids[i]);
  }
  void Swap(IdList& other) {
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
    uint64_t tmp;
    std::memcpy(&tmp, &one_, sizeof(tmp));
    std::memcpy(&one_, &other.one_, sizeof(tmp));
    std::memcpy(&other.one_, &tmp, sizeof(tmp));
  }

  uint32_t size_ = 0;
  uint32_t capacity_ = 1;  // 1: inline
  union {
    uint64_t one_ = 0;
    uint64_t* many_;
  };
};
static_assert(sizeof(IdList) == 16);

struct User {
  UserId id;
  ShortString username;
  ImageHash avatar;
  uint16_t discriminator = 0;  // "0" for users on the new username system
  bool bot = false;
  bool operator==(const User&) const = default;
};

// A guild member as Discord sends it. `user` is absent from the members attached to messages.
struct Member {
  User user;
  bool has_user = false;
  ShortString nick;  // empty: null
  IdList roles;      // never the @everyone role
  TimestampUs joined_at = 0;
  TimestampUs premium_since = 0;
  TimestampUs communication_disabled_until = 0;
  uint32_t flags = 0;
  bool pending = false;
  bool deaf = false;
  bool mute = false;
};

struct Role {
  RoleId id;
  ShortString name;
  uint32_t color = 0;
  int32_t position = 0;
  uint64_t permissions = 0;
  bool hoist = false;
  bool managed = false;
  bool mentionable = false;
  bool operator==(const Role&) const = default;
};

struct Emoji {
  EmojiId id;
  ShortString name;
  IdList roles;
  UserId user;  // creator, when Discord sends it
  bool animated = false;
  bool managed = false;
  bool require_colons = false;
  bool available = true;
};

// Channel types, Discord's numbering (discord-protocol.md §6).
enum class ChannelType : uint8_t {
  kGuildText = 0,
  kDm = 1,
  kGuildVoice = 2,
  kGroupDm = 3,
  kGuildCategory = 4,
  kGuildAnnouncement = 5,
  kAnnouncementThread = 10,
  kPublicThread = 11,
  kPrivateThread = 12,
  kGuildStageVoice = 13,
  kGuildDirectory = 14,
  kGuildForum = 15,
  kGuildMedia = 16,
};
constexpr bool IsThread(ChannelType type) {
  return type == ChannelType::kAnnouncementThread || type == ChannelType::kPublicThread ||
         type == ChannelType::kPrivateThread;
}

struct Overwrite {
  uint64_t id = 0;
  uint8_t type = 0;  // Discord: 0 role, 1 member
  uint64_t allow = 0;
  uint64_t deny = 0;
  bool operator==(const Overwrite&) const = default;
};

struct Channel {
  ChannelId id;
  GuildId guild;  // 0 for DMs; filled from the guild when Discord omits it (GUILD_CREATE)
  ChannelType type = ChannelType::kGuildText;
  ShortString name;
  std::string topic;
  bool has_topic = false;  // topic is not null
  bool nsfw = false;
  int32_t position = 0;
  uint32_t bitrate = 0;
  uint32_t user_limit = 0;
  uint32_t rate_limit_per_user = 0;
  ChannelId parent;  // category, or the parent channel of a thread
  std::vector<Overwrite> overwrites;
};

struct Guild {
  GuildId id;
  std::string name;
  ImageHash icon;
  ImageHash splash;
  ImageHash discovery_splash;
  ImageHash banner;
  std::string region;
  std::string vanity_url_code;
  std::string description;
  bool has_vanity_url_code = false;
  bool has_description = false;
  UserId owner;
  ChannelId afk_channel;
  ChannelId widget_channel;
  ChannelId system_channel;
  TimestampUs joined_at = 0;
  uint32_t afk_timeout = 0;
  uint32_t member_count = 0;
  uint8_t verification_level = 0;
  uint8_t default_message_notifications = 0;
  uint8_t explicit_content_filter = 0;
  uint8_t mfa_level = 0;
  uint8_t premium_tier = 0;
  uint32_t premium_subscription_count = 0;
  bool widget_enabled = false;
  bool unavailable = false;
  std::vector<std::string> features;
};

enum class OnlineStatus : uint8_t { kUnknown = 0, kOnline, kIdle, kDnd, kInvisible, kOffline };
OnlineStatus ParseOnlineStatus(std::string_view text);   // kUnknown when unrecognised
std::string_view OnlineStatusName(OnlineStatus status);  // "online", ...; "" for kUnknown

struct Activity {
  std::string name;
  uint8_t type = 0;  // Discord's numbering: 0 playing ... 5 competing
  std::string url;
  TimestampUs created_at = 0;
  uint64_t timestamp_start = 0;  // Unix ms
  uint64_t timestamp_end = 0;
  uint64_t application_id = 0;
  std::string details;
  std::string state;
  std::string emoji_name;
  uint64_t emoji_id = 0;
  bool emoji_animated = false;
  bool has_emoji = false;
  std::string party_id;
  uint64_t party_current = 0;
  uint64_t party_max = 0;
  bool has_party = false;
  std::string large_image, large_text, small_image, small_text;
  bool has_assets = false;
  std::string secret_join, secret_spectate, secret_match;
  bool has_secrets = false;
  bool instance = false;
  uint32_t flags = 0;
  bool operator==(const Activity&) const = default;
};

struct Presence {
  UserId user;
  OnlineStatus status = OnlineStatus::kOffline;
  OnlineStatus desktop = OnlineStatus::kUnknown;  // kUnknown: the platform is absent
  OnlineStatus mobile = OnlineStatus::kUnknown;
  OnlineStatus web = OnlineStatus::kUnknown;
  std::vector<Activity> activities;
  bool operator==(const Presence&) const = default;
};

struct VoiceState {
  UserId user;
  ChannelId channel;  // 0: not connected
  std::string session_id;
  bool self_mute = false;
  bool self_deaf = false;
  bool self_video = false;
  bool self_stream = false;
  bool mute = false;
  bool deaf = false;
  bool suppress = false;
  TimestampUs request_to_speak = 0;
};

}  // namespace pylon::discord
