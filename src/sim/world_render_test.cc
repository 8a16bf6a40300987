// Copyright 2026 The Pylon Gateway Authors.
// Rendering: every shape parses, uses Discord's field names and types, and GUILD_CREATE follows
// the trimming rules of discord-protocol.md §5.

#include <algorithm>
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "sim/test_util.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

using namespace pylon::sim::testing;  // NOLINT: test helpers

std::string Render(const std::function<void(JsonWriter&)>& write) {
  std::string out;
  JsonWriter w(&out);
  write(w);
  return out;
}

class WorldRenderTest : public ::testing::Test {
 protected:
  WorldRenderTest() : world_(SmallConfig(), clock_) {}

  const Guild& AnyGuild() const { return *world_.guilds()[0]; }
  const Bot& FirstBot() const { return world_.bots()[0]; }
  BotView ViewWith(uint64_t intents, uint32_t large_threshold = 250) const {
    return BotView{intents, large_threshold, FirstBot().id};
  }

  ManualClock clock_;
  World world_;
  simdjson::dom::parser parser_;
};

TEST_F(WorldRenderTest, UserShape) {
  for (const User& user : {world_.users()[0], world_.users()[1], world_.user(FirstBot().user)}) {
    std::string json = Render([&](JsonWriter& w) { world_.WriteUser(w, user); });
    auto e = ParseJson(parser_, json);
    EXPECT_TRUE(IsIdString(e["id"]));
    EXPECT_EQ(GetString(e, "username"), user.username);
    EXPECT_EQ(GetString(e, "discriminator"), "0");
    EXPECT_TRUE(e["global_name"].is_string() || e["global_name"].is_null());
    if (user.avatar != 0) {
      EXPECT_EQ(GetString(e, "avatar").size(), 32u);
    } else {
      EXPECT_TRUE(e["avatar"].is_null());
    }
    EXPECT_TRUE(e["public_flags"].is_int64());
    EXPECT_EQ(Has(e, "bot"), user.bot);
  }
}

TEST_F(WorldRenderTest, MemberShapeWithAndWithoutUser) {
  const Guild& g = AnyGuild();
  const Member& m = g.members[0];
  auto e = ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteMember(w, m, true); }));
  EXPECT_TRUE(IsIdString(e["user"]["id"]));
  EXPECT_TRUE(IsDiscordTimestamp(GetString(e, "joined_at")));
  simdjson::dom::array roles = e["roles"].get_array();
  EXPECT_EQ(roles.size(), m.roles.size());
  for (auto role : roles) EXPECT_TRUE(IsIdString(role));
  for (const char* key : {"deaf", "mute", "pending"}) EXPECT_TRUE(e[key].is_bool()) << key;
  EXPECT_TRUE(e["flags"].is_int64());
  EXPECT_TRUE(e["nick"].is_null() || e["nick"].is_string());
  EXPECT_TRUE(e["premium_since"].is_null() || e["premium_since"].is_string());
  EXPECT_TRUE(Has(e, "communication_disabled_until"));
  EXPECT_FALSE(Has(e, "guild_id"));

  auto partial =
      ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteMember(w, m, false, g.id); }));
  EXPECT_FALSE(Has(partial, "user"));
  EXPECT_EQ(GetString(partial, "guild_id"), g.id.ToString());
}

TEST_F(WorldRenderTest, RoleShape) {
  const Guild& g = AnyGuild();
  for (const Role& role : g.roles) {
    auto e = ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteRole(w, role); }));
    EXPECT_TRUE(IsIdString(e["id"]));
    EXPECT_TRUE(IsIdString(e["permissions"])) << "permissions are a decimal string";
    EXPECT_EQ(GetString(e, "permissions"), std::to_string(role.permissions));
    EXPECT_EQ(GetInt(e, "position"), role.position);
    EXPECT_TRUE(e["color"].is_int64());
    EXPECT_TRUE(e["colors"]["primary_color"].is_int64());
    for (const char* key : {"hoist", "managed", "mentionable"}) EXPECT_TRUE(e[key].is_bool());
    if (role.managed) {
      EXPECT_EQ(GetString(e["tags"], "bot_id"), role.bot.ToString());
    } else {
      EXPECT_FALSE(Has(e, "tags"));
    }
  }
  EXPECT_EQ(g.roles[0].id.value(), g.id.value());
}

TEST_F(WorldRenderTest, ChannelShapes) {
  bool saw[16] = {};
  for (const auto& guild : world_.guilds()) {
    for (const Channel& c : guild->channels) {
      saw[static_cast<int>(c.type)] = true;
      auto e = ParseJson(parser_,
                         Render([&](JsonWriter& w) { world_.WriteChannel(w, *guild, c, true); }));
      EXPECT_TRUE(IsIdString(e["id"]));
      EXPECT_EQ(GetInt(e, "type"), static_cast<int>(c.type));
      EXPECT_EQ(GetString(e, "guild_id"), guild->id.ToString());
      EXPECT_TRUE(e["parent_id"].is_null() || IsIdString(e["parent_id"]));
      if (IsThread(c.type)) {
        EXPECT_TRUE(IsIdString(e["parent_id"]));
        EXPECT_TRUE(IsIdString(e["owner_id"]));
        EXPECT_TRUE(e["thread_metadata"]["archived"].is_bool());
        EXPECT_TRUE(IsDiscordTimestamp(GetString(e["thread_metadata"], "archive_timestamp")));
        EXPECT_TRUE(e["message_count"].is_int64());
        EXPECT_EQ(Has(e["thread_metadata"], "invitable"), c.type == ChannelType::kPrivateThread);
        continue;
      }
      EXPECT_TRUE(e["position"].is_int64());
      simdjson::dom::array overwrites = e["permission_overwrites"].get_array();
      for (auto o : overwrites) {
        EXPECT_TRUE(IsIdString(o["id"]));
        EXPECT_TRUE(IsIdString(o["allow"]));
        EXPECT_TRUE(IsIdString(o["deny"]));
        EXPECT_TRUE(o["type"].is_int64());
      }
      if (c.type == ChannelType::kText) {
        EXPECT_TRUE(Has(e, "topic"));
        EXPECT_TRUE(e["nsfw"].is_bool());
        EXPECT_TRUE(e["rate_limit_per_user"].is_int64());
        EXPECT_TRUE(Has(e, "last_message_id"));
      }
      if (IsVoiceBased(c.type)) {
        EXPECT_TRUE(e["bitrate"].is_int64());
        EXPECT_TRUE(e["user_limit"].is_int64());
      }
      auto without = ParseJson(
          parser_, Render([&](JsonWriter& w) { world_.WriteChannel(w, *guild, c, false); }));
      EXPECT_FALSE(Has(without, "guild_id"));
    }
  }
  EXPECT_TRUE(saw[0] && saw[2] && saw[4] && saw[11]) << "text, voice, category, public thread";
}

TEST_F(WorldRenderTest, PresenceVoiceEmojiInviteShapes) {
  for (const auto& guild : world_.guilds()) {
    for (const Member& m : guild->members) {
      if (m.presence.status == PresenceStatus::kOffline) continue;
      auto e = ParseJson(parser_,
                         Render([&](JsonWriter& w) { world_.WritePresence(w, *guild, m, true); }));
      EXPECT_TRUE(IsIdString(e["user"]["id"]));
      EXPECT_EQ(GetString(e, "guild_id"), guild->id.ToString());
      std::string_view status = GetString(e, "status");
      EXPECT_TRUE(status == "online" || status == "idle" || status == "dnd");
      EXPECT_TRUE(e["client_status"].is_object());
      for (auto a : e["activities"].get_array()) {
        EXPECT_TRUE(a["name"].is_string());
        EXPECT_TRUE(a["type"].is_int64());
        EXPECT_TRUE(a["created_at"].is_int64());
      }
      break;
    }
    for (const VoiceState& v : guild->voice_states) {
      auto e = ParseJson(parser_, Render([&](JsonWriter& w) {
                           world_.WriteVoiceState(w, *guild, v, true, true);
                         }));
      EXPECT_TRUE(IsIdString(e["channel_id"]));
      EXPECT_TRUE(IsIdString(e["user_id"]));
      EXPECT_EQ(GetString(e, "session_id").size(), 32u);
      EXPECT_TRUE(IsIdString(e["member"]["user"]["id"]));
      for (const char* key : {"deaf", "mute", "self_deaf", "self_mute", "self_video", "suppress"}) {
        EXPECT_TRUE(e[key].is_bool()) << key;
      }
    }
    for (const Emoji& emoji : guild->emojis) {
      auto e = ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteEmoji(w, emoji); }));
      EXPECT_TRUE(IsIdString(e["id"]));
      EXPECT_TRUE(e["animated"].is_bool());
      EXPECT_TRUE(e["roles"].is_array());
    }
    for (const Invite& invite : guild->invites) {
      auto e =
          ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteInvite(w, *guild, invite); }));
      EXPECT_EQ(GetString(e, "code"), invite.code);
      EXPECT_TRUE(IsDiscordTimestamp(GetString(e, "created_at")));
      EXPECT_TRUE(IsIdString(e["inviter"]["id"]));
    }
  }
}

TEST_F(WorldRenderTest, GuildObjectShape) {
  const Guild& g = AnyGuild();
  auto e = ParseJson(parser_, Render([&](JsonWriter& w) { world_.WriteGuild(w, g); }));
  EXPECT_EQ(GetString(e, "id"), g.id.ToString());
  EXPECT_TRUE(IsIdString(e["owner_id"]));
  EXPECT_EQ(ArraySize(e, "roles"), g.roles.size());
  EXPECT_EQ(ArraySize(e, "emojis"), g.emojis.size());
  EXPECT_TRUE(e["features"].is_array());
  EXPECT_TRUE(e["verification_level"].is_int64());
  EXPECT_TRUE(e["premium_tier"].is_int64());
  EXPECT_FALSE(Has(e, "members")) << "GUILD_UPDATE has no GUILD_CREATE extras";
  EXPECT_FALSE(Has(e, "channels"));
}

// Counts members in GUILD_CREATE's d by kind.
struct GuildCreateCounts {
  size_t members = 0, presences = 0, voice_states = 0, channels = 0, threads = 0;
  bool large = false;
  bool self_listed = false;
};

GuildCreateCounts CountGuildCreate(simdjson::dom::parser& parser, const std::string& json,
                                   UserId self) {
  GuildCreateCounts counts;
  auto e = ParseJson(parser, json);
  counts.members = ArraySize(e, "members");
  counts.presences = ArraySize(e, "presences");
  counts.voice_states = ArraySize(e, "voice_states");
  counts.channels = ArraySize(e, "channels");
  counts.threads = ArraySize(e, "threads");
  counts.large = GetBool(e, "large");
  for (auto m : e["members"].get_array()) {
    std::string_view id = m["user"]["id"].get_string();
    if (id == self.ToString()) counts.self_listed = true;
  }
  for (auto c : e["channels"].get_array()) EXPECT_FALSE(Has(c, "guild_id"));
  for (auto v : e["voice_states"].get_array()) EXPECT_FALSE(Has(v, "guild_id"));
  for (const char* key :
       {"joined_at", "unavailable", "member_count", "stage_instances", "guild_scheduled_events",
        "soundboard_sounds", "roles", "emojis", "stickers"}) {
    EXPECT_TRUE(Has(e, key)) << key;
  }
  return counts;
}

TEST_F(WorldRenderTest, GuildCreateSmallGuildWithAllIntentsListsEveryone) {
  const Guild* small = nullptr;
  for (const auto& g : world_.guilds()) {
    if (g->member_count() <= 250 && (!small || g->member_count() > small->member_count())) {
      small = g.get();
    }
  }
  ASSERT_NE(small, nullptr);
  BotView view = ViewWith(intent::kAllDefined, 250);
  auto counts = CountGuildCreate(parser_, world_.RenderGuildCreate(*small, view), view.user);
  size_t online = std::count_if(small->members.begin(), small->members.end(), [](const Member& m) {
    return m.presence.status != PresenceStatus::kOffline;
  });
  EXPECT_FALSE(counts.large);
  EXPECT_EQ(counts.members, small->member_count());
  EXPECT_EQ(counts.presences, online);
  EXPECT_EQ(counts.voice_states, small->voice_states.size());
  size_t active_threads =
      std::count_if(small->channels.begin(), small->channels.end(),
                    [](const Channel& c) { return IsThread(c.type) && !c.thread.archived; });
  EXPECT_EQ(counts.threads, active_threads);
}

TEST_F(WorldRenderTest, GuildCreateLargeGuildOmitsOfflineMembers) {
  const Guild* large = nullptr;
  for (const auto& g : world_.guilds()) {
    if (!large || g->member_count() > large->member_count()) large = g.get();
  }
  ASSERT_GT(large->member_count(), 50u);
  BotView view = ViewWith(intent::kAllDefined, 50);
  auto e = ParseJson(parser_, world_.RenderGuildCreate(*large, view));
  EXPECT_TRUE(GetBool(e, "large"));
  EXPECT_EQ(static_cast<uint32_t>(GetInt(e, "member_count")), large->member_count());
  size_t expected = 0;
  for (const Member& m : large->members) {
    bool in_voice = large->voice_index.Contains(world_.user(m.user).id.value());
    expected += m.presence.status != PresenceStatus::kOffline || in_voice;
  }
  EXPECT_EQ(ArraySize(e, "members"), expected);
  for (auto p : e["presences"].get_array()) {
    EXPECT_NE(GetString(p, "status"), "offline");
    EXPECT_FALSE(Has(p, "guild_id"));
  }
}

TEST_F(WorldRenderTest, GuildCreateWithoutPresencesIntentKeepsOnlySelfAndVoiceUsers) {
  const Guild& g = AnyGuild();
  uint64_t intents = intent::kAllDefined & ~intent::Bit(intent::kGuildPresences);
  BotView view = ViewWith(intents);
  auto counts = CountGuildCreate(parser_, world_.RenderGuildCreate(g, view), view.user);
  EXPECT_TRUE(counts.self_listed);
  EXPECT_EQ(counts.presences, 0u);
  EXPECT_EQ(counts.members, 1 + g.voice_states.size());  // bots are never in voice here

  // Without GUILD_VOICE_STATES as well: just the bot, and no voice states.
  view.intents &= ~intent::Bit(intent::kGuildVoiceStates);
  counts = CountGuildCreate(parser_, world_.RenderGuildCreate(g, view), view.user);
  EXPECT_EQ(counts.members, 1u);
  EXPECT_EQ(counts.voice_states, 0u);
}

TEST(WorldRenderLargeTest, GuildCreateOver75kMembersIsTrimmedEvenWithPresences) {
  WorldConfig config;
  config.guilds = 1;
  config.members = 76000;
  config.max_guild_members = 80000;
  config.voice_share = 0.001;
  ManualClock clock;
  World world(config, clock);
  const Guild& g = *world.guilds()[0];
  ASSERT_GT(g.member_count(), 75000u);
  BotView view{intent::kAllDefined, 250, world.bots()[0].id};
  simdjson::dom::parser parser;
  std::string json = world.RenderGuildCreate(g, view);
  auto counts = CountGuildCreate(parser, json, view.user);
  EXPECT_TRUE(counts.large);
  EXPECT_TRUE(counts.self_listed);
  EXPECT_EQ(counts.members, 1 + g.voice_states.size());
  EXPECT_LE(counts.presences, counts.members);
}

TEST_F(WorldRenderTest, MessageContentIsBlankedWithoutTheIntent) {
  const Guild* guild = nullptr;
  const Channel* channel = nullptr;
  for (const auto& g : world_.guilds()) {
    for (const Channel& c : g->channels) {
      if (!c.messages.empty() && !channel) {
        guild = g.get();
        channel = &c;
      }
    }
  }
  ASSERT_NE(channel, nullptr);
  const Message& message = channel->messages.at(0);
  ASSERT_FALSE(message.content.empty());
  BotView with = ViewWith(intent::kAllDefined);
  BotView without = ViewWith(intent::kAllDefined & ~intent::Bit(intent::kMessageContent));
  auto render = [&](const BotView* viewer) {
    MessageRenderOptions options;
    options.viewer = viewer;
    return Render(
        [&](JsonWriter& w) { world_.WriteMessage(w, *guild, *channel, message, options); });
  };
  auto e = ParseJson(parser_, render(&with));
  EXPECT_EQ(GetString(e, "content"), message.content);
  EXPECT_TRUE(IsIdString(e["id"]));
  EXPECT_TRUE(IsIdString(e["channel_id"]));
  EXPECT_EQ(GetString(e, "guild_id"), guild->id.ToString());
  EXPECT_TRUE(IsIdString(e["author"]["id"]));
  EXPECT_FALSE(Has(e["member"], "user")) << "MESSAGE_CREATE's member has no user";
  EXPECT_TRUE(IsDiscordTimestamp(GetString(e, "timestamp")));
  EXPECT_TRUE(e["edited_timestamp"].is_null());
  EXPECT_EQ(GetInt(e, "type"), 0);
  for (const char* key : {"mentions", "mention_roles", "embeds", "attachments", "components"}) {
    EXPECT_TRUE(e[key].is_array()) << key;
  }
  auto blank = ParseJson(parser_, render(&without));
  EXPECT_EQ(GetString(blank, "content"), "");
  EXPECT_EQ(ArraySize(blank, "embeds"), 0u);

  // The author sees its own content without the intent.
  BotView author = without;
  author.user = world_.user(message.author).id;
  auto own = ParseJson(parser_, render(&author));
  EXPECT_EQ(GetString(own, "content"), message.content);
}

TEST_F(WorldRenderTest, TruthAndListingsParse) {
  for (const auto& g : world_.guilds()) {
    auto e = ParseJson(parser_, world_.RenderGuildTruth(*g, /*with_messages=*/true));
    EXPECT_EQ(ArraySize(e, "members"), g->member_count());
    EXPECT_EQ(ArraySize(e, "presences"), g->member_count());
    EXPECT_EQ(static_cast<uint32_t>(GetInt(e, "member_count")), g->member_count());
    EXPECT_EQ(ArraySize(e, "bans"), g->bans.size());
    EXPECT_TRUE(e["messages"].is_object());
    auto roles = ParseJson(parser_, world_.RenderIdList(*g, ObjectKind::kRoles));
    EXPECT_EQ(simdjson::dom::array(roles.get_array()).size(), g->roles.size());
    auto invites = ParseJson(parser_, world_.RenderIdList(*g, ObjectKind::kInvites));
    EXPECT_EQ(simdjson::dom::array(invites.get_array()).size(), g->invites.size());
  }
  auto summary = ParseJson(parser_, world_.RenderSummary());
  EXPECT_EQ(static_cast<size_t>(GetInt(summary, "guilds")), world_.guilds().size());
  EXPECT_EQ(ArraySize(summary, "per_guild"), world_.guilds().size());
  auto truth = ParseJson(parser_, world_.RenderWorldTruth());
  EXPECT_EQ(ArraySize(truth, "users"), world_.users().size());
  EXPECT_FALSE(world_.RenderWorldTruth().find(FirstBot().token.reveal()) != std::string::npos)
      << "tokens never appear in renderings";
}

}  // namespace
}  // namespace pylon::sim
