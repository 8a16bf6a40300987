// Copyright 2026 The Pylon Gateway Authors.
// "Never drop an event" across a restart of `pylon serve` (architecture §5, the committed
// sequence), with the real binaries on loopback: a worker receives events and acknowledges none;
// `pylon serve` stops (SIGTERM) and starts again on the same data directory; it RESUMEs each
// shard from before the first event the group had not acknowledged, the simulator replays, and a
// new worker of the same group receives every MESSAGE_CREATE the first one had been sent.

#include <signal.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include "child_process.h"
#include "gateway/v1/workergroup_service.grpc.pb.h"
#include "net/test_util.h"

namespace pylon {
namespace {

namespace wg = ::pylon::gateway::v1::workergroup;
using net::testing::TempDir;
using net::testing::WaitUntil;
using ::pylon::gateway::v1::service::GatewayWorkerGroup;
using testing::ChildProcess;
using testing::ReadFile;
using testing::RunProgram;
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

// "LISTENING grpc=127.0.0.1:N http=127.0.0.1:M" -> the value of `key`.
std::string Field(const std::string& line, const std::string& key) {
  auto at = line.find(key + "=");
  if (at == std::string::npos) return "";
  auto end = line.find(' ', at);
  return line.substr(at + key.size() + 1,
                     end == std::string::npos ? end : end - at - key.size() - 1);
}

class RestartDeliveryTest : public ::testing::Test {
 protected:
  void StartSimulator() {
    sim_ = std::make_unique<ChildProcess>(
        "sim",
        std::vector<std::string>{SIM_PATH, "--tokens-file", dir_.path() + "/bots", "--set",
                                 "world.guilds=4", "--set", "world.members=300", "--set",
                                 "events.rate=40"},
        dir_.path());
    auto line = sim_->WaitForLine("LISTENING", 30s);
    ASSERT_TRUE(line) << sim_->Stderr();
    sim_url_ = line->substr(line->find(' ') + 1);
  }

  std::unique_ptr<ChildProcess> StartServer(std::string* grpc) {
    auto server = std::make_unique<ChildProcess>(
        "pylon" + std::to_string(starts_++),
        std::vector<std::string>{PYLON_PATH, "serve", "--data-dir", dir_.path() + "/data", "--set",
                                 "grpc.listen=127.0.0.1:0", "--set", "http.listen=127.0.0.1:0",
                                 "--set", "shutdown.grace=2s", "--set",
                                 "discord.api_base=" + sim_url_ + "/api/v10"},
        dir_.path());
    auto line = server->WaitForLine("LISTENING", 30s);
    if (!line) {
      ADD_FAILURE() << "pylon serve did not start: " << server->Stderr();
      return nullptr;
    }
    *grpc = Field(*line, "grpc");
    return server;
  }

  testing::RunResult Ctl(const std::string& grpc, std::vector<std::string> args) {
    std::vector<std::string> argv = {PYLONCTL_PATH, "--server", grpc, "--admin-token-file",
                                     dir_.path() + "/data/admin-token"};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunProgram(argv, dir_.path());
  }

  TempDir dir_;
  std::string sim_url_;
  std::unique_ptr<ChildProcess> sim_;
  int starts_ = 0;
};

TEST_F(RestartDeliveryTest, EventsNotAcknowledgedBeforeARestartAreDeliveredAfterIt) {
  ASSERT_NO_FATAL_FAILURE(StartSimulator());
  std::string grpc;
  auto server = StartServer(&grpc);
  ASSERT_TRUE(server);

  std::istringstream bots(ReadFile(dir_.path() + "/bots"));
  std::string bot_id, bot_token;
  bots >> bot_id >> bot_token;
  ASSERT_FALSE(bot_token.empty());
  const std::string token_file = dir_.path() + "/bot-token";
  std::ofstream(token_file) << bot_token;
  ::chmod(token_file.c_str(), 0600);
  auto added = Ctl(grpc, {"bot", "add", "--token-file", token_file});
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
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(30s), std::optional<int>(0));
}

}  // namespace
}  // namespace pylon
