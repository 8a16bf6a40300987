// Copyright 2026 The Pylon Gateway Authors.
// Identify timing (issue 4): 16 shards with max_concurrency 4 identify in exactly 4 waves 5 s
// apart, as the simulator records. Both sides use Discord's real 5 s interval: the simulator
// rejects (op 9) an identify closer than 5 s to the previous one of its bucket, and the engine's
// scheduler must never make it.

#include <algorithm>
#include <cstdio>
#include <set>
#include <vector>

#include "engine_fixture.h"

namespace pylon::testing {
namespace {

constexpr uint32_t kShards = 16;
constexpr uint32_t kConcurrency = 4;

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

TEST(EngineIdentifyTest, SixteenShardsWithConcurrencyFourIdentifyInFourWavesFiveSecondsApart) {
  EngineFixtureOptions options;
  options.sim = SmallSim(/*guilds=*/16, /*members=*/800);
  // Shards are created one after another and each requests its permit as it starts; a small log
  // (the fixture's default preallocates 2^20 slots per shard) keeps all 16 requests within a few
  // milliseconds, so the waves measure the scheduler, not the shard constructor.
  options.event_log_capacity = 4096;
  // Discord's own heartbeat interval scale: a 500 ms one makes a loaded ASan run miss heartbeats,
  // and a session resumed mid-test says nothing about identify timing.
  options.sim.gateway.heartbeat_interval = 5s;
  ASSERT_EQ(options.sim.gateway.identify_interval, 5s);
  ASSERT_EQ(options.identify_interval, 5s);
  EngineFixture fixture(options);
  gateway::BotSpec spec = fixture.FirstBot(kShards);
  fixture.Sim([&] {
    sim::BotGatewaySettings settings;
    settings.max_concurrency = kConcurrency;
    fixture.sim().gateway().SetBotSettings(spec.bot, settings);
  });
  ASSERT_TRUE(fixture.host().AddBot(spec).ok());
  ASSERT_TRUE(fixture.WaitReady(kShards, 60s));

  auto records = fixture.Sim([&] { return fixture.sim().gateway().identifies(); });
  // 16 identifies, every one of them accepted: none was early (op 9) or over the budget.
  ASSERT_EQ(records.size(), kShards);
  for (const auto& r : records) {
    EXPECT_EQ(r.outcome, "ready") << "shard " << r.shard;
    EXPECT_EQ(r.bot, spec.bot);
    EXPECT_EQ(r.shard_count, kShards);
    EXPECT_EQ(r.bucket, r.shard % kConcurrency);
  }
  std::stable_sort(records.begin(), records.end(),
                   [](const auto& a, const auto& b) { return a.at < b.at; });
  const MonoTime start = records.front().at;
  std::string timeline;
  for (const auto& r : records) {
    timeline += "  shard " + std::to_string(r.shard) + " at +" +
                std::to_string(Seconds(r.at - start)) + " s\n";
  }
  SCOPED_TRACE("identifies as the simulator received them:\n" + timeline);

  // Four waves of four: wave w is shards 4w..4w+3, one per bucket.
  constexpr uint32_t kWaves = kShards / kConcurrency;
  std::vector<MonoTime> wave_start(kWaves);
  for (uint32_t w = 0; w < kWaves; ++w) {
    std::set<uint32_t> shards, buckets;
    MonoTime first = records[w * kConcurrency].at;
    MonoTime last = records[w * kConcurrency + kConcurrency - 1].at;
    for (uint32_t i = 0; i < kConcurrency; ++i) {
      const auto& r = records[w * kConcurrency + i];
      shards.insert(r.shard);
      buckets.insert(r.shard % kConcurrency);
    }
    std::set<uint32_t> expected;
    for (uint32_t s = w * kConcurrency; s < (w + 1) * kConcurrency; ++s) expected.insert(s);
    EXPECT_EQ(shards, expected) << "wave " << w;
    EXPECT_EQ(buckets.size(), kConcurrency) << "wave " << w << ": a bucket identified twice";
    // A wave is one burst (the buckets are granted together), not spread over the interval.
    // The bound leaves room for a loaded 2-core machine under ASan (a connect can take a second
    // there) while still telling the waves apart.
    EXPECT_LT(last - first, 2500ms) << "wave " << w;
    wave_start[w] = first;
  }
  // Consecutive waves 5 s apart. The lower bound is Discord's rule and is exact. The upper bound:
  // the engine waits 5 s + its 100 ms margin from the moment the previous identify of the bucket
  // went out, then connects on loopback (a few ms; up to about a second under ASan on a busy
  // 2-core machine). 6.5 s allows for that; a scheduler that measured from READY or from the end
  // of a whole wave, or added a wave's worth of delay (10 s), would exceed it.
  std::string gaps;
  for (uint32_t w = 1; w < kWaves; ++w) {
    gaps += " " + std::to_string(Seconds(wave_start[w] - wave_start[w - 1]));
  }
  std::printf("identify waves start%s s apart\n", gaps.c_str());
  for (uint32_t w = 1; w < kWaves; ++w) {
    double gap = Seconds(wave_start[w] - wave_start[w - 1]);
    EXPECT_GE(gap, 5.0) << "waves " << w - 1 << " and " << w;
    EXPECT_LT(gap, 6.5) << "waves " << w - 1 << " and " << w;
  }
  // And the same per bucket, which is what Discord enforces.
  for (uint32_t bucket = 0; bucket < kConcurrency; ++bucket) {
    std::vector<MonoTime> times;
    for (const auto& r : records) {
      if (r.shard % kConcurrency == bucket) times.push_back(r.at);
    }
    ASSERT_EQ(times.size(), kWaves);
    for (size_t i = 1; i < times.size(); ++i) {
      EXPECT_GE(Seconds(times[i] - times[i - 1]), 5.0) << "bucket " << bucket;
      EXPECT_LT(Seconds(times[i] - times[i - 1]), 6.5) << "bucket " << bucket;
    }
  }
  // The engine agrees: one identify per shard, no invalid session.
  for (const auto& summary : fixture.host().Summaries()) {
    EXPECT_EQ(summary.stats.session.identifies, 1u) << summary.id.shard.value();
    EXPECT_EQ(summary.stats.session.invalid_sessions, 0u) << summary.id.shard.value();
  }
}

}  // namespace
}  // namespace pylon::testing
