// Copyright 2026 The Pylon Gateway Authors.
// GatewayRest message methods: GetChannelMessages, GetChannelMessage, CreateMessage (JSON, or
// multipart with its one attachment), CrosspostMessage, the five reaction methods, EditMessage,
// DeleteMessage, BulkDeleteMessages. Major parameter: the channel. Message content and embeds are
// validated locally with Discord's limits and error shapes.

#include <algorithm>

#include "rest/methods_internal.h"

namespace pylon::rest {

using namespace methods_internal;  // NOLINT: this file's helpers

namespace {

constexpr int64_t kFourteenDaysMs = int64_t{14} * 86400000;

std::string MessagesPath(uint64_t channel) { return "/channels/" + Id(channel) + "/messages"; }
std::string MessagePath(uint64_t channel, uint64_t message) {
  return MessagesPath(channel) + "/" + Id(message);
}
std::string ReactionsPath(uint64_t channel, uint64_t message) {
  return MessagePath(channel, message) + "/reactions";
}

LocalError RequireMessage(uint64_t channel, uint64_t message) {
  PYLON_REST_TRY(RequireId(channel, 10003, "Channel"));
  return RequireId(message, 10008, "Message");
}

LocalError RequireEmoji(const std::string& emoji) {
  if (emoji.empty()) return BadRequest(10014, "Unknown Emoji");
  return std::nullopt;
}

// Whether a cached reaction is `emoji` ("name:id" or a Unicode emoji).
bool SameEmoji(const pb::MessageData::MessageReactionEmojiData& cached, std::string_view emoji) {
  size_t colon = emoji.rfind(':');
  if (colon != std::string_view::npos) {
    auto id = Snowflake::Parse(emoji.substr(colon + 1));
    return id.ok() && cached.id() == id->value();
  }
  return cached.id() == 0 && cached.name() == emoji;
}

}  // namespace

// ---- GetChannelMessages: GET /channels/{c}/messages ----

LocalError GetChannelMessagesMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  if (r.limit() > 100) {
    FormErrors errors;
    errors.Add("limit", "NUMBER_TYPE_MAX", "int value should be less than or equal to 100.");
    return errors.ToError();
  }
  out->method = "GET";
  out->path = MessagesPath(r.channel_id());
  auto add = [&](std::string_view key, uint64_t value) {
    if (!out->query.empty()) out->query += "&";
    out->query += std::string(key) + "=" + std::to_string(value);
  };
  if (r.has_around()) add("around", r.around().value());
  if (r.has_before()) add("before", r.before().value());
  if (r.has_after()) add("after", r.after().value());
  if (r.limit() > 0) add("limit", r.limit());  // 0: Discord's default (50)
  return std::nullopt;
}

CheckFn GetChannelMessagesMethod::Check(const Request& r, const Target&) {
  // Without READ_MESSAGE_HISTORY Discord answers [] rather than an error.
  return [channel = ChannelId(r.channel_id())](const GuildView& g) {
    return g.RequireChannel(channel, 0);
  };
}

Status GetChannelMessagesMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  auto* data = out->mutable_data();
  return ParseList(
      a, [&] { return data->add_messages(); }, ToMessage);
}

// ---- GetChannelMessage: GET /channels/{c}/messages/{m} ----

LocalError GetChannelMessageMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  out->method = "GET";
  out->path = MessagePath(r.channel_id(), r.message_id());
  return std::nullopt;
}

CheckFn GetChannelMessageMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id())](const GuildView& g) -> LocalError {
    auto perms = g.ChannelPermissions(channel);
    if (perms && (!(*perms & perm::kViewChannel) || !(*perms & perm::kReadMessageHistory))) {
      return MissingAccess();  // Discord's answer without history: 50001
    }
    return std::nullopt;
  };
}

Status GetChannelMessageMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

// ---- CreateMessage: POST /channels/{c}/messages ----

LocalError CreateMessageMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  FormErrors errors;
  CheckContent(r.content(), "content", &errors);
  if (r.has_embed()) CheckEmbed(r.embed(), "embed", &errors);
  if (r.has_nonce() && CharCount(r.nonce().value()) > 25) {
    errors.Add("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
  }
  if (!errors.empty()) return errors.ToError();
  const bool has_file = r.has_attachment();
  if (r.content().empty() && !r.has_embed() && !has_file && r.components_size() == 0) {
    return BadRequest(50006, "Cannot send an empty message");
  }
  out->method = "POST";
  out->path = MessagesPath(r.channel_id());
  std::string json;
  {
    JsonWriter w(&json);
    w.BeginObject();
    if (!r.content().empty()) w.Key("content").String(r.content());
    if (r.has_nonce()) w.Key("nonce").String(r.nonce().value());
    if (r.has_tts()) w.Key("tts").Bool(r.tts().value());
    if (r.has_embed()) {
      w.Key("embeds").BeginArray();
      WriteEmbed(w, r.embed());
      w.EndArray();
    }
    if (r.has_allowed_mentions())
      WriteAllowedMentions(w.Key("allowed_mentions"), r.allowed_mentions());
    if (r.has_message_reference()) {
      const auto& ref = r.message_reference();
      w.Key("message_reference").BeginObject().Key("message_id").Id(ref.message_id());
      if (ref.channel_id() != 0) w.Key("channel_id").Id(ref.channel_id());
      if (ref.guild_id() != 0) w.Key("guild_id").Id(ref.guild_id());
      w.Key("fail_if_not_exists").Bool(ref.fail_if_not_exists());
      w.EndObject();
    }
    if (r.components_size() > 0) WriteComponents(w.Key("components"), r.components());
    if (has_file) {
      w.Key("attachments").BeginArray().BeginObject();
      w.Key("id").UInt(0).Key("filename").String(r.attachment().name());
      w.EndObject().EndArray();
    }
    w.EndObject();
  }
  if (has_file) {
    out->body =
        MultipartBody(json, r.attachment().name(), r.attachment().content(), &out->content_type);
  } else {
    JsonBody(out, std::move(json));
  }
  return std::nullopt;
}

CheckFn CreateMessageMethod::Check(const Request& r, const Target&) {
  uint64_t need = perm::kSendMessages;
  if (r.has_embed()) need |= perm::kEmbedLinks;
  if (r.has_attachment()) need |= perm::kAttachFiles;
  if (r.has_message_reference()) need |= perm::kReadMessageHistory;  // replies
  return ChannelCheckFn(r.channel_id(), need);
}

Status CreateMessageMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

// ---- CrosspostMessage: POST /channels/{c}/messages/{m}/crosspost ----

LocalError CrosspostMessageMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  out->method = "POST";
  out->path = MessagePath(r.channel_id(), r.message_id()) + "/crosspost";
  return std::nullopt;
}

CheckFn CrosspostMessageMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id()),
          message = MessageId(r.message_id())](const GuildView& g) -> LocalError {
    pb::MessageData cached;
    if (!g.GetMessage(channel, message, &cached)) return g.RequireChannel(channel, 0);
    bool own = cached.author().id() == g.bot().value();
    return g.RequireChannel(channel, own ? perm::kSendMessages : perm::kManageMessages);
  };
}

Status CrosspostMessageMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

// ---- Reactions: /channels/{c}/messages/{m}/reactions[/{emoji}[/{user}|/@me]] ----

LocalError CreateReactionMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  PYLON_REST_TRY(RequireEmoji(r.emoji()));
  out->method = "PUT";
  out->path =
      ReactionsPath(r.channel_id(), r.message_id()) + "/" + EncodeUriComponent(r.emoji()) + "/@me";
  return std::nullopt;
}

CheckFn CreateReactionMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id()), message = MessageId(r.message_id()),
          emoji = r.emoji()](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireChannel(channel, perm::kReadMessageHistory));
    // ADD_REACTIONS is needed only for an emoji nobody has reacted with yet.
    pb::MessageData cached;
    if (!g.GetMessage(channel, message, &cached)) return std::nullopt;
    for (const auto& reaction : cached.reactions()) {
      if (SameEmoji(reaction.emoji(), emoji)) return std::nullopt;
    }
    return g.RequireChannel(channel, perm::kAddReactions);
  };
}

Status CreateReactionMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeleteOwnReactionMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  PYLON_REST_TRY(RequireEmoji(r.emoji()));
  out->method = "DELETE";
  out->path =
      ReactionsPath(r.channel_id(), r.message_id()) + "/" + EncodeUriComponent(r.emoji()) + "/@me";
  return std::nullopt;
}

CheckFn DeleteOwnReactionMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), 0);
}

Status DeleteOwnReactionMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeleteUserReactionMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  PYLON_REST_TRY(RequireEmoji(r.emoji()));
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  out->method = "DELETE";
  out->path = ReactionsPath(r.channel_id(), r.message_id()) + "/" + EncodeUriComponent(r.emoji()) +
              "/" + Id(r.user_id());
  return std::nullopt;
}

CheckFn DeleteUserReactionMethod::Check(const Request& r, const Target& t) {
  bool own = r.user_id() == t.bot.value();
  return ChannelCheckFn(r.channel_id(), own ? 0 : perm::kManageMessages);
}

Status DeleteUserReactionMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeleteAllReactionsMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  out->method = "DELETE";
  out->path = ReactionsPath(r.channel_id(), r.message_id());
  return std::nullopt;
}

CheckFn DeleteAllReactionsMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kManageMessages);
}

Status DeleteAllReactionsMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

LocalError DeleteAllReactionsForEmojiMethod::Build(const Request& r, const Target&,
                                                   DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  PYLON_REST_TRY(RequireEmoji(r.emoji()));
  out->method = "DELETE";
  out->path = ReactionsPath(r.channel_id(), r.message_id()) + "/" + EncodeUriComponent(r.emoji());
  return std::nullopt;
}

CheckFn DeleteAllReactionsForEmojiMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kManageMessages);
}

Status DeleteAllReactionsForEmojiMethod::Parse(const net::HttpResponse&, const Target&,
                                               Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- EditMessage: PATCH /channels/{c}/messages/{m} ----

LocalError EditMessageMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  FormErrors errors;
  if (r.has_content()) CheckContent(r.content().value(), "content", &errors);
  if (r.has_embed()) CheckEmbed(r.embed(), "embed", &errors);
  if (!errors.empty()) return errors.ToError();
  out->method = "PATCH";
  out->path = MessagePath(r.channel_id(), r.message_id());
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_content()) w.Key("content").String(r.content().value());
    if (r.has_embed()) {
      w.Key("embeds").BeginArray();
      WriteEmbed(w, r.embed());
      w.EndArray();
    }
    if (r.has_flags()) w.Key("flags").UInt(r.flags().value());
  });
  return std::nullopt;
}

CheckFn EditMessageMethod::Check(const Request& r, const Target&) {
  bool changes_message = r.has_content() || r.has_embed();
  return [channel = ChannelId(r.channel_id()), message = MessageId(r.message_id()), changes_message,
          embed = r.has_embed()](const GuildView& g) -> LocalError {
    PYLON_REST_TRY(g.RequireChannel(channel, embed ? perm::kEmbedLinks : 0));
    pb::MessageData cached;
    if (changes_message && g.GetMessage(channel, message, &cached) &&
        cached.author().id() != g.bot().value()) {
      return AccessDenied(50005, "Cannot edit a message authored by another user");
    }
    return std::nullopt;
  };
}

Status EditMessageMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

// ---- DeleteMessage: DELETE /channels/{c}/messages/{m} ----

LocalError DeleteMessageMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireMessage(r.channel_id(), r.message_id()));
  out->method = "DELETE";
  out->path = MessagePath(r.channel_id(), r.message_id());
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn DeleteMessageMethod::Check(const Request& r, const Target&) {
  return [channel = ChannelId(r.channel_id()),
          message = MessageId(r.message_id())](const GuildView& g) -> LocalError {
    pb::MessageData cached;
    if (g.GetMessage(channel, message, &cached) && cached.author().id() != g.bot().value()) {
      return g.RequireChannel(channel, perm::kManageMessages);  // another user's message
    }
    return g.RequireChannel(channel, 0);
  };
}

Status DeleteMessageMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- BulkDeleteMessages: POST /channels/{c}/messages/bulk-delete ----

LocalError BulkDeleteMessagesMethod::Build(const Request& r, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.channel_id(), 10003, "Channel"));
  if (r.message_ids_size() < 2 || r.message_ids_size() > 100) {
    return BadRequest(50016,
                      "Provided too few or too many messages to delete. Must provide at least 2 "
                      "and fewer than 100 messages to delete.");
  }
  for (uint64_t id : r.message_ids()) {
    if (t.now_unix_ms > 0 && Snowflake(id).timestamp_ms() < t.now_unix_ms - kFourteenDaysMs) {
      return BadRequest(50034, "You can only bulk delete messages that are under 14 days old.");
    }
  }
  out->method = "POST";
  out->path = MessagesPath(r.channel_id()) + "/bulk-delete";
  JsonObject(out, [&](JsonWriter& w) { WriteIdList(w.Key("messages"), r.message_ids()); });
  PYLON_REST_REASON(r, out);
  return std::nullopt;
}

CheckFn BulkDeleteMessagesMethod::Check(const Request& r, const Target&) {
  return ChannelCheckFn(r.channel_id(), perm::kManageMessages);
}

Status BulkDeleteMessagesMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

}  // namespace pylon::rest
