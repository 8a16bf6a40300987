// Copyright 2026 The Pylon Gateway Authors.
// What the JSON parser (json_parser.h) makes of gateway frames, handed to a GatewayEventHandler.
//
// Three kinds of dispatch:
// - Events about cached objects (guilds, channels, threads, roles, members, presences, voice
//   states, emojis, the bot's user) become the model structs of model.h, for the cache to apply.
// - Message events become protobuf MessageData directly: the cache keeps messages as serialized
//   MessageData (bounded per channel, never queried field by field), so a struct would only be an
//   extra copy.
// - Events the cache does not keep (typing, reactions, invites, bans, pins, integrations,
//   webhooks, voice server, interactions) are parsed straight into their EventEnvelope payload.
// Dispatches that discord/v1/event.proto does not model and the cache does not need are reported
// by name (OnUnmodelled), never dropped silently.
//
// The structs are filled by the parser and handed over by reference; the handler may move out of
// them. Objects referenced by a callback are valid only during that callback.

#pragma once

#include <bitset>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "base/result.h"
#include "discord/model.h"
#include "discord/v1/event.pb.h"
#include "discord/v1/model.pb.h"

namespace pylon::discord {

namespace pb = ::pylon::discord::v1;

struct ReadyEvent {
  User user;
  std::string session_id;
  std::string resume_gateway_url;
  std::vector<GuildId> guilds;  // all unavailable at first; GUILD_CREATEs follow
  std::optional<std::pair<uint32_t, uint32_t>> shard;  // [id, count] when sent
  ApplicationId application;
};

struct GuildCreateEvent {
  Guild guild;  // guild.unavailable: an outage; then only the id is meaningful
  std::vector<Role> roles;
  std::vector<Emoji> emojis;
  std::vector<Channel> channels;  // guild ids filled in
  std::vector<Channel> threads;   // active threads, guild ids filled in
  std::vector<Member> members;
  std::vector<Presence> presences;
  std::vector<VoiceState> voice_states;
  bool large = false;
};

// GUILD_UPDATE: the guild's scalar fields (its collections come in their own events).
struct GuildUpdateEvent {
  Guild guild;
};

struct GuildDeleteEvent {
  GuildId guild;
  bool unavailable = false;  // true: an outage; false: the bot left or was removed
};

struct RoleEvent {  // GUILD_ROLE_CREATE / GUILD_ROLE_UPDATE
  GuildId guild;
  Role role;
};
struct RoleDeleteEvent {
  GuildId guild;
  RoleId role;
};

struct ChannelEvent {  // CHANNEL_CREATE / UPDATE / DELETE, THREAD_CREATE / UPDATE
  Channel channel;
};
struct ThreadDeleteEvent {
  ChannelId id;
  GuildId guild;
  ChannelId parent;
  ChannelType type = ChannelType::kPublicThread;
};
struct ThreadListSyncEvent {
  GuildId guild;
  bool has_channel_ids = false;  // false: the sync covers the whole guild
  std::vector<ChannelId> channel_ids;
  std::vector<Channel> threads;
};

struct MemberEvent {  // GUILD_MEMBER_ADD / GUILD_MEMBER_UPDATE
  GuildId guild;
  Member member;
};
struct MemberRemoveEvent {
  GuildId guild;
  User user;
};
struct MembersChunkEvent {
  GuildId guild;
  std::vector<Member> members;
  std::vector<Presence> presences;
  uint32_t chunk_index = 0;
  uint32_t chunk_count = 0;
  std::vector<UserId> not_found;
  std::string nonce;
};

struct PresenceEvent {
  GuildId guild;
  Presence presence;
  // The user fields the event carried (only the id is guaranteed); absent fields are not changes.
  std::optional<ShortString> username;
  std::optional<ImageHash> avatar;
  std::optional<uint16_t> discriminator;
};

struct VoiceStateEvent {
  GuildId guild;
  VoiceState state;
  std::optional<Member> member;
};

struct EmojisUpdateEvent {
  GuildId guild;
  std::vector<Emoji> emojis;  // the complete list
};

struct UserUpdateEvent {  // USER_UPDATE: the bot's own user
  User user;
};

// MESSAGE_CREATE: `message` is complete (guild_id, member and author included).
struct MessageCreateEvent {
  GuildId guild;
  ChannelId channel;
  MessageId id;
  pb::model::MessageData* message = nullptr;
};

// MESSAGE_UPDATE: `message` holds the fields the event carried; `present` says which (by
// MessageData field number). Since 2024 Discord sends the full message, but older or partial
// updates carry only some fields (discord-protocol.md §6).
struct MessageUpdateEvent {
  GuildId guild;
  ChannelId channel;
  MessageId id;
  pb::model::MessageData* message = nullptr;
  std::bitset<64> present;
};

struct MessageDeleteEvent {
  GuildId guild;
  ChannelId channel;
  MessageId id;
};
struct MessageDeleteBulkEvent {
  GuildId guild;
  ChannelId channel;
  std::vector<MessageId> ids;
};

// Reaction events change the cached message's reaction counts; their envelopes are complete.
struct ReactionEvent {
  enum class Kind { kAdd, kRemove, kRemoveAll, kRemoveEmoji };
  Kind kind = Kind::kAdd;
  GuildId guild;
  ChannelId channel;
  MessageId message;
  UserId user;       // add / remove
  EmojiId emoji_id;  // 0 for a Unicode emoji
  std::string emoji_name;
  bool emoji_animated = false;
  bool burst = false;
};

// Receives the parsed frames of one connection. Implemented by the shard (src/gateway); called on
// the shard's reactor.
class GatewayEventHandler {
 public:
  virtual ~GatewayEventHandler() = default;

  // Non-dispatch frames.
  virtual void OnHello(uint32_t heartbeat_interval_ms) = 0;
  virtual void OnHeartbeatAck() = 0;
  virtual void OnHeartbeatRequest() = 0;              // op 1 from Discord: heartbeat at once
  virtual void OnReconnect() = 0;                     // op 7
  virtual void OnInvalidSession(bool resumable) = 0;  // op 9

  // Every dispatch first reports its sequence number (before the event callback), so the
  // session's sequence advances even for events that are malformed or not modelled.
  virtual void OnSequence(uint64_t seq) = 0;

  virtual void OnReady(ReadyEvent& event) = 0;
  virtual void OnResumed() = 0;
  virtual void OnGuildCreate(GuildCreateEvent& event) = 0;
  virtual void OnGuildUpdate(GuildUpdateEvent& event) = 0;
  virtual void OnGuildDelete(GuildDeleteEvent& event) = 0;
  virtual void OnRoleCreate(RoleEvent& event) = 0;
  virtual void OnRoleUpdate(RoleEvent& event) = 0;
  virtual void OnRoleDelete(RoleDeleteEvent& event) = 0;
  virtual void OnChannelCreate(ChannelEvent& event) = 0;
  virtual void OnChannelUpdate(ChannelEvent& event) = 0;
  virtual void OnChannelDelete(ChannelEvent& event) = 0;
  virtual void OnThreadCreate(ChannelEvent& event) = 0;
  virtual void OnThreadUpdate(ChannelEvent& event) = 0;
  virtual void OnThreadDelete(ThreadDeleteEvent& event) = 0;
  virtual void OnThreadListSync(ThreadListSyncEvent& event) = 0;
  virtual void OnMemberAdd(MemberEvent& event) = 0;
  virtual void OnMemberUpdate(MemberEvent& event) = 0;
  virtual void OnMemberRemove(MemberRemoveEvent& event) = 0;
  virtual void OnMembersChunk(MembersChunkEvent& event) = 0;
  virtual void OnPresenceUpdate(PresenceEvent& event) = 0;
  virtual void OnVoiceStateUpdate(VoiceStateEvent& event) = 0;
  virtual void OnEmojisUpdate(EmojisUpdateEvent& event) = 0;
  virtual void OnUserUpdate(UserUpdateEvent& event) = 0;
  virtual void OnMessageCreate(MessageCreateEvent& event) = 0;
  virtual void OnMessageUpdate(MessageUpdateEvent& event) = 0;
  virtual void OnMessageDelete(MessageDeleteEvent& event) = 0;
  virtual void OnMessageDeleteBulk(MessageDeleteBulkEvent& event) = 0;
  // Reactions: `envelope` carries the complete event (scope unset) for delivery as is.
  virtual void OnReaction(ReactionEvent& event, pb::event::EventEnvelope& envelope) = 0;
  // Events delivered as parsed, with no cache involvement: TYPING_START, CHANNEL_PINS_UPDATE,
  // VOICE_SERVER_UPDATE, INVITE_CREATE/DELETE, GUILD_BAN_ADD/REMOVE, GUILD_INTEGRATIONS_UPDATE,
  // WEBHOOKS_UPDATE, INTEGRATION_CREATE/UPDATE/DELETE, INTERACTION_CREATE. `envelope` has its
  // event set, scope unset; `guild` is the event's guild (0 for none).
  virtual void OnPassthrough(std::string_view name, GuildId guild,
                             pb::event::EventEnvelope& envelope) = 0;
  // A dispatch event.proto does not model and the cache does not use.
  virtual void OnUnmodelled(std::string_view name) = 0;
  // A frame or dispatch that could not be parsed. The event is lost (counted); the cache is
  // unchanged. `name` is empty when even the frame's envelope was unreadable.
  virtual void OnMalformed(std::string_view name, const Error& error) = 0;
};

}  // namespace pylon::discord
