// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: reactions and the events parsed straight into their EventEnvelope payload
// (typing, pins, voice server, invites, bans, integrations, webhooks, interactions).

#include "discord/json_parser.h"
#include "discord/json_parser_internal.h"

namespace pylon::discord::json_internal {
namespace {

namespace ev = pb::event;
using pb::model::MessageData;
using Interaction = ev::InteractionCreateEvent;
using Command = pb::model::InteractionDataApplicationCommand;
using Option = Command::ApplicationCommandInteractionDataOption;

bool Require(bool present, const char* name, ParseContext& ctx) {
  return present || ctx.Fail(std::string("missing ") + name);
}

// A protobuf message created on `arena` (the envelope's); deleted at scope exit unless
// released, when there is no arena.
template <typename T>
class Scratch {
 public:
  explicit Scratch(google::protobuf::Arena* arena)
      : arena_(arena), message_(google::protobuf::Arena::CreateMessage<T>(arena)) {}
  ~Scratch() {
    if (arena_ == nullptr) delete message_;
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  T* get() const { return message_; }
  T* operator->() const { return message_; }
  T* release() {
    T* message = message_;
    message_ = nullptr;
    return message;
  }

 private:
  google::protobuf::Arena* arena_;
  T* message_;
};

struct ReactionEmoji {
  uint64_t id = 0;
  std::string_view name;
  bool animated = false;
};

bool ReadReactionEmoji(sj::value& v, ReactionEmoji* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadSnowflakeOrNull(value, &out->id, ctx);
      PYLON_JSON_KEY("name") return ReadStringOrNull(value, &out->name, ctx);
      PYLON_JSON_KEY("animated") return ReadBool(value, &out->animated, ctx);
    }
    return true;
  });
}

void SetEmoji(const ReactionEmoji& emoji, MessageData::MessageReactionEmojiData* out) {
  out->set_id(emoji.id);
  if (!emoji.name.empty()) out->set_name(emoji.name.data(), emoji.name.size());
  out->set_animated(emoji.animated);
}

// Option values travel as text in the model: strings as they are, numbers as written, booleans
// as "true" / "false".
bool ReadOptionValue(sj::value& v, Option* out, ParseContext& ctx) {
  switch (FirstChar(v)) {
    case '"': {
      std::string_view text;
      if (!ReadString(v, &text, ctx)) return false;
      out->set_value(text.data(), text.size());
      return true;
    }
    case 't':
    case 'f': {
      bool value = false;
      if (!ReadBool(v, &value, ctx)) return false;
      out->set_value(value ? "true" : "false");
      return true;
    }
    case 'n':
      TakeNull(v);
      return true;
    default: {
      std::string_view token = v.raw_json_token();
      while (!token.empty() && IsJsonSpace(token.back())) token.remove_suffix(1);
      double number = 0;
      if (v.get_double().get(number)) return ctx.Expected(v, "a string, number or boolean");
      out->set_value(token.data(), token.size());
      return true;
    }
  }
}

bool ParseOption(sj::value& v, Option* out, int depth, ParseContext& ctx) {
  if (depth > GatewayParser::kMaxNesting) return ctx.Fail("options nested too deeply");
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        // Same numbers as Discord up to MENTIONABLE (9); NUMBER (10), ATTACHMENT (11) -> UNKNOWN.
        out->set_type(type <= 9 ? static_cast<Option::ApplicationCommandOptionType>(type)
                                : Option::UNKNOWN);
        return true;
      }
      PYLON_JSON_KEY("value") return ReadOptionValue(value, out, ctx);
      PYLON_JSON_KEY("options") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseOption(element, out->add_options(), depth + 1, ctx);
        });
      }
    }
    return true;
  });
}

// Resolved objects come as maps id -> object.
template <typename F>
bool ForEachResolved(sj::value& v, ParseContext& ctx, F&& on_object) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t, sj::value& value) {
    uint64_t id = 0;
    if (!ParseDecimal(key, &id)) return ctx.Fail("invalid snowflake key");
    return on_object(id, value);
  });
}

bool ParseResolved(sj::value& v, Command::ApplicationCommandInteractionDataResolved* out,
                   ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("users") {
        return ForEachResolved(value, ctx, [&](uint64_t, sj::value& user) {
          return ParseUserData(user, out->add_users(), ctx);
        });
      }
      PYLON_JSON_KEY("members") {
        return ForEachResolved(value, ctx, [&](uint64_t id, sj::value& member) {
          pb::model::MemberData* data = out->add_members();
          if (!ParseMemberData(member, data, ctx)) return false;
          data->set_id(id);
          return true;
        });
      }
      PYLON_JSON_KEY("roles") {
        return ForEachResolved(value, ctx, [&](uint64_t, sj::value& role) {
          return ParseRoleData(role, out->add_roles(), ctx);
        });
      }
      PYLON_JSON_KEY("channels") {
        return ForEachResolved(value, ctx, [&](uint64_t, sj::value& channel) {
          return ParseChannelData(channel, out->add_channels(), ctx);
        });
      }
    }
    return true;
  });
}

// The interaction's `data`, read into both payload shapes (its fields do not overlap), since the
// interaction's type may come after it.
bool ParseInteractionData(sj::value& v, Command* command,
                          pb::model::InteractionDataMessageComponent* component,
                          ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(command, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("name") PYLON_SET_STRING(command, name);
      PYLON_JSON_KEY("resolved") {
        if (TakeNull(value)) return true;
        return ParseResolved(value, command->mutable_resolved(), ctx);
      }
      PYLON_JSON_KEY("options") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseOption(element, command->add_options(), 1, ctx);
        });
      }
      PYLON_JSON_KEY("custom_id") PYLON_SET_STRING(component, custom_id);
      PYLON_JSON_KEY("component_type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        using C = MessageData::MessageComponentData;
        component->set_component_type(type == 1   ? C::ACTION_ROW
                                      : type == 2 ? C::BUTTON
                                                  : C::UNKNOWN);
        return true;
      }
    }
    return true;
  });
}

bool ParseTypingStart(sj::value& d, GuildId* guild, ev::EventEnvelope* envelope,
                      ParseContext& ctx) {
  auto* payload = envelope->mutable_typing_start_event()->mutable_payload();
  uint64_t guild_id = 0;
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("channel_id") PYLON_SET(payload, channel_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("guild_id") return ReadSnowflakeOrNull(value, &guild_id, ctx);
      PYLON_JSON_KEY("user_id") PYLON_SET(payload, user_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("timestamp") {  // Unix seconds
        int64_t seconds = 0;
        if (!ReadInt(value, &seconds, ctx)) return false;
        payload->mutable_timestamp()->set_seconds(seconds);
        return true;
      }
      PYLON_JSON_KEY("member") {
        if (TakeNull(value)) return true;
        return ParseMemberData(value, payload->mutable_member(), ctx);
      }
    }
    return true;
  });
  if (!ok || !Require(payload->channel_id() != 0, "channel_id", ctx) ||
      !Require(payload->user_id() != 0, "user_id", ctx)) {
    return false;
  }
  if (payload->has_member()) {
    payload->mutable_member()->set_id(payload->user_id());
    payload->mutable_member()->set_guild_id(guild_id);
  }
  *guild = GuildId(guild_id);
  return true;
}

bool ParseChannelPinsUpdate(sj::value& d, GuildId* guild, ev::EventEnvelope* envelope,
                            ParseContext& ctx) {
  auto* payload = envelope->mutable_channel_pins_update_event()->mutable_payload();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("channel_id") PYLON_SET(payload, channel_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("guild_id") PYLON_SET(payload, guild_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("last_pin_timestamp") PYLON_SET_TIMESTAMP(payload, last_pin_timestamp);
    }
    return true;
  });
  if (!ok || !Require(payload->channel_id() != 0, "channel_id", ctx)) return false;
  *guild = GuildId(payload->guild_id());
  return true;
}

bool ParseVoiceServerUpdate(sj::value& d, GuildId* guild, ev::EventEnvelope* envelope,
                            ParseContext& ctx) {
  auto* payload = envelope->mutable_voice_server_update_event()->mutable_payload();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") PYLON_SET(payload, guild_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("token") PYLON_SET_STRING(payload, token);
      PYLON_JSON_KEY("endpoint") PYLON_SET_STRING(payload, endpoint);  // null: reallocating
    }
    return true;
  });
  if (!ok || !Require(payload->guild_id() != 0, "guild_id", ctx)) return false;
  *guild = GuildId(payload->guild_id());
  return true;
}

bool ParseInviteCreate(sj::value& d, GuildId* guild, ev::EventEnvelope* envelope,
                       ParseContext& ctx) {
  auto* payload = envelope->mutable_invite_create_event()->mutable_payload();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("channel_id") PYLON_SET(payload, channel_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("code") PYLON_SET_STRING(payload, code);
      PYLON_JSON_KEY("created_at") PYLON_SET_TIMESTAMP(payload, created_at);
      PYLON_JSON_KEY("guild_id") PYLON_SET_SNOWFLAKE_VALUE(payload, guild_id);
      PYLON_JSON_KEY("inviter") {
        if (TakeNull(value)) return true;
        return ParseUserData(value, payload->mutable_inviter(), ctx);
      }
      PYLON_JSON_KEY("max_age") PYLON_SET(payload, max_age, uint64_t, ReadUint);
      PYLON_JSON_KEY("max_uses") PYLON_SET(payload, max_uses, uint64_t, ReadUint);
      PYLON_JSON_KEY("target_user") {
        if (TakeNull(value)) return true;
        return ParseUserData(value, payload->mutable_target_user(), ctx);
      }
      PYLON_JSON_KEY("target_type") {  // 1 STREAM; 2 EMBEDDED_APPLICATION is not in the model
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        payload->set_target_user_type(type == 1 ? pb::model::InviteData::STREAM
                                                : pb::model::InviteData::UNKNOWN);
        return true;
      }
      PYLON_JSON_KEY("temporary") PYLON_SET(payload, temporary, bool, ReadBool);
      PYLON_JSON_KEY("uses") PYLON_SET(payload, uses, uint64_t, ReadUint);
    }
    return true;
  });
  if (!ok || !Require(payload->channel_id() != 0, "channel_id", ctx) ||
      !Require(!payload->code().empty(), "code", ctx)) {
    return false;
  }
  *guild = GuildId(payload->has_guild_id() ? payload->guild_id().value() : 0);
  return true;
}

bool ParseInviteDelete(sj::value& d, GuildId* guild, ev::EventEnvelope* envelope,
                       ParseContext& ctx) {
  auto* payload = envelope->mutable_invite_delete_event()->mutable_payload();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("channel_id") PYLON_SET(payload, channel_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("guild_id") PYLON_SET(payload, guild_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("code") PYLON_SET_STRING(payload, code);
    }
    return true;
  });
  if (!ok || !Require(payload->channel_id() != 0, "channel_id", ctx) ||
      !Require(!payload->code().empty(), "code", ctx)) {
    return false;
  }
  *guild = GuildId(payload->guild_id());
  return true;
}

// GUILD_BAN_ADD / GUILD_BAN_REMOVE: same payload shape.
template <typename Payload>
bool ParseBan(sj::value& d, GuildId* guild, Payload* payload, ParseContext& ctx) {
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") PYLON_SET(payload, guild_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) return true;
        return ParseUserData(value, payload->mutable_user(), ctx);
      }
    }
    return true;
  });
  if (!ok || !Require(payload->guild_id() != 0, "guild_id", ctx) ||
      !Require(payload->has_user(), "user", ctx)) {
    return false;
  }
  *guild = GuildId(payload->guild_id());
  return true;
}

// Events whose payload is only the guild id (integrations, webhooks).
template <typename Payload>
bool ParseGuildOnly(sj::value& d, GuildId* guild, Payload* payload, ParseContext& ctx) {
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") PYLON_SET(payload, guild_id, uint64_t, ReadSnowflakeOrNull);
    }
    return true;
  });
  if (!ok || !Require(payload->guild_id() != 0, "guild_id", ctx)) return false;
  *guild = GuildId(payload->guild_id());
  return true;
}

}  // namespace

bool ParseReactionEvent(EventKind kind, sj::value& d, ReactionEvent* event,
                        pb::event::EventEnvelope* envelope, ParseContext& ctx) {
  event->guild = GuildId();
  event->channel = ChannelId();
  event->message = MessageId();
  event->user = UserId();
  event->emoji_id = EmojiId();
  event->emoji_name.clear();
  event->emoji_animated = false;
  event->burst = false;
  ReactionEmoji emoji;
  bool has_emoji = false;
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("user_id") return ReadId(value, &event->user, ctx);
      PYLON_JSON_KEY("channel_id") return ReadId(value, &event->channel, ctx);
      PYLON_JSON_KEY("message_id") return ReadId(value, &event->message, ctx);
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("emoji") {
        if (TakeNull(value)) return true;
        has_emoji = true;
        return ReadReactionEmoji(value, &emoji, ctx);
      }
      PYLON_JSON_KEY("burst") return ReadBool(value, &event->burst, ctx);
    }
    return true;
  });
  if (!ok || !Require(!event->channel.is_zero(), "channel_id", ctx) ||
      !Require(!event->message.is_zero(), "message_id", ctx)) {
    return false;
  }
  bool with_user = kind == EventKind::kReactionAdd || kind == EventKind::kReactionRemove;
  if (with_user && !Require(!event->user.is_zero(), "user_id", ctx)) return false;
  if (kind != EventKind::kReactionRemoveAll) {
    if (!Require(has_emoji, "emoji", ctx)) return false;
    if (emoji.id == 0 && emoji.name.empty()) return ctx.Fail("emoji without id or name");
  }
  event->emoji_id = EmojiId(emoji.id);
  event->emoji_name.assign(emoji.name.data(), emoji.name.size());
  event->emoji_animated = emoji.animated;
  uint64_t guild = event->guild.value();
  uint64_t channel = event->channel.value();
  uint64_t message = event->message.value();
  switch (kind) {
    case EventKind::kReactionAdd: {
      event->kind = ReactionEvent::Kind::kAdd;
      auto* payload = envelope->mutable_message_reaction_add_event()->mutable_payload();
      payload->set_user_id(event->user.value());
      payload->set_channel_id(channel);
      payload->set_message_id(message);
      payload->set_guild_id(guild);
      SetEmoji(emoji, payload->mutable_emoji());  // field 6
      break;
    }
    case EventKind::kReactionRemove: {
      event->kind = ReactionEvent::Kind::kRemove;
      auto* payload = envelope->mutable_message_reaction_remove_event()->mutable_payload();
      payload->set_user_id(event->user.value());
      payload->set_channel_id(channel);
      payload->set_message_id(message);
      payload->set_guild_id(guild);
      SetEmoji(emoji, payload->mutable_emoji());  // field 5
      break;
    }
    case EventKind::kReactionRemoveAll: {
      event->kind = ReactionEvent::Kind::kRemoveAll;
      auto* payload = envelope->mutable_message_reaction_remove_all_event()->mutable_payload();
      payload->set_channel_id(channel);
      payload->set_message_id(message);
      payload->set_guild_id(guild);
      break;
    }
    default: {
      event->kind = ReactionEvent::Kind::kRemoveEmoji;
      auto* payload = envelope->mutable_message_reaction_remove_emoji_event()->mutable_payload();
      payload->set_channel_id(channel);
      payload->set_message_id(message);
      payload->set_guild_id(guild);
      SetEmoji(emoji, payload->mutable_emoji());
      break;
    }
  }
  return true;
}

bool ParsePassthroughEvent(EventKind kind, sj::value& d, GuildId* guild,
                           pb::event::EventEnvelope* envelope, ParseContext& ctx) {
  *guild = GuildId();
  switch (kind) {
    case EventKind::kTypingStart:
      return ParseTypingStart(d, guild, envelope, ctx);
    case EventKind::kChannelPinsUpdate:
      return ParseChannelPinsUpdate(d, guild, envelope, ctx);
    case EventKind::kVoiceServerUpdate:
      return ParseVoiceServerUpdate(d, guild, envelope, ctx);
    case EventKind::kInviteCreate:
      return ParseInviteCreate(d, guild, envelope, ctx);
    case EventKind::kInviteDelete:
      return ParseInviteDelete(d, guild, envelope, ctx);
    case EventKind::kBanAdd:
      return ParseBan(d, guild, envelope->mutable_guild_ban_add_event()->mutable_payload(), ctx);
    case EventKind::kBanRemove:
      return ParseBan(d, guild, envelope->mutable_guild_ban_remove_event()->mutable_payload(), ctx);
    case EventKind::kIntegrationsUpdate:
      return ParseGuildOnly(
          d, guild, envelope->mutable_guild_integrations_update_event()->mutable_payload(), ctx);
    case EventKind::kWebhooksUpdate:
      return ParseGuildOnly(d, guild, envelope->mutable_webhooks_update_event()->mutable_payload(),
                            ctx);
    case EventKind::kIntegrationCreate:
      return ParseGuildOnly(d, guild,
                            envelope->mutable_integration_create_event()->mutable_payload(), ctx);
    case EventKind::kIntegrationUpdate:
      return ParseGuildOnly(d, guild,
                            envelope->mutable_integration_update_event()->mutable_payload(), ctx);
    case EventKind::kIntegrationDelete:
      return ParseGuildOnly(d, guild,
                            envelope->mutable_integration_delete_event()->mutable_payload(), ctx);
    default:
      return ctx.Fail("not a passthrough event");
  }
}

bool ParseInteractionCreateEvent(sj::value& d, GuildId* guild, bool* representable,
                                 pb::event::EventEnvelope* envelope, ParseContext& ctx) {
  *guild = GuildId();
  *representable = false;
  google::protobuf::Arena* arena = envelope->GetArena();
  Scratch<Interaction::InteractionCreateBasePayload> base(arena);
  Scratch<Command> command(arena);
  Scratch<pb::model::InteractionDataMessageComponent> component(arena);
  Scratch<MessageData> message(arena);
  Scratch<pb::model::MemberData> member(arena);
  Scratch<pb::model::UserData> user(arena);
  uint64_t type = 0, guild_id = 0, channel_id = 0, channel_object_id = 0;
  bool has_type = false, has_data = false, has_message = false, has_member = false,
       has_user = false;
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(base, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("application_id") {
        PYLON_SET(base, application_id, uint64_t, ReadSnowflakeOrNull);
      }
      PYLON_JSON_KEY("type") {
        has_type = true;
        return ReadUint(value, &type, ctx);
      }
      PYLON_JSON_KEY("data") {
        if (TakeNull(value)) return true;
        has_data = true;
        return ParseInteractionData(value, command.get(), component.get(), ctx);
      }
      PYLON_JSON_KEY("guild_id") return ReadSnowflakeOrNull(value, &guild_id, ctx);
      PYLON_JSON_KEY("channel_id") return ReadSnowflakeOrNull(value, &channel_id, ctx);
      PYLON_JSON_KEY("channel") {  // partial channel; its id when channel_id is absent
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& c) {
          switch (hash) {
            PYLON_JSON_KEY("id") return ReadSnowflakeOrNull(c, &channel_object_id, ctx);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("member") {
        if (TakeNull(value)) return true;
        has_member = true;
        return ParseMemberData(value, member.get(), ctx);
      }
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) return true;
        has_user = true;
        return ParseUserData(value, user.get(), ctx);
      }
      PYLON_JSON_KEY("token") PYLON_SET_STRING(base, token);
      PYLON_JSON_KEY("version") PYLON_SET(base, version, uint32_t, ReadUint);
      PYLON_JSON_KEY("message") {
        if (TakeNull(value)) return true;
        has_message = true;
        return ParseMessageData(value, message.get(), nullptr, ctx);
      }
    }
    return true;
  });
  if (!ok || !Require(base->id() != 0, "id", ctx) || !Require(has_type, "type", ctx)) return false;
  *guild = GuildId(guild_id);
  // Same numbers as Discord: 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT. Autocomplete
  // (4), modal submit (5) and later have no payload case: not representable.
  if (type < 1 || type > 3) return true;
  if (type != 1 && !Require(has_data, "data", ctx)) return false;
  using T = MessageData::MessageInteractionData;
  auto interaction_type = static_cast<T::MessageInteractionType>(type);
  base->set_type(interaction_type);
  base->set_channel_id(channel_id != 0 ? channel_id : channel_object_id);
  if (guild_id != 0) {
    base->set_source_type(Interaction::GUILD);
    auto* source = base->mutable_source_guild();
    source->set_guild_id(guild_id);
    if (has_member) {
      member->set_guild_id(guild_id);
      source->set_allocated_member(member.release());
    }
  } else {
    base->set_source_type(Interaction::DM);
    auto* source = base->mutable_source_dm();
    if (has_user) {
      source->set_allocated_user(user.release());
    } else if (has_member && member->has_user()) {
      *source->mutable_user() = member->user();
    }
  }
  // Resolved members: guild and user as the public model wants them.
  if (command->has_resolved()) {
    auto* resolved = command->mutable_resolved();
    for (pb::model::MemberData& m : *resolved->mutable_members()) {
      m.set_guild_id(guild_id);
      for (const pb::model::UserData& u : resolved->users()) {
        if (u.id() == m.id()) *m.mutable_user() = u;
      }
    }
    for (pb::model::RoleData& r : *resolved->mutable_roles()) r.set_guild_id(guild_id);
  }
  Interaction* event = envelope->mutable_interaction_create_event();
  event->set_type(interaction_type);
  switch (interaction_type) {
    case T::PING:
      event->mutable_ping()->set_allocated_base(base.release());
      break;
    case T::APPLICATION_COMMAND: {
      auto* payload = event->mutable_command();
      payload->set_allocated_base(base.release());
      payload->set_allocated_data(command.release());
      break;
    }
    default: {
      auto* payload = event->mutable_component();
      payload->set_allocated_base(base.release());
      if (has_message) payload->set_allocated_message(message.release());
      payload->set_allocated_data(component.release());
      break;
    }
  }
  *representable = true;
  return true;
}

}  // namespace pylon::discord::json_internal
