// Copyright 2026 The Pylon Gateway Authors.
// ShardCache: queries, permission views, counts and memory accounting.

#include <algorithm>
#include <utility>

#include "cache/shard_cache.h"
#include "cache/shard_cache_internal.h"

namespace pylon::cache {
namespace {

char AsciiLower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; }

// ASCII case-insensitive; other bytes (UTF-8) must be equal.
bool EqualsFolded(std::string_view text, std::string_view folded_query) {
  if (text.size() != folded_query.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (AsciiLower(text[i]) != folded_query[i]) return false;
  }
  return true;
}

bool StartsWithFolded(std::string_view text, std::string_view folded_query) {
  return text.size() >= folded_query.size() &&
         EqualsFolded(text.substr(0, folded_query.size()), folded_query);
}

std::string Fold(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

// Keeps the `limit` smallest ids, ascending.
void SmallestIds(std::vector<std::pair<uint64_t, uint32_t>>* picked, uint32_t limit) {
  if (picked->size() > limit) {
    std::nth_element(picked->begin(), picked->begin() + limit, picked->end());
    picked->resize(limit);
  }
  std::sort(picked->begin(), picked->end());
}

template <typename Map>
std::vector<const typename Map::mapped_type*> SortedByPosition(const Map& map) {
  std::vector<const typename Map::mapped_type*> out;
  out.reserve(map.size());
  for (const auto& [id, value] : map) out.push_back(&value);
  std::sort(out.begin(), out.end(), [](const auto* a, const auto* b) {
    return a->position != b->position ? a->position < b->position : a->id.value() < b->id.value();
  });
  return out;
}

uint64_t ActivityHeap(const discord::Activity& a) {
  return StringHeap(a.name) + StringHeap(a.url) + StringHeap(a.details) + StringHeap(a.state) +
         StringHeap(a.emoji_name) + StringHeap(a.party_id) + StringHeap(a.large_image) +
         StringHeap(a.large_text) + StringHeap(a.small_image) + StringHeap(a.small_text) +
         StringHeap(a.secret_join) + StringHeap(a.secret_spectate) + StringHeap(a.secret_match);
}

uint64_t ImageHeap(const discord::ImageHash& hash) { return HeapBlock(hash.heap_bytes()); }

}  // namespace

bool ShardCache::HasGuild(GuildId guild) const {
  const GuildState* g = impl_->FindGuild(guild);
  return g != nullptr && g->has_data;
}

bool ShardCache::GetGuild(GuildId guild, pb::GuildData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr || !g->has_data) return false;
  if (out != nullptr) impl_->GuildToProto(*g, out);
  return true;
}

void ShardCache::ListChannels(GuildId guild,
                              google::protobuf::RepeatedPtrField<pb::ChannelData>* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return;
  for (const discord::Channel* channel : SortedByPosition(g->channels)) {
    if (!discord::IsThread(channel->type)) ToProto(*channel, out->Add());
  }
}

bool ShardCache::GetChannel(GuildId guild, ChannelId channel, pb::ChannelData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return false;
  auto it = g->channels.find(channel.value());
  if (it == g->channels.end()) return false;
  if (out != nullptr) ToProto(it->second, out);
  return true;
}

bool ShardCache::GetMember(GuildId guild, UserId user, pb::MemberData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  const MemberRecord* member = g != nullptr ? g->members.Find(user) : nullptr;
  if (member == nullptr) return false;
  if (out != nullptr) impl_->MemberToProto(*g, *member, out);
  return true;
}

void ShardCache::ListMembers(GuildId guild, UserId after, uint32_t limit,
                             google::protobuf::RepeatedPtrField<pb::MemberData>* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr || limit == 0) return;
  const std::vector<MemberRecord>& records = g->members.records();
  std::vector<std::pair<uint64_t, uint32_t>> picked;
  picked.reserve(records.size());
  for (uint32_t i = 0; i < records.size(); ++i) {
    if (records[i].user.value() > after.value()) picked.emplace_back(records[i].user.value(), i);
  }
  SmallestIds(&picked, limit);
  out->Reserve(out->size() + static_cast<int>(picked.size()));
  for (const auto& [id, index] : picked) impl_->MemberToProto(*g, records[index], out->Add());
}

void ShardCache::FindMembers(GuildId guild, const MemberQuery& query,
                             google::protobuf::RepeatedPtrField<pb::MemberData>* out) const {
  const Impl& d = *impl_;
  const GuildState* g = d.FindGuild(guild);
  if (g == nullptr || query.limit == 0) return;
  const std::string name = query.name ? Fold(*query.name) : std::string();
  const std::string prefix = query.prefix ? Fold(*query.prefix) : std::string();
  const std::vector<MemberRecord>& records = g->members.records();
  std::vector<std::pair<uint64_t, uint32_t>> picked;
  for (uint32_t i = 0; i < records.size(); ++i) {
    const MemberRecord& member = records[i];
    if (query.role.has_value() && query.role->value() != guild.value() &&
        !member.roles.contains(query.role->value())) {
      continue;
    }
    if (query.name.has_value() || query.prefix.has_value()) {
      const std::string_view username = d.users.at(member.user_slot).username.view();
      const std::string_view nick = g->members.Nick(member);
      if (query.name.has_value() && !EqualsFolded(username, name) &&
          !(member.has(MemberRecord::kHasNick) && EqualsFolded(nick, name))) {
        continue;
      }
      if (query.prefix.has_value() && !StartsWithFolded(username, prefix) &&
          !(member.has(MemberRecord::kHasNick) && StartsWithFolded(nick, prefix))) {
        continue;
      }
    }
    if (query.status.has_value()) {
      auto it = g->presences.find(member.user.value());
      const discord::OnlineStatus status =
          it == g->presences.end() ? discord::OnlineStatus::kOffline : it->second.status;
      if (status != *query.status) continue;
    }
    picked.emplace_back(member.user.value(), i);
  }
  SmallestIds(&picked, query.limit);
  out->Reserve(out->size() + static_cast<int>(picked.size()));
  for (const auto& [id, index] : picked) d.MemberToProto(*g, records[index], out->Add());
}

bool ShardCache::GetPresence(GuildId guild, UserId user, pb::PresenceData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return false;
  auto it = g->presences.find(user.value());
  if (it == g->presences.end()) return false;
  if (out != nullptr) impl_->PresenceToProto(guild, user, it->second, out);
  return true;
}

void ShardCache::ListRoles(GuildId guild,
                           google::protobuf::RepeatedPtrField<pb::RoleData>* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return;
  for (const discord::Role* role : SortedByPosition(g->roles)) ToProto(*role, guild, out->Add());
}

bool ShardCache::GetRole(GuildId guild, RoleId role, pb::RoleData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return false;
  auto it = g->roles.find(role.value());
  if (it == g->roles.end()) return false;
  if (out != nullptr) ToProto(it->second, guild, out);
  return true;
}

void ShardCache::ListEmojis(GuildId guild,
                            google::protobuf::RepeatedPtrField<pb::EmojiData>* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return;
  for (const discord::Emoji& emoji : g->emojis) ToProto(emoji, guild, out->Add());
}

bool ShardCache::GetEmoji(GuildId guild, EmojiId emoji, pb::EmojiData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return false;
  for (const discord::Emoji& e : g->emojis) {
    if (e.id == emoji) {
      if (out != nullptr) ToProto(e, guild, out);
      return true;
    }
  }
  return false;
}

bool ShardCache::GetVoiceState(GuildId guild, UserId user, pb::VoiceStateData* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return false;
  auto it = g->voice_states.find(user.value());
  if (it == g->voice_states.end()) return false;
  if (out != nullptr) impl_->VoiceToProto(g, guild, it->second.state, nullptr, out);
  return true;
}

void ShardCache::ListChannelVoiceStates(
    GuildId guild, ChannelId channel,
    google::protobuf::RepeatedPtrField<pb::VoiceStateData>* out) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr) return;
  std::vector<const discord::VoiceState*> states;
  for (const auto& [id, voice] : g->voice_states) {
    if (voice.state.channel == channel) states.push_back(&voice.state);
  }
  std::sort(states.begin(), states.end(),
            [](const auto* a, const auto* b) { return a->user < b->user; });
  for (const discord::VoiceState* state : states) {
    impl_->VoiceToProto(g, guild, *state, nullptr, out->Add());
  }
}

bool ShardCache::GetUser(UserId user, pb::UserData* out) const {
  if (!impl_->Has(Kind::kUsers)) return false;
  const UserRecord* record = impl_->FindUser(user);
  if (record == nullptr) return false;
  if (out != nullptr) ToProto(*record, out);
  return true;
}

bool ShardCache::GetMessage(ChannelId channel, MessageId message, pb::MessageData* out) const {
  auto ring = impl_->messages.find(channel.value());
  if (ring == impl_->messages.end()) return false;
  const StoredMessage* stored = ring->second.Find(message);
  if (stored == nullptr) return false;
  return out == nullptr || out->ParseFromString(stored->data);
}

void ShardCache::MutualGuilds(UserId user,
                              google::protobuf::RepeatedPtrField<pb::GuildData>* out) const {
  std::vector<const GuildState*> found;
  for (const auto& [id, guild] : impl_->guilds) {
    if (guild->has_data && guild->members.Find(user) != nullptr) found.push_back(guild.get());
  }
  std::sort(found.begin(), found.end(), [](const auto* a, const auto* b) { return a->id < b->id; });
  for (const GuildState* guild : found) impl_->GuildToProto(*guild, out->Add());
}

bool ShardCache::FindEmoji(EmojiId emoji, pb::EmojiData* out) const {
  for (const auto& [id, guild] : impl_->guilds) {
    for (const discord::Emoji& e : guild->emojis) {
      if (e.id == emoji) {
        if (out != nullptr) ToProto(e, guild->id, out);
        return true;
      }
    }
  }
  return false;
}

bool ShardCache::HasMember(GuildId guild, UserId user) const {
  const GuildState* g = impl_->FindGuild(guild);
  return g != nullptr && g->members.Find(user) != nullptr;
}

std::vector<GuildId> ShardCache::Guilds() const {
  std::vector<GuildId> out;
  out.reserve(impl_->guilds.size());
  for (const auto& [id, guild] : impl_->guilds) out.push_back(guild->id);
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<uint64_t> ShardCache::ComputePermissions(GuildId guild, UserId user,
                                                       std::optional<ChannelId> channel) const {
  const Impl& d = *impl_;
  const GuildState* g = d.FindGuild(guild);
  if (g == nullptr || !g->has_data) return std::nullopt;
  const MemberRecord* member = g->members.Find(user);
  if (member == nullptr) return std::nullopt;
  PermissionInput in;
  in.guild = guild;
  in.owner = g->data.owner;
  in.user = user;
  in.roles = &member->roles;
  in.guild_roles = &g->roles;
  const discord::TimestampUs until = g->members.TimeoutUntil(*member);
  in.timed_out = until != 0 && until > d.NowUs();
  if (channel.has_value()) {
    auto it = g->channels.find(channel->value());
    if (it == g->channels.end()) return std::nullopt;
    in.channel = &it->second;
    if (discord::IsThread(it->second.type)) {
      // A thread has its parent's permissions.
      auto parent = g->channels.find(it->second.parent.value());
      if (parent == g->channels.end()) return std::nullopt;
      in.channel = &parent->second;
      in.in_thread = true;
    }
  }
  return cache::ComputePermissions(in);
}

std::optional<int32_t> ShardCache::TopRolePosition(GuildId guild, UserId user) const {
  const GuildState* g = impl_->FindGuild(guild);
  const MemberRecord* member = g != nullptr ? g->members.Find(user) : nullptr;
  if (member == nullptr) return std::nullopt;
  int32_t top = 0;
  for (uint64_t role : member->roles) {
    if (auto it = g->roles.find(role); it != g->roles.end()) {
      top = std::max(top, it->second.position);
    }
  }
  return top;
}

std::optional<UserId> ShardCache::GuildOwner(GuildId guild) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr || !g->has_data) return std::nullopt;
  return g->data.owner;
}

std::optional<ShardCache::GuildMemberCounts> ShardCache::MemberCounts(GuildId guild) const {
  const GuildState* g = impl_->FindGuild(guild);
  if (g == nullptr || !g->has_data) return std::nullopt;
  return GuildMemberCounts{g->data.member_count, g->members.size()};
}

ShardCache::Counts ShardCache::counts() const {
  Counts c;
  for (const auto& [id, guild] : impl_->guilds) {
    if (guild->has_data) ++c.guilds;
    c.channels += guild->channels.size();
    c.members += guild->members.size();
    c.presences += guild->presences.size();
    c.voice_states += guild->voice_states.size();
  }
  c.users = impl_->users.size();
  for (const auto& [id, ring] : impl_->messages) c.messages += ring.size();
  return c;
}

KindUsage ShardCache::Usage(Kind kind) const {
  const Impl& d = *impl_;
  KindUsage u;
  switch (kind) {
    case Kind::kGuilds:
      // The per-guild containers count here.
      u.bytes = TableBytes(d.guilds);
      for (const auto& [id, guild] : d.guilds) {
        const discord::Guild& g = guild->data;
        if (guild->has_data) ++u.objects;
        u.bytes += HeapBlock(sizeof(GuildState)) + StringHeap(g.name) + StringHeap(g.region) +
                   StringHeap(g.vanity_url_code) + StringHeap(g.description) + ImageHeap(g.icon) +
                   ImageHeap(g.splash) + ImageHeap(g.discovery_splash) + ImageHeap(g.banner) +
                   HeapBlock(g.features.capacity() * sizeof(std::string));
        for (const std::string& feature : g.features) u.bytes += StringHeap(feature);
      }
      break;
    case Kind::kChannels:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->channels.size();
        u.bytes += TableBytes(guild->channels);
        for (const auto& [cid, c] : guild->channels) {
          u.bytes += StringHeap(c.topic) + HeapBlock(c.name.heap_bytes()) +
                     HeapBlock(c.overwrites.capacity() * sizeof(discord::Overwrite));
        }
      }
      break;
    case Kind::kRoles:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->roles.size();
        u.bytes += TableBytes(guild->roles);
        for (const auto& [rid, r] : guild->roles) u.bytes += HeapBlock(r.name.heap_bytes());
      }
      break;
    case Kind::kMembers:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->members.size();
        u.bytes += guild->members.Bytes();
      }
      break;
    case Kind::kUsers:
      return d.users.Usage();
    case Kind::kPresences:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->presences.size();
        u.bytes += TableBytes(guild->presences);
        for (const auto& [uid, p] : guild->presences) {
          u.bytes += HeapBlock(p.activities.capacity() * sizeof(discord::Activity));
          for (const discord::Activity& a : p.activities) u.bytes += ActivityHeap(a);
        }
      }
      break;
    case Kind::kVoiceStates:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->voice_states.size();
        u.bytes += TableBytes(guild->voice_states);
        for (const auto& [uid, v] : guild->voice_states) u.bytes += StringHeap(v.state.session_id);
      }
      break;
    case Kind::kEmojis:
      for (const auto& [id, guild] : d.guilds) {
        u.objects += guild->emojis.size();
        u.bytes += HeapBlock(guild->emojis.capacity() * sizeof(discord::Emoji));
        for (const discord::Emoji& e : guild->emojis) {
          u.bytes += HeapBlock(e.name.heap_bytes()) + HeapBlock(e.roles.heap_bytes());
        }
      }
      break;
    case Kind::kMessages:
      u.bytes = TableBytes(d.messages);
      for (const auto& [id, ring] : d.messages) {
        u.objects += ring.size();
        u.bytes += ring.Bytes();
      }
      break;
  }
  return u;
}

}  // namespace pylon::cache
