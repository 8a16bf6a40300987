// Copyright 2026 The Pylon Gateway Authors.
// The REST proxy against the in-process simulator (real HTTP on loopback): every RestError
// variant from a real simulator answer; a concurrent flood that must cause no 429 but on a
// shared-scope route and never exceed the global limit (the simulator's sliding max_per_second);
// FIFO order within a bucket; prompt RateLimited answers past the caller's limit; the
// invalid-request guard; the quarantine of a webhook token; local checks that never reach the
// simulator.

#include <algorithm>
#include <thread>

#include "rest/rest_test_fixture.h"

namespace pylon::rest {
namespace {

using testing::Describe;
using testing::RestFixture;
using testing::RestFixtureOptions;

constexpr std::string_view kMemberRoleRoute =
    "PUT /guilds/{guild_id}/members/{user_id}/roles/{role_id}";
constexpr std::string_view kCreateMessageRoute = "POST /channels/{channel_id}/messages";
constexpr std::string_view kTypingRoute = "POST /channels/{channel_id}/typing";
constexpr std::string_view kFollowupRoute = "POST /webhooks/{application_id}/{interaction_token}";

RestFixtureOptions Options(bool engine = false) {
  RestFixtureOptions options;
  options.engine = engine;
  options.sim = pylon::testing::SmallSim(/*guilds=*/3, /*members=*/300);
  options.sim.world.messages_per_channel = 3;
  options.sim.world.channels = {12, 20};
  options.sim.world.rest_global_limit = 100;  // above ours (50): the simulator's window is fixed
  return options;
}

struct Picks {
  GuildId guild;
  std::vector<ChannelId> text;  // text channels of every guild of the bot
  UserId member;                // a member of `guild` without roles, not the owner
  RoleId role;                  // an ordinary role of `guild`
};

Picks Pick(RestFixture& f) {
  return f.Sim([&] {
    const sim::World& w = f.sim().world();
    Picks p;
    const sim::Bot& bot = w.bots()[0];
    p.guild = bot.guilds[0];
    for (GuildId id : bot.guilds) {
      for (const sim::Channel& c : w.FindGuild(id)->channels) {
        if (c.type == sim::ChannelType::kText) p.text.push_back(c.id);
      }
    }
    const sim::Guild& g = *w.FindGuild(p.guild);
    for (const sim::Member& m : g.members) {
      const sim::User& u = w.user(m.user);
      if (!u.bot && u.id != g.owner && m.roles.empty()) {
        p.member = u.id;
        break;
      }
    }
    for (const sim::Role& r : g.roles) {
      if (!r.managed && r.id.value() != g.id.value()) {
        p.role = r.id;
        break;
      }
    }
    return p;
  });
}

// Moves `role` above every other role of the guild (the bot's included), in the World.
void RaiseRole(RestFixture& f, GuildId guild, RoleId role) {
  f.Sim([&] {
    sim::RoleEdit edit;
    edit.position = 200;
    return f.sim().world().UpdateRole(guild, role, edit).ok();
  });
}

template <typename Response>
bool IsRateLimited(const Response& r) {
  return r.has_error() && r.error().has_rate_limited();
}

// ---- Every RestError variant, from real simulator answers ----

TEST(RestErrorsTest, EveryVariantFromTheSimulator) {
  RestFixtureOptions options = Options();
  options.sim.rest.shared_scope_routes.push_back(
      {"POST", "/channels/{channel_id}/typing", 1, std::chrono::seconds(5)});
  RestFixture f(options);
  Picks p = Pick(f);

  {  // 400 -> validation_error, Discord's nested errors flattened
    rpb::ModifyGuildRequest r;
    r.mutable_name()->set_value("x");  // 2..100 characters
    auto resp = f.Call<ModifyGuildMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_validation_error()) << Describe(resp);
    const auto& v = resp.error().validation_error();
    EXPECT_EQ(v.message(), "Invalid Form Body");
    ASSERT_GE(v.fields_size(), 1);
    EXPECT_EQ(v.fields(0).path(), "name");
    EXPECT_EQ(v.fields(0).code(), "BASE_TYPE_BAD_LENGTH");
  }
  {  // 404 -> resource_not_found
    rpb::GetUserRequest r;
    r.set_user_id(12345);
    auto resp = f.Call<GetUserMethod>(r, GuildId());
    ASSERT_TRUE(resp.has_error() && resp.error().has_resource_not_found()) << Describe(resp);
    EXPECT_EQ(resp.error().resource_not_found().code(), 10013u);
    EXPECT_EQ(resp.error().resource_not_found().message(), "Unknown User");
  }
  {  // 403 -> access_denied (no cache here: Discord decides)
    RaiseRole(f, p.guild, p.role);
    rpb::AddGuildMemberRoleRequest r;
    r.set_user_id(p.member.value());
    r.set_role_id(p.role.value());
    auto resp = f.Call<AddGuildMemberRoleMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
    EXPECT_EQ(resp.error().access_denied().code(), 50013u);
    EXPECT_EQ(resp.error().access_denied().message(), "Missing Permissions");
  }
  {  // 401 -> access_denied
    CallOptions call = f.Options(GuildId());
    call.token = Secret("not-a-valid-token-at-all");
    auto resp = f.CallAsync<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), call).get();
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
    EXPECT_EQ(resp.error().access_denied().message(), "401: Unauthorized");
  }
  {  // a shared-scope 429 the caller cannot wait for -> rate_limited
    rpb::TriggerTypingIndicatorRequest r;
    r.set_channel_id(p.text[0].value());
    auto first = f.Call<TriggerTypingIndicatorMethod>(r, p.guild, std::chrono::seconds(1));
    ASSERT_TRUE(first.has_data()) << Describe(first);
    int64_t now_s = f.clock().UnixMs() / 1000;
    auto second = f.Call<TriggerTypingIndicatorMethod>(r, p.guild, std::chrono::seconds(1));
    ASSERT_TRUE(IsRateLimited(second)) << Describe(second);
    EXPECT_FALSE(second.error().rate_limited().global());
    EXPECT_GE(second.error().rate_limited().retry_at(), now_s + 4);
    EXPECT_LE(second.error().rate_limited().retry_at(), now_s + 7);
    EXPECT_NE(f.SimStats().find("\"shared\""), std::string::npos);
  }
  {  // 500 -> unknown_error
    f.SimAdmin("POST", "faults", R"({"status":500,"count":1})");
    auto resp = f.Call<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), GuildId());
    ASSERT_TRUE(resp.has_error() && resp.error().has_unknown_error()) << Describe(resp);
    EXPECT_EQ(resp.error().unknown_error().http_status(), 500u);
    EXPECT_EQ(resp.error().unknown_error().message(), "500: Internal Server Error");
  }
}

TEST(RestErrorsTest, UnreachableDiscordIsAnUnknownErrorWithoutStatus) {
  RestFixtureOptions options = Options();
  options.api_base = "http://127.0.0.1:" + std::to_string(net::testing::UnusedPort()) + "/api/v10";
  RestFixture f(options);
  auto resp = f.Call<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), GuildId());
  ASSERT_TRUE(resp.has_error() && resp.error().has_unknown_error()) << Describe(resp);
  EXPECT_EQ(resp.error().unknown_error().http_status(), 0u);
}

// ---- Rate limits ----

TEST(RestLimitsTest, FloodCausesNo429AndKeepsTheGlobalLimit) {
  RestFixtureOptions options = Options();
  const std::string reaction_route =
      "/channels/{channel_id}/messages/{message_id}/reactions/{emoji}/@me";
  // One per 2 s: the six reactions below cannot all be spaced that far apart by the global queue
  // they share with the flood (the whole flood takes a few seconds), so some shared 429s are
  // certain, whatever the machine's speed.
  options.sim.rest.shared_scope_routes.push_back(
      {"PUT", reaction_route, 1, std::chrono::seconds(2)});
  RestFixture f(options);
  Picks p = Pick(f);
  ASSERT_GE(p.text.size(), 12u);
  f.SimAdmin("POST", "buckets", R"({"bucket":"typing","limit":5,"window_ms":500})");

  using Future = std::future<rpb::TriggerTypingIndicatorResponse>;
  std::vector<Future> typing;
  auto type = [&](ChannelId channel) {
    rpb::TriggerTypingIndicatorRequest r;
    r.set_channel_id(channel.value());
    typing.push_back(
        f.CallAsync<TriggerTypingIndicatorMethod>(r, f.Options(p.guild, std::chrono::seconds(60))));
  };
  // 10x one bucket's limit, and requests over many other buckets that only the global limit
  // holds back; all at once.
  for (int i = 0; i < 50; ++i) type(p.text[0]);
  for (size_t c = 1; c < p.text.size(); ++c) {
    for (int i = 0; i < 5; ++i) type(p.text[c]);
  }
  // A shared-scope route: its 429s are the only ones allowed.
  MessageId message =
      f.Sim([&] { return f.sim().world().FindChannel(p.text[1])->messages.at(0).id; });
  std::vector<std::future<rpb::CreateReactionResponse>> reactions;
  const char* emojis[] = {"\xF0\x9F\x91\x8D", "\xF0\x9F\x8E\x89", "\xF0\x9F\x94\xA5",
                          "\xF0\x9F\x91\x80", "\xF0\x9F\x9A\x80", "\xE2\x9C\x85"};
  for (const char* emoji : emojis) {
    rpb::CreateReactionRequest r;
    r.set_channel_id(p.text[1].value());
    r.set_message_id(message.value());
    r.set_emoji(emoji);
    reactions.push_back(
        f.CallAsync<CreateReactionMethod>(r, f.Options(p.guild, std::chrono::seconds(60))));
  }
  for (auto& future : typing) {
    ASSERT_EQ(future.wait_for(std::chrono::seconds(90)), std::future_status::ready);
    auto r = future.get();
    EXPECT_TRUE(r.has_data()) << Describe(r);
  }
  for (auto& future : reactions) {
    auto r = future.get();
    EXPECT_TRUE(r.has_data()) << Describe(r);
  }

  std::string stats = f.SimStats();
  simdjson::dom::parser parser;
  simdjson::dom::element root = parser.parse(stats);
  // 429s by route and scope: only the shared-scope route, only "shared".
  simdjson::dom::object limited = root["rate_limited"].get_object();
  for (auto [route, scopes] : limited) {
    EXPECT_EQ(route, "PUT " + reaction_route) << stats;
    for (auto [scope, n] : scopes.get_object()) EXPECT_EQ(scope, "shared") << stats;
  }
  uint64_t max_per_second = 0;
  ASSERT_EQ(root["bots"][f.bot().ToString()]["max_per_second"].get_uint64().get(max_per_second),
            simdjson::SUCCESS);
  EXPECT_LE(max_per_second, 50u) << "the global limit was exceeded in some sliding second";
  EXPECT_GE(max_per_second, 40u) << "the flood should run near the global limit";
  auto limiter = f.proxy().LimiterStatsOf(f.bot());
  ASSERT_TRUE(limiter);
  EXPECT_EQ(limiter->discord_429_user, 0u);
  EXPECT_EQ(limiter->discord_429_global, 0u);
  EXPECT_GT(limiter->discord_429_shared, 0u);
  EXPECT_EQ(limiter->invalid_counted, 0u);
  // Per route: the shared 429s on the reaction route, every typing request a 2xx.
  std::vector<BotRestMetrics> metrics = f.proxy().MetricsSnapshot();
  ASSERT_EQ(metrics.size(), 1u);
  uint64_t shared_429s = 0;
  for (const auto& [route, m] : metrics[0].routes) {
    EXPECT_EQ(m.discord_429_user + m.discord_429_global, 0u) << route;
    shared_429s += m.discord_429_shared;
  }
  EXPECT_EQ(shared_429s, limiter->discord_429_shared);
  ASSERT_TRUE(metrics[0].routes.contains("POST /channels/:id/typing"));
  const RouteMetrics& typing_route = metrics[0].routes.find("POST /channels/:id/typing")->second;
  EXPECT_EQ(typing_route.requests[static_cast<size_t>(RestOutcome::kSuccess)], typing.size());
  EXPECT_EQ(typing_route.queue_wait.count, typing.size());
}

TEST(RestLimitsTest, BucketKeepsFifoOrder) {
  RestFixture f(Options());
  Picks p = Pick(f);
  f.SimAdmin("POST", "buckets", R"({"bucket":"create_message","limit":5,"window_ms":300})");
  std::vector<std::future<rpb::CreateMessageResponse>> sent;
  for (int i = 0; i < 20; ++i) {
    rpb::CreateMessageRequest r;
    r.set_channel_id(p.text[2].value());
    r.set_content("fifo-" + std::to_string(i));
    sent.push_back(
        f.CallAsync<CreateMessageMethod>(r, f.Options(p.guild, std::chrono::seconds(30))));
  }
  uint64_t previous = 0;
  for (int i = 0; i < 20; ++i) {
    auto r = sent[i].get();
    ASSERT_TRUE(r.has_data()) << Describe(r);
    EXPECT_EQ(r.data().message().content(), "fifo-" + std::to_string(i));
    EXPECT_GT(r.data().message().id(), previous) << "message " << i << " overtook another";
    previous = r.data().message().id();
  }
  std::vector<std::string> ring = f.Sim([&] {
    std::vector<std::string> out;
    const sim::MessageRing& m = f.sim().world().FindChannel(p.text[2])->messages;
    for (size_t i = m.size() - 20; i < m.size(); ++i) out.push_back(m.at(i).content);
    return out;
  });
  for (int i = 0; i < 20; ++i) EXPECT_EQ(ring[i], "fifo-" + std::to_string(i));
  auto limiter = f.proxy().LimiterStatsOf(f.bot());
  EXPECT_EQ(limiter->discord_429_user, 0u);
}

TEST(RestLimitsTest, RequestsPastTheirLimitAreAnsweredPromptly) {
  RestFixture f(Options());
  Picks p = Pick(f);
  f.SimAdmin("POST", "buckets", R"({"bucket":"get_pins","limit":1,"window_ms":5000})");
  rpb::GetPinnedMessagesRequest pins;
  pins.set_channel_id(p.text[0].value());
  auto first = f.Call<GetPinnedMessagesMethod>(pins, p.guild);
  ASSERT_TRUE(first.has_data()) << Describe(first);
  // The bucket is empty for 5 s: a caller willing to wait 300 ms is answered at once.
  for (int i = 0; i < 5; ++i) {
    auto start = std::chrono::steady_clock::now();
    int64_t now_s = f.clock().UnixMs() / 1000;
    auto r = f.Call<GetPinnedMessagesMethod>(pins, p.guild, std::chrono::milliseconds(300));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_TRUE(IsRateLimited(r)) << Describe(r);
    EXPECT_LT(took, std::chrono::milliseconds(150));
    EXPECT_FALSE(r.error().rate_limited().global());
    // The bucket reopens 5 s (+ the 50 ms reset margin) after the first answer; retry_at is
    // that instant rounded up to a whole second, and now_s is rounded down: up to 2 s apart.
    EXPECT_GE(r.error().rate_limited().retry_at(), now_s + 4);
    EXPECT_LE(r.error().rate_limited().retry_at(), now_s + 7);
  }
  EXPECT_EQ(f.SimRequests("GET /channels/{channel_id}/pins"), 1u);

  // A request whose wait cannot be foreseen (the route's bucket is not known yet, one request in
  // flight on a slow Discord) is answered when its limit passes.
  f.SimAdmin("POST", "latency", R"({"ms":700})");
  rpb::GetChannelInvitesRequest invites;
  invites.set_channel_id(p.text[1].value());
  auto slow = f.CallAsync<GetChannelInvitesMethod>(invites, f.Options(p.guild));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto start = std::chrono::steady_clock::now();
  auto waiting = f.Call<GetChannelInvitesMethod>(invites, p.guild, std::chrono::milliseconds(200));
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(IsRateLimited(waiting)) << Describe(waiting);
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::milliseconds(450));
  EXPECT_TRUE(slow.get().has_data());
  f.SimAdmin("POST", "latency", R"({"ms":0})");
  auto stats = f.proxy().LimiterStatsOf(f.bot());
  EXPECT_EQ(stats->refused_at_submit, 5u);
  EXPECT_EQ(stats->refused_deadline, 1u);

  // The same, as /metrics reports it per route.
  std::vector<BotRestMetrics> metrics = f.proxy().MetricsSnapshot();
  ASSERT_EQ(metrics.size(), 1u);
  EXPECT_EQ(metrics[0].bot, f.bot());
  const auto& routes = metrics[0].routes;
  ASSERT_TRUE(routes.contains("GET /channels/:id/pins"));
  const RouteMetrics& pin_route = routes.find("GET /channels/:id/pins")->second;
  EXPECT_EQ(pin_route.requests[static_cast<size_t>(RestOutcome::kSuccess)], 1u);
  EXPECT_EQ(pin_route.requests[static_cast<size_t>(RestOutcome::kRefused)], 5u);
  EXPECT_EQ(pin_route.queue_wait.count, 1u);  // the refused ones never left the queue
  EXPECT_EQ(pin_route.discord_latency.count, 1u);
  ASSERT_TRUE(routes.contains("GET /channels/:id/invites"));
  const RouteMetrics& invite_route = routes.find("GET /channels/:id/invites")->second;
  EXPECT_EQ(invite_route.requests[static_cast<size_t>(RestOutcome::kSuccess)], 1u);
  EXPECT_EQ(invite_route.requests[static_cast<size_t>(RestOutcome::kRefused)], 1u);
  EXPECT_EQ(invite_route.discord_latency.count, 1u);
  EXPECT_GE(invite_route.discord_latency.sum_seconds, 0.65);  // the simulator's added 700 ms
}

TEST(RestLimitsTest, CancelledCallsLeaveTheQueue) {
  RestFixture f(Options());
  Picks p = Pick(f);
  f.SimAdmin("POST", "buckets", R"({"bucket":"get_pins","limit":1,"window_ms":3000})");
  rpb::GetPinnedMessagesRequest pins;
  pins.set_channel_id(p.text[0].value());
  ASSERT_TRUE(f.Call<GetPinnedMessagesMethod>(pins, p.guild).has_data());
  auto control = std::make_shared<CallControl>();
  auto waiting = f.CallAsync<GetPinnedMessagesMethod>(
      pins, f.Options(p.guild, std::chrono::seconds(10)), control);
  ASSERT_TRUE(net::testing::WaitUntil(
      [&] { return f.proxy().LimiterStatsOf(f.bot())->queued == 1; }, std::chrono::seconds(5)));
  f.proxy().Cancel(f.bot(), control);
  ASSERT_TRUE(net::testing::WaitUntil(
      [&] { return f.proxy().LimiterStatsOf(f.bot())->queued == 0; }, std::chrono::seconds(5)));
  EXPECT_EQ(f.proxy().LimiterStatsOf(f.bot())->cancelled, 1u);
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  EXPECT_EQ(f.SimRequests("GET /channels/{channel_id}/pins"), 1u);  // never sent
}

TEST(RestLimitsTest, InvalidRequestGuardStopsBeforeDiscordBans) {
  RestFixtureOptions options = Options();
  options.limits.invalid_request_limit = 5;
  RestFixture f(options);
  Picks p = Pick(f);
  RaiseRole(f, p.guild, p.role);
  rpb::AddGuildMemberRoleRequest r;
  r.set_user_id(p.member.value());
  r.set_role_id(p.role.value());
  for (int i = 0; i < 5; ++i) {
    auto resp = f.Call<AddGuildMemberRoleMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
  }
  // The guard has tripped: nothing more reaches Discord, whatever the route.
  auto blocked = f.Call<AddGuildMemberRoleMethod>(r, p.guild);
  ASSERT_TRUE(IsRateLimited(blocked)) << Describe(blocked);
  EXPECT_TRUE(blocked.error().rate_limited().global());
  EXPECT_GT(blocked.error().rate_limited().retry_at(), f.clock().UnixMs() / 1000 + 500);
  auto other = f.Call<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), GuildId());
  EXPECT_TRUE(IsRateLimited(other)) << Describe(other);
  EXPECT_EQ(f.SimRequests(kMemberRoleRoute), 5u);
  EXPECT_EQ(f.SimRequests("GET /users/@me"), 0u);
  EXPECT_EQ(f.proxy().LimiterStatsOf(f.bot())->refused_invalid_guard, 2u);
}

TEST(RestLimitsTest, A401QuarantinesTheWebhookToken) {
  RestFixtureOptions options = Options();
  options.sim.rest.interaction_token_lifetime = std::chrono::seconds(1);
  RestFixture f(options);
  Picks p = Pick(f);
  auto interaction = [&] {
    std::string made =
        f.SimAdmin("POST", "interactions",
                   "{\"guild_id\":\"" + p.guild.ToString() + "\",\"channel_id\":\"" +
                       p.text[0].ToString() + "\",\"user_id\":\"" + p.member.ToString() + "\"}");
    simdjson::dom::parser parser;
    simdjson::dom::element root = parser.parse(made);
    std::string_view id, token;
    EXPECT_EQ(root["id"].get_string().get(id), simdjson::SUCCESS) << made;
    EXPECT_EQ(root["token"].get_string().get(token), simdjson::SUCCESS);
    return std::pair<uint64_t, std::string>(Snowflake::Parse(id)->value(), std::string(token));
  };
  auto defer = [&](const std::pair<uint64_t, std::string>& it) {
    rpb::InteractionResponseCreateRequest r;
    r.mutable_interaction_id()->set_value(it.first);
    r.set_token(it.second);
    r.mutable_interaction_response()->set_type(
        pb::InteractionResponse::DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE);
    return f.Call<CreateInteractionResponseMethod>(r, GuildId());
  };
  auto followup = [&](const std::string& token) {
    rpb::InteractionFollowupMessageCreateRequest r;
    r.set_token(token);
    r.mutable_message()->set_content("late");
    return f.Call<CreateInteractionFollowupMessageMethod>(r, GuildId());
  };
  auto old = interaction();
  ASSERT_TRUE(defer(old).has_data());
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));  // the token expires
  auto expired = followup(old.second);
  ASSERT_TRUE(expired.has_error() && expired.error().has_access_denied()) << Describe(expired);
  EXPECT_EQ(expired.error().access_denied().code(), 50027u);
  EXPECT_EQ(f.SimRequests(kFollowupRoute), 1u);
  // The token is quarantined: answered here, never sent again.
  auto again = followup(old.second);
  ASSERT_TRUE(again.has_error() && again.error().has_access_denied()) << Describe(again);
  EXPECT_EQ(again.error().access_denied().code(), 50027u);
  EXPECT_EQ(f.SimRequests(kFollowupRoute), 1u);
  // Another token and the bot itself are not affected.
  auto fresh = interaction();
  ASSERT_TRUE(defer(fresh).has_data());
  auto ok = followup(fresh.second);
  EXPECT_TRUE(ok.has_data()) << Describe(ok);
  EXPECT_EQ(f.SimRequests(kFollowupRoute), 2u);
  EXPECT_TRUE(f.Call<GetCurrentUserMethod>(rpb::GetCurrentUserRequest(), GuildId()).has_data());
}

// ---- Local checks, on the cache of a running shard ----

TEST(RestLocalChecksTest, RefusalsNeverReachTheSimulator) {
  RestFixtureOptions options = Options(/*engine=*/true);
  options.sim.world.bot_permissions = perm::kManageRoles | perm::kKickMembers | perm::kBanMembers |
                                      perm::kManageMessages | perm::kManageChannels |
                                      perm::kManageNicknames;
  RestFixture f(options);
  Picks p = Pick(f);
  const ChannelId denied = p.text[0];
  const ChannelId allowed = p.text[1];
  const UserId bot(f.bot().value());
  // @everyone may not send in `denied` (the bot's role has no ADMINISTRATOR to override it).
  f.Sim([&] {
    sim::ChannelEdit edit;
    std::vector<sim::Overwrite> overwrites = f.sim().world().FindChannel(denied)->overwrites;
    overwrites.push_back({p.guild.value(), 0, 0, perm::kSendMessages});
    edit.overwrites = overwrites;
    return f.sim().world().UpdateChannel(denied, edit).ok();
  });
  RaiseRole(f, p.guild, p.role);
  ASSERT_TRUE(f.WaitForCache([&](const cache::ShardCache& c) {
    auto perms = c.ComputePermissions(p.guild, bot, denied);
    pb::RoleData role;
    return perms && !(*perms & perm::kSendMessages) && c.GetRole(p.guild, p.role, &role) &&
           role.position() == 200;
  }));

  const uint64_t messages_before = f.SimRequests(kCreateMessageRoute);
  {  // no permission
    rpb::CreateMessageRequest r;
    r.set_channel_id(denied.value());
    r.set_content("hello");
    auto resp = f.Call<CreateMessageMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
    EXPECT_EQ(resp.error().access_denied().code(), 50013u);
    EXPECT_EQ(resp.error().access_denied().message(), "Missing Permissions");
  }
  {  // over-long content
    rpb::CreateMessageRequest r;
    r.set_channel_id(allowed.value());
    r.set_content(std::string(2001, 'x'));
    auto resp = f.Call<CreateMessageMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_validation_error()) << Describe(resp);
    const auto& v = resp.error().validation_error();
    EXPECT_EQ(v.message(), "Invalid Form Body");
    ASSERT_EQ(v.fields_size(), 1);
    EXPECT_EQ(v.fields(0).path(), "content");
    EXPECT_EQ(v.fields(0).code(), "BASE_TYPE_MAX_LENGTH");
    EXPECT_EQ(v.fields(0).message(), "Must be 2000 or fewer in length.");
  }
  {  // an embed over Discord's limits
    rpb::CreateMessageRequest r;
    r.set_channel_id(allowed.value());
    r.mutable_embed()->set_title(std::string(300, 't'));
    auto resp = f.Call<CreateMessageMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_validation_error()) << Describe(resp);
    EXPECT_EQ(resp.error().validation_error().fields(0).path(), "embed.title");
  }
  EXPECT_EQ(f.SimRequests(kCreateMessageRoute), messages_before);
  {  // allowed: reaches the simulator
    rpb::CreateMessageRequest r;
    r.set_channel_id(allowed.value());
    r.set_content("allowed");
    auto resp = f.Call<CreateMessageMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_data()) << Describe(resp);
    EXPECT_EQ(f.SimRequests(kCreateMessageRoute), messages_before + 1);
  }
  {  // a role above the bot's highest role
    rpb::AddGuildMemberRoleRequest r;
    r.set_user_id(p.member.value());
    r.set_role_id(p.role.value());
    auto resp = f.Call<AddGuildMemberRoleMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
    EXPECT_EQ(resp.error().access_denied().code(), 50013u);
    EXPECT_EQ(f.SimRequests(kMemberRoleRoute), 0u);
  }
  {  // the owner cannot be kicked
    UserId owner = f.Sim([&] { return f.sim().world().FindGuild(p.guild)->owner; });
    rpb::RemoveGuildMemberRequest r;
    r.set_user_id(owner.value());
    auto resp = f.Call<RemoveGuildMemberMethod>(r, p.guild);
    ASSERT_TRUE(resp.has_error() && resp.error().has_access_denied()) << Describe(resp);
    EXPECT_EQ(f.SimRequests("DELETE /guilds/{guild_id}/members/{user_id}"), 0u);
  }
  {  // no guild: 404 Unknown Guild without asking
    auto resp = f.Call<GetGuildInvitesMethod>(rpb::GetGuildInvitesRequest(), GuildId());
    ASSERT_TRUE(resp.has_error() && resp.error().has_resource_not_found()) << Describe(resp);
    EXPECT_EQ(resp.error().resource_not_found().code(), 10004u);
  }
  ProxyStats stats = f.proxy().stats();
  EXPECT_GE(stats.local_denied, 3u);
  EXPECT_GE(stats.local_validation, 3u);
  EXPECT_GE(stats.checks_run, 4u);
}

}  // namespace
}  // namespace pylon::rest
