// Copyright 2026 The Pylon Gateway Authors.
// The gateway engine against every fault and close code the simulator can inject: the shard must
// recover the way Discord requires (resume, identify anew, or stop and say why), and the events
// it logs must have no gap and no repeat in Discord's sequence numbers. Over TLS (wss) with
// zlib-stream, as against Discord.

#include <optional>
#include <set>
#include <thread>
#include <vector>

#include "engine_fixture.h"

namespace pylon::testing {
namespace {

using net::testing::WaitUntil;

// A small world whose sessions identify 1 s apart (the simulator's limit and the engine's), for
// tests of the host itself.
EngineFixtureOptions QuickIdentifyOptions() {
  EngineFixtureOptions options;
  options.sim = SmallSim();
  options.sim.gateway.identify_interval = 1s;
  options.identify_interval = 1s;
  return options;
}

class EngineFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EngineFixtureOptions options;
    options.sim = SmallSim();
    options.sim.generator.mix = sim::EventMix::Only(sim::EventKind::kMessageCreate);
    options.sim.gateway.identify_interval = 1s;
    options.tls = true;
    options.identify_interval = 1s;  // the simulator's too: re-identifies need not wait 5 s
    fixture_ = std::make_unique<EngineFixture>(options);
    spec_ = fixture_->FirstBot();
    ASSERT_TRUE(fixture_->host().AddBot(spec_).ok());
    ASSERT_TRUE(fixture_->WaitReady(1));
    shard_ = BotShard{spec_.bot, ShardId(0)};
  }

  void Pump(double rate) {
    fixture_->Sim([&] {
      sim::PumpSettings settings;
      settings.events_per_second = rate;
      fixture_->sim().pump().Configure(settings);
    });
  }

  int Inject(sim::GatewayFault fault) {
    return fixture_->Sim([&] { return fixture_->sim().gateway().InjectFault({}, fault); });
  }

  gateway::ShardStats Stats() {
    auto summaries = fixture_->host().Summaries(gateway::CacheUsage::kOmit);
    return summaries.empty() ? gateway::ShardStats{} : summaries[0].stats;
  }

  // The simulator's current session for the shard and its sequence.
  std::pair<std::string, uint64_t> SimSession() {
    return fixture_->Sim([&] {
      std::pair<std::string, uint64_t> latest;
      for (const auto& s : fixture_->sim().gateway().Sessions()) {
        if (s.connected) latest = {s.id, s.seq};
      }
      return latest;
    });
  }

  // Stops the events, waits until the engine has logged everything the simulator sent in the
  // current session, and checks the whole log: each session (from its READY) counts 1, 2, 3...
  // with no gap and no repeat.
  void ExpectCaughtUpAndContiguous(size_t expected_sessions) {
    Pump(0);
    ASSERT_TRUE(WaitUntil([&] {
      auto [id, seq] = SimSession();
      auto stats = Stats();
      return !id.empty() && stats.session.session_id == id && stats.session.sequence == seq;
    })) << "the engine did not catch up with the simulator";
    auto events = fixture_->Logged(shard_);
    ASSERT_FALSE(events.empty());
    size_t sessions = 0;
    uint64_t expected = 0;
    for (const auto& e : events) {
      if (e.type == "READY") {
        ++sessions;
        EXPECT_EQ(e.discord_sequence, 1u);
        expected = 2;
        continue;
      }
      ASSERT_EQ(e.discord_sequence, expected)
          << "gap or repeat at log position " << e.position << " (" << e.type << ")";
      ++expected;
    }
    EXPECT_EQ(sessions, expected_sessions);
    EXPECT_EQ(Stats().events_overwritten, 0u);
  }

  std::unique_ptr<EngineFixture> fixture_;
  gateway::BotSpec spec_;
  BotShard shard_;
};

TEST_F(EngineFaultTest, ReconnectRequestResumes) {
  Pump(300);
  std::this_thread::sleep_for(300ms);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kReconnect;
  ASSERT_EQ(Inject(fault), 1);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.resumes == 1; }));
  std::this_thread::sleep_for(300ms);
  ExpectCaughtUpAndContiguous(1);
  EXPECT_EQ(Stats().session.reconnect_requests, 1u);
  EXPECT_EQ(Stats().session.identifies, 1u);
}

TEST_F(EngineFaultTest, InvalidSessionResumableResumes) {
  Pump(300);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kInvalidSession;
  fault.resumable = true;
  Inject(fault);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.resumes == 1; }));
  ExpectCaughtUpAndContiguous(1);
}

TEST_F(EngineFaultTest, InvalidSessionIdentifiesAnew) {
  Pump(300);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kInvalidSession;
  fault.resumable = false;
  Inject(fault);
  ASSERT_TRUE(WaitUntil(
      [&] {
        return Stats().session.identifies == 2 &&
               Stats().session.state == discord::SessionState::kReady;
      },
      30s));
  ExpectCaughtUpAndContiguous(2);
}

TEST_F(EngineFaultTest, ZombieConnectionIsClosedAndResumed) {
  Pump(100);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kStopAcks;
  Inject(fault);
  ASSERT_TRUE(
      WaitUntil([&] { return Stats().session.zombies >= 1 && Stats().session.resumes >= 1; }, 20s));
  ExpectCaughtUpAndContiguous(1);
}

TEST_F(EngineFaultTest, DroppedConnectionResumes) {
  Pump(300);
  std::this_thread::sleep_for(200ms);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kDrop;
  Inject(fault);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.resumes == 1; }, 30s));
  ExpectCaughtUpAndContiguous(1);
}

TEST_F(EngineFaultTest, MalformedFrameIsCountedAndSkipped) {
  Pump(300);
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kMalformed;
  Inject(fault);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.malformed_frames == 1; }));
  ExpectCaughtUpAndContiguous(1);
  EXPECT_EQ(Stats().session.resumes, 0u);  // the connection carried on
}

TEST_F(EngineFaultTest, ResumableCloseCodesResume) {
  for (uint16_t code : {4000, 4001, 4002, 4008}) {
    sim::GatewayFault fault;
    fault.kind = sim::GatewayFault::Kind::kClose;
    fault.code = code;
    uint64_t before = Stats().session.resumes;
    Inject(fault);
    ASSERT_TRUE(WaitUntil([&] { return Stats().session.resumes == before + 1; }, 30s)) << code;
  }
  ExpectCaughtUpAndContiguous(1);
}

TEST_F(EngineFaultTest, SessionEndingCloseCodesIdentifyAnew) {
  uint64_t identifies = 1;
  for (uint16_t code : {4003, 4007, 4009}) {
    sim::GatewayFault fault;
    fault.kind = sim::GatewayFault::Kind::kClose;
    fault.code = code;
    Inject(fault);
    ++identifies;
    ASSERT_TRUE(WaitUntil(
        [&] {
          auto s = Stats().session;
          return s.identifies == identifies && s.state == discord::SessionState::kReady;
        },
        30s))
        << code;
  }
  ExpectCaughtUpAndContiguous(4);
}

TEST_F(EngineFaultTest, FatalCloseCodesStopTheShardWithTheReason) {
  sim::GatewayFault fault;
  fault.kind = sim::GatewayFault::Kind::kClose;
  fault.code = 4004;
  Inject(fault);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.state == discord::SessionState::kFailed; }));
  EXPECT_NE(Stats().session.last_error.find("4004"), std::string::npos)
      << Stats().session.last_error;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(Stats().session.state, discord::SessionState::kFailed);  // it stays stopped
  EXPECT_EQ(Stats().session.identifies, 1u);
}

// Cache usage is measured (a walk over every cached object on the shard's reactor) only when
// asked: polling loops ask for the session's state without it, status pages and metrics with it.
TEST_F(EngineFaultTest, StatsMeasureTheCacheOnlyWhenAsked) {
  // The guilds' GUILD_CREATEs arrive after READY; no events are pumped, so the cache then stays.
  uint64_t last_members = 0;
  ASSERT_TRUE(WaitUntil([&] {
    auto stats = Stats();
    bool settled = stats.guilds == 6 && stats.cache_counts.members == last_members;
    last_members = stats.cache_counts.members;
    if (!settled) std::this_thread::sleep_for(200ms);
    return settled;
  }));
  auto measured = fixture_->host().Summaries(gateway::CacheUsage::kMeasure);
  auto omitted = fixture_->host().Summaries(gateway::CacheUsage::kOmit);
  ASSERT_EQ(measured.size(), 1u);
  ASSERT_EQ(omitted.size(), 1u);
  const auto members = static_cast<int>(cache::Kind::kMembers);
  ASSERT_GT(measured[0].stats.cache_counts.members, 0u);
  EXPECT_EQ(measured[0].stats.cache_usage[members].objects, measured[0].stats.cache_counts.members);
  EXPECT_GT(measured[0].stats.cache_usage[members].bytes, 0u);
  // Everything else is there without the walk.
  EXPECT_EQ(omitted[0].stats.cache_counts.members, measured[0].stats.cache_counts.members);
  EXPECT_EQ(omitted[0].stats.session.state, discord::SessionState::kReady);
  for (const auto& usage : omitted[0].stats.cache_usage) {
    EXPECT_EQ(usage.objects, 0u);
    EXPECT_EQ(usage.bytes, 0u);
  }
  EXPECT_EQ(fixture_->host().RunningShards(), 1u);
}

// The log's byte bound reaches each shard from the host's options: past it the oldest events go,
// counted, while the shard keeps logging.
TEST(ShardLogBoundTest, TheByteBoundDropsTheOldestEventsAndCountsThem) {
  constexpr uint64_t kBound = 64 << 10;
  EngineFixtureOptions options;
  options.sim = SmallSim();
  options.sim.generator.mix = sim::EventMix::Only(sim::EventKind::kMessageCreate);
  options.event_log_max_bytes = kBound;
  EngineFixture fixture(options);
  gateway::BotSpec spec = fixture.FirstBot();
  ASSERT_TRUE(fixture.host().AddBot(spec).ok());
  ASSERT_TRUE(fixture.WaitReady(1));
  auto pump = [&](double rate) {
    fixture.Sim([&] {
      sim::PumpSettings settings;
      settings.events_per_second = rate;
      fixture.sim().pump().Configure(settings);
    });
  };
  auto stats = [&] { return fixture.host().Summaries(gateway::CacheUsage::kOmit)[0].stats; };
  pump(2000);
  ASSERT_TRUE(WaitUntil([&] { return stats().events_overwritten >= 200; }))
      << "logged " << stats().events_logged << ", " << stats().event_log_bytes << " bytes";
  pump(0);
  uint64_t logged = 0;
  ASSERT_TRUE(WaitUntil([&] {  // the events already sent are logged
    uint64_t now = stats().events_logged;
    bool settled = now == logged;
    logged = now;
    if (!settled) std::this_thread::sleep_for(200ms);
    return settled;
  }));
  gateway::ShardStats after = stats();
  EXPECT_LE(after.event_log_bytes, kBound);
  EXPECT_GT(after.event_log_bytes, kBound / 2);
  // Every logged event is either still held or counted as dropped, oldest first.
  auto held = fixture.Logged(BotShard{spec.bot, ShardId(0)});
  ASSERT_FALSE(held.empty());
  EXPECT_EQ(held.front().position, after.events_overwritten + 1);
  EXPECT_EQ(held.back().position, after.events_logged);
  uint64_t bytes = 0;
  for (const auto& event : held) bytes += event.body->size();
  EXPECT_EQ(bytes, after.event_log_bytes);
}

// Two AddBots of one bot at once (two control calls racing): one starts it, the other is refused;
// the bot runs once, and removing it leaves nothing running.
TEST(ShardHostAddBotTest, ConcurrentAddsOfOneBotStartItOnce) {
  EngineFixture fixture(QuickIdentifyOptions());
  gateway::BotSpec spec = fixture.FirstBot(/*shard_count=*/2);
  // A start that fails (Discord refuses the token) gives its reservation back.
  gateway::BotSpec wrong = spec;
  wrong.token = Secret("Bot.not.a-token");
  Status refused_token = fixture.host().AddBot(wrong);
  ASSERT_FALSE(refused_token.ok());
  EXPECT_EQ(refused_token.error().code(), ErrorCode::kUnauthenticated);

  Status results[2];
  std::thread racers[2];
  for (int i = 0; i < 2; ++i) {
    racers[i] = std::thread([&, i] { results[i] = fixture.host().AddBot(spec); });
  }
  for (auto& racer : racers) racer.join();
  EXPECT_NE(results[0].ok(), results[1].ok());
  const Status& refused = results[0].ok() ? results[1] : results[0];
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kAlreadyExists) << refused.error().ToString();
  ASSERT_TRUE(fixture.WaitReady(2));
  EXPECT_EQ(fixture.host().RunningShards(), 2u);
  EXPECT_EQ(fixture.ConnectedSessions(), 2u);

  // Refused for good: the reservation went with the winner, and a later add is refused as well.
  Status again = fixture.host().AddBot(spec);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
  ASSERT_TRUE(fixture.host().RemoveBot(spec.bot, /*keep_resumable=*/false).ok());
  EXPECT_TRUE(WaitUntil([&] { return fixture.ConnectedSessions() == 0; }));
  // And added again once removed.
  EXPECT_TRUE(fixture.host().AddBot(spec).ok());
  EXPECT_TRUE(fixture.WaitReady(2));
}

// A host shutting down while a bot is being added: a shard's reactor refuses the call after an
// earlier shard of the same bot was created and started on another reactor. AddBot must stop
// (and free) what it started, not leave a running shard whose identify scheduler it destroyed.
TEST(ShardHostShutdownTest, AddBotMeetingAStoppedReactorStopsTheShardsItStarted) {
  EngineFixture fixture(QuickIdentifyOptions());
  gateway::BotSpec spec = fixture.FirstBot(/*shard_count=*/16);
  ReactorPool& pool = fixture.pool();
  // A shard on the home reactor, then one on the reactor about to stop.
  auto reactor_of = [&](uint32_t shard) {
    return &pool.ForKey(std::hash<BotShard>()(BotShard{spec.bot, ShardId(shard)}));
  };
  std::optional<uint32_t> on_home, on_other;
  for (uint32_t shard = 0; shard < 16; ++shard) {
    if (!on_home && reactor_of(shard) == &pool.at(0)) on_home = shard;
    if (!on_other && reactor_of(shard) == &pool.at(1)) on_other = shard;
  }
  ASSERT_TRUE(on_home && on_other) << "16 shards all hash to one of two reactors";
  pool.at(1).Stop();

  Status added = fixture.host().AddBot(spec, std::vector<uint32_t>{*on_home, *on_other});
  ASSERT_FALSE(added.ok());
  EXPECT_EQ(added.error().code(), ErrorCode::kUnavailable) << added.error().ToString();
  EXPECT_TRUE(fixture.host().Summaries().empty());
  // The shard started on the home reactor was stopped: it never holds a session (it would have
  // identified within the 1 s identify interval).
  std::this_thread::sleep_for(3s);
  EXPECT_EQ(fixture.ConnectedSessions(), 0u);
}

}  // namespace
}  // namespace pylon::testing
