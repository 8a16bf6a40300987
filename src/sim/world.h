// Copyright 2026 The Pylon Gateway Authors.
// The simulator's world: the truth about every bot, user, guild, channel, role, member, presence,
// voice state, message, ban and invite. Our gateway engine's cache must end up equal to it.
//
// * Generated from a WorldConfig (seed, sizes, shares); the same config gives the same world.
// * Changed only through the mutation methods below. Each one validates its arguments like Discord
//   does (NotFound / InvalidArgument / AlreadyExists / FailedPrecondition / ResourceExhausted, so
//   the REST simulator can map them to Discord's JSON codes), changes the truth, and emits the
//   gateway dispatch(es) Discord would send to the EventSink (see dispatch.h).
// * Renders objects in Discord's v10 JSON shapes (Write* into a JsonWriter, Render* to a string).
//
// This is an independent implementation of Discord's model: it shares no code with src/discord or
// src/cache. Ownership and threads: the simulator owns one World, used only on its single reactor
// thread; nothing here is thread-safe and nothing needs locks. Pointers and references returned by
// lookups stay valid until the next mutation.

#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/ids.h"
#include "base/json_writer.h"
#include "base/result.h"
#include "sim/dispatch.h"
#include "sim/random.h"
#include "sim/snowflake_generator.h"
#include "sim/world_types.h"

namespace pylon::sim {

// An inclusive range of counts.
struct CountRange {
  uint32_t min = 0;
  uint32_t max = 0;
};

// How the generated world looks. Every field has a usable default; a test sets the few it needs.
struct WorldConfig {
  uint64_t seed = 1;
  uint32_t bots = 1;
  uint32_t guilds = 10;
  // Human memberships over all guilds (the bots' own members come on top).
  uint64_t members = 1000;
  // Size of the user pool guild members are drawn from (users are shared across guilds).
  // 0: max(members * 3 / 5, 16). Always raised to the largest guild's size.
  uint32_t users = 0;
  // Guild sizes follow Zipf's law: the k-th largest guild gets a share proportional to
  // 1 / k^size_exponent ("a few huge, many small"), capped at max_guild_members, at least
  // min_guild_members. Sizes are then shuffled over the guild ids.
  double size_exponent = 1.0;
  uint32_t max_guild_members = 200000;
  uint32_t min_guild_members = 1;
  CountRange channels{4, 30};  // non-thread channels per guild, including categories
  CountRange roles{2, 15};     // roles per guild besides @everyone and the bots' managed roles
  CountRange emojis{0, 15};
  double threads_per_text_channel = 0.3;  // mean active+archived threads per text channel
  double private_thread_share = 0.2;
  double archived_thread_share = 0.2;
  // Presence mix of human members; the rest are offline. Bots are online.
  double online_share = 0.25;
  double idle_share = 0.08;
  double dnd_share = 0.04;
  double activity_share = 0.4;  // of non-offline members
  double voice_share = 0.01;    // of members, each in a random voice channel
  double nick_share = 0.1;
  double premium_share = 0.02;
  double member_roles_mean = 1.0;     // mean roles per member (0..4)
  uint32_t messages_per_channel = 0;  // pre-filled messages per message channel
  uint32_t message_depth = 100;       // ring depth per channel
  CountRange bans{0, 3};
  CountRange invites{0, 3};
  // Which guilds each bot is in: all (default), or each guild with this probability.
  bool every_bot_in_every_guild = true;
  double bot_guild_share = 1.0;
  // Permissions of each bot's managed role in every guild.
  uint64_t bot_permissions = permission::kAdministrator;
  // Intents each bot may use, by bot index; missing entries: every defined intent.
  std::vector<uint64_t> bot_allowed_intents;
  uint32_t rest_global_limit = 50;
  // The generated history ends here (ids, joined_at...). Events use the World's clock.
  int64_t now_unix_ms = 1767225600000;  // 2026-01-01T00:00:00Z
};

// ---- Arguments of the mutation methods (REST-shaped: optional fields are "not changed"). ----

struct MessageSpec {
  std::string content;
  std::vector<Embed> embeds;
  std::vector<UserId> mentions;
  bool tts = false;
  bool mention_everyone = false;
  MessageId reply_to;  // a reply (type 19) to this message of the same channel
  std::string nonce;   // echoed in MESSAGE_CREATE when set
};

struct MessageEdit {
  std::optional<std::string> content;
  std::optional<std::vector<Embed>> embeds;
};

struct MemberSpec {
  std::string nick;
  std::vector<RoleId> roles;
  bool mute = false;
  bool deaf = false;
  bool pending = false;
};

struct MemberEdit {
  std::optional<std::string> nick;  // "" clears it
  std::optional<std::vector<RoleId>> roles;
  std::optional<bool> mute;                                // only for members in voice
  std::optional<bool> deaf;                                // only for members in voice
  std::optional<int64_t> communication_disabled_until_ms;  // 0 clears it
  std::optional<uint32_t> flags;
  std::optional<bool> pending;
};

struct UserEdit {
  std::optional<std::string> username;
  std::optional<std::string> global_name;  // "" clears it
  std::optional<uint64_t> avatar;          // 0 clears it
};

struct ChannelSpec {
  ChannelType type = ChannelType::kText;
  std::string name;
  std::string topic;
  ChannelId parent;                 // a category
  std::optional<int32_t> position;  // default: after the last channel
  bool nsfw = false;
  uint32_t rate_limit_per_user = 0;
  uint32_t bitrate = 64000;
  uint32_t user_limit = 0;
  std::vector<Overwrite> overwrites;
};

// Changes to a channel or a thread (thread-only fields are rejected for channels).
struct ChannelEdit {
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<int32_t> position;
  std::optional<ChannelId> parent;  // 0 = no category
  std::optional<bool> nsfw;
  std::optional<uint32_t> rate_limit_per_user;
  std::optional<uint32_t> bitrate;
  std::optional<uint32_t> user_limit;
  std::optional<std::vector<Overwrite>> overwrites;
  std::optional<bool> archived;                  // threads
  std::optional<bool> locked;                    // threads
  std::optional<uint16_t> auto_archive_minutes;  // threads: 60, 1440, 4320, 10080
};

struct ThreadSpec {
  std::string name;
  ChannelType type = ChannelType::kPublicThread;  // public, private or announcement thread
  UserId owner;
  uint16_t auto_archive_minutes = 1440;
  bool invitable = true;
};

struct RoleSpec {
  std::string name = "new role";
  uint64_t permissions = 0;
  uint32_t color = 0;
  bool hoist = false;
  bool mentionable = false;
};

struct RoleEdit {
  std::optional<std::string> name;
  std::optional<uint64_t> permissions;
  std::optional<uint32_t> color;
  std::optional<bool> hoist;
  std::optional<bool> mentionable;
  std::optional<int32_t> position;
};

struct GuildEdit {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<uint64_t> icon;
  std::optional<uint32_t> features;
  std::optional<uint8_t> verification_level;
  std::optional<uint8_t> default_message_notifications;
  std::optional<uint8_t> explicit_content_filter;
  std::optional<ChannelId> afk_channel;  // 0 = none
  std::optional<uint32_t> afk_timeout;
  std::optional<ChannelId> system_channel;  // 0 = none
  std::optional<std::string> preferred_locale;
  std::optional<uint8_t> premium_tier;
};

struct EmojiSpec {
  std::string name;
  bool animated = false;
  std::vector<RoleId> roles;
};

struct EmojiEdit {
  std::optional<std::string> name;
  std::optional<std::vector<RoleId>> roles;
};

// A voice state change of one member. channel 0 = leave.
struct VoiceSpec {
  ChannelId channel;
  bool self_mute = false;
  bool self_deaf = false;
  bool self_video = false;
  bool self_stream = false;
};

struct InviteSpec {
  UserId inviter;
  uint32_t max_age = 86400;
  uint32_t max_uses = 0;
  bool temporary = false;
};

// Object counts and memory of the world (RenderSummary, tests, the admin API).
struct WorldStats {
  uint64_t users = 0, bots = 0, guilds = 0, channels = 0, threads = 0, roles = 0, emojis = 0;
  uint64_t members = 0, online_members = 0, voice_states = 0, messages = 0, bans = 0, invites = 0;
  uint64_t messages_evicted = 0;  // pushed out of a full ring
  uint64_t dispatches = 0;        // emitted since construction
  uint64_t approx_bytes = 0;      // heap + object bytes of the model, estimated from capacities
};

// Kinds for RenderIdList.
enum class ObjectKind : uint8_t {
  kChannels,
  kThreads,
  kRoles,
  kEmojis,
  kMembers,
  kPresences,
  kVoiceStates,
  kBans,
  kInvites,
};

// Where a message is rendered and for whom.
struct MessageRenderOptions {
  // The bot viewing it (content blanking without MESSAGE_CONTENT, reactions' `me`); nullptr:
  // the truth, full content, `me` false.
  const BotView* viewer = nullptr;
  // Gateway extras of MESSAGE_CREATE/UPDATE: guild_id, member (partial), mentions[].member.
  bool gateway_extras = true;
  // When set, receives the ranges of the content fields (see Dispatch::content_spans).
  std::vector<ContentSpan>* content_spans = nullptr;
  std::string_view nonce;
  // The author's member, when the caller has it at hand (saves a lookup).
  const Member* author_member = nullptr;
};

class World {
 public:
  // Generates the world described by `config`. `clock` gives the time of events (snowflakes,
  // edited_timestamp, typing...); it must outlive the World.
  World(const WorldConfig& config, const Clock& clock);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  // Where dispatches go; nullptr (the default) drops them without rendering. Not owned.
  void set_sink(EventSink* sink) { sink_ = sink; }
  EventSink* sink() const { return sink_; }
  const WorldConfig& config() const { return config_; }
  const Clock& clock() const { return *clock_; }

  // ---- Lookups (nullptr when absent) ----
  const std::vector<User>& users() const { return users_; }
  const std::vector<Bot>& bots() const { return bots_; }
  const std::vector<std::unique_ptr<Guild>>& guilds() const { return guilds_; }
  const User* FindUser(UserId id) const;
  const User& user(UserRef ref) const { return users_[ref]; }
  std::optional<UserRef> FindUserRef(UserId id) const;
  const Bot* FindBot(UserId bot) const;
  const Bot* FindBotByToken(std::string_view token) const;
  const Guild* FindGuild(GuildId id) const;
  // The channel or thread `id` and its guild.
  const Channel* FindChannel(ChannelId id, const Guild** guild = nullptr) const;
  const Role* FindRole(GuildId guild, RoleId role) const;
  const Member* FindMember(GuildId guild, UserId user) const;
  const Message* FindMessage(ChannelId channel, MessageId message) const;
  const Invite* FindInvite(std::string_view code, const Guild** guild = nullptr) const;
  // Threads of a channel (ids), in creation order.
  std::vector<ChannelId> ThreadsOf(ChannelId parent) const;

  // Discord's permission computation (discord-protocol.md §9) for `user` in `guild`, in
  // `channel` when not null (threads use their parent's overwrites). 0 for non-members.
  uint64_t ComputePermissions(const Guild& guild, UserId user,
                              const Channel* channel = nullptr) const;
  // Whether the session `view` gets `dispatch`: intent, target and permission checks. The bot
  // must be in the dispatch's guild (the gateway layer routes by guild and shard).
  bool ShouldDeliver(const Dispatch& dispatch, const BotView& view) const;

  // ---- Mutations: change the truth and emit the dispatches Discord would send ----
  // Messages: MESSAGE_CREATE / UPDATE / DELETE / DELETE_BULK (GUILD_MESSAGES).
  Result<MessageId> CreateMessage(ChannelId channel, UserId author, const MessageSpec& spec);
  Status UpdateMessage(ChannelId channel, MessageId message, const MessageEdit& edit);
  Status DeleteMessage(ChannelId channel, MessageId message);
  // 2..100 distinct ids of held messages, none older than 14 days.
  Status BulkDeleteMessages(ChannelId channel, std::span<const MessageId> messages);
  // Pins: MESSAGE_UPDATE + CHANNEL_PINS_UPDATE, and on pin the system message (type 6,
  // MESSAGE_CREATE) Discord posts. Already (un)pinned: no change, no event.
  Status PinMessage(ChannelId channel, MessageId message, UserId by);
  Status UnpinMessage(ChannelId channel, MessageId message);
  // Reactions (GUILD_MESSAGE_REACTIONS). Adding a reaction the user already made, or removing one
  // they did not make, changes nothing and emits nothing (Discord answers 204 either way).
  Status AddReaction(ChannelId channel, MessageId message, UserId user, const ReactionEmoji& emoji);
  Status RemoveReaction(ChannelId channel, MessageId message, UserId user,
                        const ReactionEmoji& emoji);
  Status RemoveAllReactions(ChannelId channel, MessageId message);
  Status RemoveReactionEmoji(ChannelId channel, MessageId message, const ReactionEmoji& emoji);
  // TYPING_START (GUILD_MESSAGE_TYPING); changes nothing.
  Status TriggerTyping(ChannelId channel, UserId user);

  // PRESENCE_UPDATE (GUILD_PRESENCES). Presences are kept per guild member.
  Status UpdatePresence(GuildId guild, UserId user, const Presence& presence);

  // Members (GUILD_MEMBERS). Add: the user must exist, not be a member, not be banned.
  Status AddMember(GuildId guild, UserId user, const MemberSpec& spec);
  // Also VOICE_STATE_UPDATE when mute/deaf change (those need the member in voice).
  Status UpdateMember(GuildId guild, UserId user, const MemberEdit& edit);
  // Kick or leave: VOICE_STATE_UPDATE (left) if in voice, then GUILD_MEMBER_REMOVE. Not the owner.
  Status RemoveMember(GuildId guild, UserId user);
  // A user's profile change: GUILD_MEMBER_UPDATE in every guild they are in (USER_UPDATE to the
  // bot itself when the user is a bot).
  Status UpdateUser(UserId user, const UserEdit& edit);

  // Channels (GUILDS): CHANNEL_CREATE / UPDATE / DELETE. Deleting a category moves its children
  // to no category (CHANNEL_UPDATE each); deleting a voice channel disconnects its users
  // (VOICE_STATE_UPDATE each); deleting a channel drops its threads (no THREAD_DELETE: the cache
  // drops threads of a deleted parent); the guild's afk/system channel is cleared (GUILD_UPDATE).
  Result<ChannelId> CreateChannel(GuildId guild, const ChannelSpec& spec);
  // For threads this emits THREAD_UPDATE.
  Status UpdateChannel(ChannelId channel, const ChannelEdit& edit);
  // For threads this emits THREAD_DELETE {id, guild_id, parent_id, type}.
  Status DeleteChannel(ChannelId channel);
  // THREAD_CREATE with newly_created:true.
  Result<ChannelId> CreateThread(ChannelId parent, const ThreadSpec& spec);

  // Roles (GUILDS): GUILD_ROLE_CREATE / UPDATE / DELETE. Deleting a role removes it from every
  // member without GUILD_MEMBER_UPDATE (as Discord does); @everyone and managed roles can't go.
  Result<RoleId> CreateRole(GuildId guild, const RoleSpec& spec);
  Status UpdateRole(GuildId guild, RoleId role, const RoleEdit& edit);
  Status DeleteRole(GuildId guild, RoleId role);

  // GUILD_UPDATE (GUILDS): the guild object with roles and emojis, without GUILD_CREATE extras.
  Status UpdateGuild(GuildId guild, const GuildEdit& edit);

  // Emojis (GUILD_EXPRESSIONS): each change emits GUILD_EMOJIS_UPDATE with the complete list.
  Result<EmojiId> CreateEmoji(GuildId guild, const EmojiSpec& spec);
  Status UpdateEmoji(GuildId guild, EmojiId emoji, const EmojiEdit& edit);
  Status DeleteEmoji(GuildId guild, EmojiId emoji);

  // VOICE_STATE_UPDATE (GUILD_VOICE_STATES): join, move, change flags, or leave (channel 0).
  Status UpdateVoiceState(GuildId guild, UserId user, const VoiceSpec& spec);

  // Invites (GUILD_INVITES; only to bots with MANAGE_CHANNELS on the channel).
  Result<std::string> CreateInvite(ChannelId channel, const InviteSpec& spec);
  Status DeleteInvite(std::string_view code);

  // Bans (GUILD_MODERATION; only to bots with BAN_MEMBERS or VIEW_AUDIT_LOG). Banning a member
  // removes it first (GUILD_MEMBER_REMOVE), then GUILD_BAN_ADD. Banning a banned user: no event.
  Status BanUser(GuildId guild, UserId user, std::string_view reason = {});
  Status UnbanUser(GuildId guild, UserId user);

  // A bot joins a guild: its member is added (GUILD_MEMBER_ADD to the other bots), and the bot
  // gets GUILD_CREATE (per_bot_render). Leaving: GUILD_MEMBER_REMOVE to the others and
  // GUILD_DELETE {id} to the bot.
  Status AddBotToGuild(UserId bot, GuildId guild);
  Status RemoveBotFromGuild(UserId bot, GuildId guild);

  // A user that is in no guild yet (for tests and the admin API). Not an event.
  Result<UserId> CreateUser(std::string_view username, bool bot = false);

  // ---- Rendering (Discord v10 shapes) ----
  void WriteUser(JsonWriter& w, const User& user) const;
  // A guild member; `with_user` adds the user object, `guild_id` (when non-zero) adds guild_id.
  void WriteMember(JsonWriter& w, const Member& member, bool with_user,
                   GuildId guild_id = GuildId()) const;
  void WriteRole(JsonWriter& w, const Role& role) const;
  // A channel or thread; `with_guild_id` false for GUILD_CREATE's channels.
  void WriteChannel(JsonWriter& w, const Guild& guild, const Channel& channel,
                    bool with_guild_id) const;
  void WriteEmoji(JsonWriter& w, const Emoji& emoji) const;
  // A presence {user:{id}, [guild_id], status, activities, client_status}.
  void WritePresence(JsonWriter& w, const Guild& guild, const Member& member,
                     bool with_guild_id) const;
  void WriteVoiceState(JsonWriter& w, const Guild& guild, const VoiceState& state,
                       bool with_guild_id, bool with_member) const;
  void WriteMessage(JsonWriter& w, const Guild& guild, const Channel& channel,
                    const Message& message, const MessageRenderOptions& options = {}) const;
  void WriteInvite(JsonWriter& w, const Guild& guild, const Invite& invite) const;
  // The guild object (GUILD_UPDATE shape): scalar fields, roles, emojis, features, stickers [].
  void WriteGuild(JsonWriter& w, const Guild& guild) const;

  // GUILD_CREATE's `d` for a bot session (discord-protocol.md §5): the guild object plus
  // joined_at, large, unavailable, member_count, channels (no guild_id), threads (active),
  // members, presences, voice_states (no guild_id), stage_instances, guild_scheduled_events,
  // soundboard_sounds. Rules applied:
  //  - members/presences: only the bot itself and users in voice when the view lacks
  //    GUILD_PRESENCES or the guild has more than 75,000 members; otherwise, when member_count >
  //    large_threshold (then large:true), only non-offline members (and the bot); otherwise all.
  //  - presences only with GUILD_PRESENCES, and only non-offline ones.
  //  - voice_states (and the voice users among members) only with GUILD_VOICE_STATES.
  std::string RenderGuildCreate(const Guild& guild, const BotView& view) const;
  // The whole truth of one guild for comparison with a cache: guild object, every channel and
  // thread (with guild_id), every member (with user), every presence (offline included), voice
  // states, bans, invites, bots, and with `with_messages` each channel's held messages.
  std::string RenderGuildTruth(const Guild& guild, bool with_messages = false) const;
  // Every guild's truth plus users referenced and bots (without tokens).
  std::string RenderWorldTruth(bool with_messages = false) const;
  // Counts per kind and one compact row per guild.
  std::string RenderSummary() const;
  // Sorted ids of one kind in a guild (user ids for members/presences/voice states/bans, codes
  // for invites). Presences: non-offline members only.
  std::string RenderIdList(const Guild& guild, ObjectKind kind) const;

  WorldStats Stats() const;
  // Checks every structural invariant of the truth (ids resolve, indexes agree, member_count,
  // @everyone, rings ordered and bounded, ...). Ok, or the first violation found.
  Status CheckInvariants() const;

  // Event-time helpers.
  int64_t NowMs() const { return clock_->UnixMs(); }

 private:
  friend class EventGenerator;

  struct ChannelSlot {
    uint32_t guild = 0;    // index in guilds_
    uint32_t channel = 0;  // index in Guild::channels
  };

  void Generate();  // world_generate.cc

  Guild* MutableGuild(GuildId id);
  Channel* MutableChannel(ChannelId id, Guild** guild);
  Result<Guild*> GuildOrError(GuildId id);
  Result<Channel*> ChannelOrError(ChannelId id, Guild** guild);
  Result<UserRef> UserOrError(UserId id) const;
  uint32_t GuildIndex(const Guild& guild) const;

  // Index maintenance.
  void IndexChannel(const Guild& guild, uint32_t guild_index, uint32_t position);
  void RemoveChannelAt(Guild& guild, uint32_t position);
  void AddMemberRaw(Guild& guild, Member member);
  void RemoveMemberRaw(Guild& guild, UserId user);
  void SetVoiceRaw(Guild& guild, VoiceState state);
  void RemoveVoiceRaw(Guild& guild, UserId user);
  bool PushMessage(Channel& channel, Message message);

  // What AppendMessage stores: a validated message (views into the caller's data).
  struct NewMessage {
    std::string_view content;
    std::span<const Embed> embeds;
    std::span<const UserRef> mentions;
    MessageId reply_to;
    bool tts = false;
    bool mention_everyone = false;
    std::string_view nonce;
  };
  // Stores a validated message by `author` (whose member in `guild` is `author_member`) in
  // `channel`, reusing the evicted message's buffers, and emits MESSAGE_CREATE.
  MessageId AppendMessage(Guild& guild, Channel& channel, UserRef author,
                          const Member* author_member, const NewMessage& message);

  // Dispatch helpers: Begin returns the writer for the payload (nullptr without a sink).
  JsonWriter* BeginDispatch(GuildId guild, std::string_view name, int32_t intent_bit);
  void EndDispatch();
  void EmitMessage(const Guild& guild, const Channel& channel, const Message& message,
                   std::string_view name, std::string_view nonce = {},
                   const Member* author_member = nullptr);
  void EmitMemberUpdate(const Guild& guild, const Member& member);
  void EmitMemberRemove(const Guild& guild, const User& user);
  void EmitVoiceState(const Guild& guild, const VoiceState& state);
  void EmitVoiceLeave(const Guild& guild, const VoiceState& old_state);
  void EmitChannel(const Guild& guild, const Channel& channel, std::string_view name);
  void EmitGuildUpdate(const Guild& guild);
  void EmitEmojis(const Guild& guild);
  void EmitReaction(const Guild& guild, const Channel& channel, const Message& message, UserId user,
                    const ReactionEmoji& emoji, bool add);

  // The fields of an object, written inside an open object.
  void WriteGuildFields(JsonWriter& w, const Guild& guild) const;
  void WriteUserFields(JsonWriter& w, const User& user) const;
  void WriteChannelFields(JsonWriter& w, const Guild& guild, const Channel& channel,
                          bool with_guild_id) const;
  void WriteActivity(JsonWriter& w, const Activity& activity) const;
  void WriteReactionEmoji(JsonWriter& w, const ReactionEmoji& emoji) const;
  std::string NewInviteCode();
  uint64_t NewId(SnowflakeGenerator& generator) { return generator.Next(NowMs()); }

  WorldConfig config_;
  const Clock* clock_;
  EventSink* sink_ = nullptr;
  Dispatch dispatch_;                 // reused for every emit
  std::optional<JsonWriter> writer_;  // writes dispatch_.json between Begin and EndDispatch
  bool emitting_ = false;

  std::vector<User> users_;
  FlatIdMap user_index_;  // user id -> UserRef
  std::vector<Bot> bots_;
  FlatIdMap bot_index_;  // user id -> index in bots_
  std::vector<std::unique_ptr<Guild>> guilds_;
  FlatIdMap guild_index_;                   // guild id -> index in guilds_
  FlatIdMap channel_index_;                 // channel id -> index in channel_slots_
  std::vector<ChannelSlot> channel_slots_;  // where each indexed channel is
  std::vector<uint32_t> free_channel_slots_;

  Random random_;  // invite codes, session ids and other values made at event time
  SnowflakeGenerator user_ids_{1, 0};
  SnowflakeGenerator guild_ids_{2, 0};
  SnowflakeGenerator channel_ids_{3, 0};
  SnowflakeGenerator role_ids_{4, 0};
  SnowflakeGenerator emoji_ids_{5, 0};
  SnowflakeGenerator message_ids_{6, 0};
  SnowflakeGenerator thread_ids_{3, 1};

  Message scratch_message_;  // the message rendered when message_depth is 0
  uint64_t messages_evicted_ = 0;
  uint64_t dispatches_ = 0;
};

}  // namespace pylon::sim
