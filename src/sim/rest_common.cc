// Copyright 2026 The Pylon Gateway Authors.
// What every route family needs: Discord's error bodies, the mapping of World errors, access and
// hierarchy checks (discord-protocol.md §9), REST renderings, message bodies and attachments.

#include <algorithm>

#include "base/json_writer.h"
#include "sim/rest_internal.h"
#include "sim/text.h"
#include "sim/timestamp.h"

namespace pylon::sim::rest_internal {

// ---- Replies ----

Reply JsonReply(int status, std::string body) {
  Reply r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

Reply NoContent() {
  Reply r;
  r.status = 204;
  return r;
}

Reply ErrorReply(int status, int code, std::string_view message) {
  Reply r;
  r.status = status;
  JsonWriter(&r.body)
      .BeginObject()
      .Key("message")
      .String(message)
      .Key("code")
      .Int(code)
      .EndObject();
  return r;
}

Reply FormErrorReply(const FormErrors& errors) { return JsonReply(400, errors.Render()); }

namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The field a World InvalidArgument message names ("nick must be between..." -> "nick").
std::string FieldOf(std::string_view message) {
  if (message.starts_with("emoji name")) return "name";
  size_t space = message.find(' ');
  if (space == std::string_view::npos) return "";
  std::string_view word = message.substr(0, space);
  std::string_view rest = message.substr(space + 1);
  if (!rest.starts_with("must") && !rest.starts_with("is ")) return "";
  for (char c : word) {
    if (!((c >= 'a' && c <= 'z') || c == '_')) return "";
  }
  return std::string(word);
}

}  // namespace

Reply FromStatus(const Error& error) {
  const std::string& m = error.message();
  switch (error.code()) {
    case ErrorCode::kNotFound: {
      static const std::pair<std::string_view, int> kKinds[] = {
          {"Unknown Guild", kUnknownGuild},   {"Unknown Channel", kUnknownChannel},
          {"Unknown Member", kUnknownMember}, {"Unknown Message", kUnknownMessage},
          {"Unknown Role", kUnknownRole},     {"Unknown User", kUnknownUser},
          {"Unknown Emoji", kUnknownEmoji},   {"Unknown Ban", kUnknownBan},
          {"Unknown Invite", 10006},          {"Unknown Bot", kUnknownUser},
      };
      for (const auto& [name, code] : kKinds) {
        if (m.starts_with(name)) return ErrorReply(404, code, name);
      }
      if (m.starts_with("Bot is not in the guild"))
        return ErrorReply(404, kUnknownGuild, "Unknown Guild");
      return ErrorReply(404, 0, "404: Not Found");
    }
    case ErrorCode::kInvalidArgument: {
      if (m == "Cannot send an empty message") return ErrorReply(400, 50006, m);
      if (Contains(m, "at least 2 and fewer than 100")) {
        return ErrorReply(400, 50016,
                          "Provided too few or too many messages to delete. Must provide at least "
                          "2 and fewer than 100 messages to delete.");
      }
      if (Contains(m, "too old to bulk delete")) {
        return ErrorReply(400, 50034,
                          "You can only bulk delete messages that are under 14 days old.");
      }
      if (m.starts_with("Cannot send messages in a channel of type")) {
        return ErrorReply(400, 50008, "Cannot send messages in a non-text channel");
      }
      if (m.starts_with("Target user is not connected to voice")) {
        return ErrorReply(400, 40032, "Target user is not connected to voice.");
      }
      if (m.starts_with("Unknown Emoji")) return ErrorReply(400, kUnknownEmoji, "Unknown Emoji");
      if (m.starts_with("Cannot create an invite") ||
          m.starts_with("Channel cannot have threads") || m.starts_with("Not a voice channel") ||
          Contains(m, "not editable on a thread") ||
          Contains(m, "on a channel that is not a thread")) {
        return ErrorReply(400, 50024, "Cannot execute action on this channel type");
      }
      if (m.starts_with("Cannot delete") || m.starts_with("Cannot assign managed role")) {
        return ErrorReply(400, 50028, "Invalid Role");
      }
      FormErrors errors;
      std::string field = FieldOf(m);
      std::vector<std::string> path;
      if (!field.empty()) path.push_back(field);
      errors.Add(std::move(path),
                 Contains(m, "characters long") ? "BASE_TYPE_BAD_LENGTH" : "BASE_TYPE_INVALID", m);
      return FormErrorReply(errors);
    }
    case ErrorCode::kAlreadyExists: {
      FormErrors errors;
      errors.Add({}, "ALREADY_EXISTS", m);
      return FormErrorReply(errors);
    }
    case ErrorCode::kFailedPrecondition:
      if (Contains(m, "archived")) {
        return ErrorReply(400, 50083, "Thread is archived");
      }
      if (Contains(m, "banned"))
        return ErrorReply(403, 40007, "The user is banned from this guild.");
      return ErrorReply(400, 0, m);
    case ErrorCode::kPermissionDenied:
      return MissingPermissions();
    case ErrorCode::kResourceExhausted:
      if (Contains(m, "channels")) {
        return ErrorReply(400, 30013, "Maximum number of guild channels reached (500)");
      }
      if (Contains(m, "roles"))
        return ErrorReply(400, 30005, "Maximum number of guild roles reached (250)");
      if (Contains(m, "reactions"))
        return ErrorReply(400, 30010, "Maximum number of reactions reached (20)");
      if (Contains(m, "emojis")) return ErrorReply(400, 30008, "Maximum number of emojis reached");
      return ErrorReply(400, 0, m);
    default:
      return ErrorReply(500, 0, "500: Internal Server Error");
  }
}

// ---- Access ----

std::optional<uint64_t> RestCore::IdParam(const Call& c, size_t index, Reply* error) const {
  const std::string& text = c.params[index];
  auto id = Snowflake::Parse(text);
  if (id.ok()) return id->value();
  // The parameter's name from the route template.
  std::string_view pattern = c.route->pattern;
  std::string name;
  size_t at = 0;
  for (size_t i = 0; i <= index; ++i) {
    size_t open = pattern.find('{', at);
    size_t close = pattern.find('}', open);
    if (open == std::string_view::npos || close == std::string_view::npos) break;
    name = std::string(pattern.substr(open + 1, close - open - 1));
    at = close;
  }
  FormErrors errors;
  errors.Add({name}, "NUMBER_TYPE_COERCE", "Value \"" + text + "\" is not snowflake.");
  *error = FormErrorReply(errors);
  return std::nullopt;
}

std::optional<Reply> RestCore::AccessGuild(const Call& c, size_t index, GuildAccess* out) {
  Reply error;
  auto id = IdParam(c, index, &error);
  if (!id) return error;
  const Guild* guild = world_.FindGuild(GuildId(*id));
  if (guild == nullptr) return ErrorReply(404, kUnknownGuild, "Unknown Guild");
  const Member* self = guild->FindMember(c.bot->id);
  if (self == nullptr) return MissingAccess();
  out->guild = guild;
  out->self = self;
  out->perms = world_.ComputePermissions(*guild, c.bot->id);
  return std::nullopt;
}

std::optional<Reply> RestCore::AccessChannel(const Call& c, size_t index, ChannelAccess* out,
                                             bool allow_dm) {
  Reply error;
  auto id = IdParam(c, index, &error);
  if (!id) return error;
  const Guild* guild = nullptr;
  const Channel* channel = world_.FindChannel(ChannelId(*id), &guild);
  if (channel == nullptr) {
    auto dm = dms_.find(*id);
    if (dm != dms_.end() && dm->second.bot == c.bot->id) {
      if (!allow_dm) return ErrorReply(400, 50003, "Cannot execute action on a DM channel");
      out->dm = &dm->second;
      return std::nullopt;
    }
    return ErrorReply(404, kUnknownChannel, "Unknown Channel");
  }
  if (!guild->FindMember(c.bot->id)) return MissingAccess();
  uint64_t perms = world_.ComputePermissions(*guild, c.bot->id, channel);
  if (!(perms & permission::kViewChannel)) return MissingAccess();
  out->guild = guild;
  out->channel = channel;
  out->perms = perms;
  return std::nullopt;
}

bool RestCore::RoleAbove(const Role& a, const Role& b) {
  if (a.position != b.position) return a.position > b.position;
  return a.id.value() < b.id.value();  // equal positions: the older role ranks higher
}

const Role* RestCore::TopRole(const Guild& guild, const Member& member) {
  const Role* top = nullptr;
  for (RoleId id : member.roles) {
    const Role* role = guild.FindRole(id);
    if (role && (!top || RoleAbove(*role, *top))) top = role;
  }
  return top;
}

bool RestCore::CanManageRole(const Guild& guild, UserId bot, const Role& role) const {
  if (guild.owner == bot) return true;
  const Member* self = guild.FindMember(bot);
  const Role* top = self ? TopRole(guild, *self) : nullptr;
  return top != nullptr && RoleAbove(*top, role);
}

bool RestCore::CanActOn(const Guild& guild, UserId bot, UserId target) const {
  if (target == guild.owner) return false;
  if (bot == guild.owner) return true;
  const Member* target_member = guild.FindMember(target);
  if (target_member == nullptr) return true;  // not a member: nothing ranks it
  const Member* self = guild.FindMember(bot);
  const Role* top = self ? TopRole(guild, *self) : nullptr;
  if (top == nullptr) return false;
  const Role* target_top = TopRole(guild, *target_member);
  return target_top == nullptr || RoleAbove(*top, *target_top);
}

// ---- Rendering ----

BotView RestCore::ViewOf(const Bot& bot) const {
  BotView view;
  view.intents = bot.allowed_intents;
  view.user = bot.id;
  return view;
}

namespace {

void ReplaceFirst(std::string* text, std::string_view from, std::string_view to) {
  size_t at = text->find(from);
  if (at != std::string::npos) text->replace(at, from.size(), to);
}

}  // namespace

void RestCore::WriteMessage(JsonWriter& w, const Guild& guild, const Channel& channel,
                            const Message& message, const Bot& bot) {
  BotView view = ViewOf(bot);
  MessageRenderOptions options;
  options.viewer = &view;
  options.gateway_extras = false;
  const std::string* attachments = AttachmentsOf(message.id);
  if (attachments != nullptr && !view.Has(intent::kMessageContent) &&
      world_.user(message.author).id != bot.id) {
    bool mentioned = false;
    for (UserRef ref : message.mentions) mentioned |= world_.user(ref).id == bot.id;
    if (!mentioned) attachments = nullptr;  // content fields are blank without the intent
  }
  const bool crossposted = crossposted_.count(message.id.value()) > 0;
  if (attachments == nullptr && !crossposted) {
    world_.WriteMessage(w, guild, channel, message, options);
    return;
  }
  std::string text;
  {
    JsonWriter t(&text);
    world_.WriteMessage(t, guild, channel, message, options);
  }
  if (attachments) ReplaceFirst(&text, "\"attachments\":[]", "\"attachments\":" + *attachments);
  if (crossposted) ReplaceFirst(&text, "\"flags\":0", "\"flags\":1");
  w.Raw(text);
}

std::string RestCore::RenderMessage(const Guild& guild, const Channel& channel,
                                    const Message& message, const Bot& bot) {
  std::string out;
  {
    JsonWriter w(&out);
    WriteMessage(w, guild, channel, message, bot);
  }
  return out;
}

void RestCore::WriteLooseMessage(JsonWriter& w, const LooseMessage& m) {
  w.BeginObject();
  w.Key("type").UInt(0);
  w.Key("tts").Bool(m.tts);
  w.Key("timestamp");
  WriteTimestamp(w, m.id.timestamp_ms());
  w.Key("pinned").Bool(false);
  w.Key("mentions").BeginArray().EndArray();
  w.Key("mention_roles").BeginArray().EndArray();
  w.Key("mention_everyone").Bool(false);
  w.Key("id").Id(m.id);
  w.Key("flags").UInt(m.flags);
  w.Key("embeds").BeginArray();
  for (const Embed& e : m.embeds) {
    w.BeginObject().Key("type").String("rich");
    if (!e.title.empty()) w.Key("title").String(e.title);
    if (!e.description.empty()) w.Key("description").String(e.description);
    if (e.color != 0) w.Key("color").UInt(e.color);
    w.EndObject();
  }
  w.EndArray();
  w.Key("edited_timestamp");
  WriteTimestampOrNull(w, m.edited_ms);
  w.Key("content").String(m.content);
  w.Key("components").BeginArray().EndArray();
  w.Key("channel_id").Id(m.channel);
  w.Key("author");
  if (const User* author = world_.FindUser(m.author)) {
    world_.WriteUser(w, *author);
  } else {
    w.BeginObject().Key("id").Id(m.author).EndObject();
  }
  w.Key("attachments");
  if (m.attachments_json.empty()) {
    w.BeginArray().EndArray();
  } else {
    w.Raw(m.attachments_json);
  }
  if (!m.webhook.is_zero()) {
    w.Key("webhook_id").Id(m.webhook);
    w.Key("application_id").Id(m.webhook);
  }
  w.EndObject();
}

std::string RestCore::RenderLooseMessage(const LooseMessage& message) {
  std::string out;
  {
    JsonWriter w(&out);
    WriteLooseMessage(w, message);
  }
  return out;
}

void RestCore::WriteInvite(JsonWriter& w, const Guild& guild, const Invite& invite) {
  const Channel* channel = world_.FindChannel(invite.channel);
  w.BeginObject();
  w.Key("type").UInt(0);
  w.Key("code").String(invite.code);
  if (invite.inviter != kNoUser) {
    w.Key("inviter");
    world_.WriteUser(w, world_.user(invite.inviter));
  }
  w.Key("expires_at");
  WriteTimestampOrNull(
      w, invite.max_age == 0 ? 0 : invite.created_ms + int64_t{invite.max_age} * 1000);
  w.Key("guild").BeginObject();
  w.Key("id").Id(guild.id).Key("name").String(guild.name);
  w.Key("splash").Null().Key("banner").Null();
  w.Key("description").StringOrNull(guild.description);
  w.Key("icon");
  if (guild.icon == 0) {
    w.Null();
  } else {
    std::string hash;
    AppendHex32(guild.icon, &hash);
    w.String(hash);
  }
  w.Key("features").BeginArray();
  for (uint32_t f = 0; f < kGuildFeatureCount; ++f) {
    if (guild.features & (1u << f)) w.String(kGuildFeatureNames[f]);
  }
  w.EndArray();
  w.Key("verification_level").UInt(guild.verification_level);
  w.Key("vanity_url_code").Null();
  w.Key("nsfw_level").UInt(guild.nsfw_level);
  w.Key("premium_subscription_count").UInt(guild.premium_subscription_count);
  w.EndObject();
  w.Key("guild_id").Id(guild.id);
  w.Key("channel").BeginObject();
  w.Key("id").Id(invite.channel);
  w.Key("type").UInt(channel ? static_cast<uint8_t>(channel->type) : 0);
  w.Key("name").String(channel ? std::string_view(channel->name) : std::string_view());
  w.EndObject();
  w.Key("uses").UInt(invite.uses);
  w.Key("max_uses").UInt(invite.max_uses);
  w.Key("max_age").UInt(invite.max_age);
  w.Key("temporary").Bool(invite.temporary);
  w.Key("created_at");
  WriteTimestamp(w, invite.created_ms);
  w.EndObject();
}

void RestCore::WriteDmChannel(JsonWriter& w, const DmChannel& dm) {
  w.BeginObject();
  w.Key("id").Id(dm.id);
  w.Key("type").UInt(1);
  w.Key("last_message_id").IdOrNull(dm.last_message_id);
  w.Key("flags").UInt(0);
  w.Key("recipients").BeginArray();
  if (const User* user = world_.FindUser(dm.recipient)) world_.WriteUser(w, *user);
  w.EndArray();
  w.EndObject();
}

// ---- Message bodies ----

void RestCore::ParseMessageBody(const Fields& f, int version, MessageBody* out) {
  FormErrors* errors = f.errors();
  out->content = f.String("content", 0, 2000, /*nullable=*/true);
  auto parse_embed = [&](dom::element e, std::vector<std::string> path, size_t* total) {
    Embed embed;
    if (!IsObject(e)) {
      errors->Add(path, "MODEL_TYPE_CONVERT", "Only dictionaries may be used in a ModelType");
      return embed;
    }
    Fields ef(e, errors, path);
    embed.title = ef.String("title", 0, 256, true).value_or("");
    embed.description = ef.String("description", 0, 4096, true).value_or("");
    embed.color = static_cast<uint32_t>(ef.Int("color", 0, 0xFFFFFF, true).value_or(0));
    *total += CharCount(embed.title) + CharCount(embed.description);
    if (auto fields = ef.Array("fields", 25)) {
      size_t i = 0;
      for (dom::element field : *fields) {
        auto field_path = path;
        field_path.push_back("fields");
        field_path.push_back(std::to_string(i++));
        Fields ff(field, errors, field_path);
        ff.Require("name");
        ff.Require("value");
        *total += CharCount(ff.String("name", 1, 256).value_or(""));
        *total += CharCount(ff.String("value", 1, 1024).value_or(""));
      }
    }
    if (auto footer = ef.Object("footer")) {
      auto footer_path = path;
      footer_path.push_back("footer");
      *total +=
          CharCount(Fields(*footer, errors, footer_path).String("text", 0, 2048).value_or(""));
    }
    if (auto author = ef.Object("author")) {
      auto author_path = path;
      author_path.push_back("author");
      *total += CharCount(Fields(*author, errors, author_path).String("name", 0, 256).value_or(""));
    }
    return embed;
  };
  size_t total = 0;
  if (f.Has("embeds") && !f.IsNull("embeds")) {
    if (auto embeds = f.Array("embeds", 10)) {
      std::vector<Embed> list;
      size_t i = 0;
      for (dom::element e : *embeds)
        list.push_back(parse_embed(e, {"embeds", std::to_string(i++)}, &total));
      out->embeds = std::move(list);
    }
  } else if (f.Has("embeds")) {
    out->embeds = std::vector<Embed>();
  } else if (version < 10 && f.Has("embed") && !f.IsNull("embed")) {
    out->embeds = std::vector<Embed>{parse_embed(f.Get("embed"), {"embed"}, &total)};
  }
  if (total > 6000) {
    errors->Add({"embeds"}, "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000");
  }
  if (f.Has("nonce") && !f.IsNull("nonce")) {
    dom::element nonce = f.Get("nonce");
    int64_t number;
    std::string_view text;
    if (nonce.get_int64().get(number) == simdjson::SUCCESS) {
      out->nonce = std::to_string(number);
    } else if (nonce.get_string().get(text) == simdjson::SUCCESS && text.size() <= 25) {
      out->nonce = std::string(text);
    } else {
      f.Error("nonce", "BASE_TYPE_MAX_LENGTH", "Must be 25 or fewer in length.");
    }
  }
  out->tts = f.Bool("tts").value_or(false);
  if (auto flags = f.Int("flags", 0, int64_t{1} << 31, true))
    out->flags = static_cast<uint32_t>(*flags);
  if (auto allowed = f.Object("allowed_mentions")) {
    Fields af(*allowed, errors, {"allowed_mentions"});
    AllowedMentions am;
    am.users = am.roles = am.everyone = false;
    if (auto parse = af.Array("parse", 3)) {
      for (dom::element e : *parse) {
        std::string_view kind;
        if (e.get_string().get(kind) != simdjson::SUCCESS ||
            (kind != "users" && kind != "roles" && kind != "everyone")) {
          af.Error("parse", "BASE_TYPE_CHOICES",
                   "Value must be one of {'users', 'roles', 'everyone'}.");
          continue;
        }
        am.users |= kind == "users";
        am.roles |= kind == "roles";
        am.everyone |= kind == "everyone";
      }
    }
    if (auto users = af.IdList("users", 100)) {
      if (am.users && !users->empty()) {
        af.Error("", "MESSAGE_ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                 "parse:[\"users\"] and users: [ids...] are mutually exclusive.");
      }
      am.user_ids = *users;
    }
    out->allowed_mentions = am;
  }
  if (auto reference = f.Object("message_reference")) {
    Fields rf(*reference, errors, {"message_reference"});
    rf.Require("message_id");
    if (auto id = rf.Id("message_id")) out->reply_to = MessageId(*id);
    out->fail_if_not_exists = rf.Bool("fail_if_not_exists").value_or(true);
  }
  if (auto components = f.Array("components", 5)) out->has_components = components->size() > 0;
  if (auto stickers = f.Array("sticker_ids", 3)) out->has_stickers = stickers->size() > 0;
  if (f.Has("attachments") && !f.IsNull("attachments")) {
    if (auto attachments = f.Array("attachments", 10)) {
      std::vector<uint64_t> keep;
      for (dom::element e : *attachments) {
        dom::element id;
        if (IsObject(e) && e["id"].get(id) == simdjson::SUCCESS) {
          if (auto v = ElementId(id)) keep.push_back(*v);
        }
      }
      out->keep_attachments = std::move(keep);
    }
  }
}

std::optional<Reply> RestCore::CheckFiles(const std::vector<UploadedFile>& files) const {
  size_t total = 0;
  for (const UploadedFile& f : files) total += f.data.size();
  if (total > options_.max_attachment_bytes) {
    Reply r = ErrorReply(413, 40005, "Request entity too large");
    return r;
  }
  if (files.size() > 10) {
    FormErrors errors;
    errors.Add({"files"}, "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length.");
    return FormErrorReply(errors);
  }
  return std::nullopt;
}

std::string RestCore::RenderAttachments(ChannelId channel, const std::vector<UploadedFile>& files) {
  if (files.empty()) return "";
  std::string out;
  JsonWriter w(&out);
  w.BeginArray();
  for (const UploadedFile& f : files) {
    uint64_t id = attachment_ids_.Next(world_.NowMs());
    std::string url = base_url_ + "/attachments/" + channel.ToString() + "/" + std::to_string(id) +
                      "/" + f.filename;
    w.BeginObject();
    w.Key("id").Id(id);
    w.Key("filename").String(f.filename);
    w.Key("size").UInt(f.data.size());
    w.Key("url").String(url);
    w.Key("proxy_url").String(url);
    if (!f.content_type.empty()) w.Key("content_type").String(f.content_type);
    w.EndObject();
  }
  w.EndArray();
  return out;
}

std::vector<UserId> RestCore::ParseMentions(std::string_view content,
                                            const std::optional<AllowedMentions>& allowed) const {
  std::vector<UserId> out;
  size_t at = 0;
  while ((at = content.find("<@", at)) != std::string_view::npos) {
    size_t p = at + 2;
    if (p < content.size() && content[p] == '!') ++p;
    size_t begin = p;
    while (p < content.size() && content[p] >= '0' && content[p] <= '9') ++p;
    at = p;
    if (p == begin || p >= content.size() || content[p] != '>') continue;
    auto id = Snowflake::Parse(content.substr(begin, p - begin));
    if (!id.ok()) continue;
    UserId user(id->value());
    bool ok = !allowed || allowed->users ||
              std::find(allowed->user_ids.begin(), allowed->user_ids.end(), user.value()) !=
                  allowed->user_ids.end();
    if (ok && std::find(out.begin(), out.end(), user) == out.end()) out.push_back(user);
  }
  return out;
}

// ---- World messages with attachments ----

namespace {

// Between the World and its sink while a message with attachments is created or edited: puts the
// attachments into that message's MESSAGE_CREATE/UPDATE (the World keeps none) and marks them as
// a content field (blank without MESSAGE_CONTENT).
class AttachmentSink final : public EventSink {
 public:
  AttachmentSink(World& world, MessageId message, std::string_view attachments)
      : world_(world), previous_(world.sink()), message_(message), attachments_(attachments) {
    world_.set_sink(this);
  }
  ~AttachmentSink() override { world_.set_sink(previous_); }

  void Emit(const Dispatch& d) override {
    if (previous_ == nullptr) return;
    bool match = false;
    if (message_.is_zero()) {
      match = !done_ && d.name == "MESSAGE_CREATE";
    } else if (d.name == "MESSAGE_CREATE" || d.name == "MESSAGE_UPDATE") {
      match = d.json.find("\"id\":\"" + message_.ToString() + "\"") != std::string::npos;
    }
    if (!match) {
      previous_->Emit(d);
      return;
    }
    done_ = true;
    Dispatch copy = d;
    static constexpr std::string_view kEmpty = "\"attachments\":[]";
    size_t at = copy.json.find(kEmpty);
    if (at != std::string::npos) {
      size_t begin = at + kEmpty.size() - 2;
      copy.json.replace(begin, 2, attachments_);
      copy.content_spans.push_back(
          {static_cast<uint32_t>(begin), static_cast<uint32_t>(begin + attachments_.size()), "[]"});
    }
    previous_->Emit(copy);
  }

 private:
  World& world_;
  EventSink* previous_;
  MessageId message_;  // 0: the first MESSAGE_CREATE
  std::string_view attachments_;
  bool done_ = false;
};

}  // namespace

Result<MessageId> RestCore::CreateWorldMessage(ChannelId channel, UserId author,
                                               const MessageSpec& spec,
                                               const std::string& attachments_json) {
  if (attachments_json.empty() || world_.sink() == nullptr) {
    auto id = world_.CreateMessage(channel, author, spec);
    if (id.ok() && !attachments_json.empty()) SetAttachments(*id, attachments_json);
    return id;
  }
  Result<MessageId> id = Internal("unset");
  {
    AttachmentSink sink(world_, MessageId(), attachments_json);
    id = world_.CreateMessage(channel, author, spec);
  }
  if (id.ok()) SetAttachments(*id, attachments_json);
  return id;
}

Status RestCore::EditWorldMessage(ChannelId channel, MessageId message, const MessageEdit& edit,
                                  const std::optional<std::string>& attachments_json) {
  std::string previous = AttachmentsOf(message) ? *AttachmentsOf(message) : std::string();
  std::string next = attachments_json ? *attachments_json : previous;
  if (next.empty() || world_.sink() == nullptr) {
    Status status = world_.UpdateMessage(channel, message, edit);
    if (status.ok()) SetAttachments(message, next);
    return status;
  }
  Status status;
  {
    AttachmentSink sink(world_, message, next);
    status = world_.UpdateMessage(channel, message, edit);
  }
  if (status.ok()) SetAttachments(message, next);
  return status;
}

Status RestCore::RunPatched(MessageId message, const std::function<Status()>& fn) {
  const std::string* attachments = AttachmentsOf(message);
  if (attachments == nullptr || world_.sink() == nullptr) return fn();
  std::string json = *attachments;
  AttachmentSink sink(world_, message, json);
  return fn();
}

const std::string* RestCore::AttachmentsOf(MessageId message) const {
  auto it = attachments_.find(message.value());
  return it == attachments_.end() ? nullptr : &it->second;
}

void RestCore::SetAttachments(MessageId message, std::string json) {
  if (json.empty() || json == "[]") {
    attachments_.erase(message.value());
    return;
  }
  attachments_[message.value()] = std::move(json);
  constexpr size_t kMaxMessagesWithAttachments = 100000;
  while (attachments_.size() > kMaxMessagesWithAttachments) {
    attachments_.erase(attachments_.begin());  // the oldest message
    ++dropped_attachments_;
  }
}

void RestCore::Emit(GuildId guild, std::string_view name, int32_t intent, UserId only_for,
                    std::string json) {
  EventSink* sink = world_.sink();
  if (sink == nullptr) return;
  Dispatch d;
  d.guild = guild;
  d.name = name;
  d.json = std::move(json);
  d.intent_bit = intent;
  d.only_for_user = only_for;
  sink->Emit(d);
}

}  // namespace pylon::sim::rest_internal
