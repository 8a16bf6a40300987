// Copyright 2026 The Pylon Gateway Authors.
// "Never drop an event" across a restart of `pylon serve` (architecture §5, the committed
// sequence), with the real binaries on loopback: a worker receives events and acknowledges none;
// `pylon serve` stops (SIGTERM) and starts again on the same data directory; it RESUMEs each
// shard from before the first event the group had not acknowledged, the simulator replays, and a
// new worker of the same group receives every MESSAGE_CREATE the first one had been sent. Then,
// with that worker acknowledging, `pylonctl status --json` shows each shard's committed sequence.

#include <signal.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <google/protobuf/util/json_util.h>

#include "gateway/v1/control_service.pb.h"
#include "gateway/v1/workergroup_service.grpc.pb.h"
#include "net/test_util.h"
#include "serve_fixture.h"

namespace pylon {
namespace {

namespace wg = ::pylon::gateway::v1::workergroup;
using net::testing::WaitUntil;
using ::pylon::gateway::v1::service::GatewayWorkerGroup;
using testing::ReadFile;
using namespace std::chrono_literals;

constexpr char kGroup[] = "restart";

// A worker on its own thread: identifies, records the id of every MESSAGE_CREATE it is sent, and
// answers heartbeat requests acknowledging everything received, or nothing (`acknowledge`).
class Worker {
 public:
  Worker(const std::string& address, std::string token, std::string id, bool acknowledge)
      : stub_(GatewayWorkerGroup::NewStub(
            grpc::CreateChannel(address, grpc::InsecureChannelCredentials()))),
        token_(std::move(token)),
        id_(std::move(id)),
        acknowledge_(acknowledge),
        thread_([this] { Run(); }) {}
  ~Worker() {
    context_.TryCancel();
    thread_.join();
  }

  std::set<uint64_t> message_ids() const {
    std::lock_guard lock(mutex_);
    return message_ids_;
  }
  bool identified() const { return identified_.load(); }
  bool ended() const { return ended_.load(); }

 private:
  void Run() {
    auto call = stub_->WorkerStream(&context_);
    wg::WorkerStreamClientMessage identify;
    identify.mutable_identify_request()->set_auth_token(token_);
    identify.mutable_identify_request()->set_consumer_group(kGroup);
    identify.mutable_identify_request()->set_consumer_id(id_);
    call->Write(identify);
    wg::WorkerStreamServerMessage message;
    uint64_t last_sequence = 0;
    while (call->Read(&message)) {
      if (message.has_identify_response()) identified_ = true;
      if (message.has_event_envelope()) {
        last_sequence = message.event_envelope().header().seq();
        if (message.event_envelope().has_message_create_event()) {
          std::lock_guard lock(mutex_);
          message_ids_.insert(message.event_envelope().message_create_event().message_data().id());
        }
      }
      if (message.has_heartbeat_request()) {
        wg::WorkerStreamClientMessage ack;
        ack.mutable_heartbeat_ack()->set_nonce(message.heartbeat_request().nonce());
        ack.mutable_heartbeat_ack()->set_sequence(acknowledge_ ? last_sequence : 0);
        call->Write(ack);
      }
    }
    call->Finish();
    ended_ = true;
  }

  std::unique_ptr<GatewayWorkerGroup::Stub> stub_;
  std::string token_, id_;
  bool acknowledge_;
  grpc::ClientContext context_;
  mutable std::mutex mutex_;
  std::set<uint64_t> message_ids_;
  std::atomic<bool> identified_{false}, ended_{false};
  std::thread thread_;
};

using RestartDeliveryTest = testing::ServeFixture;

TEST_F(RestartDeliveryTest, EventsNotAcknowledgedBeforeARestartAreDeliveredAfterIt) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator(/*events_per_second=*/40));
  std::string grpc;
  auto server = StartServer(&grpc);
  ASSERT_TRUE(server);

  const SimBot bot = FirstSimBot();
  ASSERT_FALSE(bot.token.empty());
  auto added = Ctl(grpc, {"bot", "add", "--token-file", bot.token_file});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  auto created = Ctl(grpc, {"group", "create", kGroup});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string secret_file = dir_.path() + "/group-secret";
  auto issued = Ctl(grpc, {"token", "issue", kGroup, "--secret-file", secret_file});
  ASSERT_EQ(issued.exit_code, 0) << issued.err;
  std::string secret = ReadFile(secret_file);
  while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r')) secret.pop_back();
  ASSERT_FALSE(secret.empty());

  // A worker that is sent events and acknowledges none of them.
  std::set<uint64_t> unacknowledged;
  {
    Worker silent(grpc, secret, "silent", /*acknowledge=*/false);
    ASSERT_TRUE(WaitUntil([&] { return silent.message_ids().size() >= 20; }, 60s))
        << "the worker got " << silent.message_ids().size() << " MESSAGE_CREATEs";
    // Long enough for the dispatcher to tell the shards where delivery stands (once a second).
    std::this_thread::sleep_for(2500ms);
    server->Signal(SIGTERM);
    auto code = server->Wait(30s);
    ASSERT_TRUE(code) << "pylon serve did not stop on SIGTERM";
    EXPECT_EQ(*code, 0) << server->Stderr();
    unacknowledged = silent.message_ids();
  }

  // The same data directory; a new worker of the same group.
  server = StartServer(&grpc);
  ASSERT_TRUE(server);
  Worker next(grpc, secret, "next", /*acknowledge=*/true);
  auto missing = [&] {
    auto got = next.message_ids();
    std::vector<uint64_t> out;
    for (uint64_t id : unacknowledged) {
      if (!got.count(id)) out.push_back(id);
    }
    return out;
  };
  EXPECT_TRUE(WaitUntil([&] { return missing().empty(); }, 60s))
      << missing().size() << " of the " << unacknowledged.size()
      << " unacknowledged MESSAGE_CREATEs never arrived after the restart; server log:\n"
      << server->Stderr();

  // With a worker acknowledging, `pylonctl status` shows every shard's committed sequence moving
  // up behind its received sequence.
  ::pylon::gateway::v1::control::GetClusterStatusResponse status;
  std::string status_json;
  auto committed_everywhere = [&] {
    auto listed = Ctl(grpc, {"status", "--json"});
    status_json = listed.out;
    status.Clear();
    if (listed.exit_code != 0 ||
        !google::protobuf::util::JsonStringToMessage(listed.out, &status).ok() ||
        status.shards().empty()) {
      return false;
    }
    for (const auto& shard : status.shards()) {
      if (shard.committed_sequence() == 0) return false;
    }
    return true;
  };
  EXPECT_TRUE(WaitUntil(committed_everywhere, 30s)) << status_json;
  for (const auto& shard : status.shards()) {
    EXPECT_LE(shard.committed_sequence(), shard.sequence()) << status_json;
  }
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(30s), std::optional<int>(0));
}

}  // namespace
}  // namespace pylon
