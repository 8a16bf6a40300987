// Copyright 2026 The Pylon Gateway Authors.

#include "discord/json_parser.h"

#include <simdjson.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include <gtest/gtest.h>

#include "discord/json_parser_internal.h"

namespace pylon::discord {
namespace {

using pb::model::ChannelData;
using pb::model::MessageData;

constexpr uint64_t kGuild = 81384788765712384;
constexpr uint64_t kBot = 613425648685547541;
constexpr uint64_t kUser = 80351110224678912;
constexpr uint64_t kAuthor = 53908232506183680;
constexpr uint64_t kChannel = 381889648827301889;
constexpr uint64_t kRole1 = 41771983423143936;
constexpr uint64_t kRole2 = 41771983423143937;

// src/discord/testdata, from $PYLON_SOURCE_DIR (ctest) or up from the binary (run by hand).
std::filesystem::path TestdataDir() {
  if (const char* source = std::getenv("PYLON_SOURCE_DIR")) {
    return std::filesystem::path(source) / "src/discord/testdata";
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    exe[n] = '\0';
    for (std::filesystem::path dir = std::filesystem::path(exe).parent_path();
         dir != dir.parent_path(); dir = dir.parent_path()) {
      if (std::filesystem::is_directory(dir / "src/discord/testdata")) {
        return dir / "src/discord/testdata";
      }
    }
  }
  return "src/discord/testdata";
}

std::string Testdata(const std::string& name) {
  std::ifstream in(TestdataDir() / name, std::ios::binary);
  EXPECT_TRUE(in.good()) << "missing testdata " << name;
  std::stringstream text;
  text << in.rdbuf();
  std::string json = text.str();
  while (!json.empty() && (json.back() == '\n' || json.back() == ' ')) json.pop_back();
  return json;
}

// A padded copy of a message, as the inflater hands it over.
class Frame {
 public:
  explicit Frame(std::string_view json, char padding = '\0')
      : buffer_(json.size() + Inflater::kPadding, padding), size_(json.size()) {
    std::copy(json.begin(), json.end(), buffer_.begin());
  }
  InflatedMessage message() const { return {buffer_.data(), size_, buffer_.size()}; }

 private:
  std::vector<char> buffer_;
  size_t size_;
};

// Records every call; keeps (moves out) the events it is given.
class RecordingHandler : public GatewayEventHandler {
 public:
  std::vector<std::string> calls;
  std::optional<uint64_t> seq;
  uint32_t heartbeat_interval = 0;
  bool resumable = false;
  ReadyEvent ready;
  GuildCreateEvent guild_create;
  GuildUpdateEvent guild_update;
  GuildDeleteEvent guild_delete;
  RoleEvent role;
  RoleDeleteEvent role_delete;
  ChannelEvent channel;
  ThreadDeleteEvent thread_delete;
  ThreadListSyncEvent thread_list_sync;
  MemberEvent member;
  MemberRemoveEvent member_remove;
  MembersChunkEvent members_chunk;
  PresenceEvent presence;
  VoiceStateEvent voice_state;
  EmojisUpdateEvent emojis_update;
  UserUpdateEvent user_update;
  MessageData message;
  GuildId message_guild;
  ChannelId message_channel;
  MessageId message_id;
  std::bitset<64> present;
  MessageDeleteEvent message_delete;
  MessageDeleteBulkEvent message_delete_bulk;
  ReactionEvent reaction;
  pb::event::EventEnvelope envelope;
  GuildId passthrough_guild;
  std::string error;

  void OnHello(uint32_t interval) override {
    heartbeat_interval = interval;
    calls.push_back("Hello");
  }
  void OnHeartbeatAck() override { calls.push_back("HeartbeatAck"); }
  void OnHeartbeatRequest() override { calls.push_back("HeartbeatRequest"); }
  void OnReconnect() override { calls.push_back("Reconnect"); }
  void OnInvalidSession(bool r) override {
    resumable = r;
    calls.push_back("InvalidSession");
  }
  void OnSequence(uint64_t s) override {
    seq = s;
    calls.push_back("Sequence " + std::to_string(s));
  }
  void OnReady(ReadyEvent& e) override { Keep("Ready", ready, e); }
  void OnResumed() override { calls.push_back("Resumed"); }
  void OnGuildCreate(GuildCreateEvent& e) override { Keep("GuildCreate", guild_create, e); }
  void OnGuildUpdate(GuildUpdateEvent& e) override { Keep("GuildUpdate", guild_update, e); }
  void OnGuildDelete(GuildDeleteEvent& e) override { Keep("GuildDelete", guild_delete, e); }
  void OnRoleCreate(RoleEvent& e) override { Keep("RoleCreate", role, e); }
  void OnRoleUpdate(RoleEvent& e) override { Keep("RoleUpdate", role, e); }
  void OnRoleDelete(RoleDeleteEvent& e) override { Keep("RoleDelete", role_delete, e); }
  void OnChannelCreate(ChannelEvent& e) override { Keep("ChannelCreate", channel, e); }
  void OnChannelUpdate(ChannelEvent& e) override { Keep("ChannelUpdate", channel, e); }
  void OnChannelDelete(ChannelEvent& e) override { Keep("ChannelDelete", channel, e); }
  void OnThreadCreate(ChannelEvent& e) override { Keep("ThreadCreate", channel, e); }
  void OnThreadUpdate(ChannelEvent& e) override { Keep("ThreadUpdate", channel, e); }
  void OnThreadDelete(ThreadDeleteEvent& e) override { Keep("ThreadDelete", thread_delete, e); }
  void OnThreadListSync(ThreadListSyncEvent& e) override {
    Keep("ThreadListSync", thread_list_sync, e);
  }
  void OnMemberAdd(MemberEvent& e) override { Keep("MemberAdd", member, e); }
  void OnMemberUpdate(MemberEvent& e) override { Keep("MemberUpdate", member, e); }
  void OnMemberRemove(MemberRemoveEvent& e) override { Keep("MemberRemove", member_remove, e); }
  void OnMembersChunk(MembersChunkEvent& e) override { Keep("MembersChunk", members_chunk, e); }
  void OnPresenceUpdate(PresenceEvent& e) override { Keep("PresenceUpdate", presence, e); }
  void OnVoiceStateUpdate(VoiceStateEvent& e) override { Keep("VoiceStateUpdate", voice_state, e); }
  void OnEmojisUpdate(EmojisUpdateEvent& e) override { Keep("EmojisUpdate", emojis_update, e); }
  void OnUserUpdate(UserUpdateEvent& e) override { Keep("UserUpdate", user_update, e); }
  void OnMessageCreate(MessageCreateEvent& e) override {
    calls.push_back("MessageCreate");
    message.CopyFrom(*e.message);
    message_guild = e.guild;
    message_channel = e.channel;
    message_id = e.id;
  }
  void OnMessageUpdate(MessageUpdateEvent& e) override {
    calls.push_back("MessageUpdate");
    message.CopyFrom(*e.message);
    message_guild = e.guild;
    message_channel = e.channel;
    message_id = e.id;
    present = e.present;
  }
  void OnMessageDelete(MessageDeleteEvent& e) override { Keep("MessageDelete", message_delete, e); }
  void OnMessageDeleteBulk(MessageDeleteBulkEvent& e) override {
    Keep("MessageDeleteBulk", message_delete_bulk, e);
  }
  void OnReaction(ReactionEvent& e, pb::event::EventEnvelope& env) override {
    Keep("Reaction", reaction, e);
    envelope.CopyFrom(env);
  }
  void OnPassthrough(std::string_view name, GuildId guild, pb::event::EventEnvelope& env) override {
    calls.push_back("Passthrough " + std::string(name));
    passthrough_guild = guild;
    envelope.CopyFrom(env);
  }
  void OnUnmodelled(std::string_view name) override {
    calls.push_back("Unmodelled " + std::string(name));
  }
  void OnMalformed(std::string_view name, const Error& e) override {
    calls.push_back("Malformed " + std::string(name));
    error = e.message();
  }

  // The last call that is not OnSequence.
  std::string last() const {
    for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
      if (!it->starts_with("Sequence")) return *it;
    }
    return "";
  }

 private:
  template <typename T>
  void Keep(const char* call, T& into, T& event) {
    calls.push_back(call);
    into = std::move(event);  // the handler may move out
  }
};

// ---- JSON rewriting, for key-order tests ----

// `escape_e`: writes every 'e' as \u0065, so that keys and strings take the unescaping paths.
std::string EscapeJson(std::string_view text, bool escape_e = false) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case 'e':
        out += escape_e ? "\\u0065" : "e";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof(buffer), "\\u%04x", c);
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// `element` with the keys of every object in reverse order, and every 'e' of keys and strings
// escaped.
std::string Reversed(simdjson::dom::element element) {
  switch (element.type()) {
    case simdjson::dom::element_type::OBJECT: {
      std::vector<std::string> fields;
      for (auto field : simdjson::dom::object(element)) {
        fields.push_back(EscapeJson(field.key, true) + ":" + Reversed(field.value));
      }
      std::string out = "{";
      for (auto it = fields.rbegin(); it != fields.rend(); ++it) {
        if (out.size() > 1) out += ",";
        out += *it;
      }
      return out + "}";
    }
    case simdjson::dom::element_type::ARRAY: {
      std::string out = "[";
      for (auto value : simdjson::dom::array(element)) {
        if (out.size() > 1) out += ",";
        out += Reversed(value);
      }
      return out + "]";
    }
    case simdjson::dom::element_type::STRING:
      return EscapeJson(std::string_view(element), true);
    default:
      return simdjson::minify(element);
  }
}

// The frame with its keys in another order: d first, then t, op, and s last.
std::string DataFirst(const std::string& json) {
  simdjson::dom::parser parser;
  simdjson::dom::element frame = parser.parse(json);
  simdjson::dom::element d = frame["d"], t = frame["t"], op = frame["op"], s = frame["s"];
  return "{\"d\":" + simdjson::minify(d) + ",\"t\":" + simdjson::minify(t) +
         ",\"op\":" + simdjson::minify(op) + ",\"s\":" + simdjson::minify(s) + "}";
}

std::string AllKeysReversed(const std::string& json) {
  simdjson::dom::parser parser;
  return Reversed(parser.parse(json));
}

// Parses `json` as is, with d first, and with every object's keys reversed; runs `check` on each.
void ForEachKeyOrder(const std::string& json, const std::function<void(RecordingHandler&)>& check) {
  for (const std::string& variant : {json, DataFirst(json), AllKeysReversed(json)}) {
    SCOPED_TRACE(variant.substr(0, 160));
    GatewayParser parser;
    RecordingHandler handler;
    Frame frame(variant);
    Status status = parser.Parse(frame.message(), handler);
    EXPECT_TRUE(status.ok()) << status.error().ToString();
    check(handler);
  }
}

void ForEachKeyOrderOfFile(const std::string& name,
                           const std::function<void(RecordingHandler&)>& check) {
  SCOPED_TRACE(name);
  ForEachKeyOrder(Testdata(name), check);
}

RecordingHandler ParseOnce(std::string_view json, Status* status = nullptr) {
  GatewayParser parser;
  RecordingHandler handler;
  Frame frame(json);
  Status result = parser.Parse(frame.message(), handler);
  if (status) *status = result;
  return handler;
}

std::vector<std::string> Calls(std::initializer_list<std::string> calls) { return calls; }

int64_t Micros(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1'000'000 + t.nanos() / 1000;
}

TEST(GatewayParserTest, KeyOrderVariantsDiffer) {
  std::string json = Testdata("guild_member_add.json");
  EXPECT_TRUE(json.starts_with(R"({"t":)"));
  EXPECT_TRUE(DataFirst(json).starts_with(R"({"d":{)"));
  EXPECT_TRUE(DataFirst(json).ends_with(R"("s":17})"));
  std::string reversed = AllKeysReversed(json);
  EXPECT_TRUE(reversed.starts_with(R"({"d":{"guild_id":)")) << reversed;
  EXPECT_NE(reversed.find(R"("us\u0065r":{)"), std::string::npos) << reversed;
}

// ---- Non-dispatch frames ----

TEST(GatewayParserTest, Hello) {
  ForEachKeyOrderOfFile("hello.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Hello"}));
    EXPECT_EQ(h.heartbeat_interval, 41250u);
  });
}

TEST(GatewayParserTest, HeartbeatAckRequestReconnect) {
  EXPECT_EQ(ParseOnce(Testdata("heartbeat_ack.json")).calls, Calls({"HeartbeatAck"}));
  EXPECT_EQ(ParseOnce(R"({"op":11})").calls, Calls({"HeartbeatAck"}));
  EXPECT_EQ(ParseOnce(Testdata("heartbeat_request.json")).calls, Calls({"HeartbeatRequest"}));
  EXPECT_EQ(ParseOnce(Testdata("reconnect.json")).calls, Calls({"Reconnect"}));
}

TEST(GatewayParserTest, InvalidSession) {
  RecordingHandler resumable = ParseOnce(Testdata("invalid_session.json"));
  EXPECT_EQ(resumable.calls, Calls({"InvalidSession"}));
  EXPECT_TRUE(resumable.resumable);
  RecordingHandler not_resumable = ParseOnce(R"({"d":false,"op":9,"s":null,"t":null})");
  EXPECT_EQ(not_resumable.calls, Calls({"InvalidSession"}));
  EXPECT_FALSE(not_resumable.resumable);
  EXPECT_EQ(ParseOnce(R"({"op":9,"d":"yes"})").last(), "Malformed ");
}

// ---- READY and guilds ----

TEST(GatewayParserTest, Ready) {
  ForEachKeyOrderOfFile("ready.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 1", "Ready"}));
    EXPECT_EQ(h.ready.user.id.value(), kBot);
    EXPECT_EQ(h.ready.user.username, "pylon");
    EXPECT_TRUE(h.ready.user.bot);
    EXPECT_EQ(h.ready.user.avatar.str(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(h.ready.session_id, "9a2d4b9c0f6e4c8d8e1f2a3b4c5d6e7f");
    EXPECT_EQ(h.ready.resume_gateway_url, "wss://gateway-us-east1-c.discord.gg");
    ASSERT_EQ(h.ready.guilds.size(), 2u);
    EXPECT_EQ(h.ready.guilds[0].value(), kGuild);
    EXPECT_EQ(h.ready.guilds[1].value(), 290926798626357250u);
    ASSERT_TRUE(h.ready.shard.has_value());
    EXPECT_EQ(h.ready.shard->first, 1u);
    EXPECT_EQ(h.ready.shard->second, 4u);
    EXPECT_EQ(h.ready.application.value(), kBot);
  });
}

TEST(GatewayParserTest, Resumed) {
  ForEachKeyOrderOfFile("resumed.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 1002", "Resumed"}));
  });
}

TEST(GatewayParserTest, GuildCreate) {
  ForEachKeyOrderOfFile("guild_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 2", "GuildCreate"}));
    const GuildCreateEvent& e = h.guild_create;
    const Guild& g = e.guild;
    EXPECT_EQ(g.id.value(), kGuild);
    EXPECT_EQ(g.name, "Discord Developers");
    EXPECT_EQ(g.icon.str(), "a_1269e74af4df7417b13759eae50c83dc");
    EXPECT_TRUE(g.splash.empty());
    EXPECT_EQ(g.discovery_splash.str(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(g.banner.str(), "custom-banner.png");
    EXPECT_EQ(g.owner.value(), kUser);
    EXPECT_EQ(g.region, "us-west");
    EXPECT_EQ(g.afk_channel.value(), 381889648827301890u);
    EXPECT_EQ(g.afk_timeout, 300u);
    EXPECT_TRUE(g.widget_enabled);
    EXPECT_TRUE(g.widget_channel.is_zero());
    EXPECT_EQ(g.system_channel.value(), kChannel);
    EXPECT_EQ(g.verification_level, 3);
    EXPECT_EQ(g.default_message_notifications, 1);
    EXPECT_EQ(g.explicit_content_filter, 2);
    EXPECT_EQ(g.mfa_level, 1);
    EXPECT_EQ(g.premium_tier, 3);
    EXPECT_EQ(g.premium_subscription_count, 33u);
    EXPECT_EQ(g.features, (std::vector<std::string>{"COMMUNITY", "NEWS", "ANIMATED_ICON"}));
    EXPECT_TRUE(g.has_vanity_url_code);
    EXPECT_EQ(g.vanity_url_code, "discord-developers");
    EXPECT_FALSE(g.has_description);
    EXPECT_EQ(g.joined_at, 1650740605927000);
    EXPECT_EQ(g.member_count, 123456u);
    EXPECT_FALSE(g.unavailable);
    EXPECT_TRUE(e.large);

    ASSERT_EQ(e.roles.size(), 3u);
    EXPECT_EQ(e.roles[0].id.value(), kGuild);
    EXPECT_EQ(e.roles[0].name, "@everyone");
    EXPECT_EQ(e.roles[0].permissions, 2222085186637376u);
    EXPECT_EQ(e.roles[1].id.value(), kRole1);
    EXPECT_EQ(e.roles[1].color, 3447003u);
    EXPECT_EQ(e.roles[1].position, 3);
    EXPECT_EQ(e.roles[1].permissions, 1099511627775u);
    EXPECT_TRUE(e.roles[1].hoist);
    EXPECT_TRUE(e.roles[1].mentionable);
    EXPECT_TRUE(e.roles[2].managed);

    ASSERT_EQ(e.emojis.size(), 2u);
    EXPECT_EQ(e.emojis[0].id.value(), 41771983429993937u);
    EXPECT_EQ(e.emojis[0].name, "LUL");
    ASSERT_EQ(e.emojis[0].roles.size(), 1u);
    EXPECT_EQ(e.emojis[0].roles[0], kRole1);
    EXPECT_EQ(e.emojis[0].user.value(), kUser);
    EXPECT_TRUE(e.emojis[0].animated);
    EXPECT_TRUE(e.emojis[0].require_colons);
    EXPECT_TRUE(e.emojis[0].available);
    EXPECT_FALSE(e.emojis[1].available);

    ASSERT_EQ(e.channels.size(), 3u);
    for (const Channel& c : e.channels) EXPECT_EQ(c.guild.value(), kGuild) << "guild filled in";
    EXPECT_EQ(e.channels[0].type, ChannelType::kGuildCategory);
    const Channel& general = e.channels[1];
    EXPECT_EQ(general.id.value(), kChannel);
    EXPECT_EQ(general.type, ChannelType::kGuildText);
    EXPECT_EQ(general.name, "general");
    EXPECT_TRUE(general.has_topic);
    EXPECT_EQ(general.topic, "General chat \u2014 be nice");
    EXPECT_EQ(general.position, 1);
    EXPECT_EQ(general.rate_limit_per_user, 5u);
    EXPECT_EQ(general.parent.value(), 381889648827301888u);
    ASSERT_EQ(general.overwrites.size(), 2u);
    EXPECT_EQ(general.overwrites[0], (Overwrite{kGuild, 0, 0, 2048}));
    EXPECT_EQ(general.overwrites[1], (Overwrite{kUser, 1, 3072, 0}));
    EXPECT_EQ(e.channels[2].type, ChannelType::kGuildVoice);
    EXPECT_EQ(e.channels[2].bitrate, 64000u);
    EXPECT_EQ(e.channels[2].user_limit, 10u);
    EXPECT_FALSE(e.channels[2].has_topic);

    ASSERT_EQ(e.threads.size(), 2u);
    EXPECT_EQ(e.threads[0].type, ChannelType::kPublicThread);
    EXPECT_EQ(e.threads[1].type, ChannelType::kPrivateThread);
    for (const Channel& t : e.threads) {
      EXPECT_EQ(t.guild.value(), kGuild);
      EXPECT_EQ(t.parent.value(), kChannel);
    }

    ASSERT_EQ(e.members.size(), 2u);
    EXPECT_TRUE(e.members[0].has_user);
    EXPECT_TRUE(e.members[0].user.bot);
    const Member& nelly = e.members[1];
    EXPECT_EQ(nelly.user.id.value(), kUser);
    EXPECT_EQ(nelly.user.username, "nelly");
    EXPECT_EQ(nelly.user.discriminator, 1337);
    EXPECT_EQ(nelly.user.avatar.str(), "8342729096ea3675442027381ff50dfe");
    EXPECT_EQ(nelly.nick, "Nelly \u2728");
    ASSERT_EQ(nelly.roles.size(), 2u);
    EXPECT_EQ(nelly.roles[0], kRole1);
    EXPECT_EQ(nelly.roles[1], kRole2);
    EXPECT_EQ(nelly.joined_at, 1430029616936000);
    EXPECT_EQ(nelly.premium_since, 1577836799999999);
    EXPECT_EQ(nelly.communication_disabled_until, 1893456000000000);
    EXPECT_EQ(nelly.flags, 2u);

    ASSERT_EQ(e.presences.size(), 2u);
    const Presence& p = e.presences[0];
    EXPECT_EQ(p.user.value(), kUser);
    EXPECT_EQ(p.status, OnlineStatus::kDnd);
    EXPECT_EQ(p.desktop, OnlineStatus::kDnd);
    EXPECT_EQ(p.mobile, OnlineStatus::kIdle);
    EXPECT_EQ(p.web, OnlineStatus::kUnknown);
    ASSERT_EQ(p.activities.size(), 2u);
    EXPECT_EQ(p.activities[0].type, 4);
    EXPECT_EQ(p.activities[0].state, "shipping");
    EXPECT_TRUE(p.activities[0].has_emoji);
    EXPECT_EQ(p.activities[0].emoji_name, "\U0001F680");
    EXPECT_EQ(p.activities[0].created_at, 1715700000000000);
    const Activity& spotify = p.activities[1];
    EXPECT_EQ(spotify.name, "Spotify");
    EXPECT_EQ(spotify.type, 2);
    EXPECT_EQ(spotify.details, "Song");
    EXPECT_EQ(spotify.timestamp_start, 1715700000000u);
    EXPECT_EQ(spotify.timestamp_end, 1715700200000u);
    EXPECT_TRUE(spotify.has_party);
    EXPECT_EQ(spotify.party_id, "spotify:1");
    EXPECT_EQ(spotify.party_current, 1u);
    EXPECT_EQ(spotify.party_max, 4u);
    EXPECT_TRUE(spotify.has_assets);
    EXPECT_EQ(spotify.large_image, "spotify:ab67");
    EXPECT_EQ(spotify.large_text, "Album");
    EXPECT_EQ(spotify.application_id, 383226320970055681u);
    EXPECT_EQ(spotify.flags, 48u);
    EXPECT_EQ(e.presences[1].status, OnlineStatus::kOnline);
    EXPECT_EQ(e.presences[1].web, OnlineStatus::kOnline);

    ASSERT_EQ(e.voice_states.size(), 1u);
    const VoiceState& v = e.voice_states[0];
    EXPECT_EQ(v.user.value(), kUser);
    EXPECT_EQ(v.channel.value(), 381889648827301890u);
    EXPECT_EQ(v.session_id, "a1b2c3d4e5f60718293a4b5c6d7e8f90");
    EXPECT_TRUE(v.mute);
    EXPECT_TRUE(v.self_mute);
    EXPECT_TRUE(v.self_video);
    EXPECT_FALSE(v.deaf);
    EXPECT_EQ(v.request_to_speak, 0);
  });
}

TEST(GatewayParserTest, GuildCreateUnavailable) {
  ForEachKeyOrderOfFile("guild_create_unavailable.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 3", "GuildCreate"}));
    EXPECT_EQ(h.guild_create.guild.id.value(), 290926798626357250u);
    EXPECT_TRUE(h.guild_create.guild.unavailable);
    EXPECT_TRUE(h.guild_create.channels.empty());
  });
}

TEST(GatewayParserTest, GuildUpdateAndDelete) {
  ForEachKeyOrderOfFile("guild_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "GuildUpdate");
    EXPECT_EQ(h.guild_update.guild.name, "Discord Devs");
    EXPECT_TRUE(h.guild_update.guild.has_description);
    EXPECT_EQ(h.guild_update.guild.description, "The official server");
    EXPECT_FALSE(h.guild_update.guild.has_vanity_url_code);
    EXPECT_TRUE(h.guild_update.guild.icon.empty());
    EXPECT_EQ(h.guild_update.guild.owner.value(), kUser);
  });
  ForEachKeyOrderOfFile("guild_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "GuildDelete");
    EXPECT_EQ(h.guild_delete.guild.value(), kGuild);
    EXPECT_TRUE(h.guild_delete.unavailable);
  });
  ForEachKeyOrderOfFile("guild_delete_left.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "GuildDelete");
    EXPECT_FALSE(h.guild_delete.unavailable);
  });
}

TEST(GatewayParserTest, Roles) {
  ForEachKeyOrderOfFile("guild_role_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 7", "RoleCreate"}));
    EXPECT_EQ(h.role.guild.value(), kGuild);
    EXPECT_EQ(h.role.role.id.value(), 41771983423143940u);
    EXPECT_EQ(h.role.role.name, "Helpers");
    EXPECT_EQ(h.role.role.permissions, UINT64_MAX);
    EXPECT_EQ(h.role.role.position, -1);
  });
  ForEachKeyOrderOfFile("guild_role_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "RoleUpdate");
    EXPECT_EQ(h.role.role.id.value(), kRole1);
    EXPECT_EQ(h.role.role.name, "Moderators");
  });
  ForEachKeyOrderOfFile("guild_role_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "RoleDelete");
    EXPECT_EQ(h.role_delete.guild.value(), kGuild);
    EXPECT_EQ(h.role_delete.role.value(), kRole1);
  });
}

TEST(GatewayParserTest, Channels) {
  ForEachKeyOrderOfFile("channel_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ChannelCreate");
    EXPECT_EQ(h.channel.channel.id.value(), kChannel);
    EXPECT_EQ(h.channel.channel.guild.value(), kGuild);
    EXPECT_EQ(h.channel.channel.overwrites.size(), 2u);
  });
  ForEachKeyOrderOfFile("channel_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ChannelUpdate");
    EXPECT_EQ(h.channel.channel.name, "Voice 2");
    EXPECT_EQ(h.channel.channel.user_limit, 99u);
  });
  ForEachKeyOrderOfFile("channel_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ChannelDelete");
    EXPECT_EQ(h.channel.channel.type, ChannelType::kGuildCategory);
  });
}

TEST(GatewayParserTest, Threads) {
  ForEachKeyOrderOfFile("thread_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ThreadCreate");
    EXPECT_EQ(h.channel.channel.type, ChannelType::kPublicThread);
    EXPECT_EQ(h.channel.channel.parent.value(), kChannel);
    EXPECT_EQ(h.channel.channel.guild.value(), kGuild);
  });
  ForEachKeyOrderOfFile("thread_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ThreadUpdate");
    EXPECT_EQ(h.channel.channel.type, ChannelType::kPrivateThread);
  });
  ForEachKeyOrderOfFile("thread_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ThreadDelete");
    EXPECT_EQ(h.thread_delete.id.value(), 1230000000000000001u);
    EXPECT_EQ(h.thread_delete.guild.value(), kGuild);
    EXPECT_EQ(h.thread_delete.parent.value(), kChannel);
    EXPECT_EQ(h.thread_delete.type, ChannelType::kPublicThread);
  });
  ForEachKeyOrderOfFile("thread_list_sync.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "ThreadListSync");
    EXPECT_EQ(h.thread_list_sync.guild.value(), kGuild);
    EXPECT_TRUE(h.thread_list_sync.has_channel_ids);
    ASSERT_EQ(h.thread_list_sync.channel_ids.size(), 1u);
    EXPECT_EQ(h.thread_list_sync.channel_ids[0].value(), kChannel);
    ASSERT_EQ(h.thread_list_sync.threads.size(), 1u);
    EXPECT_EQ(h.thread_list_sync.threads[0].guild.value(), kGuild) << "guild filled in";
  });
  RecordingHandler whole_guild = ParseOnce(
      R"({"t":"THREAD_LIST_SYNC","s":1,"op":0,"d":{"guild_id":"5","threads":[],"members":[]}})");
  EXPECT_EQ(whole_guild.last(), "ThreadListSync");
  EXPECT_FALSE(whole_guild.thread_list_sync.has_channel_ids);
}

TEST(GatewayParserTest, Members) {
  ForEachKeyOrderOfFile("guild_member_add.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MemberAdd");
    EXPECT_EQ(h.member.guild.value(), kGuild);
    EXPECT_EQ(h.member.member.user.id.value(), 1240000000000000100u);
    EXPECT_EQ(h.member.member.user.discriminator, 42);
    EXPECT_TRUE(h.member.member.pending);
    EXPECT_TRUE(h.member.member.roles.empty());
  });
  ForEachKeyOrderOfFile("guild_member_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MemberUpdate");
    EXPECT_TRUE(h.member.member.nick.empty());
    EXPECT_EQ(h.member.member.communication_disabled_until, 1717236000500000)
        << "offset +02:00, one fraction digit";
  });
  ForEachKeyOrderOfFile("guild_member_remove.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MemberRemove");
    EXPECT_EQ(h.member_remove.guild.value(), kGuild);
    EXPECT_EQ(h.member_remove.user.id.value(), kUser);
  });
  ForEachKeyOrderOfFile("guild_members_chunk.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MembersChunk");
    const MembersChunkEvent& e = h.members_chunk;
    EXPECT_EQ(e.guild.value(), kGuild);
    EXPECT_EQ(e.members.size(), 2u);
    EXPECT_EQ(e.presences.size(), 1u);
    EXPECT_EQ(e.chunk_index, 0u);
    EXPECT_EQ(e.chunk_count, 2u);
    EXPECT_EQ(e.nonce, "chunk-1");
    ASSERT_EQ(e.not_found.size(), 2u);
    EXPECT_EQ(e.not_found[0].value(), 1240000000000000999u);
    EXPECT_EQ(e.not_found[1].value(), 12345u) << "a JSON number";
  });
}

TEST(GatewayParserTest, PresenceUpdatePartialUser) {
  ForEachKeyOrderOfFile("presence_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 21", "PresenceUpdate"}));
    const PresenceEvent& e = h.presence;
    EXPECT_EQ(e.guild.value(), kGuild);
    EXPECT_EQ(e.presence.user.value(), kUser);
    EXPECT_EQ(e.presence.status, OnlineStatus::kIdle);
    EXPECT_EQ(e.presence.mobile, OnlineStatus::kIdle);
    EXPECT_EQ(e.presence.desktop, OnlineStatus::kUnknown);
    ASSERT_TRUE(e.username.has_value());
    EXPECT_EQ(*e.username, "nelly2");
    ASSERT_TRUE(e.avatar.has_value()) << "null avatar is a change";
    EXPECT_TRUE(e.avatar->empty());
    EXPECT_FALSE(e.discriminator.has_value());
    ASSERT_EQ(e.presence.activities.size(), 1u);
    EXPECT_EQ(e.presence.activities[0].name, "Minecraft");
    EXPECT_EQ(e.presence.activities[0].timestamp_start, 1715690000000u);
  });
  RecordingHandler only_id =
      ParseOnce(R"({"t":"PRESENCE_UPDATE","s":5,"op":0,"d":{"user":{"id":"7"},"guild_id":"8"}})");
  EXPECT_EQ(only_id.last(), "PresenceUpdate");
  EXPECT_EQ(only_id.presence.presence.user.value(), 7u);
  EXPECT_FALSE(only_id.presence.username.has_value());
  EXPECT_FALSE(only_id.presence.avatar.has_value());
}

TEST(GatewayParserTest, PresenceUpdateToleratesWrongTypes) {
  ForEachKeyOrderOfFile("presence_update_wrong_types.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "PresenceUpdate") << h.error;
    const PresenceEvent& e = h.presence;
    EXPECT_EQ(e.presence.user.value(), kUser);
    EXPECT_FALSE(e.username.has_value());
    EXPECT_FALSE(e.avatar.has_value());
    EXPECT_FALSE(e.discriminator.has_value());
    EXPECT_EQ(e.presence.status, OnlineStatus::kOffline);
    ASSERT_EQ(e.presence.activities.size(), 2u);  // the string element is skipped
    EXPECT_EQ(e.presence.activities[0].name, "");
    EXPECT_EQ(e.presence.activities[0].created_at, 1715700000000000) << "a float";
    EXPECT_EQ(e.presence.activities[0].timestamp_start, 0u);
    EXPECT_EQ(e.presence.activities[1].name, "Valid");
    EXPECT_EQ(e.presence.activities[1].type, 3);
  });
  // The id is still required, and broken JSON is still broken.
  EXPECT_EQ(
      ParseOnce(R"({"t":"PRESENCE_UPDATE","s":5,"op":0,"d":{"user":{},"guild_id":"8"}})").last(),
      "Malformed PRESENCE_UPDATE");
  EXPECT_EQ(ParseOnce(R"({"t":"PRESENCE_UPDATE","s":5,"op":0,"d":{"user":{"id":"1"},)"
                      R"("guild_id":"8","activities":[{"name" "x"}]}})")
                .last(),
            "Malformed PRESENCE_UPDATE");
}

TEST(GatewayParserTest, VoiceStateEmojisUser) {
  ForEachKeyOrderOfFile("voice_state_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "VoiceStateUpdate");
    const VoiceStateEvent& e = h.voice_state;
    EXPECT_EQ(e.guild.value(), kGuild);
    EXPECT_EQ(e.state.user.value(), kUser);
    EXPECT_TRUE(e.state.channel.is_zero()) << "left";
    EXPECT_TRUE(e.state.self_deaf);
    EXPECT_EQ(e.state.request_to_speak, 1715706000123456);
    ASSERT_TRUE(e.member.has_value());
    EXPECT_EQ(e.member->user.id.value(), kUser);
    EXPECT_EQ(e.member->roles.size(), 1u);
  });
  ForEachKeyOrderOfFile("guild_emojis_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "EmojisUpdate");
    EXPECT_EQ(h.emojis_update.guild.value(), kGuild);
    EXPECT_EQ(h.emojis_update.emojis.size(), 2u);
  });
  ForEachKeyOrderOfFile("user_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "UserUpdate");
    EXPECT_EQ(h.user_update.user.id.value(), kBot);
    EXPECT_EQ(h.user_update.user.username, "pylon-renamed");
    EXPECT_EQ(h.user_update.user.avatar.str(), "a_0123456789abcdef0123456789abcdef");
  });
}

// ---- Messages ----

TEST(GatewayParserTest, MessageCreateEveryField) {
  ForEachKeyOrderOfFile("message_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 42", "MessageCreate"}));
    EXPECT_EQ(h.message_guild.value(), kGuild);
    EXPECT_EQ(h.message_channel.value(), kChannel);
    EXPECT_EQ(h.message_id.value(), 1240000000000000001u);
    const MessageData& m = h.message;
    EXPECT_EQ(m.id(), 1240000000000000001u);
    EXPECT_EQ(m.channel_id(), kChannel);
    ASSERT_TRUE(m.has_guild_id());
    EXPECT_EQ(m.guild_id().value(), kGuild);
    EXPECT_EQ(m.content(), "Hello <@80351110224678912>, see the \"notes\"!\nCaf\u00e9 \U0001F600");
    EXPECT_EQ(Micros(m.timestamp()), 1715706205927000);
    EXPECT_EQ(m.timestamp().nanos(), 927000000);
    EXPECT_FALSE(m.has_edited_timestamp());
    ASSERT_TRUE(m.has_mention_roles());
    ASSERT_EQ(m.mention_roles().values_size(), 1);
    EXPECT_EQ(m.mention_roles().values(0), kRole1);
    EXPECT_FALSE(m.tts());
    EXPECT_FALSE(m.mention_everyone());
    EXPECT_FALSE(m.pinned());
    EXPECT_EQ(m.type(), MessageData::DEFAULT) << "REPLY (19) is not in the model";
    EXPECT_EQ(m.flags(), 4u);

    ASSERT_EQ(m.attachments_size(), 2);
    EXPECT_EQ(m.attachments(0).id(), 1240000000000000002u);
    EXPECT_EQ(m.attachments(0).filename(), "notes.txt");
    EXPECT_EQ(m.attachments(0).size(), 1234u);
    EXPECT_EQ(m.attachments(0).url(), "https://cdn.discordapp.com/attachments/1/2/notes.txt");
    EXPECT_EQ(m.attachments(0).proxy_url(),
              "https://media.discordapp.net/attachments/1/2/notes.txt");
    EXPECT_EQ(m.attachments(0).width(), 0u);
    EXPECT_EQ(m.attachments(1).width(), 1920u);
    EXPECT_EQ(m.attachments(1).height(), 1080u);

    ASSERT_EQ(m.embeds_size(), 2);
    const auto& embed = m.embeds(0);
    EXPECT_EQ(embed.type(), MessageData::MessageEmbedData::RICH);
    EXPECT_EQ(embed.title(), "Release notes");
    EXPECT_EQ(embed.description(), "Fixed the \"thing\"\nand more");
    EXPECT_EQ(embed.url(), "https://example.com/notes");
    EXPECT_EQ(Micros(embed.timestamp()), 1715706000000000);
    EXPECT_EQ(embed.color(), 5814783u);
    EXPECT_EQ(embed.footer().text(), "v1.2.3");
    EXPECT_EQ(embed.footer().icon_url(), "https://example.com/i.png");
    EXPECT_EQ(embed.footer().proxy_icon_url(), "https://media.example.com/i.png");
    EXPECT_EQ(embed.image().url(), "https://example.com/a.png");
    EXPECT_EQ(embed.image().width(), 640u);
    EXPECT_EQ(embed.image().height(), 480u);
    EXPECT_EQ(embed.thumbnail().proxy_url(), "https://media.example.com/t.png");
    EXPECT_EQ(embed.thumbnail().width(), 80u);
    EXPECT_EQ(embed.video().url(), "https://example.com/v.mp4");
    EXPECT_EQ(embed.video().height(), 720u);
    EXPECT_EQ(embed.provider().name(), "Example");
    EXPECT_EQ(embed.author().name(), "Bot");
    EXPECT_EQ(embed.author().proxy_icon_url(), "https://media.example.com/b.png");
    ASSERT_EQ(embed.fields_size(), 2);
    EXPECT_EQ(embed.fields(0).name(), "Added");
    EXPECT_EQ(embed.fields(0).value(), "Emoji \u2728 support");
    EXPECT_TRUE(embed.fields(0).inline_());
    EXPECT_FALSE(embed.fields(1).inline_());
    EXPECT_EQ(m.embeds(1).type(), MessageData::MessageEmbedData::UNKNOWN);

    ASSERT_EQ(m.mentions_size(), 1);
    EXPECT_EQ(m.mentions(0).id(), kUser);
    EXPECT_EQ(m.mentions(0).username(), "nelly");
    EXPECT_EQ(m.mentions(0).avatar(), "8342729096ea3675442027381ff50dfe");
    EXPECT_EQ(m.mentions(0).discriminator(), 1337u);

    ASSERT_EQ(m.reactions_size(), 2);
    EXPECT_EQ(m.reactions(0).count(), 3u);
    EXPECT_TRUE(m.reactions(0).me());
    EXPECT_EQ(m.reactions(0).emoji().id(), 0u);
    EXPECT_EQ(m.reactions(0).emoji().name(), "\U0001F525");
    EXPECT_EQ(m.reactions(1).emoji().id(), 41771983429993937u);
    EXPECT_TRUE(m.reactions(1).emoji().animated());

    ASSERT_EQ(m.mention_channels_size(), 1);
    EXPECT_EQ(m.mention_channels(0).id(), 278325129692446722u);
    EXPECT_EQ(m.mention_channels(0).guild_id(), 278325129692446720u);
    EXPECT_EQ(m.mention_channels(0).type(), ChannelData::GUILD_NEWS) << "Discord 5 + 1";
    EXPECT_EQ(m.mention_channels(0).name(), "big-news");

    EXPECT_EQ(m.activity().type(), 3u);
    EXPECT_EQ(m.activity().party_id(), "spotify:1");
    EXPECT_EQ(m.application().id(), 383226320970055681u);
    EXPECT_EQ(m.application().cover_image(), "");
    EXPECT_EQ(m.application().icon(), "0123456789abcdef0123456789abcdef");
    EXPECT_EQ(m.application().name(), "Example App");
    EXPECT_EQ(m.message_reference().message_id(), 1239999999999999990u);
    EXPECT_EQ(m.message_reference().channel_id(), kChannel);
    EXPECT_EQ(m.message_reference().guild_id(), kGuild);

    EXPECT_EQ(m.author().id(), kAuthor);
    EXPECT_EQ(m.author().username(), "sky");
    EXPECT_EQ(m.author().avatar().value(), "a_1269e74af4df7417b13759eae50c83dc");
    EXPECT_EQ(m.author().discriminator(), 0u);
    EXPECT_FALSE(m.author().bot());

    ASSERT_TRUE(m.has_member());
    EXPECT_EQ(m.member().id(), kAuthor) << "member id = author id";
    EXPECT_EQ(m.member().guild_id(), kGuild);
    EXPECT_EQ(m.member().user().id(), kAuthor) << "member user = author";
    EXPECT_EQ(m.member().user().username(), "sky");
    EXPECT_EQ(m.member().nick().value(), "Sky");
    ASSERT_EQ(m.member().roles_size(), 2);
    EXPECT_EQ(m.member().roles(1), kRole2);
    EXPECT_EQ(Micros(m.member().joined_at()), 1612325106789000);
    EXPECT_EQ(Micros(m.member().premium_since()), 1672628645678901);
    ASSERT_TRUE(m.member().has_pending());
    EXPECT_FALSE(m.member().pending().value());
    EXPECT_FALSE(m.has_webhook_id());

    ASSERT_EQ(m.stickers_size(), 2);
    EXPECT_EQ(m.stickers(0).id(), 749054660769218631u);
    EXPECT_EQ(m.stickers(0).name(), "Wave");
    EXPECT_EQ(m.stickers(0).format_type(), MessageData::MessageStickerData::LOTTIE);
    EXPECT_EQ(m.stickers(1).format_type(), MessageData::MessageStickerData::UNKNOWN) << "GIF";

    EXPECT_EQ(m.interaction().id(), 1240000000000000500u);
    EXPECT_EQ(m.interaction().type(), MessageData::MessageInteractionData::APPLICATION_COMMAND);
    EXPECT_EQ(m.interaction().name(), "notes") << "from `interaction`, not its successor";
    EXPECT_EQ(m.interaction().user().id(), kUser);

    EXPECT_EQ(m.thread().id(), 1230000000000000001u);
    EXPECT_EQ(m.thread().type(), ChannelData::PUBLIC_THREAD);
    EXPECT_EQ(m.thread().guild_id().value(), kGuild) << "the message's guild";
    EXPECT_EQ(m.thread().parent_id().value(), kChannel);
    EXPECT_EQ(m.thread().name(), "release-thread");

    ASSERT_EQ(m.components_size(), 2);
    const auto& row = m.components(0);
    EXPECT_EQ(row.type(), MessageData::MessageComponentData::ACTION_ROW);
    ASSERT_EQ(row.components_size(), 3);
    EXPECT_EQ(row.components(0).type(), MessageData::MessageComponentData::BUTTON);
    EXPECT_EQ(row.components(0).style(), MessageData::MessageComponentData::PRIMARY);
    EXPECT_EQ(row.components(0).label(), "Open");
    EXPECT_EQ(row.components(0).custom_id(), "open_notes");
    EXPECT_EQ(row.components(0).emoji().name(), "\U0001F4C4");
    EXPECT_EQ(row.components(1).style(), MessageData::MessageComponentData::LINK);
    EXPECT_EQ(row.components(1).url(), "https://example.com/docs");
    EXPECT_TRUE(row.components(1).disabled());
    EXPECT_EQ(row.components(2).style(), MessageData::MessageComponentData::UNKNOWN_BUTTON)
        << "premium (6) is not in the model";
    EXPECT_EQ(m.components(1).components(0).type(), MessageData::MessageComponentData::UNKNOWN)
        << "select menu";
    EXPECT_EQ(m.components(1).components(0).custom_id(), "pick");
  });
}

TEST(GatewayParserTest, MessageCreateDmAndWebhook) {
  ForEachKeyOrderOfFile("message_create_dm.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MessageCreate");
    const MessageData& m = h.message;
    EXPECT_TRUE(h.message_guild.is_zero());
    EXPECT_FALSE(m.has_guild_id());
    EXPECT_FALSE(m.has_member());
    EXPECT_TRUE(m.tts());
    EXPECT_TRUE(m.pinned());
    EXPECT_TRUE(m.mention_everyone());
    EXPECT_EQ(m.type(), MessageData::DEFAULT) << "13 has no model value";
    EXPECT_EQ(Micros(m.timestamp()), 1715706205000000) << "Z, no fraction";
    EXPECT_EQ(Micros(m.edited_timestamp()), 1715706240100000);
    EXPECT_EQ(m.webhook_id().value(), 1240000000000000022u);
    EXPECT_EQ(m.author().discriminator(), 1337u);
    EXPECT_FALSE(m.author().has_avatar()) << "null avatar";
  });
}

TEST(GatewayParserTest, MessageUpdatePresentBits) {
  ForEachKeyOrderOfFile("message_update_partial.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 45", "MessageUpdate"}));
    std::bitset<64> expected;
    for (int field : {MessageData::kIdFieldNumber, MessageData::kChannelIdFieldNumber,
                      MessageData::kGuildIdFieldNumber, MessageData::kEmbedsFieldNumber,
                      MessageData::kEditedTimestampFieldNumber}) {
      expected.set(field);
    }
    EXPECT_EQ(h.present, expected);
    EXPECT_EQ(h.message.embeds_size(), 1);
    EXPECT_EQ(h.message.embeds(0).type(), MessageData::MessageEmbedData::LINK);
    EXPECT_FALSE(h.message.has_edited_timestamp()) << "carried, but null";
    EXPECT_FALSE(h.message.has_author());
  });
  ForEachKeyOrderOfFile("message_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MessageUpdate");
    EXPECT_TRUE(h.present.test(MessageData::kContentFieldNumber));
    EXPECT_TRUE(h.present.test(MessageData::kAuthorFieldNumber));
    EXPECT_TRUE(h.present.test(MessageData::kMemberFieldNumber));
    EXPECT_TRUE(h.present.test(MessageData::kComponentsFieldNumber));
    EXPECT_FALSE(h.present.test(MessageData::kWebhookIdFieldNumber));
    EXPECT_FALSE(h.present.test(MessageData::kStickersFieldNumber));
    EXPECT_EQ(h.message.content(), "edited content");
    EXPECT_EQ(Micros(h.message.edited_timestamp()), 1715706600000001);
    EXPECT_EQ(h.message.member().id(), kAuthor);
  });
}

TEST(GatewayParserTest, MessageDeletes) {
  ForEachKeyOrderOfFile("message_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MessageDelete");
    EXPECT_EQ(h.message_delete.id.value(), 1240000000000000001u);
    EXPECT_EQ(h.message_delete.channel.value(), kChannel);
    EXPECT_EQ(h.message_delete.guild.value(), kGuild);
  });
  ForEachKeyOrderOfFile("message_delete_bulk.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "MessageDeleteBulk");
    ASSERT_EQ(h.message_delete_bulk.ids.size(), 2u);
    EXPECT_EQ(h.message_delete_bulk.ids[1].value(), 1240000000000000010u);
    EXPECT_EQ(h.message_delete_bulk.channel.value(), kChannel);
  });
}

// ---- Reactions ----

TEST(GatewayParserTest, Reactions) {
  ForEachKeyOrderOfFile("message_reaction_add.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 49", "Reaction"}));
    EXPECT_EQ(h.reaction.kind, ReactionEvent::Kind::kAdd);
    EXPECT_EQ(h.reaction.user.value(), kUser);
    EXPECT_EQ(h.reaction.message.value(), 1240000000000000001u);
    EXPECT_EQ(h.reaction.emoji_id.value(), 41771983429993937u);
    EXPECT_EQ(h.reaction.emoji_name, "LUL");
    EXPECT_TRUE(h.reaction.burst);
    ASSERT_TRUE(h.envelope.has_message_reaction_add_event());
    EXPECT_FALSE(h.envelope.message_reaction_add_event().has_scope());
    const auto& p = h.envelope.message_reaction_add_event().payload();
    EXPECT_EQ(p.user_id(), kUser);
    EXPECT_EQ(p.channel_id(), kChannel);
    EXPECT_EQ(p.message_id(), 1240000000000000001u);
    EXPECT_EQ(p.guild_id(), kGuild);
    EXPECT_EQ(p.emoji().id(), 41771983429993937u);
    EXPECT_EQ(p.emoji().name(), "LUL");
    EXPECT_TRUE(p.emoji().animated());
    EXPECT_EQ(p.GetDescriptor()->FindFieldByName("emoji")->number(), 6);
  });
  ForEachKeyOrderOfFile("message_reaction_remove.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.reaction.kind, ReactionEvent::Kind::kRemove);
    EXPECT_TRUE(h.reaction.emoji_id.is_zero());
    EXPECT_EQ(h.reaction.emoji_name, "\U0001F525");
    ASSERT_TRUE(h.envelope.has_message_reaction_remove_event());
    const auto& p = h.envelope.message_reaction_remove_event().payload();
    EXPECT_EQ(p.emoji().name(), "\U0001F525");
    EXPECT_EQ(p.user_id(), kUser);
    EXPECT_EQ(p.GetDescriptor()->FindFieldByName("emoji")->number(), 5);
  });
  ForEachKeyOrderOfFile("message_reaction_remove_all.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.reaction.kind, ReactionEvent::Kind::kRemoveAll);
    ASSERT_TRUE(h.envelope.has_message_reaction_remove_all_event());
    EXPECT_EQ(h.envelope.message_reaction_remove_all_event().payload().guild_id(), kGuild);
  });
  ForEachKeyOrderOfFile("message_reaction_remove_emoji.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.reaction.kind, ReactionEvent::Kind::kRemoveEmoji);
    ASSERT_TRUE(h.envelope.has_message_reaction_remove_emoji_event());
    EXPECT_EQ(h.envelope.message_reaction_remove_emoji_event().payload().emoji().name(),
              "\U0001F525");
  });
}

// ---- Passthrough ----

TEST(GatewayParserTest, TypingPinsVoiceServer) {
  ForEachKeyOrderOfFile("typing_start.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 53", "Passthrough TYPING_START"}));
    EXPECT_EQ(h.passthrough_guild.value(), kGuild);
    ASSERT_TRUE(h.envelope.has_typing_start_event());
    EXPECT_FALSE(h.envelope.typing_start_event().has_scope());
    const auto& p = h.envelope.typing_start_event().payload();
    EXPECT_EQ(p.channel_id(), kChannel);
    EXPECT_EQ(p.user_id(), kUser);
    EXPECT_EQ(p.timestamp().seconds(), 1715706205);
    EXPECT_EQ(p.member().id(), kUser);
    EXPECT_EQ(p.member().guild_id(), kGuild);
    EXPECT_EQ(p.member().user().discriminator(), 1337u);
    EXPECT_EQ(p.member().nick().value(), "Nelly");
  });
  ForEachKeyOrderOfFile("channel_pins_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough CHANNEL_PINS_UPDATE");
    const auto& p = h.envelope.channel_pins_update_event().payload();
    EXPECT_EQ(p.channel_id(), kChannel);
    EXPECT_EQ(p.guild_id(), kGuild);
    EXPECT_EQ(Micros(p.last_pin_timestamp()), 1715706205927000);
  });
  ForEachKeyOrderOfFile("voice_server_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough VOICE_SERVER_UPDATE");
    const auto& p = h.envelope.voice_server_update_event().payload();
    EXPECT_EQ(p.guild_id(), kGuild);
    EXPECT_EQ(p.token(), "my_voice_token");
    EXPECT_EQ(p.endpoint(), "sweetwater-12345.discord.media:2048");
  });
}

TEST(GatewayParserTest, InvitesBansIntegrationsWebhooks) {
  ForEachKeyOrderOfFile("invite_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INVITE_CREATE");
    const auto& p = h.envelope.invite_create_event().payload();
    EXPECT_EQ(p.channel_id(), kChannel);
    EXPECT_EQ(p.code(), "0vCdhLbwjZZTWZLD");
    EXPECT_EQ(Micros(p.created_at()), 1715706205927000);
    EXPECT_EQ(p.guild_id().value(), kGuild);
    EXPECT_EQ(p.inviter().id(), kUser);
    EXPECT_EQ(p.max_age(), 86400u);
    EXPECT_EQ(p.max_uses(), 10u);
    EXPECT_EQ(p.target_user().id(), kAuthor);
    EXPECT_EQ(p.target_user_type(), pb::model::InviteData::STREAM);
    EXPECT_TRUE(p.temporary());
    EXPECT_EQ(p.uses(), 0u);
  });
  ForEachKeyOrderOfFile("invite_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INVITE_DELETE");
    EXPECT_EQ(h.envelope.invite_delete_event().payload().code(), "0vCdhLbwjZZTWZLD");
  });
  ForEachKeyOrderOfFile("guild_ban_add.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough GUILD_BAN_ADD");
    EXPECT_EQ(h.envelope.guild_ban_add_event().payload().user().id(), kUser);
    EXPECT_EQ(h.envelope.guild_ban_add_event().payload().guild_id(), kGuild);
  });
  ForEachKeyOrderOfFile("guild_ban_remove.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough GUILD_BAN_REMOVE");
    EXPECT_EQ(h.envelope.guild_ban_remove_event().payload().user().username(), "nelly");
  });
  ForEachKeyOrderOfFile("guild_integrations_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough GUILD_INTEGRATIONS_UPDATE");
    EXPECT_EQ(h.envelope.guild_integrations_update_event().payload().guild_id(), kGuild);
  });
  ForEachKeyOrderOfFile("webhooks_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough WEBHOOKS_UPDATE");
    EXPECT_EQ(h.envelope.webhooks_update_event().payload().guild_id(), kGuild);
    EXPECT_EQ(h.passthrough_guild.value(), kGuild);
  });
  ForEachKeyOrderOfFile("integration_create.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INTEGRATION_CREATE");
    EXPECT_EQ(h.envelope.integration_create_event().payload().guild_id(), kGuild);
  });
  ForEachKeyOrderOfFile("integration_update.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INTEGRATION_UPDATE");
    EXPECT_TRUE(h.envelope.has_integration_update_event());
  });
  ForEachKeyOrderOfFile("integration_delete.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INTEGRATION_DELETE");
    EXPECT_EQ(h.envelope.integration_delete_event().payload().guild_id(), kGuild);
  });
}

TEST(GatewayParserTest, InteractionCommand) {
  ForEachKeyOrderOfFile("interaction_create_command.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.calls, Calls({"Sequence 65", "Passthrough INTERACTION_CREATE"}));
    EXPECT_EQ(h.passthrough_guild.value(), kGuild);
    const auto& e = h.envelope.interaction_create_event();
    EXPECT_EQ(e.type(), MessageData::MessageInteractionData::APPLICATION_COMMAND);
    ASSERT_TRUE(e.has_command()) << "type matches the payload case";
    const auto& base = e.command().base();
    EXPECT_EQ(base.id(), 1240000000000000400u);
    EXPECT_EQ(base.application_id(), kBot);
    EXPECT_EQ(base.type(), MessageData::MessageInteractionData::APPLICATION_COMMAND);
    EXPECT_EQ(base.channel_id(), kChannel);
    EXPECT_EQ(base.token(), "aW50ZXJhY3Rpb246MTI0MDAwMDAwMDAwMDAwMDQwMA");
    EXPECT_EQ(base.version(), 1u);
    EXPECT_EQ(base.source_type(), pb::event::InteractionCreateEvent::GUILD);
    ASSERT_TRUE(base.has_source_guild());
    EXPECT_EQ(base.source_guild().guild_id(), kGuild);
    EXPECT_EQ(base.source_guild().member().id(), kUser);
    EXPECT_EQ(base.source_guild().member().guild_id(), kGuild);
    EXPECT_EQ(base.source_guild().member().permissions(), 2147483647u);
    const auto& data = e.command().data();
    EXPECT_EQ(data.id(), 1240000000000000401u);
    EXPECT_EQ(data.name(), "notes");
    ASSERT_EQ(data.options_size(), 1);
    const auto& sub = data.options(0);
    EXPECT_EQ(sub.name(), "add");
    EXPECT_EQ(sub.type(), pb::model::InteractionDataApplicationCommand::
                              ApplicationCommandInteractionDataOption::SUB_COMMAND);
    ASSERT_EQ(sub.options_size(), 6);
    EXPECT_EQ(sub.options(0).value(), "hello \"world\"");
    EXPECT_EQ(sub.options(1).value(), "12");
    EXPECT_EQ(sub.options(2).value(), "0.25");
    EXPECT_EQ(sub.options(2).type(), pb::model::InteractionDataApplicationCommand::
                                         ApplicationCommandInteractionDataOption::UNKNOWN)
        << "NUMBER (10) is not in the model";
    EXPECT_EQ(sub.options(3).value(), "true");
    EXPECT_EQ(sub.options(4).value(), std::to_string(kUser));
    const auto& resolved = data.resolved();
    ASSERT_EQ(resolved.users_size(), 1);
    ASSERT_EQ(resolved.members_size(), 1);
    EXPECT_EQ(resolved.members(0).id(), kUser);
    EXPECT_EQ(resolved.members(0).guild_id(), kGuild);
    EXPECT_EQ(resolved.members(0).user().username(), "nelly") << "from resolved.users";
    ASSERT_EQ(resolved.roles_size(), 1);
    EXPECT_EQ(resolved.roles(0).guild_id(), kGuild);
    EXPECT_EQ(resolved.roles(0).name(), "Moderators");
    ASSERT_EQ(resolved.channels_size(), 1);
    EXPECT_EQ(resolved.channels(0).type(), ChannelData::GUILD_TEXT);
  });
}

TEST(GatewayParserTest, InteractionComponentInDm) {
  ForEachKeyOrderOfFile("interaction_create_component.json", [](RecordingHandler& h) {
    EXPECT_EQ(h.last(), "Passthrough INTERACTION_CREATE");
    EXPECT_TRUE(h.passthrough_guild.is_zero());
    const auto& e = h.envelope.interaction_create_event();
    EXPECT_EQ(e.type(), MessageData::MessageInteractionData::MESSAGE_COMPONENT);
    ASSERT_TRUE(e.has_component());
    const auto& base = e.component().base();
    EXPECT_EQ(base.source_type(), pb::event::InteractionCreateEvent::DM);
    EXPECT_EQ(base.source_dm().user().id(), kUser);
    EXPECT_EQ(base.channel_id(), 1240000000000000021u) << "from the channel object";
    EXPECT_EQ(e.component().data().custom_id(), "ok");
    EXPECT_EQ(e.component().data().component_type(), MessageData::MessageComponentData::BUTTON);
    EXPECT_EQ(e.component().message().id(), 1240000000000000020u);
    EXPECT_TRUE(e.component().message().author().bot());
  });
}

TEST(GatewayParserTest, InteractionTypesWithoutPayloadAreUnmodelled) {
  GatewayParser parser;
  RecordingHandler h;
  Frame frame(Testdata("interaction_create_autocomplete.json"));
  ASSERT_TRUE(parser.Parse(frame.message(), h).ok());
  EXPECT_EQ(h.calls, Calls({"Sequence 67", "Unmodelled INTERACTION_CREATE"}));
  EXPECT_EQ(parser.stats().unmodelled_by_name.at("INTERACTION_CREATE"), 1u);
  // A command without data is malformed, not an envelope without its payload.
  EXPECT_EQ(ParseOnce(R"({"t":"INTERACTION_CREATE","s":1,"op":0,"d":{"id":"1","type":2}})").last(),
            "Malformed INTERACTION_CREATE");
}

TEST(GatewayParserTest, UnmodelledEvents) {
  GatewayParser parser;
  for (const char* file : {"guild_stickers_update.json", "thread_members_update.json",
                           "auto_moderation_action_execution.json", "rate_limited.json"}) {
    RecordingHandler h;
    Frame frame(Testdata(file));
    ASSERT_TRUE(parser.Parse(frame.message(), h).ok()) << file;
    ASSERT_EQ(h.calls.size(), 2u) << file;
    EXPECT_TRUE(h.calls[1].starts_with("Unmodelled ")) << file;
  }
  EXPECT_EQ(parser.stats().unmodelled, 4u);
  EXPECT_EQ(parser.stats().unmodelled_by_name.at("RATE_LIMITED"), 1u);
  EXPECT_EQ(parser.stats().unmodelled_by_name.at("GUILD_STICKERS_UPDATE"), 1u);
  EXPECT_EQ(parser.stats().frames, 4u);
  EXPECT_EQ(parser.stats().dispatches, 4u);
  // Unmodelled payloads are not parsed: anything well-formed goes.
  RecordingHandler h = ParseOnce(R"({"t":"SOME_FUTURE_EVENT","s":9,"op":0,"d":[1,"x",{}]})");
  EXPECT_EQ(h.calls, Calls({"Sequence 9", "Unmodelled SOME_FUTURE_EVENT"}));
}

// ---- Robustness ----

// `json` must be reported malformed, after OnSequence(seq) when given, and nothing else.
void ExpectMalformed(std::string_view json, std::string_view name, std::optional<uint64_t> seq,
                     std::string_view error_part = "") {
  SCOPED_TRACE(std::string(json.substr(0, 200)));
  Status status;
  RecordingHandler h = ParseOnce(json, &status);
  std::vector<std::string> expected;
  if (seq) expected.push_back("Sequence " + std::to_string(*seq));
  expected.push_back("Malformed " + std::string(name));
  EXPECT_EQ(h.calls, expected);
  EXPECT_FALSE(status.ok());
  if (!status.ok()) {
    EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
    EXPECT_EQ(status.error().message(), h.error);
    EXPECT_NE(h.error.find(error_part), std::string::npos) << h.error;
  }
}

TEST(GatewayParserTest, WrongTypesAreMalformedAndNamed) {
  ExpectMalformed(R"({"t":"CHANNEL_CREATE","s":3,"op":0,"d":{"id":"1","name":5}})",
                  "CHANNEL_CREATE", 3, "CHANNEL_CREATE: d.name: expected a string, got a number");
  ExpectMalformed(R"({"t":"MESSAGE_CREATE","s":4,"op":0,"d":{"id":"1","channel_id":"2",)"
                  R"("author":{"id":12.5}}})",
                  "MESSAGE_CREATE", 4, "d.author.id: invalid snowflake");
  ExpectMalformed(R"({"t":"GUILD_CREATE","s":5,"op":0,"d":{"id":"1","roles":[{"id":"2"},)"
                  R"({"id":"3","permissions":true}]}})",
                  "GUILD_CREATE", 5, "d.roles[1].permissions: expected an unsigned integer");
  ExpectMalformed(R"({"t":"GUILD_MEMBER_ADD","s":6,"op":0,"d":{"guild_id":"1",)"
                  R"("user":{"id":"2"},"joined_at":"yesterday"}})",
                  "GUILD_MEMBER_ADD", 6, "d.joined_at: invalid timestamp");
  ExpectMalformed(R"({"t":"CHANNEL_UPDATE","s":7,"op":0,"d":{"id":"12a"}})", "CHANNEL_UPDATE", 7,
                  "invalid snowflake");
  ExpectMalformed(R"({"t":"CHANNEL_UPDATE","s":7,"op":0,"d":{"id":"99999999999999999999"}})",
                  "CHANNEL_UPDATE", 7, "invalid snowflake");
  ExpectMalformed(R"({"t":"GUILD_ROLE_UPDATE","s":8,"op":0,"d":{"guild_id":"1","role":[]}})",
                  "GUILD_ROLE_UPDATE", 8, "d.role: expected an object, got an array");
  ExpectMalformed(R"({"t":"CHANNEL_CREATE","s":9,"op":0,"d":{"id":"1","type":300}})",
                  "CHANNEL_CREATE", 9, "out of range");
  ExpectMalformed(R"({"t":"GUILD_CREATE","s":10,"op":0,"d":"oops"})", "GUILD_CREATE", 10,
                  "d: expected an object, got a string");
  ExpectMalformed(R"({"t":"CHANNEL_CREATE","s":11,"op":0,"d":{"id":"1","nsfw":tru}})",
                  "CHANNEL_CREATE", 11, "d.nsfw: malformed boolean");
}

TEST(GatewayParserTest, MissingIdsAreMalformed) {
  ExpectMalformed(R"({"t":"CHANNEL_CREATE","s":1,"op":0,"d":{"name":"x"}})", "CHANNEL_CREATE", 1,
                  "missing id");
  ExpectMalformed(R"({"t":"GUILD_ROLE_CREATE","s":1,"op":0,"d":{"role":{"id":"5"}}})",
                  "GUILD_ROLE_CREATE", 1, "missing guild_id");
  ExpectMalformed(R"({"t":"GUILD_ROLE_CREATE","s":1,"op":0,"d":{"guild_id":"4"}})",
                  "GUILD_ROLE_CREATE", 1, "missing role");
  ExpectMalformed(R"({"t":"MESSAGE_DELETE","s":1,"op":0,"d":{"id":"1"}})", "MESSAGE_DELETE", 1,
                  "missing channel_id");
  ExpectMalformed(R"({"t":"MESSAGE_CREATE","s":1,"op":0,"d":{"channel_id":"1"}})", "MESSAGE_CREATE",
                  1, "missing id");
  ExpectMalformed(R"({"t":"GUILD_MEMBER_ADD","s":1,"op":0,"d":{"guild_id":"1"}})",
                  "GUILD_MEMBER_ADD", 1, "missing user");
  ExpectMalformed(R"({"t":"GUILD_CREATE","s":1,"op":0,"d":{"id":"1","members":[{"roles":[]}]}})",
                  "GUILD_CREATE", 1, "d.members[0]: missing user");
  ExpectMalformed(R"({"t":"MESSAGE_REACTION_ADD","s":1,"op":0,"d":{"channel_id":"1",)"
                  R"("message_id":"2","user_id":"3"}})",
                  "MESSAGE_REACTION_ADD", 1, "missing emoji");
  ExpectMalformed(R"({"t":"TYPING_START","s":1,"op":0,"d":{"channel_id":"1"}})", "TYPING_START", 1,
                  "missing user_id");
  ExpectMalformed(R"({"t":"READY","s":1,"op":0,"d":{"user":{"id":"1"}}})", "READY", 1,
                  "missing session_id");
  ExpectMalformed(R"({"t":"GUILD_CREATE","s":1,"op":0,"d":null})", "GUILD_CREATE", 1, "missing id");
}

TEST(GatewayParserTest, FrameErrors) {
  ExpectMalformed("", "", std::nullopt);
  ExpectMalformed("   ", "", std::nullopt);
  ExpectMalformed("[1,2]", "", std::nullopt, "frame is not a JSON object");
  ExpectMalformed(R"({"op":42,"d":null})", "", std::nullopt, "unknown op 42");
  ExpectMalformed(R"({"d":{},"s":null})", "", std::nullopt, "missing op");
  ExpectMalformed(R"({"op":0,"s":3,"d":{}})", "", 3, "dispatch without t");
  ExpectMalformed(R"({"op":0,"s":3,"t":"CHANNEL_CREATE"})", "CHANNEL_CREATE", 3, "missing d");
  ExpectMalformed(R"({"op":10,"d":{}})", "", std::nullopt, "missing heartbeat_interval");
  ExpectMalformed(R"({"op":"zero","s":1})", "", 1, "op: expected an integer");
  ExpectMalformed(R"({"op":0,"s":"1","t":"X","d":{}})", "X", std::nullopt,
                  "s: expected an unsigned integer");
  ExpectMalformed(R"({"op":0,"s":1,"t":"lower case","d":{}})", "", 1, "invalid event name");
  ExpectMalformed(R"({"op":11}{"op":11})", "", std::nullopt, "content after the frame");
  ExpectMalformed(R"({"op":11} x)", "", std::nullopt);
  ExpectMalformed(R"({"op":0,"t":"GUILD_DELETE","s":2,"d":{"id":"1"},"d":{"id":"2"}})",
                  "GUILD_DELETE", 2, "duplicate key");
  ExpectMalformed("{\"op\":0,\"t\":\"GUILD_DELETE\",\"s\":2,\"d\":{\"id\":\"\xff\xfe\"}}", "",
                  std::nullopt);  // invalid UTF-8: the whole document is rejected
}

TEST(GatewayParserTest, SequenceAfterBrokenData) {
  // `s` comes after a `d` that fails: still reported.
  ExpectMalformed(R"({"t":"CHANNEL_CREATE","op":0,"d":{"id":5.5},"s":77})", "CHANNEL_CREATE", 77);
  // Skipping the deferred `d` only counts brackets, so t and s are still found.
  ExpectMalformed(R"({"op":0,"d":{"id":"1","name":[}],"t":"CHANNEL_CREATE","s":78})",
                  "CHANNEL_CREATE", 78);
}

TEST(GatewayParserTest, TruncatedFramesNeverReachTheCache) {
  std::string json = Testdata("guild_create.json");
  GatewayParser parser;  // one parser for all: scratch reuse after failures
  for (size_t cut = 0; cut < json.size(); cut += 7) {
    RecordingHandler h;
    Frame frame(std::string_view(json).substr(0, cut), '}');
    EXPECT_FALSE(parser.Parse(frame.message(), h).ok()) << cut;
    ASSERT_FALSE(h.calls.empty());
    EXPECT_TRUE(h.calls.back().starts_with("Malformed")) << cut;
    for (const std::string& call : h.calls) EXPECT_NE(call, "GuildCreate") << cut;
  }
  RecordingHandler h;
  Frame frame(json);
  EXPECT_TRUE(parser.Parse(frame.message(), h).ok());
  EXPECT_EQ(h.last(), "GuildCreate");
  EXPECT_EQ(h.guild_create.members.size(), 2u);
}

TEST(GatewayParserTest, NestingIsBounded) {
  // Components nest; past the limit the message is malformed, not a stack overflow.
  auto components = [](int depth) {
    std::string nested = "{\"type\":2}";
    for (int i = 1; i < depth; ++i) nested = "{\"type\":1,\"components\":[" + nested + "]}";
    return R"({"t":"MESSAGE_CREATE","s":1,"op":0,"d":{"id":"1","channel_id":"2","components":[)" +
           nested + "]}}";
  };
  EXPECT_EQ(ParseOnce(components(GatewayParser::kMaxNesting)).last(), "MessageCreate");
  ExpectMalformed(components(GatewayParser::kMaxNesting + 1), "MESSAGE_CREATE", 1,
                  "nested too deeply");
  ExpectMalformed(components(5000), "MESSAGE_CREATE", 1, "nested too deeply");

  // Deep garbage under a key nobody reads is skipped without recursion.
  std::string deep(100000, '[');
  deep += std::string(100000, ']');
  RecordingHandler skipped =
      ParseOnce(R"({"t":"CHANNEL_CREATE","s":2,"op":0,"d":{"id":"1","x":)" + deep + "}}");
  EXPECT_EQ(skipped.last(), "ChannelCreate");
  // Unbalanced, it is malformed.
  ExpectMalformed(
      R"({"t":"CHANNEL_CREATE","s":2,"op":0,"d":{"id":"1","x":)" + std::string(100000, '[') + "}}",
      "CHANNEL_CREATE", 2);
}

TEST(GatewayParserTest, EscapedKeysAndStrings) {
  RecordingHandler h =
      ParseOnce(R"({"\u0074":"CHANNEL_CREATE","s":1,"op":0,"d":{"\u0069d":"5","type":0,)"
                R"("name":"a\u0062\n","topic":"\ud83d\ude00 \"q\" \\"}})");
  ASSERT_EQ(h.last(), "ChannelCreate") << h.error;
  EXPECT_EQ(h.channel.channel.id.value(), 5u);
  EXPECT_EQ(h.channel.channel.name, "ab\n");
  EXPECT_EQ(h.channel.channel.topic, "\U0001F600 \"q\" \\");
}

TEST(GatewayParserTest, WhitespaceAroundValues) {
  RecordingHandler h = ParseOnce(
      " {\n \"t\" : \"CHANNEL_CREATE\" ,\t\"s\" : 1 , \"op\" : 0 , \"d\" : { \"id\" : \"5\" , "
      "\"name\" : \"general\" \r\n , \"type\" : 0 } } \n");
  ASSERT_EQ(h.last(), "ChannelCreate") << h.error;
  EXPECT_EQ(h.channel.channel.name, "general");
}

TEST(GatewayParserTest, ScratchObjectsDoNotLeakBetweenFrames) {
  GatewayParser parser;
  RecordingHandler h;
  Frame full(Testdata("message_create.json"));
  Frame dm(Testdata("message_create_dm.json"));
  ASSERT_TRUE(parser.Parse(full.message(), h).ok());
  EXPECT_TRUE(h.message.has_member());
  ASSERT_TRUE(parser.Parse(dm.message(), h).ok());
  EXPECT_FALSE(h.message.has_member());
  EXPECT_EQ(h.message.embeds_size(), 0);
  EXPECT_EQ(h.message.content(), "dm");

  // The handler moved the GUILD_CREATE out; the next one is complete on its own.
  Frame guild(Testdata("guild_create.json"));
  Frame unavailable(Testdata("guild_create_unavailable.json"));
  ASSERT_TRUE(parser.Parse(guild.message(), h).ok());
  EXPECT_EQ(h.guild_create.channels.size(), 3u);
  ASSERT_TRUE(parser.Parse(unavailable.message(), h).ok());
  EXPECT_TRUE(h.guild_create.channels.empty());
  EXPECT_TRUE(h.guild_create.guild.name.empty());
  ASSERT_TRUE(parser.Parse(guild.message(), h).ok());
  EXPECT_EQ(h.guild_create.members.size(), 2u);

  // A malformed frame after a good one does not replay the good one.
  RecordingHandler after;
  Frame bad(R"({"t":"GUILD_CREATE","s":9,"op":0,"d":{"id":"1","roles":5}})");
  EXPECT_FALSE(parser.Parse(bad.message(), after).ok());
  EXPECT_EQ(after.calls, Calls({"Sequence 9", "Malformed GUILD_CREATE"}));
}

TEST(GatewayParserTest, BigDocumentsShrinkTheBuffersAfterwards) {
  std::string members;
  for (int i = 0; i < 12000; ++i) {
    if (i) members += ",";
    members += R"({"user":{"id":")" + std::to_string(1000000 + i) +
               R"(","username":"member number )" + std::to_string(i) +
               R"(","discriminator":"0","avatar":null},"roles":["1","2"],)"
               R"("joined_at":"2022-04-23T19:03:25.927000+00:00","deaf":false,"mute":false})";
  }
  std::string json =
      R"({"t":"GUILD_CREATE","s":2,"op":0,"d":{"id":"1","members":[)" + members + "]}}";
  ASSERT_GT(json.size(), GatewayParser::kRetainedCapacity);
  GatewayParser parser;
  RecordingHandler h;
  Frame big(json);
  ASSERT_TRUE(parser.Parse(big.message(), h).ok()) << h.error;
  EXPECT_EQ(h.guild_create.members.size(), 12000u);
  EXPECT_EQ(h.guild_create.members[11999].user.username, "member number 11999");
  Frame small(Testdata("message_create.json"));
  ASSERT_TRUE(parser.Parse(small.message(), h).ok());
  ASSERT_TRUE(parser.Parse(big.message(), h).ok());
  EXPECT_EQ(parser.stats().shrink_failures, 0u);
}

TEST(GatewayParserTest, UnpaddedInputIsRefused) {
  GatewayParser parser;
  RecordingHandler h;
  std::string json = R"({"op":11})";
  InflatedMessage message{json.data(), json.size(), json.size()};
  EXPECT_FALSE(parser.Parse(message, h).ok());
  EXPECT_EQ(h.calls, Calls({"Malformed "}));
  EXPECT_EQ(parser.stats().malformed, 1u);
  EXPECT_EQ(parser.stats().malformed_by_name.at(""), 1u);
}

TEST(GatewayParserTest, ManyDistinctNamesAreBounded) {
  GatewayParser parser;
  RecordingHandler h;
  for (size_t i = 0; i < GatewayParserStats::kMaxNames + 50; ++i) {
    Frame frame(R"({"t":"EVENT_)" + std::to_string(i) + R"(","s":1,"op":0,"d":null})");
    ASSERT_TRUE(parser.Parse(frame.message(), h).ok());
  }
  EXPECT_EQ(parser.stats().unmodelled_by_name.size(), GatewayParserStats::kMaxNames + 1);
  EXPECT_EQ(parser.stats().unmodelled_by_name.at("(other)"), 50u);
}

TEST(GatewayParserTest, FastTimestampAgreesWithParseTimestamp) {
  uint64_t state = 12345;
  auto next = [&state](uint64_t n) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % n;
  };
  for (int i = 0; i < 20000; ++i) {
    char text[64];
    std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00",
                  static_cast<int>(next(10000)), static_cast<int>(next(14)),
                  static_cast<int>(next(33)), static_cast<int>(next(25)),
                  static_cast<int>(next(61)), static_cast<int>(next(62)),
                  static_cast<int>(next(1000000)));
    TimestampUs fast = 0;
    bool ok = json_internal::ParseDiscordTimestamp(text, &fast);
    std::optional<TimestampUs> slow = ParseTimestamp(text);
    ASSERT_EQ(ok, slow.has_value()) << text;
    if (ok) {
      ASSERT_EQ(fast, *slow) << text;
    }
  }
  TimestampUs out;
  EXPECT_FALSE(json_internal::ParseDiscordTimestamp("2022-04-23T19:03:25.927000+01:00", &out));
  EXPECT_FALSE(json_internal::ParseDiscordTimestamp("2022-04-23T19:03:25.92700a+00:00", &out));
  EXPECT_FALSE(json_internal::ParseDiscordTimestamp("2022-04-23 19:03:25.927000+00:00", &out));
}

TEST(GatewayParserTest, ParseDecimal) {
  uint64_t out = 0;
  EXPECT_TRUE(json_internal::ParseDecimal("18446744073709551615", &out));
  EXPECT_EQ(out, UINT64_MAX);
  EXPECT_FALSE(json_internal::ParseDecimal("18446744073709551616", &out));
  EXPECT_FALSE(json_internal::ParseDecimal("99999999999999999999", &out));
  EXPECT_FALSE(json_internal::ParseDecimal("123456789012345678901", &out));
  EXPECT_TRUE(json_internal::ParseDecimal("9999999999999999999", &out));
  EXPECT_EQ(out, 9999999999999999999u);
  EXPECT_TRUE(json_internal::ParseDecimal("0", &out));
  EXPECT_EQ(out, 0u);
  EXPECT_FALSE(json_internal::ParseDecimal("", &out));
  EXPECT_FALSE(json_internal::ParseDecimal("12 3", &out));
  EXPECT_FALSE(json_internal::ParseDecimal("-1", &out));
}

// ---- Enum translation ----

TEST(GatewayParserTest, EnumTranslationNeverLeavesTheProtoEnums) {
  for (uint64_t t = 0; t < 300; ++t) {
    EXPECT_TRUE(ChannelData::ChannelType_IsValid(ToProtoChannelType(t))) << t;
    EXPECT_TRUE(MessageData::MessageType_IsValid(ToProtoMessageType(t))) << t;
  }
  EXPECT_EQ(ToProtoChannelType(0), ChannelData::GUILD_TEXT);
  EXPECT_EQ(ToProtoChannelType(5), ChannelData::GUILD_NEWS);
  EXPECT_EQ(ToProtoChannelType(6), ChannelData::GUILD_STORE);
  EXPECT_EQ(ToProtoChannelType(10), ChannelData::PUBLIC_THREAD);
  EXPECT_EQ(ToProtoChannelType(11), ChannelData::PUBLIC_THREAD);
  EXPECT_EQ(ToProtoChannelType(12), ChannelData::PRIVATE_THREAD);
  EXPECT_EQ(ToProtoChannelType(13), ChannelData::GUILD_STAGE_VOICE);
  EXPECT_EQ(ToProtoChannelType(15), ChannelData::UNKNOWN);
  EXPECT_EQ(ToProtoMessageType(0), MessageData::DEFAULT);
  EXPECT_EQ(ToProtoMessageType(7), MessageData::GUILD_MEMBER_JOIN);
  EXPECT_EQ(ToProtoMessageType(12), MessageData::CHANNEL_FOLLOW_ADD);
  EXPECT_EQ(ToProtoMessageType(14), MessageData::GUILD_DISCOVERY_DISQUALIFIED);
  EXPECT_EQ(ToProtoMessageType(15), MessageData::GUILD_DISCOVERY_REQUALIFIED);
  EXPECT_EQ(ToProtoMessageType(19), MessageData::DEFAULT);
  EXPECT_EQ(ToProtoMessageType(20), MessageData::DEFAULT);
  EXPECT_EQ(ToProtoEmbedType("gifv"), MessageData::MessageEmbedData::GIFV);
  EXPECT_EQ(ToProtoEmbedType("poll_result"), MessageData::MessageEmbedData::UNKNOWN);
}

}  // namespace
}  // namespace pylon::discord
