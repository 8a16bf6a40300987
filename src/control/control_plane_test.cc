// Copyright 2026 The Pylon Gateway Authors.

#include "control/control_plane.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

#include "control/intents.h"
#include "control/spec.h"
#include "control/token_crypto.h"
#include "internal/v1/store.pb.h"
#include "store/embedded_store.h"

namespace pylon::control {
namespace {

namespace ipb = ::pylon::internal::v1;

const std::string kKey(32, 'k');
const std::string kTokenA =
    "MTAxNTAwMDAwMDAwMDAwMDAx.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
const std::string kTokenA2 =
    "MTAxNTAwMDAwMDAwMDAwMDAx.GzYxWv.ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210ab";
const std::string kTokenB =
    "MjAyNTAwMDAwMDAwMDAwMDAy.GhIjKl.0123456789abcdefghijklmnopqrstuvwxyzCD";
constexpr uint64_t kBotA = 1015000000000000001;
constexpr uint64_t kBotB = 2025000000000000002;

// Discord as far as the control plane sees it: two valid bots, everything else refused.
struct FakeDiscord {
  std::atomic<int> calls{0};
  uint32_t recommended_shards = 3;
  TokenChecker Checker() {
    return [this](const Secret& token) -> Result<TokenCheck> {
      ++calls;
      if (token.reveal() == kTokenA || token.reveal() == kTokenA2) {
        return TokenCheck{UserId(kBotA), "alpha", ApplicationId(kBotA), recommended_shards};
      }
      if (token.reveal() == kTokenB) {
        return TokenCheck{UserId(kBotB), "bravo", ApplicationId(kBotB), 1};
      }
      return Unauthenticated("401: Unauthorized");
    };
  }
};

class ControlPlaneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = *store::EmbeddedStore::Open("");
    ControlOptions options;
    options.token_key = kKey;
    auto plane = ControlPlane::Open(*store_, options, discord_.Checker(), clock_);
    ASSERT_TRUE(plane.ok()) << plane.error().ToString();
    plane_ = std::move(*plane);
  }

  std::unique_ptr<ControlPlane> OpenAnother(std::string key = kKey) {
    ControlOptions options;
    options.token_key = std::move(key);
    auto plane = ControlPlane::Open(*store_, options, discord_.Checker(), clock_);
    return plane.ok() ? std::move(*plane) : nullptr;
  }

  ManualClock clock_;
  FakeDiscord discord_;
  std::unique_ptr<store::EmbeddedStore> store_;
  std::unique_ptr<ControlPlane> plane_;
};

TEST_F(ControlPlaneTest, OpenRefusesABadKeyAndNoChecker) {
  ControlOptions options;
  options.token_key = "short";
  auto plane = ControlPlane::Open(*store_, options, discord_.Checker());
  ASSERT_FALSE(plane.ok());
  EXPECT_EQ(plane.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(plane.error().message().find("32 bytes"), std::string::npos);
  options.token_key = kKey;
  EXPECT_FALSE(ControlPlane::Open(*store_, options, nullptr).ok());
  options.default_large_threshold = 10;
  auto bad_default = ControlPlane::Open(*store_, options, discord_.Checker());
  ASSERT_FALSE(bad_default.ok());
  EXPECT_NE(bad_default.error().message().find("large_threshold"), std::string::npos);
}

TEST_F(ControlPlaneTest, CreateBotFillsDefaultsAndEncryptsTheToken) {
  auto bot = plane_->CreateBot(kTokenA, {});
  ASSERT_TRUE(bot.ok()) << bot.error().ToString();
  EXPECT_EQ(bot->id(), kBotA);
  EXPECT_EQ(bot->username(), "alpha");
  EXPECT_EQ(bot->spec().intents(), kDefaultIntents);
  EXPECT_EQ(bot->spec().shard_count(), 0u);
  EXPECT_EQ(bot->effective_shard_count(), 3u);
  EXPECT_EQ(bot->spec().cache_kinds().kinds_size(), 9);
  EXPECT_EQ(bot->spec().message_cache_depth(), 100u);
  EXPECT_EQ(bot->spec().member_chunking(), cpb::MEMBER_CHUNKING_ON_MISS);
  EXPECT_EQ(bot->spec().rest_global_limit(), 50u);
  EXPECT_EQ(bot->spec().large_threshold(), 250u);
  EXPECT_FALSE(bot->spec().stopped());
  EXPECT_EQ(bot->token_fingerprint(), TokenFingerprint(kTokenA));
  EXPECT_EQ(bot->token_fingerprint().size(), 8u);
  EXPECT_EQ(bot->created_at().seconds(), clock_.UnixMs() / 1000);

  auto kv = **store_->Get("/pylon/bots/" + std::to_string(kBotA));
  EXPECT_EQ(kv.value.find(kTokenA), std::string::npos);
  EXPECT_EQ(kv.value.find("abcdefghijklmnopqrstuvwxyz"), std::string::npos);
  ipb::BotRecord record;
  ASSERT_TRUE(record.ParseFromString(kv.value));
  EXPECT_EQ(record.encrypted_token().size(), kNonceSize + kTokenA.size() + kTagSize);
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA);
  EXPECT_EQ(RedactSecrets("t=" + kTokenA), "t=[redacted]");

  // The snapshot has it at once.
  ASSERT_NE(plane_->Snapshot()->FindBot(BotId(kBotA)), nullptr);
  EXPECT_EQ(plane_->Snapshot()->FindBot(BotId(kBotA))->spec().intents(), kDefaultIntents);
}

TEST_F(ControlPlaneTest, CreateBotValidatesEverythingAndWritesNothingOnFailure) {
  auto expect_invalid = [&](cpb::BotSpec spec, std::string_view field) {
    auto bot = plane_->CreateBot(kTokenA, spec);
    ASSERT_FALSE(bot.ok()) << field;
    EXPECT_EQ(bot.error().code(), ErrorCode::kInvalidArgument) << field;
    EXPECT_NE(bot.error().message().find(field), std::string::npos) << bot.error().message();
  };
  cpb::BotSpec spec;
  spec.set_intents(kAllIntents | (1ull << 17));
  expect_invalid(spec, "intents");
  spec.Clear();
  spec.set_shard_count(65537);
  expect_invalid(spec, "shard_count");
  spec.Clear();
  spec.set_large_threshold(49);
  expect_invalid(spec, "large_threshold");
  spec.set_large_threshold(251);
  expect_invalid(spec, "large_threshold");
  spec.Clear();
  spec.set_message_cache_depth(10001);
  expect_invalid(spec, "message_cache_depth");
  spec.Clear();
  spec.set_rest_global_limit(0);
  expect_invalid(spec, "rest_global_limit");
  spec.Clear();
  spec.set_member_chunking(static_cast<cpb::MemberChunkingPolicy>(9));
  expect_invalid(spec, "member_chunking");
  spec.Clear();
  spec.mutable_cache_kinds()->add_kinds(cpb::CACHE_KIND_UNSPECIFIED);
  expect_invalid(spec, "cache_kinds");

  auto refused =
      plane_->CreateBot("MTAxNTAwMDAwMDAwMDAwMDAx.GaBcDe.not-a-real-token-at-all-xxxxxx", {});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(refused.error().message().find("not-a-real-token"), std::string::npos);
  auto empty = plane_->CreateBot("  \n", {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(plane_->CreateBot("has spaces inside it", {}).ok());

  EXPECT_TRUE(store_->List("/pylon/")->empty());
  EXPECT_TRUE(plane_->ListBots().empty());

  // Edges that are valid.
  spec.Clear();
  spec.set_intents(kAllIntents);
  spec.set_shard_count(65536);
  spec.set_large_threshold(50);
  spec.set_message_cache_depth(0);
  spec.set_rest_global_limit(100000);
  spec.mutable_cache_kinds();                                   // present and empty: cache nothing
  auto bot = plane_->CreateBot("Bot " + kTokenA + "\n", spec);  // prefix and newline trimmed
  ASSERT_TRUE(bot.ok()) << bot.error().ToString();
  EXPECT_EQ(bot->effective_shard_count(), 65536u);
  EXPECT_EQ(bot->spec().cache_kinds().kinds_size(), 0);
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA);

  auto again = plane_->CreateBot(kTokenA2, {});
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), ErrorCode::kAlreadyExists);
}

TEST_F(ControlPlaneTest, UpdateBotWithMasks) {
  ASSERT_TRUE(plane_->CreateBot(kTokenA, {}).ok());
  clock_.Advance(std::chrono::seconds(5));
  cpb::BotSpec spec;
  spec.set_intents(1);
  spec.set_large_threshold(100);
  // The mask names only intents: large_threshold is ignored.
  auto bot = plane_->UpdateBot(BotId(kBotA), spec, {"intents"}, "");
  ASSERT_TRUE(bot.ok()) << bot.error().ToString();
  EXPECT_EQ(bot->spec().intents(), 1u);
  EXPECT_EQ(bot->spec().large_threshold(), 250u);
  EXPECT_GT(bot->updated_at().seconds(), bot->created_at().seconds());
  // Empty mask: every field present.
  bot = plane_->UpdateBot(BotId(kBotA), spec, {}, "");
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ(bot->spec().large_threshold(), 100u);
  // A named field absent from the spec goes back to its default.
  bot = plane_->UpdateBot(BotId(kBotA), {}, {"intents", "large_threshold"}, "");
  ASSERT_TRUE(bot.ok());
  EXPECT_EQ(bot->spec().intents(), kDefaultIntents);
  EXPECT_EQ(bot->spec().large_threshold(), 250u);

  auto unknown = plane_->UpdateBot(BotId(kBotA), spec, {"intents", "tokn"}, "");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message().find("'tokn'"), std::string::npos);

  auto missing = plane_->UpdateBot(BotId(42), spec, {}, "");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);

  // Shard count: fixed, then back to auto (Discord is asked again with the stored token).
  spec.Clear();
  spec.set_shard_count(8);
  EXPECT_EQ(plane_->UpdateBot(BotId(kBotA), spec, {}, "")->effective_shard_count(), 8u);
  discord_.recommended_shards = 5;
  int calls = discord_.calls;
  spec.set_shard_count(0);
  EXPECT_EQ(plane_->UpdateBot(BotId(kBotA), spec, {}, "")->effective_shard_count(), 5u);
  EXPECT_EQ(discord_.calls, calls + 1);
}

TEST_F(ControlPlaneTest, TokenRotation) {
  ASSERT_TRUE(plane_->CreateBot(kTokenA, {}).ok());
  ASSERT_TRUE(plane_->CreateBot(kTokenB, {}).ok());
  auto other = plane_->UpdateBot(BotId(kBotA), {}, {}, kTokenB);
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(other.error().message().find("belongs to user"), std::string::npos);
  EXPECT_EQ(other.error().message().find(kTokenB), std::string::npos);
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA);

  auto rotated = plane_->UpdateBot(BotId(kBotA), {}, {}, kTokenA2);
  ASSERT_TRUE(rotated.ok()) << rotated.error().ToString();
  EXPECT_EQ(rotated->token_fingerprint(), TokenFingerprint(kTokenA2));
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA2);
}

TEST_F(ControlPlaneTest, CiphertextIsBoundToItsBot) {
  ASSERT_TRUE(plane_->CreateBot(kTokenA, {}).ok());
  ASSERT_TRUE(plane_->CreateBot(kTokenB, {}).ok());
  // Move bot A's encrypted token into bot B's record: it must not decrypt there.
  ipb::BotRecord a, b;
  ASSERT_TRUE(a.ParseFromString((*store_->Get("/pylon/bots/" + std::to_string(kBotA)))->value));
  ASSERT_TRUE(b.ParseFromString((*store_->Get("/pylon/bots/" + std::to_string(kBotB)))->value));
  b.set_encrypted_token(a.encrypted_token());
  ASSERT_TRUE(store_->Put("/pylon/bots/" + std::to_string(kBotB), b.SerializeAsString(), 0).ok());
  auto token = plane_->BotToken(BotId(kBotB));
  ASSERT_FALSE(token.ok());
  EXPECT_EQ(token.error().code(), ErrorCode::kDataLoss);
}

TEST_F(ControlPlaneTest, WrongKeyOnReopenIsRefused) {
  ASSERT_TRUE(plane_->CreateBot(kTokenA, {}).ok());
  ControlOptions options;
  options.token_key = std::string(32, 'x');
  auto plane = ControlPlane::Open(*store_, options, discord_.Checker());
  ASSERT_FALSE(plane.ok());
  EXPECT_EQ(plane.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_NE(plane.error().message().find(std::to_string(kBotA)), std::string::npos);
  EXPECT_NE(OpenAnother(), nullptr);
}

TEST_F(ControlPlaneTest, WorkerGroupsAndTokens) {
  auto bad_name = plane_->CreateWorkerGroup("Bad Name", {});
  ASSERT_FALSE(bad_name.ok());
  EXPECT_EQ(bad_name.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(plane_->CreateWorkerGroup("", {}).ok());
  EXPECT_FALSE(plane_->CreateWorkerGroup(std::string(65, 'a'), {}).ok());
  EXPECT_TRUE(plane_->CreateWorkerGroup(std::string(64, 'a'), {}).ok());

  cpb::WorkerGroupSpec spec;
  spec.add_event_types("message_create");
  EXPECT_FALSE(plane_->CreateWorkerGroup("g", spec).ok());
  spec.Clear();
  spec.add_push_targets()->set_address("localhost");
  EXPECT_FALSE(plane_->CreateWorkerGroup("g", spec).ok());
  spec.Clear();
  spec.set_max_in_flight(0);
  EXPECT_FALSE(plane_->CreateWorkerGroup("g", spec).ok());
  spec.set_max_in_flight(1000001);
  EXPECT_FALSE(plane_->CreateWorkerGroup("g", spec).ok());
  spec.Clear();
  spec.add_bot_ids(0);
  EXPECT_FALSE(plane_->CreateWorkerGroup("g", spec).ok());

  spec.Clear();
  spec.add_bot_ids(kBotA);
  spec.add_bot_ids(kBotA);
  spec.add_event_types("MESSAGE_CREATE");
  spec.add_event_types("READY");
  spec.add_event_types("MESSAGE_CREATE");
  spec.add_push_targets()->set_address("127.0.0.1:5000");
  spec.add_push_targets()->set_address("[::1]:5001");
  auto group = plane_->CreateWorkerGroup("bots-1_a", spec);
  ASSERT_TRUE(group.ok()) << group.error().ToString();
  EXPECT_EQ(group->spec().bot_ids_size(), 1);
  EXPECT_EQ(group->spec().event_types_size(), 2);
  EXPECT_EQ(group->spec().max_in_flight(), 1000u);
  auto dup = plane_->CreateWorkerGroup("bots-1_a", spec);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code(), ErrorCode::kAlreadyExists);

  auto issued = plane_->IssueToken("bots-1_a", "ci runner");
  ASSERT_TRUE(issued.ok()) << issued.error().ToString();
  const std::string& secret = issued->second;
  EXPECT_TRUE(secret.starts_with("pylon_wg_bots-1_a_"));
  EXPECT_EQ(secret.size(), std::string("pylon_wg_bots-1_a_").size() + 32);
  EXPECT_EQ(RedactSecrets(secret), "[redacted]");
  auto snapshot = plane_->Snapshot();
  const WorkerGroupView* view = snapshot->GroupForToken(secret);
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->name, "bots-1_a");
  EXPECT_TRUE(view->AcceptsEventType("READY"));
  EXPECT_FALSE(view->AcceptsEventType("TYPING_START"));
  EXPECT_EQ(snapshot->GroupForToken(secret + "x"), nullptr);
  EXPECT_EQ(plane_->GetWorkerGroup("bots-1_a")->tokens(0).description(), "ci runner");
  EXPECT_FALSE(plane_->IssueToken("bots-1_a", "bad\ndescription").ok());
  EXPECT_EQ(plane_->IssueToken("nope", "").error().code(), ErrorCode::kNotFound);

  // Update with a mask; an empty mask replaces the whole spec.
  cpb::WorkerGroupSpec update;
  update.set_max_in_flight(7);
  auto updated = plane_->UpdateWorkerGroup("bots-1_a", update, {"max_in_flight"});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->spec().max_in_flight(), 7u);
  EXPECT_EQ(updated->spec().event_types_size(), 2);
  EXPECT_EQ(updated->tokens_size(), 1);
  auto bad_path = plane_->UpdateWorkerGroup("bots-1_a", update, {"max_inflight"});
  ASSERT_FALSE(bad_path.ok());
  EXPECT_NE(bad_path.error().message().find("'max_inflight'"), std::string::npos);
  updated = plane_->UpdateWorkerGroup("bots-1_a", update, {});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->spec().event_types_size(), 0);
  EXPECT_EQ(updated->spec().push_targets_size(), 0);

  EXPECT_EQ(plane_->RevokeToken("bots-1_a", "nosuchtoken").error().code(), ErrorCode::kNotFound);
  ASSERT_TRUE(plane_->RevokeToken("bots-1_a", issued->first.token_id()).ok());
  EXPECT_EQ(plane_->Snapshot()->GroupForToken(secret), nullptr);
  EXPECT_EQ(plane_->GetWorkerGroup("bots-1_a")->tokens_size(), 0);

  ASSERT_TRUE(plane_->DeleteWorkerGroup("bots-1_a").ok());
  EXPECT_EQ(plane_->DeleteWorkerGroup("bots-1_a").error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(plane_->Snapshot()->FindGroup("bots-1_a"), nullptr);
}

TEST_F(ControlPlaneTest, ChangesByAnotherInstanceReachTheSnapshotAndListener) {
  auto other = OpenAnother();
  ASSERT_NE(other, nullptr);
  std::atomic<int> published{0};
  std::atomic<int64_t> last_revision{0};
  plane_->set_listener([&](std::shared_ptr<const ConfigSnapshot> snapshot) {
    ++published;
    last_revision = snapshot->revision;
  });
  ASSERT_TRUE(other->CreateBot(kTokenA, {}).ok());
  ASSERT_TRUE(other->CreateWorkerGroup("g", {}).ok());
  EXPECT_EQ(published, 2);
  EXPECT_EQ(last_revision, store_->revision());
  EXPECT_NE(plane_->Snapshot()->FindBot(BotId(kBotA)), nullptr);
  EXPECT_NE(plane_->Snapshot()->FindGroup("g"), nullptr);
  EXPECT_EQ(plane_->GetBot(BotId(kBotA))->username(), "alpha");
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA);
  ASSERT_TRUE(other->DeleteBot(BotId(kBotA)).ok());
  EXPECT_EQ(plane_->Snapshot()->FindBot(BotId(kBotA)), nullptr);
  EXPECT_EQ(plane_->GetBot(BotId(kBotA)).error().code(), ErrorCode::kNotFound);
  // Keys outside bots/ and workergroups/ do not republish.
  int before = published;
  ASSERT_TRUE(store_->Put("/pylon/shards/1/0", "checkpoint", 0).ok());
  EXPECT_EQ(published, before);
}

TEST_F(ControlPlaneTest, ConcurrentUpdatesLoseNothing) {
  ASSERT_TRUE(plane_->CreateWorkerGroup("g", {}).ok());
  ASSERT_TRUE(plane_->CreateBot(kTokenA, {}).ok());
  auto other = OpenAnother();
  constexpr int kPerThread = 20;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ControlPlane* plane = t % 2 == 0 ? plane_.get() : other.get();
      for (int i = 0; i < kPerThread; ++i) {
        ASSERT_TRUE(plane->IssueToken("g", "t" + std::to_string(t) + "-" + std::to_string(i)).ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(plane_->GetWorkerGroup("g")->tokens_size(), 4 * kPerThread);
  EXPECT_EQ(other->Snapshot()->FindGroup("g")->tokens.size(), 4u * kPerThread);
}

TEST(SpecTest, PushAddresses) {
  EXPECT_TRUE(ValidatePushAddress("127.0.0.1:1").ok());
  EXPECT_TRUE(ValidatePushAddress("bot.example.com:65535").ok());
  EXPECT_TRUE(ValidatePushAddress("[::1]:443").ok());
  EXPECT_FALSE(ValidatePushAddress("127.0.0.1:0").ok());
  EXPECT_FALSE(ValidatePushAddress("127.0.0.1:65536").ok());
  EXPECT_FALSE(ValidatePushAddress(":80").ok());
  EXPECT_FALSE(ValidatePushAddress("host").ok());
  EXPECT_FALSE(ValidatePushAddress("http://host:80").ok());
  EXPECT_FALSE(ValidatePushAddress("[::1:80").ok());
}

TEST(TokenCryptoTest, RoundTripAndTamper) {
  auto blob = EncryptToken(kKey, "secret-token", "bot:1");
  ASSERT_TRUE(blob.ok());
  EXPECT_EQ(*DecryptToken(kKey, *blob, "bot:1"), "secret-token");
  EXPECT_NE(*EncryptToken(kKey, "secret-token", "bot:1"), *blob);  // fresh nonce
  std::string tampered = *blob;
  tampered[kNonceSize] ^= 1;
  EXPECT_EQ(DecryptToken(kKey, tampered, "bot:1").error().code(), ErrorCode::kDataLoss);
  EXPECT_FALSE(DecryptToken(kKey, *blob, "bot:2").ok());
  EXPECT_FALSE(DecryptToken(std::string(32, 'z'), *blob, "bot:1").ok());
  EXPECT_FALSE(DecryptToken(kKey, "short", "bot:1").ok());
  auto random = *RandomBase62(1000);
  EXPECT_EQ(random.size(), 1000u);
  EXPECT_TRUE(std::all_of(random.begin(), random.end(), [](char c) { return std::isalnum(c); }));
}

}  // namespace
}  // namespace pylon::control
