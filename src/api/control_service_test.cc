// Copyright 2026 The Pylon Gateway Authors.
// The Control API through a real gRPC server on loopback, backed by an EmbeddedStore in a
// temporary directory and a fake Discord token check.

#include "api/control_service.h"

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>

#include <atomic>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "control/token_crypto.h"
#include "internal/v1/store.pb.h"
#include "net/test_util.h"
#include "store/embedded_store.h"

namespace pylon::api {
namespace {

namespace ipb = ::pylon::internal::v1;
using cpb::GatewayControl;

const std::string kAdmin = "admin-token-0123456789abcdef";
const std::string kKey(32, 'K');
const std::string kTokenA =
    "MTAxNTAwMDAwMDAwMDAwMDAx.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB";
const std::string kTokenA2 =
    "MTAxNTAwMDAwMDAwMDAwMDAx.GzYxWv.ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210ab";
const std::string kTokenB =
    "MjAyNTAwMDAwMDAwMDAwMDAy.GhIjKl.0123456789abcdefghijklmnopqrstuvwxyzCD";
const std::string kRefused =
    "MzAzNTAwMDAwMDAwMDAwMDAz.GmNoPq.refusedrefusedrefusedrefusedrefused00";
constexpr uint64_t kBotA = 1015000000000000001;
constexpr uint64_t kBotB = 2025000000000000002;

control::TokenChecker FakeChecker() {
  return [](const Secret& token) -> Result<control::TokenCheck> {
    if (token.reveal() == kTokenA || token.reveal() == kTokenA2) {
      return control::TokenCheck{UserId(kBotA), "alpha", ApplicationId(kBotA), 2};
    }
    if (token.reveal() == kTokenB) {
      return control::TokenCheck{UserId(kBotB), "bravo", ApplicationId(kBotB), 1};
    }
    return Unauthenticated("Discord answered 401 Unauthorized");
  };
}

// One node: status from canned protos, nowhere to move shards.
class FakeCluster final : public ClusterStatusProvider {
 public:
  Result<std::vector<cpb::NodeStatus>> Nodes() override {
    cpb::NodeStatus node;
    node.set_node_id("node-1");
    node.set_address("127.0.0.1:4021");
    node.set_state(cpb::NODE_STATE_UP);
    node.add_roles("gateway");
    node.set_shards(2);
    return std::vector<cpb::NodeStatus>{node};
  }
  Result<std::vector<cpb::ShardStatus>> Shards(BotId bot) override {
    last_bot = bot.value();
    std::vector<cpb::ShardStatus> out;
    for (uint32_t i = 0; i < 2; ++i) {
      cpb::ShardStatus shard;
      shard.set_bot_id(kBotA);
      shard.set_shard_id(i);
      shard.set_shard_count(2);
      shard.set_state(cpb::SHARD_STATE_READY);
      shard.set_owner_node("node-1");
      shard.set_sequence(100 + i);
      out.push_back(shard);
    }
    return out;
  }
  Result<std::vector<cpb::WorkerGroupStatus>> WorkerGroups(BotId bot) override {
    cpb::WorkerGroupStatus group;
    group.set_name("workers");
    group.add_consumers()->set_consumer_id("c1");
    return std::vector<cpb::WorkerGroupStatus>{group};
  }
  Result<uint32_t> DrainNode(const std::string& node_id) override {
    if (node_id != "node-1") return NotFound("no node '" + node_id + "'");
    return FailedPrecondition("a single node has nowhere to move shards");
  }
  Status MigrateShard(BotShard shard, const std::string& target_node) override {
    if (target_node != "node-1") return NotFound("no node '" + target_node + "'");
    return FailedPrecondition("a single node has nowhere to move shards");
  }
  std::atomic<uint64_t> last_bot{~0ull};
};

class ControlServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override {
    Stop();
    // No answer, successful or not, ever carried a bot token.
    std::lock_guard lock(seen_mutex_);
    for (const std::string& bytes : seen_) {
      for (const std::string& token : {kTokenA, kTokenA2, kTokenB, kRefused}) {
        EXPECT_EQ(bytes.find(token), std::string::npos);
        EXPECT_EQ(bytes.find(token.substr(token.rfind('.') + 1)), std::string::npos);
      }
    }
  }

  void Start() {
    auto store = store::EmbeddedStore::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.error().ToString();
    store_ = std::move(*store);
    control::ControlOptions options;
    options.token_key = kKey;
    auto plane = control::ControlPlane::Open(*store_, options, FakeChecker());
    ASSERT_TRUE(plane.ok()) << plane.error().ToString();
    plane_ = std::move(*plane);
    service_ = std::make_unique<ControlService>(*plane_, &cluster_, kAdmin);
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    stub_ = GatewayControl::NewStub(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                                        grpc::InsecureChannelCredentials()));
  }

  void Stop() {
    stub_.reset();
    if (server_) server_->Shutdown();
    server_.reset();
    service_.reset();
    plane_.reset();
    store_.reset();
  }

  // Calls `method` with the admin token (or `authorization` when given); records the answer.
  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (GatewayControl::Stub::*method)(grpc::ClientContext*,
                                                                 const Request&, Response*),
                    const Request& request, Response* response,
                    std::optional<std::string> authorization = std::nullopt) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    std::string value = authorization.value_or("Bearer " + kAdmin);
    if (!value.empty()) context.AddMetadata("authorization", value);
    grpc::Status status = (stub_.get()->*method)(&context, request, response);
    std::lock_guard lock(seen_mutex_);
    seen_.push_back(response->SerializeAsString());
    seen_.push_back(status.error_message());
    return status;
  }

  cpb::Bot CreateBot(const std::string& token, cpb::BotSpec spec = {}) {
    cpb::CreateBotRequest request;
    request.set_token(token);
    *request.mutable_spec() = spec;
    cpb::CreateBotResponse response;
    grpc::Status status = Call(&GatewayControl::Stub::CreateBot, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.bot();
  }

  net::testing::TempDir dir_;
  FakeCluster cluster_;
  std::unique_ptr<store::EmbeddedStore> store_;
  std::unique_ptr<control::ControlPlane> plane_;
  std::unique_ptr<ControlService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<GatewayControl::Stub> stub_;
  std::mutex seen_mutex_;
  std::vector<std::string> seen_;
};

TEST_F(ControlServiceTest, EveryCallNeedsTheAdminToken) {
  for (std::string authorization : std::vector<std::string>{
           std::string(), "Bearer wrong", "Bearer " + kAdmin + "x", "Basic " + kAdmin, kAdmin}) {
    SCOPED_TRACE(authorization);
    auto unauthenticated = [](const grpc::Status& status) {
      return status.error_code() == grpc::StatusCode::UNAUTHENTICATED;
    };
    cpb::CreateBotRequest create;
    create.set_token(kTokenA);
    cpb::CreateBotResponse created;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::CreateBot, create, &created, authorization)));
    cpb::GetBotRequest get;
    get.set_bot_id(kBotA);
    cpb::GetBotResponse got;
    EXPECT_TRUE(unauthenticated(Call(&GatewayControl::Stub::GetBot, get, &got, authorization)));
    cpb::ListBotsResponse bots;
    EXPECT_TRUE(unauthenticated(Call(&GatewayControl::Stub::ListBots, {}, &bots, authorization)));
    cpb::UpdateBotResponse updated;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::UpdateBot, {}, &updated, authorization)));
    cpb::DeleteBotResponse deleted;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::DeleteBot, {}, &deleted, authorization)));
    cpb::CreateWorkerGroupRequest create_group;
    create_group.set_name("g");
    cpb::CreateWorkerGroupResponse group;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::CreateWorkerGroup, create_group, &group, authorization)));
    cpb::GetWorkerGroupResponse got_group;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::GetWorkerGroup, {}, &got_group, authorization)));
    cpb::ListWorkerGroupsResponse groups;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::ListWorkerGroups, {}, &groups, authorization)));
    cpb::UpdateWorkerGroupResponse updated_group;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::UpdateWorkerGroup, {}, &updated_group, authorization)));
    cpb::DeleteWorkerGroupResponse deleted_group;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::DeleteWorkerGroup, {}, &deleted_group, authorization)));
    cpb::IssueWorkerGroupTokenResponse issued;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::IssueWorkerGroupToken, {}, &issued, authorization)));
    cpb::RevokeWorkerGroupTokenResponse revoked;
    EXPECT_TRUE(unauthenticated(
        Call(&GatewayControl::Stub::RevokeWorkerGroupToken, {}, &revoked, authorization)));
    cpb::GetClusterStatusResponse status;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::GetClusterStatus, {}, &status, authorization)));
    cpb::DrainNodeResponse drained;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::DrainNode, {}, &drained, authorization)));
    cpb::MigrateShardResponse migrated;
    EXPECT_TRUE(
        unauthenticated(Call(&GatewayControl::Stub::MigrateShard, {}, &migrated, authorization)));
  }
  // Nothing was created by the refused calls.
  EXPECT_TRUE(store_->List("/pylon/")->empty());
  cpb::ListBotsResponse bots;
  EXPECT_TRUE(Call(&GatewayControl::Stub::ListBots, {}, &bots).ok());
  EXPECT_EQ(bots.bots_size(), 0);
}

TEST_F(ControlServiceTest, BotLifecycle) {
  cpb::BotSpec spec;
  spec.set_intents(513);
  spec.set_message_cache_depth(20);
  cpb::Bot bot = CreateBot(kTokenA, spec);
  EXPECT_EQ(bot.id(), kBotA);
  EXPECT_EQ(bot.username(), "alpha");
  EXPECT_EQ(bot.spec().intents(), 513u);
  EXPECT_EQ(bot.spec().message_cache_depth(), 20u);
  EXPECT_EQ(bot.spec().large_threshold(), 250u);
  EXPECT_EQ(bot.effective_shard_count(), 2u);
  EXPECT_EQ(bot.token_fingerprint(), control::TokenFingerprint(kTokenA));
  CreateBot(kTokenB);

  cpb::CreateBotRequest duplicate;
  duplicate.set_token(kTokenA2);
  cpb::CreateBotResponse created;
  EXPECT_EQ(Call(&GatewayControl::Stub::CreateBot, duplicate, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);
  duplicate.set_token(kRefused);
  grpc::Status refused = Call(&GatewayControl::Stub::CreateBot, duplicate, &created);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_NE(refused.error_message().find("401"), std::string::npos);
  duplicate.set_token(kTokenA);
  duplicate.mutable_spec()->set_intents(1ull << 40);
  grpc::Status invalid = Call(&GatewayControl::Stub::CreateBot, duplicate, &created);
  EXPECT_EQ(invalid.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(invalid.error_message().find("intents"), std::string::npos);

  cpb::GetBotRequest get;
  get.set_bot_id(kBotA);
  cpb::GetBotResponse got;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetBot, get, &got).ok());
  EXPECT_EQ(got.bot().SerializeAsString(), bot.SerializeAsString());
  get.set_bot_id(0);
  EXPECT_EQ(Call(&GatewayControl::Stub::GetBot, get, &got).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  cpb::ListBotsResponse bots;
  ASSERT_TRUE(Call(&GatewayControl::Stub::ListBots, {}, &bots).ok());
  ASSERT_EQ(bots.bots_size(), 2);
  EXPECT_EQ(bots.bots(0).id(), kBotA);
  EXPECT_EQ(bots.bots(1).id(), kBotB);

  // Rotate the token: to another bot's token is refused, to the same bot's works.
  cpb::UpdateBotRequest update;
  update.set_bot_id(kBotA);
  update.set_token(kTokenB);
  cpb::UpdateBotResponse updated;
  EXPECT_EQ(Call(&GatewayControl::Stub::UpdateBot, update, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  update.set_token(kTokenA2);
  ASSERT_TRUE(Call(&GatewayControl::Stub::UpdateBot, update, &updated).ok());
  EXPECT_EQ(updated.bot().token_fingerprint(), control::TokenFingerprint(kTokenA2));
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA2);

  cpb::DeleteBotRequest remove;
  remove.set_bot_id(kBotB);
  cpb::DeleteBotResponse removed;
  ASSERT_TRUE(Call(&GatewayControl::Stub::DeleteBot, remove, &removed).ok());
  EXPECT_EQ(Call(&GatewayControl::Stub::DeleteBot, remove, &removed).error_code(),
            grpc::StatusCode::NOT_FOUND);
  get.set_bot_id(kBotB);
  EXPECT_EQ(Call(&GatewayControl::Stub::GetBot, get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_FALSE(store_->Get("/pylon/bots/" + std::to_string(kBotB))->has_value());
}

TEST_F(ControlServiceTest, FieldMaskUpdates) {
  CreateBot(kTokenA);
  cpb::UpdateBotRequest update;
  update.set_bot_id(kBotA);
  update.mutable_spec()->set_large_threshold(100);
  update.mutable_spec()->set_rest_global_limit(7);
  update.mutable_update_mask()->add_paths("large_threshold");
  cpb::UpdateBotResponse updated;
  ASSERT_TRUE(Call(&GatewayControl::Stub::UpdateBot, update, &updated).ok());
  EXPECT_EQ(updated.bot().spec().large_threshold(), 100u);
  EXPECT_EQ(updated.bot().spec().rest_global_limit(), 50u);  // not in the mask

  update.mutable_update_mask()->add_paths("spec.bogus");
  grpc::Status bad = Call(&GatewayControl::Stub::UpdateBot, update, &updated);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad.error_message().find("'spec.bogus'"), std::string::npos);

  update.clear_update_mask();  // every field present
  ASSERT_TRUE(Call(&GatewayControl::Stub::UpdateBot, update, &updated).ok());
  EXPECT_EQ(updated.bot().spec().rest_global_limit(), 7u);
  update.mutable_spec()->set_large_threshold(10);
  EXPECT_EQ(Call(&GatewayControl::Stub::UpdateBot, update, &updated).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  cpb::CreateWorkerGroupRequest create;
  create.set_name("workers");
  create.mutable_spec()->add_event_types("MESSAGE_CREATE");
  create.mutable_spec()->add_bot_ids(kBotA);
  cpb::CreateWorkerGroupResponse created;
  ASSERT_TRUE(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).ok());
  cpb::UpdateWorkerGroupRequest group_update;
  group_update.set_name("workers");
  group_update.mutable_spec()->add_guild_ids(42);
  group_update.mutable_update_mask()->add_paths("guild_ids");
  cpb::UpdateWorkerGroupResponse group_updated;
  ASSERT_TRUE(Call(&GatewayControl::Stub::UpdateWorkerGroup, group_update, &group_updated).ok());
  EXPECT_EQ(group_updated.worker_group().spec().guild_ids_size(), 1);
  EXPECT_EQ(group_updated.worker_group().spec().event_types_size(), 1);
  EXPECT_EQ(group_updated.worker_group().spec().bot_ids_size(), 1);
  group_update.mutable_update_mask()->add_paths("guilds");
  grpc::Status bad_group =
      Call(&GatewayControl::Stub::UpdateWorkerGroup, group_update, &group_updated);
  EXPECT_EQ(bad_group.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(bad_group.error_message().find("'guilds'"), std::string::npos);
}

TEST_F(ControlServiceTest, WorkerGroupsAndTokens) {
  cpb::CreateWorkerGroupRequest create;
  create.set_name("Not Valid");
  cpb::CreateWorkerGroupResponse created;
  EXPECT_EQ(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  create.set_name("workers");
  create.mutable_spec()->add_push_targets()->set_address("no-port");
  EXPECT_EQ(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  create.mutable_spec()->mutable_push_targets(0)->set_address("127.0.0.1:7000");
  create.mutable_spec()->set_max_in_flight(64);
  ASSERT_TRUE(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).ok());
  EXPECT_EQ(created.worker_group().spec().max_in_flight(), 64u);
  EXPECT_EQ(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).error_code(),
            grpc::StatusCode::ALREADY_EXISTS);

  cpb::IssueWorkerGroupTokenRequest issue;
  issue.set_worker_group("workers");
  issue.set_description("prod workers");
  cpb::IssueWorkerGroupTokenResponse issued;
  ASSERT_TRUE(Call(&GatewayControl::Stub::IssueWorkerGroupToken, issue, &issued).ok());
  const std::string secret = issued.secret();
  EXPECT_TRUE(secret.starts_with("pylon_wg_workers_"));
  EXPECT_EQ(issued.token().description(), "prod workers");

  // The secret is not shown again and the store holds only a salted hash of it.
  cpb::GetWorkerGroupRequest get;
  get.set_name("workers");
  cpb::GetWorkerGroupResponse got;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetWorkerGroup, get, &got).ok());
  ASSERT_EQ(got.worker_group().tokens_size(), 1);
  EXPECT_EQ(got.worker_group().tokens(0).token_id(), issued.token().token_id());
  EXPECT_EQ(got.SerializeAsString().find(secret), std::string::npos);
  cpb::ListWorkerGroupsResponse groups;
  ASSERT_TRUE(Call(&GatewayControl::Stub::ListWorkerGroups, {}, &groups).ok());
  ASSERT_EQ(groups.worker_groups_size(), 1);
  EXPECT_EQ(groups.SerializeAsString().find(secret), std::string::npos);
  auto kv = **store_->Get("/pylon/workergroups/workers");
  EXPECT_EQ(kv.value.find(secret), std::string::npos);
  EXPECT_EQ(kv.value.find(secret.substr(17)), std::string::npos);
  ipb::WorkerGroupRecord record;
  ASSERT_TRUE(record.ParseFromString(kv.value));
  ASSERT_EQ(record.token_hashes_size(), 1);
  EXPECT_EQ(record.token_hashes(0).salt().size(), 16u);
  EXPECT_EQ(record.token_hashes(0).sha256(),
            control::HashToken(record.token_hashes(0).salt(), secret));
  EXPECT_NE(plane_->Snapshot()->GroupForToken(secret), nullptr);

  cpb::IssueWorkerGroupTokenResponse second;
  ASSERT_TRUE(Call(&GatewayControl::Stub::IssueWorkerGroupToken, issue, &second).ok());
  EXPECT_NE(second.secret(), secret);
  EXPECT_NE(second.token().token_id(), issued.token().token_id());
  issue.set_worker_group("missing");
  EXPECT_EQ(Call(&GatewayControl::Stub::IssueWorkerGroupToken, issue, &second).error_code(),
            grpc::StatusCode::NOT_FOUND);

  cpb::RevokeWorkerGroupTokenRequest revoke;
  revoke.set_worker_group("workers");
  revoke.set_token_id(issued.token().token_id());
  cpb::RevokeWorkerGroupTokenResponse revoked;
  ASSERT_TRUE(Call(&GatewayControl::Stub::RevokeWorkerGroupToken, revoke, &revoked).ok());
  EXPECT_EQ(Call(&GatewayControl::Stub::RevokeWorkerGroupToken, revoke, &revoked).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(plane_->Snapshot()->GroupForToken(secret), nullptr);
  EXPECT_NE(plane_->Snapshot()->GroupForToken(second.secret()), nullptr);

  cpb::DeleteWorkerGroupRequest remove;
  remove.set_name("workers");
  cpb::DeleteWorkerGroupResponse removed;
  ASSERT_TRUE(Call(&GatewayControl::Stub::DeleteWorkerGroup, remove, &removed).ok());
  EXPECT_EQ(Call(&GatewayControl::Stub::GetWorkerGroup, get, &got).error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(plane_->Snapshot()->GroupForToken(second.secret()), nullptr);
}

TEST_F(ControlServiceTest, RestartKeepsBotsGroupsAndTokens) {
  cpb::BotSpec spec;
  spec.set_shard_count(4);
  CreateBot(kTokenA, spec);
  cpb::CreateWorkerGroupRequest create;
  create.set_name("workers");
  cpb::CreateWorkerGroupResponse created;
  ASSERT_TRUE(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).ok());
  cpb::IssueWorkerGroupTokenRequest issue;
  issue.set_worker_group("workers");
  cpb::IssueWorkerGroupTokenResponse issued;
  ASSERT_TRUE(Call(&GatewayControl::Stub::IssueWorkerGroupToken, issue, &issued).ok());

  Stop();
  Start();

  cpb::GetBotRequest get;
  get.set_bot_id(kBotA);
  cpb::GetBotResponse got;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetBot, get, &got).ok());
  EXPECT_EQ(got.bot().spec().shard_count(), 4u);
  EXPECT_EQ(got.bot().effective_shard_count(), 4u);
  EXPECT_EQ(plane_->BotToken(BotId(kBotA))->reveal(), kTokenA);
  cpb::GetWorkerGroupRequest get_group;
  get_group.set_name("workers");
  cpb::GetWorkerGroupResponse group;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetWorkerGroup, get_group, &group).ok());
  ASSERT_EQ(group.worker_group().tokens_size(), 1);
  const control::WorkerGroupView* view = plane_->Snapshot()->GroupForToken(issued.secret());
  ASSERT_NE(view, nullptr);
  EXPECT_EQ(view->name, "workers");
}

TEST_F(ControlServiceTest, ConcurrentUpdatesLoseNoWrites) {
  CreateBot(kTokenA);
  cpb::CreateWorkerGroupRequest create;
  create.set_name("workers");
  cpb::CreateWorkerGroupResponse created;
  ASSERT_TRUE(Call(&GatewayControl::Stub::CreateWorkerGroup, create, &created).ok());

  constexpr int kThreads = 4;
  constexpr int kEach = 10;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        cpb::IssueWorkerGroupTokenRequest issue;
        issue.set_worker_group("workers");
        issue.set_description("thread " + std::to_string(t));
        cpb::IssueWorkerGroupTokenResponse issued;
        EXPECT_TRUE(Call(&GatewayControl::Stub::IssueWorkerGroupToken, issue, &issued).ok());
        // Each thread owns one bot field; the others' changes must survive.
        cpb::UpdateBotRequest update;
        update.set_bot_id(kBotA);
        switch (t) {
          case 0:
            update.mutable_spec()->set_large_threshold(100 + i);
            break;
          case 1:
            update.mutable_spec()->set_rest_global_limit(1000 + i);
            break;
          case 2:
            update.mutable_spec()->set_message_cache_depth(500 + i);
            break;
          default:
            update.mutable_spec()->set_intents(1 + i);
            break;
        }
        cpb::UpdateBotResponse updated;
        grpc::Status status = Call(&GatewayControl::Stub::UpdateBot, update, &updated);
        EXPECT_TRUE(status.ok()) << status.error_message();
      }
    });
  }
  for (auto& thread : threads) thread.join();
  cpb::GetWorkerGroupRequest get_group;
  get_group.set_name("workers");
  cpb::GetWorkerGroupResponse group;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetWorkerGroup, get_group, &group).ok());
  EXPECT_EQ(group.worker_group().tokens_size(), kThreads * kEach);
  EXPECT_EQ(plane_->Snapshot()->FindGroup("workers")->tokens.size(), size_t{kThreads * kEach});
  cpb::GetBotRequest get;
  get.set_bot_id(kBotA);
  cpb::GetBotResponse got;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetBot, get, &got).ok());
  EXPECT_EQ(got.bot().spec().large_threshold(), 100u + kEach - 1);
  EXPECT_EQ(got.bot().spec().rest_global_limit(), 1000u + kEach - 1);
  EXPECT_EQ(got.bot().spec().message_cache_depth(), 500u + kEach - 1);
  EXPECT_EQ(got.bot().spec().intents(), uint64_t{kEach});
}

TEST_F(ControlServiceTest, ClusterCalls) {
  CreateBot(kTokenA);
  cpb::GetClusterStatusRequest request;
  cpb::GetClusterStatusResponse status;
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetClusterStatus, request, &status).ok());
  EXPECT_EQ(status.nodes_size(), 1);
  EXPECT_EQ(status.shards_size(), 2);
  EXPECT_EQ(status.worker_groups_size(), 1);
  EXPECT_EQ(cluster_.last_bot, 0u);
  request.set_bot_id(kBotA);
  ASSERT_TRUE(Call(&GatewayControl::Stub::GetClusterStatus, request, &status).ok());
  EXPECT_EQ(cluster_.last_bot, kBotA);
  request.set_bot_id(kBotB);
  EXPECT_EQ(Call(&GatewayControl::Stub::GetClusterStatus, request, &status).error_code(),
            grpc::StatusCode::NOT_FOUND);

  cpb::DrainNodeRequest drain;
  cpb::DrainNodeResponse drained;
  EXPECT_EQ(Call(&GatewayControl::Stub::DrainNode, drain, &drained).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  drain.set_node_id("node-1");
  grpc::Status single = Call(&GatewayControl::Stub::DrainNode, drain, &drained);
  EXPECT_EQ(single.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(single.error_message(), "a single node has nowhere to move shards");

  cpb::MigrateShardRequest migrate;
  migrate.set_bot_id(kBotA);
  migrate.set_shard_id(2);  // the bot has 2 shards
  migrate.set_target_node("node-1");
  cpb::MigrateShardResponse migrated;
  grpc::Status range = Call(&GatewayControl::Stub::MigrateShard, migrate, &migrated);
  EXPECT_EQ(range.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(range.error_message().find("no shard 2"), std::string::npos);
  migrate.set_shard_id(1);
  EXPECT_EQ(Call(&GatewayControl::Stub::MigrateShard, migrate, &migrated).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  migrate.set_target_node("node-9");
  EXPECT_EQ(Call(&GatewayControl::Stub::MigrateShard, migrate, &migrated).error_code(),
            grpc::StatusCode::NOT_FOUND);
}

TEST(ControlServiceNoClusterTest, ClusterCallsAreUnavailableWithoutAProvider) {
  auto store = *store::EmbeddedStore::Open("");
  control::ControlOptions options;
  options.token_key = kKey;
  auto plane = *control::ControlPlane::Open(*store, options, FakeChecker());
  ControlService service(*plane, nullptr, kAdmin);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&service);
  auto server = builder.BuildAndStart();
  ASSERT_NE(server, nullptr);
  auto stub = GatewayControl::NewStub(
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + kAdmin);
  cpb::GetClusterStatusResponse status;
  EXPECT_EQ(stub->GetClusterStatus(&context, {}, &status).error_code(),
            grpc::StatusCode::UNAVAILABLE);
  server->Shutdown();
}

}  // namespace
}  // namespace pylon::api
