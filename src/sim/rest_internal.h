// Copyright 2026 The Pylon Gateway Authors.
// The REST simulator's insides, shared by its translation units:
//   rest.cc              the request pipeline (ban, faults, version, route, auth, limits, body),
//                        the admin API and statistics
//   rest_routes.cc       the route table (method + template -> bucket, major parameter, handler)
//   rest_common.cc       errors, World error mapping, access and hierarchy checks, rendering
//   rest_messages.cc     messages, reactions, pins, typing
//   rest_channels.cc     channels, overwrites, invites, followers
//   rest_guilds.cc       guild, channels of a guild, members, roles, bans, prune, regions, emojis
//   rest_users.cc        gateway, users, DMs
//   rest_interactions.cc interaction callbacks, webhook follow-ups, POST /_sim/rest/interactions
//   rest_limits.cc       buckets, global limit, shared scope, sublimit, invalid requests
//   rest_body.cc         body decoding and field validation
//
// RestCore lives on the simulator's reactor thread, like the World it changes; nothing here is
// thread-safe.

#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <simdjson.h>

#include "base/clock.h"
#include "net/http.h"
#include "runtime/reactor.h"
#include "runtime/unique_function.h"
#include "sim/gateway.h"
#include "sim/random.h"
#include "sim/rest.h"
#include "sim/rest_body.h"
#include "sim/rest_limits.h"
#include "sim/snowflake_generator.h"
#include "sim/world.h"

namespace pylon::sim::rest_internal {

// A REST answer before the rate-limit headers are added.
struct Reply {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<net::Header> headers;
  bool shared_scope = false;     // a shared-scope 429: not an invalid request
  std::optional<Scope> limited;  // set on 429s: which limit
};

Reply JsonReply(int status, std::string body);
Reply NoContent();
// {"message": message, "code": code}.
Reply ErrorReply(int status, int code, std::string_view message);
Reply FormErrorReply(const FormErrors& errors);
// A 429 of `scope`: the body, Retry-After, X-RateLimit-Scope (and -Global). Route headers are
// added by the pipeline where they apply.
Reply RateLimited(Scope scope, Duration retry_after);
inline Reply MissingAccess() { return ErrorReply(403, 50001, "Missing Access"); }
inline Reply MissingPermissions() { return ErrorReply(403, 50013, "Missing Permissions"); }
// A World error as Discord's answer (NotFound -> 404 + the object's code, InvalidArgument -> 400
// 50035 naming the field, ...).
Reply FromStatus(const Error& error);

// Which path parameter keys a route's rate limit (discord-protocol.md §8).
enum class Major : uint8_t { kNone, kChannel, kGuild, kWebhook, kInteraction };
// kBot: "Authorization: Bot <token>" required; kOptional: used when valid; kToken: the token is in
// the path (interactions, webhooks).
enum class Auth : uint8_t { kBot, kOptional, kToken };
enum class BodyKind : uint8_t { kNone, kObject, kArray };

class RestCore;
struct Call;
using Handler = Reply (RestCore::*)(Call&);

struct RouteDef {
  std::string_view method;
  std::string_view pattern;  // "/channels/{channel_id}/messages/{message_id}"
  std::string_view bucket;   // a BucketSpec name
  Major major;
  Auth auth;
  BodyKind body;
  Handler handler;
  std::string_view method_name;  // the GatewayRest method it serves ("" for extras)
};

// Every route, most specific first.
std::span<const RouteDef> Routes();

// One request being answered.
struct Call {
  const net::HttpRequest* request = nullptr;
  const RouteDef* route = nullptr;
  std::vector<std::string> params;  // path parameters in template order, percent-decoded
  int version = 10;
  const Bot* bot = nullptr;
  std::string_view query;
  dom::element body;  // an object (or array for kArray routes); {} when the request had none
  std::vector<UploadedFile> files;
  std::string audit_reason;
  RouteHeaders headers;  // the route's rate-limit state, for the sublimit's 429
};

// A message the World does not hold: DM messages and ephemeral interaction messages.
struct LooseMessage {
  MessageId id;
  ChannelId channel;
  UserId author;
  std::string content;
  std::vector<Embed> embeds;
  std::string attachments_json;  // "[...]" or ""
  int64_t edited_ms = 0;
  uint32_t flags = 0;
  ApplicationId webhook;  // interaction messages: the application
  bool tts = false;
};

struct DmChannel {
  ChannelId id;
  UserId bot;
  UserId recipient;
  std::deque<LooseMessage> messages;  // oldest first, at most dm_message_depth
  MessageId last_message_id;
};

struct Interaction {
  uint64_t id = 0;
  std::string token;
  ApplicationId application;
  UserId bot;
  GuildId guild;
  ChannelId channel;
  UserId user;
  uint8_t type = 2;          // 1 ping, 2 command, 3 component, 4 autocomplete, 5 modal submit
  MessageId target_message;  // components: the message the component is on
  MonoTime created{};
  bool acknowledged = false;
  int response_type = 0;
  MessageId original;  // the response message in the World (0: none)
  std::optional<LooseMessage> ephemeral_original;
  std::vector<MessageId> followups;
  std::map<uint64_t, LooseMessage> ephemeral_followups;
};

// A message body of POST/PATCH messages, webhooks and interaction responses.
struct AllowedMentions {
  bool users = true;
  bool roles = true;
  bool everyone = true;
  std::vector<uint64_t> user_ids;  // explicit users (when "users" is not parsed)
};
struct MessageBody {
  std::optional<std::string> content;
  std::optional<std::vector<Embed>> embeds;
  std::string nonce;
  bool tts = false;
  std::optional<uint32_t> flags;
  std::optional<AllowedMentions> allowed_mentions;
  MessageId reply_to;
  bool fail_if_not_exists = true;
  bool has_components = false;
  bool has_stickers = false;
  std::optional<std::vector<uint64_t>> keep_attachments;  // "attachments": [{id}] of an edit
};

class RestCore {
 public:
  RestCore(Reactor& reactor, World& world, GatewayServer& gateway, const Clock& clock,
           RestOptions options);
  ~RestCore();

  void SetBaseUrl(std::string base_url) { base_url_ = std::move(base_url); }
  void Handle(net::HttpRequest request, UniqueFunction<void(net::HttpResponse)> respond);
  void HandleAdmin(const net::HttpRequest& request,
                   UniqueFunction<void(net::HttpResponse)> respond);
  std::string RenderStatsJson() const;

  // ---- Handlers (one per route; see Routes()) ----
  // rest_users.cc
  Reply GetGateway(Call& c);
  Reply GetGatewayBot(Call& c);
  Reply GetCurrentUser(Call& c);
  Reply GetUser(Call& c);
  Reply ModifyCurrentUser(Call& c);
  Reply GetCurrentUserGuilds(Call& c);
  Reply LeaveGuild(Call& c);
  Reply CreateDm(Call& c);
  // rest_channels.cc
  Reply GetChannel(Call& c);
  Reply ModifyChannel(Call& c);
  Reply DeleteChannel(Call& c);
  Reply EditChannelPermissions(Call& c);
  Reply DeleteChannelPermission(Call& c);
  Reply GetChannelInvites(Call& c);
  Reply CreateChannelInvite(Call& c);
  Reply DeleteInvite(Call& c);
  Reply FollowChannel(Call& c);
  // rest_messages.cc
  Reply GetMessages(Call& c);
  Reply GetMessage(Call& c);
  Reply CreateMessage(Call& c);
  Reply EditMessage(Call& c);
  Reply DeleteMessage(Call& c);
  Reply BulkDeleteMessages(Call& c);
  Reply CrosspostMessage(Call& c);
  Reply AddReaction(Call& c);
  Reply RemoveOwnReaction(Call& c);
  Reply RemoveUserReaction(Call& c);
  Reply RemoveAllReactions(Call& c);
  Reply RemoveReactionEmoji(Call& c);
  Reply GetReactions(Call& c);
  Reply TriggerTyping(Call& c);
  Reply GetPins(Call& c);
  Reply PinMessage(Call& c);
  Reply UnpinMessage(Call& c);
  // rest_guilds.cc
  Reply GetGuild(Call& c);
  Reply ModifyGuild(Call& c);
  Reply GetGuildChannels(Call& c);
  Reply CreateGuildChannel(Call& c);
  Reply ModifyChannelPositions(Call& c);
  Reply GetMember(Call& c);
  Reply ListMembers(Call& c);
  Reply AddMember(Call& c);
  Reply ModifyMember(Call& c);
  Reply ModifyCurrentMember(Call& c);
  Reply ModifyCurrentNick(Call& c);
  Reply AddMemberRole(Call& c);
  Reply RemoveMemberRole(Call& c);
  Reply RemoveMember(Call& c);
  Reply GetBans(Call& c);
  Reply GetBan(Call& c);
  Reply CreateBan(Call& c);
  Reply RemoveBan(Call& c);
  Reply GetRoles(Call& c);
  Reply CreateRole(Call& c);
  Reply ModifyRolePositions(Call& c);
  Reply ModifyRole(Call& c);
  Reply DeleteRole(Call& c);
  Reply GetPruneCount(Call& c);
  Reply BeginPrune(Call& c);
  Reply GetRegions(Call& c);
  Reply GetGuildInvites(Call& c);
  Reply ListEmojis(Call& c);
  Reply GetEmoji(Call& c);
  Reply CreateEmoji(Call& c);
  Reply ModifyEmoji(Call& c);
  Reply DeleteEmoji(Call& c);
  // rest_interactions.cc
  Reply InteractionCallback(Call& c);
  Reply WebhookExecute(Call& c);
  Reply WebhookGetMessage(Call& c);
  Reply WebhookEditMessage(Call& c);
  Reply WebhookDeleteMessage(Call& c);
  // POST /_sim/rest/interactions.
  Reply AdminCreateInteraction(dom::element body);
  // The interaction of a webhook route's application id and token: 404 10015 unknown, 401 50027
  // when the token expired.
  Interaction* InteractionOfToken(const Call& c, Reply* error);
  // Creates an interaction's response or follow-up message (in the World, or kept here when
  // ephemeral); returns its rendering or Discord's error.
  Reply PostInteractionMessage(Call& c, Interaction& interaction, const MessageBody& body,
                               bool original);

  // ---- Shared helpers (rest_common.cc) ----
  struct GuildAccess {
    const Guild* guild = nullptr;
    const Member* self = nullptr;
    uint64_t perms = 0;  // the bot's guild-level permissions
  };
  struct ChannelAccess {
    const Guild* guild = nullptr;  // null for DM channels
    const Channel* channel = nullptr;
    DmChannel* dm = nullptr;
    uint64_t perms = 0;  // the bot's permissions in the channel
  };
  // Parses path parameter `index` as a snowflake; nullopt and `*error` (400 50035) when invalid.
  std::optional<uint64_t> IdParam(const Call& c, size_t index, Reply* error) const;
  // The guild of path parameter `index` with the bot's permissions: 404 10004 unknown, 403 50001
  // when the bot is not a member.
  std::optional<Reply> AccessGuild(const Call& c, size_t index, GuildAccess* out);
  // The channel of path parameter `index`: 404 10003 unknown, 403 50001 when the bot is not in
  // its guild or cannot view it. DM channels of the bot only when `allow_dm`.
  std::optional<Reply> AccessChannel(const Call& c, size_t index, ChannelAccess* out,
                                     bool allow_dm = false);
  // The role hierarchy (discord-protocol.md §9): the highest role of `user` (nullptr: only
  // @everyone), whether `a` ranks above `b`.
  static bool RoleAbove(const Role& a, const Role& b);
  static const Role* TopRole(const Guild& guild, const Member& member);
  // Whether `bot` may manage `role` (owner, or its highest role is above the role).
  bool CanManageRole(const Guild& guild, UserId bot, const Role& role) const;
  // Whether `bot` may kick/ban/rename `target` (owner, or highest role above the target's; never
  // the owner).
  bool CanActOn(const Guild& guild, UserId bot, UserId target) const;

  BotView ViewOf(const Bot& bot) const;
  // A World message in REST shape (no gateway extras) as `bot` sees it, with its attachments.
  void WriteMessage(JsonWriter& w, const Guild& guild, const Channel& channel,
                    const Message& message, const Bot& bot);
  std::string RenderMessage(const Guild& guild, const Channel& channel, const Message& message,
                            const Bot& bot);
  // A DM or ephemeral message.
  void WriteLooseMessage(JsonWriter& w, const LooseMessage& message);
  std::string RenderLooseMessage(const LooseMessage& message);
  // The REST invite object (with metadata).
  void WriteInvite(JsonWriter& w, const Guild& guild, const Invite& invite);
  void WriteDmChannel(JsonWriter& w, const DmChannel& dm);

  // Parses a message body; errors go into `errors`.
  void ParseMessageBody(const Fields& f, int version, MessageBody* out);
  // Files as attachment objects ("[...]"); "" when there are none.
  std::string RenderAttachments(ChannelId channel, const std::vector<UploadedFile>& files);
  // Size check of the files: 413 40005 when too large.
  std::optional<Reply> CheckFiles(const std::vector<UploadedFile>& files) const;
  // Mentions of `content` (<@id>, <@!id>) allowed by `allowed`.
  std::vector<UserId> ParseMentions(std::string_view content,
                                    const std::optional<AllowedMentions>& allowed) const;
  // Creates a message in a guild channel as `author` (the World emits MESSAGE_CREATE, with the
  // attachments patched in); returns its id or Discord's error.
  Result<MessageId> CreateWorldMessage(ChannelId channel, UserId author, const MessageSpec& spec,
                                       const std::string& attachments_json);
  // Applies an edit; `attachments_json` (when set) replaces the message's attachments.
  Status EditWorldMessage(ChannelId channel, MessageId message, const MessageEdit& edit,
                          const std::optional<std::string>& attachments_json);
  // Runs `fn` (a World mutation) so that MESSAGE_CREATE/UPDATE of `message` carry its attachments.
  Status RunPatched(MessageId message, const std::function<Status()>& fn);
  // POST /channels/{dm}/messages.
  Reply CreateDmMessage(Call& c, DmChannel& dm, const MessageBody& body);
  // Emits a dispatch the World does not make (INTERACTION_CREATE, DMs, WEBHOOKS_UPDATE) to the
  // World's sink (the gateway).
  void Emit(GuildId guild, std::string_view name, int32_t intent, UserId only_for,
            std::string json);
  // Attachments of World messages, by message id.
  const std::string* AttachmentsOf(MessageId message) const;
  void SetAttachments(MessageId message, std::string json);

  Reactor& reactor_;
  World& world_;
  GatewayServer& gateway_;
  const Clock& clock_;
  RestOptions options_;
  std::string base_url_ = "http://127.0.0.1";
  RateLimiter limits_;
  dom::parser parser_;
  DecodedBody decoded_;

  // Faults and latency (admin API).
  int fault_status_ = 0;
  uint64_t fault_remaining_ = 0;
  uint64_t next_delay_ = 0;
  std::unordered_map<uint64_t, std::unique_ptr<Timer>> delayed_;

  // DMs, interactions, attachments and other state the World does not keep.
  std::unordered_map<uint64_t, DmChannel> dms_;                 // by channel id
  std::map<std::pair<uint64_t, uint64_t>, uint64_t> dm_index_;  // (bot, user) -> channel
  std::unordered_map<uint64_t, Interaction> interactions_;
  std::unordered_map<std::string, uint64_t> interaction_tokens_;  // token -> id
  std::deque<uint64_t> interaction_order_;                        // oldest first, for the bound
  std::map<uint64_t, std::string> attachments_;                   // message id -> JSON array
  std::map<uint64_t, bool> crossposted_;
  uint64_t dropped_interactions_ = 0;
  uint64_t dropped_attachments_ = 0;
  SnowflakeGenerator dm_ids_{20, 1};
  SnowflakeGenerator dm_message_ids_{21, 1};
  SnowflakeGenerator interaction_ids_{22, 1};
  SnowflakeGenerator attachment_ids_{23, 1};
  SnowflakeGenerator webhook_ids_{24, 1};
  Random random_{0x7e57};

 private:
  void Respond(Reply reply, UniqueFunction<void(net::HttpResponse)> respond);
  Reply Route(net::HttpRequest& request, const std::string& ip);
  Reply RunRoute(Call& c, const std::string& route_name);
  Reply AdminRoute(const net::HttpRequest& request);
};

// The numbers of Discord's JSON codes for unknown objects.
inline constexpr int kUnknownChannel = 10003;
inline constexpr int kUnknownGuild = 10004;
inline constexpr int kUnknownMember = 10007;
inline constexpr int kUnknownMessage = 10008;
inline constexpr int kUnknownRole = 10011;
inline constexpr int kUnknownUser = 10013;
inline constexpr int kUnknownEmoji = 10014;
inline constexpr int kUnknownWebhook = 10015;
inline constexpr int kUnknownBan = 10026;
inline constexpr int kUnknownInteraction = 10062;

// Permission bits not in world_types.h (discord-protocol.md §9).
namespace perm {
inline constexpr uint64_t kSendTts = uint64_t{1} << 12;
inline constexpr uint64_t kAttachFiles = uint64_t{1} << 15;
inline constexpr uint64_t kUseExternalEmojis = uint64_t{1} << 18;
inline constexpr uint64_t kManageWebhooks = uint64_t{1} << 29;
inline constexpr uint64_t kManageExpressions = uint64_t{1} << 30;
inline constexpr uint64_t kCreateExpressions = uint64_t{1} << 43;
inline constexpr uint64_t kPinMessages = uint64_t{1} << 51;
}  // namespace perm

}  // namespace pylon::sim::rest_internal
