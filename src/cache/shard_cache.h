// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: everything one Discord shard has told us, kept exact (architecture §6).
//
// Storage is compact C++ structs (model.h and the cache's own records), never protobuf objects:
// users once per shard, shared by every member entry that points to them (reference counted);
// members keyed by user id per guild; nick, premium_since and timeouts in side tables because
// most members have none; presences only for members that are not offline; messages as
// serialized MessageData in a ring per channel (depth configurable, default 100).
//
// Every Apply* changes the cache as Discord's event requires and, when asked, fills the
// protobuf forms of the object before (`previous`, only if it was cached) and after (`current`)
// the change, following the public model's rules (pylon-api-contract.md §4, §8): guild_id filled on
// members/roles/emojis/channels, member id = user id, the @everyone role listed, enum offsets
// applied. Queries convert to protobuf only when answering.
//
// A new session clears the cache (Clear) and rebuilds it from READY and the GUILD_CREATEs.
// Memory is accounted per kind (Usage).
//
// Owned by the shard's reactor; not thread-safe; no locks.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "discord/events.h"
#include "discord/model.h"
#include "discord/v1/model.pb.h"

namespace pylon {
class Clock;
}

namespace pylon::cache {

namespace pb = ::pylon::discord::v1::model;

enum class Kind : uint8_t {
  kGuilds,
  kChannels,  // channels and threads
  kRoles,
  kMembers,
  kUsers,
  kPresences,
  kVoiceStates,
  kEmojis,
  kMessages,
};
inline constexpr int kKindCount = 9;
std::string_view KindName(Kind kind);  // "guilds", "channels", ...

struct CacheOptions {
  // Kinds not listed are not kept (their events still flow, with no previously_cached).
  bool kinds[kKindCount] = {true, true, true, true, true, true, true, true, true};
  uint32_t message_depth = 100;  // per channel; 0 keeps no messages
  bool Has(Kind kind) const { return kinds[static_cast<int>(kind)]; }
};

struct KindUsage {
  uint64_t objects = 0;
  uint64_t bytes = 0;  // struct bytes + heap bytes owned + container overhead, estimated
};

// How FindGuildMembers matches (documented in docs/api.md).
struct MemberQuery {
  std::optional<std::string> name;    // exact username, global name or nick, case-insensitive
  std::optional<std::string> prefix;  // prefix of username or nick, case-insensitive
  std::optional<discord::OnlineStatus> status;  // needs the presence cache; offline = no presence
  std::optional<RoleId> role;
  uint32_t limit = 100;
};

class ShardCache {
 public:
  ShardCache(BotId bot, CacheOptions options);
  ~ShardCache();
  ShardCache(const ShardCache&) = delete;
  ShardCache& operator=(const ShardCache&) = delete;

  const CacheOptions& options() const { return options_; }
  // The clock that decides whether a member's timeout (communication_disabled_until) is running,
  // for permissions. SystemClock() unless set; must outlive the cache.
  void SetClock(const Clock* clock);
  void Clear();

  // ---- Applying events. `previous` / `current` may be null when not wanted. The functions
  // that take `previous` return whether the object was cached (and `previous` filled). ----
  void ApplyReady(const discord::ReadyEvent& event);  // the bot's own user
  // Replaces everything known about the guild. `current` gets the GuildData.
  void ApplyGuildCreate(discord::GuildCreateEvent& event, pb::GuildData* current);
  bool ApplyGuildUpdate(discord::GuildUpdateEvent& event, pb::GuildData* previous,
                        pb::GuildData* current);
  // Unavailable: the guild is kept, marked unavailable. Otherwise (left/removed) everything of the
  // guild is dropped. `previous` gets the guild as cached.
  bool ApplyGuildDelete(const discord::GuildDeleteEvent& event, pb::GuildData* previous);

  void ApplyRoleCreate(discord::RoleEvent& event, pb::RoleData* current);
  bool ApplyRoleUpdate(discord::RoleEvent& event, pb::RoleData* previous, pb::RoleData* current);
  // Also removes the role from every member that had it (Discord sends no member updates).
  bool ApplyRoleDelete(const discord::RoleDeleteEvent& event, pb::RoleData* previous);

  void ApplyChannelCreate(discord::ChannelEvent& event, pb::ChannelData* current);
  bool ApplyChannelUpdate(discord::ChannelEvent& event, pb::ChannelData* previous,
                          pb::ChannelData* current);
  // Drops the channel, its messages, and its threads.
  bool ApplyChannelDelete(discord::ChannelEvent& event, pb::ChannelData* previous);
  void ApplyThreadCreate(discord::ChannelEvent& event);
  void ApplyThreadUpdate(discord::ChannelEvent& event);
  void ApplyThreadDelete(const discord::ThreadDeleteEvent& event);
  void ApplyThreadListSync(discord::ThreadListSyncEvent& event);

  // Adds (or replaces) the member and increments member_count (only if new).
  void ApplyMemberAdd(discord::MemberEvent& event, pb::MemberData* current);
  // A full replacement of the member's fields and its user.
  bool ApplyMemberUpdate(discord::MemberEvent& event, pb::MemberData* previous,
                         pb::MemberData* current);
  // Drops the member, its presence and voice state; decrements member_count. `previous` gets the
  // member as cached, or (not cached) a MemberData built from the event's user.
  void ApplyMemberRemove(const discord::MemberRemoveEvent& event, pb::MemberData* previous);
  void ApplyMembersChunk(discord::MembersChunkEvent& event);

  bool ApplyPresenceUpdate(discord::PresenceEvent& event, pb::PresenceData* previous,
                           pb::PresenceData* current);
  // Leaving voice (channel 0) drops the state. `current` gets the state with its member.
  bool ApplyVoiceStateUpdate(discord::VoiceStateEvent& event, pb::VoiceStateData* previous,
                             pb::VoiceStateData* current);
  // Replaces the guild's emoji list. `previous` / `current` get the complete lists.
  bool ApplyEmojisUpdate(discord::EmojisUpdateEvent& event,
                         google::protobuf::RepeatedPtrField<pb::EmojiData>* previous,
                         google::protobuf::RepeatedPtrField<pb::EmojiData>* current);
  void ApplyUserUpdate(const discord::UserUpdateEvent& event);

  // Messages. Create stores the message (its serialized form) in the channel's ring and returns
  // those bytes (valid until the cache next changes), so that the caller need not serialize the
  // message again; nullptr when the message is not kept (messages off, depth 0).
  const std::string* ApplyMessageCreate(const discord::MessageCreateEvent& event);
  // Merges the fields present into the cached message. Returns false when the message was not
  // cached; then `current` is built from the event alone and is complete only if the event was.
  bool ApplyMessageUpdate(const discord::MessageUpdateEvent& event, pb::MessageData* previous,
                          pb::MessageData* current);
  bool ApplyMessageDelete(const discord::MessageDeleteEvent& event, pb::MessageData* previous);
  void ApplyMessageDeleteBulk(const discord::MessageDeleteBulkEvent& event);
  void ApplyReaction(const discord::ReactionEvent& event);

  // ---- Queries (the GatewayCache and Gateway services). false / empty when not cached. ----
  // The `out` of a Get* may be null: then only whether the object is cached.
  bool HasGuild(GuildId guild) const;
  bool GetGuild(GuildId guild, pb::GuildData* out) const;
  void ListChannels(GuildId guild, google::protobuf::RepeatedPtrField<pb::ChannelData>* out) const;
  bool GetChannel(GuildId guild, ChannelId channel, pb::ChannelData* out) const;
  bool GetMember(GuildId guild, UserId user, pb::MemberData* out) const;
  // Members with user id > `after`, ascending, at most `limit`.
  void ListMembers(GuildId guild, UserId after, uint32_t limit,
                   google::protobuf::RepeatedPtrField<pb::MemberData>* out) const;
  void FindMembers(GuildId guild, const MemberQuery& query,
                   google::protobuf::RepeatedPtrField<pb::MemberData>* out) const;
  bool GetPresence(GuildId guild, UserId user, pb::PresenceData* out) const;
  void ListRoles(GuildId guild, google::protobuf::RepeatedPtrField<pb::RoleData>* out) const;
  bool GetRole(GuildId guild, RoleId role, pb::RoleData* out) const;
  void ListEmojis(GuildId guild, google::protobuf::RepeatedPtrField<pb::EmojiData>* out) const;
  bool GetEmoji(GuildId guild, EmojiId emoji, pb::EmojiData* out) const;
  bool GetVoiceState(GuildId guild, UserId user, pb::VoiceStateData* out) const;
  void ListChannelVoiceStates(GuildId guild, ChannelId channel,
                              google::protobuf::RepeatedPtrField<pb::VoiceStateData>* out) const;
  // A user known to this shard (any guild, or the bot itself).
  bool GetUser(UserId user, pb::UserData* out) const;
  bool GetMessage(ChannelId channel, MessageId message, pb::MessageData* out) const;
  // Guilds of this shard the user is a member of.
  void MutualGuilds(UserId user, google::protobuf::RepeatedPtrField<pb::GuildData>* out) const;
  bool FindEmoji(EmojiId emoji, pb::EmojiData* out) const;

  // Plain views for permission checks (REST local checks) and the chunk scheduler.
  bool HasMember(GuildId guild, UserId user) const;
  std::vector<GuildId> Guilds() const;
  // Discord's permission computation (discord-protocol.md §9); nullopt when the guild, member or
  // channel is not cached.
  std::optional<uint64_t> ComputePermissions(GuildId guild, UserId user,
                                             std::optional<ChannelId> channel) const;
  // The position of the member's highest role (0 = only @everyone); nullopt when not cached.
  std::optional<int32_t> TopRolePosition(GuildId guild, UserId user) const;
  std::optional<UserId> GuildOwner(GuildId guild) const;
  // The guild's member_count (as Discord keeps it) and how many of its members are cached;
  // nullopt when the guild's data is not cached. `cached >= member_count` means a member the cache
  // lacks is not a member (the API layer then skips an on-miss fetch).
  struct GuildMemberCounts {
    uint32_t member_count = 0;
    uint64_t cached = 0;
  };
  std::optional<GuildMemberCounts> MemberCounts(GuildId guild) const;

  struct Counts {
    uint64_t guilds = 0;
    uint64_t channels = 0;
    uint64_t members = 0;
    uint64_t users = 0;
    uint64_t presences = 0;
    uint64_t voice_states = 0;
    uint64_t messages = 0;
  };
  Counts counts() const;
  KindUsage Usage(Kind kind) const;

 private:
  struct Impl;
  BotId bot_;
  CacheOptions options_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pylon::cache
