// Copyright 2026 The Pylon Gateway Authors.
// The GatewayCache and Gateway services end to end: a real grpc::Server on 127.0.0.1:0 with real
// stubs, in front of a ShardHost whose shards are connected to the in-process Discord simulator.
// Answers are compared with the simulator's World (the truth); commands are checked where they
// land (the World, and the events the engine logs).

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include <grpcpp/grpcpp.h>

#include "api/cache_service.h"
#include "api/gateway_service.h"
#include "engine_fixture.h"

namespace pylon::testing {
namespace {

namespace cachepb = ::pylon::discord::v1::cache;
namespace gatewaypb = ::pylon::discord::v1::gateway;
namespace modelpb = ::pylon::discord::v1::model;
using CacheStub = ::pylon::gateway::v1::service::GatewayCache::Stub;
using GatewayStub = ::pylon::gateway::v1::service::Gateway::Stub;
using net::testing::WaitUntil;

#define EXPECT_GRPC_OK(expr)                                                              \
  do {                                                                                    \
    grpc::Status status_ = (expr);                                                        \
    EXPECT_TRUE(status_.ok()) << status_.error_code() << ": " << status_.error_message(); \
  } while (0)
#define ASSERT_GRPC_OK(expr)                                                              \
  do {                                                                                    \
    grpc::Status status_ = (expr);                                                        \
    ASSERT_TRUE(status_.ok()) << status_.error_code() << ": " << status_.error_message(); \
  } while (0)

constexpr uint64_t kIdleBot = 777000000000000001;  // configured, but no shard runs here
constexpr char kGuildGroupSecret[] = "pylon_wg_oneguild_0123456789abcdefghijklmnopqrstuv";
constexpr char kOtherBotGroupSecret[] = "pylon_wg_otherbot_0123456789abcdefghijklmnopqrstuv";

// Both services on one server, as the clients expect (one address for everything).
struct ApiServer {
  ApiServer(gateway::ShardHost& host, const api::ConfigSource& config,
            api::CacheServiceOptions cache_options, api::GatewayServiceOptions gateway_options)
      : cache(host, config, cache_options), gateway(host, config, gateway_options) {
    grpc::ServerBuilder builder;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&cache);
    builder.RegisterService(&gateway);
    server = builder.BuildAndStart();
    EXPECT_TRUE(server != nullptr && port > 0);
    auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                       grpc::InsecureChannelCredentials());
    cache_stub = ::pylon::gateway::v1::service::GatewayCache::NewStub(channel);
    gateway_stub = ::pylon::gateway::v1::service::Gateway::NewStub(channel);
  }
  ~ApiServer() { server->Shutdown(std::chrono::system_clock::now() + 5s); }

  api::CacheService cache;
  api::GatewayService gateway;
  int port = 0;
  std::unique_ptr<grpc::Server> server;
  std::unique_ptr<CacheStub> cache_stub;
  std::unique_ptr<GatewayStub> gateway_stub;
};

struct EnvOptions {
  uint32_t shards = 2;
  gateway::ChunkingPolicy chunking = gateway::ChunkingPolicy::kAllOnConnect;
  uint32_t large_threshold = 250;
  Duration engine_identify_interval = 1s;
  Duration heartbeat = 500ms;
  bool wait_ready = true;
  bool wait_members = true;  // until the cache holds every member of the World
  api::CacheServiceOptions cache;
  api::GatewayServiceOptions gateway;
};

// Call metadata; unset entries are not sent.
struct Metadata {
  std::optional<std::string> bot;
  std::optional<std::string> guild;
  std::optional<std::string> authorization;
};

struct MemberTruth {
  UserId id;
  std::string username;
  std::string nick;
  std::set<uint64_t> roles;
  sim::PresenceStatus status = sim::PresenceStatus::kOffline;
  bool bot = false;
};

struct GuildTruth {
  GuildId id;
  std::string name;
  UserId owner;
  uint32_t shard = 0;
  std::set<uint64_t> channels;                    // not threads
  std::map<uint64_t, std::string> channel_names;  // threads too
  std::map<uint64_t, sim::Role> roles;            // @everyone too
  std::map<uint64_t, std::string> emojis;
  std::vector<MemberTruth> members;      // ascending id
  std::map<uint64_t, uint64_t> voice;    // user -> channel
  std::vector<uint64_t> voice_channels;  // voice-based channels
};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x80) c = static_cast<char>(std::tolower(c));
  }
  return out;
}

modelpb::PresenceData::OnlineStatus ProtoStatus(sim::PresenceStatus status) {
  switch (status) {
    case sim::PresenceStatus::kOnline:
      return modelpb::PresenceData::ONLINE;
    case sim::PresenceStatus::kIdle:
      return modelpb::PresenceData::IDLE;
    case sim::PresenceStatus::kDnd:
      return modelpb::PresenceData::DND;
    default:
      return modelpb::PresenceData::OFFLINE;
  }
}

class ApiServiceTest : public ::testing::Test {
 protected:
  void TearDown() override {
    server_.reset();
    engine_.reset();
  }

  void Start(EnvOptions options) {
    options_ = options;
    EngineFixtureOptions engine;
    engine.sim = SmallSim(6, 3000);
    engine.sim.world.max_guild_members = 1500;  // the largest guild has over 1,000 members
    engine.sim.gateway.heartbeat_interval = options.heartbeat;
    engine.sim.gateway.identify_interval = 1s;
    engine.identify_interval = options.engine_identify_interval;
    engine_ = std::make_unique<EngineFixture>(engine);
    spec_ = engine_->FirstBot(options.shards);
    spec_.chunking = options.chunking;
    spec_.large_threshold = options.large_threshold;
    ASSERT_TRUE(engine_->host().AddBot(spec_).ok());
    truth_ = Truth();
    ASSERT_EQ(truth_.size(), 6u);
    config_ = MakeConfig();
    server_ = StartServer(options.cache, options.gateway);
    if (options.wait_ready) {
      ASSERT_TRUE(engine_->WaitReady(options.shards));
    }
    if (options.wait_members) {
      uint64_t total = 0;
      for (const GuildTruth& guild : truth_) total += guild.members.size();
      ASSERT_TRUE(WaitUntil(
          [&] {
            uint64_t cached = 0;
            for (const auto& summary : engine_->host().Summaries()) {
              cached += summary.stats.cache_counts.members;
            }
            return cached == total;
          },
          60s))
          << "the cache never held all " << total << " members";
    }
  }

  std::unique_ptr<ApiServer> StartServer(api::CacheServiceOptions cache,
                                         api::GatewayServiceOptions gateway) {
    return std::make_unique<ApiServer>(
        engine_->host(), [this] { return config_; }, cache, gateway);
  }

  std::shared_ptr<const control::ConfigSnapshot> MakeConfig() {
    auto config = std::make_shared<control::ConfigSnapshot>();
    config->revision = 1;
    config->bots[bot().value()].set_id(bot().value());
    config->bots[kIdleBot].set_id(kIdleBot);
    auto add_group = [&](const std::string& name, const std::string& secret) -> auto& {
      control::WorkerGroupView& group = config->worker_groups[name];
      group.name = name;
      group.tokens.push_back({"t1", "salt", control::HashToken("salt", secret)});
      return group.spec;
    };
    add_group("oneguild", kGuildGroupSecret).add_guild_ids(truth_[0].id.value());
    add_group("otherbot", kOtherBotGroupSecret).add_bot_ids(kIdleBot);
    return config;
  }

  BotId bot() const { return spec_.bot; }
  UserId bot_user() const { return UserId(spec_.bot.value()); }

  // The World as the bot sees it: every guild of the first bot.
  std::vector<GuildTruth> Truth() {
    uint32_t shards = options_.shards;
    return engine_->Sim([&] {
      const sim::World& world = engine_->sim().world();
      const sim::Bot& bot = world.bots()[0];
      std::vector<GuildTruth> out;
      for (GuildId id : bot.guilds) {
        const sim::Guild& g = *world.FindGuild(id);
        GuildTruth t;
        t.id = g.id;
        t.name = g.name;
        t.owner = g.owner;
        t.shard = shard_for(g.id, shards).value();
        for (const sim::Channel& c : g.channels) {
          t.channel_names[c.id.value()] = c.name;
          if (!sim::IsThread(c.type)) t.channels.insert(c.id.value());
          if (sim::IsVoiceBased(c.type)) t.voice_channels.push_back(c.id.value());
        }
        for (const sim::Role& r : g.roles) t.roles[r.id.value()] = r;
        for (const sim::Emoji& e : g.emojis) t.emojis[e.id.value()] = e.name;
        for (const sim::Member& m : g.members) {
          const sim::User& user = world.user(m.user);
          MemberTruth mt{user.id, user.username, m.nick, {}, m.presence.status, user.bot};
          for (RoleId role : m.roles) mt.roles.insert(role.value());
          t.members.push_back(std::move(mt));
        }
        std::sort(t.members.begin(), t.members.end(),
                  [](const auto& a, const auto& b) { return a.id < b.id; });
        for (const sim::VoiceState& v : g.voice_states) {
          t.voice[world.user(v.user).id.value()] = v.channel.value();
        }
        out.push_back(std::move(t));
      }
      return out;
    });
  }

  const GuildTruth& Largest() const {
    return *std::max_element(truth_.begin(), truth_.end(), [](const auto& a, const auto& b) {
      return a.members.size() < b.members.size();
    });
  }

  std::unique_ptr<grpc::ClientContext> Context(const Metadata& metadata) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + 30s);
    if (metadata.bot) context->AddMetadata("x-pylon-bot-id", *metadata.bot);
    if (metadata.guild) context->AddMetadata("x-pylon-guild-id", *metadata.guild);
    if (metadata.authorization) context->AddMetadata("authorization", *metadata.authorization);
    return context;
  }
  // A cache call about `guild` of the bot.
  std::unique_ptr<grpc::ClientContext> In(GuildId guild) {
    return Context({bot().ToString(), guild.ToString(), {}});
  }
  // A Gateway call of the bot (no guild).
  std::unique_ptr<grpc::ClientContext> Bot() { return Context({bot().ToString(), {}, {}}); }

  CacheStub& cache() { return *server_->cache_stub; }
  GatewayStub& gw() { return *server_->gateway_stub; }

  // The cached members of a guild, through ListGuildMembers pages of `page`.
  std::vector<uint64_t> PageMembers(GuildId guild, uint32_t page) {
    std::vector<uint64_t> ids;
    uint64_t after = 0;
    for (int pages = 0; pages < 10000; ++pages) {
      cachepb::ListGuildMembersRequest request;
      request.set_after(after);
      request.set_limit(page);
      cachepb::ListGuildMembersResponse response;
      grpc::Status status = cache().ListGuildMembers(In(guild).get(), request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& member : response.members()) {
        EXPECT_GT(member.id(), after) << "not above the cursor, or not ascending";
        EXPECT_EQ(member.guild_id(), guild.value());
        after = member.id();
        ids.push_back(member.id());
      }
      if (static_cast<uint32_t>(response.members_size()) < page) break;
    }
    return ids;
  }

  EnvOptions options_;
  std::unique_ptr<EngineFixture> engine_;
  gateway::BotSpec spec_;
  std::vector<GuildTruth> truth_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  std::unique_ptr<ApiServer> server_;
};

// Every GatewayCache RPC against the World, for every guild and a sample of each kind.
TEST_F(ApiServiceTest, CacheAnswersWhatTheWorldHolds) {
  Start({});
  for (const GuildTruth& g : truth_) {
    SCOPED_TRACE("guild " + g.id.ToString());
    cachepb::GetGuildResponse guild;
    ASSERT_GRPC_OK(cache().GetGuild(In(g.id).get(), {}, &guild));
    ASSERT_TRUE(guild.has_guild());
    EXPECT_EQ(guild.guild().id(), g.id.value());
    EXPECT_EQ(guild.guild().name(), g.name);
    EXPECT_EQ(guild.guild().owner_id(), g.owner.value());
    EXPECT_EQ(guild.guild().member_count(), g.members.size());

    cachepb::ListGuildChannelsResponse channels;
    ASSERT_GRPC_OK(cache().ListGuildChannels(In(g.id).get(), {}, &channels));
    std::set<uint64_t> channel_ids;
    for (const auto& c : channels.channels()) {
      channel_ids.insert(c.id());
      EXPECT_EQ(c.guild_id().value(), g.id.value());
    }
    EXPECT_EQ(channel_ids, g.channels);
    int sampled = 0;
    for (const auto& [id, name] : g.channel_names) {  // threads included
      if (sampled++ % 3 != 0) continue;
      cachepb::GetGuildChannelRequest request;
      request.set_channel_id(id);
      cachepb::GetGuildChannelResponse channel;
      ASSERT_GRPC_OK(cache().GetGuildChannel(In(g.id).get(), request, &channel));
      ASSERT_TRUE(channel.has_channel()) << id;
      EXPECT_EQ(channel.channel().name(), name);
    }

    cachepb::ListGuildRolesResponse roles;
    ASSERT_GRPC_OK(cache().ListGuildRoles(In(g.id).get(), {}, &roles));
    std::set<uint64_t> role_ids;
    for (const auto& r : roles.roles()) {
      role_ids.insert(r.id());
      EXPECT_EQ(r.guild_id(), g.id.value());
    }
    std::set<uint64_t> truth_roles;
    for (const auto& [id, role] : g.roles) truth_roles.insert(id);
    EXPECT_EQ(role_ids, truth_roles);
    EXPECT_TRUE(role_ids.count(g.id.value())) << "@everyone is listed";
    for (const auto& [id, role] : g.roles) {
      cachepb::GetGuildRoleRequest request;
      request.set_role_id(id);
      cachepb::GetGuildRoleResponse got;
      ASSERT_GRPC_OK(cache().GetGuildRole(In(g.id).get(), request, &got));
      ASSERT_TRUE(got.has_role());
      EXPECT_EQ(got.role().name(), role.name);
      EXPECT_EQ(got.role().permissions(), role.permissions);
      EXPECT_EQ(got.role().color(), role.color);
    }

    cachepb::ListGuildEmojisResponse emojis;
    ASSERT_GRPC_OK(cache().ListGuildEmojis(In(g.id).get(), {}, &emojis));
    std::map<uint64_t, std::string> emoji_names;
    for (const auto& e : emojis.emojis()) emoji_names[e.id()] = e.name();
    EXPECT_EQ(emoji_names, g.emojis);
    for (const auto& [id, name] : g.emojis) {
      cachepb::GetGuildEmojiRequest request;
      request.set_emoji_id(id);
      cachepb::GetGuildEmojiResponse got;
      ASSERT_GRPC_OK(cache().GetGuildEmoji(In(g.id).get(), request, &got));
      ASSERT_TRUE(got.has_emoji());
      EXPECT_EQ(got.emoji().name(), name);
      EXPECT_EQ(got.emoji().guild_id(), g.id.value());
    }

    // Members, presences and users: every 17th member, and the bot's own member.
    for (size_t i = 0; i < g.members.size(); ++i) {
      const MemberTruth& m = g.members[i];
      if (i % 17 != 0 && m.id != bot_user()) continue;
      SCOPED_TRACE("member " + m.id.ToString());
      cachepb::GetGuildMemberRequest request;
      request.set_user_id(m.id.value());
      cachepb::GetGuildMemberResponse member;
      ASSERT_GRPC_OK(cache().GetGuildMember(In(g.id).get(), request, &member));
      ASSERT_TRUE(member.has_member());
      EXPECT_EQ(member.member().id(), m.id.value());
      EXPECT_EQ(member.member().user().id(), m.id.value());
      EXPECT_EQ(member.member().guild_id(), g.id.value());
      EXPECT_EQ(member.member().user().username(), m.username);
      EXPECT_EQ(member.member().has_nick(), !m.nick.empty());
      if (!m.nick.empty()) {
        EXPECT_EQ(member.member().nick().value(), m.nick);
      }
      std::set<uint64_t> member_roles(member.member().roles().begin(),
                                      member.member().roles().end());
      EXPECT_EQ(member_roles, m.roles);

      cachepb::GetGuildMemberPresenceRequest presence_request;
      presence_request.set_user_id(m.id.value());
      cachepb::GetGuildMemberPresenceResponse presence;
      ASSERT_GRPC_OK(cache().GetGuildMemberPresence(In(g.id).get(), presence_request, &presence));
      if (m.status == sim::PresenceStatus::kOffline) {
        EXPECT_FALSE(presence.has_presence()) << "offline: no presence cached";
      } else {
        ASSERT_TRUE(presence.has_presence());
        EXPECT_EQ(presence.presence().status(), ProtoStatus(m.status));
      }

      cachepb::GetUserRequest user_request;
      user_request.set_user_id(m.id.value());
      cachepb::GetUserResponse user;
      ASSERT_GRPC_OK(cache().GetUser(In(g.id).get(), user_request, &user));
      ASSERT_TRUE(user.has_user());
      EXPECT_EQ(user.user().username(), m.username);
    }

    // Voice: every state, and each voice channel's list.
    for (const auto& [user, channel] : g.voice) {
      cachepb::GetGuildMemberVoiceStateRequest request;
      request.set_user_id(user);
      cachepb::GetGuildMemberVoiceStateResponse state;
      ASSERT_GRPC_OK(cache().GetGuildMemberVoiceState(In(g.id).get(), request, &state));
      ASSERT_TRUE(state.has_voice_state_data());
      EXPECT_EQ(state.voice_state_data().channel_id().value(), channel);
      EXPECT_EQ(state.voice_state_data().member().id(), user);
    }
    for (uint64_t channel : g.voice_channels) {
      cachepb::ListGuildChannelVoiceStatesRequest request;
      request.set_channel_id(channel);
      cachepb::ListGuildChannelVoiceStatesResponse states;
      ASSERT_GRPC_OK(cache().ListGuildChannelVoiceStates(In(g.id).get(), request, &states));
      std::set<uint64_t> users, truth;
      for (const auto& s : states.voice_states_data()) users.insert(s.member().id());
      for (const auto& [user, in] : g.voice) {
        if (in == channel) truth.insert(user);
      }
      EXPECT_EQ(users, truth) << "channel " << channel;
    }

    // FindGuildMembers: each filter against the World.
    auto find = [&](cachepb::FindGuildMembersRequest request) {
      cachepb::FindGuildMembersResponse found;
      grpc::Status status = cache().FindGuildMembers(In(g.id).get(), request, &found);
      EXPECT_TRUE(status.ok()) << status.error_message();
      std::vector<uint64_t> ids;
      for (const auto& m : found.members()) ids.push_back(m.id());
      EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));
      return ids;
    };
    auto truth_of = [&](auto predicate) {
      std::vector<uint64_t> ids;
      for (const MemberTruth& m : g.members) {
        if (predicate(m)) ids.push_back(m.id.value());
      }
      return ids;
    };
    const MemberTruth& sample = g.members[g.members.size() / 2];
    {
      cachepb::FindGuildMembersRequest request;  // Java: name, limit 1; here a larger limit
      std::string name = sample.username;
      std::transform(name.begin(), name.end(), name.begin(), [](char c) {
        return static_cast<unsigned char>(c) < 0x80 ? std::toupper(c) : c;
      });
      request.mutable_name()->set_value(name);
      request.set_limit(1000);
      EXPECT_EQ(find(request), truth_of([&](const MemberTruth& m) {
                  return Lower(m.username) == Lower(name) || Lower(m.nick) == Lower(name);
                }));
    }
    {
      cachepb::FindGuildMembersRequest request;  // Java: prefix, limit 100
      std::string prefix = sample.username.substr(0, 2);
      request.mutable_prefix()->set_value(prefix);
      request.set_limit(1000);
      EXPECT_EQ(find(request), truth_of([&](const MemberTruth& m) {
                  return Lower(m.username).starts_with(Lower(prefix)) ||
                         Lower(m.nick).starts_with(Lower(prefix));
                }));
    }
    for (auto status :
         {sim::PresenceStatus::kOnline, sim::PresenceStatus::kIdle, sim::PresenceStatus::kDnd}) {
      cachepb::FindGuildMembersRequest request;  // Java: status, limit 2147483647
      request.set_status(ProtoStatus(status));
      request.set_limit(2147483647);
      auto truth = truth_of([&](const MemberTruth& m) { return m.status == status; });
      if (truth.size() > 1000) truth.resize(1000);
      EXPECT_EQ(find(request), truth) << "status " << static_cast<int>(status);
    }
    for (const auto& [id, role] : g.roles) {
      cachepb::FindGuildMembersRequest request;  // Java: role, limit 2147483647
      request.mutable_role_id()->set_value(id);
      request.set_limit(2147483647);
      auto truth = truth_of([&](const MemberTruth& m) {
        return id == g.id.value() || m.roles.count(id) > 0;  // @everyone: everyone
      });
      if (truth.size() > 1000) truth.resize(1000);
      EXPECT_EQ(find(request), truth) << "role " << id;
    }
  }
}

TEST_F(ApiServiceTest, ListGuildMembersPagesCoverEveryMemberOnceInOrder) {
  Start({});
  for (const GuildTruth& g : truth_) {
    std::vector<uint64_t> truth;
    for (const MemberTruth& m : g.members) truth.push_back(m.id.value());
    for (uint32_t page : {500u, 97u}) {
      std::vector<uint64_t> paged = PageMembers(g.id, page);
      EXPECT_EQ(paged, truth) << "guild " << g.id.value() << ", pages of " << page;
    }
  }
}

TEST_F(ApiServiceTest, LimitsAreDefaultedAndCapped) {
  Start({});
  const GuildTruth& big = Largest();
  ASSERT_GT(big.members.size(), 1000u);
  auto list = [&](uint32_t limit) {
    cachepb::ListGuildMembersRequest request;
    request.set_limit(limit);
    cachepb::ListGuildMembersResponse response;
    EXPECT_GRPC_OK(cache().ListGuildMembers(In(big.id).get(), request, &response));
    return response.members_size();
  };
  EXPECT_EQ(list(0), 100);
  EXPECT_EQ(list(7), 7);
  EXPECT_EQ(list(1000), 1000);
  EXPECT_EQ(list(2147483647), 1000);
  EXPECT_EQ(list(4294967295u), 1000);

  cachepb::FindGuildMembersRequest everyone;
  cachepb::FindGuildMembersResponse found;
  EXPECT_GRPC_OK(cache().FindGuildMembers(In(big.id).get(), everyone, &found));
  EXPECT_EQ(found.members_size(), 100);  // no filter, limit 0: the default
  everyone.set_limit(2147483647);
  EXPECT_GRPC_OK(cache().FindGuildMembers(In(big.id).get(), everyone, &found));
  EXPECT_EQ(found.members_size(), 1000);

  // The byte cap: a server limited to 20,000 bytes answers a prefix of the page under it.
  api::CacheServiceOptions small;
  small.max_response_bytes = 20000;
  auto capped = StartServer(small, {});
  cachepb::ListGuildMembersRequest request;
  request.set_limit(1000);
  cachepb::ListGuildMembersResponse full, cut;
  EXPECT_GRPC_OK(cache().ListGuildMembers(In(big.id).get(), request, &full));
  EXPECT_GRPC_OK(capped->cache_stub->ListGuildMembers(In(big.id).get(), request, &cut));
  EXPECT_GT(cut.members_size(), 10);
  EXPECT_LT(cut.members_size(), full.members_size());
  EXPECT_LE(cut.ByteSizeLong(), 20000u);
  for (int i = 0; i < cut.members_size(); ++i) EXPECT_EQ(cut.members(i).id(), full.members(i).id());
}

TEST_F(ApiServiceTest, AbsentObjectsAreOkWithTheFieldUnset) {
  Start({});
  const GuildTruth& g = truth_[0];
  const uint64_t nobody = 12345;  // no object has this id
  // A guild the bot is not in (routed to a shard that does not hold it), and Java's "null".
  for (const std::string& guild : {std::string("4194304"), std::string("null"), std::string("0")}) {
    cachepb::GetGuildResponse response;
    EXPECT_GRPC_OK(cache().GetGuild(Context({bot().ToString(), guild, {}}).get(), {}, &response));
    EXPECT_FALSE(response.has_guild()) << guild;
    cachepb::ListGuildChannelsResponse channels;
    EXPECT_GRPC_OK(
        cache().ListGuildChannels(Context({bot().ToString(), guild, {}}).get(), {}, &channels));
    EXPECT_EQ(channels.channels_size(), 0);
  }
  cachepb::GetGuildChannelRequest channel_request;
  channel_request.set_channel_id(nobody);
  cachepb::GetGuildChannelResponse channel;
  EXPECT_GRPC_OK(cache().GetGuildChannel(In(g.id).get(), channel_request, &channel));
  EXPECT_FALSE(channel.has_channel());

  // Not a member (every member is cached: answered at once, without asking Discord).
  cachepb::GetGuildMemberRequest member_request;
  member_request.set_user_id(nobody);
  cachepb::GetGuildMemberResponse member;
  EXPECT_GRPC_OK(cache().GetGuildMember(In(g.id).get(), member_request, &member));
  EXPECT_FALSE(member.has_member());

  cachepb::GetGuildRoleRequest role_request;
  role_request.set_role_id(nobody);
  cachepb::GetGuildRoleResponse role;
  EXPECT_GRPC_OK(cache().GetGuildRole(In(g.id).get(), role_request, &role));
  EXPECT_FALSE(role.has_role());

  cachepb::GetGuildEmojiRequest emoji_request;
  emoji_request.set_emoji_id(nobody);
  cachepb::GetGuildEmojiResponse emoji;
  EXPECT_GRPC_OK(cache().GetGuildEmoji(In(g.id).get(), emoji_request, &emoji));
  EXPECT_FALSE(emoji.has_emoji());

  // An offline member has no presence; a member not in voice has no voice state.
  const MemberTruth* offline = nullptr;
  for (const MemberTruth& m : g.members) {
    if (m.status == sim::PresenceStatus::kOffline && !g.voice.count(m.id.value())) offline = &m;
  }
  ASSERT_NE(offline, nullptr);
  cachepb::GetGuildMemberPresenceRequest presence_request;
  presence_request.set_user_id(offline->id.value());
  cachepb::GetGuildMemberPresenceResponse presence;
  EXPECT_GRPC_OK(cache().GetGuildMemberPresence(In(g.id).get(), presence_request, &presence));
  EXPECT_FALSE(presence.has_presence());
  cachepb::GetGuildMemberVoiceStateRequest voice_request;
  voice_request.set_user_id(offline->id.value());
  cachepb::GetGuildMemberVoiceStateResponse voice;
  EXPECT_GRPC_OK(cache().GetGuildMemberVoiceState(In(g.id).get(), voice_request, &voice));
  EXPECT_FALSE(voice.has_voice_state_data());
  cachepb::ListGuildChannelVoiceStatesRequest states_request;
  states_request.set_channel_id(nobody);
  cachepb::ListGuildChannelVoiceStatesResponse states;
  EXPECT_GRPC_OK(cache().ListGuildChannelVoiceStates(In(g.id).get(), states_request, &states));
  EXPECT_EQ(states.voice_states_data_size(), 0);

  cachepb::GetUserRequest user_request;
  user_request.set_user_id(nobody);
  cachepb::GetUserResponse user;
  EXPECT_GRPC_OK(cache().GetUser(In(g.id).get(), user_request, &user));
  EXPECT_FALSE(user.has_user());

  gatewaypb::FindUserRequest find_user;
  find_user.set_user_id(nobody);
  gatewaypb::FindUserResponse found_user;
  EXPECT_GRPC_OK(gw().FindUser(Bot().get(), find_user, &found_user));
  EXPECT_FALSE(found_user.has_user());
  gatewaypb::GetUserMutualGuildsRequest mutual_request;
  mutual_request.set_user_id(nobody);
  gatewaypb::GetUserMutualGuildsResponse mutual;
  EXPECT_GRPC_OK(gw().FindUserMutualGuilds(Bot().get(), mutual_request, &mutual));
  EXPECT_EQ(mutual.guilds_size(), 0);
  gatewaypb::FindEmojiRequest find_emoji;
  find_emoji.set_emoji_id(nobody);
  gatewaypb::FindEmojiResponse found_emoji;
  EXPECT_GRPC_OK(gw().FindEmoji(Bot().get(), find_emoji, &found_emoji));
  EXPECT_FALSE(found_emoji.has_emoji());
}

// FindUser, FindUserMutualGuilds, FindEmoji and GetStats fan out to both shards.
TEST_F(ApiServiceTest, GatewayLookupsAnswerWhatTheWorldHolds) {
  Start({});
  std::set<uint32_t> shards;
  for (const GuildTruth& g : truth_) shards.insert(g.shard);
  ASSERT_EQ(shards.size(), 2u) << "the world should have guilds on both shards";

  // Users and their guilds, over every guild.
  std::map<uint64_t, std::pair<std::string, std::vector<uint64_t>>> users;
  for (const GuildTruth& g : truth_) {
    for (const MemberTruth& m : g.members) {
      users[m.id.value()].first = m.username;
      users[m.id.value()].second.push_back(g.id.value());
    }
  }
  int sampled = 0;
  for (auto& [id, user] : users) {
    bool several = user.second.size() > 1;
    if (!several && sampled++ % 37 != 0) continue;
    std::sort(user.second.begin(), user.second.end());
    gatewaypb::FindUserRequest request;
    request.set_user_id(id);
    gatewaypb::FindUserResponse found;
    ASSERT_GRPC_OK(gw().FindUser(Bot().get(), request, &found));
    ASSERT_TRUE(found.has_user()) << id;
    EXPECT_EQ(found.user().username(), user.first);
    gatewaypb::GetUserMutualGuildsRequest mutual_request;
    mutual_request.set_user_id(id);
    gatewaypb::GetUserMutualGuildsResponse mutual;
    ASSERT_GRPC_OK(gw().FindUserMutualGuilds(Bot().get(), mutual_request, &mutual));
    std::vector<uint64_t> guilds;
    for (const auto& g : mutual.guilds()) guilds.push_back(g.id());
    EXPECT_EQ(guilds, user.second) << "user " << id;
  }
  // The bot is in every guild.
  gatewaypb::GetUserMutualGuildsRequest self;
  self.set_user_id(bot().value());
  gatewaypb::GetUserMutualGuildsResponse self_guilds;
  ASSERT_GRPC_OK(gw().FindUserMutualGuilds(Bot().get(), self, &self_guilds));
  EXPECT_EQ(self_guilds.guilds_size(), 6);

  for (const GuildTruth& g : truth_) {
    for (const auto& [id, name] : g.emojis) {
      gatewaypb::FindEmojiRequest request;
      request.set_emoji_id(id);
      gatewaypb::FindEmojiResponse found;
      ASSERT_GRPC_OK(gw().FindEmoji(Bot().get(), request, &found));
      ASSERT_TRUE(found.has_emoji());
      EXPECT_EQ(found.emoji().name(), name);
      EXPECT_EQ(found.emoji().guild_id(), g.id.value());
    }
  }

  uint64_t members = 0, connected = 0, users_cached = 0;
  for (const GuildTruth& g : truth_) {
    members += g.members.size();
    connected += g.voice.count(bot().value());
  }
  for (uint32_t shard = 0; shard < 2; ++shard) {
    engine_->OnShard(BotShard{bot(), ShardId(shard)},
                     [&](gateway::Shard* s) { users_cached += s->cache().counts().users; });
  }
  gatewaypb::GetStatsResponse stats;
  ASSERT_GRPC_OK(gw().GetStats(Bot().get(), {}, &stats));
  EXPECT_EQ(stats.guild_count(), 6u);
  EXPECT_EQ(stats.member_count(), members);
  EXPECT_EQ(stats.user_count(), users_cached);
  EXPECT_GE(stats.user_count(), users.size());
  EXPECT_EQ(stats.connected_channels(), connected);
  EXPECT_EQ(stats.shard_count(), 2u);
}

TEST_F(ApiServiceTest, MetadataErrorsNameTheKey) {
  Start({.wait_members = false});
  const GuildTruth& g = truth_[0];
  const GuildTruth* other = &truth_[1];
  auto code = [&](const Metadata& metadata, std::string* message = nullptr) {
    cachepb::GetGuildResponse response;
    grpc::Status status = cache().GetGuild(Context(metadata).get(), {}, &response);
    if (message) *message = status.error_message();
    return status.error_code();
  };
  std::string message;
  EXPECT_EQ(code({{}, g.id.ToString(), {}}, &message), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message.find("x-pylon-bot-id"), std::string::npos) << message;
  EXPECT_EQ(code({"12ab", g.id.ToString(), {}}, &message), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message.find("x-pylon-bot-id"), std::string::npos) << message;
  EXPECT_EQ(code({bot().ToString(), {}, {}}, &message), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message.find("x-pylon-guild-id"), std::string::npos) << message;
  EXPECT_EQ(code({bot().ToString(), "guild", {}}, &message), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(message.find("x-pylon-guild-id"), std::string::npos) << message;
  EXPECT_EQ(code({"42", g.id.ToString(), {}}), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(code({std::to_string(kIdleBot), g.id.ToString(), {}}, &message),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(message.find("no shard running"), std::string::npos) << message;
  EXPECT_EQ(code({bot().ToString(), g.id.ToString(), {}}), grpc::StatusCode::OK);
  // Tokens: a group limited to guild 0 of the world, a group limited to another bot.
  std::string guild_token = std::string("Bearer ") + kGuildGroupSecret;
  std::string bot_token = std::string("Bearer ") + kOtherBotGroupSecret;
  EXPECT_EQ(code({bot().ToString(), g.id.ToString(), guild_token}), grpc::StatusCode::OK);
  EXPECT_EQ(code({bot().ToString(), other->id.ToString(), guild_token}),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code({bot().ToString(), g.id.ToString(), bot_token}),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(code({bot().ToString(), g.id.ToString(), "Bearer pylon_wg_oneguild_wrong"}),
            grpc::StatusCode::UNAUTHENTICATED);

  // Gateway calls need only the bot id.
  gatewaypb::GetStatsResponse stats;
  EXPECT_GRPC_OK(gw().GetStats(Bot().get(), {}, &stats));
  EXPECT_EQ(gw().GetStats(Context({{}, {}, {}}).get(), {}, &stats).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(gw().GetStats(Context({"43", {}, {}}).get(), {}, &stats).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(
      gw().GetStats(Context({std::to_string(kIdleBot), {}, {}}).get(), {}, &stats).error_code(),
      grpc::StatusCode::UNAVAILABLE);
  // With the guild-limited token: only its guild is seen or commanded.
  ASSERT_TRUE(engine_->WaitReady(2));
  ASSERT_TRUE(WaitUntil([&] {
    return gw().GetStats(Context({bot().ToString(), {}, guild_token}).get(), {}, &stats).ok() &&
           stats.guild_count() == 1;
  }));
  EXPECT_EQ(stats.member_count(), g.members.size());
  gatewaypb::GetUserMutualGuildsRequest self;
  self.set_user_id(bot().value());
  gatewaypb::GetUserMutualGuildsResponse self_guilds;
  EXPECT_GRPC_OK(gw().FindUserMutualGuilds(Context({bot().ToString(), {}, guild_token}).get(), self,
                                           &self_guilds));
  ASSERT_EQ(self_guilds.guilds_size(), 1);
  EXPECT_EQ(self_guilds.guilds(0).id(), g.id.value());
  gatewaypb::UpdateVoiceStateRequest voice;
  voice.set_guild_id(other->id.value());
  gatewaypb::UpdateVoiceStateResponse voice_response;
  EXPECT_EQ(gw().UpdateVoiceState(Context({bot().ToString(), {}, guild_token}).get(), voice,
                                  &voice_response)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // A server that refuses anonymous calls.
  api::CacheServiceOptions cache_options;
  cache_options.allow_anonymous = false;
  api::GatewayServiceOptions gateway_options;
  gateway_options.allow_anonymous = false;
  auto closed = StartServer(cache_options, gateway_options);
  cachepb::GetGuildResponse guild;
  EXPECT_EQ(closed->cache_stub->GetGuild(In(g.id).get(), {}, &guild).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(closed->gateway_stub->GetStats(Bot().get(), {}, &stats).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_GRPC_OK(closed->cache_stub->GetGuild(
      Context({bot().ToString(), g.id.ToString(), guild_token}).get(), {}, &guild));
}

// With chunking on_miss and large guilds, GUILD_CREATE omits offline members; GetGuildMember
// fetches a missing one from Discord and answers with it.
TEST_F(ApiServiceTest, GetGuildMemberFetchesAMissOnMiss) {
  EnvOptions options;
  options.chunking = gateway::ChunkingPolicy::kOnMiss;
  options.large_threshold = 50;
  options.heartbeat = 10s;  // the delay fault below must not look like a zombie connection
  options.wait_members = false;
  options.cache.member_fetch_timeout = 1s;
  Start(options);
  const GuildTruth& g = Largest();
  BotShard shard{bot(), ShardId(g.shard)};
  auto cached = [&](UserId user) {
    bool has = false;
    engine_->OnShard(shard, [&](gateway::Shard* s) { has = s->cache().HasMember(g.id, user); });
    return has;
  };
  std::vector<UserId> missing;
  for (const MemberTruth& m : g.members) {
    if (m.status == sim::PresenceStatus::kOffline && !g.voice.count(m.id.value()) &&
        !cached(m.id)) {
      missing.push_back(m.id);
    }
  }
  ASSERT_GE(missing.size(), 2u) << "the large guild's offline members should not be cached";

  auto get = [&](UserId user, cachepb::GetGuildMemberResponse* response) {
    cachepb::GetGuildMemberRequest request;
    request.set_user_id(user.value());
    return cache().GetGuildMember(In(g.id).get(), request, response);
  };
  cachepb::GetGuildMemberResponse member;
  ASSERT_GRPC_OK(get(missing[0], &member));
  ASSERT_TRUE(member.has_member()) << "fetched from Discord on the miss";
  EXPECT_EQ(member.member().id(), missing[0].value());
  EXPECT_TRUE(cached(missing[0]));

  // Not a member of the guild: Discord answers not_found, the call OK and unset.
  cachepb::GetGuildMemberResponse stranger;
  ASSERT_GRPC_OK(get(UserId(12345), &stranger));
  EXPECT_FALSE(stranger.has_member());

  // Discord slower than the wait: the call answers the miss after member_fetch_timeout, and the
  // member arrives in the cache later.
  int hit = engine_->Sim([&] {
    sim::GatewayFault fault;
    fault.kind = sim::GatewayFault::Kind::kDelay;
    fault.delay = 4s;
    return engine_->sim().gateway().InjectFault({}, fault);
  });
  ASSERT_GE(hit, 1);
  auto started = std::chrono::steady_clock::now();
  cachepb::GetGuildMemberResponse late;
  ASSERT_GRPC_OK(get(missing[1], &late));
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_FALSE(late.has_member());
  EXPECT_GE(waited, 900ms);
  EXPECT_LT(waited, 3500ms);
  engine_->Sim([&] {
    sim::GatewayFault fault;
    fault.kind = sim::GatewayFault::Kind::kDelay;
    fault.delay = Duration::zero();
    return engine_->sim().gateway().InjectFault({}, fault);
  });
  EXPECT_TRUE(WaitUntil([&] { return cached(missing[1]); }, 10s));
  ASSERT_GRPC_OK(get(missing[1], &late));
  EXPECT_TRUE(late.has_member());
}

TEST_F(ApiServiceTest, UpdateStatusReachesDiscord) {
  Start({.wait_members = false});
  gatewaypb::UpdateStatusRequest request;
  request.set_status(modelpb::PresenceData::DND);
  auto* activity = request.add_activities();
  activity->set_name("the api test");
  activity->set_type(modelpb::PresenceData::PresenceActivityData::WATCHING);
  gatewaypb::UpdateStatusResponse response;
  ASSERT_GRPC_OK(gw().UpdateStatus(Bot().get(), request, &response));

  // The World: the bot's presence in every guild (both shards).
  auto bot_presence = [&](GuildId guild) {
    return engine_->Sim([&] {
      const sim::Guild* g = engine_->sim().world().FindGuild(guild);
      return g->FindMember(bot_user())->presence;
    });
  };
  ASSERT_TRUE(WaitUntil([&] {
    for (const GuildTruth& g : truth_) {
      if (bot_presence(g.id).status != sim::PresenceStatus::kDnd) return false;
    }
    return true;
  }));
  sim::Presence presence = bot_presence(truth_[0].id);
  ASSERT_EQ(presence.activities.size(), 1u);
  EXPECT_EQ(presence.activities[0].name, "the api test");
  EXPECT_EQ(presence.activities[0].type, 3);  // Discord's watching: the proto's 4 - 1
  // Discord's PRESENCE_UPDATE reached the engine's cache.
  EXPECT_TRUE(WaitUntil([&] {
    cachepb::GetGuildMemberPresenceRequest presence_request;
    presence_request.set_user_id(bot().value());
    cachepb::GetGuildMemberPresenceResponse got;
    return cache().GetGuildMemberPresence(In(truth_[0].id).get(), presence_request, &got).ok() &&
           got.has_presence() && got.presence().status() == modelpb::PresenceData::DND;
  }));

  // One shard only.
  request.set_status(modelpb::PresenceData::IDLE);
  request.mutable_shard_id()->set_value(1);
  ASSERT_GRPC_OK(gw().UpdateStatus(Bot().get(), request, &response));
  ASSERT_TRUE(WaitUntil([&] {
    for (const GuildTruth& g : truth_) {
      auto want = g.shard == 1 ? sim::PresenceStatus::kIdle : sim::PresenceStatus::kDnd;
      if (bot_presence(g.id).status != want) return false;
    }
    return true;
  }));

  // Bad requests change nothing.
  request.mutable_shard_id()->set_value(2);
  EXPECT_EQ(gw().UpdateStatus(Bot().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.clear_shard_id();
  request.mutable_activities(0)->set_type(
      static_cast<modelpb::PresenceData::PresenceActivityData::ActivityType>(42));
  EXPECT_EQ(gw().UpdateStatus(Bot().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.mutable_activities(0)->set_type(modelpb::PresenceData::PresenceActivityData::DEFAULT);
  request.mutable_activities(0)->set_name(std::string(5000, 'x'));
  EXPECT_EQ(gw().UpdateStatus(Bot().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(ApiServiceTest, UpdateVoiceStateReachesDiscord) {
  Start({.wait_members = false});
  const GuildTruth* guild = nullptr;
  for (const GuildTruth& g : truth_) {
    if (!g.voice_channels.empty() && !g.voice.count(bot().value())) guild = &g;
  }
  ASSERT_NE(guild, nullptr);
  // The shard is ready at READY; its guilds arrive after it (Discord's lazy GUILD_CREATEs).
  ASSERT_TRUE(WaitUntil([&] {
    cachepb::GetGuildResponse cached;
    return cache().GetGuild(In(guild->id).get(), {}, &cached).ok() && cached.has_guild();
  }));
  uint64_t channel = guild->voice_channels[0];
  BotShard shard{bot(), ShardId(guild->shard)};
  auto logged = [&](std::string_view type) {
    size_t n = 0;
    for (const auto& event : engine_->Logged(shard)) n += event.type == type;
    return n;
  };
  size_t voice_before = logged("VOICE_STATE_UPDATE"), server_before = logged("VOICE_SERVER_UPDATE");

  gatewaypb::UpdateVoiceStateRequest request;
  request.set_guild_id(guild->id.value());
  request.set_channel_id(channel);
  request.set_self_deaf(true);
  gatewaypb::UpdateVoiceStateResponse response;
  ASSERT_GRPC_OK(gw().UpdateVoiceState(Bot().get(), request, &response));
  auto world_channel = [&] {
    return engine_->Sim([&] {
      const sim::VoiceState* state =
          engine_->sim().world().FindGuild(guild->id)->FindVoiceState(bot_user());
      return state ? state->channel.value() : 0;
    });
  };
  ASSERT_TRUE(WaitUntil([&] { return world_channel() == channel; }));
  EXPECT_TRUE(WaitUntil([&] {
    return logged("VOICE_STATE_UPDATE") > voice_before &&
           logged("VOICE_SERVER_UPDATE") > server_before;
  })) << "Discord answers a join with VOICE_STATE_UPDATE and VOICE_SERVER_UPDATE";
  cachepb::GetGuildMemberVoiceStateRequest state_request;
  state_request.set_user_id(bot().value());
  ASSERT_TRUE(WaitUntil([&] {
    cachepb::GetGuildMemberVoiceStateResponse state;
    return cache().GetGuildMemberVoiceState(In(guild->id).get(), state_request, &state).ok() &&
           state.has_voice_state_data() &&
           state.voice_state_data().channel_id().value() == channel &&
           state.voice_state_data().self_deaf();
  }));
  gatewaypb::GetStatsResponse stats;
  ASSERT_GRPC_OK(gw().GetStats(Bot().get(), {}, &stats));
  uint64_t connected = 0;
  for (const GuildTruth& g : truth_) connected += g.voice.count(bot().value());
  EXPECT_EQ(stats.connected_channels(), connected + 1);

  // channel_id 0: disconnect.
  request.set_channel_id(0);
  ASSERT_GRPC_OK(gw().UpdateVoiceState(Bot().get(), request, &response));
  ASSERT_TRUE(WaitUntil([&] { return world_channel() == 0; }));
  EXPECT_TRUE(WaitUntil([&] {
    cachepb::GetGuildMemberVoiceStateResponse state;
    return cache().GetGuildMemberVoiceState(In(guild->id).get(), state_request, &state).ok() &&
           !state.has_voice_state_data();
  }));

  // Bad requests.
  request.set_guild_id(0);
  EXPECT_EQ(gw().UpdateVoiceState(Bot().get(), request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_guild_id(guild->id.value());
  request.set_channel_id(12345);
  EXPECT_EQ(gw().UpdateVoiceState(Bot().get(), request, &response).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

// The second shard waits a minute for its identify slot: calls that need it are UNAVAILABLE.
TEST_F(ApiServiceTest, ShardNotReadyIsUnavailable) {
  EnvOptions options;
  options.engine_identify_interval = 60s;
  options.wait_ready = false;
  options.wait_members = false;
  Start(options);
  std::optional<uint32_t> ready_shard;
  ASSERT_TRUE(WaitUntil([&] {
    for (const auto& summary : engine_->host().Summaries()) {
      if (summary.stats.session.state == discord::SessionState::kReady) {
        ready_shard = summary.id.shard.value();
      }
    }
    return ready_shard.has_value();
  }));
  const GuildTruth *on_ready = nullptr, *on_waiting = nullptr;
  for (const GuildTruth& g : truth_) (g.shard == *ready_shard ? on_ready : on_waiting) = &g;
  ASSERT_TRUE(on_ready && on_waiting);

  cachepb::GetGuildResponse guild;
  ASSERT_TRUE(WaitUntil([&] { return cache().GetGuild(In(on_ready->id).get(), {}, &guild).ok(); }));
  EXPECT_TRUE(guild.has_guild());
  grpc::Status status = cache().GetGuild(In(on_waiting->id).get(), {}, &guild);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_NE(status.error_message().find("not ready"), std::string::npos) << status.error_message();
  gatewaypb::GetStatsResponse stats;
  EXPECT_EQ(gw().GetStats(Bot().get(), {}, &stats).error_code(), grpc::StatusCode::UNAVAILABLE);
  gatewaypb::UpdateStatusRequest update;
  gatewaypb::UpdateStatusResponse updated;
  EXPECT_EQ(gw().UpdateStatus(Bot().get(), update, &updated).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  update.mutable_shard_id()->set_value(*ready_shard);
  EXPECT_GRPC_OK(gw().UpdateStatus(Bot().get(), update, &updated));
}

TEST(GatewayCommandsTest, StatusAndVoiceJson) {
  gatewaypb::UpdateStatusRequest status;
  status.set_status(modelpb::PresenceData::INVISIBLE);
  status.mutable_since()->set_seconds(1700000000);
  status.set_afk(true);
  auto* activity = status.add_activities();
  activity->set_name("x");
  activity->set_type(modelpb::PresenceData::PresenceActivityData::DEFAULT);
  auto json = api::GatewayService::StatusCommand(status);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"since":1700000000000,"activities":[{"name":"x","type":0}],)"
                   R"("status":"invisible","afk":true})");
  status.Clear();
  json = api::GatewayService::StatusCommand(status);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json, R"({"since":null,"activities":[],"status":"online","afk":false})");

  gatewaypb::UpdateVoiceStateRequest voice;
  voice.set_guild_id(81384788765712384);
  voice.set_channel_id(0);
  voice.set_self_mute(true);
  EXPECT_EQ(api::GatewayService::VoiceStateCommand(voice),
            R"({"guild_id":"81384788765712384","channel_id":null,"self_mute":true,)"
            R"("self_deaf":false})");
}

}  // namespace
}  // namespace pylon::testing
