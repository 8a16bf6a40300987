// Copyright 2026 The Pylon Gateway Authors.
// World mutations: validate like Discord, change the truth, then emit the dispatches Discord
// sends for the change (discord-protocol.md §6). Every payload is rendered after the change, so a
// sink that looks at the World during Emit sees the new state.

#include <algorithm>

#include "sim/text.h"
#include "sim/timestamp.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr size_t kMaxContent = 2000;
constexpr size_t kMaxEmbeds = 10;
constexpr size_t kMaxReactionKinds = 20;
constexpr size_t kMaxChannels = 500;
constexpr size_t kMaxRoles = 250;
constexpr size_t kMaxEmojis = 250;

Status CheckLength(std::string_view what, std::string_view value, size_t min, size_t max) {
  if (value.size() < min || value.size() > max) {
    return InvalidArgument(std::string(what) + " must be between " + std::to_string(min) + " and " +
                           std::to_string(max) + " characters long");
  }
  return Ok();
}

Status CheckMessageBody(std::string_view content, const std::vector<Embed>& embeds) {
  if (content.size() > kMaxContent) {
    return InvalidArgument("content must be 2000 or fewer characters long");
  }
  if (embeds.size() > kMaxEmbeds) return InvalidArgument("at most 10 embeds");
  if (content.empty() && embeds.empty()) {
    return InvalidArgument("Cannot send an empty message");
  }
  return Ok();
}

bool SameEmoji(const ReactionEmoji& a, const ReactionEmoji& b) {
  return a.id.is_zero() ? b.id.is_zero() && a.name == b.name : a.id == b.id;
}

Status CheckEmoji(const ReactionEmoji& emoji) {
  if (emoji.name.empty()) return InvalidArgument("Unknown Emoji: empty name");
  return Ok();
}

}  // namespace

// ---- Emit helpers ----

void World::EmitMessage(const Guild& guild, const Channel& channel, const Message& message,
                        std::string_view name, std::string_view nonce,
                        const Member* author_member) {
  JsonWriter* w = BeginDispatch(guild.id, name, intent::kGuildMessages);
  if (!w) return;
  dispatch_.needs_message_content = true;
  dispatch_.content_exempt_users.push_back(users_[message.author].id);
  for (UserRef ref : message.mentions) dispatch_.content_exempt_users.push_back(users_[ref].id);
  MessageRenderOptions options;
  options.content_spans = &dispatch_.content_spans;
  options.nonce = nonce;
  options.author_member = author_member;
  WriteMessage(*w, guild, channel, message, options);
  EndDispatch();
}

void World::EmitMemberUpdate(const Guild& guild, const Member& member) {
  JsonWriter* w = BeginDispatch(guild.id, "GUILD_MEMBER_UPDATE", intent::kGuildMembers);
  if (!w) return;
  dispatch_.also_for_user = users_[member.user].id;  // a bot always sees its own member
  WriteMember(*w, member, /*with_user=*/true, guild.id);
  EndDispatch();
}

void World::EmitMemberRemove(const Guild& guild, const User& user) {
  JsonWriter* w = BeginDispatch(guild.id, "GUILD_MEMBER_REMOVE", intent::kGuildMembers);
  if (!w) return;
  w->BeginObject().Key("guild_id").Id(guild.id).Key("user");
  WriteUser(*w, user);
  w->EndObject();
  EndDispatch();
}

void World::EmitVoiceState(const Guild& guild, const VoiceState& state) {
  JsonWriter* w = BeginDispatch(guild.id, "VOICE_STATE_UPDATE", intent::kGuildVoiceStates);
  if (!w) return;
  WriteVoiceState(*w, guild, state, /*with_guild_id=*/true, /*with_member=*/true);
  EndDispatch();
}

void World::EmitVoiceLeave(const Guild& guild, const VoiceState& old_state) {
  VoiceState left = old_state;
  left.channel = ChannelId();
  left.self_video = false;
  left.self_stream = false;
  EmitVoiceState(guild, left);
}

void World::EmitChannel(const Guild& guild, const Channel& channel, std::string_view name) {
  JsonWriter* w = BeginDispatch(guild.id, name, intent::kGuilds);
  if (!w) return;
  WriteChannel(*w, guild, channel, /*with_guild_id=*/true);
  EndDispatch();
}

void World::EmitGuildUpdate(const Guild& guild) {
  JsonWriter* w = BeginDispatch(guild.id, "GUILD_UPDATE", intent::kGuilds);
  if (!w) return;
  WriteGuild(*w, guild);
  EndDispatch();
}

void World::EmitEmojis(const Guild& guild) {
  JsonWriter* w = BeginDispatch(guild.id, "GUILD_EMOJIS_UPDATE", intent::kGuildExpressions);
  if (!w) return;
  w->BeginObject().Key("guild_id").Id(guild.id).Key("emojis").BeginArray();
  for (const Emoji& emoji : guild.emojis) WriteEmoji(*w, emoji);
  w->EndArray().EndObject();
  EndDispatch();
}

void World::EmitReaction(const Guild& guild, const Channel& channel, const Message& message,
                         UserId user, const ReactionEmoji& emoji, bool add) {
  JsonWriter* w = BeginDispatch(guild.id, add ? "MESSAGE_REACTION_ADD" : "MESSAGE_REACTION_REMOVE",
                                intent::kGuildMessageReactions);
  if (!w) return;
  w->BeginObject();
  w->Key("user_id").Id(user);
  w->Key("channel_id").Id(channel.id);
  w->Key("message_id").Id(message.id);
  w->Key("guild_id").Id(guild.id);
  if (add) {
    if (const Member* member = guild.FindMember(user)) {
      w->Key("member");
      WriteMember(*w, *member, /*with_user=*/true);
    }
  }
  w->Key("emoji");
  WriteReactionEmoji(*w, emoji);
  if (add) {
    w->Key("message_author_id").Id(users_[message.author].id);
    w->Key("burst_colors").BeginArray().EndArray();
  }
  w->Key("burst").Bool(false);
  w->Key("type").UInt(0);
  w->EndObject();
  EndDispatch();
}

// ---- Messages ----

Result<MessageId> World::CreateMessage(ChannelId channel_id, UserId author,
                                       const MessageSpec& spec) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (!HoldsMessages(channel->type)) {
    return InvalidArgument("Cannot send messages in a channel of type " +
                           std::to_string(static_cast<int>(channel->type)));
  }
  if (IsThread(channel->type) && channel->thread.archived) {
    return FailedPrecondition("Thread is archived");
  }
  PYLON_ASSIGN_OR_RETURN(UserRef author_ref, UserOrError(author));
  const Member* member = guild->FindMember(author);
  if (!member) return NotFound("Unknown Member " + author.ToString());
  PYLON_RETURN_IF_ERROR(CheckMessageBody(spec.content, spec.embeds));
  if (!spec.reply_to.is_zero() && !channel->messages.Find(spec.reply_to)) {
    return InvalidArgument("Unknown message reference " + spec.reply_to.ToString());
  }
  std::vector<UserRef> mentions;
  for (UserId mentioned : spec.mentions) {
    if (const uint32_t* ref = user_index_.Find(mentioned.value())) {
      if (std::find(mentions.begin(), mentions.end(), *ref) == mentions.end()) {
        mentions.push_back(*ref);
      }
    }
  }
  NewMessage message;
  message.content = spec.content;
  message.embeds = spec.embeds;
  message.mentions = mentions;
  message.reply_to = spec.reply_to;
  message.tts = spec.tts;
  message.mention_everyone = spec.mention_everyone;
  message.nonce = spec.nonce;
  return AppendMessage(*guild, *channel, author_ref, member, message);
}

MessageId World::AppendMessage(Guild& guild, Channel& channel, UserRef author,
                               const Member* author_member, const NewMessage& spec) {
  Message* slot = &scratch_message_;
  if (config_.message_depth > 0) {
    bool evicted = false;
    slot = &channel.messages.Append(config_.message_depth, &evicted);
    if (evicted) ++messages_evicted_;
  } else {
    scratch_message_ = Message();
    ++messages_evicted_;
  }
  Message& message = *slot;
  message.id = MessageId(NewId(message_ids_));
  message.author = author;
  if (!spec.reply_to.is_zero()) {
    message.type = MessageType::kReply;
    message.reference = spec.reply_to;
  }
  message.tts = spec.tts;
  message.mention_everyone = spec.mention_everyone;
  message.content.assign(spec.content);
  message.embeds.assign(spec.embeds.begin(), spec.embeds.end());
  message.mentions.assign(spec.mentions.begin(), spec.mentions.end());
  channel.last_message_id = message.id;
  if (IsThread(channel.type)) {
    ++channel.thread.message_count;
    ++channel.thread.total_message_sent;
  }
  EmitMessage(guild, channel, message, "MESSAGE_CREATE", spec.nonce, author_member);
  return message.id;
}

Status World::UpdateMessage(ChannelId channel_id, MessageId message_id, const MessageEdit& edit) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  const std::string& content = edit.content ? *edit.content : message->content;
  const std::vector<Embed>& embeds = edit.embeds ? *edit.embeds : message->embeds;
  PYLON_RETURN_IF_ERROR(CheckMessageBody(content, embeds));
  if (edit.content) message->content = *edit.content;
  if (edit.embeds) message->embeds = *edit.embeds;
  message->edited_ms = std::max(NowMs(), message->id.timestamp_ms());
  EmitMessage(*guild, *channel, *message, "MESSAGE_UPDATE");
  return Ok();
}

Status World::DeleteMessage(ChannelId channel_id, MessageId message_id) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (!channel->messages.Erase(message_id)) {
    return NotFound("Unknown Message " + message_id.ToString());
  }
  if (IsThread(channel->type) && channel->thread.message_count > 0) {
    --channel->thread.message_count;
  }
  if (JsonWriter* w = BeginDispatch(guild->id, "MESSAGE_DELETE", intent::kGuildMessages)) {
    w->BeginObject();
    w->Key("id").Id(message_id);
    w->Key("channel_id").Id(channel_id);
    w->Key("guild_id").Id(guild->id);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::BulkDeleteMessages(ChannelId channel_id, std::span<const MessageId> ids) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (ids.size() < 2 || ids.size() > 100) {
    return InvalidArgument("You must provide at least 2 and fewer than 100 messages to delete");
  }
  const int64_t oldest_allowed = NowMs() - 14 * kDayMs;
  std::vector<MessageId> sorted(ids.begin(), ids.end());
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return InvalidArgument("Duplicate message ids");
  }
  for (MessageId id : ids) {
    if (!channel->messages.Find(id)) return NotFound("Unknown Message " + id.ToString());
    if (id.timestamp_ms() < oldest_allowed) {
      return InvalidArgument("A message provided was too old to bulk delete");
    }
  }
  for (MessageId id : ids) {
    channel->messages.Erase(id);
    if (IsThread(channel->type) && channel->thread.message_count > 0) {
      --channel->thread.message_count;
    }
  }
  if (JsonWriter* w = BeginDispatch(guild->id, "MESSAGE_DELETE_BULK", intent::kGuildMessages)) {
    w->BeginObject().Key("ids").BeginArray();
    for (MessageId id : ids) w->Id(id);
    w->EndArray();
    w->Key("channel_id").Id(channel_id);
    w->Key("guild_id").Id(guild->id);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::PinMessage(ChannelId channel_id, MessageId message_id, UserId by) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  PYLON_ASSIGN_OR_RETURN(UserRef by_ref, UserOrError(by));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  if (message->pinned) return Ok();
  message->pinned = true;
  channel->last_pin_ms = NowMs();
  EmitMessage(*guild, *channel, *message, "MESSAGE_UPDATE");
  if (JsonWriter* w = BeginDispatch(guild->id, "CHANNEL_PINS_UPDATE", intent::kGuilds)) {
    w->BeginObject();
    w->Key("guild_id").Id(guild->id);
    w->Key("channel_id").Id(channel_id);
    w->Key("last_pin_timestamp");
    WriteTimestamp(*w, channel->last_pin_ms);
    w->EndObject();
    EndDispatch();
  }
  // The system message "X pinned a message to this channel".
  Message notice;
  notice.id = MessageId(NewId(message_ids_));
  notice.type = MessageType::kChannelPinnedMessage;
  notice.author = by_ref;
  notice.reference = message_id;
  if (IsThread(channel->type)) ++channel->thread.total_message_sent;
  Message copy = notice;
  PushMessage(*channel, std::move(notice));
  EmitMessage(*guild, *channel, copy, "MESSAGE_CREATE");
  return Ok();
}

Status World::UnpinMessage(ChannelId channel_id, MessageId message_id) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  if (!message->pinned) return Ok();
  message->pinned = false;
  // Pin times are not kept per message: last_pin_timestamp stays while a held message is pinned.
  bool any_pinned = false;
  for (size_t i = 0; i < channel->messages.size(); ++i)
    any_pinned |= channel->messages.at(i).pinned;
  if (!any_pinned) channel->last_pin_ms = 0;
  EmitMessage(*guild, *channel, *message, "MESSAGE_UPDATE");
  if (JsonWriter* w = BeginDispatch(guild->id, "CHANNEL_PINS_UPDATE", intent::kGuilds)) {
    w->BeginObject();
    w->Key("guild_id").Id(guild->id);
    w->Key("channel_id").Id(channel_id);
    w->Key("last_pin_timestamp");
    WriteTimestampOrNull(*w, channel->last_pin_ms);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

// ---- Reactions ----

Status World::AddReaction(ChannelId channel_id, MessageId message_id, UserId user,
                          const ReactionEmoji& emoji) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  PYLON_RETURN_IF_ERROR(CheckEmoji(emoji));
  PYLON_ASSIGN_OR_RETURN(UserRef ref, UserOrError(user));
  if (!guild->FindMember(user)) return NotFound("Unknown Member " + user.ToString());
  auto it = std::find_if(message->reactions.begin(), message->reactions.end(),
                         [&](const Reaction& r) { return SameEmoji(r.emoji, emoji); });
  if (it == message->reactions.end()) {
    if (message->reactions.size() >= kMaxReactionKinds) {
      return ResourceExhausted("Maximum number of reactions reached (20)");
    }
    message->reactions.push_back(Reaction{emoji, {}});
    it = message->reactions.end() - 1;
  } else if (std::find(it->users.begin(), it->users.end(), ref) != it->users.end()) {
    return Ok();  // already reacted: nothing changes
  }
  it->users.push_back(ref);
  EmitReaction(*guild, *channel, *message, user, it->emoji, /*add=*/true);
  return Ok();
}

Status World::RemoveReaction(ChannelId channel_id, MessageId message_id, UserId user,
                             const ReactionEmoji& emoji) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  PYLON_RETURN_IF_ERROR(CheckEmoji(emoji));
  PYLON_ASSIGN_OR_RETURN(UserRef ref, UserOrError(user));
  auto it = std::find_if(message->reactions.begin(), message->reactions.end(),
                         [&](const Reaction& r) { return SameEmoji(r.emoji, emoji); });
  if (it == message->reactions.end()) return Ok();
  auto who = std::find(it->users.begin(), it->users.end(), ref);
  if (who == it->users.end()) return Ok();
  it->users.erase(who);
  ReactionEmoji removed = it->emoji;
  if (it->users.empty()) message->reactions.erase(it);
  EmitReaction(*guild, *channel, *message, user, removed, /*add=*/false);
  return Ok();
}

Status World::RemoveAllReactions(ChannelId channel_id, MessageId message_id) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  if (message->reactions.empty()) return Ok();
  message->reactions.clear();
  if (JsonWriter* w =
          BeginDispatch(guild->id, "MESSAGE_REACTION_REMOVE_ALL", intent::kGuildMessageReactions)) {
    w->BeginObject();
    w->Key("channel_id").Id(channel_id);
    w->Key("message_id").Id(message_id);
    w->Key("guild_id").Id(guild->id);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::RemoveReactionEmoji(ChannelId channel_id, MessageId message_id,
                                  const ReactionEmoji& emoji) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  Message* message = channel->messages.Find(message_id);
  if (!message) return NotFound("Unknown Message " + message_id.ToString());
  PYLON_RETURN_IF_ERROR(CheckEmoji(emoji));
  auto it = std::find_if(message->reactions.begin(), message->reactions.end(),
                         [&](const Reaction& r) { return SameEmoji(r.emoji, emoji); });
  if (it == message->reactions.end()) return Ok();
  ReactionEmoji removed = it->emoji;
  message->reactions.erase(it);
  if (JsonWriter* w = BeginDispatch(guild->id, "MESSAGE_REACTION_REMOVE_EMOJI",
                                    intent::kGuildMessageReactions)) {
    w->BeginObject();
    w->Key("channel_id").Id(channel_id);
    w->Key("guild_id").Id(guild->id);
    w->Key("message_id").Id(message_id);
    w->Key("emoji");
    WriteReactionEmoji(*w, removed);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::TriggerTyping(ChannelId channel_id, UserId user) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (!HoldsMessages(channel->type)) return InvalidArgument("Cannot type in this channel");
  const Member* member = guild->FindMember(user);
  if (!member) return NotFound("Unknown Member " + user.ToString());
  if (JsonWriter* w = BeginDispatch(guild->id, "TYPING_START", intent::kGuildMessageTyping)) {
    w->BeginObject();
    w->Key("channel_id").Id(channel_id);
    w->Key("guild_id").Id(guild->id);
    w->Key("user_id").Id(user);
    w->Key("timestamp").Int(NowMs() / 1000);
    w->Key("member");
    WriteMember(*w, *member, /*with_user=*/true);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

// ---- Presence, members, users ----

Status World::UpdatePresence(GuildId guild_id, UserId user, const Presence& presence) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  Member* member = guild->FindMember(user);
  if (!member) return NotFound("Unknown Member " + user.ToString());
  if (member->presence == presence) return Ok();
  member->presence = presence;
  if (JsonWriter* w = BeginDispatch(guild_id, "PRESENCE_UPDATE", intent::kGuildPresences)) {
    WritePresence(*w, *guild, *member, /*with_guild_id=*/true);
    EndDispatch();
  }
  return Ok();
}

namespace {

// Roles a member may be given: existing, not @everyone; a managed role only if already held.
Status CheckMemberRoles(const Guild& guild, const std::vector<RoleId>& roles,
                        const std::vector<RoleId>& current) {
  for (size_t i = 0; i < roles.size(); ++i) {
    const Role* role = guild.FindRole(roles[i]);
    if (!role || role->id.value() == guild.id.value()) {
      return NotFound("Unknown Role " + roles[i].ToString());
    }
    if (role->managed && std::find(current.begin(), current.end(), role->id) == current.end()) {
      return InvalidArgument("Cannot assign managed role " + role->id.ToString());
    }
    for (size_t j = 0; j < i; ++j) {
      if (roles[j] == roles[i]) return InvalidArgument("Duplicate role " + roles[i].ToString());
    }
  }
  return Ok();
}

}  // namespace

Status World::AddMember(GuildId guild_id, UserId user, const MemberSpec& spec) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  PYLON_ASSIGN_OR_RETURN(UserRef ref, UserOrError(user));
  if (FindBot(user)) return InvalidArgument("bots join with AddBotToGuild");
  if (guild->FindMember(user)) return AlreadyExists("User is already a member");
  if (guild->bans.count(user.value())) return FailedPrecondition("User is banned from the guild");
  PYLON_RETURN_IF_ERROR(CheckLength("nick", spec.nick, 0, 32));
  PYLON_RETURN_IF_ERROR(CheckMemberRoles(*guild, spec.roles, {}));
  Member member;
  member.user = ref;
  member.joined_ms = NowMs();
  member.nick = spec.nick;
  member.roles = spec.roles;
  member.mute = spec.mute;
  member.deaf = spec.deaf;
  member.pending = spec.pending;
  AddMemberRaw(*guild, std::move(member));
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_MEMBER_ADD", intent::kGuildMembers)) {
    WriteMember(*w, guild->members.back(), /*with_user=*/true, guild_id);
    EndDispatch();
  }
  return Ok();
}

Status World::UpdateMember(GuildId guild_id, UserId user, const MemberEdit& edit) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  Member* member = guild->FindMember(user);
  if (!member) return NotFound("Unknown Member " + user.ToString());
  if (edit.nick) PYLON_RETURN_IF_ERROR(CheckLength("nick", *edit.nick, 0, 32));
  if (edit.roles) PYLON_RETURN_IF_ERROR(CheckMemberRoles(*guild, *edit.roles, member->roles));
  const bool in_voice = guild->voice_index.Contains(user.value());
  if ((edit.mute || edit.deaf) && !in_voice) {
    return InvalidArgument("Target user is not connected to voice");
  }
  if (edit.communication_disabled_until_ms && *edit.communication_disabled_until_ms != 0 &&
      *edit.communication_disabled_until_ms > NowMs() + 28 * kDayMs) {
    return InvalidArgument("communication_disabled_until must be at most 28 days in the future");
  }
  if (edit.nick) member->nick = *edit.nick;
  if (edit.roles) {
    // Managed roles held stay (they cannot be removed by an edit).
    std::vector<RoleId> roles = *edit.roles;
    for (RoleId held : member->roles) {
      const Role* role = guild->FindRole(held);
      if (role && role->managed && std::find(roles.begin(), roles.end(), held) == roles.end()) {
        roles.push_back(held);
      }
    }
    member->roles = std::move(roles);
  }
  bool voice_changed = false;
  if (edit.mute && *edit.mute != member->mute) {
    member->mute = *edit.mute;
    voice_changed = true;
  }
  if (edit.deaf && *edit.deaf != member->deaf) {
    member->deaf = *edit.deaf;
    voice_changed = true;
  }
  if (edit.communication_disabled_until_ms) {
    member->communication_disabled_until_ms = *edit.communication_disabled_until_ms;
  }
  if (edit.flags) member->flags = *edit.flags;
  if (edit.pending) member->pending = *edit.pending;
  EmitMemberUpdate(*guild, *member);
  if (voice_changed) {
    EmitVoiceState(*guild, guild->voice_states[*guild->voice_index.Find(user.value())]);
  }
  return Ok();
}

Status World::RemoveMember(GuildId guild_id, UserId user) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (!guild->FindMember(user)) return NotFound("Unknown Member " + user.ToString());
  if (guild->owner == user) return PermissionDenied("The guild owner cannot be removed");
  if (FindBot(user)) return RemoveBotFromGuild(user, guild_id);
  if (const VoiceState* state = guild->FindVoiceState(user)) {
    VoiceState old = *state;
    RemoveVoiceRaw(*guild, user);
    EmitVoiceLeave(*guild, old);
  }
  RemoveMemberRaw(*guild, user);
  EmitMemberRemove(*guild, *FindUser(user));
  return Ok();
}

Status World::UpdateUser(UserId user_id, const UserEdit& edit) {
  PYLON_ASSIGN_OR_RETURN(UserRef ref, UserOrError(user_id));
  if (edit.username) PYLON_RETURN_IF_ERROR(CheckLength("username", *edit.username, 2, 32));
  if (edit.global_name) PYLON_RETURN_IF_ERROR(CheckLength("global_name", *edit.global_name, 0, 32));
  User& user = users_[ref];
  if (edit.username) user.username = *edit.username;
  if (edit.global_name) user.global_name = *edit.global_name;
  if (edit.avatar) user.avatar = *edit.avatar;
  if (FindBot(user_id)) {
    if (JsonWriter* w = BeginDispatch(GuildId(), "USER_UPDATE", kAlwaysSent)) {
      dispatch_.only_for_user = user_id;
      WriteUser(*w, user);
      EndDispatch();
    }
  }
  for (const auto& guild : guilds_) {
    if (const Member* member = guild->FindMember(user_id)) EmitMemberUpdate(*guild, *member);
  }
  return Ok();
}

Result<UserId> World::CreateUser(std::string_view username, bool bot) {
  PYLON_RETURN_IF_ERROR(CheckLength("username", username, 2, 32));
  User user;
  user.id = UserId(NewId(user_ids_));
  user.username = std::string(username);
  user.bot = bot;
  user_index_.Set(user.id.value(), static_cast<uint32_t>(users_.size()));
  users_.push_back(std::move(user));
  return users_.back().id;
}

// ---- Channels and threads ----

Result<ChannelId> World::CreateChannel(GuildId guild_id, const ChannelSpec& spec) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (!IsGuildChannelType(spec.type)) {
    return InvalidArgument("Invalid channel type " + std::to_string(static_cast<int>(spec.type)));
  }
  PYLON_RETURN_IF_ERROR(CheckLength("name", spec.name, 1, 100));
  PYLON_RETURN_IF_ERROR(CheckLength("topic", spec.topic, 0, 1024));
  if (!spec.parent.is_zero()) {
    const Guild* parent_guild = nullptr;
    const Channel* parent = FindChannel(spec.parent, &parent_guild);
    if (!parent || parent_guild != guild || parent->type != ChannelType::kCategory ||
        spec.type == ChannelType::kCategory) {
      return InvalidArgument("parent_id must be a category of the guild");
    }
  }
  for (const Overwrite& o : spec.overwrites) {
    if (o.type > 1) return InvalidArgument("overwrite type must be 0 or 1");
  }
  size_t count = 0;
  int32_t last_position = -1;
  for (const Channel& c : guild->channels) {
    if (!IsThread(c.type)) {
      ++count;
      last_position = std::max(last_position, c.position);
    }
  }
  if (count >= kMaxChannels) return ResourceExhausted("Maximum number of guild channels (500)");
  Channel channel;
  channel.id = ChannelId(NewId(channel_ids_));
  channel.type = spec.type;
  channel.name = spec.name;
  channel.topic = spec.topic;
  channel.parent = spec.parent;
  channel.position = spec.position.value_or(last_position + 1);
  channel.nsfw = spec.nsfw;
  channel.rate_limit_per_user = spec.rate_limit_per_user;
  if (IsVoiceBased(spec.type)) {
    channel.bitrate = spec.bitrate;
    channel.user_limit = spec.user_limit;
  }
  channel.overwrites = spec.overwrites;
  guild->channels.push_back(std::move(channel));
  uint32_t position = static_cast<uint32_t>(guild->channels.size() - 1);
  IndexChannel(*guild, GuildIndex(*guild), position);
  EmitChannel(*guild, guild->channels[position], "CHANNEL_CREATE");
  return guild->channels[position].id;
}

Status World::UpdateChannel(ChannelId channel_id, const ChannelEdit& edit) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  const bool thread = IsThread(channel->type);
  if (edit.name) PYLON_RETURN_IF_ERROR(CheckLength("name", *edit.name, 1, 100));
  if (thread) {
    if (edit.topic || edit.position || edit.parent || edit.bitrate || edit.user_limit ||
        edit.overwrites || edit.nsfw) {
      return InvalidArgument("field not editable on a thread");
    }
    if (edit.auto_archive_minutes) {
      uint16_t m = *edit.auto_archive_minutes;
      if (m != 60 && m != 1440 && m != 4320 && m != 10080) {
        return InvalidArgument("auto_archive_duration must be 60, 1440, 4320 or 10080");
      }
    }
  } else {
    if (edit.archived || edit.locked || edit.auto_archive_minutes) {
      return InvalidArgument("thread fields on a channel that is not a thread");
    }
    if (edit.topic) PYLON_RETURN_IF_ERROR(CheckLength("topic", *edit.topic, 0, 1024));
    if (edit.parent && !edit.parent->is_zero()) {
      const Guild* parent_guild = nullptr;
      const Channel* parent = FindChannel(*edit.parent, &parent_guild);
      if (!parent || parent_guild != guild || parent->type != ChannelType::kCategory ||
          channel->type == ChannelType::kCategory) {
        return InvalidArgument("parent_id must be a category of the guild");
      }
    }
    if (edit.overwrites) {
      for (const Overwrite& o : *edit.overwrites) {
        if (o.type > 1) return InvalidArgument("overwrite type must be 0 or 1");
      }
    }
  }
  if (edit.name) channel->name = *edit.name;
  if (edit.topic) channel->topic = *edit.topic;
  if (edit.position) channel->position = *edit.position;
  if (edit.parent) channel->parent = *edit.parent;
  if (edit.nsfw) channel->nsfw = *edit.nsfw;
  if (edit.rate_limit_per_user) channel->rate_limit_per_user = *edit.rate_limit_per_user;
  if (edit.bitrate && IsVoiceBased(channel->type)) channel->bitrate = *edit.bitrate;
  if (edit.user_limit && IsVoiceBased(channel->type)) channel->user_limit = *edit.user_limit;
  if (edit.overwrites) channel->overwrites = *edit.overwrites;
  if (edit.archived && *edit.archived != channel->thread.archived) {
    channel->thread.archived = *edit.archived;
    channel->thread.archive_ms = NowMs();
  }
  if (edit.locked) channel->thread.locked = *edit.locked;
  if (edit.auto_archive_minutes) channel->thread.auto_archive_minutes = *edit.auto_archive_minutes;
  EmitChannel(*guild, *channel, thread ? "THREAD_UPDATE" : "CHANNEL_UPDATE");
  return Ok();
}

Status World::DeleteChannel(ChannelId channel_id) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (IsThread(channel->type)) {
    ChannelId parent = channel->parent;
    ChannelType type = channel->type;
    RemoveChannelAt(*guild, channel_slots_[*channel_index_.Find(channel_id.value())].channel);
    if (JsonWriter* w = BeginDispatch(guild->id, "THREAD_DELETE", intent::kGuilds)) {
      w->BeginObject();
      w->Key("id").Id(channel_id);
      w->Key("guild_id").Id(guild->id);
      w->Key("parent_id").Id(parent);
      w->Key("type").UInt(static_cast<uint8_t>(type));
      w->EndObject();
      EndDispatch();
    }
    return Ok();
  }
  const ChannelType type = channel->type;
  // Children of a category lose their parent.
  if (type == ChannelType::kCategory) {
    for (Channel& child : guild->channels) {
      if (!IsThread(child.type) && child.parent == channel_id) {
        child.parent = ChannelId();
        EmitChannel(*guild, child, "CHANNEL_UPDATE");
      }
    }
  }
  // Users in a deleted voice channel are disconnected.
  if (IsVoiceBased(type)) {
    std::vector<VoiceState> disconnected;
    for (const VoiceState& v : guild->voice_states) {
      if (v.channel == channel_id) disconnected.push_back(v);
    }
    for (const VoiceState& v : disconnected) {
      RemoveVoiceRaw(*guild, users_[v.user].id);
      EmitVoiceLeave(*guild, v);
    }
  }
  // Render CHANNEL_DELETE before the channel goes; emit it once the truth has changed.
  JsonWriter* w = BeginDispatch(guild->id, "CHANNEL_DELETE", intent::kGuilds);
  if (w) WriteChannel(*w, *guild, *channel, /*with_guild_id=*/true);
  // Threads of the channel go with it (Discord sends no THREAD_DELETE for them).
  for (size_t i = guild->channels.size(); i-- > 0;) {
    if (IsThread(guild->channels[i].type) && guild->channels[i].parent == channel_id) {
      RemoveChannelAt(*guild, static_cast<uint32_t>(i));
    }
  }
  RemoveChannelAt(*guild, channel_slots_[*channel_index_.Find(channel_id.value())].channel);
  std::erase_if(guild->invites, [&](const Invite& i) { return i.channel == channel_id; });
  EndDispatch();
  bool guild_changed = false;
  if (guild->afk_channel == channel_id) {
    guild->afk_channel = ChannelId();
    guild_changed = true;
  }
  if (guild->system_channel == channel_id) {
    guild->system_channel = ChannelId();
    guild_changed = true;
  }
  if (guild_changed) EmitGuildUpdate(*guild);
  return Ok();
}

Result<ChannelId> World::CreateThread(ChannelId parent_id, const ThreadSpec& spec) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * parent, ChannelOrError(parent_id, &guild));
  if (!CanHaveThreads(parent->type)) return InvalidArgument("Channel cannot have threads");
  bool type_ok =
      parent->type == ChannelType::kAnnouncement ? spec.type == ChannelType::kAnnouncementThread
      : parent->type == ChannelType::kForum
          ? spec.type == ChannelType::kPublicThread
          : spec.type == ChannelType::kPublicThread || spec.type == ChannelType::kPrivateThread;
  if (!type_ok) return InvalidArgument("Thread type does not fit the parent channel");
  PYLON_RETURN_IF_ERROR(CheckLength("name", spec.name, 1, 100));
  uint16_t m = spec.auto_archive_minutes;
  if (m != 60 && m != 1440 && m != 4320 && m != 10080) {
    return InvalidArgument("auto_archive_duration must be 60, 1440, 4320 or 10080");
  }
  if (!guild->FindMember(spec.owner)) return NotFound("Unknown Member " + spec.owner.ToString());
  Channel thread;
  thread.id = ChannelId(NewId(thread_ids_));
  thread.type = spec.type;
  thread.parent = parent_id;
  thread.name = spec.name;
  thread.rate_limit_per_user = 0;
  thread.thread.owner = spec.owner;
  thread.thread.create_ms = thread.id.timestamp_ms();
  thread.thread.archive_ms = thread.thread.create_ms;
  thread.thread.auto_archive_minutes = m;
  thread.thread.member_count = 1;
  thread.thread.invitable = spec.type == ChannelType::kPrivateThread ? spec.invitable : true;
  guild->channels.push_back(std::move(thread));
  uint32_t position = static_cast<uint32_t>(guild->channels.size() - 1);
  IndexChannel(*guild, GuildIndex(*guild), position);
  const Channel& created = guild->channels[position];
  if (JsonWriter* w = BeginDispatch(guild->id, "THREAD_CREATE", intent::kGuilds)) {
    w->BeginObject();
    WriteChannelFields(*w, *guild, created, /*with_guild_id=*/true);
    w->Key("newly_created").Bool(true);
    w->EndObject();
    EndDispatch();
  }
  return created.id;
}

// ---- Roles, guild, emojis ----

Result<RoleId> World::CreateRole(GuildId guild_id, const RoleSpec& spec) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (guild->roles.size() >= kMaxRoles) return ResourceExhausted("Maximum number of roles (250)");
  PYLON_RETURN_IF_ERROR(CheckLength("name", spec.name, 1, 100));
  Role role;
  role.id = RoleId(NewId(role_ids_));
  role.name = spec.name;
  role.permissions = spec.permissions & permission::kAll;
  role.color = spec.color & 0xFFFFFF;
  role.hoist = spec.hoist;
  role.mentionable = spec.mentionable;
  role.position = 1;  // new roles start right above @everyone (ties are ordered by id)
  guild->roles.push_back(std::move(role));
  const Role& created = guild->roles.back();
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_ROLE_CREATE", intent::kGuilds)) {
    w->BeginObject().Key("guild_id").Id(guild_id).Key("role");
    WriteRole(*w, created);
    w->EndObject();
    EndDispatch();
  }
  return created.id;
}

Status World::UpdateRole(GuildId guild_id, RoleId role_id, const RoleEdit& edit) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  Role* role = guild->FindRole(role_id);
  if (!role) return NotFound("Unknown Role " + role_id.ToString());
  const bool everyone = role_id.value() == guild_id.value();
  if (everyone && (edit.name || edit.position)) {
    return InvalidArgument("The @everyone role's name and position cannot change");
  }
  if (edit.name) PYLON_RETURN_IF_ERROR(CheckLength("name", *edit.name, 1, 100));
  if (edit.position && *edit.position < 1) return InvalidArgument("position must be at least 1");
  if (edit.name) role->name = *edit.name;
  if (edit.permissions) role->permissions = *edit.permissions & permission::kAll;
  if (edit.color) role->color = *edit.color & 0xFFFFFF;
  if (edit.hoist) role->hoist = *edit.hoist;
  if (edit.mentionable) role->mentionable = *edit.mentionable;
  if (edit.position) role->position = *edit.position;
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_ROLE_UPDATE", intent::kGuilds)) {
    w->BeginObject().Key("guild_id").Id(guild_id).Key("role");
    WriteRole(*w, *role);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::DeleteRole(GuildId guild_id, RoleId role_id) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  Role* role = guild->FindRole(role_id);
  if (!role) return NotFound("Unknown Role " + role_id.ToString());
  if (role_id.value() == guild_id.value()) return InvalidArgument("Cannot delete @everyone");
  if (role->managed) return InvalidArgument("Cannot delete a managed role");
  std::erase_if(guild->roles, [&](const Role& r) { return r.id == role_id; });
  for (Member& member : guild->members) std::erase(member.roles, role_id);
  for (Emoji& emoji : guild->emojis) std::erase(emoji.roles, role_id);
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_ROLE_DELETE", intent::kGuilds)) {
    w->BeginObject().Key("guild_id").Id(guild_id).Key("role_id").Id(role_id).EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::UpdateGuild(GuildId guild_id, const GuildEdit& edit) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (edit.name) PYLON_RETURN_IF_ERROR(CheckLength("name", *edit.name, 2, 100));
  if (edit.description)
    PYLON_RETURN_IF_ERROR(CheckLength("description", *edit.description, 0, 300));
  if (edit.verification_level && *edit.verification_level > 4) {
    return InvalidArgument("verification_level must be 0..4");
  }
  if (edit.default_message_notifications && *edit.default_message_notifications > 1) {
    return InvalidArgument("default_message_notifications must be 0 or 1");
  }
  if (edit.explicit_content_filter && *edit.explicit_content_filter > 2) {
    return InvalidArgument("explicit_content_filter must be 0..2");
  }
  if (edit.premium_tier && *edit.premium_tier > 3) return InvalidArgument("premium_tier 0..3");
  auto check_channel = [&](ChannelId id, bool voice) -> Status {
    if (id.is_zero()) return Ok();
    const Guild* owner = nullptr;
    const Channel* channel = FindChannel(id, &owner);
    if (!channel || owner != guild || IsThread(channel->type) ||
        (voice ? channel->type != ChannelType::kVoice : channel->type != ChannelType::kText)) {
      return InvalidArgument(std::string(voice ? "afk" : "system") + "_channel_id is invalid");
    }
    return Ok();
  };
  if (edit.afk_channel) PYLON_RETURN_IF_ERROR(check_channel(*edit.afk_channel, true));
  if (edit.system_channel) PYLON_RETURN_IF_ERROR(check_channel(*edit.system_channel, false));
  if (edit.name) guild->name = *edit.name;
  if (edit.description) guild->description = *edit.description;
  if (edit.icon) guild->icon = *edit.icon;
  if (edit.features) guild->features = *edit.features & ((1u << kGuildFeatureCount) - 1);
  if (edit.verification_level) guild->verification_level = *edit.verification_level;
  if (edit.default_message_notifications) {
    guild->default_message_notifications = *edit.default_message_notifications;
  }
  if (edit.explicit_content_filter) guild->explicit_content_filter = *edit.explicit_content_filter;
  if (edit.afk_channel) guild->afk_channel = *edit.afk_channel;
  if (edit.afk_timeout) guild->afk_timeout = *edit.afk_timeout;
  if (edit.system_channel) guild->system_channel = *edit.system_channel;
  if (edit.preferred_locale) guild->preferred_locale = *edit.preferred_locale;
  if (edit.premium_tier) guild->premium_tier = *edit.premium_tier;
  EmitGuildUpdate(*guild);
  return Ok();
}

namespace {

Status CheckEmojiName(std::string_view name) {
  PYLON_RETURN_IF_ERROR(CheckLength("emoji name", name, 2, 32));
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    if (!ok) return InvalidArgument("emoji names are letters, digits and underscores");
  }
  return Ok();
}

Status CheckEmojiRoles(const Guild& guild, const std::vector<RoleId>& roles) {
  for (RoleId id : roles) {
    if (!guild.FindRole(id)) return NotFound("Unknown Role " + id.ToString());
  }
  return Ok();
}

}  // namespace

Result<EmojiId> World::CreateEmoji(GuildId guild_id, const EmojiSpec& spec) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  PYLON_RETURN_IF_ERROR(CheckEmojiName(spec.name));
  PYLON_RETURN_IF_ERROR(CheckEmojiRoles(*guild, spec.roles));
  if (guild->emojis.size() >= kMaxEmojis) return ResourceExhausted("Maximum number of emojis");
  Emoji emoji;
  emoji.id = EmojiId(NewId(emoji_ids_));
  emoji.name = spec.name;
  emoji.animated = spec.animated;
  emoji.roles = spec.roles;
  guild->emojis.push_back(std::move(emoji));
  EmojiId id = guild->emojis.back().id;
  EmitEmojis(*guild);
  return id;
}

Status World::UpdateEmoji(GuildId guild_id, EmojiId emoji_id, const EmojiEdit& edit) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  auto it = std::find_if(guild->emojis.begin(), guild->emojis.end(),
                         [&](const Emoji& e) { return e.id == emoji_id; });
  if (it == guild->emojis.end()) return NotFound("Unknown Emoji " + emoji_id.ToString());
  if (edit.name) PYLON_RETURN_IF_ERROR(CheckEmojiName(*edit.name));
  if (edit.roles) PYLON_RETURN_IF_ERROR(CheckEmojiRoles(*guild, *edit.roles));
  if (edit.name) it->name = *edit.name;
  if (edit.roles) it->roles = *edit.roles;
  EmitEmojis(*guild);
  return Ok();
}

Status World::DeleteEmoji(GuildId guild_id, EmojiId emoji_id) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (std::erase_if(guild->emojis, [&](const Emoji& e) { return e.id == emoji_id; }) == 0) {
    return NotFound("Unknown Emoji " + emoji_id.ToString());
  }
  EmitEmojis(*guild);
  return Ok();
}

// ---- Voice, invites, bans ----

Status World::UpdateVoiceState(GuildId guild_id, UserId user, const VoiceSpec& spec) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  const Member* member = guild->FindMember(user);
  if (!member) return NotFound("Unknown Member " + user.ToString());
  const VoiceState* current = guild->FindVoiceState(user);
  if (spec.channel.is_zero()) {
    if (!current) return Ok();
    VoiceState old = *current;
    RemoveVoiceRaw(*guild, user);
    EmitVoiceLeave(*guild, old);
    return Ok();
  }
  const Guild* owner = nullptr;
  const Channel* channel = FindChannel(spec.channel, &owner);
  if (!channel || owner != guild) return NotFound("Unknown Channel " + spec.channel.ToString());
  if (!IsVoiceBased(channel->type)) return InvalidArgument("Not a voice channel");
  VoiceState state;
  state.user = member->user;
  state.session = current ? current->session : random_.Next();
  state.channel = spec.channel;
  state.self_mute = spec.self_mute;
  state.self_deaf = spec.self_deaf;
  state.self_video = spec.self_video;
  state.self_stream = spec.self_stream;
  state.suppress = channel->type == ChannelType::kStage;
  SetVoiceRaw(*guild, state);
  EmitVoiceState(*guild, guild->voice_states[*guild->voice_index.Find(user.value())]);
  return Ok();
}

std::string World::NewInviteCode() {
  for (;;) {
    std::string code = MakeInviteCode(random_);
    if (!FindInvite(code)) return code;
  }
}

Result<std::string> World::CreateInvite(ChannelId channel_id, const InviteSpec& spec) {
  Guild* guild = nullptr;
  PYLON_ASSIGN_OR_RETURN(Channel * channel, ChannelOrError(channel_id, &guild));
  if (IsThread(channel->type) || channel->type == ChannelType::kCategory) {
    return InvalidArgument("Cannot create an invite to this channel");
  }
  if (spec.max_age > 604800) return InvalidArgument("max_age must be at most 604800");
  if (spec.max_uses > 100) return InvalidArgument("max_uses must be at most 100");
  PYLON_ASSIGN_OR_RETURN(UserRef inviter, UserOrError(spec.inviter));
  Invite invite;
  invite.code = NewInviteCode();
  invite.channel = channel_id;
  invite.inviter = inviter;
  invite.created_ms = NowMs();
  invite.max_age = spec.max_age;
  invite.max_uses = spec.max_uses;
  invite.temporary = spec.temporary;
  guild->invites.push_back(std::move(invite));
  const Invite& created = guild->invites.back();
  if (JsonWriter* w = BeginDispatch(guild->id, "INVITE_CREATE", intent::kGuildInvites)) {
    dispatch_.required_permissions = permission::kManageChannels;
    dispatch_.permission_channel = channel_id;
    WriteInvite(*w, *guild, created);
    EndDispatch();
  }
  return created.code;
}

Status World::DeleteInvite(std::string_view code) {
  const Guild* found = nullptr;
  const Invite* invite = FindInvite(code, &found);
  if (!invite) return NotFound("Unknown Invite " + std::string(code));
  Guild* guild = MutableGuild(found->id);
  ChannelId channel = invite->channel;
  std::string kept_code(code);
  std::erase_if(guild->invites, [&](const Invite& i) { return i.code == kept_code; });
  if (JsonWriter* w = BeginDispatch(guild->id, "INVITE_DELETE", intent::kGuildInvites)) {
    dispatch_.required_permissions = permission::kManageChannels;
    dispatch_.permission_channel = channel;
    w->BeginObject();
    w->Key("channel_id").Id(channel);
    w->Key("guild_id").Id(guild->id);
    w->Key("code").String(kept_code);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::BanUser(GuildId guild_id, UserId user, std::string_view reason) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  PYLON_ASSIGN_OR_RETURN(UserRef ref, UserOrError(user));
  if (guild->owner == user) return PermissionDenied("The guild owner cannot be banned");
  if (guild->bans.count(user.value())) return Ok();
  PYLON_RETURN_IF_ERROR(CheckLength("reason", reason, 0, 512));
  if (guild->FindMember(user)) {
    if (FindBot(user)) {
      PYLON_RETURN_IF_ERROR(RemoveBotFromGuild(user, guild_id));
    } else {
      PYLON_RETURN_IF_ERROR(RemoveMember(guild_id, user));
    }
  }
  guild->bans[user.value()].reason = std::string(reason);
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_BAN_ADD", intent::kGuildModeration)) {
    dispatch_.required_permissions = permission::kBanMembers | permission::kViewAuditLog;
    w->BeginObject().Key("guild_id").Id(guild_id).Key("user");
    WriteUser(*w, users_[ref]);
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

Status World::UnbanUser(GuildId guild_id, UserId user) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  if (guild->bans.erase(user.value()) == 0) return NotFound("Unknown Ban " + user.ToString());
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_BAN_REMOVE", intent::kGuildModeration)) {
    dispatch_.required_permissions = permission::kBanMembers | permission::kViewAuditLog;
    w->BeginObject().Key("guild_id").Id(guild_id).Key("user");
    if (const User* u = FindUser(user)) {
      WriteUser(*w, *u);
    } else {
      w->BeginObject().Key("id").Id(user).EndObject();
    }
    w->EndObject();
    EndDispatch();
  }
  return Ok();
}

// ---- Bots joining and leaving ----

Status World::AddBotToGuild(UserId bot_id, GuildId guild_id) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  const uint32_t* bot_index = bot_index_.Find(bot_id.value());
  if (!bot_index) return NotFound("Unknown Bot " + bot_id.ToString());
  Bot& bot = bots_[*bot_index];
  if (guild->FindMember(bot_id)) return AlreadyExists("Bot is already in the guild");
  if (guild->bans.count(bot_id.value())) return FailedPrecondition("Bot is banned from the guild");
  if (guild->roles.size() >= kMaxRoles) return ResourceExhausted("Maximum number of roles (250)");
  Role role;
  role.id = RoleId(NewId(role_ids_));
  role.name = users_[bot.user].username;
  role.position = 1;
  role.permissions = config_.bot_permissions;
  role.managed = true;
  role.bot = bot_id;
  guild->roles.push_back(role);
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_ROLE_CREATE", intent::kGuilds)) {
    w->BeginObject().Key("guild_id").Id(guild_id).Key("role");
    WriteRole(*w, guild->roles.back());
    w->EndObject();
    EndDispatch();
  }
  Member member;
  member.user = bot.user;
  member.joined_ms = NowMs();
  member.roles.push_back(role.id);
  member.presence.status = PresenceStatus::kOnline;
  member.presence.desktop = PresenceStatus::kOnline;
  AddMemberRaw(*guild, std::move(member));
  guild->bots.push_back(bot_id);
  bot.guilds.push_back(guild_id);
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_MEMBER_ADD", intent::kGuildMembers)) {
    WriteMember(*w, guild->members.back(), /*with_user=*/true, guild_id);
    EndDispatch();
  }
  if (BeginDispatch(guild_id, "GUILD_CREATE", intent::kGuilds)) {
    dispatch_.only_for_user = bot_id;
    dispatch_.per_bot_render = true;
    EndDispatch();
  }
  return Ok();
}

Status World::RemoveBotFromGuild(UserId bot_id, GuildId guild_id) {
  PYLON_ASSIGN_OR_RETURN(Guild * guild, GuildOrError(guild_id));
  const uint32_t* bot_index = bot_index_.Find(bot_id.value());
  if (!bot_index) return NotFound("Unknown Bot " + bot_id.ToString());
  Bot& bot = bots_[*bot_index];
  if (!guild->FindMember(bot_id)) return NotFound("Bot is not in the guild");
  if (const VoiceState* state = guild->FindVoiceState(bot_id)) {
    VoiceState old = *state;
    RemoveVoiceRaw(*guild, bot_id);
    EmitVoiceLeave(*guild, old);
  }
  RemoveMemberRaw(*guild, bot_id);
  std::erase(guild->bots, bot_id);
  std::erase(bot.guilds, guild_id);
  EmitMemberRemove(*guild, users_[bot.user]);
  std::vector<RoleId> managed;
  for (const Role& role : guild->roles) {
    if (role.managed && role.bot == bot_id) managed.push_back(role.id);
  }
  for (RoleId id : managed) {
    std::erase_if(guild->roles, [&](const Role& r) { return r.id == id; });
    if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_ROLE_DELETE", intent::kGuilds)) {
      w->BeginObject().Key("guild_id").Id(guild_id).Key("role_id").Id(id).EndObject();
      EndDispatch();
    }
  }
  if (JsonWriter* w = BeginDispatch(guild_id, "GUILD_DELETE", intent::kGuilds)) {
    dispatch_.only_for_user = bot_id;
    w->BeginObject().Key("id").Id(guild_id).EndObject();
    EndDispatch();
  }
  return Ok();
}

}  // namespace pylon::sim
