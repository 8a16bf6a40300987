// Copyright 2026 The Pylon Gateway Authors.

#include "rest/json_model.h"

#include <optional>
#include <string>

#include "discord/json_parser.h"
#include "discord/model.h"

namespace pylon::rest {
namespace {

namespace dom = simdjson::dom;
using pb::MessageData;
using Embed = MessageData::MessageEmbedData;
using Component = MessageData::MessageComponentData;

constexpr int kMaxNesting = 16;

// Typed reads of an object's fields: absent, null and wrongly typed values read as unset.
class Obj {
 public:
  explicit Obj(dom::element e) : e_(e) {}

  std::optional<dom::element> Get(std::string_view key) const {
    dom::element v;
    if (e_[key].get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
    return v;
  }
  bool Has(std::string_view key) const { return Get(key).has_value(); }

  std::optional<std::string_view> Str(std::string_view key) const {
    auto v = Get(key);
    std::string_view s;
    if (!v || v->get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
    return s;
  }
  std::string String(std::string_view key) const { return std::string(Str(key).value_or("")); }

  // A snowflake as a string or a number; 0 when absent.
  uint64_t Id(std::string_view key) const {
    auto v = Get(key);
    if (!v) return 0;
    uint64_t u = 0;
    if (v->get_uint64().get(u) == simdjson::SUCCESS) return u;
    std::string_view s;
    if (v->get_string().get(s) == simdjson::SUCCESS) {
      auto id = Snowflake::Parse(s);
      if (id.ok()) return id->value();
    }
    return 0;
  }
  std::optional<uint64_t> OptId(std::string_view key) const {
    if (!Has(key)) return std::nullopt;
    return Id(key);
  }

  uint64_t UInt(std::string_view key) const {
    auto v = Get(key);
    if (!v) return 0;
    uint64_t u = 0;
    if (v->get_uint64().get(u) == simdjson::SUCCESS) return u;
    double d = 0;
    if (v->get_double().get(d) == simdjson::SUCCESS && d > 0) return static_cast<uint64_t>(d);
    std::string_view s;  // discriminators are strings
    if (v->get_string().get(s) == simdjson::SUCCESS) {
      uint64_t out = 0;
      for (char c : s) {
        if (c < '0' || c > '9') return 0;
        out = out * 10 + static_cast<uint64_t>(c - '0');
      }
      return out;
    }
    return 0;
  }
  uint32_t UInt32(std::string_view key) const {
    uint64_t v = UInt(key);
    return v > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(v);
  }
  bool Bool(std::string_view key) const {
    auto v = Get(key);
    bool b = false;
    return v && v->get_bool().get(b) == simdjson::SUCCESS && b;
  }
  // A permission set (decimal string); bits above 63 are dropped.
  uint64_t Permissions(std::string_view key) const {
    auto s = Str(key);
    if (!s) return UInt(key);
    uint64_t out = 0;
    for (char c : *s) {
      if (c < '0' || c > '9') return 0;
      out = out * 10 + static_cast<uint64_t>(c - '0');  // modulo 2^64: keeps bits 0..63
    }
    return out;
  }
  bool Timestamp(std::string_view key, google::protobuf::Timestamp* out) const {
    auto s = Str(key);
    if (!s) return false;
    auto us = discord::ParseTimestamp(*s);
    if (!us) return false;
    int64_t seconds = *us / 1000000;
    int64_t micros = *us % 1000000;
    if (micros < 0) {
      micros += 1000000;
      --seconds;
    }
    out->set_seconds(seconds);
    out->set_nanos(static_cast<int32_t>(micros * 1000));
    return true;
  }
  template <typename Fn>
  void Each(std::string_view key, Fn fn) const {
    auto v = Get(key);
    dom::array array;
    if (!v || v->get_array().get(array) != simdjson::SUCCESS) return;
    for (dom::element e : array) fn(e);
  }
  std::optional<Obj> Child(std::string_view key) const {
    auto v = Get(key);
    if (!v || v->type() != dom::element_type::OBJECT) return std::nullopt;
    return Obj(*v);
  }
  dom::element element() const { return e_; }

 private:
  dom::element e_;
};

Status NeedObject(dom::element e, std::string_view what) {
  if (e.type() != dom::element_type::OBJECT) {
    return DataLoss(std::string(what) + ": expected a JSON object");
  }
  return Ok();
}

Status NeedId(uint64_t id, std::string_view what) {
  if (id == 0) return DataLoss(std::string(what) + ": missing id");
  return Ok();
}

void ToReactionEmoji(const Obj& o, MessageData::MessageReactionEmojiData* out) {
  out->set_id(o.Id("id"));
  out->set_name(o.String("name"));
  out->set_animated(o.Bool("animated"));
}

void ToOverwrite(const Obj& o, pb::ChannelData::ChannelPermissionOverwriteData* out) {
  using O = pb::ChannelData::ChannelPermissionOverwriteData;
  out->set_id(o.Id("id"));
  auto text = o.Str("type");
  uint64_t type = text ? (*text == "member" || *text == "1" ? 1 : 0) : o.UInt("type");
  out->set_type(type == 0 ? O::ROLE : type == 1 ? O::MEMBER : O::UNKNOWN);
  out->set_allow(o.Permissions("allow"));
  out->set_deny(o.Permissions("deny"));
}

void ToEmbed(const Obj& o, Embed* out) {
  out->set_title(o.String("title"));
  if (auto type = o.Str("type")) out->set_type(discord::ToProtoEmbedType(*type));
  out->set_description(o.String("description"));
  out->set_url(o.String("url"));
  if (o.Has("timestamp")) o.Timestamp("timestamp", out->mutable_timestamp());
  out->set_color(o.UInt32("color"));
  if (auto f = o.Child("footer")) {
    auto* footer = out->mutable_footer();
    footer->set_text(f->String("text"));
    footer->set_icon_url(f->String("icon_url"));
    footer->set_proxy_icon_url(f->String("proxy_icon_url"));
  }
  if (auto i = o.Child("image")) {
    auto* image = out->mutable_image();
    image->set_url(i->String("url"));
    image->set_width(i->UInt32("width"));
    image->set_height(i->UInt32("height"));
  }
  if (auto t = o.Child("thumbnail")) {
    auto* thumbnail = out->mutable_thumbnail();
    thumbnail->set_url(t->String("url"));
    thumbnail->set_proxy_url(t->String("proxy_url"));
    thumbnail->set_width(t->UInt32("width"));
    thumbnail->set_height(t->UInt32("height"));
  }
  if (auto v = o.Child("video")) {
    auto* video = out->mutable_video();
    video->set_url(v->String("url"));
    video->set_width(v->UInt32("width"));
    video->set_height(v->UInt32("height"));
  }
  if (auto p = o.Child("provider")) {
    out->mutable_provider()->set_name(p->String("name"));
    out->mutable_provider()->set_url(p->String("url"));
  }
  if (auto a = o.Child("author")) {
    auto* author = out->mutable_author();
    author->set_name(a->String("name"));
    author->set_url(a->String("url"));
    author->set_icon_url(a->String("icon_url"));
    author->set_proxy_icon_url(a->String("proxy_icon_url"));
  }
  o.Each("fields", [&](dom::element e) {
    Obj f(e);
    auto* field = out->add_fields();
    field->set_name(f.String("name"));
    field->set_value(f.String("value"));
    field->set_inline_(f.Bool("inline"));
  });
}

void ToComponent(const Obj& o, Component* out, int depth) {
  uint64_t type = o.UInt("type");
  out->set_type(type == 1   ? Component::ACTION_ROW
                : type == 2 ? Component::BUTTON
                            : Component::UNKNOWN);
  uint64_t style = o.UInt("style");
  out->set_style(style <= 5 ? static_cast<Component::MessageComponentButtonStyle>(style)
                            : Component::UNKNOWN_BUTTON);
  out->set_label(o.String("label"));
  if (auto emoji = o.Child("emoji")) ToReactionEmoji(*emoji, out->mutable_emoji());
  out->set_custom_id(o.String("custom_id"));
  out->set_url(o.String("url"));
  out->set_disabled(o.Bool("disabled"));
  if (depth >= kMaxNesting) return;
  o.Each("components",
         [&](dom::element e) { ToComponent(Obj(e), out->add_components(), depth + 1); });
}

void ToInteraction(const Obj& o, MessageData::MessageInteractionData* out) {
  out->set_id(o.Id("id"));
  uint64_t type = o.UInt("type");
  out->set_type(type <= 3
                    ? static_cast<MessageData::MessageInteractionData::MessageInteractionType>(type)
                    : MessageData::MessageInteractionData::UNKNOWN);
  out->set_name(o.String("name"));
  if (auto user = o.Get("user")) (void)ToUser(*user, out->mutable_user());
}

void ToSticker(const Obj& o, MessageData::MessageStickerData* out) {
  out->set_id(o.Id("id"));
  out->set_pack_id(o.Id("pack_id"));
  out->set_name(o.String("name"));
  out->set_description(o.String("description"));
  out->set_tags(o.String("tags"));
  out->set_asset(o.String("asset"));
  uint64_t type = o.UInt("format_type");
  out->set_format_type(
      type <= 3 ? static_cast<MessageData::MessageStickerData::MessageStickerFormatType>(type)
                : MessageData::MessageStickerData::UNKNOWN);
}

}  // namespace

Status ToUser(dom::element json, pb::UserData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "user"));
  Obj o(json);
  out->set_id(o.Id("id"));
  out->set_username(o.String("username"));
  if (auto avatar = o.Str("avatar")) out->mutable_avatar()->set_value(std::string(*avatar));
  out->set_discriminator(o.UInt32("discriminator"));
  out->set_bot(o.Bool("bot"));
  return NeedId(out->id(), "user");
}

Status ToMember(dom::element json, GuildId guild, pb::MemberData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "member"));
  Obj o(json);
  if (auto user = o.Get("user")) {
    PYLON_RETURN_IF_ERROR(ToUser(*user, out->mutable_user()));
    out->set_id(out->user().id());
  }
  out->set_guild_id(guild.value());
  if (auto nick = o.Str("nick")) out->mutable_nick()->set_value(std::string(*nick));
  o.Each("roles", [&](dom::element e) {
    uint64_t id = 0;
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
      auto parsed = Snowflake::Parse(s);
      if (parsed.ok()) id = parsed->value();
    } else {
      if (e.get_uint64().get(id) != simdjson::SUCCESS) id = 0;
    }
    if (id != 0) out->add_roles(id);
  });
  if (o.Has("joined_at")) o.Timestamp("joined_at", out->mutable_joined_at());
  if (o.Has("premium_since")) o.Timestamp("premium_since", out->mutable_premium_since());
  out->set_permissions(o.Permissions("permissions"));
  if (auto pending = o.Get("pending")) {
    bool b = false;
    if (pending->get_bool().get(b) == simdjson::SUCCESS) out->mutable_pending()->set_value(b);
  }
  return Ok();
}

Status ToRole(dom::element json, GuildId guild, pb::RoleData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "role"));
  Obj o(json);
  out->set_id(o.Id("id"));
  out->set_guild_id(guild.value());
  out->set_name(o.String("name"));
  out->set_managed(o.Bool("managed"));
  out->set_mentionable(o.Bool("mentionable"));
  out->set_hoist(o.Bool("hoist"));
  out->set_color(o.UInt32("color"));
  int64_t position = 0;
  if (auto p = o.Get("position"); p && p->get_int64().get(position) != simdjson::SUCCESS) {
    position = 0;
  }
  out->set_position(position < 0 ? 0 : static_cast<uint32_t>(position));
  out->set_permissions(o.Permissions("permissions"));
  return NeedId(out->id(), "role");
}

Status ToChannel(dom::element json, pb::ChannelData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "channel"));
  Obj o(json);
  out->set_id(o.Id("id"));
  if (auto guild = o.OptId("guild_id"); guild && *guild != 0) {
    out->mutable_guild_id()->set_value(*guild);
  }
  out->set_name(o.String("name"));
  if (auto topic = o.Str("topic")) out->mutable_topic()->set_value(std::string(*topic));
  out->set_type(discord::ToProtoChannelType(o.UInt("type")));
  out->set_nsfw(o.Bool("nsfw"));
  int64_t position = 0;
  if (auto p = o.Get("position"); p && p->get_int64().get(position) != simdjson::SUCCESS) {
    position = 0;
  }
  out->set_position(position < 0 ? 0 : static_cast<uint32_t>(position));
  out->set_bitrate(o.UInt32("bitrate"));
  out->set_user_limit(o.UInt32("user_limit"));
  if (auto parent = o.OptId("parent_id"); parent && *parent != 0) {
    out->mutable_parent_id()->set_value(*parent);
  }
  out->set_rate_limit_per_user(o.UInt32("rate_limit_per_user"));
  o.Each("permission_overwrites",
         [&](dom::element e) { ToOverwrite(Obj(e), out->add_permission_overwrites()); });
  return NeedId(out->id(), "channel");
}

Status ToEmoji(dom::element json, GuildId guild, pb::EmojiData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "emoji"));
  Obj o(json);
  out->set_id(o.Id("id"));
  out->set_guild_id(guild.value());
  out->set_name(o.String("name"));
  out->set_animated(o.Bool("animated"));
  o.Each("roles", [&](dom::element e) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) {
      auto id = Snowflake::Parse(s);
      if (id.ok()) out->add_roles(id->value());
    }
  });
  out->set_managed(o.Bool("managed"));
  out->set_require_colons(o.Bool("require_colons"));
  out->set_available(o.Bool("available"));
  if (auto user = o.Child("user")) out->set_user_id(user->Id("id"));
  return NeedId(out->id(), "emoji");
}

Status ToMessage(dom::element json, pb::MessageData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "message"));
  Obj o(json);
  out->set_id(o.Id("id"));
  out->set_channel_id(o.Id("channel_id"));
  if (auto guild = o.OptId("guild_id"); guild && *guild != 0) {
    out->mutable_guild_id()->set_value(*guild);
  }
  out->set_content(o.String("content"));
  if (o.Has("timestamp")) o.Timestamp("timestamp", out->mutable_timestamp());
  if (o.Has("edited_timestamp")) o.Timestamp("edited_timestamp", out->mutable_edited_timestamp());
  if (o.Has("mention_roles")) {
    auto* roles = out->mutable_mention_roles();
    o.Each("mention_roles", [&](dom::element e) {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) {
        auto id = Snowflake::Parse(s);
        if (id.ok()) roles->add_values(id->value());
      }
    });
  }
  out->set_tts(o.Bool("tts"));
  out->set_mention_everyone(o.Bool("mention_everyone"));
  o.Each("attachments", [&](dom::element e) {
    Obj a(e);
    auto* attachment = out->add_attachments();
    attachment->set_id(a.Id("id"));
    attachment->set_filename(a.String("filename"));
    attachment->set_size(a.UInt("size"));
    attachment->set_url(a.String("url"));
    attachment->set_proxy_url(a.String("proxy_url"));
    attachment->set_width(a.UInt("width"));
    attachment->set_height(a.UInt("height"));
  });
  o.Each("embeds", [&](dom::element e) {
    if (e.type() == dom::element_type::OBJECT) ToEmbed(Obj(e), out->add_embeds());
  });
  o.Each("mentions", [&](dom::element e) {
    Obj m(e);
    if (m.Id("id") == 0) return;
    auto* mention = out->add_mentions();
    mention->set_id(m.Id("id"));
    mention->set_username(m.String("username"));
    mention->set_avatar(m.String("avatar"));
    mention->set_discriminator(m.UInt32("discriminator"));
  });
  o.Each("reactions", [&](dom::element e) {
    Obj r(e);
    auto* reaction = out->add_reactions();
    reaction->set_count(r.UInt32("count"));
    reaction->set_me(r.Bool("me"));
    if (auto emoji = r.Child("emoji")) ToReactionEmoji(*emoji, reaction->mutable_emoji());
  });
  out->set_pinned(o.Bool("pinned"));
  out->set_type(discord::ToProtoMessageType(o.UInt("type")));
  o.Each("mention_channels", [&](dom::element e) {
    Obj c(e);
    auto* channel = out->add_mention_channels();
    channel->set_id(c.Id("id"));
    channel->set_guild_id(c.Id("guild_id"));
    channel->set_type(discord::ToProtoChannelType(c.UInt("type")));
    channel->set_name(c.String("name"));
  });
  out->set_flags(o.UInt32("flags"));
  if (auto a = o.Child("activity")) {
    out->mutable_activity()->set_type(a->UInt32("type"));
    out->mutable_activity()->set_party_id(a->String("party_id"));
  }
  if (auto a = o.Child("application")) {
    auto* app = out->mutable_application();
    app->set_id(a->Id("id"));
    app->set_cover_image(a->String("cover_image"));
    app->set_description(a->String("description"));
    app->set_icon(a->String("icon"));
    app->set_name(a->String("name"));
  }
  if (auto r = o.Child("message_reference")) {
    auto* ref = out->mutable_message_reference();
    ref->set_message_id(r->Id("message_id"));
    ref->set_channel_id(r->Id("channel_id"));
    ref->set_guild_id(r->Id("guild_id"));
  }
  if (auto author = o.Get("author")) PYLON_RETURN_IF_ERROR(ToUser(*author, out->mutable_author()));
  if (auto member = o.Get("member")) {
    GuildId guild(out->has_guild_id() ? out->guild_id().value() : 0);
    PYLON_RETURN_IF_ERROR(ToMember(*member, guild, out->mutable_member()));
    if (out->has_author()) {
      out->mutable_member()->set_id(out->author().id());
      *out->mutable_member()->mutable_user() = out->author();
    }
  }
  if (auto webhook = o.OptId("webhook_id"); webhook && *webhook != 0) {
    out->mutable_webhook_id()->set_value(*webhook);
  }
  const char* stickers = o.Has("sticker_items") ? "sticker_items" : "stickers";
  o.Each(stickers, [&](dom::element e) { ToSticker(Obj(e), out->add_stickers()); });
  if (auto i = o.Child("interaction")) {
    ToInteraction(*i, out->mutable_interaction());
  } else if (auto m = o.Child("interaction_metadata")) {
    ToInteraction(*m, out->mutable_interaction());
  }
  if (auto thread = o.Get("thread")) {
    PYLON_RETURN_IF_ERROR(ToChannel(*thread, out->mutable_thread()));
    if (!out->thread().has_guild_id() && out->has_guild_id()) {
      out->mutable_thread()->mutable_guild_id()->set_value(out->guild_id().value());
    }
  }
  o.Each("components", [&](dom::element e) { ToComponent(Obj(e), out->add_components(), 1); });
  PYLON_RETURN_IF_ERROR(NeedId(out->id(), "message"));
  return NeedId(out->channel_id(), "message channel");
}

Status ToInvite(dom::element json, pb::InviteData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "invite"));
  Obj o(json);
  out->set_code(o.String("code"));
  if (auto g = o.Child("guild")) {
    auto* guild = out->mutable_guild();
    guild->set_id(g->Id("id"));
    guild->set_name(g->String("name"));
    if (auto s = g->Str("splash")) guild->mutable_splash()->set_value(std::string(*s));
    if (auto s = g->Str("banner")) guild->mutable_banner()->set_value(std::string(*s));
    if (auto s = g->Str("description")) guild->mutable_description()->set_value(std::string(*s));
    if (auto s = g->Str("icon")) guild->mutable_icon()->set_value(std::string(*s));
    g->Each("features", [&](dom::element e) {
      std::string_view s;
      if (e.get_string().get(s) == simdjson::SUCCESS) guild->add_features(std::string(s));
    });
    guild->set_verification_level(g->UInt32("verification_level"));
    if (auto s = g->Str("vanity_url_code")) {
      guild->mutable_vanity_url_code()->set_value(std::string(*s));
    }
  }
  if (auto c = o.Child("channel")) {
    auto* channel = out->mutable_channel();
    channel->set_id(c->Id("id"));
    channel->set_name(c->String("name"));
    channel->set_type(discord::ToProtoChannelType(c->UInt("type")));
  }
  if (auto inviter = o.Get("inviter")) (void)ToUser(*inviter, out->mutable_inviter());
  if (auto target = o.Get("target_user")) (void)ToUser(*target, out->mutable_target_user());
  uint64_t target_type = o.UInt("target_type");
  if (target_type == 0) target_type = o.UInt("target_user_type");
  out->set_target_user_type(target_type == 1 ? pb::InviteData::STREAM : pb::InviteData::UNKNOWN);
  if (o.Has("approximate_presence_count")) {
    out->mutable_approximate_presence_count()->set_value(o.UInt32("approximate_presence_count"));
  }
  if (o.Has("approximate_member_count")) {
    out->mutable_approximate_member_count()->set_value(o.UInt32("approximate_member_count"));
  }
  if (out->code().empty()) return DataLoss("invite: missing code");
  return Ok();
}

Status ToBan(dom::element json, pb::GuildBanData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "ban"));
  Obj o(json);
  out->set_reason(o.String("reason"));
  auto user = o.Get("user");
  if (!user) return DataLoss("ban: missing user");
  return ToUser(*user, out->mutable_user());
}

Status ToGuild(dom::element json, pb::GuildData* out) {
  PYLON_RETURN_IF_ERROR(NeedObject(json, "guild"));
  Obj o(json);
  out->set_id(o.Id("id"));
  out->set_name(o.String("name"));
  if (auto s = o.Str("icon")) out->mutable_icon()->set_value(std::string(*s));
  out->set_region(o.String("region"));
  if (auto id = o.Id("afk_channel_id"); id != 0) out->mutable_afk_channel_id()->set_value(id);
  out->set_owner_id(o.Id("owner_id"));
  if (o.Has("joined_at")) o.Timestamp("joined_at", out->mutable_joined_at());
  if (auto s = o.Str("splash")) out->mutable_splash()->set_value(std::string(*s));
  if (auto s = o.Str("discovery_splash"))
    out->mutable_discovery_splash()->set_value(std::string(*s));
  out->set_afk_timeout(o.UInt32("afk_timeout"));
  uint32_t members = o.UInt32("member_count");
  if (members == 0) members = o.UInt32("approximate_member_count");
  out->set_member_count(members);
  out->set_verification_level(o.UInt32("verification_level"));
  out->set_default_message_notifications(o.UInt32("default_message_notifications"));
  out->set_explicit_content_filter(o.UInt32("explicit_content_filter"));
  o.Each("features", [&](dom::element e) {
    std::string_view s;
    if (e.get_string().get(s) == simdjson::SUCCESS) out->add_features(std::string(s));
  });
  out->set_mfa_level(o.UInt32("mfa_level"));
  out->set_widget_enabled(o.Bool("widget_enabled"));
  if (auto id = o.Id("widget_channel_id"); id != 0) out->mutable_widget_channel_id()->set_value(id);
  if (auto id = o.Id("system_channel_id"); id != 0) out->mutable_system_channel_id()->set_value(id);
  if (auto s = o.Str("vanity_url_code")) out->mutable_vanity_url_code()->set_value(std::string(*s));
  if (auto s = o.Str("description")) out->mutable_description()->set_value(std::string(*s));
  if (auto s = o.Str("banner")) out->mutable_banner()->set_value(std::string(*s));
  out->set_premium_tier(o.UInt32("premium_tier"));
  out->set_premium_subscription_count(o.UInt32("premium_subscription_count"));
  out->set_unavailable(o.Bool("unavailable"));
  return NeedId(out->id(), "guild");
}

}  // namespace pylon::rest
