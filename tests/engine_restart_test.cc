// Copyright 2026 The Pylon Gateway Authors.
// Session checkpoints across a process restart: a host that stops keeping its sessions resumable
// leaves a checkpoint file per shard; a new host (new reactors, a new FileCheckpointStore on the
// same directory) RESUMEs from it instead of identifying again while Discord still holds the
// session, and logs what was sent meanwhile; when Discord no longer has the session (op 9), the
// shard identifies anew.

#include "engine_fixture.h"

namespace pylon::testing {
namespace {

using net::testing::WaitUntil;

class EngineRestartTest : public ::testing::Test {
 protected:
  void Start(Duration session_timeout) {
    EngineFixtureOptions options;
    options.sim = SmallSim();
    options.sim.generator.mix = sim::EventMix::Only(sim::EventKind::kMessageCreate);
    options.sim.gateway.session_timeout = session_timeout;
    options.sim.gateway.identify_interval = 1s;
    options.identify_interval = 1s;
    options.file_checkpoints = true;
    fixture_ = std::make_unique<EngineFixture>(options);
    spec_ = fixture_->FirstBot();
    shard_ = BotShard{spec_.bot, ShardId(0)};
    ASSERT_TRUE(fixture_->host().AddBot(spec_).ok());
    ASSERT_TRUE(fixture_->WaitReady(1));
  }

  void Pump(double rate) {
    fixture_->Sim([&] {
      sim::PumpSettings settings;
      settings.events_per_second = rate;
      fixture_->sim().pump().Configure(settings);
    });
  }

  gateway::ShardStats Stats() {
    auto summaries = fixture_->host().Summaries();
    return summaries.empty() ? gateway::ShardStats{} : summaries[0].stats;
  }

  // The simulator's session `id`: whether it still exists, whether a connection holds it, and
  // its sequence.
  struct SimSession {
    bool exists = false;
    bool connected = false;
    uint64_t seq = 0;
  };
  SimSession Session(const std::string& id) {
    return fixture_->Sim([&] {
      SimSession out;
      for (const auto& s : fixture_->sim().gateway().Sessions()) {
        if (s.id == id) out = {true, s.connected, s.seq};
      }
      return out;
    });
  }

  // The checkpoint on disk, read as a restarted process would.
  std::optional<discord::SessionCheckpoint> CheckpointOnDisk() {
    auto store = gateway::FileCheckpointStore::Open(fixture_->checkpoint_dir());
    EXPECT_TRUE(store.ok());
    return store.ok() ? (*store)->Load(shard_) : std::nullopt;
  }

  std::unique_ptr<EngineFixture> fixture_;
  gateway::BotSpec spec_;
  BotShard shard_;
};

TEST_F(EngineRestartTest, ARestartedHostResumesFromItsCheckpointAndLogsWhatItMissed) {
  Start(/*session_timeout=*/180s);
  Pump(300);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.sequence > 100; }));
  const std::string session_id = Stats().session.session_id;
  ASSERT_FALSE(session_id.empty());

  // The process stops with events flowing, keeping its session open at Discord.
  fixture_->StopHost(/*keep_resumable=*/true);
  auto checkpoint = CheckpointOnDisk();
  ASSERT_TRUE(checkpoint.has_value());
  ASSERT_TRUE(checkpoint->valid());
  EXPECT_EQ(checkpoint->session_id, session_id);
  EXPECT_GT(checkpoint->sequence, 100u);
  ASSERT_TRUE(WaitUntil([&] { return !Session(session_id).connected; }));
  ASSERT_TRUE(Session(session_id).exists) << "a resumable close must not end the session";
  // Discord keeps dispatching into the session while nobody is connected.
  ASSERT_TRUE(WaitUntil([&] { return Session(session_id).seq > checkpoint->sequence + 100; }));
  Pump(0);
  const uint64_t sent_while_down = Session(session_id).seq;

  // A new process: new reactors, a new checkpoint store on the same directory.
  fixture_->StartHost();
  ASSERT_TRUE(fixture_->host().AddBot(spec_).ok());
  ASSERT_TRUE(fixture_->WaitReady(1));
  Pump(300);  // and events keep coming after the resume
  ASSERT_TRUE(WaitUntil([&] { return Session(session_id).seq > sent_while_down + 50; }));
  Pump(0);
  ASSERT_TRUE(WaitUntil([&] {
    auto sim = Session(session_id);
    return sim.connected && Stats().session.sequence == sim.seq;
  })) << "the engine did not catch up with the simulator";

  // The simulator saw one IDENTIFY (the first process's) and one RESUME of that session.
  auto [identifies, resumes] = fixture_->Sim([&] {
    return std::make_pair(fixture_->sim().gateway().identifies(),
                          fixture_->sim().gateway().resumes());
  });
  EXPECT_EQ(identifies.size(), 1u) << "the restarted process identified again";
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].outcome, "resumed");
  EXPECT_EQ(resumes[0].session_id, session_id);
  EXPECT_EQ(resumes[0].from_sequence, checkpoint->sequence);
  EXPECT_EQ(resumes[0].replayed, sent_while_down - checkpoint->sequence);
  EXPECT_TRUE(resumes[0].via_resume_url);

  // The new shard is ready on the same session, having resumed rather than identified.
  auto stats = Stats();
  EXPECT_EQ(stats.session.state, discord::SessionState::kReady);
  EXPECT_EQ(stats.session.session_id, session_id);
  EXPECT_EQ(stats.session.identifies, 0u);
  EXPECT_EQ(stats.session.resumes, 1u);
  EXPECT_EQ(stats.events_overwritten, 0u);

  // Its log: every event after the checkpoint, in order, with no gap and no repeat -- the ones
  // sent while it was down (replayed), RESUMED, then the live ones.
  auto events = fixture_->Logged(shard_);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().discord_sequence, checkpoint->sequence + 1);
  uint64_t expected = checkpoint->sequence + 1;
  size_t resumed = 0;
  for (const auto& e : events) {
    ASSERT_NE(e.type, "READY");
    ASSERT_EQ(e.discord_sequence, expected)
        << "gap or repeat at log position " << e.position << " (" << e.type << ")";
    if (e.type == "RESUMED") {
      ++resumed;
      EXPECT_EQ(e.discord_sequence, sent_while_down + 1) << "RESUMED before the replay ended";
    }
    ++expected;
  }
  EXPECT_EQ(resumed, 1u);
  EXPECT_EQ(events.back().discord_sequence, Session(session_id).seq);
}

TEST_F(EngineRestartTest, ACheckpointOfASessionDiscordNoLongerHasIdentifiesAnew) {
  Start(/*session_timeout=*/1s);  // a session without a connection ends after 1 s
  Pump(300);
  ASSERT_TRUE(WaitUntil([&] { return Stats().session.sequence > 50; }));
  Pump(0);
  const std::string old_session = Stats().session.session_id;
  fixture_->StopHost(/*keep_resumable=*/true);
  auto checkpoint = CheckpointOnDisk();
  ASSERT_TRUE(checkpoint.has_value());
  EXPECT_EQ(checkpoint->session_id, old_session);
  // Discord times the session out while the process is down.
  ASSERT_TRUE(WaitUntil([&] { return !Session(old_session).exists; }));

  fixture_->StartHost();
  ASSERT_TRUE(fixture_->host().AddBot(spec_).ok());
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto s = Stats().session;
        return s.state == discord::SessionState::kReady && s.identifies == 1;
      },
      30s));

  auto [identifies, resumes] = fixture_->Sim([&] {
    return std::make_pair(fixture_->sim().gateway().identifies(),
                          fixture_->sim().gateway().resumes());
  });
  // The resume was refused with op 9 (not resumable); then one new IDENTIFY, accepted.
  ASSERT_EQ(resumes.size(), 1u);
  EXPECT_EQ(resumes[0].session_id, old_session);
  EXPECT_EQ(resumes[0].outcome.rfind("invalid_session", 0), 0u) << resumes[0].outcome;
  ASSERT_EQ(identifies.size(), 2u);
  EXPECT_EQ(identifies[1].outcome, "ready");
  const std::string new_session = identifies[1].session_id;
  EXPECT_NE(new_session, old_session);

  auto stats = Stats();
  EXPECT_EQ(stats.session.session_id, new_session);
  EXPECT_EQ(stats.session.invalid_sessions, 1u);
  EXPECT_EQ(stats.session.resumes, 0u);
  // A new session: its log starts with READY at sequence 1, nothing of the old one.
  auto events = fixture_->Logged(shard_);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.front().type, "READY");
  EXPECT_EQ(events.front().discord_sequence, 1u);
  // And the checkpoint on disk is the new session's.
  ASSERT_TRUE(WaitUntil([&] {
    auto on_disk = CheckpointOnDisk();
    return on_disk && on_disk->session_id == new_session;
  }));
}

}  // namespace
}  // namespace pylon::testing
