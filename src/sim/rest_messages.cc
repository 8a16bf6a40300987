// Copyright 2026 The Pylon Gateway Authors.
// Messages, reactions, pins and typing (GatewayRest: GetChannelMessages, GetChannelMessage,
// CreateMessage, CrosspostMessage, the five reaction methods, EditMessage, DeleteMessage,
// BulkDeleteMessages, TriggerTypingIndicator, the three pin methods).

#include <algorithm>

#include "base/json_writer.h"
#include "sim/rest_internal.h"

namespace pylon::sim::rest_internal {
namespace {

constexpr int64_t kFourteenDaysMs = 14 * int64_t{86400000};

// A JSON array joined from two (either may be empty).
std::string JoinArrays(const std::string& a, const std::string& b) {
  auto inner = [](const std::string& s) {
    return s.size() >= 2 ? std::string_view(s).substr(1, s.size() - 2) : std::string_view();
  };
  std::string_view x = inner(a), y = inner(b);
  if (x.empty() && y.empty()) return "";
  std::string out = "[";
  out += x;
  if (!x.empty() && !y.empty()) out += ',';
  out += y;
  out += ']';
  return out;
}

// The attachments of `json` whose id is in `keep`.
std::string KeepAttachments(const std::string& json, const std::vector<uint64_t>& keep) {
  if (json.empty()) return "";
  dom::parser parser;
  dom::array array;
  if (parser.parse(json).get_array().get(array) != simdjson::SUCCESS) return "";
  std::string out = "[";
  bool first = true;
  for (dom::element e : array) {
    dom::element id_element;
    if (e["id"].get(id_element) != simdjson::SUCCESS) continue;
    auto id = ElementId(id_element);
    if (!id || std::find(keep.begin(), keep.end(), *id) == keep.end()) continue;
    if (!first) out += ',';
    out += simdjson::minify(e);
    first = false;
  }
  out += ']';
  return first ? "" : out;
}

bool MentionsEveryone(std::string_view content) {
  return content.find("@everyone") != std::string_view::npos ||
         content.find("@here") != std::string_view::npos;
}

}  // namespace

// ---- Reading ----

Reply RestCore::GetMessages(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, /*allow_dm=*/true)) return *e;
  FormErrors errors;
  auto limit = QueryInt(c.query, "limit", 1, 100, 50, &errors);
  auto around = QueryId(c.query, "around", &errors);
  auto before = QueryId(c.query, "before", &errors);
  auto after = QueryId(c.query, "after", &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  if (a.dm) {
    std::vector<const LooseMessage*> picked;
    for (auto it = a.dm->messages.rbegin(); it != a.dm->messages.rend(); ++it) {
      if (*before && it->id.value() >= *before) continue;
      if (*after && it->id.value() <= *after) continue;
      if (picked.size() < static_cast<size_t>(*limit)) picked.push_back(&*it);
    }
    for (const LooseMessage* m : picked) WriteLooseMessage(w, *m);
    w.EndArray();
    return JsonReply(200, std::move(out));
  }
  if (!(a.perms & permission::kReadMessageHistory)) {
    w.EndArray();
    return JsonReply(200, std::move(out));  // Discord answers [] without READ_MESSAGE_HISTORY
  }
  const MessageRing& ring = a.channel->messages;
  // Indexes (oldest first) of the messages to return, then written newest first.
  size_t n = ring.size(), lo = 0, hi = n;  // [lo, hi)
  const size_t want = static_cast<size_t>(*limit);
  auto first_at_least = [&](uint64_t id) {
    size_t i = 0;
    while (i < n && ring.at(i).id.value() < id) ++i;
    return i;
  };
  if (*around) {
    size_t mid = first_at_least(*around);
    size_t half = want / 2;
    lo = mid >= half ? mid - half : 0;
    hi = std::min(n, lo + want);
  } else if (*before) {
    hi = first_at_least(*before);
    lo = hi >= want ? hi - want : 0;
  } else if (*after) {
    lo = first_at_least(*after + 1);
    hi = std::min(n, lo + want);
  } else {
    lo = n >= want ? n - want : 0;
  }
  for (size_t i = hi; i-- > lo;) WriteMessage(w, *a.guild, *a.channel, ring.at(i), *c.bot);
  w.EndArray();
  return JsonReply(200, std::move(out));
}

Reply RestCore::GetMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, true)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (a.dm) {
    for (const LooseMessage& m : a.dm->messages) {
      if (m.id.value() == *id) return JsonReply(200, RenderLooseMessage(m));
    }
    return ErrorReply(404, kUnknownMessage, "Unknown Message");
  }
  if (!(a.perms & permission::kReadMessageHistory)) return MissingAccess();
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (!m) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  return JsonReply(200, RenderMessage(*a.guild, *a.channel, *m, *c.bot));
}

// ---- Creating, editing, deleting ----

Reply RestCore::CreateMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, true)) return *e;
  FormErrors errors;
  Fields f(c.body, &errors);
  MessageBody body;
  ParseMessageBody(f, c.version, &body);
  if (!errors.empty()) return FormErrorReply(errors);
  if (auto e = CheckFiles(c.files)) return *e;
  const std::string content = body.content.value_or("");
  const bool has_embeds = body.embeds && !body.embeds->empty();
  if (content.empty() && !has_embeds && c.files.empty() && !body.has_stickers &&
      !body.has_components) {
    return ErrorReply(400, 50006, "Cannot send an empty message");
  }
  if (a.dm) return CreateDmMessage(c, *a.dm, body);

  const Channel& channel = *a.channel;
  const bool thread = IsThread(channel.type);
  const uint64_t send = thread ? permission::kSendMessagesInThreads : permission::kSendMessages;
  if (!(a.perms & send)) return MissingPermissions();
  if (thread && channel.thread.locked && !(a.perms & permission::kManageThreads)) {
    return ErrorReply(403, 160005, "Thread is locked");
  }
  if (has_embeds && !(a.perms & permission::kEmbedLinks)) return MissingPermissions();
  if (!c.files.empty() && !(a.perms & perm::kAttachFiles)) return MissingPermissions();
  MessageSpec spec;
  if (!body.reply_to.is_zero()) {
    if (!(a.perms & permission::kReadMessageHistory)) return MissingPermissions();
    const Message* replied = world_.FindMessage(channel.id, body.reply_to);
    if (replied == nullptr) {
      if (body.fail_if_not_exists) {
        FormErrors e;
        e.Add({"message_reference"}, "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message");
        return FormErrorReply(e);
      }
    } else {
      spec.reply_to = body.reply_to;
      if (!body.allowed_mentions) spec.mentions.push_back(world_.user(replied->author).id);
    }
  }
  spec.content = content;
  if (body.embeds) spec.embeds = *body.embeds;
  spec.tts = body.tts && (a.perms & perm::kSendTts);
  spec.nonce = body.nonce;
  for (UserId user : ParseMentions(content, body.allowed_mentions)) {
    if (std::find(spec.mentions.begin(), spec.mentions.end(), user) == spec.mentions.end()) {
      spec.mentions.push_back(user);
    }
  }
  spec.mention_everyone = MentionsEveryone(content) &&
                          (!body.allowed_mentions || body.allowed_mentions->everyone) &&
                          (a.perms & permission::kMentionEveryone);
  std::string attachments = RenderAttachments(channel.id, c.files);
  auto id = CreateWorldMessage(channel.id, c.bot->id, spec, attachments);
  if (!id.ok()) return FromStatus(id.error());
  const Message* m = world_.FindMessage(channel.id, *id);
  if (m == nullptr) return ErrorReply(500, 0, "500: Internal Server Error");  // message_depth 0
  return JsonReply(200, RenderMessage(*a.guild, channel, *m, *c.bot));
}

Reply RestCore::CreateDmMessage(Call& c, DmChannel& dm, const MessageBody& body) {
  const User* recipient = world_.FindUser(dm.recipient);
  bool shares_guild = false;
  if (recipient && !recipient->bot) {
    for (GuildId g : c.bot->guilds) {
      const Guild* guild = world_.FindGuild(g);
      if (guild && guild->FindMember(dm.recipient)) {
        shares_guild = true;
        break;
      }
    }
  }
  if (!shares_guild) return ErrorReply(403, 50007, "Cannot send messages to this user");
  if (body.content.value_or("").empty() && (!body.embeds || body.embeds->empty()) &&
      c.files.empty()) {
    return ErrorReply(400, 50006, "Cannot send an empty message");
  }
  LooseMessage m;
  m.id = MessageId(dm_message_ids_.Next(world_.NowMs()));
  m.channel = dm.id;
  m.author = c.bot->id;
  m.content = body.content.value_or("");
  if (body.embeds) m.embeds = *body.embeds;
  m.attachments_json = RenderAttachments(dm.id, c.files);
  m.tts = body.tts;
  m.flags = body.flags.value_or(0);
  dm.messages.push_back(m);
  while (dm.messages.size() > std::max<uint32_t>(1, options_.dm_message_depth)) {
    dm.messages.pop_front();
  }
  dm.last_message_id = m.id;
  std::string json = RenderLooseMessage(m);
  Emit(GuildId(), "MESSAGE_CREATE", intent::kDirectMessages, c.bot->id, json);
  return JsonReply(200, std::move(json));
}

Reply RestCore::EditMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, true)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  FormErrors errors;
  Fields f(c.body, &errors);
  MessageBody body;
  ParseMessageBody(f, c.version, &body);
  if (!errors.empty()) return FormErrorReply(errors);
  if (auto e = CheckFiles(c.files)) return *e;
  if (a.dm) {
    for (LooseMessage& m : a.dm->messages) {
      if (m.id.value() != *id) continue;
      if (m.author != c.bot->id) {
        return ErrorReply(403, 50005, "Cannot edit a message authored by another user");
      }
      if (body.content) m.content = *body.content;
      if (body.embeds) m.embeds = *body.embeds;
      m.edited_ms = world_.NowMs();
      std::string json = RenderLooseMessage(m);
      Emit(GuildId(), "MESSAGE_UPDATE", intent::kDirectMessages, c.bot->id, json);
      return JsonReply(200, std::move(json));
    }
    return ErrorReply(404, kUnknownMessage, "Unknown Message");
  }
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  if (world_.user(m->author).id != c.bot->id) {
    return ErrorReply(403, 50005, "Cannot edit a message authored by another user");
  }
  if (body.embeds && !body.embeds->empty() && !(a.perms & permission::kEmbedLinks)) {
    return MissingPermissions();
  }
  MessageEdit edit;
  edit.content = body.content;
  edit.embeds = body.embeds;
  std::optional<std::string> attachments;
  if (body.keep_attachments || !c.files.empty()) {
    const std::string* current = AttachmentsOf(m->id);
    std::string kept = current == nullptr ? "" : *current;
    if (body.keep_attachments) kept = KeepAttachments(kept, *body.keep_attachments);
    attachments = JoinArrays(kept, RenderAttachments(a.channel->id, c.files));
  }
  Status status = EditWorldMessage(a.channel->id, MessageId(*id), edit, attachments);
  if (!status.ok()) return FromStatus(status.error());
  m = world_.FindMessage(a.channel->id, MessageId(*id));
  return JsonReply(200, RenderMessage(*a.guild, *a.channel, *m, *c.bot));
}

Reply RestCore::DeleteMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, true)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (a.dm) {
    auto it = std::find_if(a.dm->messages.begin(), a.dm->messages.end(),
                           [&](const LooseMessage& m) { return m.id.value() == *id; });
    if (it == a.dm->messages.end()) return ErrorReply(404, kUnknownMessage, "Unknown Message");
    if (it->author != c.bot->id) return MissingPermissions();
    a.dm->messages.erase(it);
    std::string json;
    JsonWriter(&json).BeginObject().Key("id").Id(*id).Key("channel_id").Id(a.dm->id).EndObject();
    Emit(GuildId(), "MESSAGE_DELETE", intent::kDirectMessages, c.bot->id, std::move(json));
    return NoContent();
  }
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  if (world_.user(m->author).id != c.bot->id && !(a.perms & permission::kManageMessages)) {
    return MissingPermissions();
  }
  Status status = world_.DeleteMessage(a.channel->id, MessageId(*id));
  if (!status.ok()) return FromStatus(status.error());
  SetAttachments(MessageId(*id), "");
  crossposted_.erase(*id);
  return NoContent();
}

Reply RestCore::BulkDeleteMessages(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  if (!(a.perms & permission::kManageMessages)) return MissingPermissions();
  FormErrors errors;
  Fields f(c.body, &errors);
  f.Require("messages");
  auto array = f.Array("messages", SIZE_MAX);
  if (!errors.empty()) return FormErrorReply(errors);
  if (array->size() < 2 || array->size() > 100) {
    return ErrorReply(400, 50016,
                      "Provided too few or too many messages to delete. Must provide at least 2 "
                      "and fewer than 100 messages to delete.");
  }
  auto ids = f.IdList("messages", 100);
  if (!errors.empty()) return FormErrorReply(errors);
  const int64_t oldest = world_.NowMs() - kFourteenDaysMs;
  std::vector<MessageId> known;
  for (uint64_t raw : *ids) {
    MessageId id(raw);
    if (id.timestamp_ms() < oldest) {
      return ErrorReply(400, 50034,
                        "You can only bulk delete messages that are under 14 days old.");
    }
    // Unknown and repeated ids are ignored, as Discord does.
    if (world_.FindMessage(a.channel->id, id) &&
        std::find(known.begin(), known.end(), id) == known.end()) {
      known.push_back(id);
    }
  }
  Status status;
  if (known.size() >= 2) {
    status = world_.BulkDeleteMessages(a.channel->id, known);
  } else if (known.size() == 1) {
    status = world_.DeleteMessage(a.channel->id, known[0]);
  }
  if (!status.ok()) return FromStatus(status.error());
  for (MessageId id : known) SetAttachments(id, "");
  return NoContent();
}

Reply RestCore::CrosspostMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (a.channel->type != ChannelType::kAnnouncement) {
    return ErrorReply(400, 50024, "Cannot execute action on this channel type");
  }
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  const bool own = world_.user(m->author).id == c.bot->id;
  if (!(a.perms & (own ? permission::kSendMessages : permission::kManageMessages))) {
    return MissingPermissions();
  }
  if (crossposted_.count(*id)) {
    return ErrorReply(400, 40033, "This message has already been crossposted.");
  }
  crossposted_[*id] = true;
  return JsonReply(200, RenderMessage(*a.guild, *a.channel, *m, *c.bot));
}

// ---- Reactions ----

namespace {

// The emoji of a reaction route: a Unicode emoji or "name:id" (URL-decoded already). Custom
// emojis must exist in the channel's guild, or in another guild of the bot with
// USE_EXTERNAL_EMOJIS.
std::optional<Reply> ParseReactionEmoji(const World& world, const Bot& bot, const Guild& guild,
                                        uint64_t perms, std::string_view text, ReactionEmoji* out) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    bool ascii = !text.empty() && std::all_of(text.begin(), text.end(), [](char ch) {
      return static_cast<unsigned char>(ch) < 0x80;
    });
    if (text.empty() || ascii) return ErrorReply(400, kUnknownEmoji, "Unknown Emoji");
    out->name = std::string(text);
    return std::nullopt;
  }
  auto id = Snowflake::Parse(text.substr(colon + 1));
  if (!id.ok()) return ErrorReply(400, kUnknownEmoji, "Unknown Emoji");
  const Emoji* emoji = guild.FindEmoji(EmojiId(id->value()));
  if (emoji == nullptr && (perms & perm::kUseExternalEmojis)) {
    for (GuildId g : bot.guilds) {
      const Guild* other = world.FindGuild(g);
      if (other && (emoji = other->FindEmoji(EmojiId(id->value())))) break;
    }
  }
  if (emoji == nullptr) return ErrorReply(400, kUnknownEmoji, "Unknown Emoji");
  out->id = emoji->id;
  out->name = emoji->name;
  out->animated = emoji->animated;
  return std::nullopt;
}

bool SameEmoji(const ReactionEmoji& a, const ReactionEmoji& b) {
  return a.id.is_zero() ? b.id.is_zero() && a.name == b.name : a.id == b.id;
}

}  // namespace

Reply RestCore::AddReaction(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & permission::kReadMessageHistory)) return MissingPermissions();
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  ReactionEmoji emoji;
  if (auto e = ParseReactionEmoji(world_, *c.bot, *a.guild, a.perms, c.params[2], &emoji))
    return *e;
  bool exists = std::any_of(m->reactions.begin(), m->reactions.end(),
                            [&](const Reaction& r) { return SameEmoji(r.emoji, emoji); });
  if (!exists && !(a.perms & permission::kAddReactions)) return MissingPermissions();
  Status status = world_.AddReaction(a.channel->id, MessageId(*id), c.bot->id, emoji);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveOwnReaction(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  ReactionEmoji emoji;
  if (auto e = ParseReactionEmoji(world_, *c.bot, *a.guild, a.perms, c.params[2], &emoji))
    return *e;
  Status status = world_.RemoveReaction(a.channel->id, MessageId(*id), c.bot->id, emoji);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveUserReaction(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  auto user = IdParam(c, 3, &error);
  if (!user) return error;
  if (UserId(*user) != c.bot->id && !(a.perms & permission::kManageMessages)) {
    return MissingPermissions();
  }
  ReactionEmoji emoji;
  if (auto e = ParseReactionEmoji(world_, *c.bot, *a.guild, a.perms, c.params[2], &emoji))
    return *e;
  if (!world_.FindUser(UserId(*user))) return ErrorReply(404, kUnknownUser, "Unknown User");
  Status status = world_.RemoveReaction(a.channel->id, MessageId(*id), UserId(*user), emoji);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveAllReactions(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & permission::kManageMessages)) return MissingPermissions();
  Status status = world_.RemoveAllReactions(a.channel->id, MessageId(*id));
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::RemoveReactionEmoji(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & permission::kManageMessages)) return MissingPermissions();
  ReactionEmoji emoji;
  if (auto e = ParseReactionEmoji(world_, *c.bot, *a.guild, a.perms, c.params[2], &emoji))
    return *e;
  Status status = world_.RemoveReactionEmoji(a.channel->id, MessageId(*id), emoji);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::GetReactions(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & permission::kReadMessageHistory)) return MissingAccess();
  FormErrors errors;
  auto limit = QueryInt(c.query, "limit", 1, 100, 25, &errors);
  auto after = QueryId(c.query, "after", &errors);
  if (!errors.empty()) return FormErrorReply(errors);
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  ReactionEmoji emoji;
  if (auto e = ParseReactionEmoji(world_, *c.bot, *a.guild, a.perms, c.params[2], &emoji))
    return *e;
  std::vector<const User*> users;
  for (const Reaction& r : m->reactions) {
    if (!SameEmoji(r.emoji, emoji)) continue;
    for (UserRef ref : r.users) {
      if (world_.user(ref).id.value() > *after) users.push_back(&world_.user(ref));
    }
  }
  std::sort(users.begin(), users.end(), [](const User* x, const User* y) { return x->id < y->id; });
  if (users.size() > static_cast<size_t>(*limit)) users.resize(*limit);
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const User* u : users) world_.WriteUser(w, *u);
  w.EndArray();
  return JsonReply(200, std::move(out));
}

// ---- Typing and pins ----

Reply RestCore::TriggerTyping(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a, true)) return *e;
  if (a.dm) return NoContent();
  const uint64_t send =
      IsThread(a.channel->type) ? permission::kSendMessagesInThreads : permission::kSendMessages;
  if (!(a.perms & send)) return MissingPermissions();
  Status status = world_.TriggerTyping(a.channel->id, c.bot->id);
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::GetPins(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  if (a.perms & permission::kReadMessageHistory) {
    const MessageRing& ring = a.channel->messages;
    for (size_t i = ring.size(); i-- > 0;) {
      if (ring.at(i).pinned) WriteMessage(w, *a.guild, *a.channel, ring.at(i), *c.bot);
    }
  }
  w.EndArray();
  return JsonReply(200, std::move(out));
}

Reply RestCore::PinMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & (permission::kManageMessages | perm::kPinMessages))) return MissingPermissions();
  const Message* m = world_.FindMessage(a.channel->id, MessageId(*id));
  if (m == nullptr) return ErrorReply(404, kUnknownMessage, "Unknown Message");
  if (!m->pinned) {
    size_t pinned = 0;
    for (size_t i = 0; i < a.channel->messages.size(); ++i)
      pinned += a.channel->messages.at(i).pinned;
    if (pinned >= 50) return ErrorReply(400, 30003, "Maximum number of pins reached (50)");
  }
  ChannelId channel = a.channel->id;
  Status status = RunPatched(MessageId(*id),
                             [&] { return world_.PinMessage(channel, MessageId(*id), c.bot->id); });
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

Reply RestCore::UnpinMessage(Call& c) {
  ChannelAccess a;
  if (auto e = AccessChannel(c, 0, &a)) return *e;
  Reply error;
  auto id = IdParam(c, 1, &error);
  if (!id) return error;
  if (!(a.perms & (permission::kManageMessages | perm::kPinMessages))) return MissingPermissions();
  ChannelId channel = a.channel->id;
  Status status =
      RunPatched(MessageId(*id), [&] { return world_.UnpinMessage(channel, MessageId(*id)); });
  if (!status.ok()) return FromStatus(status.error());
  return NoContent();
}

}  // namespace pylon::sim::rest_internal
