// Copyright 2026 The Pylon Gateway Authors.

#include "sim/event_generator.h"

#include <algorithm>
#include <cmath>

#include "sim/text.h"
#include "sim/world_internal.h"

namespace pylon::sim {
namespace {

constexpr int kTries = 8;

constexpr std::string_view kKindNames[kEventKindCount] = {
    "MESSAGE_CREATE",
    "MESSAGE_UPDATE",
    "MESSAGE_DELETE",
    "MESSAGE_DELETE_BULK",
    "MESSAGE_REACTION_ADD",
    "MESSAGE_REACTION_REMOVE",
    "MESSAGE_REACTION_REMOVE_ALL",
    "MESSAGE_REACTION_REMOVE_EMOJI",
    "TYPING_START",
    "PRESENCE_UPDATE",
    "GUILD_MEMBER_ADD",
    "GUILD_MEMBER_UPDATE",
    "GUILD_MEMBER_REMOVE",
    "USER_UPDATE",
    "CHANNEL_CREATE",
    "CHANNEL_UPDATE",
    "CHANNEL_DELETE",
    "THREAD_CREATE",
    "THREAD_UPDATE",
    "THREAD_DELETE",
    "GUILD_ROLE_CREATE",
    "GUILD_ROLE_UPDATE",
    "GUILD_ROLE_DELETE",
    "GUILD_UPDATE",
    "GUILD_EMOJIS_UPDATE",
    "VOICE_STATE_UPDATE",
    "INVITE_CREATE",
    "INVITE_DELETE",
    "GUILD_BAN_ADD",
    "GUILD_BAN_REMOVE",
    "CHANNEL_PINS_UPDATE",
};

bool AcceptsMessages(const Channel& c) {
  return HoldsMessages(c.type) && !(IsThread(c.type) && c.thread.archived);
}
bool IsThreadChannel(const Channel& c) { return IsThread(c.type); }
bool IsThreadParent(const Channel& c) { return CanHaveThreads(c.type); }
bool IsPlainChannel(const Channel& c) { return !IsThread(c.type); }
bool IsVoiceChannel(const Channel& c) { return IsVoiceBased(c.type); }
bool IsInvitable(const Channel& c) {
  return c.type == ChannelType::kText || c.type == ChannelType::kVoice ||
         c.type == ChannelType::kAnnouncement;
}

}  // namespace

std::string_view EventKindName(EventKind kind) {
  size_t i = static_cast<size_t>(kind);
  return i < kEventKindCount ? kKindNames[i] : "UNKNOWN";
}

EventMix EventMix::Default() {
  EventMix mix;
  mix.Set(EventKind::kMessageCreate, 6000)
      .Set(EventKind::kTypingStart, 900)
      .Set(EventKind::kReactionAdd, 800)
      .Set(EventKind::kPresenceUpdate, 800)
      .Set(EventKind::kMessageUpdate, 500)
      .Set(EventKind::kMessageDelete, 300)
      .Set(EventKind::kReactionRemove, 200)
      .Set(EventKind::kVoiceStateUpdate, 100)
      .Set(EventKind::kMemberAdd, 60)
      .Set(EventKind::kMemberUpdate, 60)
      .Set(EventKind::kMemberRemove, 50)
      .Set(EventKind::kChannelUpdate, 15)
      .Set(EventKind::kMessageDeleteBulk, 10)
      .Set(EventKind::kReactionRemoveAll, 10)
      .Set(EventKind::kReactionRemoveEmoji, 10)
      .Set(EventKind::kThreadCreate, 10)
      .Set(EventKind::kThreadUpdate, 10)
      .Set(EventKind::kRoleUpdate, 10)
      .Set(EventKind::kUserUpdate, 5)
      .Set(EventKind::kChannelCreate, 5)
      .Set(EventKind::kThreadDelete, 5)
      .Set(EventKind::kInviteCreate, 5)
      .Set(EventKind::kPinsUpdate, 5)
      .Set(EventKind::kChannelDelete, 4)
      .Set(EventKind::kInviteDelete, 4)
      .Set(EventKind::kRoleCreate, 3)
      .Set(EventKind::kGuildUpdate, 3)
      .Set(EventKind::kEmojisUpdate, 3)
      .Set(EventKind::kBanAdd, 3)
      .Set(EventKind::kRoleDelete, 2)
      .Set(EventKind::kBanRemove, 2);
  return mix;
}

EventMix EventMix::Only(EventKind kind) {
  EventMix mix;
  mix.Set(kind, 1);
  return mix;
}

EventMix EventMix::Uniform() {
  EventMix mix;
  mix.weights.fill(1);
  return mix;
}

uint64_t EventMix::Total() const {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  return total;
}

EventGenerator::EventGenerator(World* world, const EventGeneratorConfig& config)
    : world_(world), config_(config), random_(config.seed) {
  event_weights_.assign(config_.mix.weights.begin(), config_.mix.weights.end());
  event_total_ = config_.mix.Total();
  uint64_t sum = 0;
  for (const auto& guild : world_->guilds()) {
    double weight = std::pow(static_cast<double>(std::max<uint32_t>(guild->member_count(), 1)),
                             config_.guild_weight_exponent);
    sum += std::max<uint64_t>(1, static_cast<uint64_t>(std::llround(weight)));
    guild_cumulative_.push_back(sum);
  }
}

Result<EventKind> EventGenerator::Step() {
  if (world_->guilds().empty()) return FailedPrecondition("the world has no guild");
  ++stats_.steps;
  EventKind kind = EventKind::kMessageCreate;
  if (event_total_ > 0)
    kind = static_cast<EventKind>(random_.Weighted(event_weights_, event_total_));
  Guild& guild = PickGuild();
  Outcome outcome = Apply(kind, guild);
  if (!outcome && kind != EventKind::kMessageCreate) {
    ++stats_.fallbacks;
    kind = EventKind::kMessageCreate;
    outcome = TryMessageCreate(guild);
  }
  if (!outcome) {
    ++stats_.errors;
    return FailedPrecondition("guild " + guild.id.ToString() + " has no channel for messages");
  }
  if (!outcome->ok()) {
    ++stats_.errors;
    return outcome->error().WithContext(std::string(EventKindName(kind)));
  }
  ++stats_.applied[static_cast<size_t>(kind)];
  return kind;
}

Status EventGenerator::StepN(uint64_t n) {
  for (uint64_t i = 0; i < n; ++i) {
    auto kind = Step();
    if (!kind.ok()) return kind.error();
  }
  return Ok();
}

EventGenerator::Outcome EventGenerator::Apply(EventKind kind, Guild& guild) {
  switch (kind) {
    case EventKind::kMessageCreate:
      return TryMessageCreate(guild);
    case EventKind::kMessageUpdate:
      return TryMessageUpdate(guild);
    case EventKind::kMessageDelete:
      return TryMessageDelete(guild);
    case EventKind::kMessageDeleteBulk:
      return TryMessageDeleteBulk(guild);
    case EventKind::kReactionAdd:
      return TryReactionAdd(guild);
    case EventKind::kReactionRemove:
    case EventKind::kReactionRemoveAll:
    case EventKind::kReactionRemoveEmoji:
      return TryReactionRemove(guild, kind);
    case EventKind::kTypingStart:
      return TryTypingStart(guild);
    case EventKind::kPresenceUpdate:
      return TryPresenceUpdate(guild);
    case EventKind::kMemberAdd:
      return TryMemberAdd(guild);
    case EventKind::kMemberUpdate:
      return TryMemberUpdate(guild);
    case EventKind::kMemberRemove:
      return TryMemberRemove(guild);
    case EventKind::kUserUpdate:
      return TryUserUpdate(guild);
    case EventKind::kChannelCreate:
      return TryChannelCreate(guild);
    case EventKind::kChannelUpdate:
      return TryChannelUpdate(guild);
    case EventKind::kChannelDelete:
      return TryChannelDelete(guild);
    case EventKind::kThreadCreate:
      return TryThreadCreate(guild);
    case EventKind::kThreadUpdate:
      return TryThreadUpdate(guild);
    case EventKind::kThreadDelete:
      return TryThreadDelete(guild);
    case EventKind::kRoleCreate:
      return TryRoleCreate(guild);
    case EventKind::kRoleUpdate:
      return TryRoleUpdate(guild);
    case EventKind::kRoleDelete:
      return TryRoleDelete(guild);
    case EventKind::kGuildUpdate:
      return TryGuildUpdate(guild);
    case EventKind::kEmojisUpdate:
      return TryEmojisUpdate(guild);
    case EventKind::kVoiceStateUpdate:
      return TryVoiceStateUpdate(guild);
    case EventKind::kInviteCreate:
      return TryInviteCreate(guild);
    case EventKind::kInviteDelete:
      return TryInviteDelete(guild);
    case EventKind::kBanAdd:
      return TryBanAdd(guild);
    case EventKind::kBanRemove:
      return TryBanRemove(guild);
    case EventKind::kPinsUpdate:
      return TryPinsUpdate(guild);
    case EventKind::kCount:
      break;
  }
  return std::nullopt;
}

// ---- Pickers ----

Guild& EventGenerator::PickGuild() {
  const auto& guilds = world_->guilds_;
  uint64_t x = random_.Below(guild_cumulative_.back());
  size_t i =
      static_cast<size_t>(std::upper_bound(guild_cumulative_.begin(), guild_cumulative_.end(), x) -
                          guild_cumulative_.begin());
  return *guilds[std::min(i, guilds.size() - 1)];
}

const Channel* EventGenerator::PickChannel(const Guild& guild, bool (*accept)(const Channel&)) {
  const size_t n = guild.channels.size();
  if (n == 0) return nullptr;
  for (int i = 0; i < kTries; ++i) {
    const Channel& c = guild.channels[random_.Below(n)];
    if (accept(c)) return &c;
  }
  size_t start = random_.Below(n);
  for (size_t i = 0; i < n; ++i) {
    const Channel& c = guild.channels[(start + i) % n];
    if (accept(c)) return &c;
  }
  return nullptr;
}

const Channel* EventGenerator::PickChannelWithMessages(const Guild& guild, size_t min_messages) {
  const size_t n = guild.channels.size();
  if (n == 0) return nullptr;
  for (int i = 0; i < kTries; ++i) {
    const Channel& c = guild.channels[random_.Below(n)];
    if (c.messages.size() >= min_messages) return &c;
  }
  size_t start = random_.Below(n);
  for (size_t i = 0; i < n; ++i) {
    const Channel& c = guild.channels[(start + i) % n];
    if (c.messages.size() >= min_messages) return &c;
  }
  return nullptr;
}

const Member& EventGenerator::PickMember(const Guild& guild) {
  return guild.members[random_.Below(guild.members.size())];
}

const Member* EventGenerator::PickHuman(const Guild& guild, bool allow_owner) {
  for (int i = 0; i < kTries; ++i) {
    const Member& m = PickMember(guild);
    const User& user = world_->user(m.user);
    if (user.bot || (!allow_owner && user.id == guild.owner)) continue;
    return &m;
  }
  return nullptr;
}

void EventGenerator::FillContent() {
  content_.clear();
  uint32_t words = static_cast<uint32_t>(random_.Between(
      config_.content_words.min, std::max(config_.content_words.min, config_.content_words.max)));
  AppendSentence(random_, std::max<uint32_t>(words, 1), &content_);
  if (content_.size() > 2000) content_.resize(2000);  // words are ASCII: no character is cut
}

std::string EventGenerator::MakeContent() {
  std::string content;
  AppendSentence(random_,
                 static_cast<uint32_t>(random_.Between(
                     config_.content_words.min,
                     std::max(config_.content_words.min, config_.content_words.max))),
                 &content);
  if (content.empty()) content = "hi";
  return content;
}

// ---- Messages ----

EventGenerator::Outcome EventGenerator::TryMessageCreate(Guild& guild) {
  // The hot path: targets are valid by construction, so the message goes straight to
  // World::AppendMessage (no id lookups, no allocation once the ring is full).
  const Channel* picked = PickChannel(guild, AcceptsMessages);
  if (!picked) return std::nullopt;
  Channel& channel = guild.channels[static_cast<size_t>(picked - guild.channels.data())];
  const Member& author = PickMember(guild);
  FillContent();
  World::NewMessage message;
  message.content = content_;
  UserRef mention = kNoUser;
  if (random_.Chance(config_.mention_probability)) {
    mention = PickMember(guild).user;
    message.mentions = std::span<const UserRef>(&mention, 1);
  }
  embeds_.clear();
  if (random_.Chance(config_.embed_probability)) {
    Embed embed;
    AppendSentence(random_, 3, &embed.title);
    AppendSentence(random_, 12, &embed.description);
    embed.color = static_cast<uint32_t>(random_.Below(0x1000000));
    embeds_.push_back(std::move(embed));
    message.embeds = embeds_;
  }
  if (!channel.messages.empty() && random_.Chance(config_.reply_probability)) {
    message.reply_to = channel.messages.at(random_.Below(channel.messages.size())).id;
  }
  world_->AppendMessage(guild, channel, author.user, &author, message);
  return Ok();
}

EventGenerator::Outcome EventGenerator::TryMessageUpdate(const Guild& guild) {
  const Channel* channel = PickChannelWithMessages(guild);
  if (!channel) return std::nullopt;
  const Message& message = channel->messages.at(random_.Below(channel->messages.size()));
  MessageEdit edit;
  edit.content = MakeContent();
  return world_->UpdateMessage(channel->id, message.id, edit);
}

EventGenerator::Outcome EventGenerator::TryMessageDelete(const Guild& guild) {
  const Channel* channel = PickChannelWithMessages(guild);
  if (!channel) return std::nullopt;
  MessageId id = channel->messages.at(random_.Below(channel->messages.size())).id;
  return world_->DeleteMessage(channel->id, id);
}

EventGenerator::Outcome EventGenerator::TryMessageDeleteBulk(const Guild& guild) {
  const Channel* channel = PickChannelWithMessages(guild, 2);
  if (!channel) return std::nullopt;
  // The newest 2..10 messages that are young enough.
  const int64_t oldest_allowed = world_->NowMs() - 14 * int64_t{86400000} + 60000;
  size_t want = 2 + random_.Below(9);
  std::vector<MessageId> ids;
  for (size_t i = channel->messages.size(); i-- > 0 && ids.size() < want;) {
    const Message& m = channel->messages.at(i);
    if (m.id.timestamp_ms() < oldest_allowed) break;
    ids.push_back(m.id);
  }
  if (ids.size() < 2) return std::nullopt;
  return world_->BulkDeleteMessages(channel->id, ids);
}

EventGenerator::Outcome EventGenerator::TryReactionAdd(const Guild& guild) {
  const Channel* channel = PickChannelWithMessages(guild);
  if (!channel) return std::nullopt;
  const Message& message = channel->messages.at(random_.Below(channel->messages.size()));
  ReactionEmoji emoji;
  if (!guild.emojis.empty() && random_.Chance(0.3)) {
    const Emoji& e = guild.emojis[random_.Below(guild.emojis.size())];
    emoji.id = e.id;
    emoji.name = e.name;
    emoji.animated = e.animated;
  } else {
    emoji.name = std::string(RandomUnicodeEmoji(random_));
  }
  auto same = [&](const Reaction& r) {
    return emoji.id.is_zero() ? r.emoji.id.is_zero() && r.emoji.name == emoji.name
                              : r.emoji.id == emoji.id;
  };
  auto existing = std::find_if(message.reactions.begin(), message.reactions.end(), same);
  if (existing == message.reactions.end() && message.reactions.size() >= 20) return std::nullopt;
  for (int i = 0; i < kTries; ++i) {
    const Member& member = PickMember(guild);
    if (existing != message.reactions.end() &&
        std::find(existing->users.begin(), existing->users.end(), member.user) !=
            existing->users.end()) {
      continue;  // already reacted: would change nothing
    }
    return world_->AddReaction(channel->id, message.id, world_->user(member.user).id, emoji);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryReactionRemove(const Guild& guild, EventKind kind) {
  const Channel* channel = PickChannelWithMessages(guild);
  if (!channel) return std::nullopt;
  const size_t n = channel->messages.size();
  size_t start = random_.Below(n);
  for (size_t i = 0; i < n; ++i) {
    const Message& message = channel->messages.at((start + i) % n);
    if (message.reactions.empty()) continue;
    const Reaction& reaction = message.reactions[random_.Below(message.reactions.size())];
    switch (kind) {
      case EventKind::kReactionRemoveAll:
        return world_->RemoveAllReactions(channel->id, message.id);
      case EventKind::kReactionRemoveEmoji:
        return world_->RemoveReactionEmoji(channel->id, message.id, reaction.emoji);
      default: {
        UserRef user = reaction.users[random_.Below(reaction.users.size())];
        return world_->RemoveReaction(channel->id, message.id, world_->user(user).id,
                                      reaction.emoji);
      }
    }
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryTypingStart(const Guild& guild) {
  const Channel* channel = PickChannel(guild, AcceptsMessages);
  if (!channel) return std::nullopt;
  return world_->TriggerTyping(channel->id, world_->user(PickMember(guild).user).id);
}

EventGenerator::Outcome EventGenerator::TryPresenceUpdate(const Guild& guild) {
  const Member* member = PickHuman(guild, /*allow_owner=*/true);
  if (!member) return std::nullopt;
  // A status different from the current one, so that the presence really changes.
  static constexpr PresenceStatus kStatuses[] = {PresenceStatus::kOffline, PresenceStatus::kOnline,
                                                 PresenceStatus::kIdle, PresenceStatus::kDnd};
  PresenceStatus current = member->presence.status;
  PresenceStatus next = current;
  while (next == current) next = kStatuses[random_.Below(4)];
  Presence presence = MakePresence(random_, next, config_.activity_share, world_->NowMs());
  return world_->UpdatePresence(guild.id, world_->user(member->user).id, presence);
}

// ---- Members and users ----

EventGenerator::Outcome EventGenerator::TryMemberAdd(const Guild& guild) {
  const auto& users = world_->users();
  for (int i = 0; i < 2 * kTries; ++i) {
    const User& user = users[random_.Below(users.size())];
    if (user.bot || guild.FindMember(user.id) || guild.bans.count(user.id.value())) continue;
    MemberSpec spec;
    spec.pending = random_.Chance(0.1);
    return world_->AddMember(guild.id, user.id, spec);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryMemberUpdate(const Guild& guild) {
  const Member* member = PickHuman(guild, /*allow_owner=*/true);
  if (!member) return std::nullopt;
  MemberEdit edit;
  uint64_t what = random_.Below(10);
  std::vector<RoleId> assignable;
  for (const Role& role : guild.roles) {
    if (role.id.value() != guild.id.value() && !role.managed) assignable.push_back(role.id);
  }
  if (what < 4 && !assignable.empty()) {
    // Toggle one role.
    std::vector<RoleId> roles = member->roles;
    RoleId role = assignable[random_.Below(assignable.size())];
    auto it = std::find(roles.begin(), roles.end(), role);
    if (it == roles.end()) {
      roles.push_back(role);
    } else {
      roles.erase(it);
    }
    edit.roles = std::move(roles);
  } else if (what < 5) {
    edit.communication_disabled_until_ms =
        member->communication_disabled_until_ms != 0 ? 0 : world_->NowMs() + 3600 * 1000;
  } else {
    edit.nick = member->nick.empty() || random_.Chance(0.5) ? MakeDisplayName(random_) : "";
  }
  return world_->UpdateMember(guild.id, world_->user(member->user).id, edit);
}

EventGenerator::Outcome EventGenerator::TryMemberRemove(const Guild& guild) {
  if (guild.members.size() <= guild.bots.size() + 1) return std::nullopt;
  const Member* member = PickHuman(guild, /*allow_owner=*/false);
  if (!member) return std::nullopt;
  return world_->RemoveMember(guild.id, world_->user(member->user).id);
}

EventGenerator::Outcome EventGenerator::TryUserUpdate(const Guild& guild) {
  const Member* member = PickHuman(guild, /*allow_owner=*/true);
  if (!member) return std::nullopt;
  UserEdit edit;
  if (random_.Chance(0.5)) {
    edit.global_name = MakeDisplayName(random_);
  } else {
    edit.avatar = random_.Next() | 1;
  }
  return world_->UpdateUser(world_->user(member->user).id, edit);
}

// ---- Channels and threads ----

EventGenerator::Outcome EventGenerator::TryChannelCreate(const Guild& guild) {
  size_t plain = std::count_if(guild.channels.begin(), guild.channels.end(), IsPlainChannel);
  if (plain >= 500) return std::nullopt;
  ChannelSpec spec;
  uint64_t x = random_.Below(100);
  spec.type = x < 50   ? ChannelType::kText
              : x < 80 ? ChannelType::kVoice
              : x < 85 ? ChannelType::kAnnouncement
              : x < 90 ? ChannelType::kStage
              : x < 95 ? ChannelType::kForum
                       : ChannelType::kCategory;
  spec.name = MakeChannelName(random_, static_cast<uint8_t>(spec.type),
                              static_cast<uint32_t>(random_.Below(100)));
  if (spec.type != ChannelType::kCategory && random_.Chance(0.7)) {
    const Channel* category =
        PickChannel(guild, [](const Channel& c) { return c.type == ChannelType::kCategory; });
    if (category) spec.parent = category->id;
  }
  if (spec.type == ChannelType::kText && random_.Chance(0.5))
    AppendSentence(random_, 4, &spec.topic);
  auto id = world_->CreateChannel(guild.id, spec);
  if (!id.ok()) return Status(id.error());
  return Ok();
}

EventGenerator::Outcome EventGenerator::TryChannelUpdate(const Guild& guild) {
  const Channel* channel = PickChannel(guild, IsPlainChannel);
  if (!channel) return std::nullopt;
  ChannelEdit edit;
  uint64_t what = random_.Below(5);
  if (what == 0) {
    edit.name = MakeChannelName(random_, static_cast<uint8_t>(channel->type),
                                static_cast<uint32_t>(random_.Below(100)));
  } else if (what == 1 &&
             (channel->type == ChannelType::kText || channel->type == ChannelType::kAnnouncement ||
              channel->type == ChannelType::kForum)) {
    std::string topic;
    AppendSentence(random_, 5, &topic);
    edit.topic = std::move(topic);
  } else if (what == 2) {
    edit.position = channel->position + (random_.Chance(0.5) ? 1 : -1);
  } else if (what == 3) {
    // Toggle a role overwrite that hides the channel from one role.
    std::vector<Overwrite> overwrites = channel->overwrites;
    const Role& role = guild.roles[random_.Below(guild.roles.size())];
    auto it = std::find_if(overwrites.begin(), overwrites.end(), [&](const Overwrite& o) {
      return o.type == 0 && o.id == role.id.value();
    });
    if (it == overwrites.end()) {
      overwrites.push_back({role.id.value(), 0, 0, permission::kSendMessages});
    } else {
      overwrites.erase(it);
    }
    edit.overwrites = std::move(overwrites);
  } else {
    edit.nsfw = !channel->nsfw;
  }
  return world_->UpdateChannel(channel->id, edit);
}

EventGenerator::Outcome EventGenerator::TryChannelDelete(const Guild& guild) {
  // Keep at least two text channels and one voice channel in every guild.
  size_t text = 0, voice = 0;
  for (const Channel& c : guild.channels) {
    text += c.type == ChannelType::kText;
    voice += IsVoiceBased(c.type);
  }
  for (int i = 0; i < kTries; ++i) {
    const Channel* channel = PickChannel(guild, IsPlainChannel);
    if (!channel) return std::nullopt;
    if (channel->type == ChannelType::kText && text <= 2) continue;
    if (IsVoiceBased(channel->type) && voice <= 1) continue;
    return world_->DeleteChannel(channel->id);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryThreadCreate(const Guild& guild) {
  const Channel* parent = PickChannel(guild, IsThreadParent);
  if (!parent) return std::nullopt;
  ThreadSpec spec;
  spec.name = MakeThreadName(random_);
  spec.type = parent->type == ChannelType::kAnnouncement ? ChannelType::kAnnouncementThread
              : parent->type == ChannelType::kText && random_.Chance(0.2)
                  ? ChannelType::kPrivateThread
                  : ChannelType::kPublicThread;
  spec.owner = world_->user(PickMember(guild).user).id;
  auto id = world_->CreateThread(parent->id, spec);
  if (!id.ok()) return Status(id.error());
  return Ok();
}

EventGenerator::Outcome EventGenerator::TryThreadUpdate(const Guild& guild) {
  const Channel* thread = PickChannel(guild, IsThreadChannel);
  if (!thread) return std::nullopt;
  ChannelEdit edit;
  uint64_t what = random_.Below(10);
  if (what < 5) {
    edit.archived = !thread->thread.archived;
  } else if (what < 8) {
    edit.name = MakeThreadName(random_);
  } else {
    edit.locked = !thread->thread.locked;
  }
  return world_->UpdateChannel(thread->id, edit);
}

EventGenerator::Outcome EventGenerator::TryThreadDelete(const Guild& guild) {
  const Channel* thread = PickChannel(guild, IsThreadChannel);
  if (!thread) return std::nullopt;
  return world_->DeleteChannel(thread->id);
}

// ---- Roles, guild, emojis ----

EventGenerator::Outcome EventGenerator::TryRoleCreate(const Guild& guild) {
  if (guild.roles.size() >= 250) return std::nullopt;
  RoleSpec spec;
  spec.name = MakeRoleName(random_);
  spec.color = static_cast<uint32_t>(random_.Below(0x1000000));
  spec.hoist = random_.Chance(0.2);
  spec.mentionable = random_.Chance(0.3);
  auto id = world_->CreateRole(guild.id, spec);
  if (!id.ok()) return Status(id.error());
  return Ok();
}

EventGenerator::Outcome EventGenerator::TryRoleUpdate(const Guild& guild) {
  for (int i = 0; i < kTries; ++i) {
    const Role& role = guild.roles[random_.Below(guild.roles.size())];
    if (role.managed || role.id.value() == guild.id.value()) continue;
    RoleEdit edit;
    uint64_t what = random_.Below(4);
    if (what == 0) {
      edit.name = MakeRoleName(random_);
    } else if (what == 1) {
      edit.color = static_cast<uint32_t>(random_.Below(0x1000000));
    } else if (what == 2) {
      edit.hoist = !role.hoist;
    } else {
      edit.permissions = role.permissions ^ permission::kManageMessages;
    }
    return world_->UpdateRole(guild.id, role.id, edit);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryRoleDelete(const Guild& guild) {
  for (int i = 0; i < kTries; ++i) {
    const Role& role = guild.roles[random_.Below(guild.roles.size())];
    if (role.managed || role.id.value() == guild.id.value()) continue;
    return world_->DeleteRole(guild.id, role.id);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryGuildUpdate(const Guild& guild) {
  GuildEdit edit;
  uint64_t what = random_.Below(4);
  if (what == 0) {
    edit.name = MakeGuildName(random_);
  } else if (what == 1) {
    std::string description;
    AppendSentence(random_, 6, &description);
    edit.description = std::move(description);
  } else if (what == 2) {
    edit.verification_level = static_cast<uint8_t>((guild.verification_level + 1) % 5);
  } else {
    edit.features = guild.features ^ (1u << random_.Below(kGuildFeatureCount));
  }
  return world_->UpdateGuild(guild.id, edit);
}

EventGenerator::Outcome EventGenerator::TryEmojisUpdate(const Guild& guild) {
  uint64_t what = guild.emojis.empty() ? 0 : random_.Below(10);
  if (what < 4 && guild.emojis.size() < 250) {
    EmojiSpec spec;
    spec.name = MakeEmojiName(random_, static_cast<uint32_t>(random_.Below(1000)));
    spec.animated = random_.Chance(0.1);
    auto id = world_->CreateEmoji(guild.id, spec);
    if (!id.ok()) return Status(id.error());
    return Ok();
  }
  if (guild.emojis.empty()) return std::nullopt;
  const Emoji& emoji = guild.emojis[random_.Below(guild.emojis.size())];
  if (what < 7) {
    EmojiEdit edit;
    edit.name = MakeEmojiName(random_, static_cast<uint32_t>(random_.Below(1000)));
    return world_->UpdateEmoji(guild.id, emoji.id, edit);
  }
  return world_->DeleteEmoji(guild.id, emoji.id);
}

// ---- Voice, invites, bans, pins ----

EventGenerator::Outcome EventGenerator::TryVoiceStateUpdate(const Guild& guild) {
  uint64_t what = random_.Below(10);
  if (what < 4 || guild.voice_states.empty()) {
    // Someone joins.
    const Channel* channel = PickChannel(guild, IsVoiceChannel);
    if (!channel) return std::nullopt;
    for (int i = 0; i < kTries; ++i) {
      const Member* member = PickHuman(guild, /*allow_owner=*/true);
      if (!member) return std::nullopt;
      UserId user = world_->user(member->user).id;
      if (guild.FindVoiceState(user)) continue;
      VoiceSpec spec;
      spec.channel = channel->id;
      spec.self_mute = random_.Chance(0.2);
      return world_->UpdateVoiceState(guild.id, user, spec);
    }
    return std::nullopt;
  }
  const VoiceState& state = guild.voice_states[random_.Below(guild.voice_states.size())];
  UserId user = world_->user(state.user).id;
  VoiceSpec spec;
  if (what < 8) {
    return world_->UpdateVoiceState(guild.id, user, spec);  // leaves
  }
  spec.channel = state.channel;
  spec.self_mute = state.self_mute;
  spec.self_deaf = state.self_deaf;
  if (what == 8) {
    const Channel* channel = PickChannel(guild, IsVoiceChannel);
    if (channel) spec.channel = channel->id;  // moves (maybe to the same channel)
  } else {
    spec.self_mute = !state.self_mute;
  }
  return world_->UpdateVoiceState(guild.id, user, spec);
}

EventGenerator::Outcome EventGenerator::TryInviteCreate(const Guild& guild) {
  const Channel* channel = PickChannel(guild, IsInvitable);
  if (!channel) return std::nullopt;
  InviteSpec spec;
  spec.inviter = world_->user(PickMember(guild).user).id;
  static constexpr uint32_t kAges[] = {0, 3600, 86400, 604800};
  spec.max_age = kAges[random_.Below(4)];
  spec.max_uses = random_.Chance(0.3) ? static_cast<uint32_t>(random_.Between(1, 100)) : 0;
  auto code = world_->CreateInvite(channel->id, spec);
  if (!code.ok()) return Status(code.error());
  return Ok();
}

EventGenerator::Outcome EventGenerator::TryInviteDelete(const Guild& guild) {
  if (guild.invites.empty()) return std::nullopt;
  std::string code = guild.invites[random_.Below(guild.invites.size())].code;
  return world_->DeleteInvite(code);
}

EventGenerator::Outcome EventGenerator::TryBanAdd(const Guild& guild) {
  if (random_.Chance(0.8) && guild.members.size() > guild.bots.size() + 1) {
    const Member* member = PickHuman(guild, /*allow_owner=*/false);
    if (member) return world_->BanUser(guild.id, world_->user(member->user).id, "spam");
  }
  const auto& users = world_->users();
  for (int i = 0; i < kTries; ++i) {
    const User& user = users[random_.Below(users.size())];
    if (user.bot || user.id == guild.owner || guild.bans.count(user.id.value())) continue;
    return world_->BanUser(guild.id, user.id);
  }
  return std::nullopt;
}

EventGenerator::Outcome EventGenerator::TryBanRemove(const Guild& guild) {
  if (guild.bans.empty()) return std::nullopt;
  auto it = guild.bans.begin();
  std::advance(it, static_cast<ptrdiff_t>(random_.Below(guild.bans.size())));
  return world_->UnbanUser(guild.id, UserId(it->first));
}

EventGenerator::Outcome EventGenerator::TryPinsUpdate(const Guild& guild) {
  const Channel* channel = PickChannelWithMessages(guild);
  if (!channel) return std::nullopt;
  const Message& message = channel->messages.at(random_.Below(channel->messages.size()));
  if (message.pinned) return world_->UnpinMessage(channel->id, message.id);
  return world_->PinMessage(channel->id, message.id, world_->user(PickMember(guild).user).id);
}

}  // namespace pylon::sim
