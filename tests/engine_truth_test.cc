// Copyright 2026 The Pylon Gateway Authors.
// The truth test (issue 4): a simulated world of 200 guilds and 100,000 members, two shards over
// zstd-stream with member chunking (all_on_connect), then 100,000 events of the default mix. At
// the end the engine's cache must equal the simulator's truth object by object for every kind,
// every `previously_cached` the engine emitted must equal what the truth held before the event,
// and every dispatch the simulator sent must have been logged (or, for the kinds event.proto
// does not model, counted).
//
// How it works:
//  * A TruthRecorder sits between the World and the GatewayServer (World's EventSink; it forwards
//    every Dispatch to the gateway). It keeps a mirror of what the shard caches must hold,
//    initialised from the World once chunking is complete and refreshed after every dispatch for
//    the objects the dispatch touched, including changes that have no dispatch of their own
//    (GUILD_ROLE_DELETE strips the role from members; CHANNEL_DELETE drops the channel's threads
//    and the messages of both; GUILD_MEMBER_REMOVE drops presence and voice state; a ban removes
//    the member through GUILD_MEMBER_REMOVE). Users are mirrored per shard: a shard's cache keeps
//    one user object that every dispatch carrying the user (member add/update, voice state with
//    member, message author) refreshes.
//  * Matching: before forwarding a dispatch the recorder reads every simulated session's sequence
//    number, after forwarding it reads them again; the session whose sequence moved (by exactly
//    one) received it, at that sequence. Engine log entries carry Discord's sequence
//    (LoggedEvent::discord_sequence), and each shard has exactly one session here (asserted), so a
//    recorded "before" value is matched to the logged event of the same shard and sequence, whose
//    type must be the dispatch's name.
//  * The expected protos are built from the World's structs by tests/truth_expect.cc, written
//    from the contract, independently of src/cache/convert and src/discord.
//  * Two things a cache legitimately keeps from the dispatch that stored them rather than from
//    the current truth: a cached message keeps its author, the author's member and the mentioned
//    users as they were in the last MESSAGE_CREATE/UPDATE (the mirror snapshots them), and a
//    user known to a shard only as a message author keeps the fields it last saw.
//  * Threads: GUILD_CREATE lists the active ones. The engine does not model thread_metadata, so
//    a thread it saw archived (THREAD_UPDATE) stays cached. Expected: exactly the threads active
//    at connect plus those created or updated since (still existing), each equal to the truth;
//    archived threads it never heard of are not cached.

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>

#include "engine_fixture.h"
#include "truth_expect.h"

namespace pylon::testing {
namespace {

namespace pb = ::pylon::discord::v1::model;
namespace ev = ::pylon::discord::v1::event;
using net::testing::WaitUntil;

constexpr uint32_t kShards = 2;
constexpr uint64_t kEvents = 100000;
constexpr size_t kSamplesPerKind = 5;

// The nine events that carry previously_cached (pylon-api-contract.md §7).
constexpr std::string_view kPreviousKinds[] = {
    "GUILD_UPDATE",   "GUILD_MEMBER_UPDATE", "PRESENCE_UPDATE",
    "CHANNEL_UPDATE", "GUILD_ROLE_UPDATE",   "MESSAGE_UPDATE",
    "MESSAGE_DELETE", "VOICE_STATE_UPDATE",  "GUILD_EMOJIS_UPDATE"};
// Dispatches the engine applies but does not forward: event.proto has no case for them
// (gateway/shard.h; they are counted by name in ShardStats::unmodelled).
constexpr std::string_view kNotForwarded[] = {"THREAD_CREATE",       "THREAD_UPDATE",
                                              "THREAD_DELETE",       "THREAD_LIST_SYNC",
                                              "GUILD_MEMBERS_CHUNK", "USER_UPDATE"};

template <size_t N>
bool OneOf(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

uint32_t ShardOf(GuildId guild) { return shard_for(guild, kShards).value(); }

// An id rendered as a JSON string ("123"), or 0.
uint64_t IdOf(simdjson::dom::element value) {
  std::string_view text;
  if (value.get_string().get(text) != simdjson::SUCCESS) return 0;
  uint64_t id = 0;
  std::from_chars(text.data(), text.data() + text.size(), id);
  return id;
}
uint64_t IdOf(simdjson::simdjson_result<simdjson::dom::element> value) {
  simdjson::dom::element element;
  if (value.get(element) != simdjson::SUCCESS) return 0;
  return IdOf(element);
}

// Differences found, counted by kind, with the first few of each kind kept for the report.
class Mismatches {
 public:
  void Add(const std::string& kind, const std::string& detail) {
    if (counts_[kind]++ < kSamplesPerKind) samples_.push_back(kind + ": " + detail);
  }
  uint64_t total() const {
    uint64_t n = 0;
    for (const auto& [kind, count] : counts_) n += count;
    return n;
  }
  std::string Summary() const {
    std::string out;
    for (const auto& [kind, count] : counts_)
      out += "  " + kind + ": " + std::to_string(count) + "\n";
    for (const std::string& s : samples_) out += "  - " + s + "\n";
    return out;
  }

 private:
  std::map<std::string, uint64_t> counts_;
  std::vector<std::string> samples_;
};

// ---------------------------------------------------------------------------------------------
// The recorder: the mirror of what the caches must hold, and the "before" value of every event
// of the nine kinds.

struct VoiceMirror {
  sim::VoiceState state;
  bool mute = false;  // the member's, as the dispatch carried them
  bool deaf = false;
};

struct GuildMirror {
  uint32_t shard = 0;
  truth::GuildMeta meta;
  int64_t joined_ms = 0;  // the bot's member: GUILD_CREATE's joined_at
  std::map<uint64_t, sim::Role> roles;
  std::vector<sim::Emoji> emojis;
  std::map<uint64_t, sim::Channel> channels;  // channels and the threads the cache holds
  std::unordered_map<uint64_t, sim::Member> members;
  std::unordered_map<uint64_t, sim::Presence> presences;  // not offline
  std::unordered_map<uint64_t, VoiceMirror> voice;
};

struct SentDispatch {
  std::string_view name;  // Dispatch::name points to a string literal
  uint64_t guild = 0;
  uint64_t object = 0;  // what the event is about (user, channel, role, message id), for reports
  int32_t shard = -1;   // -1: no session received it
  uint64_t seq = 0;
  int32_t before = -1;  // index in befores() for the nine kinds
};

struct BeforeValue {
  bool present = false;
  std::string bytes;  // the serialized expected previously_cached
};

class TruthRecorder final : public sim::EventSink {
 public:
  TruthRecorder(const sim::World& world, sim::GatewayServer& gateway, UserId bot)
      : world_(world), gateway_(gateway), bot_(bot) {}

  // On the simulator's reactor, before the first event: the mirror becomes the World.
  void Start() {
    for (const auto& guild : world_.guilds()) {
      const sim::Guild& g = *guild;
      GuildMirror& m = guilds_[g.id.value()];
      m.shard = ShardOf(g.id);
      m.meta = truth::GuildMeta::From(g);
      const sim::Member* self = g.FindMember(bot_);
      m.joined_ms = self != nullptr ? self->joined_ms : 0;
      for (const sim::Role& role : g.roles) m.roles[role.id.value()] = role;
      m.emojis = g.emojis;
      for (const sim::Channel& c : g.channels) {
        // GUILD_CREATE lists the channels and the active threads.
        if (!sim::IsThread(c.type) || !c.thread.archived) {
          m.channels[c.id.value()] = truth::ChannelMeta(c);
        }
        if (!c.messages.empty()) errors_.push_back("messages before recording: " + c.id.ToString());
      }
      for (const sim::Member& member : g.members) {
        const sim::User& user = world_.user(member.user);
        m.members[user.id.value()] = member;
        users_[m.shard][user.id.value()] = user;
        if (member.presence.status != sim::PresenceStatus::kOffline) {
          m.presences[user.id.value()] = member.presence;
        }
      }
      for (const sim::VoiceState& v : g.voice_states) {
        const sim::User& user = world_.user(v.user);
        const sim::Member* member = g.FindMember(user.id);
        m.voice[user.id.value()] = {v, member && member->mute, member && member->deaf};
      }
    }
    start_sequences_ = Sequences();
  }

  void Emit(const sim::Dispatch& d) override {
    SentDispatch sent;
    sent.name = d.name;
    sent.guild = d.guild.value();
    simdjson::dom::element doc;
    if (!d.json.empty() && parser_.parse(d.json).get(doc) != simdjson::SUCCESS) {
      errors_.push_back("unparsable " + std::string(d.name) + " payload");
    }
    const bool previous_kind = OneOf(d.name, kPreviousKinds);
    BeforeValue before;
    if (previous_kind) before = Before(d, doc, &sent.object);
    const auto sequences_before = Sequences();
    gateway_.Emit(d);
    const auto sequences_after = Sequences();
    for (uint32_t s = 0; s < kShards; ++s) {
      if (sequences_after[s] == sequences_before[s]) continue;
      if (sequences_after[s] != sequences_before[s] + 1 || sent.shard >= 0) {
        errors_.push_back("unexpected sequence step for " + std::string(d.name));
      }
      sent.shard = static_cast<int32_t>(s);
      sent.seq = sequences_after[s];
    }
    if (previous_kind) {
      sent.before = static_cast<int32_t>(befores_.size());
      befores_.push_back(std::move(before));
    }
    sent_.push_back(sent);
    Refresh(d, doc);
  }

  const std::vector<SentDispatch>& sent() const { return sent_; }
  const std::vector<BeforeValue>& befores() const { return befores_; }
  const std::vector<std::string>& errors() const { return errors_; }
  const std::array<uint64_t, kShards>& start_sequences() const { return start_sequences_; }
  // The threads the cache of `guild` must hold (active at GUILD_CREATE, or seen since).
  std::vector<uint64_t> CachedThreads(GuildId guild) const {
    std::vector<uint64_t> out;
    auto it = guilds_.find(guild.value());
    if (it == guilds_.end()) return out;
    for (const auto& [id, c] : it->second.channels) {
      if (sim::IsThread(c.type)) out.push_back(id);
    }
    return out;
  }
  const pb::MessageData* MessageMirror(ChannelId channel, MessageId message) const {
    auto ring = messages_.find(channel.value());
    if (ring == messages_.end()) return nullptr;
    auto it = ring->second.find(message.value());
    return it == ring->second.end() ? nullptr : &it->second;
  }
  const sim::User* ShardUser(uint32_t shard, UserId user) const {
    auto it = users_[shard].find(user.value());
    return it == users_[shard].end() ? nullptr : &it->second;
  }

 private:
  std::array<uint64_t, kShards> Sequences() const {
    std::array<uint64_t, kShards> out{};
    sim::SessionFilter filter;
    filter.bot = BotId(bot_.value());
    for (const auto& s : gateway_.Sessions(filter)) {
      if (s.connected && s.shard_count == kShards && s.shard < kShards) out[s.shard] = s.seq;
    }
    return out;
  }

  const sim::Role* MirrorRole(const GuildMirror& g, uint64_t id) const {
    auto it = g.roles.find(id);
    return it == g.roles.end() ? nullptr : &it->second;
  }

  // The member as the shard's cache holds it: mirrored fields and user, permissions from the
  // mirrored roles (computed when converted, as the cache does).
  void MemberProto(const GuildMirror& g, uint64_t user_id, pb::MemberData* out) const {
    const sim::Member& member = g.members.at(user_id);
    const sim::User* user = ShardUser(g.shard, UserId(user_id));
    sim::User fallback;
    if (user == nullptr) {
      fallback.id = UserId(user_id);
      user = &fallback;
    }
    uint64_t permissions =
        truth::GuildPermissions(g.meta.id, g.meta.owner, UserId(user_id), member.roles,
                                member.communication_disabled_until_ms, world_.NowMs(),
                                [&](uint64_t id) { return MirrorRole(g, id); });
    truth::Member(member, *user, g.meta.id, permissions, out);
  }

  template <typename Proto>
  static BeforeValue Serialized(const Proto& proto) {
    BeforeValue value;
    value.present = true;
    proto.SerializeToString(&value.bytes);
    return value;
  }

  BeforeValue Before(const sim::Dispatch& d, simdjson::dom::element doc, uint64_t* object) {
    auto git = guilds_.find(d.guild.value());
    if (git == guilds_.end()) return {};
    const GuildMirror& g = git->second;
    const std::string_view n = d.name;
    if (n == "GUILD_UPDATE") {
      *object = d.guild.value();
      pb::GuildData guild;
      truth::Guild(g.meta, static_cast<uint32_t>(g.members.size()), g.joined_ms, &guild);
      return Serialized(guild);
    }
    if (n == "GUILD_EMOJIS_UPDATE") {
      *object = d.guild.value();
      ev::GuildEmojisUpdateEvent::PayloadData emojis;
      emojis.set_guild_id(d.guild.value());
      for (const sim::Emoji& emoji : g.emojis) truth::Emoji(emoji, g.meta.id, emojis.add_emojis());
      return Serialized(emojis);
    }
    if (n == "GUILD_MEMBER_UPDATE") {
      *object = IdOf(doc["user"]["id"]);
      if (!g.members.contains(*object)) return {};
      pb::MemberData member;
      MemberProto(g, *object, &member);
      return Serialized(member);
    }
    if (n == "PRESENCE_UPDATE") {
      *object = IdOf(doc["user"]["id"]);
      auto it = g.presences.find(*object);
      if (it == g.presences.end()) return {};
      pb::PresenceData presence;
      truth::Presence(it->second, UserId(*object), ShardUser(g.shard, UserId(*object)), g.meta.id,
                      &presence);
      return Serialized(presence);
    }
    if (n == "CHANNEL_UPDATE") {
      *object = IdOf(doc["id"]);
      auto it = g.channels.find(*object);
      if (it == g.channels.end()) return {};
      pb::ChannelData channel;
      truth::Channel(it->second, g.meta.id, &channel);
      return Serialized(channel);
    }
    if (n == "GUILD_ROLE_UPDATE") {
      *object = IdOf(doc["role"]["id"]);
      const sim::Role* role = MirrorRole(g, *object);
      if (role == nullptr) return {};
      pb::RoleData data;
      truth::Role(*role, g.meta.id, &data);
      return Serialized(data);
    }
    if (n == "MESSAGE_UPDATE" || n == "MESSAGE_DELETE") {
      *object = IdOf(doc["id"]);
      const pb::MessageData* message =
          MessageMirror(ChannelId(IdOf(doc["channel_id"])), MessageId(*object));
      if (message == nullptr) return {};
      return Serialized(*message);
    }
    if (n == "VOICE_STATE_UPDATE") {
      *object = IdOf(doc["user_id"]);
      auto it = g.voice.find(*object);
      if (it == g.voice.end()) return {};
      pb::MemberData member;
      if (g.members.contains(*object)) {
        MemberProto(g, *object, &member);
      } else {
        member.set_id(*object);
        member.set_guild_id(d.guild.value());
        if (const sim::User* user = ShardUser(g.shard, UserId(*object))) {
          truth::User(*user, member.mutable_user());
        } else {
          member.mutable_user()->set_id(*object);
        }
      }
      pb::VoiceStateData voice;
      truth::VoiceState(it->second.state, it->second.mute, it->second.deaf, g.meta.id, member,
                        &voice);
      return Serialized(voice);
    }
    errors_.push_back("no before value for " + std::string(n));
    return {};
  }

  void SnapshotMember(GuildMirror& g, const sim::Guild& guild, uint64_t user_id) {
    const sim::Member* member = guild.FindMember(UserId(user_id));
    if (member == nullptr) return;
    g.members[user_id] = *member;
    users_[g.shard][user_id] = world_.user(member->user);
  }

  void DropMessages(uint64_t channel) { messages_.erase(channel); }

  // After the dispatch: the objects it touched become what the World holds now.
  void Refresh(const sim::Dispatch& d, simdjson::dom::element doc) {
    auto git = guilds_.find(d.guild.value());
    if (git == guilds_.end()) return;
    GuildMirror& g = git->second;
    const sim::Guild* guild = world_.FindGuild(d.guild);
    if (guild == nullptr) return;
    const std::string_view n = d.name;
    if (n == "GUILD_UPDATE") {
      g.meta = truth::GuildMeta::From(*guild);
    } else if (n == "GUILD_ROLE_CREATE" || n == "GUILD_ROLE_UPDATE") {
      uint64_t id = IdOf(doc["role"]["id"]);
      if (const sim::Role* role = guild->FindRole(RoleId(id))) g.roles[id] = *role;
    } else if (n == "GUILD_ROLE_DELETE") {
      // Discord sends no member updates: the role goes from every member.
      const RoleId role(IdOf(doc["role_id"]));
      g.roles.erase(role.value());
      for (auto& [id, member] : g.members) std::erase(member.roles, role);
    } else if (n == "CHANNEL_CREATE" || n == "CHANNEL_UPDATE" || n == "THREAD_CREATE" ||
               n == "THREAD_UPDATE") {
      const ChannelId id(IdOf(doc["id"]));
      if (const sim::Channel* c = world_.FindChannel(id)) {
        g.channels[id.value()] = truth::ChannelMeta(*c);
      }
    } else if (n == "CHANNEL_DELETE") {
      // The channel goes with its threads and the messages of both.
      const uint64_t id = IdOf(doc["id"]);
      for (auto it = g.channels.begin(); it != g.channels.end();) {
        if (it->first == id ||
            (sim::IsThread(it->second.type) && it->second.parent.value() == id)) {
          DropMessages(it->first);
          it = g.channels.erase(it);
        } else {
          ++it;
        }
      }
      DropMessages(id);
    } else if (n == "THREAD_DELETE") {
      const uint64_t id = IdOf(doc["id"]);
      g.channels.erase(id);
      DropMessages(id);
    } else if (n == "GUILD_MEMBER_ADD" || n == "GUILD_MEMBER_UPDATE") {
      SnapshotMember(g, *guild, IdOf(doc["user"]["id"]));
    } else if (n == "GUILD_MEMBER_REMOVE") {
      // The member goes with its presence and voice state.
      const uint64_t id = IdOf(doc["user"]["id"]);
      g.members.erase(id);
      g.presences.erase(id);
      g.voice.erase(id);
    } else if (n == "PRESENCE_UPDATE") {
      const uint64_t id = IdOf(doc["user"]["id"]);
      const sim::Member* member = guild->FindMember(UserId(id));
      if (member == nullptr || member->presence.status == sim::PresenceStatus::kOffline) {
        g.presences.erase(id);
      } else {
        g.presences[id] = member->presence;
      }
    } else if (n == "VOICE_STATE_UPDATE") {
      const uint64_t id = IdOf(doc["user_id"]);
      const sim::Member* member = guild->FindMember(UserId(id));
      if (const sim::VoiceState* state = guild->FindVoiceState(UserId(id))) {
        g.voice[id] = {*state, member && member->mute, member && member->deaf};
      } else {
        g.voice.erase(id);
      }
      // The member the event carries is the member's current state.
      SnapshotMember(g, *guild, id);
    } else if (n == "GUILD_EMOJIS_UPDATE") {
      g.emojis = guild->emojis;
    } else if (n == "MESSAGE_CREATE" || n == "MESSAGE_UPDATE") {
      const ChannelId channel_id(IdOf(doc["channel_id"]));
      const MessageId message_id(IdOf(doc["id"]));
      const sim::Channel* channel = world_.FindChannel(channel_id);
      const sim::Message* message = world_.FindMessage(channel_id, message_id);
      if (channel == nullptr || message == nullptr) {
        errors_.push_back(std::string(n) +
                          " of a message the World does not hold: " + message_id.ToString());
        return;
      }
      auto& ring = messages_[channel_id.value()];
      auto held = ring.find(message_id.value());
      if (n == "MESSAGE_UPDATE" && held == ring.end()) return;  // not cached: nothing to merge into
      pb::MessageData fresh;
      truth::Message(world_, *guild, *channel, *message, bot_, &fresh);
      if (held != ring.end() && !fresh.has_member() && held->second.has_member()) {
        *fresh.mutable_member() = held->second.member();  // an update without member keeps it
      }
      ring[message_id.value()] = std::move(fresh);
      if (n == "MESSAGE_CREATE") {
        const sim::User& author = world_.user(message->author);
        users_[g.shard][author.id.value()] = author;
        // A full ring dropped its oldest message.
        ring.erase(ring.begin(), ring.lower_bound(channel->messages.at(0).id.value()));
      }
    } else if (n == "MESSAGE_DELETE") {
      messages_[IdOf(doc["channel_id"])].erase(IdOf(doc["id"]));
    } else if (n == "MESSAGE_DELETE_BULK") {
      auto& ring = messages_[IdOf(doc["channel_id"])];
      simdjson::dom::array ids;
      if (doc["ids"].get_array().get(ids) == simdjson::SUCCESS) {
        for (simdjson::dom::element id : ids) ring.erase(IdOf(id));
      }
    } else if (n.starts_with("MESSAGE_REACTION_")) {
      const ChannelId channel_id(IdOf(doc["channel_id"]));
      const MessageId message_id(IdOf(doc["message_id"]));
      auto ring = messages_.find(channel_id.value());
      const sim::Message* message = world_.FindMessage(channel_id, message_id);
      if (ring == messages_.end() || message == nullptr) return;
      auto held = ring->second.find(message_id.value());
      if (held != ring->second.end()) {
        truth::Reactions(world_, *message, bot_, held->second.mutable_reactions());
      }
    }
  }

  const sim::World& world_;
  sim::GatewayServer& gateway_;
  UserId bot_;
  simdjson::dom::parser parser_;
  std::unordered_map<uint64_t, GuildMirror> guilds_;
  std::array<std::unordered_map<uint64_t, sim::User>, kShards> users_;
  std::unordered_map<uint64_t, std::map<uint64_t, pb::MessageData>> messages_;  // by channel
  std::vector<SentDispatch> sent_;
  std::vector<BeforeValue> befores_;
  std::vector<std::string> errors_;
  std::array<uint64_t, kShards> start_sequences_{};
};

// ---------------------------------------------------------------------------------------------
// The final comparison: one guild at a time, the expected protos built on the simulator's
// reactor, the cache read on the shard's reactor.

struct GuildExpect {
  GuildId id;
  uint32_t shard = 0;
  pb::GuildData guild;
  std::map<uint64_t, pb::ChannelData> channels;  // not threads
  std::map<uint64_t, pb::ChannelData> threads;   // the threads the cache must hold
  std::vector<uint64_t> other_threads;           // archived threads it never saw: not cached
  uint64_t archived_cached = 0;                  // archived threads it holds (it saw them archived)
  std::map<uint64_t, pb::RoleData> roles;
  std::vector<pb::EmojiData> emojis;               // in the guild's order
  std::vector<pb::MemberData> members;             // ascending user id
  std::map<uint64_t, pb::PresenceData> presences;  // not offline
  std::map<uint64_t, pb::VoiceStateData> voice;
  std::vector<pb::MessageData> messages;
  std::vector<std::string> errors;  // of the expectation itself
};

struct ShardTotals {
  uint64_t guilds = 0, channels = 0, archived_threads = 0, members = 0, presences = 0,
           voice_states = 0, messages = 0, users = 0;
};

GuildExpect BuildExpect(const sim::World& world, const TruthRecorder& recorder, const sim::Guild& g,
                        UserId bot) {
  GuildExpect e;
  e.id = g.id;
  e.shard = ShardOf(g.id);
  auto roles = [&](uint64_t id) { return g.FindRole(RoleId(id)); };
  const sim::Member* self = g.FindMember(bot);
  truth::Guild(truth::GuildMeta::From(g), g.member_count(), self ? self->joined_ms : 0, &e.guild);
  std::vector<uint64_t> cached_threads = recorder.CachedThreads(g.id);
  std::set<uint64_t> cached(cached_threads.begin(), cached_threads.end());
  for (const sim::Channel& c : g.channels) {
    if (!sim::IsThread(c.type)) {
      truth::Channel(c, g.id, &e.channels[c.id.value()]);
    } else if (cached.erase(c.id.value()) > 0) {
      truth::Channel(c, g.id, &e.threads[c.id.value()]);
      e.archived_cached += c.thread.archived;
    } else if (!c.thread.archived) {
      e.errors.push_back("active thread " + c.id.ToString() + " is not in the expected cache");
    } else {
      e.other_threads.push_back(c.id.value());
    }
  }
  for (uint64_t gone : cached)
    e.errors.push_back("mirror thread not in the World: " + std::to_string(gone));
  for (const sim::Role& role : g.roles) truth::Role(role, g.id, &e.roles[role.id.value()]);
  for (const sim::Emoji& emoji : g.emojis) truth::Emoji(emoji, g.id, &e.emojis.emplace_back());
  std::vector<const sim::Member*> members;
  for (const sim::Member& m : g.members) members.push_back(&m);
  std::sort(members.begin(), members.end(), [&](const sim::Member* a, const sim::Member* b) {
    return world.user(a->user).id < world.user(b->user).id;
  });
  std::unordered_map<uint64_t, const pb::MemberData*> by_user;
  e.members.reserve(members.size());
  for (const sim::Member* m : members) {
    const sim::User& user = world.user(m->user);
    uint64_t permissions = truth::GuildPermissions(
        g.id, g.owner, user.id, m->roles, m->communication_disabled_until_ms, world.NowMs(), roles);
    truth::Member(*m, user, g.id, permissions, &e.members.emplace_back());
    if (m->presence.status != sim::PresenceStatus::kOffline) {
      truth::Presence(m->presence, user.id, &user, g.id, &e.presences[user.id.value()]);
    }
  }
  for (const pb::MemberData& m : e.members) by_user[m.id()] = &m;
  for (const sim::VoiceState& v : g.voice_states) {
    const sim::User& user = world.user(v.user);
    const sim::Member* member = g.FindMember(user.id);
    auto it = by_user.find(user.id.value());
    if (member == nullptr || it == by_user.end()) {
      e.errors.push_back("voice state without member: " + user.id.ToString());
      continue;
    }
    truth::VoiceState(v, member->mute, member->deaf, g.id, *it->second, &e.voice[user.id.value()]);
  }
  // Messages: the World's, except what a cached message keeps from the dispatch that stored it:
  // the author, their member and the mentioned users as they were then (the mirror's snapshot).
  for (const sim::Channel& c : g.channels) {
    for (size_t i = 0; i < c.messages.size(); ++i) {
      const sim::Message& m = c.messages.at(i);
      pb::MessageData& expected = e.messages.emplace_back();
      truth::Message(world, g, c, m, bot, &expected);
      const pb::MessageData* snapshot = recorder.MessageMirror(c.id, m.id);
      if (snapshot == nullptr) {
        e.errors.push_back("message " + m.id.ToString() + " is not in the mirror");
        continue;
      }
      *expected.mutable_author() = snapshot->author();
      if (snapshot->has_member()) {
        *expected.mutable_member() = snapshot->member();
      } else {
        expected.clear_member();
      }
      *expected.mutable_mentions() = snapshot->mentions();
    }
  }
  return e;
}

void CompareGuild(const cache::ShardCache& cache, const GuildExpect& e, Mismatches* out,
                  ShardTotals* totals) {
  const std::string gid = "guild " + e.id.ToString();
  for (const std::string& error : e.errors) out->Add("expectation", gid + ": " + error);
  ++totals->guilds;
  // Guild.
  pb::GuildData guild;
  if (!cache.GetGuild(e.id, &guild)) {
    out->Add("guild", gid + " not cached");
  } else if (auto d = truth::Diff(e.guild, guild); !d.empty()) {
    out->Add("guild", gid + ": " + d);
  }
  // Channels (without threads) and threads.
  google::protobuf::RepeatedPtrField<pb::ChannelData> channels;
  cache.ListChannels(e.id, &channels);
  std::map<uint64_t, const pb::ChannelData*> listed;
  for (const pb::ChannelData& c : channels) listed[c.id()] = &c;
  for (const auto& [id, expected] : e.channels) {
    auto it = listed.find(id);
    if (it == listed.end()) {
      out->Add("channel", gid + " channel " + std::to_string(id) + " missing");
    } else if (auto d = truth::Diff(expected, *it->second); !d.empty()) {
      out->Add("channel", gid + " channel " + std::to_string(id) + ": " + d);
    }
  }
  for (const auto& [id, c] : listed) {
    if (!e.channels.contains(id)) out->Add("channel", gid + " extra channel " + std::to_string(id));
  }
  for (const auto& [id, expected] : e.threads) {
    pb::ChannelData thread;
    if (!cache.GetChannel(e.id, ChannelId(id), &thread)) {
      out->Add("thread", gid + " thread " + std::to_string(id) + " missing");
    } else if (auto d = truth::Diff(expected, thread); !d.empty()) {
      out->Add("thread", gid + " thread " + std::to_string(id) + ": " + d);
    }
  }
  for (uint64_t id : e.other_threads) {
    if (cache.GetChannel(e.id, ChannelId(id), nullptr)) {
      out->Add("thread", gid + " archived thread " + std::to_string(id) + " cached unseen");
    }
  }
  totals->channels += e.channels.size() + e.threads.size();
  totals->archived_threads += e.archived_cached;
  // Roles, @everyone included.
  google::protobuf::RepeatedPtrField<pb::RoleData> roles;
  cache.ListRoles(e.id, &roles);
  std::map<uint64_t, const pb::RoleData*> listed_roles;
  for (const pb::RoleData& r : roles) listed_roles[r.id()] = &r;
  if (!listed_roles.contains(e.id.value())) out->Add("role", gid + " @everyone missing");
  for (const auto& [id, expected] : e.roles) {
    auto it = listed_roles.find(id);
    if (it == listed_roles.end()) {
      out->Add("role", gid + " role " + std::to_string(id) + " missing");
    } else if (auto d = truth::Diff(expected, *it->second); !d.empty()) {
      out->Add("role", gid + " role " + std::to_string(id) + ": " + d);
    }
  }
  if (listed_roles.size() != e.roles.size()) {
    out->Add("role", gid + ": " + std::to_string(listed_roles.size()) + " roles cached, " +
                         std::to_string(e.roles.size()) + " in the truth");
  }
  // Emojis: the complete list as Discord last sent it.
  google::protobuf::RepeatedPtrField<pb::EmojiData> emojis;
  cache.ListEmojis(e.id, &emojis);
  if (static_cast<size_t>(emojis.size()) != e.emojis.size()) {
    out->Add("emoji", gid + ": " + std::to_string(emojis.size()) + " emojis cached, " +
                          std::to_string(e.emojis.size()) + " in the truth");
  } else {
    for (size_t i = 0; i < e.emojis.size(); ++i) {
      if (auto d = truth::Diff(e.emojis[i], emojis[static_cast<int>(i)]); !d.empty()) {
        out->Add("emoji", gid + " emoji " + std::to_string(e.emojis[i].id()) + ": " + d);
      }
    }
  }
  // Members, paged as clients page them (ascending ids after a cursor).
  std::vector<pb::MemberData> members;
  UserId after;
  for (;;) {
    google::protobuf::RepeatedPtrField<pb::MemberData> page;
    cache.ListMembers(e.id, after, 1000, &page);
    if (page.empty()) break;
    after = UserId(page[page.size() - 1].id());
    for (pb::MemberData& m : page) members.push_back(std::move(m));
  }
  size_t i = 0, j = 0;
  while (i < e.members.size() || j < members.size()) {
    if (j == members.size() || (i < e.members.size() && e.members[i].id() < members[j].id())) {
      out->Add("member", gid + " member " + std::to_string(e.members[i].id()) + " missing");
      ++i;
    } else if (i == e.members.size() || members[j].id() < e.members[i].id()) {
      out->Add("member", gid + " extra member " + std::to_string(members[j].id()));
      ++j;
    } else {
      if (auto d = truth::Diff(e.members[i], members[j]); !d.empty()) {
        out->Add("member", gid + " member " + std::to_string(e.members[i].id()) + ": " + d);
      }
      ++i;
      ++j;
    }
  }
  totals->members += e.members.size();
  // Presences: only members that are not offline have one.
  for (const pb::MemberData& m : e.members) {
    pb::PresenceData presence;
    bool cached = cache.GetPresence(e.id, UserId(m.id()), &presence);
    auto it = e.presences.find(m.id());
    if (it == e.presences.end()) {
      if (cached) out->Add("presence", gid + " offline user " + std::to_string(m.id()) + " cached");
    } else if (!cached) {
      out->Add("presence", gid + " user " + std::to_string(m.id()) + " missing");
    } else if (auto d = truth::Diff(it->second, presence); !d.empty()) {
      out->Add("presence", gid + " user " + std::to_string(m.id()) + ": " + d);
    }
  }
  totals->presences += e.presences.size();
  // Voice states (connected members only).
  for (const auto& [user, expected] : e.voice) {
    pb::VoiceStateData voice;
    if (!cache.GetVoiceState(e.id, UserId(user), &voice)) {
      out->Add("voice", gid + " user " + std::to_string(user) + " missing");
    } else if (auto d = truth::Diff(expected, voice); !d.empty()) {
      out->Add("voice", gid + " user " + std::to_string(user) + ": " + d);
    }
  }
  totals->voice_states += e.voice.size();
  // The messages each channel holds.
  for (const pb::MessageData& expected : e.messages) {
    pb::MessageData message;
    const std::string what = gid + " channel " + std::to_string(expected.channel_id()) +
                             " message " + std::to_string(expected.id());
    if (!cache.GetMessage(ChannelId(expected.channel_id()), MessageId(expected.id()), &message)) {
      out->Add("message", what + " missing");
    } else if (auto d = truth::Diff(expected, message); !d.empty()) {
      out->Add("message", what + ": " + d);
    }
  }
  totals->messages += e.messages.size();
}

// The previously_cached field of a logged event, by reflection (the nine event messages all
// name it so); nullptr when the event has none.
const google::protobuf::Message* PreviouslyCached(const ev::EventEnvelope& envelope,
                                                  bool* present) {
  const auto* reflection = envelope.GetReflection();
  const auto* oneof = envelope.GetDescriptor()->FindOneofByName("event_data");
  const auto* field = reflection->GetOneofFieldDescriptor(envelope, oneof);
  if (field == nullptr) return nullptr;
  const google::protobuf::Message& event = reflection->GetMessage(envelope, field);
  const auto* previous = event.GetDescriptor()->FindFieldByName("previously_cached");
  if (previous == nullptr) return nullptr;
  *present = event.GetReflection()->HasField(event, previous);
  return &event.GetReflection()->GetMessage(event, previous);
}

// ---------------------------------------------------------------------------------------------

class EngineTruthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineFixtureOptions options;
    options.sim.world.seed = 4;
    options.sim.world.bots = 1;
    options.sim.world.guilds = 200;
    options.sim.world.members = 100000;
    options.sim.world.max_guild_members = 10000;
    options.sim.world.messages_per_channel = 0;
    options.sim.world.message_depth = 100;
    options.sim.generator.seed = 4;  // the default mix
    options.sim.gateway.identify_interval = 1s;
    options.identify_interval = 1s;  // the simulator's too: the second shard need not wait 5 s
    options.compression = discord::TransportCompression::kZstdStream;
    fixture_ = std::make_unique<EngineFixture>(options);
    spec_ = fixture_->FirstBot(kShards);
    spec_.chunking = gateway::ChunkingPolicy::kAllOnConnect;
    spec_.large_threshold = 250;
    spec_.cache.message_depth = 100;  // the World's ring depth
  }

  void TearDown() override {
    if (recorder_ != nullptr) {
      fixture_->Sim([&] { fixture_->sim().world().set_sink(&fixture_->sim().gateway()); });
    }
    fixture_.reset();
    recorder_.reset();
  }

  BotShard Shard(uint32_t s) const { return BotShard{spec_.bot, ShardId(s)}; }

  std::vector<gateway::ShardStats> Stats() {
    std::vector<gateway::ShardStats> out(kShards);
    for (const auto& summary : fixture_->host().Summaries()) {
      if (summary.id.shard.value() < kShards) out[summary.id.shard.value()] = summary.stats;
    }
    return out;
  }

  std::unique_ptr<EngineFixture> fixture_;
  gateway::BotSpec spec_;
  std::unique_ptr<TruthRecorder> recorder_;
};

TEST_F(EngineTruthTest, CacheAndPreviouslyCachedEqualTheTruth) {
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const UserId bot(spec_.bot.value());

  // The truth per shard, for the waits.
  struct ShardTruth {
    uint64_t guilds = 0, members = 0;
  };
  auto truth = fixture_->Sim([&] {
    std::array<ShardTruth, kShards> out{};
    for (const auto& g : fixture_->sim().world().guilds()) {
      out[ShardOf(g->id)].guilds += 1;
      out[ShardOf(g->id)].members += g->member_count();
    }
    return out;
  });
  ASSERT_EQ(truth[0].members + truth[1].members,
            fixture_->Sim([&] { return fixture_->sim().world().Stats().members; }));
  ASSERT_GE(truth[0].members + truth[1].members, 100000u);

  // 1. Connect both shards and wait for every guild and every member (chunking complete).
  ASSERT_TRUE(fixture_->host().AddBot(spec_).ok());
  ASSERT_TRUE(fixture_->WaitReady(kShards, 120s));
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto stats = Stats();
        for (uint32_t s = 0; s < kShards; ++s) {
          const auto& st = stats[s];
          if (st.guilds != truth[s].guilds || st.chunking.guilds_pending != 0 ||
              st.chunking.guilds_in_flight != 0 || st.cache_counts.members != truth[s].members) {
            return false;
          }
        }
        return true;
      },
      600s))
      << "chunking did not complete: shard 0 has " << Stats()[0].cache_counts.members << " of "
      << truth[0].members << " members, shard 1 " << Stats()[1].cache_counts.members << " of "
      << truth[1].members;
  const auto stats_at_start = Stats();
  for (uint32_t s = 0; s < kShards; ++s) {
    EXPECT_GT(stats_at_start[s].chunking.guilds_complete, 0u)
        << "no guild of shard " << s << " needed chunking";
  }
  const auto t1 = Clock::now();

  // 2. The recorder between the World and the gateway, then 100,000 events flat out.
  fixture_->Sim([&] {
    auto& sim = fixture_->sim();
    recorder_ = std::make_unique<TruthRecorder>(sim.world(), sim.gateway(), bot);
    recorder_->Start();
    sim.world().set_sink(recorder_.get());
    sim::PumpSettings settings;
    settings.flat_out = true;
    settings.remaining = kEvents;
    sim.pump().Configure(settings);
  });
  ASSERT_TRUE(WaitUntil(
      [&] {
        return fixture_->Sim([&] {
          return !fixture_->sim().pump().running() && fixture_->sim().pump().generated() == kEvents;
        });
      },
      600s))
      << "the pump did not finish";
  // Caught up: each shard's sequence is its simulated session's.
  auto sim_sequences = [&] {
    return fixture_->Sim([&] {
      std::array<uint64_t, kShards> out{};
      for (const auto& s : fixture_->sim().gateway().Sessions()) {
        if (s.connected && s.shard < kShards) out[s.shard] = s.seq;
      }
      return out;
    });
  };
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto sequences = sim_sequences();
        auto stats = Stats();
        for (uint32_t s = 0; s < kShards; ++s) {
          if (stats[s].session.sequence != sequences[s]) return false;
        }
        return true;
      },
      600s))
      << "the engine did not catch up";
  const auto t2 = Clock::now();

  auto generator =
      fixture_->Sim([&] { return sim::EventGeneratorStats(fixture_->sim().generator().stats()); });
  EXPECT_EQ(generator.errors, 0u);
  EXPECT_EQ(fixture_->Sim([&] { return fixture_->sim().pump().errors(); }), 0u);
  for (const std::string& error : recorder_->errors()) ADD_FAILURE() << "recorder: " << error;

  // 3. The caches against the truth, guild by guild.
  Mismatches state;
  std::array<ShardTotals, kShards> totals{};
  const size_t guild_count = fixture_->Sim([&] { return fixture_->sim().world().guilds().size(); });
  for (size_t gi = 0; gi < guild_count; ++gi) {
    GuildExpect expect = fixture_->Sim([&] {
      const sim::World& world = fixture_->sim().world();
      return BuildExpect(world, *recorder_, *world.guilds()[gi], bot);
    });
    fixture_->OnShard(Shard(expect.shard), [&](gateway::Shard* shard) {
      ASSERT_NE(shard, nullptr);
      CompareGuild(shard->cache(), expect, &state, &totals[expect.shard]);
    });
  }
  // Users: every user the shard knows (the bot, its guilds' members, the authors of the messages
  // it holds) as the shard was last told; for members that is the truth.
  for (uint32_t s = 0; s < kShards; ++s) {
    std::map<uint64_t, pb::UserData> users = fixture_->Sim([&] {
      const sim::World& world = fixture_->sim().world();
      std::map<uint64_t, pb::UserData> out;
      truth::User(*world.FindUser(bot), &out[bot.value()]);
      for (const auto& g : world.guilds()) {
        if (ShardOf(g->id) != s) continue;
        for (const sim::Member& m : g->members) {
          const sim::User& user = world.user(m.user);
          truth::User(user, &out[user.id.value()]);
        }
      }
      for (const auto& g : world.guilds()) {
        if (ShardOf(g->id) != s) continue;
        for (const sim::Channel& c : g->channels) {
          for (size_t i = 0; i < c.messages.size(); ++i) {
            const sim::User& author = world.user(c.messages.at(i).author);
            if (out.contains(author.id.value())) continue;
            const sim::User* told = recorder_->ShardUser(s, author.id);
            truth::User(told != nullptr ? *told : author, &out[author.id.value()]);
          }
        }
      }
      return out;
    });
    fixture_->OnShard(Shard(s), [&](gateway::Shard* shard) {
      for (const auto& [id, expected] : users) {
        pb::UserData user;
        if (!shard->cache().GetUser(UserId(id), &user)) {
          state.Add("user",
                    "shard " + std::to_string(s) + " user " + std::to_string(id) + " missing");
        } else if (auto d = truth::Diff(expected, user); !d.empty()) {
          state.Add("user",
                    "shard " + std::to_string(s) + " user " + std::to_string(id) + ": " + d);
        }
      }
      const auto counts = shard->cache().counts();
      auto count = [&](const char* kind, uint64_t cached, uint64_t expected) {
        if (cached != expected) {
          state.Add("count", "shard " + std::to_string(s) + " " + kind + ": " +
                                 std::to_string(cached) + " cached, " + std::to_string(expected) +
                                 " expected");
        }
      };
      count("guilds", counts.guilds, totals[s].guilds);
      count("channels", counts.channels, totals[s].channels);
      count("members", counts.members, totals[s].members);
      count("users", counts.users, users.size());
      totals[s].users = users.size();
      count("presences", counts.presences, totals[s].presences);
      count("voice_states", counts.voice_states, totals[s].voice_states);
      count("messages", counts.messages, totals[s].messages);
    });
  }
  EXPECT_EQ(state.total(), 0u) << "the cache differs from the truth:\n" << state.Summary();

  // 4. Every dispatch was logged (or counted), and every previously_cached is the truth before.
  Mismatches events;
  const auto& sent = recorder_->sent();
  const auto& befores = recorder_->befores();
  std::array<std::vector<gateway::LoggedEvent>, kShards> logs;
  std::array<std::vector<const gateway::LoggedEvent*>, kShards> by_seq;  // after the start
  const auto& start = recorder_->start_sequences();
  for (uint32_t s = 0; s < kShards; ++s) {
    logs[s] = fixture_->Logged(Shard(s));
    for (const auto& e : logs[s]) {
      if (e.discord_sequence <= start[s]) continue;
      uint64_t index = e.discord_sequence - start[s] - 1;
      if (index >= by_seq[s].size()) by_seq[s].resize(index + 1, nullptr);
      if (by_seq[s][index] != nullptr) events.Add("log", "sequence logged twice");
      by_seq[s][index] = &e;
    }
  }
  std::array<uint64_t, kShards> forwarded{};
  std::array<std::map<std::string, uint64_t>, kShards> not_forwarded;
  std::map<std::string, uint64_t> checked_previous;
  for (const SentDispatch& d : sent) {
    const std::string what = std::string(d.name) + " guild " + std::to_string(d.guild) +
                             " object " + std::to_string(d.object);
    if (d.shard < 0) {
      events.Add("delivery", what + " reached no session");
      continue;
    }
    const uint32_t s = static_cast<uint32_t>(d.shard);
    const uint64_t index = d.seq - start[s] - 1;
    const gateway::LoggedEvent* logged = index < by_seq[s].size() ? by_seq[s][index] : nullptr;
    if (OneOf(d.name, kNotForwarded)) {
      ++not_forwarded[s][std::string(d.name)];
      if (logged != nullptr) events.Add("log", what + " logged though not forwarded");
      continue;
    }
    ++forwarded[s];
    if (logged == nullptr) {
      events.Add("log", what + " (seq " + std::to_string(d.seq) + ") not logged");
      continue;
    }
    if (logged->type != d.name || logged->guild.value() != d.guild) {
      events.Add("log", what + " logged as " + std::string(logged->type) + " in guild " +
                            logged->guild.ToString());
      continue;
    }
    if (d.before < 0) continue;
    ev::EventEnvelope envelope;
    if (!envelope.ParseFromString(*logged->body)) {
      events.Add("envelope", what + " does not parse");
      continue;
    }
    bool present = false;
    const google::protobuf::Message* previous = PreviouslyCached(envelope, &present);
    if (previous == nullptr) {
      events.Add("envelope", what + " has no previously_cached field");
      continue;
    }
    const BeforeValue& before = befores[static_cast<size_t>(d.before)];
    const std::string kind = "previously_cached " + std::string(d.name);
    ++checked_previous[std::string(d.name) + (before.present ? "" : " (absent)")];
    if (present != before.present) {
      events.Add(kind, what + (before.present ? ": missing" : ": present though not cached"));
      continue;
    }
    if (!present) continue;
    std::unique_ptr<google::protobuf::Message> expected(previous->New());
    expected->ParseFromString(before.bytes);
    if (auto diff = truth::Diff(*expected, *previous); !diff.empty()) {
      events.Add(kind, what + ": " + diff);
    }
  }
  const auto stats = Stats();
  for (uint32_t s = 0; s < kShards; ++s) {
    uint64_t logged_after_start = 0;
    for (const auto* e : by_seq[s]) logged_after_start += e != nullptr;
    EXPECT_EQ(logged_after_start, forwarded[s]) << "shard " << s << ": events logged that the "
                                                << "simulator did not send";
    EXPECT_EQ(stats[s].malformed, 0u) << "shard " << s;
    EXPECT_EQ(stats[s].events_overwritten, 0u) << "shard " << s;
    EXPECT_EQ(stats[s].session.identifies, 1u) << "shard " << s;
    EXPECT_EQ(stats[s].session.resumes, 0u) << "shard " << s;
    EXPECT_EQ(stats[s].session.malformed_frames, 0u) << "shard " << s;
    for (const auto& [name, count] : not_forwarded[s]) {
      auto at = [&](const gateway::ShardStats& st) {
        auto it = st.unmodelled.find(name);
        return it == st.unmodelled.end() ? uint64_t{0} : it->second;
      };
      EXPECT_EQ(at(stats[s]) - at(stats_at_start[s]), count) << "shard " << s << " " << name;
    }
    EXPECT_EQ(stats[s].chunking.requests_sent, stats_at_start[s].chunking.requests_sent)
        << "shard " << s << ": member requests during the events";
  }
  EXPECT_EQ(events.total(), 0u) << "events differ from the truth:\n" << events.Summary();

  const auto t3 = Clock::now();
  auto seconds = [](auto d) { return std::chrono::duration<double>(d).count(); };
  std::string kinds;
  for (const auto& [name, count] : checked_previous)
    kinds += " " + name + "=" + std::to_string(count);
  ShardTotals all;
  for (const ShardTotals& t : totals) {
    all.channels += t.channels;
    all.archived_threads += t.archived_threads;
    all.users += t.users;
    all.members += t.members;
    all.presences += t.presences;
    all.voice_states += t.voice_states;
    all.messages += t.messages;
  }
  std::printf(
      "truth test: %zu dispatches for %llu events; connect+chunk %.1f s, events %.1f s, compare "
      "%.1f s\n  compared: %zu guilds, %llu channels+threads (%llu threads seen archived), %llu "
      "members, %llu users, %llu presences, %llu voice states, %llu messages\n"
      "  previously_cached checked:%s\n",
      sent.size(), static_cast<unsigned long long>(kEvents), seconds(t1 - t0), seconds(t2 - t1),
      seconds(t3 - t2), guild_count, static_cast<unsigned long long>(all.channels),
      static_cast<unsigned long long>(all.archived_threads),
      static_cast<unsigned long long>(all.members), static_cast<unsigned long long>(all.users),
      static_cast<unsigned long long>(all.presences),
      static_cast<unsigned long long>(all.voice_states),
      static_cast<unsigned long long>(all.messages), kinds.c_str());
}

}  // namespace
}  // namespace pylon::testing
