// Copyright 2026 The Pylon Gateway Authors.
// GatewayParser: the model structs (model.h) and the events made of them. Discord's numbering is
// kept; the cache converts.
//
// Presences are parsed leniently (discord-protocol.md §6: "only id is guaranteed ... field types
// are not validated"): a field of an unexpected type is skipped, not an error. Only the user id
// (and, in PRESENCE_UPDATE, the guild id) is required; broken JSON structure still fails.

#include <cmath>

#include "discord/json_parser_internal.h"

namespace pylon::discord::json_internal {
namespace {

bool ReadImageHash(sj::value& v, ImageHash* out, ParseContext& ctx) {
  if (TakeNull(v)) {
    *out = ImageHash();
    return true;
  }
  std::string_view text;
  if (!ReadString(v, &text, ctx)) return false;
  out->Assign(text);
  return true;
}

bool ReadOverwrite(sj::value& v, Overwrite* out, ParseContext& ctx) {
  bool has_id = false;
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") {
        has_id = true;
        return ReadSnowflake(value, &out->id, ctx);
      }
      PYLON_JSON_KEY("type") {
        if (FirstChar(value) == '"') {  // API v6 wrote "role" / "member"
          std::string_view text;
          if (!ReadString(value, &text, ctx)) return false;
          if (text != "role" && text != "member") return ctx.Fail("invalid overwrite type");
          out->type = text == "member" ? 1 : 0;
          return true;
        }
        if (!ReadUint(value, &out->type, ctx)) return false;
        return out->type <= 1 || ctx.Fail("invalid overwrite type");
      }
      PYLON_JSON_KEY("allow") return ReadPermissions(value, &out->allow, ctx);
      PYLON_JSON_KEY("deny") return ReadPermissions(value, &out->deny, ctx);
    }
    return true;
  });
  return ok && (has_id || ctx.Fail("missing id"));
}

bool ParseRole(sj::value& v, Role* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &out->id, ctx);
      PYLON_JSON_KEY("name") return ReadStringOrNull(value, &out->name, ctx);
      PYLON_JSON_KEY("color") return ReadUint(value, &out->color, ctx);
      PYLON_JSON_KEY("position") return ReadInt(value, &out->position, ctx);
      PYLON_JSON_KEY("permissions") return ReadPermissions(value, &out->permissions, ctx);
      PYLON_JSON_KEY("hoist") return ReadBool(value, &out->hoist, ctx);
      PYLON_JSON_KEY("managed") return ReadBool(value, &out->managed, ctx);
      PYLON_JSON_KEY("mentionable") return ReadBool(value, &out->mentionable, ctx);
    }
    return true;
  });
  return ok && (!out->id.is_zero() || ctx.Fail("missing id"));
}

// A guild emoji (id required).
bool ParseEmoji(sj::value& v, Emoji* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &out->id, ctx);
      PYLON_JSON_KEY("name") return ReadStringOrNull(value, &out->name, ctx);
      PYLON_JSON_KEY("roles") {
        out->roles.Clear();
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { out->roles.push_back(id); });
      }
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) return true;
        User user;
        if (!ParseUser(value, &user, ctx)) return false;
        out->user = user.id;
        return true;
      }
      PYLON_JSON_KEY("animated") return ReadBool(value, &out->animated, ctx);
      PYLON_JSON_KEY("managed") return ReadBool(value, &out->managed, ctx);
      PYLON_JSON_KEY("require_colons") return ReadBool(value, &out->require_colons, ctx);
      PYLON_JSON_KEY("available") {
        if (TakeNull(value)) return true;  // keeps the default, available
        return ReadBool(value, &out->available, ctx);
      }
    }
    return true;
  });
  return ok && (!out->id.is_zero() || ctx.Fail("missing id"));
}

// ---- Lenient readers (presences) ---------------------------------------------------------------
// A value of another type is left unread (and skipped by the enclosing object).

bool TryString(sj::value& v, std::string* out) {
  if (FirstChar(v) != '"') return false;
  ParseContext ignored;
  return ReadString(v, out, ignored);
}

bool TryUint(sj::value& v, uint64_t* out) {
  if (!v.get_uint64().get(*out)) return true;
  double value = 0;  // some clients send floats (e.g. millisecond timestamps)
  if (v.get_double().get(value) || !(value >= 0) || value >= 18446744073709551616.0) return false;
  *out = static_cast<uint64_t>(value);
  return true;
}

template <typename T>
bool TryUint(sj::value& v, T* out) {
  uint64_t value = 0;
  if (!TryUint(v, &value) || value > std::numeric_limits<T>::max()) return false;
  *out = static_cast<T>(value);
  return true;
}

bool TryBool(sj::value& v, bool* out) { return !v.get_bool().get(*out); }

bool TrySnowflake(sj::value& v, uint64_t* out) {
  char c = FirstChar(v);
  if (c != '"' && (c < '0' || c > '9')) return false;
  ParseContext ignored;
  return ReadSnowflake(v, out, ignored);
}

bool TryStatus(sj::value& v, OnlineStatus* out) {
  std::string text;
  if (!TryString(v, &text)) return false;
  *out = ParseOnlineStatus(text);
  return true;
}

// Calls on_field for the fields of an object; anything else is skipped. JSON structure errors
// inside the object still fail.
template <typename F>
bool LenientFields(sj::value& v, ParseContext& ctx, F&& on_field) {
  if (FirstChar(v) != '{') return true;
  return ForEachField(v, ctx, std::forward<F>(on_field));
}

bool ParseActivity(sj::value& v, Activity* out, ParseContext& ctx) {
  return LenientFields(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("name") TryString(value, &out->name);
      break;
      PYLON_JSON_KEY("type") TryUint(value, &out->type);
      break;
      PYLON_JSON_KEY("url") TryString(value, &out->url);
      break;
      PYLON_JSON_KEY("created_at") {  // Unix milliseconds
        uint64_t ms;
        if (TryUint(value, &ms) && ms < (uint64_t{1} << 52)) {
          out->created_at = static_cast<TimestampUs>(ms) * 1000;
        }
        break;
      }
      PYLON_JSON_KEY("timestamps") {
        return LenientFields(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& t) {
          switch (hash) {
            PYLON_JSON_KEY("start") TryUint(t, &out->timestamp_start);
            break;
            PYLON_JSON_KEY("end") TryUint(t, &out->timestamp_end);
            break;
          }
          return true;
        });
      }
      PYLON_JSON_KEY("application_id") TrySnowflake(value, &out->application_id);
      break;
      PYLON_JSON_KEY("details") TryString(value, &out->details);
      break;
      PYLON_JSON_KEY("state") TryString(value, &out->state);
      break;
      PYLON_JSON_KEY("emoji") {
        if (FirstChar(value) != '{') break;
        out->has_emoji = true;
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& e) {
          switch (hash) {
            PYLON_JSON_KEY("name") TryString(e, &out->emoji_name);
            break;
            PYLON_JSON_KEY("id") TrySnowflake(e, &out->emoji_id);
            break;
            PYLON_JSON_KEY("animated") TryBool(e, &out->emoji_animated);
            break;
          }
          return true;
        });
      }
      PYLON_JSON_KEY("party") {
        if (FirstChar(value) != '{') break;
        out->has_party = true;
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& p) {
          switch (hash) {
            PYLON_JSON_KEY("id") TryString(p, &out->party_id);
            break;
            PYLON_JSON_KEY("size") {
              if (FirstChar(p) != '[') break;
              int index = 0;
              return ForEachElement(p, ctx, [&](sj::value& size) {
                if (index == 0) TryUint(size, &out->party_current);
                if (index == 1) TryUint(size, &out->party_max);
                ++index;
                return true;
              });
            }
          }
          return true;
        });
      }
      PYLON_JSON_KEY("assets") {
        if (FirstChar(value) != '{') break;
        out->has_assets = true;
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& a) {
          switch (hash) {
            PYLON_JSON_KEY("large_image") TryString(a, &out->large_image);
            break;
            PYLON_JSON_KEY("large_text") TryString(a, &out->large_text);
            break;
            PYLON_JSON_KEY("small_image") TryString(a, &out->small_image);
            break;
            PYLON_JSON_KEY("small_text") TryString(a, &out->small_text);
            break;
          }
          return true;
        });
      }
      PYLON_JSON_KEY("secrets") {
        if (FirstChar(value) != '{') break;
        out->has_secrets = true;
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& s) {
          switch (hash) {
            PYLON_JSON_KEY("join") TryString(s, &out->secret_join);
            break;
            PYLON_JSON_KEY("spectate") TryString(s, &out->secret_spectate);
            break;
            PYLON_JSON_KEY("match") TryString(s, &out->secret_match);
            break;
          }
          return true;
        });
      }
      PYLON_JSON_KEY("instance") TryBool(value, &out->instance);
      break;
      PYLON_JSON_KEY("flags") TryUint(value, &out->flags);
      break;
    }
    return true;
  });
}

// A presence (PRESENCE_UPDATE's d, or an element of GUILD_CREATE / GUILD_MEMBERS_CHUNK
// presences). `event` (may be null) gets the partial user's other fields and the guild id.
bool ParsePresence(sj::value& v, Presence* out, PresenceEvent* event, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("user") {
        if (FirstChar(value) != '{') break;  // no id then: reported below
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& u) {
          switch (hash) {
            PYLON_JSON_KEY("id") return ReadId(u, &out->user, ctx);
            PYLON_JSON_KEY("username") {
              std::string text;
              if (event && TryString(u, &text)) event->username = ShortString(text);
              break;
            }
            PYLON_JSON_KEY("avatar") {
              if (!event) break;
              std::string text;
              if (TakeNull(u)) {
                event->avatar = ImageHash();
              } else if (TryString(u, &text)) {
                event->avatar = ImageHash(text);
              }
              break;
            }
            PYLON_JSON_KEY("discriminator") {
              std::string text;
              uint64_t number = 0;
              if (event && TryString(u, &text) && text.size() <= 4 && ParseDecimal(text, &number)) {
                event->discriminator = static_cast<uint16_t>(number);
              }
              break;
            }
          }
          return true;
        });
      }
      PYLON_JSON_KEY("guild_id") {
        if (!event) break;
        return ReadId(value, &event->guild, ctx);
      }
      PYLON_JSON_KEY("status") TryStatus(value, &out->status);
      break;
      PYLON_JSON_KEY("client_status") {
        return LenientFields(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& s) {
          switch (hash) {
            PYLON_JSON_KEY("desktop") TryStatus(s, &out->desktop);
            break;
            PYLON_JSON_KEY("mobile") TryStatus(s, &out->mobile);
            break;
            PYLON_JSON_KEY("web") TryStatus(s, &out->web);
            break;
          }
          return true;
        });
      }
      PYLON_JSON_KEY("activities") {
        if (FirstChar(value) != '[') break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          if (FirstChar(element) != '{') return true;
          return ParseActivity(element, &out->activities.emplace_back(), ctx);
        });
      }
    }
    return true;
  });
  if (!ok) return false;
  if (out->user.is_zero()) return ctx.Fail("missing user.id");
  return true;
}

// A voice state. `guild` (may be null) gets guild_id; `member` (may be null: not parsed) the
// member when present.
bool ParseVoiceState(sj::value& v, VoiceState* out, GuildId* guild, std::optional<Member>* member,
                     ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") {
        if (!guild) break;
        return ReadId(value, guild, ctx);
      }
      PYLON_JSON_KEY("channel_id") return ReadId(value, &out->channel, ctx);
      PYLON_JSON_KEY("user_id") return ReadId(value, &out->user, ctx);
      PYLON_JSON_KEY("member") {
        if (!member || TakeNull(value)) break;
        return ParseMember(value, &member->emplace(), nullptr, ctx);
      }
      PYLON_JSON_KEY("session_id") return ReadStringOrNull(value, &out->session_id, ctx);
      PYLON_JSON_KEY("deaf") return ReadBool(value, &out->deaf, ctx);
      PYLON_JSON_KEY("mute") return ReadBool(value, &out->mute, ctx);
      PYLON_JSON_KEY("self_deaf") return ReadBool(value, &out->self_deaf, ctx);
      PYLON_JSON_KEY("self_mute") return ReadBool(value, &out->self_mute, ctx);
      PYLON_JSON_KEY("self_stream") return ReadBool(value, &out->self_stream, ctx);
      PYLON_JSON_KEY("self_video") return ReadBool(value, &out->self_video, ctx);
      PYLON_JSON_KEY("suppress") return ReadBool(value, &out->suppress, ctx);
      PYLON_JSON_KEY("request_to_speak_timestamp") {
        return ReadTimestamp(value, &out->request_to_speak, ctx);
      }
    }
    return true;
  });
  return ok && (!out->user.is_zero() || ctx.Fail("missing user_id"));
}

// The guild's own fields; with `extras`, also GUILD_CREATE's collections.
bool ParseGuild(sj::value& v, Guild* out, GuildCreateEvent* extras, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &out->id, ctx);
      PYLON_JSON_KEY("name") return ReadStringOrNull(value, &out->name, ctx);
      PYLON_JSON_KEY("icon") return ReadImageHash(value, &out->icon, ctx);
      PYLON_JSON_KEY("splash") return ReadImageHash(value, &out->splash, ctx);
      PYLON_JSON_KEY("discovery_splash") return ReadImageHash(value, &out->discovery_splash, ctx);
      PYLON_JSON_KEY("banner") return ReadImageHash(value, &out->banner, ctx);
      PYLON_JSON_KEY("region") return ReadStringOrNull(value, &out->region, ctx);
      PYLON_JSON_KEY("vanity_url_code") {
        return ReadStringOrNull(value, &out->vanity_url_code, &out->has_vanity_url_code, ctx);
      }
      PYLON_JSON_KEY("description") {
        return ReadStringOrNull(value, &out->description, &out->has_description, ctx);
      }
      PYLON_JSON_KEY("owner_id") return ReadId(value, &out->owner, ctx);
      PYLON_JSON_KEY("afk_channel_id") return ReadId(value, &out->afk_channel, ctx);
      PYLON_JSON_KEY("widget_channel_id") return ReadId(value, &out->widget_channel, ctx);
      PYLON_JSON_KEY("system_channel_id") return ReadId(value, &out->system_channel, ctx);
      PYLON_JSON_KEY("joined_at") return ReadTimestamp(value, &out->joined_at, ctx);
      PYLON_JSON_KEY("afk_timeout") return ReadUint(value, &out->afk_timeout, ctx);
      PYLON_JSON_KEY("member_count") return ReadUint(value, &out->member_count, ctx);
      PYLON_JSON_KEY("verification_level") return ReadUint(value, &out->verification_level, ctx);
      PYLON_JSON_KEY("default_message_notifications") {
        return ReadUint(value, &out->default_message_notifications, ctx);
      }
      PYLON_JSON_KEY("explicit_content_filter") {
        return ReadUint(value, &out->explicit_content_filter, ctx);
      }
      PYLON_JSON_KEY("mfa_level") return ReadUint(value, &out->mfa_level, ctx);
      PYLON_JSON_KEY("premium_tier") return ReadUint(value, &out->premium_tier, ctx);
      PYLON_JSON_KEY("premium_subscription_count") {
        return ReadUint(value, &out->premium_subscription_count, ctx);
      }
      PYLON_JSON_KEY("widget_enabled") return ReadBool(value, &out->widget_enabled, ctx);
      PYLON_JSON_KEY("unavailable") return ReadBool(value, &out->unavailable, ctx);
      PYLON_JSON_KEY("features") {
        out->features.clear();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ReadString(element, &out->features.emplace_back(), ctx);
        });
      }
      PYLON_JSON_KEY("large") {
        if (!extras) break;
        return ReadBool(value, &extras->large, ctx);
      }
      PYLON_JSON_KEY("roles") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseRole(element, &extras->roles.emplace_back(), ctx);
        });
      }
      PYLON_JSON_KEY("emojis") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseEmoji(element, &extras->emojis.emplace_back(), ctx);
        });
      }
      PYLON_JSON_KEY("channels") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseChannel(element, &extras->channels.emplace_back(), ctx);
        });
      }
      PYLON_JSON_KEY("threads") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseChannel(element, &extras->threads.emplace_back(), ctx);
        });
      }
      PYLON_JSON_KEY("members") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          Member& member = extras->members.emplace_back();
          if (!ParseMember(element, &member, nullptr, ctx)) return false;
          return member.has_user || ctx.Fail("missing user");
        });
      }
      PYLON_JSON_KEY("presences") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParsePresence(element, &extras->presences.emplace_back(), nullptr, ctx);
        });
      }
      PYLON_JSON_KEY("voice_states") {
        if (!extras) break;
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseVoiceState(element, &extras->voice_states.emplace_back(), nullptr, nullptr,
                                 ctx);
        });
      }
    }
    return true;
  });
  return ok && (!out->id.is_zero() || ctx.Fail("missing id"));
}

void FillGuild(std::vector<Channel>& channels, GuildId guild) {
  for (Channel& channel : channels) {
    if (channel.guild.is_zero()) channel.guild = guild;
  }
}

}  // namespace

bool ParseUser(sj::value& v, User* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &out->id, ctx);
      PYLON_JSON_KEY("username") return ReadStringOrNull(value, &out->username, ctx);
      PYLON_JSON_KEY("avatar") return ReadImageHash(value, &out->avatar, ctx);
      PYLON_JSON_KEY("discriminator") return ReadDiscriminator(value, &out->discriminator, ctx);
      PYLON_JSON_KEY("bot") return ReadBool(value, &out->bot, ctx);
    }
    return true;
  });
  return ok && (!out->id.is_zero() || ctx.Fail("missing id"));
}

bool ParseMember(sj::value& v, Member* out, GuildId* guild, ParseContext& ctx) {
  return ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("user") {
        if (TakeNull(value)) break;
        out->has_user = true;
        return ParseUser(value, &out->user, ctx);
      }
      PYLON_JSON_KEY("nick") return ReadStringOrNull(value, &out->nick, ctx);
      PYLON_JSON_KEY("roles") {
        out->roles.Clear();
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { out->roles.push_back(id); });
      }
      PYLON_JSON_KEY("joined_at") return ReadTimestamp(value, &out->joined_at, ctx);
      PYLON_JSON_KEY("premium_since") return ReadTimestamp(value, &out->premium_since, ctx);
      PYLON_JSON_KEY("communication_disabled_until") {
        return ReadTimestamp(value, &out->communication_disabled_until, ctx);
      }
      PYLON_JSON_KEY("flags") return ReadUint(value, &out->flags, ctx);
      PYLON_JSON_KEY("pending") return ReadBool(value, &out->pending, ctx);
      PYLON_JSON_KEY("deaf") return ReadBool(value, &out->deaf, ctx);
      PYLON_JSON_KEY("mute") return ReadBool(value, &out->mute, ctx);
      PYLON_JSON_KEY("guild_id") {
        if (!guild) break;
        return ReadId(value, guild, ctx);
      }
    }
    return true;
  });
}

bool ParseChannel(sj::value& v, Channel* out, ParseContext& ctx) {
  bool ok = ForEachField(v, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &out->id, ctx);
      PYLON_JSON_KEY("guild_id") return ReadId(value, &out->guild, ctx);
      PYLON_JSON_KEY("type") {
        uint8_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        out->type = static_cast<ChannelType>(type);
        return true;
      }
      PYLON_JSON_KEY("name") return ReadStringOrNull(value, &out->name, ctx);
      PYLON_JSON_KEY("topic") return ReadStringOrNull(value, &out->topic, &out->has_topic, ctx);
      PYLON_JSON_KEY("nsfw") return ReadBool(value, &out->nsfw, ctx);
      PYLON_JSON_KEY("position") return ReadInt(value, &out->position, ctx);
      PYLON_JSON_KEY("bitrate") return ReadUint(value, &out->bitrate, ctx);
      PYLON_JSON_KEY("user_limit") return ReadUint(value, &out->user_limit, ctx);
      PYLON_JSON_KEY("rate_limit_per_user") return ReadUint(value, &out->rate_limit_per_user, ctx);
      PYLON_JSON_KEY("parent_id") return ReadId(value, &out->parent, ctx);
      PYLON_JSON_KEY("permission_overwrites") {
        out->overwrites.clear();
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ReadOverwrite(element, &out->overwrites.emplace_back(), ctx);
        });
      }
    }
    return true;
  });
  return ok && (!out->id.is_zero() || ctx.Fail("missing id"));
}

bool ParseReadyEvent(sj::value& d, ReadyEvent* event, ParseContext& ctx) {
  *event = ReadyEvent();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("user") return ParseUser(value, &event->user, ctx);
      PYLON_JSON_KEY("session_id") return ReadString(value, &event->session_id, ctx);
      PYLON_JSON_KEY("resume_gateway_url") {
        return ReadStringOrNull(value, &event->resume_gateway_url, ctx);
      }
      PYLON_JSON_KEY("guilds") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          GuildId id;
          bool fields =
              ForEachField(element, ctx, [&](std::string_view key, uint64_t hash, sj::value& g) {
                switch (hash) { PYLON_JSON_KEY("id") return ReadId(g, &id, ctx); }
                return true;
              });
          if (!fields) return false;
          if (id.is_zero()) return ctx.Fail("missing id");
          event->guilds.push_back(id);
          return true;
        });
      }
      PYLON_JSON_KEY("shard") {
        if (TakeNull(value)) break;
        uint32_t shard[2] = {0, 0};
        size_t count = 0;
        bool read = ForEachElement(value, ctx, [&](sj::value& element) {
          if (count >= 2) return ctx.Fail("expected [shard_id, num_shards]");
          return ReadUint(element, &shard[count++], ctx);
        });
        if (!read) return false;
        if (count != 2) return ctx.Fail("expected [shard_id, num_shards]");
        event->shard.emplace(shard[0], shard[1]);
        return true;
      }
      PYLON_JSON_KEY("application") {
        return ForEachField(value, ctx, [&](std::string_view key, uint64_t hash, sj::value& a) {
          switch (hash) { PYLON_JSON_KEY("id") return ReadId(a, &event->application, ctx); }
          return true;
        });
      }
    }
    return true;
  });
  if (!ok) return false;
  if (event->user.id.is_zero()) return ctx.Fail("missing user");
  if (event->session_id.empty()) return ctx.Fail("missing session_id");
  return true;
}

bool ParseGuildCreateEvent(sj::value& d, GuildCreateEvent* event, ParseContext& ctx) {
  event->guild = Guild();
  event->roles.clear();
  event->emojis.clear();
  event->channels.clear();
  event->threads.clear();
  event->members.clear();
  event->presences.clear();
  event->voice_states.clear();
  event->large = false;
  if (!ParseGuild(d, &event->guild, event, ctx)) return false;
  FillGuild(event->channels, event->guild.id);
  FillGuild(event->threads, event->guild.id);
  return true;
}

bool ParseGuildUpdateEvent(sj::value& d, GuildUpdateEvent* event, ParseContext& ctx) {
  event->guild = Guild();
  return ParseGuild(d, &event->guild, nullptr, ctx);
}

bool ParseGuildDeleteEvent(sj::value& d, GuildDeleteEvent* event, ParseContext& ctx) {
  *event = GuildDeleteEvent();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("unavailable") return ReadBool(value, &event->unavailable, ctx);
    }
    return true;
  });
  return ok && (!event->guild.is_zero() || ctx.Fail("missing id"));
}

bool ParseRoleEvent(sj::value& d, RoleEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->role = Role();
  bool has_role = false;
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("role") {
        has_role = true;
        return ParseRole(value, &event->role, ctx);
      }
    }
    return true;
  });
  if (!ok) return false;
  if (event->guild.is_zero()) return ctx.Fail("missing guild_id");
  return has_role || ctx.Fail("missing role");
}

bool ParseRoleDeleteEvent(sj::value& d, RoleDeleteEvent* event, ParseContext& ctx) {
  *event = RoleDeleteEvent();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("role_id") return ReadId(value, &event->role, ctx);
    }
    return true;
  });
  if (!ok) return false;
  if (event->guild.is_zero()) return ctx.Fail("missing guild_id");
  return !event->role.is_zero() || ctx.Fail("missing role_id");
}

bool ParseChannelEvent(sj::value& d, ChannelEvent* event, ParseContext& ctx) {
  event->channel = Channel();
  return ParseChannel(d, &event->channel, ctx);
}

bool ParseThreadDeleteEvent(sj::value& d, ThreadDeleteEvent* event, ParseContext& ctx) {
  *event = ThreadDeleteEvent();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("id") return ReadId(value, &event->id, ctx);
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("parent_id") return ReadId(value, &event->parent, ctx);
      PYLON_JSON_KEY("type") {
        uint8_t type = 0;
        if (!ReadUint(value, &type, ctx)) return false;
        event->type = static_cast<ChannelType>(type);
        return true;
      }
    }
    return true;
  });
  return ok && (!event->id.is_zero() || ctx.Fail("missing id"));
}

bool ParseThreadListSyncEvent(sj::value& d, ThreadListSyncEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->has_channel_ids = false;
  event->channel_ids.clear();
  event->threads.clear();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("channel_ids") {
        if (TakeNull(value)) break;
        event->has_channel_ids = true;
        return ReadSnowflakes(value, ctx,
                              [&](uint64_t id) { event->channel_ids.emplace_back(id); });
      }
      PYLON_JSON_KEY("threads") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseChannel(element, &event->threads.emplace_back(), ctx);
        });
      }
    }
    return true;
  });
  if (!ok) return false;
  if (event->guild.is_zero()) return ctx.Fail("missing guild_id");
  FillGuild(event->threads, event->guild);
  return true;
}

bool ParseMemberEvent(sj::value& d, MemberEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->member = Member();
  if (!ParseMember(d, &event->member, &event->guild, ctx)) return false;
  if (event->guild.is_zero()) return ctx.Fail("missing guild_id");
  if (!event->member.has_user) return ctx.Fail("missing user");
  return true;
}

bool ParseMemberRemoveEvent(sj::value& d, MemberRemoveEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->user = User();
  bool has_user = false;
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("user") {
        has_user = true;
        return ParseUser(value, &event->user, ctx);
      }
    }
    return true;
  });
  if (!ok) return false;
  if (event->guild.is_zero()) return ctx.Fail("missing guild_id");
  return has_user || ctx.Fail("missing user");
}

bool ParseMembersChunkEvent(sj::value& d, MembersChunkEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->members.clear();
  event->presences.clear();
  event->chunk_index = 0;
  event->chunk_count = 0;
  event->not_found.clear();
  event->nonce.clear();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("members") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          Member& member = event->members.emplace_back();
          if (!ParseMember(element, &member, nullptr, ctx)) return false;
          return member.has_user || ctx.Fail("missing user");
        });
      }
      PYLON_JSON_KEY("presences") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParsePresence(element, &event->presences.emplace_back(), nullptr, ctx);
        });
      }
      PYLON_JSON_KEY("chunk_index") return ReadUint(value, &event->chunk_index, ctx);
      PYLON_JSON_KEY("chunk_count") return ReadUint(value, &event->chunk_count, ctx);
      PYLON_JSON_KEY("not_found") {
        return ReadSnowflakes(value, ctx, [&](uint64_t id) { event->not_found.emplace_back(id); });
      }
      PYLON_JSON_KEY("nonce") return ReadStringOrNull(value, &event->nonce, ctx);
    }
    return true;
  });
  return ok && (!event->guild.is_zero() || ctx.Fail("missing guild_id"));
}

bool ParsePresenceEvent(sj::value& d, PresenceEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  std::vector<Activity> activities = std::move(event->presence.activities);  // keeps capacity
  activities.clear();
  event->presence = Presence();
  event->presence.activities = std::move(activities);
  event->username.reset();
  event->avatar.reset();
  event->discriminator.reset();
  if (!ParsePresence(d, &event->presence, event, ctx)) return false;
  return !event->guild.is_zero() || ctx.Fail("missing guild_id");
}

bool ParseVoiceStateEvent(sj::value& d, VoiceStateEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->state = VoiceState();
  event->member.reset();
  return ParseVoiceState(d, &event->state, &event->guild, &event->member, ctx);
}

bool ParseEmojisUpdateEvent(sj::value& d, EmojisUpdateEvent* event, ParseContext& ctx) {
  event->guild = GuildId();
  event->emojis.clear();
  bool ok = ForEachField(d, ctx, [&](std::string_view key, uint64_t hash, sj::value& value) {
    switch (hash) {
      PYLON_JSON_KEY("guild_id") return ReadId(value, &event->guild, ctx);
      PYLON_JSON_KEY("emojis") {
        return ForEachElement(value, ctx, [&](sj::value& element) {
          return ParseEmoji(element, &event->emojis.emplace_back(), ctx);
        });
      }
    }
    return true;
  });
  return ok && (!event->guild.is_zero() || ctx.Fail("missing guild_id"));
}

bool ParseUserUpdateEvent(sj::value& d, UserUpdateEvent* event, ParseContext& ctx) {
  event->user = User();
  return ParseUser(d, &event->user, ctx);
}

}  // namespace pylon::discord::json_internal
