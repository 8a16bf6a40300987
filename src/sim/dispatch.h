// Copyright 2026 The Pylon Gateway Authors.
// What the World emits when it changes: one Dispatch per gateway event, rendered once for all
// bots, with enough metadata for the gateway layer to decide, per bot session, whether to send it
// and which payload variant to send.
//
// Design choice (see README.md): the World renders each event ONCE, with message content, and
// records the byte ranges of the content fields. A session whose bot lacks MESSAGE_CONTENT (and is
// not exempt: author, mentioned) gets a copy with those ranges replaced by empty values
// (PayloadFor). Intent, target-bot and permission filtering are answered by
// World::ShouldDeliver, which the gateway layer calls synchronously inside EventSink::Emit (the
// World is then in the state right after the change). GUILD_CREATE on a bot join is emitted with
// `per_bot_render` set and an empty payload: the session renders it with
// World::RenderGuildCreate and its own BotView (intents, large_threshold).

#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/ids.h"
#include "sim/world_types.h"

namespace pylon::sim {

// What one bot session asked for in its Identify.
struct BotView {
  uint64_t intents = 0;
  uint32_t large_threshold = 50;  // 50..250
  UserId user;                    // the bot's user id

  bool Has(int intent_bit) const { return (intents >> intent_bit) & 1; }
};

// A byte range of a Dispatch payload holding a content field's value, and what it becomes when
// the bot may not see content: `empty` is "\"\"" for strings, "[]" for arrays.
struct ContentSpan {
  uint32_t begin = 0;
  uint32_t end = 0;
  std::string_view empty;
};

inline constexpr int32_t kAlwaysSent = -1;

// One gateway dispatch (op 0) as the World produced it. Passed to EventSink::Emit by const
// reference and valid only during that call: the World reuses the object (and its buffers).
struct Dispatch {
  GuildId guild;                     // 0: not guild-scoped (shard 0 only)
  std::string_view name;             // "MESSAGE_CREATE"; points to a string literal
  std::string json;                  // the `d` payload, rendered with full content
  int32_t intent_bit = kAlwaysSent;  // the intent gating the event, or kAlwaysSent
  // Sent to this user's bot even without the intent (GUILD_MEMBER_UPDATE of the bot's own member).
  UserId also_for_user;
  // When set, only this user's bot gets the event (GUILD_CREATE on join, GUILD_DELETE on leave).
  UserId only_for_user;
  // When non-zero, only bots holding at least one of these permissions get the event (invites:
  // MANAGE_CHANNELS on `permission_channel`; bans: BAN_MEMBERS or VIEW_AUDIT_LOG in the guild).
  uint64_t required_permissions = 0;
  ChannelId permission_channel;
  // The payload has content fields (content, embeds) that MESSAGE_CONTENT gates; `content_spans`
  // locate them and `content_exempt_users` (author, mentioned users) always see them.
  bool needs_message_content = false;
  std::vector<ContentSpan> content_spans;
  std::vector<UserId> content_exempt_users;
  // The payload depends on the bot's view (GUILD_CREATE): `json` is empty; render it with
  // World::RenderGuildCreate(guild, view).
  bool per_bot_render = false;

  // Intent and target checks only (no permission check; see World::ShouldDeliver).
  bool IntentAllows(const BotView& view) const {
    if (!only_for_user.is_zero() && only_for_user != view.user) return false;
    if (intent_bit == kAlwaysSent || view.Has(intent_bit)) return true;
    return !also_for_user.is_zero() && also_for_user == view.user;
  }

  // Whether `view` gets the content fields as they are.
  bool ContentVisibleTo(const BotView& view) const {
    if (!needs_message_content || view.Has(intent::kMessageContent) || guild.is_zero()) {
      return true;
    }
    for (UserId user : content_exempt_users) {
      if (user == view.user) return true;
    }
    return false;
  }

  // The payload for `view`: `json` itself, or a copy in `*scratch` with the content fields
  // emptied. The result points into `json` or `*scratch`.
  std::string_view PayloadFor(const BotView& view, std::string* scratch) const {
    if (ContentVisibleTo(view) || content_spans.empty()) return json;
    scratch->clear();
    size_t at = 0;
    for (const ContentSpan& span : content_spans) {
      scratch->append(json, at, span.begin - at);
      scratch->append(span.empty);
      at = span.end;
    }
    scratch->append(json, at, std::string::npos);
    return *scratch;
  }

  void Reset() {
    guild = GuildId();
    name = {};
    json.clear();
    intent_bit = kAlwaysSent;
    also_for_user = UserId();
    only_for_user = UserId();
    required_permissions = 0;
    permission_channel = ChannelId();
    needs_message_content = false;
    content_spans.clear();
    content_exempt_users.clear();
    per_bot_render = false;
  }
};

// Receives every dispatch the World emits, synchronously, on the World's thread.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void Emit(const Dispatch& dispatch) = 0;
};

// Keeps a copy of every dispatch (tests, the admin API's "last events"). Single thread.
class RecordingSink final : public EventSink {
 public:
  void Emit(const Dispatch& dispatch) override { dispatches_.push_back(dispatch); }
  const std::vector<Dispatch>& dispatches() const { return dispatches_; }
  std::vector<Dispatch>& dispatches() { return dispatches_; }
  void Clear() { dispatches_.clear(); }

 private:
  std::vector<Dispatch> dispatches_;
};

}  // namespace pylon::sim
