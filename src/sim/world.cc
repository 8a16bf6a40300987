// Copyright 2026 The Pylon Gateway Authors.
// World: construction, lookups, indexes, permissions, delivery rules, stats and invariants.
// Generation is in world_generate.cc, rendering in world_render.cc, mutations in world_mutate.cc.

#include "sim/world.h"

#include <algorithm>
#include <set>

namespace pylon::sim {

std::string_view StatusName(PresenceStatus status) {
  switch (status) {
    case PresenceStatus::kOnline:
      return "online";
    case PresenceStatus::kIdle:
      return "idle";
    case PresenceStatus::kDnd:
      return "dnd";
    case PresenceStatus::kOffline:
      break;
  }
  return "offline";
}

// ---- MessageRing ----

bool MessageRing::Push(Message message, uint32_t depth) {
  if (depth == 0) return true;
  if (messages_.size() < depth) {
    messages_.push_back(std::move(message));
    return false;
  }
  messages_[head_] = std::move(message);
  head_ = (head_ + 1) % messages_.size();
  return true;
}

Message& MessageRing::Append(uint32_t depth, bool* evicted) {
  if (messages_.size() < depth) {
    *evicted = false;
    return messages_.emplace_back();
  }
  *evicted = true;
  Message& slot = messages_[head_];
  head_ = (head_ + 1) % messages_.size();
  slot.id = MessageId();
  slot.author = kNoUser;
  slot.type = MessageType::kDefault;
  slot.tts = slot.pinned = slot.mention_everyone = false;
  slot.edited_ms = 0;
  slot.reference = MessageId();
  slot.content.clear();
  slot.embeds.clear();
  slot.mentions.clear();
  slot.reactions.clear();
  return slot;
}

int64_t MessageRing::IndexOf(MessageId id) const {
  size_t lo = 0, hi = size();
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (at(mid).id < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo < size() && at(lo).id == id ? static_cast<int64_t>(lo) : -1;
}

Message* MessageRing::Find(MessageId id) {
  int64_t i = IndexOf(id);
  return i < 0 ? nullptr : &at(static_cast<size_t>(i));
}

const Message* MessageRing::Find(MessageId id) const {
  int64_t i = IndexOf(id);
  return i < 0 ? nullptr : &at(static_cast<size_t>(i));
}

bool MessageRing::Erase(MessageId id) {
  int64_t i = IndexOf(id);
  if (i < 0) return false;
  if (head_ != 0) {
    std::rotate(messages_.begin(), messages_.begin() + static_cast<ptrdiff_t>(head_),
                messages_.end());
    head_ = 0;
  }
  messages_.erase(messages_.begin() + i);
  return true;
}

namespace {

size_t StringHeap(const std::string& s) {
  return s.capacity() > 15 ? s.capacity() + 1 : 0;  // libstdc++ keeps 15 chars inline
}

}  // namespace

size_t MessageRing::MemoryBytes() const {
  size_t bytes = messages_.capacity() * sizeof(Message);
  for (const Message& m : messages_) {
    bytes += StringHeap(m.content) + m.embeds.capacity() * sizeof(Embed) +
             m.mentions.capacity() * sizeof(UserRef) + m.reactions.capacity() * sizeof(Reaction);
    for (const Embed& e : m.embeds) bytes += StringHeap(e.title) + StringHeap(e.description);
    for (const Reaction& r : m.reactions) {
      bytes += r.users.capacity() * sizeof(UserRef) + StringHeap(r.emoji.name);
    }
  }
  return bytes;
}

// ---- Guild ----

const Role* Guild::FindRole(RoleId id) const {
  for (const Role& role : roles) {
    if (role.id == id) return &role;
  }
  return nullptr;
}

Role* Guild::FindRole(RoleId id) {
  return const_cast<Role*>(static_cast<const Guild*>(this)->FindRole(id));
}

const Emoji* Guild::FindEmoji(EmojiId id) const {
  for (const Emoji& emoji : emojis) {
    if (emoji.id == id) return &emoji;
  }
  return nullptr;
}

// ---- World: construction and lookups ----

World::World(const WorldConfig& config, const Clock& clock)
    : config_(config), clock_(&clock), random_(Mix64(config.seed ^ 0x5157'4f52'4c44ull)) {
  Generate();
}

World::~World() = default;

const User* World::FindUser(UserId id) const {
  const uint32_t* ref = user_index_.Find(id.value());
  return ref ? &users_[*ref] : nullptr;
}

std::optional<UserRef> World::FindUserRef(UserId id) const {
  const uint32_t* ref = user_index_.Find(id.value());
  if (!ref) return std::nullopt;
  return *ref;
}

const Bot* World::FindBot(UserId bot) const {
  const uint32_t* index = bot_index_.Find(bot.value());
  return index ? &bots_[*index] : nullptr;
}

const Bot* World::FindBotByToken(std::string_view token) const {
  for (const Bot& bot : bots_) {
    if (bot.token.reveal() == token) return &bot;
  }
  return nullptr;
}

const Guild* World::FindGuild(GuildId id) const {
  const uint32_t* index = guild_index_.Find(id.value());
  return index ? guilds_[*index].get() : nullptr;
}

Guild* World::MutableGuild(GuildId id) {
  const uint32_t* index = guild_index_.Find(id.value());
  return index ? guilds_[*index].get() : nullptr;
}

const Channel* World::FindChannel(ChannelId id, const Guild** guild) const {
  const uint32_t* slot = channel_index_.Find(id.value());
  if (!slot) return nullptr;
  const ChannelSlot& where = channel_slots_[*slot];
  const Guild* owner = guilds_[where.guild].get();
  if (guild) *guild = owner;
  return &owner->channels[where.channel];
}

Channel* World::MutableChannel(ChannelId id, Guild** guild) {
  const uint32_t* slot = channel_index_.Find(id.value());
  if (!slot) return nullptr;
  const ChannelSlot& where = channel_slots_[*slot];
  Guild* owner = guilds_[where.guild].get();
  if (guild) *guild = owner;
  return &owner->channels[where.channel];
}

Result<Guild*> World::GuildOrError(GuildId id) {
  Guild* guild = MutableGuild(id);
  if (!guild) return NotFound("Unknown Guild " + id.ToString());
  return guild;
}

Result<Channel*> World::ChannelOrError(ChannelId id, Guild** guild) {
  Channel* channel = MutableChannel(id, guild);
  if (!channel) return NotFound("Unknown Channel " + id.ToString());
  return channel;
}

Result<UserRef> World::UserOrError(UserId id) const {
  const uint32_t* ref = user_index_.Find(id.value());
  if (!ref) return NotFound("Unknown User " + id.ToString());
  return *ref;
}

uint32_t World::GuildIndex(const Guild& guild) const {
  return *guild_index_.Find(guild.id.value());
}

const Role* World::FindRole(GuildId guild, RoleId role) const {
  const Guild* g = FindGuild(guild);
  return g ? g->FindRole(role) : nullptr;
}

const Member* World::FindMember(GuildId guild, UserId user) const {
  const Guild* g = FindGuild(guild);
  return g ? g->FindMember(user) : nullptr;
}

const Message* World::FindMessage(ChannelId channel, MessageId message) const {
  const Channel* c = FindChannel(channel);
  return c ? c->messages.Find(message) : nullptr;
}

const Invite* World::FindInvite(std::string_view code, const Guild** guild) const {
  for (const auto& g : guilds_) {
    for (const Invite& invite : g->invites) {
      if (invite.code == code) {
        if (guild) *guild = g.get();
        return &invite;
      }
    }
  }
  return nullptr;
}

std::vector<ChannelId> World::ThreadsOf(ChannelId parent) const {
  std::vector<ChannelId> threads;
  const Guild* guild = nullptr;
  if (!FindChannel(parent, &guild)) return threads;
  for (const Channel& channel : guild->channels) {
    if (IsThread(channel.type) && channel.parent == parent) threads.push_back(channel.id);
  }
  std::sort(threads.begin(), threads.end());
  return threads;
}

// ---- Indexes ----

void World::IndexChannel(const Guild& guild, uint32_t guild_index, uint32_t position) {
  uint32_t slot;
  if (!free_channel_slots_.empty()) {
    slot = free_channel_slots_.back();
    free_channel_slots_.pop_back();
  } else {
    slot = static_cast<uint32_t>(channel_slots_.size());
    channel_slots_.emplace_back();
  }
  channel_slots_[slot] = ChannelSlot{guild_index, position};
  channel_index_.Set(guild.channels[position].id.value(), slot);
}

void World::RemoveChannelAt(Guild& guild, uint32_t position) {
  uint64_t id = guild.channels[position].id.value();
  uint32_t slot = *channel_index_.Find(id);
  channel_index_.Erase(id);
  free_channel_slots_.push_back(slot);
  uint32_t last = static_cast<uint32_t>(guild.channels.size() - 1);
  if (position != last) {
    guild.channels[position] = std::move(guild.channels[last]);
    channel_slots_[*channel_index_.Find(guild.channels[position].id.value())].channel = position;
  }
  guild.channels.pop_back();
}

void World::AddMemberRaw(Guild& guild, Member member) {
  uint64_t id = users_[member.user].id.value();
  guild.member_index.Set(id, static_cast<uint32_t>(guild.members.size()));
  guild.members.push_back(std::move(member));
}

void World::RemoveMemberRaw(Guild& guild, UserId user) {
  uint32_t position = *guild.member_index.Find(user.value());
  guild.member_index.Erase(user.value());
  uint32_t last = static_cast<uint32_t>(guild.members.size() - 1);
  if (position != last) {
    guild.members[position] = std::move(guild.members[last]);
    guild.member_index.Set(users_[guild.members[position].user].id.value(), position);
  }
  guild.members.pop_back();
}

void World::SetVoiceRaw(Guild& guild, VoiceState state) {
  uint64_t id = users_[state.user].id.value();
  if (uint32_t* position = guild.voice_index.Find(id)) {
    guild.voice_states[*position] = state;
    return;
  }
  guild.voice_index.Set(id, static_cast<uint32_t>(guild.voice_states.size()));
  guild.voice_states.push_back(state);
}

void World::RemoveVoiceRaw(Guild& guild, UserId user) {
  const uint32_t* found = guild.voice_index.Find(user.value());
  if (!found) return;
  uint32_t position = *found;
  guild.voice_index.Erase(user.value());
  uint32_t last = static_cast<uint32_t>(guild.voice_states.size() - 1);
  if (position != last) {
    guild.voice_states[position] = guild.voice_states[last];
    guild.voice_index.Set(users_[guild.voice_states[position].user].id.value(), position);
  }
  guild.voice_states.pop_back();
}

bool World::PushMessage(Channel& channel, Message message) {
  MessageId id = message.id;
  bool evicted = channel.messages.Push(std::move(message), config_.message_depth);
  if (evicted) ++messages_evicted_;
  channel.last_message_id = id;
  return evicted;
}

// ---- Permissions and delivery ----

uint64_t World::ComputePermissions(const Guild& guild, UserId user, const Channel* channel) const {
  const Member* member = guild.FindMember(user);
  if (!member) return 0;
  if (guild.owner == user) return permission::kAll;
  uint64_t base = guild.roles.empty() ? 0 : guild.roles[0].permissions;
  for (RoleId id : member->roles) {
    if (const Role* role = guild.FindRole(id)) base |= role->permissions;
  }
  if (base & permission::kAdministrator) return permission::kAll;
  uint64_t p = base;
  if (channel) {
    if (IsThread(channel->type)) {
      const Channel* parent = FindChannel(channel->parent);
      if (parent) channel = parent;
    }
    uint64_t role_allow = 0, role_deny = 0;
    const Overwrite* everyone = nullptr;
    const Overwrite* own = nullptr;
    for (const Overwrite& o : channel->overwrites) {
      if (o.type == 0 && o.id == guild.id.value()) {
        everyone = &o;
      } else if (o.type == 0) {
        for (RoleId id : member->roles) {
          if (id.value() == o.id) {
            role_allow |= o.allow;
            role_deny |= o.deny;
          }
        }
      } else if (o.id == user.value()) {
        own = &o;
      }
    }
    if (everyone) p = (p & ~everyone->deny) | everyone->allow;
    p = (p & ~role_deny) | role_allow;
    if (own) p = (p & ~own->deny) | own->allow;
    if (!(p & permission::kViewChannel)) return 0;
    if (IsVoiceBased(channel->type) && !(p & permission::kConnect)) return 0;
  }
  if (member->communication_disabled_until_ms > NowMs()) {
    p &= permission::kViewChannel | permission::kReadMessageHistory;
  }
  return p;
}

bool World::ShouldDeliver(const Dispatch& dispatch, const BotView& view) const {
  if (!dispatch.IntentAllows(view)) return false;
  if (dispatch.required_permissions == 0) return true;
  const Guild* guild = FindGuild(dispatch.guild);
  if (!guild) return false;
  const Channel* channel =
      dispatch.permission_channel.is_zero() ? nullptr : FindChannel(dispatch.permission_channel);
  return (ComputePermissions(*guild, view.user, channel) & dispatch.required_permissions) != 0;
}

// ---- Dispatch plumbing ----

JsonWriter* World::BeginDispatch(GuildId guild, std::string_view name, int32_t intent_bit) {
  if (!sink_) return nullptr;
  dispatch_.Reset();
  dispatch_.guild = guild;
  dispatch_.name = name;
  dispatch_.intent_bit = intent_bit;
  writer_.emplace(&dispatch_.json);
  emitting_ = true;
  return &*writer_;
}

void World::EndDispatch() {
  if (!emitting_) return;
  emitting_ = false;
  writer_.reset();  // the payload is exact from here on
  ++dispatches_;
  sink_->Emit(dispatch_);
}

// ---- Stats ----

WorldStats World::Stats() const {
  WorldStats s;
  s.users = users_.size();
  s.bots = bots_.size();
  s.guilds = guilds_.size();
  s.messages_evicted = messages_evicted_;
  s.dispatches = dispatches_;
  uint64_t bytes = users_.capacity() * sizeof(User) + user_index_.MemoryBytes() +
                   guild_index_.MemoryBytes() + channel_index_.MemoryBytes() +
                   channel_slots_.capacity() * sizeof(ChannelSlot);
  for (const User& u : users_) bytes += StringHeap(u.username) + StringHeap(u.global_name);
  for (const Bot& b : bots_) bytes += sizeof(Bot) + b.guilds.capacity() * sizeof(GuildId);
  for (const auto& g : guilds_) {
    bytes += sizeof(Guild) + g->roles.capacity() * sizeof(Role) +
             g->emojis.capacity() * sizeof(Emoji) + g->channels.capacity() * sizeof(Channel) +
             g->members.capacity() * sizeof(Member) + g->member_index.MemoryBytes() +
             g->voice_states.capacity() * sizeof(VoiceState) + g->voice_index.MemoryBytes() +
             g->invites.capacity() * sizeof(Invite) + g->bans.size() * (sizeof(Ban) + 48);
    s.roles += g->roles.size();
    s.emojis += g->emojis.size();
    for (const Channel& c : g->channels) {
      if (IsThread(c.type)) {
        ++s.threads;
      } else {
        ++s.channels;
      }
      s.messages += c.messages.size();
      bytes += c.messages.MemoryBytes() + c.overwrites.capacity() * sizeof(Overwrite) +
               StringHeap(c.name) + StringHeap(c.topic);
    }
    s.members += g->members.size();
    for (const Member& m : g->members) {
      if (m.presence.status != PresenceStatus::kOffline) ++s.online_members;
      bytes += StringHeap(m.nick) + m.roles.capacity() * sizeof(RoleId) +
               m.presence.activities.capacity() * sizeof(Activity);
      for (const Activity& a : m.presence.activities) {
        bytes += StringHeap(a.name) + StringHeap(a.state) + StringHeap(a.url);
      }
    }
    s.voice_states += g->voice_states.size();
    s.bans += g->bans.size();
    s.invites += g->invites.size();
  }
  s.approx_bytes = bytes;
  return s;
}

// ---- Invariants ----

namespace {

Status Violation(const std::string& what) { return Internal("world invariant: " + what); }

}  // namespace

Status World::CheckInvariants() const {
  if (user_index_.size() != users_.size()) return Violation("user index size");
  for (size_t i = 0; i < users_.size(); ++i) {
    const uint32_t* ref = user_index_.Find(users_[i].id.value());
    if (!ref || *ref != i) return Violation("user index of " + users_[i].id.ToString());
  }
  if (bot_index_.size() != bots_.size()) return Violation("bot index size");
  for (const Bot& bot : bots_) {
    if (bot.user >= users_.size() || users_[bot.user].id != bot.id || !users_[bot.user].bot) {
      return Violation("bot user of " + bot.id.ToString());
    }
    for (GuildId g : bot.guilds) {
      const Guild* guild = FindGuild(g);
      if (!guild) return Violation("bot " + bot.id.ToString() + " in unknown guild");
      if (std::find(guild->bots.begin(), guild->bots.end(), bot.id) == guild->bots.end()) {
        return Violation("guild " + g.ToString() + " does not list bot " + bot.id.ToString());
      }
    }
  }
  if (guild_index_.size() != guilds_.size()) return Violation("guild index size");
  size_t channel_total = 0;
  for (size_t gi = 0; gi < guilds_.size(); ++gi) {
    const Guild& g = *guilds_[gi];
    const std::string where = "guild " + g.id.ToString() + ": ";
    const uint32_t* index = guild_index_.Find(g.id.value());
    if (!index || *index != gi) return Violation(where + "guild index");
    // Roles.
    if (g.roles.empty() || g.roles[0].id.value() != g.id.value() || g.roles[0].position != 0) {
      return Violation(where + "@everyone role missing or misplaced");
    }
    std::set<uint64_t> role_ids;
    for (const Role& role : g.roles) {
      if (!role_ids.insert(role.id.value()).second) return Violation(where + "duplicate role");
    }
    if (g.roles.size() > 250) return Violation(where + "more than 250 roles");
    // Emojis.
    std::set<uint64_t> emoji_ids;
    for (const Emoji& e : g.emojis) {
      if (e.id.is_zero() || !emoji_ids.insert(e.id.value()).second) {
        return Violation(where + "bad emoji id");
      }
    }
    // Channels.
    std::set<uint64_t> channel_ids;
    for (size_t ci = 0; ci < g.channels.size(); ++ci) {
      const Channel& c = g.channels[ci];
      const std::string cw = where + "channel " + c.id.ToString() + ": ";
      if (!channel_ids.insert(c.id.value()).second) return Violation(cw + "duplicate");
      const uint32_t* slot = channel_index_.Find(c.id.value());
      if (!slot || channel_slots_[*slot].guild != gi || channel_slots_[*slot].channel != ci) {
        return Violation(cw + "channel index");
      }
      if (c.messages.size() > config_.message_depth) return Violation(cw + "ring too deep");
      for (size_t mi = 0; mi < c.messages.size(); ++mi) {
        const Message& m = c.messages.at(mi);
        if (mi > 0 && !(c.messages.at(mi - 1).id < m.id)) return Violation(cw + "ring order");
        if (m.author >= users_.size()) return Violation(cw + "message author");
        for (const Reaction& r : m.reactions) {
          if (r.users.empty()) return Violation(cw + "empty reaction");
          std::set<UserRef> unique(r.users.begin(), r.users.end());
          if (unique.size() != r.users.size()) return Violation(cw + "duplicate reactor");
        }
      }
      if (!c.messages.empty() && c.last_message_id < c.messages.newest().id) {
        return Violation(cw + "last_message_id behind the newest message");
      }
      if (!HoldsMessages(c.type) && !c.messages.empty()) {
        return Violation(cw + "messages in a channel that holds none");
      }
    }
    channel_total += g.channels.size();
    for (const Channel& c : g.channels) {
      const std::string cw = where + "channel " + c.id.ToString() + ": ";
      if (IsThread(c.type)) {
        const Channel* parent = FindChannel(c.parent);
        if (!parent || !channel_ids.count(c.parent.value()) || !CanHaveThreads(parent->type)) {
          return Violation(cw + "thread parent");
        }
      } else {
        if (!IsGuildChannelType(c.type)) return Violation(cw + "bad type");
        if (!c.parent.is_zero()) {
          const Channel* parent = FindChannel(c.parent);
          if (!parent || !channel_ids.count(c.parent.value()) ||
              parent->type != ChannelType::kCategory || c.type == ChannelType::kCategory) {
            return Violation(cw + "category parent");
          }
        }
      }
    }
    if (g.channels.size() - std::count_if(g.channels.begin(), g.channels.end(),
                                          [](const Channel& c) { return IsThread(c.type); }) >
        500) {
      return Violation(where + "more than 500 channels");
    }
    for (ChannelId special : {g.afk_channel, g.system_channel}) {
      if (!special.is_zero() && !channel_ids.count(special.value())) {
        return Violation(where + "afk/system channel does not exist");
      }
    }
    // Members.
    if (g.member_index.size() != g.members.size()) return Violation(where + "member index size");
    for (size_t mi = 0; mi < g.members.size(); ++mi) {
      const Member& m = g.members[mi];
      if (m.user >= users_.size()) return Violation(where + "member's user does not exist");
      const uint32_t* position = g.member_index.Find(users_[m.user].id.value());
      if (!position || *position != mi) return Violation(where + "member index");
      for (RoleId r : m.roles) {
        if (r.value() == g.id.value() || !role_ids.count(r.value())) {
          return Violation(where + "member " + users_[m.user].id.ToString() + " has role " +
                           r.ToString() + " that does not exist");
        }
      }
      if (g.bans.count(users_[m.user].id.value())) return Violation(where + "banned member");
    }
    if (!g.FindMember(g.owner)) return Violation(where + "owner is not a member");
    for (UserId bot : g.bots) {
      const Bot* b = FindBot(bot);
      if (!b || std::find(b->guilds.begin(), b->guilds.end(), g.id) == b->guilds.end()) {
        return Violation(where + "bot list");
      }
      if (!g.FindMember(bot)) return Violation(where + "bot " + bot.ToString() + " not a member");
    }
    // Voice states.
    if (g.voice_index.size() != g.voice_states.size()) return Violation(where + "voice index");
    for (size_t vi = 0; vi < g.voice_states.size(); ++vi) {
      const VoiceState& v = g.voice_states[vi];
      if (v.user >= users_.size()) return Violation(where + "voice user");
      UserId user = users_[v.user].id;
      const uint32_t* position = g.voice_index.Find(user.value());
      if (!position || *position != vi) return Violation(where + "voice index entry");
      if (!g.FindMember(user)) return Violation(where + "voice user is not a member");
      const Channel* c = FindChannel(v.channel);
      if (!c || !channel_ids.count(v.channel.value()) || !IsVoiceBased(c->type)) {
        return Violation(where + "voice channel " + v.channel.ToString());
      }
    }
    // Invites.
    for (const Invite& invite : g.invites) {
      if (!channel_ids.count(invite.channel.value())) return Violation(where + "invite channel");
      if (invite.code.empty()) return Violation(where + "invite code");
    }
  }
  if (channel_index_.size() != channel_total) return Violation("channel index size");
  return Ok();
}

}  // namespace pylon::sim
