// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: the frame envelope, event names, and emission to the handler. The event payloads
// are parsed in json_parser_model.cc, json_parser_message.cc and json_parser_passthrough.cc.

#include "discord/json_parser.h"

#include <google/protobuf/arena.h>

#include "discord/json_parser_internal.h"

namespace pylon::discord {
namespace json_internal {

bool ParseContext::Expected(sj::value& v, const char* what) {
  const char* got;
  switch (FirstChar(v)) {
    case '{':
      got = "an object";
      break;
    case '[':
      got = "an array";
      break;
    case '"':
      got = "a string";
      break;
    case 't':
    case 'f':
      got = "a boolean";
      break;
    case 'n':
      got = "null";
      break;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      got = "a number";
      break;
    default:
      got = "invalid JSON";
  }
  std::string_view expected(what);
  if (expected == got) {  // "tru", "1.2.3": the right start, then garbage
    expected.remove_prefix(expected.find(' ') + 1);  // drop the article
    return Fail("malformed " + std::string(expected));
  }
  return Fail(std::string("expected ") + what + ", got " + got);
}

std::string ParseContext::Describe() const {
  std::string out;
  for (auto it = path_.rbegin(); it != path_.rend(); ++it) {
    if (!out.empty() && (*it)[0] != '[') out += '.';
    out += *it;
  }
  if (!out.empty()) out += ": ";
  out += reason_.empty() ? "invalid" : reason_;
  return out;
}

EventKind EventKindFromName(std::string_view key) {
  switch (KeyHash(key)) {
    PYLON_JSON_KEY("READY") return EventKind::kReady;
    PYLON_JSON_KEY("RESUMED") return EventKind::kResumed;
    PYLON_JSON_KEY("GUILD_CREATE") return EventKind::kGuildCreate;
    PYLON_JSON_KEY("GUILD_UPDATE") return EventKind::kGuildUpdate;
    PYLON_JSON_KEY("GUILD_DELETE") return EventKind::kGuildDelete;
    PYLON_JSON_KEY("GUILD_ROLE_CREATE") return EventKind::kRoleCreate;
    PYLON_JSON_KEY("GUILD_ROLE_UPDATE") return EventKind::kRoleUpdate;
    PYLON_JSON_KEY("GUILD_ROLE_DELETE") return EventKind::kRoleDelete;
    PYLON_JSON_KEY("CHANNEL_CREATE") return EventKind::kChannelCreate;
    PYLON_JSON_KEY("CHANNEL_UPDATE") return EventKind::kChannelUpdate;
    PYLON_JSON_KEY("CHANNEL_DELETE") return EventKind::kChannelDelete;
    PYLON_JSON_KEY("THREAD_CREATE") return EventKind::kThreadCreate;
    PYLON_JSON_KEY("THREAD_UPDATE") return EventKind::kThreadUpdate;
    PYLON_JSON_KEY("THREAD_DELETE") return EventKind::kThreadDelete;
    PYLON_JSON_KEY("THREAD_LIST_SYNC") return EventKind::kThreadListSync;
    PYLON_JSON_KEY("GUILD_MEMBER_ADD") return EventKind::kMemberAdd;
    PYLON_JSON_KEY("GUILD_MEMBER_UPDATE") return EventKind::kMemberUpdate;
    PYLON_JSON_KEY("GUILD_MEMBER_REMOVE") return EventKind::kMemberRemove;
    PYLON_JSON_KEY("GUILD_MEMBERS_CHUNK") return EventKind::kMembersChunk;
    PYLON_JSON_KEY("PRESENCE_UPDATE") return EventKind::kPresenceUpdate;
    PYLON_JSON_KEY("VOICE_STATE_UPDATE") return EventKind::kVoiceStateUpdate;
    PYLON_JSON_KEY("GUILD_EMOJIS_UPDATE") return EventKind::kEmojisUpdate;
    PYLON_JSON_KEY("USER_UPDATE") return EventKind::kUserUpdate;
    PYLON_JSON_KEY("MESSAGE_CREATE") return EventKind::kMessageCreate;
    PYLON_JSON_KEY("MESSAGE_UPDATE") return EventKind::kMessageUpdate;
    PYLON_JSON_KEY("MESSAGE_DELETE") return EventKind::kMessageDelete;
    PYLON_JSON_KEY("MESSAGE_DELETE_BULK") return EventKind::kMessageDeleteBulk;
    PYLON_JSON_KEY("MESSAGE_REACTION_ADD") return EventKind::kReactionAdd;
    PYLON_JSON_KEY("MESSAGE_REACTION_REMOVE") return EventKind::kReactionRemove;
    PYLON_JSON_KEY("MESSAGE_REACTION_REMOVE_ALL") return EventKind::kReactionRemoveAll;
    PYLON_JSON_KEY("MESSAGE_REACTION_REMOVE_EMOJI") return EventKind::kReactionRemoveEmoji;
    PYLON_JSON_KEY("TYPING_START") return EventKind::kTypingStart;
    PYLON_JSON_KEY("CHANNEL_PINS_UPDATE") return EventKind::kChannelPinsUpdate;
    PYLON_JSON_KEY("VOICE_SERVER_UPDATE") return EventKind::kVoiceServerUpdate;
    PYLON_JSON_KEY("INVITE_CREATE") return EventKind::kInviteCreate;
    PYLON_JSON_KEY("INVITE_DELETE") return EventKind::kInviteDelete;
    PYLON_JSON_KEY("GUILD_BAN_ADD") return EventKind::kBanAdd;
    PYLON_JSON_KEY("GUILD_BAN_REMOVE") return EventKind::kBanRemove;
    PYLON_JSON_KEY("GUILD_INTEGRATIONS_UPDATE") return EventKind::kIntegrationsUpdate;
    PYLON_JSON_KEY("WEBHOOKS_UPDATE") return EventKind::kWebhooksUpdate;
    PYLON_JSON_KEY("INTEGRATION_CREATE") return EventKind::kIntegrationCreate;
    PYLON_JSON_KEY("INTEGRATION_UPDATE") return EventKind::kIntegrationUpdate;
    PYLON_JSON_KEY("INTEGRATION_DELETE") return EventKind::kIntegrationDelete;
    PYLON_JSON_KEY("INTERACTION_CREATE") return EventKind::kInteractionCreate;
  }
  return EventKind::kUnmodelled;
}

}  // namespace json_internal

using namespace json_internal;  // NOLINT: this file is the parser's implementation

namespace {

constexpr size_t kMaxEventName = 64;
constexpr size_t kArenaBlock = 32 << 10;  // one MESSAGE_CREATE needs a few KiB

bool ValidEventName(std::string_view name) {
  if (name.empty() || name.size() > kMaxEventName) return false;
  for (char c : name) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

void Count(std::map<std::string, uint64_t, std::less<>>& by_name, std::string_view name) {
  auto it = by_name.find(name);
  if (it == by_name.end()) {
    if (by_name.size() >= GatewayParserStats::kMaxNames) {
      ++by_name["(other)"];
      return;
    }
    it = by_name.emplace(std::string(name), 0).first;
  }
  ++it->second;
}

bool IsPassthrough(EventKind kind) {
  return kind >= EventKind::kTypingStart && kind <= EventKind::kIntegrationDelete;
}

google::protobuf::ArenaOptions ArenaOptionsFor(char* block) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = kArenaBlock;
  options.start_block_size = kArenaBlock;
  options.max_block_size = 1 << 20;
  return options;
}

}  // namespace

struct GatewayParser::Impl {
  Impl() : arena_block(new char[kArenaBlock]), arena(ArenaOptionsFor(arena_block.get())) {
    name.reserve(kMaxEventName);
  }

  Status Parse(const InflatedMessage& message, GatewayEventHandler& handler);

 private:
  void ResetFrame();
  bool ReadFrame(sj::document& doc);
  bool ReadDeferredData(sj::document& doc);
  void RescueEnvelope(const InflatedMessage& message);
  bool ReadEnvelopeField(std::string_view key, uint64_t hash, sj::value& value);
  bool CheckEnvelope();
  bool NeedsData() const;
  bool ParseData(sj::value& d);
  bool ParseDispatch(sj::value& d);
  pb::event::EventEnvelope* NewEnvelope();
  Status Finish(GatewayEventHandler& handler, bool ok);
  void EmitDispatch(GatewayEventHandler& handler);

 public:
  sj::parser parser;
  ParseContext ctx;
  GatewayParserStats stats;

  // The frame being parsed.
  bool has_op = false, has_seq = false, has_name = false;
  bool seen_d = false, parsed_d = false;
  int64_t op = -1;
  uint64_t seq = 0;
  std::string name;
  EventKind kind = EventKind::kUnmodelled;
  uint32_t heartbeat_interval = 0;
  bool has_heartbeat_interval = false;
  bool resumable = false;
  GuildId passthrough_guild;
  bool representable = true;

  // Scratch events, reused frame after frame.
  ReadyEvent ready;
  GuildCreateEvent guild_create;
  GuildUpdateEvent guild_update;
  GuildDeleteEvent guild_delete;
  RoleEvent role;
  RoleDeleteEvent role_delete;
  ChannelEvent channel;
  ThreadDeleteEvent thread_delete;
  ThreadListSyncEvent thread_list_sync;
  MemberEvent member;
  MemberRemoveEvent member_remove;
  MembersChunkEvent members_chunk;
  PresenceEvent presence;
  VoiceStateEvent voice_state;
  EmojisUpdateEvent emojis_update;
  UserUpdateEvent user_update;
  MessageCreateEvent message_create;
  MessageUpdateEvent message_update;
  MessageDeleteEvent message_delete;
  MessageDeleteBulkEvent message_delete_bulk;
  ReactionEvent reaction;

  // Protobuf objects of the current frame live on the arena, reset at the next frame: the
  // first block is ours, so steady state allocates nothing but long strings.
  std::unique_ptr<char[]> arena_block;
  google::protobuf::Arena arena;
  bool arena_used = false;
  pb::model::MessageData* message = nullptr;
  pb::event::EventEnvelope* envelope = nullptr;
};

void GatewayParser::Impl::ResetFrame() {
  ctx.Reset();
  has_op = has_seq = has_name = seen_d = parsed_d = false;
  op = -1;
  seq = 0;
  name.clear();
  kind = EventKind::kUnmodelled;
  heartbeat_interval = 0;
  has_heartbeat_interval = false;
  resumable = false;
  passthrough_guild = GuildId();
  representable = true;
  message = nullptr;
  envelope = nullptr;
  if (arena_used) {
    arena.Reset();
    arena_used = false;
  }
}

pb::event::EventEnvelope* GatewayParser::Impl::NewEnvelope() {
  arena_used = true;
  envelope = google::protobuf::Arena::CreateMessage<pb::event::EventEnvelope>(&arena);
  return envelope;
}

Status GatewayParser::Impl::Parse(const InflatedMessage& input, GatewayEventHandler& handler) {
  ++stats.frames;
  ResetFrame();
  if (input.data == nullptr || input.capacity < input.size + simdjson::SIMDJSON_PADDING) {
    ctx.Fail("message not padded for simdjson");
    return Finish(handler, false);
  }
  sj::document doc;
  if (auto error = parser.iterate(input.data, input.size, input.capacity).get(doc)) {
    ctx.Fail(error);
    return Finish(handler, false);
  }
  bool ok = ReadFrame(doc) && CheckEnvelope();
  if (ok && seen_d && !parsed_d && NeedsData()) ok = ReadDeferredData(doc);
  if (ok && op == 10 && !has_heartbeat_interval) {
    ctx.Fail("missing heartbeat_interval");
    ok = ctx.In("d");
  }
  if (!ok && (!has_seq || !has_op || !has_name)) RescueEnvelope(input);
  Status status = Finish(handler, ok);
  if (input.size > kRetainedCapacity && parser.capacity() > kRetainedCapacity) {
    // Give a big GUILD_CREATE's buffers back. On failure the parser reallocates next time.
    if (parser.allocate(kRetainedCapacity) != simdjson::SUCCESS) stats.shrink_failures++;
  }
  return status;
}

bool GatewayParser::Impl::ReadEnvelopeField(std::string_view key, uint64_t hash, sj::value& value) {
  switch (hash) {
    PYLON_JSON_KEY("op") {
      if (has_op) return ctx.Fail("duplicate key");
      if (TakeNull(value)) return true;
      if (!ReadInt(value, &op, ctx)) return false;
      has_op = true;
      return true;
    }
    PYLON_JSON_KEY("s") {
      if (has_seq) return ctx.Fail("duplicate key");
      if (TakeNull(value)) return true;
      if (!ReadUint(value, &seq, ctx)) return false;
      has_seq = true;
      return true;
    }
    PYLON_JSON_KEY("t") {
      if (has_name) return ctx.Fail("duplicate key");
      if (TakeNull(value)) return true;
      std::string_view text;
      if (!ReadString(value, &text, ctx)) return false;
      kind = EventKindFromName(text);  // known names are valid ones
      if (kind == EventKind::kUnmodelled && !ValidEventName(text)) {
        return ctx.Fail("invalid event name");
      }
      name.assign(text.data(), text.size());
      has_name = true;
      return true;
    }
  }
  return true;
}

bool GatewayParser::Impl::ReadFrame(sj::document& doc) {
  sj::object frame;
  if (auto error = doc.get_object().get(frame)) {
    return ctx.Fail(error == simdjson::INCORRECT_TYPE ? "frame is not a JSON object"
                                                      : simdjson::error_message(error));
  }
  for (auto result : frame) {
    sj::field field;
    if (auto error = std::move(result).get(field)) return ctx.Fail(error);
    std::string_view key;
    uint64_t hash;
    if (!ReadKey(field, &key, &hash, ctx)) return false;
    sj::value& value = field.value();
    if (key == "d") {
      if (seen_d) {
        ctx.Fail("duplicate key");
        return ctx.In(key);
      }
      seen_d = true;
      // Parse now when we know what it is (op and, for dispatches, t came first: Discord's
      // usual order); otherwise it is skipped and read in a second pass.
      if (has_op && (op != 0 || has_name)) {
        if (!CheckEnvelope()) return false;
        parsed_d = true;
        if (NeedsData() && !ParseData(value)) return ctx.In("d");
      }
      continue;
    }
    if (!ReadEnvelopeField(key, hash, value)) return ctx.In(key);
  }
  auto location = doc.current_location();
  if (location.error() != simdjson::OUT_OF_BOUNDS) return ctx.Fail("content after the frame");
  return true;
}

bool GatewayParser::Impl::CheckEnvelope() {
  if (!has_op) return ctx.Fail("missing op");
  switch (op) {
    case 0:
      if (!has_name) return ctx.Fail("dispatch without t");
      if (!seen_d && NeedsData()) return ctx.Fail("missing d");
      return true;
    case 1:
    case 7:
    case 9:
    case 11:
      return true;
    case 10:
      return seen_d || ctx.Fail("missing d");
    default:
      return ctx.Fail("unknown op " + std::to_string(op));
  }
}

bool GatewayParser::Impl::NeedsData() const {
  switch (op) {
    case 0:
      return kind != EventKind::kUnmodelled && kind != EventKind::kResumed;
    case 9:
    case 10:
      return true;
    default:
      return false;
  }
}

bool GatewayParser::Impl::ReadDeferredData(sj::document& doc) {
  doc.rewind();
  sj::object frame;
  if (auto error = doc.get_object().get(frame)) return ctx.Fail(error);
  for (auto result : frame) {
    sj::field field;
    if (auto error = std::move(result).get(field)) return ctx.Fail(error);
    std::string_view key;
    uint64_t hash;
    if (!ReadKey(field, &key, &hash, ctx)) return false;
    if (key != "d") continue;
    parsed_d = true;
    return ParseData(field.value()) || ctx.In("d");
  }
  return ctx.Fail("missing d");
}

// After a failure: the envelope fields not read yet (`s` after a broken `d`), best effort, from a
// fresh iteration (the failed one may have been abandoned by simdjson).
void GatewayParser::Impl::RescueEnvelope(const InflatedMessage& input) {
  if (input.data == nullptr || input.capacity < input.size + simdjson::SIMDJSON_PADDING) return;
  sj::document doc;
  if (parser.iterate(input.data, input.size, input.capacity).get(doc)) return;
  sj::object frame;
  if (doc.get_object().get(frame)) return;
  ParseContext ignored;
  for (auto result : frame) {
    sj::field field;
    if (std::move(result).get(field)) return;
    std::string_view key;
    uint64_t hash;
    if (!ReadKey(field, &key, &hash, ignored)) return;
    sj::value& value = field.value();
    if (key == "s" && !has_seq) {
      has_seq = !TakeNull(value) && ReadUint(value, &seq, ignored);
    } else if (key == "op" && !has_op) {
      has_op = !TakeNull(value) && ReadInt(value, &op, ignored);
    } else if (key == "t" && !has_name) {
      std::string_view text;
      if (!TakeNull(value) && ReadString(value, &text, ignored) && ValidEventName(text)) {
        name.assign(text.data(), text.size());
        has_name = true;
      }
    }
  }
}

bool GatewayParser::Impl::ParseData(sj::value& d) {
  switch (op) {
    case 0:
      return ParseDispatch(d);
    case 9:
      return ReadBool(d, &resumable, ctx);
    case 10:
      return ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
        switch (hash) {
          PYLON_JSON_KEY("heartbeat_interval") {
            has_heartbeat_interval = true;
            return ReadUint(value, &heartbeat_interval, ctx);
          }
        }
        return true;
      });
    default:
      return true;
  }
}

bool GatewayParser::Impl::ParseDispatch(sj::value& d) {
  switch (kind) {
    case EventKind::kUnmodelled:
    case EventKind::kResumed:
      return true;
    case EventKind::kReady:
      return ParseReadyEvent(d, &ready, ctx);
    case EventKind::kGuildCreate:
      return ParseGuildCreateEvent(d, &guild_create, ctx);
    case EventKind::kGuildUpdate:
      return ParseGuildUpdateEvent(d, &guild_update, ctx);
    case EventKind::kGuildDelete:
      return ParseGuildDeleteEvent(d, &guild_delete, ctx);
    case EventKind::kRoleCreate:
    case EventKind::kRoleUpdate:
      return ParseRoleEvent(d, &role, ctx);
    case EventKind::kRoleDelete:
      return ParseRoleDeleteEvent(d, &role_delete, ctx);
    case EventKind::kChannelCreate:
    case EventKind::kChannelUpdate:
    case EventKind::kChannelDelete:
    case EventKind::kThreadCreate:
    case EventKind::kThreadUpdate:
      return ParseChannelEvent(d, &channel, ctx);
    case EventKind::kThreadDelete:
      return ParseThreadDeleteEvent(d, &thread_delete, ctx);
    case EventKind::kThreadListSync:
      return ParseThreadListSyncEvent(d, &thread_list_sync, ctx);
    case EventKind::kMemberAdd:
    case EventKind::kMemberUpdate:
      return ParseMemberEvent(d, &member, ctx);
    case EventKind::kMemberRemove:
      return ParseMemberRemoveEvent(d, &member_remove, ctx);
    case EventKind::kMembersChunk:
      return ParseMembersChunkEvent(d, &members_chunk, ctx);
    case EventKind::kPresenceUpdate:
      return ParsePresenceEvent(d, &presence, ctx);
    case EventKind::kVoiceStateUpdate:
      return ParseVoiceStateEvent(d, &voice_state, ctx);
    case EventKind::kEmojisUpdate:
      return ParseEmojisUpdateEvent(d, &emojis_update, ctx);
    case EventKind::kUserUpdate:
      return ParseUserUpdateEvent(d, &user_update, ctx);
    case EventKind::kMessageCreate:
    case EventKind::kMessageUpdate: {
      arena_used = true;
      message = google::protobuf::Arena::CreateMessage<pb::model::MessageData>(&arena);
      if (kind == EventKind::kMessageCreate) {
        return ParseMessageCreateEvent(d, &message_create, message, ctx);
      }
      return ParseMessageUpdateEvent(d, &message_update, message, ctx);
    }
    case EventKind::kMessageDelete:
      return ParseMessageDeleteEvent(d, &message_delete, ctx);
    case EventKind::kMessageDeleteBulk:
      return ParseMessageDeleteBulkEvent(d, &message_delete_bulk, ctx);
    case EventKind::kReactionAdd:
    case EventKind::kReactionRemove:
    case EventKind::kReactionRemoveAll:
    case EventKind::kReactionRemoveEmoji:
      return ParseReactionEvent(kind, d, &reaction, NewEnvelope(), ctx);
    case EventKind::kInteractionCreate:
      return ParseInteractionCreateEvent(d, &passthrough_guild, &representable, NewEnvelope(), ctx);
    default:
      return ParsePassthroughEvent(kind, d, &passthrough_guild, NewEnvelope(), ctx);
  }
}

Status GatewayParser::Impl::Finish(GatewayEventHandler& handler, bool ok) {
  bool dispatch = !has_op || op == 0;
  if (has_op && op == 0) ++stats.dispatches;
  if (has_seq && dispatch) handler.OnSequence(seq);
  if (!ok) {
    ++stats.malformed;
    std::string_view event_name = has_name ? std::string_view(name) : std::string_view();
    Count(stats.malformed_by_name, event_name);
    std::string description = ctx.Describe();
    Error error =
        InvalidArgument(event_name.empty() ? "gateway frame: " + description
                                           : std::string(event_name) + ": " + description);
    handler.OnMalformed(event_name, error);
    return error;
  }
  switch (op) {
    case 0:
      EmitDispatch(handler);
      break;
    case 1:
      handler.OnHeartbeatRequest();
      break;
    case 7:
      handler.OnReconnect();
      break;
    case 9:
      handler.OnInvalidSession(resumable);
      break;
    case 10:
      handler.OnHello(heartbeat_interval);
      break;
    case 11:
      handler.OnHeartbeatAck();
      break;
  }
  return Ok();
}

void GatewayParser::Impl::EmitDispatch(GatewayEventHandler& handler) {
  if (IsPassthrough(kind)) {
    handler.OnPassthrough(name, passthrough_guild, *envelope);
    return;
  }
  switch (kind) {
    case EventKind::kUnmodelled:
      break;
    case EventKind::kReady:
      return handler.OnReady(ready);
    case EventKind::kResumed:
      return handler.OnResumed();
    case EventKind::kGuildCreate:
      return handler.OnGuildCreate(guild_create);
    case EventKind::kGuildUpdate:
      return handler.OnGuildUpdate(guild_update);
    case EventKind::kGuildDelete:
      return handler.OnGuildDelete(guild_delete);
    case EventKind::kRoleCreate:
      return handler.OnRoleCreate(role);
    case EventKind::kRoleUpdate:
      return handler.OnRoleUpdate(role);
    case EventKind::kRoleDelete:
      return handler.OnRoleDelete(role_delete);
    case EventKind::kChannelCreate:
      return handler.OnChannelCreate(channel);
    case EventKind::kChannelUpdate:
      return handler.OnChannelUpdate(channel);
    case EventKind::kChannelDelete:
      return handler.OnChannelDelete(channel);
    case EventKind::kThreadCreate:
      return handler.OnThreadCreate(channel);
    case EventKind::kThreadUpdate:
      return handler.OnThreadUpdate(channel);
    case EventKind::kThreadDelete:
      return handler.OnThreadDelete(thread_delete);
    case EventKind::kThreadListSync:
      return handler.OnThreadListSync(thread_list_sync);
    case EventKind::kMemberAdd:
      return handler.OnMemberAdd(member);
    case EventKind::kMemberUpdate:
      return handler.OnMemberUpdate(member);
    case EventKind::kMemberRemove:
      return handler.OnMemberRemove(member_remove);
    case EventKind::kMembersChunk:
      return handler.OnMembersChunk(members_chunk);
    case EventKind::kPresenceUpdate:
      return handler.OnPresenceUpdate(presence);
    case EventKind::kVoiceStateUpdate:
      return handler.OnVoiceStateUpdate(voice_state);
    case EventKind::kEmojisUpdate:
      return handler.OnEmojisUpdate(emojis_update);
    case EventKind::kUserUpdate:
      return handler.OnUserUpdate(user_update);
    case EventKind::kMessageCreate:
      return handler.OnMessageCreate(message_create);
    case EventKind::kMessageUpdate:
      return handler.OnMessageUpdate(message_update);
    case EventKind::kMessageDelete:
      return handler.OnMessageDelete(message_delete);
    case EventKind::kMessageDeleteBulk:
      return handler.OnMessageDeleteBulk(message_delete_bulk);
    case EventKind::kReactionAdd:
    case EventKind::kReactionRemove:
    case EventKind::kReactionRemoveAll:
    case EventKind::kReactionRemoveEmoji:
      return handler.OnReaction(reaction, *envelope);
    case EventKind::kInteractionCreate:
      if (representable) return handler.OnPassthrough(name, passthrough_guild, *envelope);
      break;  // no payload case for this interaction type
    default:
      break;
  }
  ++stats.unmodelled;
  Count(stats.unmodelled_by_name, name);
  handler.OnUnmodelled(name);
}

GatewayParser::GatewayParser() : impl_(std::make_unique<Impl>()) {}
GatewayParser::~GatewayParser() = default;

Status GatewayParser::Parse(const InflatedMessage& message, GatewayEventHandler& handler) {
  return impl_->Parse(message, handler);
}

const GatewayParserStats& GatewayParser::stats() const { return impl_->stats; }

}  // namespace pylon::discord
