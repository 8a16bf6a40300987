// Copyright 2026 The Pylon Gateway Authors.
// Interactions (GatewayRest: CreateInteractionResponse, CreateInteractionFollowupMessage,
// EditInteractionFollowupMessage, DeleteInteractionFollowupMessage) and the admin route that makes
// one (POST /_sim/rest/interactions -> INTERACTION_CREATE to the bot's session). The token in the
// path authorizes these routes; they are exempt from the global limit (discord-protocol.md §8).

#include <algorithm>

#include "base/json_writer.h"
#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

constexpr size_t kMaxInteractions = 10000;
constexpr uint32_t kEphemeral = 64;

std::string RandomToken(Random& random, uint64_t id) {
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string token = "aW50ZXJhY3Rpb246" + std::to_string(id) + "x";
  for (int i = 0; i < 64; ++i) token += kAlphabet[random.Below(kAlphabet.size())];
  return token;
}

bool EmptyMessage(const MessageBody& body, const std::vector<UploadedFile>& files) {
  return body.content.value_or("").empty() && (!body.embeds || body.embeds->empty()) &&
         files.empty() && !body.has_components && !body.has_stickers;
}

}  // namespace

Reply RestCore::AdminCreateInteraction(dom::element body) {
  FormErrors errors;
  Fields f(body, &errors);
  f.Require("guild_id");
  f.Require("channel_id");
  f.Require("user_id");
  auto guild_id = f.Id("guild_id");
  auto channel_id = f.Id("channel_id");
  auto user_id = f.Id("user_id");
  auto type = f.Int("type", 1, 5).value_or(2);
  auto bot_id = f.Id("bot_id");
  std::string name = f.String("name", 1, 32).value_or("ping");
  std::string custom_id = f.String("custom_id", 1, 100).value_or("button");
  auto message_id = f.Id("message_id");
  if (!errors.empty()) return FormErrorReply(errors);
  const Guild* guild = world_.FindGuild(GuildId(*guild_id));
  if (!guild) return ErrorReply(404, kUnknownGuild, "Unknown Guild");
  const Guild* channel_guild = nullptr;
  const Channel* channel = world_.FindChannel(ChannelId(*channel_id), &channel_guild);
  if (!channel || channel_guild != guild)
    return ErrorReply(404, kUnknownChannel, "Unknown Channel");
  const Member* member = guild->FindMember(UserId(*user_id));
  if (!member) return ErrorReply(404, kUnknownMember, "Unknown Member");
  const Bot* bot = nullptr;
  if (bot_id) {
    bot = world_.FindBot(UserId(*bot_id));
  } else if (!guild->bots.empty()) {
    bot = world_.FindBot(guild->bots.front());
  }
  if (!bot || !guild->FindMember(bot->id)) return ErrorReply(400, 0, "the bot is not in the guild");
  const Message* target = nullptr;
  if (type == 3) {
    if (message_id) {
      target = world_.FindMessage(channel->id, MessageId(*message_id));
      if (!target) return ErrorReply(404, kUnknownMessage, "Unknown Message");
    } else if (!channel->messages.empty()) {
      target = &channel->messages.newest();
    }
  }

  Interaction it;
  it.id = interaction_ids_.Next(world_.NowMs());
  it.token = RandomToken(random_, it.id);
  it.application = bot->application;
  it.bot = bot->id;
  it.guild = guild->id;
  it.channel = channel->id;
  it.user = UserId(*user_id);
  it.type = static_cast<uint8_t>(type);
  it.target_message = target ? target->id : MessageId();
  it.created = clock_.Now();

  // INTERACTION_CREATE, only to the application's bot.
  std::string json;
  {
    JsonWriter w(&json);
    w.BeginObject();
    w.Key("id").Id(it.id);
    w.Key("application_id").Id(it.application);
    w.Key("type").UInt(it.type);
    if (type != 1) {
      w.Key("data").BeginObject();
      if (type == 2 || type == 4) {
        w.Key("id").Id(it.application.value() ^ 0x5a5a5a);  // a stable command id
        w.Key("name").String(name);
        w.Key("type").UInt(1);
        w.Key("options").BeginArray().EndArray();
      } else {
        w.Key("custom_id").String(custom_id);
        if (type == 3) w.Key("component_type").UInt(2);
        if (type == 5) w.Key("components").BeginArray().EndArray();
      }
      w.EndObject();
    }
    if (target) {
      w.Key("message");
      WriteMessage(w, *guild, *channel, *target, *bot);
    }
    w.Key("guild_id").Id(guild->id);
    w.Key("channel_id").Id(channel->id);
    w.Key("channel");
    world_.WriteChannel(w, *guild, *channel, true);
    std::string member_json;
    {
      JsonWriter m(&member_json);
      world_.WriteMember(m, *member, /*with_user=*/true);
    }
    member_json.pop_back();
    member_json += ",\"permissions\":\"" +
                   std::to_string(world_.ComputePermissions(*guild, it.user, channel)) + "\"}";
    w.Key("member").Raw(member_json);
    w.Key("token").String(it.token);
    w.Key("version").UInt(1);
    w.Key("app_permissions").UIntString(world_.ComputePermissions(*guild, bot->id, channel));
    w.Key("locale").String("en-US");
    w.Key("guild_locale").String(guild->preferred_locale);
    w.Key("entitlements").BeginArray().EndArray();
    w.Key("authorizing_integration_owners").BeginObject().Key("0").Id(guild->id).EndObject();
    w.Key("context").UInt(0);
    w.Key("attachment_size_limit").UInt(options_.max_attachment_bytes);
    w.EndObject();
  }

  const uint64_t id = it.id;
  interaction_tokens_[it.token] = id;
  interactions_.emplace(id, std::move(it));
  interaction_order_.push_back(id);
  while (interactions_.size() > kMaxInteractions) {
    auto old = interactions_.find(interaction_order_.front());
    if (old != interactions_.end()) {
      interaction_tokens_.erase(old->second.token);
      interactions_.erase(old);
    }
    interaction_order_.pop_front();
    ++dropped_interactions_;
  }
  Emit(guild->id, "INTERACTION_CREATE", kAlwaysSent, bot->id, json);

  const Interaction& made = interactions_.at(id);
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("id").Id(made.id);
  w.Key("token").String(made.token);
  w.Key("application_id").Id(made.application);
  w.Key("bot_id").Id(made.bot);
  w.Key("type").UInt(made.type);
  w.Key("guild_id").Id(made.guild);
  w.Key("channel_id").Id(made.channel);
  if (!made.target_message.is_zero()) w.Key("message_id").Id(made.target_message);
  w.EndObject();
  return JsonReply(200, std::move(out));
}

Reply RestCore::PostInteractionMessage(Call& c, Interaction& it, const MessageBody& body,
                                       bool original) {
  const uint32_t flags = body.flags.value_or(0);
  const bool ephemeral = (flags & kEphemeral) != 0;
  const Bot* bot = world_.FindBot(it.bot);
  if (ephemeral) {
    LooseMessage m;
    m.id = MessageId(dm_message_ids_.Next(world_.NowMs()));
    m.channel = it.channel;
    m.author = it.bot;
    m.content = body.content.value_or("");
    if (body.embeds) m.embeds = *body.embeds;
    m.attachments_json = RenderAttachments(it.channel, c.files);
    m.flags = flags | kEphemeral;
    m.webhook = it.application;
    std::string json = RenderLooseMessage(m);
    if (original) {
      it.ephemeral_original = std::move(m);
    } else {
      it.ephemeral_followups[m.id.value()] = std::move(m);
    }
    return JsonReply(200, std::move(json));
  }
  MessageSpec spec;
  spec.content = body.content.value_or("");
  if (body.embeds) spec.embeds = *body.embeds;
  spec.tts = body.tts;
  for (UserId user : ParseMentions(spec.content, body.allowed_mentions))
    spec.mentions.push_back(user);
  auto id = CreateWorldMessage(it.channel, it.bot, spec, RenderAttachments(it.channel, c.files));
  if (!id.ok()) return FromStatus(id.error());
  if (original) {
    it.original = *id;
  } else {
    it.followups.push_back(*id);
  }
  const Guild* guild = nullptr;
  const Channel* channel = world_.FindChannel(it.channel, &guild);
  const Message* m = channel ? world_.FindMessage(it.channel, *id) : nullptr;
  if (!m || !bot) return ErrorReply(500, 0, "500: Internal Server Error");
  return JsonReply(200, RenderMessage(*guild, *channel, *m, *bot));
}

Reply RestCore::InteractionCallback(Call& c) {
  auto id = Snowflake::Parse(c.params[0]);
  auto found = id.ok() ? interactions_.find(id->value()) : interactions_.end();
  if (found == interactions_.end() || found->second.token != c.params[1]) {
    return ErrorReply(404, kUnknownInteraction, "Unknown interaction");
  }
  Interaction& it = found->second;
  if (it.acknowledged) {
    return ErrorReply(400, 40060, "Interaction has already been acknowledged.");
  }
  if (clock_.Now() - it.created > options_.interaction_response_window) {
    return ErrorReply(404, kUnknownInteraction, "Unknown interaction");
  }
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("type");
  auto type = f.Int("type", 1, 12);
  MessageBody body;
  if (auto data = f.Object("data")) {
    Fields df(*data, &errors, {"data"});
    ParseMessageBody(df, c.version, &body);
    if (type == 9) {
      df.Require("custom_id");
      df.Require("title");
    }
  } else if (type == 9) {
    f.Require("data");
  }
  if (!errors.empty()) return FormErrorReply(errors);
  if (auto e = CheckFiles(c.files)) return *e;
  // Which responses fit which interaction types.
  const uint8_t t = it.type;
  bool valid = false;
  switch (*type) {
    case 1:
      valid = t == 1;
      break;
    case 4:
    case 5:
      valid = t == 2 || t == 3 || t == 5;
      break;
    case 6:
    case 7:
      valid = t == 3 || t == 5;
      break;
    case 8:
      valid = t == 4;
      break;
    case 9:
      valid = t == 2 || t == 3;
      break;
    default:
      valid = false;
  }
  if (!valid) {
    FormErrors e;
    e.Add({"type"}, "INTERACTION_RESPONSE_TYPE_INVALID",
          "Interaction response type is not valid for this interaction.");
    return FormErrorReply(e);
  }
  std::string message_json;
  if (*type == 4) {
    if (EmptyMessage(body, c.files)) return ErrorReply(400, 50006, "Cannot send an empty message");
    Reply posted = PostInteractionMessage(c, it, body, /*original=*/true);
    if (posted.status != 200) return posted;
    message_json = std::move(posted.body);
  } else if (*type == 5) {
    if (body.flags.value_or(0) & kEphemeral) {
      // A deferred ephemeral response: its message will stay here.
      it.ephemeral_original = LooseMessage();
    }
  } else if (*type == 7) {
    if (it.target_message.is_zero()) return ErrorReply(404, kUnknownMessage, "Unknown Message");
    MessageEdit edit;
    edit.content = body.content;
    edit.embeds = body.embeds;
    Status status = EditWorldMessage(it.channel, it.target_message, edit, std::nullopt);
    if (!status.ok()) return FromStatus(status.error());
  }
  it.acknowledged = true;
  it.response_type = static_cast<int>(*type);
  auto with_response = QueryParam(c.query, "with_response");
  if (!with_response ||
      (*with_response != "true" && *with_response != "True" && *with_response != "1")) {
    return NoContent();
  }
  std::string out;
  JsonWriter w(&out);
  w.BeginObject().Key("interaction").BeginObject();
  w.Key("id").Id(it.id).Key("type").UInt(it.type).Key("activity_instance_id").Null();
  if (!it.original.is_zero()) w.Key("response_message_id").Id(it.original);
  w.Key("response_message_loading").Bool(*type == 5);
  w.Key("response_message_ephemeral").Bool(it.ephemeral_original.has_value());
  w.EndObject();
  w.Key("resource").BeginObject().Key("type").Int(*type);
  if (!message_json.empty()) w.Key("message").Raw(message_json);
  w.EndObject().EndObject();
  return JsonReply(200, std::move(out));
}

Interaction* RestCore::InteractionOfToken(const Call& c, Reply* error) {
  auto token = interaction_tokens_.find(c.params[1]);
  auto app = Snowflake::Parse(c.params[0]);
  if (token == interaction_tokens_.end() || !app.ok()) {
    *error = ErrorReply(404, kUnknownWebhook, "Unknown Webhook");
    return nullptr;
  }
  Interaction& it = interactions_.at(token->second);
  if (it.application.value() != app->value()) {
    *error = ErrorReply(404, kUnknownWebhook, "Unknown Webhook");
    return nullptr;
  }
  if (clock_.Now() - it.created > options_.interaction_token_lifetime) {
    *error = ErrorReply(401, 50027, "Invalid Webhook Token");
    return nullptr;
  }
  return &it;
}

Reply RestCore::WebhookExecute(Call& c) {
  Reply error;
  Interaction* it = InteractionOfToken(c, &error);
  if (!it) return error;
  if (!it->acknowledged) return ErrorReply(404, kUnknownWebhook, "Unknown Webhook");
  FormErrors errors;
  Fields f(c.body, &errors);
  MessageBody body;
  ParseMessageBody(f, c.version, &body);
  if (!errors.empty()) return FormErrorReply(errors);
  if (auto e = CheckFiles(c.files)) return *e;
  if (EmptyMessage(body, c.files)) return ErrorReply(400, 50006, "Cannot send an empty message");
  // After a deferred response, the first follow-up becomes the original response.
  const bool original = it->response_type == 5 && it->original.is_zero() &&
                        (!it->ephemeral_original || it->ephemeral_original->id.is_zero());
  if (original && it->ephemeral_original) body.flags = body.flags.value_or(0) | kEphemeral;
  return PostInteractionMessage(c, *it, body, original);
}

namespace {

// "@original" or a follow-up id.
struct Target {
  bool original = false;
  uint64_t id = 0;
};

std::optional<Target> ParseTarget(const std::string& text) {
  if (text == "@original") return Target{true, 0};
  auto id = Snowflake::Parse(text);
  if (!id.ok()) return std::nullopt;
  return Target{false, id->value()};
}

}  // namespace

Reply RestCore::WebhookGetMessage(Call& c) {
  Reply error;
  Interaction* it = InteractionOfToken(c, &error);
  if (!it) return error;
  auto target = ParseTarget(c.params[2]);
  if (!target) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  MessageId id;
  if (target->original) {
    if (it->ephemeral_original && !it->ephemeral_original->id.is_zero()) {
      return JsonReply(200, RenderLooseMessage(*it->ephemeral_original));
    }
    id = it->original;
  } else {
    auto eph = it->ephemeral_followups.find(target->id);
    if (eph != it->ephemeral_followups.end())
      return JsonReply(200, RenderLooseMessage(eph->second));
    if (std::find(it->followups.begin(), it->followups.end(), MessageId(target->id)) !=
        it->followups.end()) {
      id = MessageId(target->id);
    }
  }
  const Guild* guild = nullptr;
  const Channel* channel = world_.FindChannel(it->channel, &guild);
  const Message* m = id.is_zero() || !channel ? nullptr : world_.FindMessage(it->channel, id);
  const Bot* bot = world_.FindBot(it->bot);
  if (!m || !bot) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  return JsonReply(200, RenderMessage(*guild, *channel, *m, *bot));
}

Reply RestCore::WebhookEditMessage(Call& c) {
  Reply error;
  Interaction* it = InteractionOfToken(c, &error);
  if (!it) return error;
  auto target = ParseTarget(c.params[2]);
  if (!target) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  FormErrors errors;
  Fields f(c.body, &errors);
  MessageBody body;
  ParseMessageBody(f, c.version, &body);
  if (!errors.empty()) return FormErrorReply(errors);
  if (auto e = CheckFiles(c.files)) return *e;

  LooseMessage* loose = nullptr;
  MessageId id;
  if (target->original) {
    if (it->ephemeral_original) {
      if (it->ephemeral_original->id.is_zero()) {
        // The deferred ephemeral response gets its message now.
        if (EmptyMessage(body, c.files))
          return ErrorReply(400, 50006, "Cannot send an empty message");
        body.flags = body.flags.value_or(0) | kEphemeral;
        return PostInteractionMessage(c, *it, body, true);
      }
      loose = &*it->ephemeral_original;
    } else if (it->original.is_zero()) {
      if (!it->acknowledged || it->response_type != 5) {
        return ErrorReply(404, kUnknownMessage, "Unknown Message");
      }
      // A deferred response: the edit makes the message (the World has no "loading" message).
      if (EmptyMessage(body, c.files))
        return ErrorReply(400, 50006, "Cannot send an empty message");
      return PostInteractionMessage(c, *it, body, true);
    } else {
      id = it->original;
    }
  } else {
    auto eph = it->ephemeral_followups.find(target->id);
    if (eph != it->ephemeral_followups.end()) {
      loose = &eph->second;
    } else if (std::find(it->followups.begin(), it->followups.end(), MessageId(target->id)) !=
               it->followups.end()) {
      id = MessageId(target->id);
    } else {
      return ErrorReply(404, kUnknownMessage, "Unknown Message");
    }
  }
  if (loose) {
    if (body.content) loose->content = *body.content;
    if (body.embeds) loose->embeds = *body.embeds;
    loose->edited_ms = world_.NowMs();
    return JsonReply(200, RenderLooseMessage(*loose));
  }
  MessageEdit edit;
  edit.content = body.content;
  edit.embeds = body.embeds;
  std::optional<std::string> attachments;
  if (!c.files.empty()) attachments = RenderAttachments(it->channel, c.files);
  Status status = EditWorldMessage(it->channel, id, edit, attachments);
  if (!status.ok()) return FromStatus(status.error());
  const Guild* guild = nullptr;
  const Channel* channel = world_.FindChannel(it->channel, &guild);
  const Message* m = world_.FindMessage(it->channel, id);
  const Bot* bot = world_.FindBot(it->bot);
  if (!channel || !m || !bot) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  return JsonReply(200, RenderMessage(*guild, *channel, *m, *bot));
}

Reply RestCore::WebhookDeleteMessage(Call& c) {
  Reply error;
  Interaction* it = InteractionOfToken(c, &error);
  if (!it) return error;
  auto target = ParseTarget(c.params[2]);
  if (!target) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  MessageId id;
  if (target->original) {
    if (it->ephemeral_original && !it->ephemeral_original->id.is_zero()) {
      it->ephemeral_original->id = MessageId();
      it->ephemeral_original->content.clear();
      return NoContent();
    }
    id = it->original;
  } else {
    if (it->ephemeral_followups.erase(target->id)) return NoContent();
    if (std::find(it->followups.begin(), it->followups.end(), MessageId(target->id)) !=
        it->followups.end()) {
      id = MessageId(target->id);
    }
  }
  if (id.is_zero()) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  Status status = world_.DeleteMessage(it->channel, id);
  if (!status.ok()) return FromStatus(status.error());
  SetAttachments(id, "");
  return NoContent();
}

}  // namespace pylon::sim::rest_internal
