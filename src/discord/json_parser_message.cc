// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: message objects -> protobuf MessageData, and the other protobuf model objects
// (UserData, MemberData, ChannelData, RoleData), with the public model's enum offsets
// (pylon-api-contract.md §8).

#include "discord/json_parser.h"
#include "discord/json_parser_internal.h"

namespace pylon::discord {

pb::model::ChannelData::ChannelType ToProtoChannelType(uint64_t discord_type) {
  using C = pb::model::ChannelData;
  switch (discord_type) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:
    case 5:
    case 6:
      return static_cast<C::ChannelType>(discord_type + 1);
    case 10:  // ANNOUNCEMENT_THREAD: a public thread of an announcement channel
    case 11:
      return C::PUBLIC_THREAD;
    case 12:
      return C::PRIVATE_THREAD;
    case 13:
      return C::GUILD_STAGE_VOICE;
    default:
      return C::UNKNOWN;
  }
}

pb::model::MessageData::MessageType ToProtoMessageType(uint64_t discord_type) {
  using M = pb::model::MessageData;
  if (discord_type <= 15 && M::MessageType_IsValid(static_cast<int>(discord_type + 1))) {
    return static_cast<M::MessageType>(discord_type + 1);
  }
  return M::DEFAULT;
}

pb::model::MessageData::MessageEmbedData::MessageEmbedType ToProtoEmbedType(std::string_view type) {
  using E = pb::model::MessageData::MessageEmbedData;
  if (type == "rich") return E::RICH;
  if (type == "image") return E::IMAGE;
  if (type == "video") return E::VIDEO;
  if (type == "gifv") return E::GIFV;
  if (type == "article") return E::ARTICLE;
  if (type == "link") return E::LINK;
  return E::UNKNOWN;
}

namespace json_internal {
namespace {

using pb::model::MessageData;
using Embed = MessageData::MessageEmbedData;
using Component = MessageData::MessageComponentData;

// A uint32 field that Discord may send negative (positions): clamped to 0.
bool ReadClampedUint32(sj::value& v, uint32_t* out, ParseContext& ctx) {
  int64_t value = 0;
  if (!ReadInt(v, &value, ctx)) return false;
  *out = value < 0 ? 0 : value > UINT32_MAX ? UINT32_MAX : static_cast<uint32_t>(value);
  return true;
}

bool ParseOverwriteData(sj::value& v, pb::model::ChannelData::ChannelPermissionOverwriteData* out,
                        ParseContext& ctx) {
  using O = pb::model::ChannelData::ChannelPermissionOverwriteData;
  bool has_id = false;
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") {
        has_id = true;
        PYLON_SET(out, id, uint64_t, ReadSnowflake);
      }
      PYLON_JSON_KEY("type") {
        uint8_t type = 0;
        if (FirstChar(value) == '"') {
          std::string_view text;
          if (!ReadString(value, &text, ctx)) return false;
          if (text != "role" && text != "member") return ctx.Fail("invalid overwrite type");
          type = text == "member" ? 1 : 0;
        } else if (!ReadUint(value, &type, ctx)) {
          return false;
        }
        if (type > 1) return ctx.Fail("invalid overwrite type");
        out->set_type(type == 0 ? O::ROLE : O::MEMBER);
        return true;
      }
      PYLON_JSON_KEY("allow") PYLON_SET(out, allow, uint64_t, ReadPermissions);
      PYLON_JSON_KEY("deny") PYLON_SET(out, deny, uint64_t, ReadPermissions);
    }
    return true;
  });
  return ok && (has_id || ctx.Fail("missing id"));
}

bool ParseAttachment(sj::value& v, MessageData::MessageAttachmentData* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("filename") PYLON_SET_STRING(out, filename);
      PYLON_JSON_KEY("size") PYLON_SET(out, size, uint64_t, ReadUint);
      PYLON_JSON_KEY("url") PYLON_SET_STRING(out, url);
      PYLON_JSON_KEY("proxy_url") PYLON_SET_STRING(out, proxy_url);
      PYLON_JSON_KEY("width") PYLON_SET(out, width, uint64_t, ReadUint);
      PYLON_JSON_KEY("height") PYLON_SET(out, height, uint64_t, ReadUint);
    }
    return true;
  });
}

bool ParseEmbed(sj::value& v, Embed* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("title") PYLON_SET_STRING(out, title);
      PYLON_JSON_KEY("type") {
        if (TakeNull(value)) return true;
        std::string_view text;
        if (!ReadString(value, &text, ctx)) return false;
        out->set_type(ToProtoEmbedType(text));
        return true;
      }
      PYLON_JSON_KEY("description") PYLON_SET_STRING(out, description);
      PYLON_JSON_KEY("url") PYLON_SET_STRING(out, url);
      PYLON_JSON_KEY("timestamp") PYLON_SET_TIMESTAMP(out, timestamp);
      PYLON_JSON_KEY("color") PYLON_SET(out, color, uint32_t, ReadUint);
      PYLON_JSON_KEY("footer") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedFooterData* footer = out->mutable_footer();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("text") PYLON_SET_STRING(footer, text);
            PYLON_JSON_KEY("icon_url") PYLON_SET_STRING(footer, icon_url);
            PYLON_JSON_KEY("proxy_icon_url") PYLON_SET_STRING(footer, proxy_icon_url);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("image") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedImageData* image = out->mutable_image();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("url") PYLON_SET_STRING(image, url);
            PYLON_JSON_KEY("width") PYLON_SET(image, width, uint32_t, ReadUint);
            PYLON_JSON_KEY("height") PYLON_SET(image, height, uint32_t, ReadUint);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("thumbnail") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedThumbnailData* thumbnail = out->mutable_thumbnail();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("url") PYLON_SET_STRING(thumbnail, url);
            PYLON_JSON_KEY("proxy_url") PYLON_SET_STRING(thumbnail, proxy_url);
            PYLON_JSON_KEY("width") PYLON_SET(thumbnail, width, uint32_t, ReadUint);
            PYLON_JSON_KEY("height") PYLON_SET(thumbnail, height, uint32_t, ReadUint);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("video") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedVideoData* video = out->mutable_video();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("url") PYLON_SET_STRING(video, url);
            PYLON_JSON_KEY("width") PYLON_SET(video, width, uint32_t, ReadUint);
            PYLON_JSON_KEY("height") PYLON_SET(video, height, uint32_t, ReadUint);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("provider") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedProviderData* provider = out->mutable_provider();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("name") PYLON_SET_STRING(provider, name);
            PYLON_JSON_KEY("url") PYLON_SET_STRING(provider, url);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("author") {
        if (TakeNull(value)) return true;
        Embed::MessageEmbedAuthorData* author = out->mutable_author();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("name") PYLON_SET_STRING(author, name);
            PYLON_JSON_KEY("url") PYLON_SET_STRING(author, url);
            PYLON_JSON_KEY("icon_url") PYLON_SET_STRING(author, icon_url);
            PYLON_JSON_KEY("proxy_icon_url") PYLON_SET_STRING(author, proxy_icon_url);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("fields") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          Embed::MessageEmbedFieldData* field = out->add_fields();
          return ForEachField(
              element, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
                switch (hash) {
                  PYLON_JSON_KEY("name") PYLON_SET_STRING(field, name);
                  PYLON_JSON_KEY("value") PYLON_SET_STRING(field, value);
                  PYLON_JSON_KEY("inline") PYLON_SET(field, inline_, bool, ReadBool);
                }
                return true;
              });
        });
      }
    }
    return true;
  });
}

// A user as mentioned in a message (a user object with a partial member, ignored here).
bool ParseMention(sj::value& v, MessageData::MessageMentionData* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("username") PYLON_SET_STRING(out, username);
      PYLON_JSON_KEY("avatar") PYLON_SET_STRING(out, avatar);
      PYLON_JSON_KEY("discriminator") PYLON_SET(out, discriminator, uint16_t, ReadDiscriminator);
    }
    return true;
  });
  return ok && (out->id() != 0 || ctx.Fail("missing id"));
}

bool ParseReaction(sj::value& v, MessageData::MessageReactionData* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("count") PYLON_SET(out, count, uint32_t, ReadUint);
      PYLON_JSON_KEY("me") PYLON_SET(out, me, bool, ReadBool);
      PYLON_JSON_KEY("emoji") return ParseReactionEmojiData(value, out->mutable_emoji(), ctx);
    }
    return true;
  });
}

bool ParseMentionChannel(sj::value& v, MessageData::MessageMentionChannelData* out,
                         ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("guild_id") PYLON_SET(out, guild_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        out->set_type(ToProtoChannelType(type));
        return true;
      }
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
    }
    return true;
  });
}

bool ParseSticker(sj::value& v, MessageData::MessageStickerData* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("pack_id") PYLON_SET(out, pack_id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("description") PYLON_SET_STRING(out, description);
      PYLON_JSON_KEY("tags") PYLON_SET_STRING(out, tags);
      PYLON_JSON_KEY("asset") PYLON_SET_STRING(out, asset);
      PYLON_JSON_KEY("format_type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        // Same numbers as Discord; GIF (4) and later are not in the model.
        out->set_format_type(
            type <= 3 ? static_cast<MessageData::MessageStickerData::MessageStickerFormatType>(type)
                      : MessageData::MessageStickerData::UNKNOWN);
        return true;
      }
    }
    return true;
  });
}

// Message interaction type (1 ping, 2 application command, 3 component); others -> UNKNOWN.
MessageData::MessageInteractionData::MessageInteractionType ToProtoInteractionType(uint64_t type) {
  return type <= 3 ? static_cast<MessageData::MessageInteractionData::MessageInteractionType>(type)
                   : MessageData::MessageInteractionData::UNKNOWN;
}

bool ParseMessageInteraction(sj::value& v, MessageData::MessageInteractionData* out,
                             ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        out->set_type(ToProtoInteractionType(type));
        return true;
      }
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) return true;
        return ParseUserData(value, out->mutable_user(), ctx);
      }
    }
    return true;
  });
}

bool ParseComponent(sj::value& v, Component* out, int depth, ParseContext& ctx) {
  if (depth > GatewayParser::kMaxNesting) return ctx.Fail("components nested too deeply");
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        // Same numbers as Discord for the two the model has; select menus, text inputs and
        // layout components -> UNKNOWN.
        out->set_type(type == 1   ? Component::ACTION_ROW
                      : type == 2 ? Component::BUTTON
                                  : Component::UNKNOWN);
        return true;
      }
      PYLON_JSON_KEY("style") {
        uint64_t style = 0;
        if (!ReadUint(value, &style, ctx)) return false;
        out->set_style(style <= 5 ? static_cast<Component::MessageComponentButtonStyle>(style)
                                  : Component::UNKNOWN_BUTTON);  // 6: premium
        return true;
      }
      PYLON_JSON_KEY("label") PYLON_SET_STRING(out, label);
      PYLON_JSON_KEY("emoji") {
        if (TakeNull(value)) return true;
        return ParseReactionEmojiData(value, out->mutable_emoji(), ctx);
      }
      PYLON_JSON_KEY("custom_id") PYLON_SET_STRING(out, custom_id);
      PYLON_JSON_KEY("url") PYLON_SET_STRING(out, url);
      PYLON_JSON_KEY("disabled") PYLON_SET(out, disabled, bool, ReadBool);
      PYLON_JSON_KEY("components") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseComponent(element, out->add_components(), depth + 1, ctx);
        });
      }
    }
    return true;
  });
}

// A required id.
bool Require(uint64_t id, const char* name, ParseContext& ctx) {
  if (id != 0) return true;
  return ctx.Fail(std::string("missing ") + name);
}

}  // namespace

bool ParseUserData(sj::value& v, pb::model::UserData* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("username") PYLON_SET_STRING(out, username);
      PYLON_JSON_KEY("avatar") PYLON_SET_STRING_VALUE(out, avatar);
      PYLON_JSON_KEY("discriminator") PYLON_SET(out, discriminator, uint16_t, ReadDiscriminator);
      PYLON_JSON_KEY("bot") PYLON_SET(out, bot, bool, ReadBool);
    }
    return true;
  });
  return ok && (out->id() != 0 || ctx.Fail("missing id"));
}

bool ParseMemberData(sj::value& v, pb::model::MemberData* out, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) return true;
        if (!ParseUserData(value, out->mutable_user(), ctx)) return false;
        out->set_id(out->user().id());
        return true;
      }
      PYLON_JSON_KEY("nick") PYLON_SET_STRING_VALUE(out, nick);
      PYLON_JSON_KEY("roles") {
        out->clear_roles();
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { out->add_roles(id); });
      }
      PYLON_JSON_KEY("joined_at") PYLON_SET_TIMESTAMP(out, joined_at);
      PYLON_JSON_KEY("premium_since") PYLON_SET_TIMESTAMP(out, premium_since);
      PYLON_JSON_KEY("permissions") PYLON_SET(out, permissions, uint64_t, ReadPermissions);
      PYLON_JSON_KEY("pending") {
        if (TakeNull(value)) return true;
        bool pending = false;
        if (!ReadBool(value, &pending, ctx)) return false;
        out->mutable_pending()->set_value(pending);
        return true;
      }
    }
    return true;
  });
}

bool ParseChannelData(sj::value& v, pb::model::ChannelData* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("guild_id") PYLON_SET_SNOWFLAKE_VALUE(out, guild_id);
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("topic") PYLON_SET_STRING_VALUE(out, topic);
      PYLON_JSON_KEY("type") {
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        out->set_type(ToProtoChannelType(type));
        return true;
      }
      PYLON_JSON_KEY("nsfw") PYLON_SET(out, nsfw, bool, ReadBool);
      PYLON_JSON_KEY("position") PYLON_SET(out, position, uint32_t, ReadClampedUint32);
      PYLON_JSON_KEY("bitrate") PYLON_SET(out, bitrate, uint32_t, ReadUint);
      PYLON_JSON_KEY("user_limit") PYLON_SET(out, user_limit, uint32_t, ReadUint);
      PYLON_JSON_KEY("parent_id") PYLON_SET_SNOWFLAKE_VALUE(out, parent_id);
      PYLON_JSON_KEY("rate_limit_per_user") PYLON_SET(out, rate_limit_per_user, uint32_t, ReadUint);
      PYLON_JSON_KEY("permission_overwrites") {
        out->clear_permission_overwrites();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseOverwriteData(element, out->add_permission_overwrites(), ctx);
        });
      }
    }
    return true;
  });
  return ok && (out->id() != 0 || ctx.Fail("missing id"));
}

bool ParseRoleData(sj::value& v, pb::model::RoleData* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("managed") PYLON_SET(out, managed, bool, ReadBool);
      PYLON_JSON_KEY("mentionable") PYLON_SET(out, mentionable, bool, ReadBool);
      PYLON_JSON_KEY("hoist") PYLON_SET(out, hoist, bool, ReadBool);
      PYLON_JSON_KEY("color") PYLON_SET(out, color, uint32_t, ReadUint);
      PYLON_JSON_KEY("position") PYLON_SET(out, position, uint32_t, ReadClampedUint32);
      PYLON_JSON_KEY("permissions") PYLON_SET(out, permissions, uint64_t, ReadPermissions);
    }
    return true;
  });
  return ok && (out->id() != 0 || ctx.Fail("missing id"));
}

bool ParseReactionEmojiData(sj::value& v, MessageData::MessageReactionEmojiData* out,
                            ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      PYLON_JSON_KEY("name") PYLON_SET_STRING(out, name);
      PYLON_JSON_KEY("animated") PYLON_SET(out, animated, bool, ReadBool);
    }
    return true;
  });
}

bool ParseMessageData(sj::value& v, MessageData* out, std::bitset<64>* present, ParseContext& ctx) {
  std::bitset<64> carried;
  bool has_interaction = false;  // `interaction` wins over `interaction_metadata`
  auto parse_stickers = [&](sj::value& value) {
    carried.set(MessageData::kStickersFieldNumber);
    out->clear_stickers();
    return ForEachElement(value, ctx, [&](sj::value& element) {
      return ParseSticker(element, out->add_stickers(), ctx);
    });
  };
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") {
        carried.set(MessageData::kIdFieldNumber);
        PYLON_SET(out, id, uint64_t, ReadSnowflakeOrNull);
      }
      PYLON_JSON_KEY("channel_id") {
        carried.set(MessageData::kChannelIdFieldNumber);
        PYLON_SET(out, channel_id, uint64_t, ReadSnowflakeOrNull);
      }
      PYLON_JSON_KEY("guild_id") {
        carried.set(MessageData::kGuildIdFieldNumber);
        PYLON_SET_SNOWFLAKE_VALUE(out, guild_id);
      }
      PYLON_JSON_KEY("content") {
        carried.set(MessageData::kContentFieldNumber);
        PYLON_SET_STRING(out, content);
      }
      PYLON_JSON_KEY("timestamp") {
        carried.set(MessageData::kTimestampFieldNumber);
        PYLON_SET_TIMESTAMP(out, timestamp);
      }
      PYLON_JSON_KEY("edited_timestamp") {
        carried.set(MessageData::kEditedTimestampFieldNumber);
        PYLON_SET_TIMESTAMP(out, edited_timestamp);
      }
      PYLON_JSON_KEY("mention_roles") {
        carried.set(MessageData::kMentionRolesFieldNumber);
        if (TakeNull(value)) return true;
        pb::model::SnowflakeListValue* roles = out->mutable_mention_roles();
        roles->clear_values();
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { roles->add_values(id); });
      }
      PYLON_JSON_KEY("tts") {
        carried.set(MessageData::kTtsFieldNumber);
        PYLON_SET(out, tts, bool, ReadBool);
      }
      PYLON_JSON_KEY("mention_everyone") {
        carried.set(MessageData::kMentionEveryoneFieldNumber);
        PYLON_SET(out, mention_everyone, bool, ReadBool);
      }
      PYLON_JSON_KEY("attachments") {
        carried.set(MessageData::kAttachmentsFieldNumber);
        out->clear_attachments();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseAttachment(element, out->add_attachments(), ctx);
        });
      }
      PYLON_JSON_KEY("embeds") {
        carried.set(MessageData::kEmbedsFieldNumber);
        out->clear_embeds();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseEmbed(element, out->add_embeds(), ctx);
        });
      }
      PYLON_JSON_KEY("mentions") {
        carried.set(MessageData::kMentionsFieldNumber);
        out->clear_mentions();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseMention(element, out->add_mentions(), ctx);
        });
      }
      PYLON_JSON_KEY("reactions") {
        carried.set(MessageData::kReactionsFieldNumber);
        out->clear_reactions();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseReaction(element, out->add_reactions(), ctx);
        });
      }
      PYLON_JSON_KEY("pinned") {
        carried.set(MessageData::kPinnedFieldNumber);
        PYLON_SET(out, pinned, bool, ReadBool);
      }
      PYLON_JSON_KEY("type") {
        carried.set(MessageData::kTypeFieldNumber);
        uint64_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        out->set_type(ToProtoMessageType(type));
        return true;
      }
      PYLON_JSON_KEY("mention_channels") {
        carried.set(MessageData::kMentionChannelsFieldNumber);
        out->clear_mention_channels();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseMentionChannel(element, out->add_mention_channels(), ctx);
        });
      }
      PYLON_JSON_KEY("flags") {
        carried.set(MessageData::kFlagsFieldNumber);
        PYLON_SET(out, flags, uint32_t, ReadUint);
      }
      PYLON_JSON_KEY("activity") {
        carried.set(MessageData::kActivityFieldNumber);
        if (TakeNull(value)) return true;
        MessageData::MessageActivityData* activity = out->mutable_activity();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("type") PYLON_SET(activity, type, uint32_t, ReadUint);
            PYLON_JSON_KEY("party_id") PYLON_SET_STRING(activity, party_id);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("application") {
        carried.set(MessageData::kApplicationFieldNumber);
        if (TakeNull(value)) return true;
        MessageData::MessageApplicationData* app = out->mutable_application();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("id") PYLON_SET(app, id, uint64_t, ReadSnowflakeOrNull);
            PYLON_JSON_KEY("cover_image") PYLON_SET_STRING(app, cover_image);
            PYLON_JSON_KEY("description") PYLON_SET_STRING(app, description);
            PYLON_JSON_KEY("icon") PYLON_SET_STRING(app, icon);
            PYLON_JSON_KEY("name") PYLON_SET_STRING(app, name);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("message_reference") {
        carried.set(MessageData::kMessageReferenceFieldNumber);
        if (TakeNull(value)) return true;
        MessageData::MessageReferenceData* ref = out->mutable_message_reference();
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
          switch (hash) {
            PYLON_JSON_KEY("message_id") PYLON_SET(ref, message_id, uint64_t, ReadSnowflakeOrNull);
            PYLON_JSON_KEY("channel_id") PYLON_SET(ref, channel_id, uint64_t, ReadSnowflakeOrNull);
            PYLON_JSON_KEY("guild_id") PYLON_SET(ref, guild_id, uint64_t, ReadSnowflakeOrNull);
          }
          return true;
        });
      }
      PYLON_JSON_KEY("author") {
        carried.set(MessageData::kAuthorFieldNumber);
        if (TakeNull(value)) return true;
        return ParseUserData(value, out->mutable_author(), ctx);
      }
      PYLON_JSON_KEY("member") {
        carried.set(MessageData::kMemberFieldNumber);
        if (TakeNull(value)) return true;
        return ParseMemberData(value, out->mutable_member(), ctx);
      }
      PYLON_JSON_KEY("webhook_id") {
        carried.set(MessageData::kWebhookIdFieldNumber);
        PYLON_SET_SNOWFLAKE_VALUE(out, webhook_id);
      }
      PYLON_JSON_KEY("sticker_items") return parse_stickers(value);  // {id, name, format_type}
      PYLON_JSON_KEY("stickers") return parse_stickers(value);       // deprecated full objects
      PYLON_JSON_KEY("interaction") {  // deprecated, still sent; has the command name
        carried.set(MessageData::kInteractionFieldNumber);
        has_interaction = true;
        out->clear_interaction();
        if (TakeNull(value)) return true;
        return ParseMessageInteraction(value, out->mutable_interaction(), ctx);
      }
      PYLON_JSON_KEY("interaction_metadata") {  // its successor: id, type, user (no name)
        carried.set(MessageData::kInteractionFieldNumber);
        if (has_interaction || TakeNull(value)) return true;
        out->clear_interaction();
        return ParseMessageInteraction(value, out->mutable_interaction(), ctx);
      }
      PYLON_JSON_KEY("thread") {
        carried.set(MessageData::kThreadFieldNumber);
        if (TakeNull(value)) return true;
        return ParseChannelData(value, out->mutable_thread(), ctx);
      }
      PYLON_JSON_KEY("components") {
        carried.set(MessageData::kComponentsFieldNumber);
        out->clear_components();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseComponent(element, out->add_components(), 1, ctx);
        });
      }
    }
    return true;
  });
  if (!ok) return false;
  if (!Require(out->id(), "id", ctx) || !Require(out->channel_id(), "channel_id", ctx)) {
    return false;
  }
  // The member Discord attaches has no user: complete it as the public model wants it.
  if (out->has_member()) {
    pb::model::MemberData* member = out->mutable_member();
    if (out->has_guild_id()) member->set_guild_id(out->guild_id().value());
    if (out->has_author()) {
      member->set_id(out->author().id());
      *member->mutable_user() = out->author();
    }
  }
  // A thread started from the message: its guild is the message's.
  if (out->has_thread() && !out->thread().has_guild_id() && out->has_guild_id()) {
    out->mutable_thread()->mutable_guild_id()->set_value(out->guild_id().value());
  }
  if (present) *present = carried;
  return true;
}

bool ParseMessageCreateEvent(sj::value& d, MessageCreateEvent* event, MessageData* message,
                             ParseContext& ctx) {
  message->Clear();
  *event = MessageCreateEvent();
  if (!ParseMessageData(d, message, nullptr, ctx)) return false;
  event->guild = GuildId(message->has_guild_id() ? message->guild_id().value() : 0);
  event->channel = ChannelId(message->channel_id());
  event->id = MessageId(message->id());
  event->message = message;
  return true;
}

bool ParseMessageUpdateEvent(sj::value& d, MessageUpdateEvent* event, MessageData* message,
                             ParseContext& ctx) {
  message->Clear();
  *event = MessageUpdateEvent();
  if (!ParseMessageData(d, message, &event->present, ctx)) return false;
  event->guild = GuildId(message->has_guild_id() ? message->guild_id().value() : 0);
  event->channel = ChannelId(message->channel_id());
  event->id = MessageId(message->id());
  event->message = message;
  return true;
}

bool ParseMessageDeleteEvent(sj::value& d, MessageDeleteEvent* event, ParseContext& ctx) {
  *event = MessageDeleteEvent();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &event->id, ctx);
      PYLON_JSON_KEY("channel_id") return ReadId(value, &event->channel, ctx);
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
    }
    return true;
  });
  return ok && Require(event->id.value(), "id", ctx) &&
         Require(event->channel.value(), "channel_id", ctx);
}

bool ParseMessageDeleteBulkEvent(sj::value& d, MessageDeleteBulkEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->channel = ChannelId();
  event->ids.clear();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("ids") {
        event->ids.clear();
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { event->ids.emplace_back(id); });
      }
      PYLON_JSON_KEY("channel_id") return ReadId(value, &event->channel, ctx);
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
    }
    return true;
  });
  return ok && Require(event->channel.value(), "channel_id", ctx);
}

}  // namespace json_internal
}  // namespace pylon::discord
