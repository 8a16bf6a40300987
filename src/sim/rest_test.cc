// Copyright 2026 The Pylon Gateway Authors.
// The REST simulator called directly (RestSimulator::Handle answers synchronously without added
// latency) on a ManualClock: every route family changes the World and its dispatch is emitted;
// Discord's errors, codes and permission checks; rate-limit headers and 429s (route, global,
// shared, sublimit); the invalid-request ban; faults; interactions; multipart attachments.

#include "sim/rest.h"

#include <deque>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "sim/test_util.h"
#include "sim/world.h"

namespace pylon::sim {
namespace {

using namespace pylon::sim::testing;  // NOLINT: test helpers
using std::chrono::milliseconds;
using std::chrono::seconds;
namespace dom = simdjson::dom;

class RestTest : public ::testing::Test {
 protected:
  RestTest()
      : reactor_(0, "rest-test"),
        world_(Config(), clock_),
        gateway_(reactor_, world_, clock_, GatewayOptions()) {
    MakeRest(RestOptions());
  }

  static WorldConfig Config() {
    WorldConfig config = SmallConfig();
    config.messages_per_channel = 8;
    return config;
  }

  // A fresh RestSimulator with `options`; the World's sink records (after the gateway set it).
  void MakeRest(RestOptions options) {
    rest_.reset();
    rest_ = std::make_unique<RestSimulator>(reactor_, world_, gateway_, clock_, std::move(options));
    world_.set_sink(&sink_);
  }

  net::HttpResponse Do(std::string method, std::string path, std::string body = "",
                       std::optional<std::string> token = std::nullopt,
                       std::string content_type = "application/json",
                       std::vector<net::Header> extra = {}) {
    if (auto_advance_) clock_.Advance(seconds(1));
    net::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(path);
    std::string t = token ? *token : Token();
    if (!t.empty()) request.headers.push_back({"Authorization", "Bot " + t});
    if (!body.empty()) request.headers.push_back({"Content-Type", content_type});
    for (auto& h : extra) request.headers.push_back(std::move(h));
    request.body = std::move(body);
    request.peer = peer_;
    std::optional<net::HttpResponse> out;
    rest_->Handle(std::move(request), [&](net::HttpResponse r) { out = std::move(r); });
    EXPECT_TRUE(out.has_value());
    return out ? *out : net::HttpResponse{};
  }

  net::HttpResponse Admin(std::string method, std::string path, std::string body = "") {
    net::HttpRequest request;
    request.method = std::move(method);
    request.target = std::move(path);
    request.body = std::move(body);
    std::optional<net::HttpResponse> out;
    rest_->HandleAdmin(request, [&](net::HttpResponse r) { out = std::move(r); });
    return out ? *out : net::HttpResponse{};
  }

  dom::element Parse(const std::string& text) {
    parsers_.emplace_back();
    Json root = ParseJson(parsers_.back(), text);
    if (root.error() == simdjson::SUCCESS) return root.value_unsafe();
    return parsers_.back().parse(std::string_view("{}")).value_unsafe();
  }
  dom::element Parse(const net::HttpResponse& r) { return Parse(r.body); }
  int64_t CodeOf(const net::HttpResponse& r) { return GetInt(Parse(r), "code"); }
  // The first error code under `path` of a 50035 body.
  std::string FormCode(const net::HttpResponse& r, std::vector<std::string> path) {
    Json e = Parse(r)["errors"];
    for (const auto& key : path) e = e[key];
    std::string_view code;
    if (e["_errors"].at(0)["code"].get_string().get(code) != simdjson::SUCCESS) return "<none>";
    return std::string(code);
  }

  const Guild& G() const { return *world_.guilds()[0]; }
  std::string Gid() const { return G().id.ToString(); }
  const Bot& B(int i = 0) const { return world_.bots()[i]; }
  std::string Token(int i = 0) const { return B(i).token.reveal(); }
  const Channel& Text() const {
    for (const Channel& c : G().channels) {
      if (c.type == ChannelType::kText && c.messages.size() >= 4) return c;
    }
    ADD_FAILURE() << "no text channel";
    return G().channels[0];
  }
  std::string TextId() const { return Text().id.ToString(); }
  UserId Human(int n = 0) const {
    for (const Member& m : G().members) {
      const User& u = world_.user(m.user);
      if (u.bot || u.id == G().owner) continue;
      if (n-- == 0) return u.id;
    }
    ADD_FAILURE() << "not enough members";
    return UserId();
  }
  UserId NonMember() const {
    for (const User& u : world_.users()) {
      if (!u.bot && !G().FindMember(u.id) && !G().bans.count(u.id.value())) return u.id;
    }
    return UserId();
  }
  // A message of the text channel written by a human.
  const Message& HumanMessage() const {
    const MessageRing& ring = Text().messages;
    for (size_t i = ring.size(); i-- > 0;) {
      if (!world_.user(ring.at(i).author).bot) return ring.at(i);
    }
    ADD_FAILURE() << "no human message";
    return ring.at(0);
  }
  RoleId BotRole(int i = 0) const {
    for (const Role& r : G().roles) {
      if (r.bot == B(i).id) return r.id;
    }
    return RoleId();
  }
  // The bot keeps only `bot_perms` (its managed role) plus what @everyone gets.
  void SetPermissions(uint64_t bot_perms, uint64_t everyone) {
    RoleEdit bot_edit;
    bot_edit.permissions = bot_perms;
    ASSERT_TRUE(world_.UpdateRole(G().id, BotRole(), bot_edit).ok());
    RoleEdit everyone_edit;
    everyone_edit.permissions = everyone;
    ASSERT_TRUE(world_.UpdateRole(G().id, RoleId(G().id.value()), everyone_edit).ok());
    ChannelEdit no_overwrites;
    no_overwrites.overwrites = std::vector<Overwrite>();
    ASSERT_TRUE(world_.UpdateChannel(Text().id, no_overwrites).ok());
    sink_.Clear();
  }
  size_t Count(std::string_view name) const {
    size_t n = 0;
    for (const Dispatch& d : sink_.dispatches()) n += d.name == name;
    return n;
  }
  const Dispatch* Last(std::string_view name) const {
    for (auto it = sink_.dispatches().rbegin(); it != sink_.dispatches().rend(); ++it) {
      if (it->name == name) return &*it;
    }
    return nullptr;
  }
  std::string PostMessage(const std::string& content) {
    auto r = Do("POST", "/api/v10/channels/" + TextId() + "/messages",
                R"({"content":")" + content + R"("})");
    EXPECT_EQ(r.status, 200) << r.body;
    return std::string(GetString(Parse(r), "id"));
  }

  ManualClock clock_;
  Reactor reactor_;
  World world_;
  GatewayServer gateway_;
  std::unique_ptr<RestSimulator> rest_;
  RecordingSink sink_;
  std::deque<dom::parser> parsers_;
  std::string peer_ = "10.0.0.1:40000";
  bool auto_advance_ = true;  // one second passes before each request (stay clear of buckets)
};

// ---- Auth, versions, routing ----

TEST_F(RestTest, AuthVersionsAndRouting) {
  auto r = Do("GET", "/api/v10/users/@me", "", std::string());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body, R"({"message":"401: Unauthorized","code":0})");
  EXPECT_EQ(Do("GET", "/api/v10/users/@me", "", std::string("nope")).status, 401);
  r = Do("GET", "/api/v10/users/@me");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "id"), B().id.ToString());
  EXPECT_EQ(Do("GET", "/api/v9/users/@me").status, 200);
  EXPECT_EQ(Do("GET", "/api/users/@me").status, 200);  // no version: served (v6)
  r = Do("GET", "/api/v4/users/@me");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 50041);
  EXPECT_EQ(Do("GET", "/api/v10/nothing/here").status, 404);
  r = Do("PUT", "/api/v10/users/@me");
  EXPECT_EQ(r.status, 405);
  r = Do("GET", "/api/v10/gateway", "", std::string());
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(Has(Parse(r), "url"));
  r = Do("GET", "/api/v10/gateway/bot");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(Has(Parse(r), "session_start_limit"));
  EXPECT_EQ(Do("GET", "/api/v10/gateway/bot", "", std::string()).status, 401);
}

// ---- Users ----

TEST_F(RestTest, Users) {
  auto r = Do("GET", "/api/v10/users/" + Human().ToString());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "id"), Human().ToString());
  r = Do("GET", "/api/v10/users/1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), 10013);
  r = Do("GET", "/api/v10/users/abc");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FormCode(r, {"user_id"}), "NUMBER_TYPE_COERCE");

  r = Do("PATCH", "/api/v10/users/@me", R"({"username":"renamed_bot"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "username"), "renamed_bot");
  EXPECT_EQ(world_.user(B().user).username, "renamed_bot");
  ASSERT_TRUE(Last("USER_UPDATE"));
  EXPECT_EQ(Last("USER_UPDATE")->only_for_user, B().id);
  r = Do("PATCH", "/api/v10/users/@me", R"({"username":"x"})");
  EXPECT_EQ(FormCode(r, {"username"}), "BASE_TYPE_BAD_LENGTH");
}

// ---- Messages ----

TEST_F(RestTest, CreateMessageChangesTheWorldAndEmits) {
  UserId human = Human();
  auto r = Do("POST", "/api/v10/channels/" + TextId() + "/messages",
              R"({"content":"hello <@)" + human.ToString() + R"(>","nonce":"n-1"})");
  ASSERT_EQ(r.status, 200) << r.body;
  dom::element m = Parse(r);
  EXPECT_EQ(GetString(m, "content"), "hello <@" + human.ToString() + ">");
  EXPECT_EQ(GetString(m, "channel_id"), TextId());
  EXPECT_FALSE(Has(m, "guild_id"));  // REST shape: no gateway extras
  EXPECT_FALSE(Has(m, "member"));
  EXPECT_EQ(GetString(m["mentions"].at(0), "id"), human.ToString());
  EXPECT_EQ(GetString(m["author"], "id"), B().id.ToString());
  auto id = MessageId::Parse(GetString(m, "id"));
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(world_.FindMessage(Text().id, *id));
  const Dispatch* d = Last("MESSAGE_CREATE");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->guild, G().id);
  EXPECT_NE(d->json.find("\"nonce\":\"n-1\""), std::string::npos);
}

TEST_F(RestTest, MessageValidation) {
  const std::string path = "/api/v10/channels/" + TextId() + "/messages";
  auto r = Do("POST", path, R"({"content":")" + std::string(2001, 'a') + R"("})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 50035);
  EXPECT_EQ(FormCode(r, {"content"}), "BASE_TYPE_MAX_LENGTH");
  std::string embeds = "[";
  for (int i = 0; i < 11; ++i) embeds += std::string(i ? "," : "") + R"({"title":"t"})";
  r = Do("POST", path, R"({"embeds":)" + embeds + "]}");
  EXPECT_EQ(FormCode(r, {"embeds"}), "BASE_TYPE_MAX_LENGTH");
  r = Do("POST", path, R"({"embeds":[{"title":")" + std::string(257, 't') + R"("}]})");
  EXPECT_EQ(FormCode(r, {"embeds", "0", "title"}), "BASE_TYPE_MAX_LENGTH");
  r = Do("POST", path, R"({"embeds":[{"description":")" + std::string(4097, 'd') + R"("}]})");
  EXPECT_EQ(FormCode(r, {"embeds", "0", "description"}), "BASE_TYPE_MAX_LENGTH");
  r = Do("POST", path, "{}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 50006);
  r = Do("POST", path, "{bad json");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 50109);
  r = Do("POST", path, "content=hi", std::nullopt, "text/plain");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(FormCode(r, {}), "CONTENT_TYPE_INVALID");
  // Form-urlencoded bodies are accepted.
  r = Do("POST", path, "content=from+a+form", std::nullopt, "application/x-www-form-urlencoded");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "content"), "from a form");
  // An embed with a title, and the legacy single `embed` on v9.
  r = Do("POST", path, R"({"embeds":[{"title":"T","description":"D","color":255}]})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r)["embeds"].at(0), "title"), "T");
  r = Do("POST", "/api/v9/channels/" + TextId() + "/messages", R"({"embed":{"title":"old"}})");
  EXPECT_EQ(r.status, 200) << r.body;
  r = Do("POST", path, R"({"content":"x","message_reference":{"message_id":"1"}})");
  EXPECT_EQ(FormCode(r, {"message_reference"}), "MESSAGE_REFERENCE_UNKNOWN_MESSAGE");
}

TEST_F(RestTest, AccessAndPermissions) {
  auto r = Do("POST", "/api/v10/channels/1/messages", R"({"content":"x"})");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), 10003);
  r = Do("GET", "/api/v10/guilds/1");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), 10004);

  SetPermissions(0, permission::kViewChannel);
  r = Do("POST", "/api/v10/channels/" + TextId() + "/messages", R"({"content":"x"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, R"({"message":"Missing Permissions","code":50013})");
  SetPermissions(0, 0);
  r = Do("POST", "/api/v10/channels/" + TextId() + "/messages", R"({"content":"x"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body, R"({"message":"Missing Access","code":50001})");
  SetPermissions(0, permission::kViewChannel | permission::kSendMessages);
  r = Do("POST", "/api/v10/channels/" + TextId() + "/messages",
         R"({"content":"x","embeds":[{"title":"no embed links"}]})");
  EXPECT_EQ(CodeOf(r), 50013);
  r = Do("POST", "/api/v10/channels/" + TextId() + "/messages", R"({"content":"allowed"})");
  EXPECT_EQ(r.status, 200);
  // The bot's message may be deleted, another's needs MANAGE_MESSAGES.
  r = Do("DELETE", "/api/v10/channels/" + TextId() + "/messages/" + HumanMessage().id.ToString());
  EXPECT_EQ(CodeOf(r), 50013);
  r = Do("PUT", "/api/v10/channels/" + TextId() + "/pins/" + HumanMessage().id.ToString());
  EXPECT_EQ(CodeOf(r), 50013);
  r = Do("PATCH", "/api/v10/channels/" + TextId(), R"({"name":"nope"})");
  EXPECT_EQ(CodeOf(r), 50013);

  // A guild the bot is not in: Missing Access.
  ASSERT_TRUE(world_.RemoveBotFromGuild(B().id, G().id).ok());
  r = Do("GET", "/api/v10/guilds/" + Gid());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(CodeOf(r), 50001);
  r = Do("POST", "/api/v10/channels/" + TextId() + "/messages", R"({"content":"x"})");
  EXPECT_EQ(CodeOf(r), 50001);
}

TEST_F(RestTest, ReadEditDeleteMessages) {
  const std::string base = "/api/v10/channels/" + TextId() + "/messages";
  auto r = Do("GET", base + "?limit=3");
  ASSERT_EQ(r.status, 200);
  dom::array list = Parse(r).get_array().value_unsafe();
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(GetString(list.at(0), "id"), Text().messages.newest().id.ToString());  // newest first
  r = Do("GET", base + "?limit=101");
  EXPECT_EQ(FormCode(r, {"limit"}), "NUMBER_TYPE_MAX");
  std::string before = Text().messages.newest().id.ToString();
  r = Do("GET", base + "?limit=2&before=" + before);
  list = Parse(r).get_array().value_unsafe();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_LT(std::stoull(std::string(GetString(list.at(0), "id"))), std::stoull(before));

  const std::string theirs = HumanMessage().id.ToString();
  r = Do("GET", base + "/" + theirs);
  EXPECT_EQ(r.status, 200);
  r = Do("PATCH", base + "/" + theirs, R"({"content":"hijack"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(CodeOf(r), 50005);
  std::string mine = PostMessage("first");
  r = Do("PATCH", base + "/" + mine, R"({"content":"edited"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "content"), "edited");
  EXPECT_TRUE(Has(Parse(r), "edited_timestamp"));
  EXPECT_EQ(Count("MESSAGE_UPDATE"), 1u);
  r = Do("DELETE", base + "/" + theirs);
  EXPECT_EQ(r.status, 204);
  EXPECT_EQ(Count("MESSAGE_DELETE"), 1u);
  r = Do("GET", base + "/" + theirs);
  EXPECT_EQ(CodeOf(r), 10008);
}

TEST_F(RestTest, BulkDelete) {
  const std::string path = "/api/v10/channels/" + TextId() + "/messages/bulk-delete";
  std::string a = PostMessage("a"), b = PostMessage("b");
  auto r = Do("POST", path, R"({"messages":[")" + a + R"("]})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 50016);
  std::string old = Snowflake::FromTimestampMs(clock_.UnixMs() - 20LL * 86400000).ToString();
  r = Do("POST", path, R"({"messages":[")" + a + R"(",")" + old + R"("]})");
  EXPECT_EQ(CodeOf(r), 50034);
  r = Do("POST", path, R"({"messages":[")" + a + R"(",")" + b + R"("]})");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Count("MESSAGE_DELETE_BULK"), 1u);
  EXPECT_FALSE(world_.FindMessage(Text().id, *MessageId::Parse(a)));
}

TEST_F(RestTest, ReactionsPinsTyping) {
  const std::string msg =
      "/api/v10/channels/" + TextId() + "/messages/" + HumanMessage().id.ToString();
  auto r = Do("PUT", msg + "/reactions/%F0%9F%91%8D/@me");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Count("MESSAGE_REACTION_ADD"), 1u);
  EXPECT_EQ(HumanMessage().reactions.size(), 1u);
  auto emoji = world_.CreateEmoji(G().id, EmojiSpec{"blob", false, {}});
  ASSERT_TRUE(emoji.ok());
  r = Do("PUT", msg + "/reactions/blob%3A" + emoji->ToString() + "/@me");
  EXPECT_EQ(r.status, 204) << r.body;
  r = Do("PUT", msg + "/reactions/nope%3A123/@me");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 10014);
  r = Do("GET", msg + "/reactions/%F0%9F%91%8D");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r).at(0), "id"), B().id.ToString());
  EXPECT_EQ(Do("DELETE", msg + "/reactions/%F0%9F%91%8D/@me").status, 204);
  EXPECT_EQ(Count("MESSAGE_REACTION_REMOVE"), 1u);
  EXPECT_EQ(Do("DELETE", msg + "/reactions/blob%3A" + emoji->ToString()).status, 204);
  EXPECT_EQ(Count("MESSAGE_REACTION_REMOVE_EMOJI"), 1u);
  Do("PUT", msg + "/reactions/%F0%9F%91%8D/@me");
  EXPECT_EQ(Do("DELETE", msg + "/reactions").status, 204);
  EXPECT_EQ(Count("MESSAGE_REACTION_REMOVE_ALL"), 1u);

  const std::string pin = "/api/v10/channels/" + TextId() + "/pins/" + HumanMessage().id.ToString();
  EXPECT_EQ(Do("PUT", pin).status, 204);
  EXPECT_EQ(Count("CHANNEL_PINS_UPDATE"), 1u);
  r = Do("GET", "/api/v10/channels/" + TextId() + "/pins");
  EXPECT_NE(r.body.find(HumanMessage().id.ToString()), std::string::npos);
  EXPECT_EQ(Do("DELETE", pin).status, 204);
  EXPECT_EQ(Count("CHANNEL_PINS_UPDATE"), 2u);
  EXPECT_EQ(Do("POST", "/api/v10/channels/" + TextId() + "/typing").status, 204);
  EXPECT_EQ(Count("TYPING_START"), 1u);
}

// ---- Channels ----

TEST_F(RestTest, ChannelEditsOverwritesInvitesFollowers) {
  const std::string ch = "/api/v10/channels/" + TextId();
  auto r = Do("PATCH", ch, R"({"topic":"a topic","nsfw":true})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "topic"), "a topic");
  EXPECT_EQ(Text().topic, "a topic");
  EXPECT_EQ(Count("CHANNEL_UPDATE"), 1u);

  RoleId role(G().roles[1].id);
  r = Do("PUT", ch + "/permissions/" + role.ToString(),
         R"({"type":0,"allow":"1024","deny":"2048"})");
  EXPECT_EQ(r.status, 204) << r.body;
  ASSERT_FALSE(Text().overwrites.empty());
  EXPECT_EQ(Text().overwrites.back().deny, 2048u);
  r = Do("PUT", ch + "/permissions/1", R"({"type":0,"allow":"0"})");
  EXPECT_EQ(CodeOf(r), 10011);
  EXPECT_EQ(Do("DELETE", ch + "/permissions/" + role.ToString()).status, 204);
  EXPECT_EQ(Count("CHANNEL_UPDATE"), 3u);

  r = Do("POST", ch + "/invites", R"({"max_age":3600})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string code(GetString(Parse(r), "code"));
  EXPECT_EQ(GetInt(Parse(r), "max_age"), 3600);
  EXPECT_EQ(Count("INVITE_CREATE"), 1u);
  r = Do("POST", ch + "/invites", R"({"max_age":3600})");  // not unique: the same invite
  EXPECT_EQ(GetString(Parse(r), "code"), code);
  r = Do("GET", ch + "/invites");
  EXPECT_NE(r.body.find(code), std::string::npos);
  r = Do("DELETE", "/api/v10/invites/" + code);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Count("INVITE_DELETE"), 1u);

  r = Do("POST", "/api/v10/guilds/" + Gid() + "/channels", R"({"name":"news","type":5})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string news(GetString(Parse(r), "id"));
  EXPECT_EQ(Count("CHANNEL_CREATE"), 1u);
  r = Do("POST", "/api/v10/channels/" + news + "/followers",
         R"({"webhook_channel_id":")" + TextId() + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(IsIdString(Parse(r)["webhook_id"]));
  EXPECT_EQ(Count("WEBHOOKS_UPDATE"), 1u);
  r = Do("POST", ch + "/followers", R"({"webhook_channel_id":")" + TextId() + R"("})");
  EXPECT_EQ(CodeOf(r), 50024);  // not an announcement channel
  r = Do("DELETE", "/api/v10/channels/" + news);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "id"), news);
  EXPECT_EQ(Count("CHANNEL_DELETE"), 1u);
  EXPECT_FALSE(world_.FindChannel(*ChannelId::Parse(news)));
}

TEST_F(RestTest, NameTopicSublimit) {
  const std::string ch = "/api/v10/channels/" + TextId();
  EXPECT_EQ(Do("PATCH", ch, R"({"name":"one"})").status, 200);
  EXPECT_EQ(Do("PATCH", ch, R"({"topic":"two"})").status, 200);
  EXPECT_EQ(Do("PATCH", ch, R"({"topic":"two","nsfw":true})").status, 200);  // no change: free
  auto r = Do("PATCH", ch, R"({"name":"three"})");
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.header("X-RateLimit-Scope"), "user");
  EXPECT_FALSE(GetBool(Parse(r), "global"));
  EXPECT_FALSE(r.header("X-RateLimit-Bucket").empty());
  double retry = Parse(r)["retry_after"].get_double().value_unsafe();
  EXPECT_GT(retry, 590.0);
  EXPECT_EQ(Text().name, "one");
  clock_.Advance(std::chrono::minutes(10));
  EXPECT_EQ(Do("PATCH", ch, R"({"name":"three"})").status, 200);
}

// ---- Guild, members, bans, roles, prune, emojis ----

TEST_F(RestTest, GuildEdits) {
  const std::string g = "/api/v10/guilds/" + Gid();
  auto r = Do("PATCH", g, R"({"name":"Renamed guild","verification_level":2})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "name"), "Renamed guild");
  EXPECT_EQ(G().verification_level, 2);
  EXPECT_EQ(Count("GUILD_UPDATE"), 1u);
  r = Do("PATCH", g, R"({"verification_level":9})");
  EXPECT_EQ(FormCode(r, {"verification_level"}), "NUMBER_TYPE_MAX");
  r = Do("PATCH", g + "/channels", R"([{"id":")" + TextId() + R"(","position":7}])");
  EXPECT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Text().position, 7);
  r = Do("GET", g + "/regions");
  EXPECT_EQ(r.status, 200);
  EXPECT_GT(Parse(r).get_array().value_unsafe().size(), 3u);
  r = Do("GET", g + "?with_counts=true");
  EXPECT_EQ(GetInt(Parse(r), "approximate_member_count"), int64_t{G().member_count()});
  r = Do("GET", g + "/prune?days=1");
  ASSERT_EQ(r.status, 200);
  int64_t prunable = GetInt(Parse(r), "pruned");
  uint32_t before = G().member_count();
  r = Do("POST", g + "/prune", R"({"days":1})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetInt(Parse(r), "pruned"), prunable);
  EXPECT_EQ(G().member_count(), before - prunable);
  EXPECT_EQ(Count("GUILD_MEMBER_REMOVE"), static_cast<size_t>(prunable));
}

TEST_F(RestTest, Members) {
  const std::string g = "/api/v10/guilds/" + Gid();
  UserId newcomer = NonMember();
  auto r = Do("PUT", g + "/members/" + newcomer.ToString(), R"({"nick":"x"})");
  EXPECT_EQ(FormCode(r, {"access_token"}), "BASE_TYPE_REQUIRED");
  r = Do("PUT", g + "/members/" + newcomer.ToString(), R"({"access_token":"tok","nick":"New"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(GetString(Parse(r), "nick"), "New");
  EXPECT_EQ(Count("GUILD_MEMBER_ADD"), 1u);
  EXPECT_EQ(Do("PUT", g + "/members/" + newcomer.ToString(), R"({"access_token":"tok"})").status,
            204);

  UserId human = Human();
  r = Do("PATCH", g + "/members/" + human.ToString(), R"({"nick":"Nicky"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(G().FindMember(human)->nick, "Nicky");
  EXPECT_EQ(Count("GUILD_MEMBER_UPDATE"), 1u);
  r = Do("PATCH", g + "/members/" + human.ToString(), R"({"mute":true})");
  if (!G().FindVoiceState(human)) {
    EXPECT_EQ(CodeOf(r), 40032);
  }
  std::string until = "2026-01-01T05:00:00.000000+00:00";
  r = Do("PATCH", g + "/members/" + human.ToString(),
         R"({"communication_disabled_until":")" + until + R"("})");
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_GT(G().FindMember(human)->communication_disabled_until_ms, 0);
  r = Do("PATCH", g + "/members/@me", R"({"nick":"Botty"})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(G().FindMember(B().id)->nick, "Botty");

  // Roles, and the hierarchy.
  r = Do("POST", g + "/roles", R"({"name":"helper"})");
  ASSERT_EQ(r.status, 200);
  std::string role(GetString(Parse(r), "id"));
  EXPECT_EQ(Do("PUT", g + "/members/" + human.ToString() + "/roles/" + role).status, 204);
  const Member* m = G().FindMember(human);
  EXPECT_NE(std::find(m->roles.begin(), m->roles.end(), *RoleId::Parse(role)), m->roles.end());
  EXPECT_EQ(Do("DELETE", g + "/members/" + human.ToString() + "/roles/" + role).status, 204);
  RoleEdit high;
  high.position = 1000;
  ASSERT_TRUE(world_.UpdateRole(G().id, *RoleId::Parse(role), high).ok());
  r = Do("PUT", g + "/members/" + human.ToString() + "/roles/" + role);
  EXPECT_EQ(CodeOf(r), 50013);
  r = Do("PUT", g + "/members/" + human.ToString() + "/roles/1");
  EXPECT_EQ(CodeOf(r), 10011);

  // Kicks.
  r = Do("DELETE", g + "/members/" + G().owner.ToString());
  EXPECT_EQ(CodeOf(r), 50013);
  EXPECT_EQ(Do("DELETE", g + "/members/" + human.ToString()).status, 204);
  EXPECT_FALSE(G().FindMember(human));
  EXPECT_EQ(Do("DELETE", g + "/members/" + human.ToString()).status, 404);
  // A member above the bot cannot be kicked.
  UserId other = Human(1);
  RoleSpec spec;
  auto top = world_.CreateRole(G().id, spec);
  ASSERT_TRUE(top.ok());
  ASSERT_TRUE(world_.UpdateRole(G().id, *top, high).ok());
  MemberEdit give;
  give.roles = std::vector<RoleId>{*top};
  ASSERT_TRUE(world_.UpdateMember(G().id, other, give).ok());
  EXPECT_EQ(CodeOf(Do("DELETE", g + "/members/" + other.ToString())), 50013);
}

TEST_F(RestTest, Bans) {
  const std::string g = "/api/v10/guilds/" + Gid();
  UserId human = Human();
  auto r = Do("PUT", g + "/bans/" + human.ToString(), R"({"delete_message_seconds":3600})",
              std::nullopt, "application/json", {{"X-Audit-Log-Reason", "spam%20bot"}});
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Count("GUILD_BAN_ADD"), 1u);
  EXPECT_FALSE(G().FindMember(human));
  r = Do("GET", g + "/bans/" + human.ToString());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "reason"), "spam bot");
  r = Do("GET", g + "/bans?limit=1000");
  EXPECT_NE(r.body.find(human.ToString()), std::string::npos);
  EXPECT_EQ(Do("DELETE", g + "/bans/" + human.ToString()).status, 204);
  EXPECT_EQ(Count("GUILD_BAN_REMOVE"), 1u);
  r = Do("DELETE", g + "/bans/" + human.ToString());
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(CodeOf(r), 10026);
  r = Do("PUT", g + "/bans/" + G().owner.ToString());
  EXPECT_EQ(CodeOf(r), 50013);
}

TEST_F(RestTest, Roles) {
  const std::string g = "/api/v10/guilds/" + Gid();
  auto r = Do("POST", g + "/roles", R"({"name":"mods","permissions":"8192","color":255})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string role(GetString(Parse(r), "id"));
  EXPECT_EQ(GetString(Parse(r), "permissions"), "8192");
  EXPECT_EQ(Count("GUILD_ROLE_CREATE"), 1u);
  r = Do("PATCH", g + "/roles/" + role, R"({"name":"moderators","hoist":true})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetString(Parse(r), "name"), "moderators");
  r = Do("PATCH", g + "/roles", R"([{"id":")" + role + R"(","position":2}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(G().FindRole(*RoleId::Parse(role))->position, 2);
  EXPECT_EQ(Count("GUILD_ROLE_UPDATE"), 2u);
  EXPECT_EQ(Do("DELETE", g + "/roles/" + role).status, 204);
  EXPECT_EQ(Count("GUILD_ROLE_DELETE"), 1u);
  EXPECT_EQ(CodeOf(Do("DELETE", g + "/roles/" + role)), 10011);
  // Without ADMINISTRATOR the bot may grant only what it holds.
  SetPermissions(permission::kManageRoles, permission::kViewChannel);
  r = Do("POST", g + "/roles", R"({"name":"admins","permissions":"8"})");
  EXPECT_EQ(CodeOf(r), 50013);
  r = Do("POST", g + "/roles", R"({"name":"plain","permissions":"1024"})");
  EXPECT_EQ(r.status, 200);
}

TEST_F(RestTest, Emojis) {
  const std::string g = "/api/v10/guilds/" + Gid() + "/emojis";
  auto r = Do("POST", g, R"({"name":"party","image":"data:image/png;base64,iVBORw0KGgo="})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string id(GetString(Parse(r), "id"));
  EXPECT_EQ(Count("GUILD_EMOJIS_UPDATE"), 1u);
  EXPECT_EQ(Do("GET", g + "/" + id).status, 200);
  r = Do("PATCH", g + "/" + id, R"({"name":"party2"})");
  EXPECT_EQ(GetString(Parse(r), "name"), "party2");
  EXPECT_EQ(Do("DELETE", g + "/" + id).status, 204);
  EXPECT_EQ(CodeOf(Do("GET", g + "/" + id)), 10014);
  EXPECT_EQ(Count("GUILD_EMOJIS_UPDATE"), 3u);
  r = Do("POST", g, R"({"name":"bad","image":"not an image"})");
  EXPECT_EQ(FormCode(r, {"image"}), "IMAGE_INVALID");
  r = Do("GET", g);
  EXPECT_EQ(r.status, 200);
}

TEST_F(RestTest, DmsAndLeavingAGuild) {
  UserId human = Human();
  auto r = Do("POST", "/api/v10/users/@me/channels",
              R"({"recipient_id":")" + human.ToString() + R"("})");
  ASSERT_EQ(r.status, 200) << r.body;
  std::string dm(GetString(Parse(r), "id"));
  EXPECT_EQ(GetInt(Parse(r), "type"), 1);
  EXPECT_EQ(GetString(Parse(r)["recipients"].at(0), "id"), human.ToString());
  r = Do("POST", "/api/v10/users/@me/channels",
         R"({"recipient_id":")" + human.ToString() + R"("})");
  EXPECT_EQ(GetString(Parse(r), "id"), dm);
  r = Do("POST", "/api/v10/channels/" + dm + "/messages", R"({"content":"psst"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const Dispatch* d = Last("MESSAGE_CREATE");
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->guild.is_zero());
  EXPECT_EQ(d->only_for_user, B().id);
  EXPECT_EQ(d->intent_bit, intent::kDirectMessages);
  r = Do("GET", "/api/v10/channels/" + dm + "/messages");
  EXPECT_NE(r.body.find("psst"), std::string::npos);

  r = Do("DELETE", "/api/v10/users/@me/guilds/" + Gid());
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(G().FindMember(B().id));
  ASSERT_TRUE(Last("GUILD_DELETE"));
  EXPECT_EQ(CodeOf(Do("DELETE", "/api/v10/users/@me/guilds/" + Gid())), 10004);
}

// ---- Attachments ----

TEST_F(RestTest, MultipartAttachment) {
  std::string body =
      "--b0undary\r\n"
      "Content-Disposition: form-data; name=\"payload_json\"\r\n"
      "Content-Type: application/json\r\n\r\n"
      "{\"content\":\"see file\"}\r\n"
      "--b0undary\r\n"
      "Content-Disposition: form-data; name=\"files[0]\"; filename=\"notes.txt\"\r\n"
      "Content-Type: text/plain\r\n\r\n"
      "0123456789\r\n"
      "--b0undary--\r\n";
  const std::string path = "/api/v10/channels/" + TextId() + "/messages";
  auto r = Do("POST", path, body, std::nullopt, "multipart/form-data; boundary=b0undary");
  ASSERT_EQ(r.status, 200) << r.body;
  dom::element m = Parse(r);
  EXPECT_EQ(GetString(m, "content"), "see file");
  EXPECT_EQ(GetString(m["attachments"].at(0), "filename"), "notes.txt");
  EXPECT_EQ(GetInt(m["attachments"].at(0), "size"), 10);
  const Dispatch* d = Last("MESSAGE_CREATE");
  ASSERT_TRUE(d);
  EXPECT_NE(d->json.find("notes.txt"), std::string::npos);
  Parse(d->json);  // still valid JSON
  // Without MESSAGE_CONTENT the gateway blanks the attachments with the content.
  BotView blind;
  blind.user = B(1).id;
  std::string scratch;
  EXPECT_EQ(d->PayloadFor(blind, &scratch).find("notes.txt"), std::string::npos);
  r = Do("GET", path + "/" + std::string(GetString(m, "id")));
  EXPECT_NE(r.body.find("notes.txt"), std::string::npos);

  SetPermissions(0, permission::kViewChannel | permission::kSendMessages);
  r = Do("POST", path, body, std::nullopt, "multipart/form-data; boundary=b0undary");
  EXPECT_EQ(CodeOf(r), 50013);  // ATTACH_FILES
  RestOptions small;
  small.max_attachment_bytes = 4;
  MakeRest(small);
  SetPermissions(permission::kAdministrator, permission::kViewChannel);
  r = Do("POST", path, body, std::nullopt, "multipart/form-data; boundary=b0undary");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(CodeOf(r), 40005);
}

// ---- Interactions ----

TEST_F(RestTest, InteractionCallbackAndFollowups) {
  std::string spec = R"({"guild_id":")" + Gid() + R"(","channel_id":")" + TextId() +
                     R"(","user_id":")" + Human().ToString() + R"(","type":2,"name":"hello"})";
  auto r = Admin("POST", "/_sim/rest/interactions", spec);
  ASSERT_EQ(r.status, 200) << r.body;
  std::string id(GetString(Parse(r), "id")), token(GetString(Parse(r), "token"));
  std::string app(GetString(Parse(r), "application_id"));
  const Dispatch* d = Last("INTERACTION_CREATE");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->guild, G().id);
  EXPECT_EQ(d->only_for_user, B().id);
  dom::element payload = Parse(d->json);
  EXPECT_EQ(GetString(payload, "token"), token);
  EXPECT_EQ(GetString(payload["data"], "name"), "hello");
  EXPECT_TRUE(Has(payload["member"], "permissions"));

  const std::string callback = "/api/v10/interactions/" + id + "/" + token + "/callback";
  r = Do("POST", "/api/v10/interactions/" + id + "/wrong/callback", R"({"type":4})", std::string());
  EXPECT_EQ(CodeOf(r), 10062);
  r = Do("POST", callback, R"({"type":4,"data":{"content":"pong"}})", std::string());
  ASSERT_EQ(r.status, 204) << r.body;
  EXPECT_EQ(Count("MESSAGE_CREATE"), 1u);
  r = Do("POST", callback, R"({"type":4,"data":{"content":"again"}})", std::string());
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(CodeOf(r), 40060);

  const std::string hook = "/api/v10/webhooks/" + app + "/" + token;
  r = Do("GET", hook + "/messages/@original", "", std::string());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "content"), "pong");
  r = Do("PATCH", hook + "/messages/@original", R"({"content":"pong!"})", std::string());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Count("MESSAGE_UPDATE"), 1u);
  r = Do("POST", hook, R"({"content":"follow-up"})", std::string());
  ASSERT_EQ(r.status, 200) << r.body;
  std::string followup(GetString(Parse(r), "id"));
  EXPECT_EQ(Count("MESSAGE_CREATE"), 2u);
  r = Do("POST", hook, R"({"content":"secret","flags":64})", std::string());
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(GetInt(Parse(r), "flags"), 64);
  EXPECT_EQ(Count("MESSAGE_CREATE"), 2u);  // ephemeral: not in the channel
  EXPECT_EQ(Do("DELETE", hook + "/messages/" + followup, "", std::string()).status, 204);
  EXPECT_EQ(Count("MESSAGE_DELETE"), 1u);
  EXPECT_EQ(CodeOf(Do("GET", hook + "/messages/" + followup, "", std::string())), 10008);
  EXPECT_EQ(
      CodeOf(Do("POST", "/api/v10/webhooks/" + app + "/nope", R"({"content":"x"})", std::string())),
      10015);
  clock_.Advance(std::chrono::minutes(16));
  r = Do("POST", hook, R"({"content":"too late"})", std::string());
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(CodeOf(r), 50027);
}

TEST_F(RestTest, InteractionDeadlinesAndTypes) {
  auto make = [&](int type) {
    auto r =
        Admin("POST", "/_sim/rest/interactions",
              R"({"guild_id":")" + Gid() + R"(","channel_id":")" + TextId() + R"(","user_id":")" +
                  Human().ToString() + R"(","type":)" + std::to_string(type) + "}");
    EXPECT_EQ(r.status, 200) << r.body;
    return "/api/v10/interactions/" + std::string(GetString(Parse(r), "id")) + "/" +
           std::string(GetString(Parse(r), "token")) + "/callback";
  };
  std::string late = make(2);
  clock_.Advance(seconds(3));
  EXPECT_EQ(CodeOf(Do("POST", late, R"({"type":4,"data":{"content":"x"}})", std::string())), 10062);
  std::string command = make(2);
  auto r = Do("POST", command, R"({"type":7,"data":{"content":"x"}})", std::string());
  EXPECT_EQ(FormCode(r, {"type"}), "INTERACTION_RESPONSE_TYPE_INVALID");
  r = Do("POST", command, R"({"type":5})", std::string());
  EXPECT_EQ(r.status, 204);
  std::string component = make(3);  // on the channel's newest message
  r = Do("POST", component + "?with_response=true", R"({"type":7,"data":{"content":"updated"}})",
         std::string());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetInt(Parse(r)["resource"], "type"), 7);
  EXPECT_EQ(Text().messages.newest().content, "updated");
}

// ---- Rate limits ----

TEST_F(RestTest, RouteBucketHeadersAnd429) {
  auto_advance_ = false;
  const std::string path = "/api/v10/channels/" + TextId() + "/messages";
  std::string hash;
  for (int i = 0; i < 5; ++i) {
    auto r = Do("POST", path, R"({"content":"burst"})");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("X-RateLimit-Limit"), "5");
    EXPECT_EQ(r.header("X-RateLimit-Remaining"), std::to_string(4 - i));
    EXPECT_EQ(r.header("X-RateLimit-Reset-After"), "5.000");
    std::string reset(r.header("X-RateLimit-Reset"));
    EXPECT_EQ(reset, std::to_string((clock_.UnixMs() + 5000) / 1000) + "." +
                         std::to_string((clock_.UnixMs() + 5000) % 1000 + 1000).substr(1));
    hash = std::string(r.header("X-RateLimit-Bucket"));
    EXPECT_EQ(hash.size(), 32u);
    EXPECT_TRUE(r.header("X-RateLimit-Scope").empty());
  }
  clock_.Advance(milliseconds(1500));
  auto r = Do("POST", path, R"({"content":"one too many"})");
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.body,
            R"({"message":"You are being rate limited.","retry_after":3.500,"global":false})");
  EXPECT_EQ(r.header("Retry-After"), "4");
  EXPECT_EQ(r.header("X-RateLimit-Scope"), "user");
  EXPECT_EQ(r.header("X-RateLimit-Remaining"), "0");
  EXPECT_EQ(r.header("X-RateLimit-Bucket"), hash);
  EXPECT_TRUE(r.header("X-RateLimit-Global").empty());
  // Another channel is another key; the edit route is another bucket.
  std::string other;
  for (const Channel& c : G().channels) {
    if (c.type == ChannelType::kText && c.id != Text().id) other = c.id.ToString();
  }
  if (!other.empty()) {
    r = Do("POST", "/api/v10/channels/" + other + "/messages", R"({"content":"elsewhere"})");
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.header("X-RateLimit-Bucket"), hash);  // the hash leaves out the major parameter
  }
  clock_.Advance(milliseconds(3500));
  EXPECT_EQ(Do("POST", path, R"({"content":"again"})").status, 200);
  // A delete of a message older than 14 days uses another bucket.
  std::string old = Snowflake::FromTimestampMs(clock_.UnixMs() - 20LL * 86400000).ToString();
  auto old_delete = Do("DELETE", path + "/" + old);
  auto new_delete = Do("DELETE", path + "/" + Text().messages.newest().id.ToString());
  EXPECT_NE(old_delete.header("X-RateLimit-Bucket"), new_delete.header("X-RateLimit-Bucket"));
  EXPECT_EQ(old_delete.header("X-RateLimit-Limit"), "30");

  auto stats = Parse(Admin("GET", "/_sim/rest/stats"));
  EXPECT_EQ(GetInt(stats["rate_limited"]["POST /channels/{channel_id}/messages"], "user"), 1);
  EXPECT_EQ(GetInt(stats["responses_by_status"], "429"), 1);
  EXPECT_EQ(GetInt(stats["invalid_requests"]["10.0.0.1"], "total"), 1);
}

TEST_F(RestTest, BucketOverrideFromTheAdminApi) {
  auto_advance_ = false;
  auto r = Admin("POST", "/_sim/rest/buckets",
                 R"({"method":"GET","route":"/users/{user_id}","limit":1,"window_ms":2000})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(GetString(Parse(r), "bucket"), "get_user");
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);  // same bucket as /users/{id}
  r = Do("GET", "/api/v10/users/" + Human().ToString());
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.header("Retry-After"), "2");
  EXPECT_EQ(Admin("POST", "/_sim/rest/buckets", R"({"bucket":"nope","limit":1})").status, 404);
  EXPECT_EQ(Admin("POST", "/_sim/rest/reset").status, 200);
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);
}

TEST_F(RestTest, GlobalLimitAndExemptions) {
  auto_advance_ = false;
  ASSERT_EQ(Admin("POST", "/_sim/rest/buckets", R"({"global":3})").status, 200);
  auto created = Admin("POST", "/_sim/rest/interactions",
                       R"({"guild_id":")" + Gid() + R"(","channel_id":")" + TextId() +
                           R"(","user_id":")" + Human().ToString() + R"("})");
  std::string callback = "/api/v10/interactions/" + std::string(GetString(Parse(created), "id")) +
                         "/" + std::string(GetString(Parse(created), "token")) + "/callback";
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);
  EXPECT_EQ(Do("GET", "/api/v10/channels/" + TextId()).status, 200);
  EXPECT_EQ(Do("GET", "/api/v10/guilds/" + Gid()).status, 200);
  auto r = Do("GET", "/api/v10/guilds/" + Gid() + "/roles");
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.header("X-RateLimit-Global"), "true");
  EXPECT_EQ(r.header("X-RateLimit-Scope"), "global");
  EXPECT_TRUE(r.header("X-RateLimit-Bucket").empty());
  EXPECT_TRUE(GetBool(Parse(r), "global"));
  EXPECT_EQ(Parse(r)["retry_after"].get_double().value_unsafe(), 1.0);
  // Interaction callbacks and webhook-token routes do not count against it.
  EXPECT_EQ(
      Do("POST", callback, R"({"type":4,"data":{"content":"still here"}})", std::string()).status,
      204);
  // Another bot has its own global limit.
  EXPECT_EQ(Do("GET", "/api/v10/users/@me", "", Token(1)).status, 200);
  clock_.Advance(seconds(1));
  EXPECT_EQ(Do("GET", "/api/v10/guilds/" + Gid() + "/roles").status, 200);
  auto stats = Parse(Admin("GET", "/_sim/rest/stats"));
  auto bot = stats["bots"][B().id.ToString()];
  EXPECT_EQ(GetInt(bot, "max_per_second"), 3);
  EXPECT_EQ(GetInt(bot, "global_limit_hits"), 1);
  EXPECT_EQ(GetInt(stats["rate_limited"]["GET /guilds/{guild_id}/roles"], "global"), 1);
}

TEST_F(RestTest, SharedScope) {
  auto_advance_ = false;
  RestOptions options;
  options.shared_scope_routes.push_back(
      {"PUT", "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me", 1, seconds(1)});
  MakeRest(options);
  const std::string path = "/api/v10/channels/" + TextId() + "/messages/" +
                           HumanMessage().id.ToString() + "/reactions/%F0%9F%91%8D/@me";
  EXPECT_EQ(Do("PUT", path, "", Token(0)).status, 204);
  auto r = Do("PUT", path, "", Token(1));
  ASSERT_EQ(r.status, 429);
  EXPECT_EQ(r.header("X-RateLimit-Scope"), "shared");
  EXPECT_EQ(r.header("X-RateLimit-Remaining"), "1");  // the bot's own bucket is untouched
  EXPECT_EQ(GetString(Parse(r), "message"), "The resource is being rate limited.");
  EXPECT_FALSE(GetBool(Parse(r), "global"));
  auto stats = Parse(Admin("GET", "/_sim/rest/stats"));
  EXPECT_FALSE(Has(stats["invalid_requests"], "10.0.0.1"));  // shared 429s are not invalid
  EXPECT_EQ(GetInt(stats["rate_limited"]["PUT /channels/{channel_id}/messages/{message_id}/"
                                         "reactions/{emoji}/@me"],
                   "shared"),
            1);
  clock_.Advance(seconds(1));
  EXPECT_EQ(Do("PUT", path, "", Token(1)).status, 204);
}

TEST_F(RestTest, InvalidRequestsBanTheIp) {
  RestOptions options;
  options.invalid_request_limit = 3;
  options.invalid_request_window = seconds(60);
  options.ban_duration = seconds(120);
  MakeRest(options);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(Do("GET", "/api/v10/users/@me", "", std::string("bad")).status, 401);
  auto r = Do("GET", "/api/v10/users/@me");
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.body, "error code: 1015");
  EXPECT_EQ(r.header("Content-Type"), "text/plain");
  peer_ = "10.0.0.2:5000";
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);
  peer_ = "10.0.0.1:40001";  // another port, same IP
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 429);
  auto stats = Parse(Admin("GET", "/_sim/rest/stats"));
  EXPECT_TRUE(GetBool(stats["invalid_requests"]["10.0.0.1"], "banned"));
  EXPECT_EQ(GetInt(stats, "banned_requests"), 2);
  clock_.Advance(seconds(120));
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);
}

TEST_F(RestTest, InjectedFaults) {
  auto r = Admin("POST", "/_sim/rest/faults", R"({"status":502,"count":2})");
  ASSERT_EQ(r.status, 200);
  r = Do("GET", "/api/v10/users/@me");
  EXPECT_EQ(r.status, 502);
  EXPECT_EQ(r.body, R"({"message":"502: Bad Gateway","code":0})");
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 502);
  EXPECT_EQ(Do("GET", "/api/v10/users/@me").status, 200);
  EXPECT_EQ(Admin("POST", "/_sim/rest/faults", R"({"status":200})").status, 400);
  r = Admin("GET", "/_sim/rest/routes");
  ASSERT_EQ(r.status, 200);
  size_t methods = 0;
  dom::array routes = Parse(r).get_array().value_unsafe();
  for (dom::element route : routes) methods += Has(route, "gateway_rest");
  EXPECT_EQ(methods, 58u);  // every GatewayRest method has its route
}

}  // namespace
}  // namespace pylon::sim
