// Copyright 2026 The Pylon Gateway Authors.
// GatewayRest user and interaction methods: GetCurrentUser, GetUser, ModifyCurrentUser,
// LeaveGuild, CreateDm (no major parameter), and CreateInteractionResponse,
// CreateInteractionFollowupMessage, Edit/DeleteInteractionFollowupMessage (the token is in the
// path: no Authorization header, exempt from the global limit; major parameter the interaction,
// or the application + token).

#include "rest/methods_internal.h"

namespace pylon::rest {

using namespace methods_internal;  // NOLINT: this file's helpers

namespace {

// ---- Users ----

Status ParseUser(const net::HttpResponse& a, pb::UserData* out) { return ParseOne(a, out, ToUser); }

// ---- Interactions ----

// MessageData -> an interaction follow-up / webhook message body. MessageData's plain fields
// cannot say "unset": empty content, no embeds, no components and flags 0 are not sent.
void WriteWebhookMessage(JsonWriter& w, const pb::MessageData& m) {
  w.BeginObject();
  if (!m.content().empty()) w.Key("content").String(m.content());
  if (m.tts()) w.Key("tts").Bool(true);
  if (m.embeds_size() > 0) {
    w.Key("embeds").BeginArray();
    for (const auto& e : m.embeds()) WriteEmbed(w, e);
    w.EndArray();
  }
  if (m.components_size() > 0) WriteComponents(w.Key("components"), m.components());
  if (m.flags() != 0) w.Key("flags").UInt(m.flags());
  w.EndObject();
}

void CheckMessage(const pb::MessageData& m, std::string_view prefix, FormErrors* errors) {
  auto path = [&](std::string key) {
    return prefix.empty() ? key : std::string(prefix) + "." + key;
  };
  CheckContent(m.content(), path("content"), errors);
  if (m.embeds_size() > 10) {
    errors->Add(path("embeds"), "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
  }
  size_t total = 0;
  for (int i = 0; i < m.embeds_size(); ++i) {
    total += CheckEmbed(m.embeds(i), path("embeds." + std::to_string(i)), errors);
  }
  if (total > 6000) {
    errors->Add(path("embeds"), "MAX_EMBED_SIZE_EXCEEDED",
                "Embed size exceeds maximum size of 6000");
  }
}

bool EmptyMessage(const pb::MessageData& m) {
  return m.content().empty() && m.embeds_size() == 0 && m.components_size() == 0;
}

// /webhooks/{application}/{token}: the request's application, else the bot's.
Result<std::string> WebhookPath(const pb::SnowflakeValue& application, bool has_application,
                                const std::string& token, const Target& t) {
  uint64_t app = has_application && application.value() != 0 ? application.value()
                 : !t.application.is_zero()                  ? t.application.value()
                                                             : t.bot.value();
  if (token.empty()) return NotFound("Unknown Webhook");
  return "/webhooks/" + Id(app) + "/" + EncodeUriComponent(token);
}

// "@original" or a decimal message id.
LocalError RequireFollowupId(const std::string& id) {
  if (id == "@original") return std::nullopt;
  auto parsed = Snowflake::Parse(id);
  if (!parsed.ok() || parsed->is_zero()) return NotFoundError(10008, "Unknown Message");
  return std::nullopt;
}

}  // namespace

// ---- GetCurrentUser: GET /users/@me ----

LocalError GetCurrentUserMethod::Build(const Request&, const Target&, DiscordRequest* out) {
  out->method = "GET";
  out->path = "/users/@me";
  return std::nullopt;
}
CheckFn GetCurrentUserMethod::Check(const Request&, const Target&) { return nullptr; }
Status GetCurrentUserMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseUser(a, out->mutable_data()->mutable_user());
}

// ---- GetUser: GET /users/{u} ----

LocalError GetUserMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  PYLON_REST_TRY(RequireId(r.user_id(), 10013, "User"));
  out->method = "GET";
  out->path = "/users/" + Id(r.user_id());
  return std::nullopt;
}
CheckFn GetUserMethod::Check(const Request&, const Target&) { return nullptr; }
Status GetUserMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseUser(a, out->mutable_data()->mutable_user());
}

// ---- ModifyCurrentUser: PATCH /users/@me ----

LocalError ModifyCurrentUserMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  out->method = "PATCH";
  out->path = "/users/@me";
  JsonObject(out, [&](JsonWriter& w) {
    if (r.has_username()) w.Key("username").String(r.username().value());
    if (r.has_avatar()) {
      w.Key("avatar");
      if (r.avatar().value().empty()) {
        w.Null();  // removes the avatar
      } else {
        w.String(ImageDataUri(r.avatar().value()));
      }
    }
  });
  return std::nullopt;
}
CheckFn ModifyCurrentUserMethod::Check(const Request&, const Target&) { return nullptr; }
Status ModifyCurrentUserMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseUser(a, out->mutable_data()->mutable_user());
}

// ---- LeaveGuild: DELETE /users/@me/guilds/{g} ----

LocalError LeaveGuildMethod::Build(const Request&, const Target& t, DiscordRequest* out) {
  PYLON_REST_TRY(RequireGuild(t));
  out->method = "DELETE";
  out->path = "/users/@me/guilds/" + Id(t.guild.value());
  return std::nullopt;
}
CheckFn LeaveGuildMethod::Check(const Request&, const Target&) { return nullptr; }
Status LeaveGuildMethod::Parse(const net::HttpResponse&, const Target&, Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- CreateDm: POST /users/@me/channels ----

LocalError CreateDmMethod::Build(const Request& r, const Target&, DiscordRequest* out) {
  if (r.recipient_id() == 0) {
    FormErrors errors;
    errors.Add("recipient_id", "BASE_TYPE_REQUIRED", "This field is required");
    return errors.ToError();
  }
  out->method = "POST";
  out->path = "/users/@me/channels";
  JsonObject(out, [&](JsonWriter& w) { w.Key("recipient_id").Id(r.recipient_id()); });
  return std::nullopt;
}
CheckFn CreateDmMethod::Check(const Request&, const Target&) { return nullptr; }
Status CreateDmMethod::Parse(const net::HttpResponse& a, const Target&, Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_channel(), ToChannel);
}

// ---- CreateInteractionResponse: POST /interactions/{i}/{token}/callback ----

LocalError CreateInteractionResponseMethod::Build(const Request& r, const Target&,
                                                  DiscordRequest* out) {
  if (!r.has_interaction_id() || r.interaction_id().value() == 0 || r.token().empty()) {
    return NotFoundError(10062, "Unknown interaction");
  }
  const auto& response = r.interaction_response();
  FormErrors errors;
  if (response.type() == pb::InteractionResponse::UNKNOWN) {
    errors.Add("type", "BASE_TYPE_REQUIRED", "This field is required");
  }
  const auto& data = response.data();
  if (response.has_data()) {
    CheckContent(data.content().value(), "data.content", &errors);
    size_t total = 0;
    for (int i = 0; i < data.embeds_size(); ++i) {
      total += CheckEmbed(data.embeds(i), "data.embeds." + std::to_string(i), &errors);
    }
    if (total > 6000) {
      errors.Add("data.embeds", "MAX_EMBED_SIZE_EXCEEDED",
                 "Embed size exceeds maximum size of 6000");
    }
  }
  if (!errors.empty()) return errors.ToError();
  out->method = "POST";
  out->path = "/interactions/" + Id(r.interaction_id().value()) + "/" +
              EncodeUriComponent(r.token()) + "/callback";
  JsonObject(out, [&](JsonWriter& w) {
    w.Key("type").UInt(static_cast<uint32_t>(response.type()));
    if (!response.has_data()) return;
    w.Key("data").BeginObject();
    if (data.has_tts()) w.Key("tts").Bool(data.tts().value());
    if (data.has_content()) w.Key("content").String(data.content().value());
    if (data.embeds_size() > 0) {
      w.Key("embeds").BeginArray();
      for (const auto& e : data.embeds()) WriteEmbed(w, e);
      w.EndArray();
    }
    if (data.has_allowed_mentions()) {
      WriteAllowedMentions(w.Key("allowed_mentions"), data.allowed_mentions());
    }
    if (data.has_flags()) w.Key("flags").UInt(data.flags().value());
    if (data.components_size() > 0) WriteComponents(w.Key("components"), data.components());
    w.EndObject();
  });
  return std::nullopt;
}
CheckFn CreateInteractionResponseMethod::Check(const Request&, const Target&) { return nullptr; }
Status CreateInteractionResponseMethod::Parse(const net::HttpResponse&, const Target&,
                                              Response* out) {
  out->mutable_data();
  return Ok();
}

// ---- Follow-ups: /webhooks/{application}/{token}[/messages/{m}] ----

LocalError CreateInteractionFollowupMessageMethod::Build(const Request& r, const Target& t,
                                                         DiscordRequest* out) {
  auto path = WebhookPath(r.application_id(), r.has_application_id(), r.token(), t);
  if (!path.ok()) return NotFoundError(10015, "Unknown Webhook");
  FormErrors errors;
  CheckMessage(r.message(), "", &errors);
  if (!errors.empty()) return errors.ToError();
  if (EmptyMessage(r.message())) return BadRequest(50006, "Cannot send an empty message");
  out->method = "POST";
  out->path = *path;
  std::string body;
  {
    JsonWriter w(&body);
    WriteWebhookMessage(w, r.message());
  }
  JsonBody(out, std::move(body));
  return std::nullopt;
}
CheckFn CreateInteractionFollowupMessageMethod::Check(const Request&, const Target&) {
  return nullptr;
}
Status CreateInteractionFollowupMessageMethod::Parse(const net::HttpResponse& a, const Target&,
                                                     Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

LocalError EditInteractionFollowupMessageMethod::Build(const Request& r, const Target& t,
                                                       DiscordRequest* out) {
  auto path = WebhookPath(r.application_id(), r.has_application_id(), r.token(), t);
  if (!path.ok()) return NotFoundError(10015, "Unknown Webhook");
  PYLON_REST_TRY(RequireFollowupId(r.message_id()));
  FormErrors errors;
  CheckMessage(r.message(), "", &errors);
  if (!errors.empty()) return errors.ToError();
  out->method = "PATCH";
  out->path = *path + "/messages/" + r.message_id();
  std::string body;
  {
    JsonWriter w(&body);
    WriteWebhookMessage(w, r.message());
  }
  JsonBody(out, std::move(body));
  return std::nullopt;
}
CheckFn EditInteractionFollowupMessageMethod::Check(const Request&, const Target&) {
  return nullptr;
}
Status EditInteractionFollowupMessageMethod::Parse(const net::HttpResponse& a, const Target&,
                                                   Response* out) {
  return ParseOne(a, out->mutable_data()->mutable_message(), ToMessage);
}

LocalError DeleteInteractionFollowupMessageMethod::Build(const Request& r, const Target& t,
                                                         DiscordRequest* out) {
  auto path = WebhookPath(r.application_id(), r.has_application_id(), r.token(), t);
  if (!path.ok()) return NotFoundError(10015, "Unknown Webhook");
  PYLON_REST_TRY(RequireFollowupId(r.message_id()));
  out->method = "DELETE";
  out->path = *path + "/messages/" + r.message_id();
  return std::nullopt;
}
CheckFn DeleteInteractionFollowupMessageMethod::Check(const Request&, const Target&) {
  return nullptr;
}
Status DeleteInteractionFollowupMessageMethod::Parse(const net::HttpResponse&, const Target&,
                                                     Response* out) {
  out->mutable_data();
  return Ok();
}

}  // namespace pylon::rest
