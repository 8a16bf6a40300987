// Copyright 2026 The Pylon Gateway Authors.
// Every one of the 58 GatewayRest methods against the in-process simulator (real HTTP on
// loopback), with a ShardHost running the bot so that the local checks see a real cache: each
// call must change the simulator's World as asked and answer with the right data. The suite
// shares one simulator; the last test checks that all 58 methods were called.

#include <algorithm>

#include "rest/rest_test_fixture.h"

namespace pylon::rest {
namespace {

using testing::Describe;
using testing::RestFixture;

#define ASSERT_DATA(response) ASSERT_TRUE((response).has_data()) << Describe(response)

// What the tests use of the first guild, read from the World once.
struct GuildInfo {
  GuildId id;
  UserId owner;
  std::vector<ChannelId> text;  // text channels with messages
  // Members without roles, not the owner, not bots, and online: BeginGuildPrune (the Guild test)
  // kicks role-less members who are offline, as Discord prunes inactive ones.
  std::vector<UserId> plain;
  RoleId low_role;  // an ordinary role below the bot's
  std::vector<EmojiId> emojis;
  UserId outsider;  // a user in no relation with the guild
  GuildId last_guild;
};

class RestMethodsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    testing::RestFixtureOptions options;
    options.sim = pylon::testing::SmallSim(/*guilds=*/3, /*members=*/300);
    options.sim.world.messages_per_channel = 6;
    options.sim.world.emojis = {2, 4};
    options.sim.world.roles = {3, 6};
    options.sim.world.bans = {1, 2};
    options.sim.world.invites = {1, 2};
    options.sim.world.member_roles_mean = 0.5;
    options.sim.world.online_share = 0.75;  // enough online members that the prune spares
    fixture_ = new RestFixture(options);
    info_ = new GuildInfo(fixture_->Sim([] { return ReadGuild(fixture_->sim().world()); }));
  }
  static void TearDownTestSuite() {
    delete fixture_;
    delete info_;
  }

  static GuildInfo ReadGuild(const sim::World& world) {
    GuildInfo info;
    const sim::Bot& bot = world.bots()[0];
    const sim::Guild& g = *world.FindGuild(bot.guilds[0]);
    info.id = g.id;
    info.owner = g.owner;
    info.last_guild = bot.guilds.back();
    for (const sim::Channel& c : g.channels) {
      if (c.type == sim::ChannelType::kText && c.messages.size() >= 4) info.text.push_back(c.id);
    }
    for (const sim::Member& m : g.members) {
      const sim::User& u = world.user(m.user);
      if (!u.bot && u.id != g.owner && m.roles.empty() && m.nick.empty() &&
          m.presence.status != sim::PresenceStatus::kOffline && !g.bans.count(u.id.value()) &&
          !g.FindVoiceState(u.id)) {
        info.plain.push_back(u.id);
      }
    }
    for (const sim::Role& r : g.roles) {
      if (!r.managed && r.id.value() != g.id.value() && info.low_role.is_zero())
        info.low_role = r.id;
    }
    for (const sim::Emoji& e : g.emojis) info.emojis.push_back(e.id);
    for (const sim::User& u : world.users()) {
      if (!u.bot && !g.FindMember(u.id) && !g.bans.count(u.id.value())) {
        info.outsider = u.id;
        break;
      }
    }
    return info;
  }

  template <typename Fn>
  static auto Sim(Fn fn) {
    return fixture_->Sim(std::move(fn));
  }
  static const sim::World& World() { return fixture_->sim().world(); }
  static const sim::Guild& Guild() { return *World().FindGuild(info_->id); }
  template <typename M>
  static typename M::Response Call(const typename M::Request& r, GuildId guild = GuildId()) {
    return fixture_->Call<M>(r, guild.is_zero() ? info_->id : guild);
  }

  static RestFixture* fixture_;
  static GuildInfo* info_;
};

RestFixture* RestMethodsTest::fixture_ = nullptr;
GuildInfo* RestMethodsTest::info_ = nullptr;

TEST_F(RestMethodsTest, WorldHasWhatTheTestsNeed) {
  ASSERT_GE(info_->text.size(), 2u);
  ASSERT_GE(info_->plain.size(), 8u);
  ASSERT_FALSE(info_->low_role.is_zero());
  ASSERT_GE(info_->emojis.size(), 2u);
  ASSERT_FALSE(info_->outsider.is_zero());
  ASSERT_NE(info_->last_guild, info_->id);
}

TEST_F(RestMethodsTest, Guild) {
  const GuildId g = info_->id;
  {
    rpb::ModifyGuildRequest r;
    r.mutable_name()->set_value("Renamed Guild");
    r.mutable_verification_level()->set_value(1);
    r.mutable_afk_channel_id()->set_value(0);  // 0: null
    r.mutable_audit_log_reason()->set_value("tidy up");
    auto resp = Call<ModifyGuildMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().guild().id(), g.value());
    EXPECT_EQ(resp.data().guild().name(), "Renamed Guild");
    EXPECT_EQ(resp.data().guild().verification_level(), 1u);
    EXPECT_EQ(Sim([&] { return Guild().name; }), "Renamed Guild");
    EXPECT_TRUE(Sim([&] { return Guild().afk_channel.is_zero(); }));
  }
  ChannelId created;
  {
    rpb::CreateGuildChannelRequest r;
    r.set_name("pylon-created");
    r.set_type(pb::ChannelData::GUILD_TEXT);
    r.mutable_topic()->set_value("a topic");
    auto* o = r.add_permission_overwrites();
    o->set_id(g.value());
    o->set_type(pb::ChannelData::ChannelPermissionOverwriteData::ROLE);
    o->set_deny(perm::kViewChannel);
    auto resp = Call<CreateGuildChannelMethod>(r);
    ASSERT_DATA(resp);
    const auto& c = resp.data().channel();
    created = ChannelId(c.id());
    EXPECT_EQ(c.name(), "pylon-created");
    EXPECT_EQ(c.type(), pb::ChannelData::GUILD_TEXT);
    EXPECT_EQ(c.guild_id().value(), g.value());
    ASSERT_EQ(c.permission_overwrites_size(), 1);
    EXPECT_EQ(c.permission_overwrites(0).deny(), perm::kViewChannel);
    Sim([&] {
      const sim::Channel* ch = World().FindChannel(created);
      ASSERT_NE(ch, nullptr);
      EXPECT_EQ(ch->topic, "a topic");
      ASSERT_EQ(ch->overwrites.size(), 1u);
      EXPECT_EQ(ch->overwrites[0].type, 0);
    });
  }
  {
    rpb::ModifyGuildChannelPositionsRequest r;
    auto* p = r.add_channel_positions();
    p->set_id(created.value());
    p->set_position(1);
    ASSERT_DATA(Call<ModifyGuildChannelPositionsMethod>(r));
    EXPECT_EQ(Sim([&] { return World().FindChannel(created)->position; }), 1);
  }
  RoleId role;
  {
    rpb::CreateGuildRoleRequest r;
    r.mutable_name()->set_value("pylon-role");
    r.mutable_color()->set_value(0x123456);
    r.mutable_hoist()->set_value(true);
    r.mutable_permissions()->set_value(perm::kViewChannel);
    auto resp = Call<CreateGuildRoleMethod>(r);
    ASSERT_DATA(resp);
    role = RoleId(resp.data().role().id());
    EXPECT_EQ(resp.data().role().guild_id(), g.value());
    EXPECT_EQ(resp.data().role().color(), 0x123456u);
    EXPECT_EQ(Sim([&] { return World().FindRole(g, role)->name; }), "pylon-role");
  }
  {
    rpb::ModifyGuildRoleRequest r;
    r.set_role_id(role.value());
    r.mutable_name()->set_value("pylon-role-2");
    r.mutable_mentionable()->set_value(true);
    auto resp = Call<ModifyGuildRoleMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_TRUE(resp.data().role().mentionable());
    EXPECT_EQ(Sim([&] { return World().FindRole(g, role)->name; }), "pylon-role-2");
  }
  {
    rpb::ModifyGuildRolePositionsRequest r;
    auto* p = r.add_role_positions();
    p->set_id(role.value());
    p->set_position(2);
    auto resp = Call<ModifyGuildRolePositionsMethod>(r);
    ASSERT_DATA(resp);
    bool listed = false;
    for (const auto& rd : resp.data().roles())
      listed |= rd.id() == role.value() && rd.position() == 2;
    EXPECT_TRUE(listed);
    EXPECT_EQ(Sim([&] { return World().FindRole(g, role)->position; }), 2);
  }
  {
    rpb::DeleteGuildRoleRequest r;
    r.set_role_id(role.value());
    ASSERT_DATA(Call<DeleteGuildRoleMethod>(r));
    EXPECT_EQ(Sim([&] { return World().FindRole(g, role); }), nullptr);
  }
  {
    rpb::GetGuildPruneCountRequest r;
    r.mutable_days()->set_value(30);
    r.mutable_include_roles()->add_values(info_->low_role.value());
    ASSERT_DATA(Call<GetGuildPruneCountMethod>(r));
    rpb::BeginGuildPruneRequest b;
    b.mutable_days()->set_value(30);
    b.mutable_compute_prune_count()->set_value(true);
    b.mutable_audit_log_reason()->set_value("prune");
    size_t before = Sim([&] { return Guild().members.size(); });
    ASSERT_DATA(Call<BeginGuildPruneMethod>(b));
    EXPECT_LE(Sim([&] { return Guild().members.size(); }), before);
    for (UserId user : info_->plain) {  // online members are not pruned
      EXPECT_NE(Sim([&] { return Guild().FindMember(user); }), nullptr);
    }
  }
  {
    auto resp = Call<GetGuildVoiceRegionsMethod>(rpb::GetGuildVoiceRegionsRequest());
    ASSERT_DATA(resp);
    const auto& regions = resp.data().regions();
    EXPECT_NE(std::find(regions.begin(), regions.end(), "us-east"), regions.end());
  }
  {
    auto resp = Call<GetGuildInvitesMethod>(rpb::GetGuildInvitesRequest());
    ASSERT_DATA(resp);
    EXPECT_EQ(static_cast<size_t>(resp.data().invites_size()),
              Sim([&] { return Guild().invites.size(); }));
    if (resp.data().invites_size() > 0) {
      EXPECT_FALSE(resp.data().invites(0).code().empty());
      EXPECT_EQ(resp.data().invites(0).guild().id(), g.value());
    }
  }
  // Emojis.
  {
    auto resp = Call<ListGuildEmojisMethod>(rpb::ListGuildEmojisRequest());
    ASSERT_DATA(resp);
    EXPECT_EQ(static_cast<size_t>(resp.data().emojis_size()), info_->emojis.size());
    EXPECT_EQ(resp.data().emojis(0).guild_id(), g.value());
    rpb::GetGuildEmojiRequest one;
    one.set_emoji_id(info_->emojis[0].value());
    auto got = Call<GetGuildEmojiMethod>(one);
    ASSERT_DATA(got);
    EXPECT_EQ(got.data().emoji().name(),
              Sim([&] { return Guild().FindEmoji(info_->emojis[0])->name; }));
  }
  EmojiId emoji;
  {
    rpb::CreateGuildEmojiRequest r;
    r.set_name("pylon_emoji");
    r.mutable_image()->set_value(std::string("\x89PNG\r\n\x1a\n-not-really-a-png", 24));
    r.mutable_audit_log_reason()->set_value("new emoji");
    auto resp = Call<CreateGuildEmojiMethod>(r);
    ASSERT_DATA(resp);
    emoji = EmojiId(resp.data().emoji().id());
    EXPECT_EQ(Sim([&] { return Guild().FindEmoji(emoji)->name; }), "pylon_emoji");
  }
  {
    rpb::ModifyGuildEmojiRequest r;
    r.set_emoji_id(emoji.value());
    r.mutable_name()->set_value("pylon_emoji_2");
    ASSERT_DATA(Call<ModifyGuildEmojiMethod>(r));
    EXPECT_EQ(Sim([&] { return Guild().FindEmoji(emoji)->name; }), "pylon_emoji_2");
    rpb::DeleteGuildEmojiRequest d;
    d.set_emoji_id(emoji.value());
    ASSERT_DATA(Call<DeleteGuildEmojiMethod>(d));
    EXPECT_EQ(Sim([&] { return Guild().FindEmoji(emoji); }), nullptr);
  }
}

TEST_F(RestMethodsTest, MembersAndBans) {
  const GuildId g = info_->id;
  const auto& plain = info_->plain;
  {
    rpb::AddGuildMemberRequest r;
    r.set_user_id(info_->outsider.value());
    r.set_access_token("oauth2-access-token");
    auto resp = Call<AddGuildMemberMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_TRUE(resp.data().added());
    EXPECT_NE(Sim([&] { return Guild().FindMember(info_->outsider); }), nullptr);
    auto again = Call<AddGuildMemberMethod>(r);
    ASSERT_DATA(again);
    EXPECT_FALSE(again.data().added());  // 204: already a member
  }
  {
    rpb::ModifyGuildMemberRequest r;
    r.set_user_id(plain[0].value());
    r.mutable_nick()->set_value("Nicky");
    r.mutable_roles()->add_values(info_->low_role.value());
    r.mutable_audit_log_reason()->set_value("rename");
    ASSERT_DATA(Call<ModifyGuildMemberMethod>(r));
    Sim([&] {
      const sim::Member* m = Guild().FindMember(plain[0]);
      EXPECT_EQ(m->nick, "Nicky");
      EXPECT_EQ(m->roles, std::vector<RoleId>{info_->low_role});
    });
    rpb::ModifyGuildMemberRequest reset;
    reset.set_user_id(plain[0].value());
    reset.mutable_nick()->set_value("");  // "": reset the nickname
    ASSERT_DATA(Call<ModifyGuildMemberMethod>(reset));
    EXPECT_EQ(Sim([&] { return Guild().FindMember(plain[0])->nick; }), "");
  }
  {
    rpb::ModifyCurrentUserNickRequest r;
    r.mutable_nick()->set_value("PylonBot");
    ASSERT_DATA(Call<ModifyCurrentUserNickMethod>(r));
    UserId bot(fixture_->bot().value());
    EXPECT_EQ(Sim([&] { return Guild().FindMember(bot)->nick; }), "PylonBot");
    ASSERT_DATA(Call<ModifyCurrentUserNickMethod>(rpb::ModifyCurrentUserNickRequest()));
    EXPECT_EQ(Sim([&] { return Guild().FindMember(bot)->nick; }), "");
  }
  {
    rpb::AddGuildMemberRoleRequest r;
    r.set_user_id(plain[1].value());
    r.set_role_id(info_->low_role.value());
    ASSERT_DATA(Call<AddGuildMemberRoleMethod>(r));
    EXPECT_EQ(Sim([&] { return Guild().FindMember(plain[1])->roles.size(); }), 1u);
    rpb::RemoveGuildMemberRoleRequest d;
    d.set_user_id(plain[1].value());
    d.set_role_id(info_->low_role.value());
    ASSERT_DATA(Call<RemoveGuildMemberRoleMethod>(d));
    EXPECT_EQ(Sim([&] { return Guild().FindMember(plain[1])->roles.size(); }), 0u);
  }
  {
    rpb::RemoveGuildMemberRequest r;
    r.set_user_id(plain[2].value());
    r.mutable_audit_log_reason()->set_value("kick");
    ASSERT_DATA(Call<RemoveGuildMemberMethod>(r));
    EXPECT_EQ(Sim([&] { return Guild().FindMember(plain[2]); }), nullptr);
  }
  const std::string reason = "spam & eggs / ünïcödé 100%";
  {
    rpb::CreateGuildBanRequest r;
    r.set_user_id(plain[3].value());
    r.mutable_delete_message_days()->set_value(1);
    r.mutable_audit_log_reason()->set_value(reason);
    ASSERT_DATA(Call<CreateGuildBanMethod>(r));
    // The reason travels URL-encoded in X-Audit-Log-Reason and comes back decoded.
    EXPECT_EQ(Sim([&] { return Guild().bans.at(plain[3].value()).reason; }), reason);
  }
  {
    auto resp = Call<GetGuildBansMethod>(rpb::GetGuildBansRequest());
    ASSERT_DATA(resp);
    bool found = false;
    for (const auto& b : resp.data().bans()) found |= b.user().id() == plain[3].value();
    EXPECT_TRUE(found);
    rpb::GetGuildBanRequest one;
    one.set_user_id(plain[3].value());
    auto ban = Call<GetGuildBanMethod>(one);
    ASSERT_DATA(ban);
    EXPECT_EQ(ban.data().ban().user().id(), plain[3].value());
    EXPECT_EQ(ban.data().ban().reason(), reason);
    one.set_user_id(plain[4].value());  // not banned: data{} without a ban
    auto none = Call<GetGuildBanMethod>(one);
    ASSERT_DATA(none);
    EXPECT_FALSE(none.data().has_ban());
  }
  {
    rpb::RemoveGuildBanRequest r;
    r.set_user_id(plain[3].value());
    ASSERT_DATA(Call<RemoveGuildBanMethod>(r));
    EXPECT_EQ(Sim([&] { return Guild().bans.count(plain[3].value()); }), 0u);
  }
  (void)g;
}

TEST_F(RestMethodsTest, Channels) {
  const ChannelId text = info_->text[0];
  {
    rpb::ModifyChannelRequest r;
    r.set_channel_id(text.value());
    r.mutable_name()->set_value("renamed-text");
    r.mutable_topic()->set_value("");  // "": clear the topic
    r.mutable_nsfw()->set_value(true);
    r.mutable_rate_limit_per_user()->set_value(5);
    r.mutable_parent_id()->set_value(0);  // 0: out of its category
    auto resp = Call<ModifyChannelMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().channel().name(), "renamed-text");
    EXPECT_FALSE(resp.data().channel().has_topic());
    Sim([&] {
      const sim::Channel* c = World().FindChannel(text);
      EXPECT_EQ(c->name, "renamed-text");
      EXPECT_EQ(c->topic, "");
      EXPECT_TRUE(c->nsfw);
      EXPECT_EQ(c->rate_limit_per_user, 5u);
      EXPECT_TRUE(c->parent.is_zero());
    });
  }
  {
    rpb::CreateGuildChannelRequest c;
    c.set_name("to-delete");
    auto made = Call<CreateGuildChannelMethod>(c);
    ASSERT_DATA(made);
    rpb::DeleteChannelRequest r;
    r.set_channel_id(made.data().channel().id());
    r.mutable_audit_log_reason()->set_value("cleanup");
    ASSERT_DATA(Call<DeleteChannelMethod>(r));
    EXPECT_EQ(Sim([&] { return World().FindChannel(ChannelId(made.data().channel().id())); }),
              nullptr);
  }
  {
    rpb::EditChannelPermissionsRequest r;
    r.set_channel_id(text.value());
    r.set_overwrite_id(info_->low_role.value());
    r.set_allow(perm::kSendMessages);
    r.set_type(pb::ChannelData::ChannelPermissionOverwriteData::ROLE);
    ASSERT_DATA(Call<EditChannelPermissionsMethod>(r));
    auto find = [&] {
      return Sim([&] {
        for (const sim::Overwrite& o : World().FindChannel(text)->overwrites) {
          if (o.id == info_->low_role.value()) return std::optional<sim::Overwrite>(o);
        }
        return std::optional<sim::Overwrite>();
      });
    };
    auto o = find();
    ASSERT_TRUE(o);
    EXPECT_EQ(o->type, 0);
    EXPECT_EQ(o->allow, perm::kSendMessages);
    rpb::DeleteChannelPermissionRequest d;
    d.set_channel_id(text.value());
    d.set_overwrite_id(info_->low_role.value());
    ASSERT_DATA(Call<DeleteChannelPermissionMethod>(d));
    EXPECT_FALSE(find());
  }
  {
    rpb::CreateChannelInviteRequest r;
    r.set_channel_id(text.value());
    r.mutable_max_age()->set_value(60);
    r.mutable_unique()->set_value(true);
    auto resp = Call<CreateChannelInviteMethod>(r);
    ASSERT_DATA(resp);
    std::string code = resp.data().invite().code();
    EXPECT_EQ(resp.data().invite().channel().id(), text.value());
    EXPECT_NE(Sim([&] { return World().FindInvite(code); }), nullptr);
    rpb::GetChannelInvitesRequest list;
    list.set_channel_id(text.value());
    auto invites = Call<GetChannelInvitesMethod>(list);
    ASSERT_DATA(invites);
    bool found = false;
    for (const auto& i : invites.data().invites()) found |= i.code() == code;
    EXPECT_TRUE(found);
  }
  {
    rpb::CreateGuildChannelRequest c;
    c.set_name("announcements");
    c.set_type(pb::ChannelData::GUILD_NEWS);
    auto news = Call<CreateGuildChannelMethod>(c);
    ASSERT_DATA(news);
    EXPECT_EQ(news.data().channel().type(), pb::ChannelData::GUILD_NEWS);
    rpb::FollowNewsChannelRequest r;
    r.set_channel_id(news.data().channel().id());
    r.set_webhook_channel_id(info_->text[1].value());
    auto resp = Call<FollowNewsChannelMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().channel_id(), news.data().channel().id());
    EXPECT_NE(resp.data().webhook_id(), 0u);
  }
  {
    rpb::TriggerTypingIndicatorRequest r;
    r.set_channel_id(text.value());
    uint64_t before = fixture_->SimRequests("POST /channels/{channel_id}/typing");
    ASSERT_DATA(Call<TriggerTypingIndicatorMethod>(r));
    EXPECT_EQ(fixture_->SimRequests("POST /channels/{channel_id}/typing"), before + 1);
  }
  {
    MessageId message = Sim([&] { return World().FindChannel(text)->messages.at(0).id; });
    rpb::AddPinnedChannelMessageRequest pin;
    pin.set_channel_id(text.value());
    pin.set_message_id(message.value());
    pin.mutable_audit_log_reason()->set_value("pin it");
    ASSERT_DATA(Call<AddPinnedChannelMessageMethod>(pin));
    EXPECT_TRUE(Sim([&] { return World().FindMessage(text, message)->pinned; }));
    rpb::GetPinnedMessagesRequest list;
    list.set_channel_id(text.value());
    auto pins = Call<GetPinnedMessagesMethod>(list);
    ASSERT_DATA(pins);
    bool found = false;
    for (const auto& m : pins.data().messages()) found |= m.id() == message.value() && m.pinned();
    EXPECT_TRUE(found);
    rpb::DeletePinnedChannelMessageRequest unpin;
    unpin.set_channel_id(text.value());
    unpin.set_message_id(message.value());
    ASSERT_DATA(Call<DeletePinnedChannelMessageMethod>(unpin));
    EXPECT_FALSE(Sim([&] { return World().FindMessage(text, message)->pinned; }));
  }
}

TEST_F(RestMethodsTest, Messages) {
  const ChannelId text = info_->text[1];
  MessageId sent;
  {
    rpb::CreateMessageRequest r;
    r.set_channel_id(text.value());
    r.set_content("hello from pylon");
    r.mutable_nonce()->set_value("n-1");
    r.mutable_embed()->set_title("Title");
    r.mutable_embed()->set_description("Description");
    r.mutable_embed()->set_color(0x1ABCDEF);  // masked to 24 bits
    auto resp = Call<CreateMessageMethod>(r);
    ASSERT_DATA(resp);
    const auto& m = resp.data().message();
    sent = MessageId(m.id());
    EXPECT_EQ(m.content(), "hello from pylon");
    EXPECT_EQ(m.channel_id(), text.value());
    EXPECT_EQ(m.author().id(), fixture_->bot().value());
    ASSERT_EQ(m.embeds_size(), 1);
    EXPECT_EQ(m.embeds(0).title(), "Title");
    Sim([&] {
      const sim::Message* w = World().FindMessage(text, sent);
      ASSERT_NE(w, nullptr);
      EXPECT_EQ(w->content, "hello from pylon");
      ASSERT_EQ(w->embeds.size(), 1u);
      EXPECT_EQ(w->embeds[0].color, 0xABCDEFu);
    });
  }
  MessageId with_file;
  {
    rpb::CreateMessageRequest r;
    r.set_channel_id(text.value());
    r.set_content("with a file");
    r.mutable_attachment()->set_name("notes.txt");
    r.mutable_attachment()->set_content("file bytes \x00\x01 end");
    auto resp = Call<CreateMessageMethod>(r);
    ASSERT_DATA(resp);
    with_file = MessageId(resp.data().message().id());
    ASSERT_EQ(resp.data().message().attachments_size(), 1);
    EXPECT_EQ(resp.data().message().attachments(0).filename(), "notes.txt");
    EXPECT_EQ(resp.data().message().attachments(0).size(), r.attachment().content().size());
  }
  {
    rpb::GetChannelMessagesRequest r;
    r.set_channel_id(text.value());
    r.set_limit(3);
    auto resp = Call<GetChannelMessagesMethod>(r);
    ASSERT_DATA(resp);
    ASSERT_EQ(resp.data().messages_size(), 3);
    EXPECT_EQ(resp.data().messages(0).id(), with_file.value());  // newest first
    r.mutable_before()->set_value(sent.value());
    auto before = Call<GetChannelMessagesMethod>(r);
    ASSERT_DATA(before);
    for (const auto& m : before.data().messages()) EXPECT_LT(m.id(), sent.value());
  }
  {
    rpb::GetChannelMessageRequest r;
    r.set_channel_id(text.value());
    r.set_message_id(sent.value());
    auto resp = Call<GetChannelMessageMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().message().content(), "hello from pylon");
    r.set_message_id(Snowflake::FromTimestampMs(fixture_->clock().UnixMs()).value() + 7);
    auto none = Call<GetChannelMessageMethod>(r);  // unknown: data{} without a message
    ASSERT_DATA(none);
    EXPECT_FALSE(none.data().has_message());
  }
  {
    rpb::CreateGuildChannelRequest c;
    c.set_name("news-for-crosspost");
    c.set_type(pb::ChannelData::GUILD_NEWS);
    auto news = Call<CreateGuildChannelMethod>(c);
    ASSERT_DATA(news);
    rpb::CreateMessageRequest m;
    m.set_channel_id(news.data().channel().id());
    m.set_content("news");
    auto posted = Call<CreateMessageMethod>(m);
    ASSERT_DATA(posted);
    rpb::CrosspostMessageRequest r;
    r.set_channel_id(news.data().channel().id());
    r.set_message_id(posted.data().message().id());
    auto resp = Call<CrosspostMessageMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().message().id(), posted.data().message().id());
  }
  // Reactions (the simulator's bucket is 1 per 250 ms: the limiter spaces them).
  auto reactions = [&] { return Sim([&] { return World().FindMessage(text, sent)->reactions; }); };
  const std::string thumbs = "\xF0\x9F\x91\x8D";
  const std::string party = "\xF0\x9F\x8E\x89";
  auto react = [&](const std::string& emoji) {
    rpb::CreateReactionRequest r;
    r.set_channel_id(text.value());
    r.set_message_id(sent.value());
    r.set_emoji(emoji);
    auto resp = Call<CreateReactionMethod>(r);
    EXPECT_TRUE(resp.has_data()) << Describe(resp);
  };
  {
    react(thumbs);
    auto list = reactions();
    ASSERT_EQ(list.size(), 1u);
    EXPECT_EQ(list[0].emoji.name, thumbs);
    rpb::DeleteOwnReactionRequest d;
    d.set_channel_id(text.value());
    d.set_message_id(sent.value());
    d.set_emoji(thumbs);
    ASSERT_DATA(Call<DeleteOwnReactionMethod>(d));
    EXPECT_TRUE(reactions().empty());
  }
  {
    std::string custom = Sim([&] {
      const sim::Emoji* e = Guild().FindEmoji(info_->emojis[1]);
      return e->name + ":" + e->id.ToString();
    });
    react(custom);
    ASSERT_EQ(reactions().size(), 1u);
    EXPECT_EQ(reactions()[0].emoji.id, info_->emojis[1]);
    rpb::DeleteUserReactionRequest d;
    d.set_channel_id(text.value());
    d.set_message_id(sent.value());
    d.set_emoji(custom);
    d.set_user_id(fixture_->bot().value());
    ASSERT_DATA(Call<DeleteUserReactionMethod>(d));
    EXPECT_TRUE(reactions().empty());
  }
  {
    react(thumbs);
    react(party);
    rpb::DeleteAllReactionsForEmojiRequest one;
    one.set_channel_id(text.value());
    one.set_message_id(sent.value());
    one.set_emoji(thumbs);
    ASSERT_DATA(Call<DeleteAllReactionsForEmojiMethod>(one));
    ASSERT_EQ(reactions().size(), 1u);
    EXPECT_EQ(reactions()[0].emoji.name, party);
    rpb::DeleteAllReactionsRequest all;
    all.set_channel_id(text.value());
    all.set_message_id(sent.value());
    ASSERT_DATA(Call<DeleteAllReactionsMethod>(all));
    EXPECT_TRUE(reactions().empty());
  }
  {
    rpb::EditMessageRequest r;
    r.set_channel_id(text.value());
    r.set_message_id(sent.value());
    r.mutable_content()->set_value("edited content");
    auto resp = Call<EditMessageMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().message().content(), "edited content");
    EXPECT_TRUE(resp.data().message().has_edited_timestamp());
    EXPECT_EQ(Sim([&] { return World().FindMessage(text, sent)->content; }), "edited content");
  }
  {
    rpb::DeleteMessageRequest r;
    r.set_channel_id(text.value());
    r.set_message_id(sent.value());
    r.mutable_audit_log_reason()->set_value("bye");
    ASSERT_DATA(Call<DeleteMessageMethod>(r));
    EXPECT_EQ(Sim([&] { return World().FindMessage(text, sent); }), nullptr);
  }
  {
    std::vector<MessageId> old = Sim([&] {
      const sim::Channel* c = World().FindChannel(text);
      return std::vector<MessageId>{c->messages.at(0).id, c->messages.at(1).id,
                                    c->messages.at(2).id};
    });
    rpb::BulkDeleteMessagesRequest r;
    r.set_channel_id(text.value());
    for (MessageId id : old) r.add_message_ids(id.value());
    ASSERT_DATA(Call<BulkDeleteMessagesMethod>(r));
    for (MessageId id : old) EXPECT_EQ(Sim([&] { return World().FindMessage(text, id); }), nullptr);
  }
}

TEST_F(RestMethodsTest, Users) {
  const UserId someone = info_->plain[5];
  {
    auto resp = Call<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), GuildId());
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().user().id(), fixture_->bot().value());
    EXPECT_TRUE(resp.data().user().bot());
  }
  {
    rpb::GetUserRequest r;
    r.set_user_id(someone.value());
    auto resp = Call<GetUserMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().user().username(),
              Sim([&] { return World().FindUser(someone)->username; }));
  }
  {
    rpb::ModifyCurrentUserRequest r;
    r.mutable_username()->set_value("pylon-renamed");
    auto resp = Call<ModifyCurrentUserMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().user().username(), "pylon-renamed");
    UserId bot(fixture_->bot().value());
    EXPECT_EQ(Sim([&] { return World().FindUser(bot)->username; }), "pylon-renamed");
  }
  {
    rpb::CreateDmRequest r;
    r.set_recipient_id(someone.value());
    auto resp = Call<CreateDmMethod>(r);
    ASSERT_DATA(resp);
    EXPECT_EQ(resp.data().channel().type(), pb::ChannelData::DM);
    EXPECT_NE(resp.data().channel().id(), 0u);
  }
  {
    const GuildId leaving = info_->last_guild;
    ASSERT_DATA(Call<LeaveGuildMethod>(rpb::LeaveGuildRequest(), leaving));
    Sim([&] {
      const auto& guilds = World().FindBot(UserId(fixture_->bot().value()))->guilds;
      EXPECT_EQ(std::find(guilds.begin(), guilds.end(), leaving), guilds.end());
    });
  }
}

TEST_F(RestMethodsTest, Interactions) {
  const ChannelId text = info_->text[1];
  std::string made = fixture_->SimAdmin(
      "POST", "interactions",
      "{\"guild_id\":\"" + info_->id.ToString() + "\",\"channel_id\":\"" + text.ToString() +
          "\",\"user_id\":\"" + info_->plain[6].ToString() + "\"}");
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(made).get(root), simdjson::SUCCESS) << made;
  std::string_view id_text, token, app_text;
  ASSERT_EQ(root["id"].get_string().get(id_text), simdjson::SUCCESS) << made;
  ASSERT_EQ(root["token"].get_string().get(token), simdjson::SUCCESS);
  ASSERT_EQ(root["application_id"].get_string().get(app_text), simdjson::SUCCESS);
  const uint64_t interaction = Snowflake::Parse(id_text)->value();
  const uint64_t application = Snowflake::Parse(app_text)->value();
  const std::string tok(token);
  {
    rpb::InteractionResponseCreateRequest r;
    r.mutable_interaction_id()->set_value(interaction);
    r.set_token(tok);
    r.mutable_interaction_response()->set_type(
        pb::InteractionResponse::CHANNEL_MESSAGE_WITH_SOURCE);
    r.mutable_interaction_response()->mutable_data()->mutable_content()->set_value("pong");
    ASSERT_DATA(Call<CreateInteractionResponseMethod>(r, GuildId()));
    EXPECT_EQ(Sim([&] { return World().FindChannel(text)->messages.newest().content; }), "pong");
  }
  MessageId followup;
  {
    rpb::InteractionFollowupMessageCreateRequest r;
    r.mutable_application_id()->set_value(application);
    r.set_token(tok);
    r.mutable_message()->set_content("follow-up");
    auto resp = Call<CreateInteractionFollowupMessageMethod>(r, GuildId());
    ASSERT_DATA(resp);
    followup = MessageId(resp.data().message().id());
    EXPECT_EQ(resp.data().message().content(), "follow-up");
    EXPECT_NE(Sim([&] { return World().FindMessage(text, followup); }), nullptr);
  }
  {
    rpb::InteractionFollowupMessageEditRequest r;
    r.mutable_application_id()->set_value(application);
    r.set_token(tok);
    r.set_message_id(followup.ToString());
    r.mutable_message()->set_content("follow-up edited");
    auto resp = Call<EditInteractionFollowupMessageMethod>(r, GuildId());
    ASSERT_DATA(resp);
    EXPECT_EQ(Sim([&] { return World().FindMessage(text, followup)->content; }),
              "follow-up edited");
    r.set_message_id("@original");
    r.mutable_message()->set_content("pong edited");
    auto original = Call<EditInteractionFollowupMessageMethod>(r, GuildId());
    ASSERT_DATA(original);
    EXPECT_EQ(original.data().message().content(), "pong edited");
  }
  {
    rpb::InteractionFollowupMessageDeleteRequest r;
    r.set_token(tok);  // no application_id: the bot's own application
    r.set_message_id(followup.ToString());
    ASSERT_DATA(Call<DeleteInteractionFollowupMessageMethod>(r, GuildId()));
    EXPECT_EQ(Sim([&] { return World().FindMessage(text, followup); }), nullptr);
  }
}

// Runs last (tests run in the order they are defined): the whole suite called every method.
TEST_F(RestMethodsTest, EveryMethodWasCalled) {
  std::vector<std::string> missing;
#define PYLON_CHECK_CALLED(Name, ...) \
  if (!testing::CalledMethods().count(#Name)) missing.push_back(#Name);
  PYLON_REST_METHODS(PYLON_CHECK_CALLED)
#undef PYLON_CHECK_CALLED
  EXPECT_TRUE(missing.empty()) << "not called: " << ::testing::PrintToString(missing);
  EXPECT_EQ(testing::CalledMethods().size(), 58u);
  // The limiter kept the bot inside every limit: no 429 reached the simulator's counters.
  auto stats = fixture_->proxy().LimiterStatsOf(fixture_->bot());
  ASSERT_TRUE(stats);
  EXPECT_EQ(stats->discord_429_user + stats->discord_429_global + stats->discord_429_shared, 0u)
      << fixture_->SimStats();
}

}  // namespace
}  // namespace pylon::rest
