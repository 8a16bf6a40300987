// Copyright 2026 The Pylon Gateway Authors.
// MemberChunker: what each policy sends, deduplication, priorities, Discord's one all-members
// request per guild per 30 s, nonces, timeouts and Reset. Time is a ManualClock; the chunker
// checks deadlines whenever it is driven (here: OnSessionReady, which is idempotent), and one
// test lets its own timer do it on the real clock.

#include "gateway/member_chunker.h"

#include <future>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace pylon::gateway {
namespace {

using namespace std::chrono_literals;

constexpr GuildId kGuild1(81384788765712384);
constexpr GuildId kGuild2(81384788765712385);
constexpr GuildId kGuild3(81384788765712386);
constexpr GuildId kGuild4(81384788765712387);
constexpr UserId kUser1(80351110224678912);
constexpr UserId kUser2(80351110224678913);
constexpr UserId kUser3(80351110224678914);

struct Sent {
  int op = 0;
  std::string d;

  std::string nonce() const {
    constexpr std::string_view kKey = "\"nonce\":\"";
    size_t at = d.find(kKey);
    if (at == std::string::npos) return "";
    at += kKey.size();
    size_t end = d.find('"', at);
    return end == std::string::npos ? "" : d.substr(at, end - at);
  }
  bool all() const { return d.find("\"query\":\"\"") != std::string::npos; }
  bool Asks(GuildId guild) const {
    return d.find("\"guild_id\":\"" + guild.ToString() + "\"") != std::string::npos;
  }
  bool Mentions(UserId user) const { return d.find(user.ToString()) != std::string::npos; }
};

ChunkerOptions Options(ChunkingPolicy policy, bool members_intent = true) {
  ChunkerOptions options;
  options.policy = policy;
  options.has_members_intent = members_intent;
  return options;
}

class MemberChunkerTest : public ::testing::Test {
 protected:
  // Runs `fn` on the chunker's reactor and returns its result.
  template <typename Fn>
  auto On(Fn fn) {
    return *CallBlocking(reactor_, std::move(fn));
  }

  MemberChunkerTest() { reactor_.Start(); }
  ~MemberChunkerTest() override {
    On([&] { chunker_.reset(); });
    reactor_.Stop();
  }

  void Make(ChunkerOptions options, const Clock* clock = nullptr) {
    const Clock& c = clock != nullptr ? *clock : clock_;
    On([&] {
      chunker_ =
          std::make_unique<MemberChunker>(reactor_, c, options, [this](int op, std::string d) {
            if (!accept_) return false;
            sent_.push_back({op, std::move(d)});
            return true;
          });
    });
  }

  std::vector<Sent> sent() {
    return On([&] { return sent_; });
  }
  std::vector<int> results() {
    return On([&] { return results_; });
  }
  ChunkerProgress progress() {
    return On([&] { return chunker_->progress(); });
  }

  void Ready() {
    On([&] { chunker_->OnSessionReady(); });
  }
  bool RequestAll(GuildId guild) {
    return On([&] { return chunker_->RequestAllMembers(guild); });
  }
  // Asks for `users`; the answer is recorded in results()[index] (-1 until it comes).
  bool Lookup(GuildId guild, std::vector<UserId> users, size_t* index = nullptr) {
    return On([&] {
      size_t i = results_.size();
      results_.push_back(-1);
      if (index != nullptr) *index = i;
      return chunker_->RequestMembers(guild, users,
                                      [this, i](bool answered) { results_[i] = answered ? 1 : 0; });
    });
  }
  void Available(GuildId guild, uint32_t member_count, size_t received) {
    On([&] { chunker_->OnGuildAvailable(guild, member_count, received); });
  }
  void Chunk(GuildId guild, std::string nonce, uint32_t index = 0, uint32_t count = 1) {
    On([&] {
      discord::MembersChunkEvent chunk;
      chunk.guild = guild;
      chunk.nonce = std::move(nonce);
      chunk.chunk_index = index;
      chunk.chunk_count = count;
      chunk.members.resize(2);
      chunker_->OnChunk(chunk);
    });
  }

  Reactor reactor_{0, "chunker"};
  ManualClock clock_;
  std::unique_ptr<MemberChunker> chunker_;
  bool accept_ = true;        // reactor
  std::vector<Sent> sent_;    // reactor
  std::vector<int> results_;  // reactor; -1 pending, 0 failed, 1 answered
};

TEST_F(MemberChunkerTest, PolicyNoneNeverAsks) {
  Make(Options(ChunkingPolicy::kNone));
  Ready();
  EXPECT_FALSE(RequestAll(kGuild1));
  EXPECT_FALSE(Lookup(kGuild1, {kUser1}));
  Available(kGuild2, 100, 10);
  Ready();
  EXPECT_TRUE(sent().empty());
  EXPECT_EQ(progress().guilds_pending, 0u);
}

TEST_F(MemberChunkerTest, OnDemandAsksOnlyWhenToldAndNeedsTheMembersIntentForAll) {
  Make(Options(ChunkingPolicy::kOnDemand));
  Ready();
  Available(kGuild2, 100, 10);  // incomplete, but on_demand does not chunk by itself
  EXPECT_TRUE(sent().empty());
  ASSERT_TRUE(RequestAll(kGuild1));
  ASSERT_TRUE(Lookup(kGuild3, {kUser1}));
  auto s = sent();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_EQ(s[0].op, 8);
  EXPECT_TRUE(s[0].all());
  EXPECT_TRUE(s[0].Asks(kGuild1));
  EXPECT_NE(s[0].d.find("\"limit\":0"), std::string::npos) << s[0].d;
  EXPECT_NE(s[0].d.find("\"presences\":false"), std::string::npos) << s[0].d;
  EXPECT_FALSE(s[0].nonce().empty());
  EXPECT_EQ(s[1].op, 8);
  EXPECT_FALSE(s[1].all());
  EXPECT_TRUE(s[1].Asks(kGuild3));
  EXPECT_NE(s[1].d.find("\"user_ids\":[\"" + kUser1.ToString() + "\"]"), std::string::npos)
      << s[1].d;
  EXPECT_NE(s[0].nonce(), s[1].nonce());

  // Without GUILD_MEMBERS Discord refuses all-member requests; specific members still work.
  On([&] { chunker_.reset(); });
  Make(Options(ChunkingPolicy::kOnDemand, /*members_intent=*/false));
  Ready();
  EXPECT_FALSE(RequestAll(kGuild1));
  EXPECT_TRUE(Lookup(kGuild1, {kUser2}));
}

TEST_F(MemberChunkerTest, OnMissLooksUpMembersWithPresencesWhenAllowedButDoesNotChunkGuilds) {
  auto options = Options(ChunkingPolicy::kOnMiss);
  options.has_presences_intent = true;
  Make(options);
  Ready();
  Available(kGuild1, 100, 10);
  EXPECT_TRUE(sent().empty());
  ASSERT_TRUE(Lookup(kGuild1, {kUser1, kUser2}));
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(s[0].Mentions(kUser1));
  EXPECT_TRUE(s[0].Mentions(kUser2));
  EXPECT_NE(s[0].d.find("\"presences\":true"), std::string::npos) << s[0].d;
}

TEST_F(MemberChunkerTest, AllOnConnectChunksIncompleteGuildsAfterReadyAFewAtATime) {
  Make(Options(ChunkingPolicy::kAllOnConnect));
  Available(kGuild1, 100, 100);  // every member arrived with GUILD_CREATE
  Available(kGuild2, 100, 10);
  Available(kGuild3, 100, 10);
  Available(kGuild4, 100, 10);
  Available(kGuild4, 100, 10);  // twice: queued once
  EXPECT_TRUE(sent().empty());  // not before the session is ready
  EXPECT_EQ(progress().guilds_complete, 1u);
  EXPECT_EQ(progress().guilds_pending, 3u);
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 2u);  // max_background_in_flight
  EXPECT_TRUE(s[0].all() && s[0].Asks(kGuild2));
  EXPECT_TRUE(s[1].all() && s[1].Asks(kGuild3));
  EXPECT_EQ(progress().guilds_in_flight, 2u);
  Chunk(kGuild2, s[0].nonce());
  s = sent();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[2].all() && s[2].Asks(kGuild4));
  Chunk(kGuild3, s[1].nonce());
  Chunk(kGuild4, s[2].nonce());
  auto p = progress();
  EXPECT_EQ(p.guilds_complete, 4u);
  EXPECT_EQ(p.guilds_pending, 0u);
  EXPECT_EQ(p.guilds_in_flight, 0u);
  EXPECT_EQ(p.requests_sent, 3u);
}

TEST_F(MemberChunkerTest, AllOnConnectWithoutTheMembersIntentDoesNothing) {
  Make(Options(ChunkingPolicy::kAllOnConnect, /*members_intent=*/false));
  Available(kGuild2, 100, 10);
  Ready();
  EXPECT_TRUE(sent().empty());
  EXPECT_EQ(progress().guilds_pending, 0u);
}

TEST_F(MemberChunkerTest, GoneGuildsLeaveTheBackground) {
  auto options = Options(ChunkingPolicy::kAllOnConnect);
  options.max_background_in_flight = 1;
  Make(options);
  Available(kGuild2, 100, 10);
  Available(kGuild3, 100, 10);
  On([&] { chunker_->OnGuildGone(kGuild3); });
  EXPECT_EQ(progress().guilds_pending, 1u);
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  Chunk(kGuild2, s[0].nonce());
  EXPECT_EQ(sent().size(), 1u);  // guild 3 was not asked for
}

TEST_F(MemberChunkerTest, SpecificMembersGoBeforeTheBackground) {
  auto options = Options(ChunkingPolicy::kAllOnConnect);
  options.max_background_in_flight = 1;
  Make(options);
  Available(kGuild2, 100, 10);
  Available(kGuild3, 100, 10);
  ASSERT_TRUE(Lookup(kGuild4, {kUser1}));  // queued after the guilds, sent before them
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_FALSE(s[0].all());
  EXPECT_TRUE(s[0].Asks(kGuild4));
  EXPECT_TRUE(s[1].all() && s[1].Asks(kGuild2));
  // With the background at its limit, a lookup still goes at once.
  ASSERT_TRUE(Lookup(kGuild3, {kUser2}));
  s = sent();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_FALSE(s[2].all());
  // An explicit all-members request goes ahead of the background guilds.
  ASSERT_TRUE(RequestAll(kGuild1));
  Chunk(kGuild2, s[1].nonce());
  s = sent();
  ASSERT_EQ(s.size(), 4u);
  EXPECT_TRUE(s[3].all() && s[3].Asks(kGuild1));
}

TEST_F(MemberChunkerTest, ConcurrentLookupsOfAMemberShareOneRequest) {
  Make(Options(ChunkingPolicy::kOnMiss));
  Ready();
  size_t a = 0, b = 0, c = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1, kUser2}, &a));
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &b));  // in flight: joins it
  ASSERT_TRUE(Lookup(kGuild1, {kUser3}, &c));  // a new member: a new request
  auto s = sent();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[1].Mentions(kUser3));
  EXPECT_FALSE(s[1].Mentions(kUser1));
  EXPECT_EQ(progress().lookups_deduplicated, 1u);
  Chunk(kGuild1, s[0].nonce());
  auto r = results();
  EXPECT_EQ(r[a], 1);
  EXPECT_EQ(r[b], 1);
  EXPECT_EQ(r[c], -1);
  // The member is no longer being fetched: a new miss asks again.
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}));
  EXPECT_EQ(sent().size(), 3u);
}

TEST_F(MemberChunkerTest, LookupsQueuedBeforeReadyAskForEachMemberOnce) {
  Make(Options(ChunkingPolicy::kOnMiss));
  size_t a = 0, b = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &a));
  ASSERT_TRUE(Lookup(kGuild1, {kUser1, kUser2}, &b));
  EXPECT_TRUE(sent().empty());
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_NE(
      s[0].d.find("\"user_ids\":[\"" + kUser1.ToString() + "\",\"" + kUser2.ToString() + "\"]"),
      std::string::npos)
      << s[0].d;
  Chunk(kGuild1, s[0].nonce());
  EXPECT_EQ(results()[a], 1);
  EXPECT_EQ(results()[b], 1);
}

TEST_F(MemberChunkerTest, LookupsAreBatchedByAHundred) {
  Make(Options(ChunkingPolicy::kOnMiss));
  std::vector<UserId> users;
  for (uint64_t i = 0; i < 250; ++i) users.push_back(UserId(kUser1.value() + i));
  size_t index = 0;
  ASSERT_TRUE(Lookup(kGuild1, users, &index));
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[0].Mentions(UserId(kUser1.value() + 99)));
  EXPECT_FALSE(s[0].Mentions(UserId(kUser1.value() + 100)));
  EXPECT_TRUE(s[2].Mentions(UserId(kUser1.value() + 249)));
  Chunk(kGuild1, s[0].nonce());
  Chunk(kGuild1, s[1].nonce());
  EXPECT_EQ(results()[index], -1);  // one completion, when every member is answered
  Chunk(kGuild1, s[2].nonce());
  EXPECT_EQ(results()[index], 1);
}

TEST_F(MemberChunkerTest, TooManyWaitingLookupsAreRefusedAndCounted) {
  auto options = Options(ChunkingPolicy::kOnMiss);
  options.max_waiting_lookups = 2;
  Make(options);
  EXPECT_TRUE(Lookup(kGuild1, {kUser1, kUser2}));
  EXPECT_FALSE(Lookup(kGuild1, {kUser3}));
  EXPECT_EQ(progress().lookups_refused, 1u);
}

TEST_F(MemberChunkerTest, OneAllMembersRequestPerGuildPer30Seconds) {
  Make(Options(ChunkingPolicy::kOnDemand));
  Ready();
  ASSERT_TRUE(RequestAll(kGuild1));
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  Chunk(kGuild1, s[0].nonce());
  // Asked again at once: it waits for Discord's 30 s; other guilds are not held up.
  ASSERT_TRUE(RequestAll(kGuild1));
  ASSERT_TRUE(RequestAll(kGuild2));
  s = sent();
  ASSERT_EQ(s.size(), 2u);
  EXPECT_TRUE(s[1].Asks(kGuild2));
  Chunk(kGuild2, s[1].nonce());
  EXPECT_EQ(progress().guilds_pending, 1u);
  clock_.Advance(30s - 1ms);
  Ready();
  EXPECT_EQ(sent().size(), 2u);
  clock_.Advance(1ms);
  Ready();
  s = sent();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[2].all() && s[2].Asks(kGuild1));
}

TEST_F(MemberChunkerTest, AnAllMembersRequestInFlightIsNotRepeated) {
  Make(Options(ChunkingPolicy::kOnDemand));
  Ready();
  ASSERT_TRUE(RequestAll(kGuild1));
  ASSERT_TRUE(RequestAll(kGuild1));  // already being fetched
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(progress().guilds_pending, 0u);
  Chunk(kGuild1, s[0].nonce());
  clock_.Advance(31s);
  Ready();
  EXPECT_EQ(sent().size(), 1u) << "the guild was asked for twice";
  EXPECT_EQ(progress().guilds_complete, 1u);
}

TEST_F(MemberChunkerTest, ChunksAreMatchedByNonceAndCompleteOnTheLast) {
  Make(Options(ChunkingPolicy::kOnMiss));
  Ready();
  size_t a = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &a));
  std::string nonce = sent()[0].nonce();
  Chunk(kGuild1, "");             // someone else's request, without a nonce
  Chunk(kGuild1, "other-nonce");  // someone else's
  Chunk(kGuild1, nonce, 0, 3);
  Chunk(kGuild1, nonce, 1, 3);
  EXPECT_EQ(results()[a], -1);
  Chunk(kGuild1, nonce, 2, 3);
  EXPECT_EQ(results()[a], 1);
  Chunk(kGuild1, nonce, 2, 3);  // a repeat after completion is ignored
  EXPECT_EQ(results()[a], 1);
  auto p = progress();
  EXPECT_EQ(p.chunks_received, 6u);
  EXPECT_EQ(p.members_received, 12u);
}

TEST_F(MemberChunkerTest, ATimeoutFailsTheWaitersAndRetriesTheGuild) {
  Make(Options(ChunkingPolicy::kOnDemand));
  Ready();
  size_t a = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &a));
  ASSERT_TRUE(RequestAll(kGuild2));
  auto s = sent();
  ASSERT_EQ(s.size(), 2u);
  clock_.Advance(30s - 1ms);
  Ready();
  EXPECT_EQ(results()[a], -1);
  clock_.Advance(1ms);
  Ready();
  EXPECT_EQ(results()[a], 0);
  EXPECT_EQ(progress().timeouts, 2u);
  // The guild goes back to the queue and is asked for again (its 30 s have passed).
  s = sent();
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(s[2].all() && s[2].Asks(kGuild2));
  EXPECT_NE(s[2].nonce(), s[1].nonce());
  // A late chunk of the timed-out lookup changes nothing.
  Chunk(kGuild1, s[0].nonce());
  EXPECT_EQ(results()[a], 0);
  // And the member can be looked up again.
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}));
  EXPECT_EQ(sent().size(), 4u);
}

TEST_F(MemberChunkerTest, TheChunkersOwnTimerEndsARequestThatIsNeverAnswered) {
  auto options = Options(ChunkingPolicy::kOnMiss);
  options.request_timeout = 200ms;
  Make(options, &SystemClock());
  Ready();
  size_t a = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &a));
  for (int i = 0; i < 200 && results()[a] == -1; ++i) std::this_thread::sleep_for(50ms);
  EXPECT_EQ(results()[a], 0);
  EXPECT_EQ(progress().timeouts, 1u);
}

TEST_F(MemberChunkerTest, ResetFailsEveryWaiterAndForgetsTheQueue) {
  Make(Options(ChunkingPolicy::kAllOnConnect));
  Ready();
  size_t in_flight = 0, queued = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &in_flight));
  On([&] { chunker_->Reset(); });  // a new session
  EXPECT_EQ(results()[in_flight], 0);
  ASSERT_TRUE(Lookup(kGuild1, {kUser2}, &queued));  // not ready: waits
  Available(kGuild2, 100, 10);
  EXPECT_EQ(sent().size(), 1u);
  On([&] { chunker_->Reset(); });
  EXPECT_EQ(results()[queued], 0);
  EXPECT_EQ(progress().guilds_pending, 0u);
  Ready();
  EXPECT_EQ(sent().size(), 1u);  // nothing left to send
  // Destroying the chunker fails what still waits.
  size_t last = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser3}, &last));
  On([&] { chunker_.reset(); });
  EXPECT_EQ(results()[last], 0);
}

TEST_F(MemberChunkerTest, ACommandTheSessionCannotQueueFailsItsLookupsAndKeepsItsGuild) {
  Make(Options(ChunkingPolicy::kOnDemand));
  Ready();
  On([&] { accept_ = false; });
  size_t a = 0;
  ASSERT_TRUE(Lookup(kGuild1, {kUser1}, &a));
  EXPECT_EQ(results()[a], 0);
  ASSERT_TRUE(RequestAll(kGuild2));
  EXPECT_EQ(progress().guilds_pending, 1u);  // kept for later
  On([&] { accept_ = true; });
  Ready();
  auto s = sent();
  ASSERT_EQ(s.size(), 1u);
  EXPECT_TRUE(s[0].all() && s[0].Asks(kGuild2));
}

}  // namespace
}  // namespace pylon::gateway
