// Copyright 2026 The Pylon Gateway Authors.
// The simulator's world model: compact structs for users, bots, guilds and everything in a guild.
// Facts come from shared/docs/discord-protocol.md (§5 intents, §6 shapes, §9 permissions).
//
// Users are stored once in the World and referenced by a UserRef (a uint32_t index that stays
// valid for the life of the World: users are never deleted). Objects inside a guild are kept in
// vectors; the World's indexes map ids to positions. Everything here is owned by a World and used
// on the simulator's single reactor thread.

#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/log.h"
#include "sim/flat_id_map.h"

namespace pylon::sim {

// Index of a user in World::users().
using UserRef = uint32_t;
inline constexpr UserRef kNoUser = 0xFFFFFFFFu;

// Gateway intent bits (discord-protocol.md §5).
namespace intent {
inline constexpr int kGuilds = 0;
inline constexpr int kGuildMembers = 1;  // privileged
inline constexpr int kGuildModeration = 2;
inline constexpr int kGuildExpressions = 3;
inline constexpr int kGuildIntegrations = 4;
inline constexpr int kGuildWebhooks = 5;
inline constexpr int kGuildInvites = 6;
inline constexpr int kGuildVoiceStates = 7;
inline constexpr int kGuildPresences = 8;  // privileged
inline constexpr int kGuildMessages = 9;
inline constexpr int kGuildMessageReactions = 10;
inline constexpr int kGuildMessageTyping = 11;
inline constexpr int kDirectMessages = 12;
inline constexpr int kDirectMessageReactions = 13;
inline constexpr int kDirectMessageTyping = 14;
inline constexpr int kMessageContent = 15;  // privileged; gates content fields, not events
inline constexpr int kGuildScheduledEvents = 16;
inline constexpr int kAutoModerationConfiguration = 20;
inline constexpr int kAutoModerationExecution = 21;
inline constexpr int kGuildMessagePolls = 24;
inline constexpr int kDirectMessagePolls = 25;

constexpr uint64_t Bit(int bit) { return uint64_t{1} << bit; }
inline constexpr uint64_t kAllDefined = 53608447;
inline constexpr uint64_t kPrivileged =
    Bit(kGuildMembers) | Bit(kGuildPresences) | Bit(kMessageContent);
}  // namespace intent

// Permission bits (discord-protocol.md §9).
namespace permission {
inline constexpr uint64_t kCreateInstantInvite = uint64_t{1} << 0;
inline constexpr uint64_t kKickMembers = uint64_t{1} << 1;
inline constexpr uint64_t kBanMembers = uint64_t{1} << 2;
inline constexpr uint64_t kAdministrator = uint64_t{1} << 3;
inline constexpr uint64_t kManageChannels = uint64_t{1} << 4;
inline constexpr uint64_t kManageGuild = uint64_t{1} << 5;
inline constexpr uint64_t kAddReactions = uint64_t{1} << 6;
inline constexpr uint64_t kViewAuditLog = uint64_t{1} << 7;
inline constexpr uint64_t kViewChannel = uint64_t{1} << 10;
inline constexpr uint64_t kSendMessages = uint64_t{1} << 11;
inline constexpr uint64_t kManageMessages = uint64_t{1} << 13;
inline constexpr uint64_t kEmbedLinks = uint64_t{1} << 14;
inline constexpr uint64_t kReadMessageHistory = uint64_t{1} << 16;
inline constexpr uint64_t kMentionEveryone = uint64_t{1} << 17;
inline constexpr uint64_t kConnect = uint64_t{1} << 20;
inline constexpr uint64_t kSpeak = uint64_t{1} << 21;
inline constexpr uint64_t kMuteMembers = uint64_t{1} << 22;
inline constexpr uint64_t kDeafenMembers = uint64_t{1} << 23;
inline constexpr uint64_t kMoveMembers = uint64_t{1} << 24;
inline constexpr uint64_t kChangeNickname = uint64_t{1} << 26;
inline constexpr uint64_t kManageNicknames = uint64_t{1} << 27;
inline constexpr uint64_t kManageRoles = uint64_t{1} << 28;
inline constexpr uint64_t kManageThreads = uint64_t{1} << 34;
inline constexpr uint64_t kSendMessagesInThreads = uint64_t{1} << 38;
inline constexpr uint64_t kModerateMembers = uint64_t{1} << 40;
// Every defined bit (0..52 without the unassigned bit 47).
inline constexpr uint64_t kAll = ((uint64_t{1} << 53) - 1) & ~(uint64_t{1} << 47);
// What @everyone gets in the generated world: create invites, react, stream, view, send, embed,
// attach, history, external emojis, connect, speak, voice activity, change nickname, application
// commands, create public/private threads, send in threads.
inline constexpr uint64_t kEveryoneDefault = [] {
  uint64_t bits = 0;
  for (int bit : {0, 6, 9, 10, 11, 14, 15, 16, 18, 20, 21, 25, 26, 31, 35, 36, 38}) {
    bits |= uint64_t{1} << bit;
  }
  return bits;
}();
}  // namespace permission

// Channel types as Discord numbers them (discord-protocol.md §6).
enum class ChannelType : uint8_t {
  kText = 0,
  kVoice = 2,
  kCategory = 4,
  kAnnouncement = 5,
  kAnnouncementThread = 10,
  kPublicThread = 11,
  kPrivateThread = 12,
  kStage = 13,
  kForum = 15,
};
constexpr bool IsThread(ChannelType t) {
  return t == ChannelType::kAnnouncementThread || t == ChannelType::kPublicThread ||
         t == ChannelType::kPrivateThread;
}
constexpr bool IsVoiceBased(ChannelType t) {
  return t == ChannelType::kVoice || t == ChannelType::kStage;
}
// Channels that hold messages (text in voice included).
constexpr bool HoldsMessages(ChannelType t) {
  return t == ChannelType::kText || t == ChannelType::kAnnouncement || IsVoiceBased(t) ||
         IsThread(t);
}
// Channels that can be the parent of threads.
constexpr bool CanHaveThreads(ChannelType t) {
  return t == ChannelType::kText || t == ChannelType::kAnnouncement || t == ChannelType::kForum;
}
// Types a guild channel (not a thread) may have in this simulator.
constexpr bool IsGuildChannelType(ChannelType t) {
  return t == ChannelType::kText || t == ChannelType::kVoice || t == ChannelType::kCategory ||
         t == ChannelType::kAnnouncement || t == ChannelType::kStage || t == ChannelType::kForum;
}

enum class PresenceStatus : uint8_t { kOffline = 0, kOnline, kIdle, kDnd };
std::string_view StatusName(PresenceStatus status);

// Guild features, kept as a bit set; names in kGuildFeatureNames (bit i = name i).
inline constexpr std::string_view kGuildFeatureNames[] = {
    "ANIMATED_ICON",
    "BANNER",
    "COMMUNITY",
    "DISCOVERABLE",
    "INVITE_SPLASH",
    "NEWS",
    "PARTNERED",
    "ROLE_ICONS",
    "VANITY_URL",
    "VERIFIED",
    "WELCOME_SCREEN_ENABLED",
    "MEMBER_VERIFICATION_GATE_ENABLED",
    "PREVIEW_ENABLED",
    "ANIMATED_BANNER",
};
inline constexpr uint32_t kGuildFeatureCount =
    sizeof(kGuildFeatureNames) / sizeof(kGuildFeatureNames[0]);

struct User {
  UserId id;
  std::string username;
  std::string global_name;  // "" = null
  uint64_t avatar = 0;      // 0 = null; otherwise the seed of the 32-hex-digit hash
  uint32_t public_flags = 0;
  bool bot = false;
};

struct Role {
  RoleId id;  // the @everyone role's id is the guild id
  std::string name;
  uint32_t color = 0;
  int32_t position = 0;
  uint64_t permissions = 0;
  uint32_t flags = 0;
  UserId bot;  // tags.bot_id of a bot's managed role; 0 otherwise
  bool hoist = false;
  bool managed = false;
  bool mentionable = false;
};

struct Emoji {
  EmojiId id;
  std::string name;
  std::vector<RoleId> roles;
  bool animated = false;
  bool available = true;
};

// A permission overwrite. type 0 = role, 1 = member.
struct Overwrite {
  uint64_t id = 0;
  uint8_t type = 0;
  uint64_t allow = 0;
  uint64_t deny = 0;
  bool operator==(const Overwrite&) const = default;
};

struct ThreadMetadata {
  UserId owner;
  int64_t archive_ms = 0;  // archive_timestamp: last change of the archived state
  int64_t create_ms = 0;
  uint32_t message_count = 0;
  uint32_t total_message_sent = 0;
  uint32_t member_count = 0;
  uint16_t auto_archive_minutes = 1440;
  bool archived = false;
  bool locked = false;
  bool invitable = true;  // private threads only
};

// A minimal embed: what bots usually send.
struct Embed {
  std::string title;
  std::string description;
  uint32_t color = 0;
};

// The emoji of a reaction: a guild emoji (id != 0) or a Unicode emoji (id == 0, name = the
// emoji itself).
struct ReactionEmoji {
  EmojiId id;
  std::string name;
  bool animated = false;
  bool operator==(const ReactionEmoji&) const = default;
};

struct Reaction {
  ReactionEmoji emoji;
  std::vector<UserRef> users;  // who reacted, in order; count = users.size() (> 0)
};

enum class MessageType : uint8_t { kDefault = 0, kChannelPinnedMessage = 6, kReply = 19 };

struct Message {
  MessageId id;  // its timestamp is the message's `timestamp`
  UserRef author = kNoUser;
  MessageType type = MessageType::kDefault;
  bool tts = false;
  bool pinned = false;
  bool mention_everyone = false;
  int64_t edited_ms = 0;  // 0 = never edited
  MessageId reference;    // message_reference of replies and pin notices
  std::string content;
  std::vector<Embed> embeds;
  std::vector<UserRef> mentions;
  std::vector<Reaction> reactions;
};

// The most recent messages of a channel: a ring of at most `depth` messages in id order. Pushing
// onto a full ring evicts the oldest message (counted by the World).
class MessageRing {
 public:
  size_t size() const { return messages_.size(); }
  bool empty() const { return messages_.empty(); }
  // The i-th oldest message, 0 <= i < size().
  const Message& at(size_t i) const { return messages_[(head_ + i) % messages_.size()]; }
  Message& at(size_t i) { return messages_[(head_ + i) % messages_.size()]; }
  const Message& newest() const { return at(size() - 1); }

  // Appends `message` (whose id must be greater than every id held). Returns true when the oldest
  // message was evicted to make room.
  bool Push(Message message, uint32_t depth);
  // Makes room for a message newer than every held one and returns its slot, reset to a default
  // Message but keeping the buffers of the message it replaces (no allocation once the ring is
  // full). *evicted tells whether the oldest message was dropped. depth must be > 0.
  Message& Append(uint32_t depth, bool* evicted);
  // Position of the message with `id`, or -1.
  int64_t IndexOf(MessageId id) const;
  Message* Find(MessageId id);
  const Message* Find(MessageId id) const;
  // Removes the message with `id`; returns whether it was there.
  bool Erase(MessageId id);
  size_t MemoryBytes() const;

 private:
  // Invariant: head_ == 0 unless the ring is full (size() == depth).
  std::vector<Message> messages_;
  size_t head_ = 0;
};

struct Channel {
  ChannelId id;
  ChannelType type = ChannelType::kText;
  int32_t position = 0;
  ChannelId parent;  // category of a channel, parent channel of a thread; 0 = none
  std::string name;
  std::string topic;  // "" = null
  uint32_t flags = 0;
  uint32_t rate_limit_per_user = 0;
  uint32_t bitrate = 64000;  // voice channels
  uint32_t user_limit = 0;   // voice channels
  bool nsfw = false;
  MessageId last_message_id;
  int64_t last_pin_ms = 0;  // 0 = null
  std::vector<Overwrite> overwrites;
  ThreadMetadata thread;  // threads only
  MessageRing messages;
};

struct Activity {
  std::string name;
  std::string state;  // "" = absent
  std::string url;    // "" = absent (streaming only)
  int64_t created_ms = 0;
  uint8_t type = 0;  // 0 playing, 1 streaming, 2 listening, 3 watching, 4 custom, 5 competing
  bool operator==(const Activity&) const = default;
};

struct Presence {
  PresenceStatus status = PresenceStatus::kOffline;
  // client_status: kOffline = the platform is absent.
  PresenceStatus desktop = PresenceStatus::kOffline;
  PresenceStatus mobile = PresenceStatus::kOffline;
  PresenceStatus web = PresenceStatus::kOffline;
  std::vector<Activity> activities;
  bool operator==(const Presence&) const = default;
};

struct Member {
  UserRef user = kNoUser;
  uint32_t flags = 0;
  int64_t joined_ms = 0;
  int64_t premium_since_ms = 0;                 // 0 = null
  int64_t communication_disabled_until_ms = 0;  // 0 = null
  std::string nick;                             // "" = null
  std::vector<RoleId> roles;                    // never @everyone
  Presence presence;
  bool deaf = false;
  bool mute = false;
  bool pending = false;
};

struct VoiceState {
  UserRef user = kNoUser;
  ChannelId channel;
  uint64_t session = 0;             // seed of the 32-hex-digit session_id
  int64_t request_to_speak_ms = 0;  // 0 = null
  bool self_mute = false;
  bool self_deaf = false;
  bool self_stream = false;
  bool self_video = false;
  bool suppress = false;
};

struct Invite {
  std::string code;
  ChannelId channel;
  UserRef inviter = kNoUser;
  int64_t created_ms = 0;
  uint32_t max_age = 86400;  // seconds, 0 = never expires
  uint32_t max_uses = 0;     // 0 = unlimited
  uint32_t uses = 0;
  bool temporary = false;
};

struct Ban {
  std::string reason;  // "" = null
};

struct Guild {
  GuildId id;
  std::string name;
  std::string description;  // "" = null
  std::string preferred_locale = "en-US";
  uint64_t icon = 0;  // 0 = null
  UserId owner;
  uint32_t features = 0;  // bit set over kGuildFeatureNames
  uint8_t verification_level = 0;
  uint8_t default_message_notifications = 0;
  uint8_t explicit_content_filter = 0;
  uint8_t mfa_level = 0;
  uint8_t nsfw_level = 0;
  uint8_t premium_tier = 0;
  uint32_t premium_subscription_count = 0;
  uint32_t afk_timeout = 300;
  uint32_t system_channel_flags = 0;
  uint32_t max_members = 500000;
  ChannelId afk_channel;     // 0 = null
  ChannelId system_channel;  // 0 = null

  std::vector<Role> roles;  // roles[0] is @everyone
  std::vector<Emoji> emojis;
  std::vector<Channel> channels;  // channels and threads; positions in the World's channel index

  std::vector<Member> members;  // member_count == members.size()
  FlatIdMap member_index;       // user id -> position in members
  std::vector<VoiceState> voice_states;
  FlatIdMap voice_index;         // user id -> position in voice_states
  std::map<uint64_t, Ban> bans;  // by user id
  std::vector<Invite> invites;
  std::vector<UserId> bots;  // bots in the guild (their members are in `members`)

  uint32_t member_count() const { return static_cast<uint32_t>(members.size()); }
  const Member* FindMember(UserId user) const {
    const uint32_t* index = member_index.Find(user.value());
    return index ? &members[*index] : nullptr;
  }
  Member* FindMember(UserId user) {
    const uint32_t* index = member_index.Find(user.value());
    return index ? &members[*index] : nullptr;
  }
  const VoiceState* FindVoiceState(UserId user) const {
    const uint32_t* index = voice_index.Find(user.value());
    return index ? &voice_states[*index] : nullptr;
  }
  const Role* FindRole(RoleId id) const;
  Role* FindRole(RoleId id);
  const Emoji* FindEmoji(EmojiId id) const;
};

struct Bot {
  UserId id;  // the bot's user id (BotId in the engine)
  UserRef user = kNoUser;
  ApplicationId application;
  Secret token;
  uint64_t allowed_intents = intent::kAllDefined;  // privileged bits may be missing
  uint32_t rest_global_limit = 50;                 // requests per second
  std::vector<GuildId> guilds;                     // in join order
};

}  // namespace pylon::sim
