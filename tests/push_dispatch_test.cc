// Copyright 2026 The Pylon Gateway Authors.
// Legacy push dispatch end to end (issue 5 item 4): the in-process Discord simulator, a ShardHost
// connected to it, the Dispatcher, and the PushDispatcher dialling real gRPC servers on loopback
// that host GatewayDispatchStreaming/Event as the published Java client's
// grpcServerEventSupplier does (an EventEnvelopeAck{seq} for every envelope, as it arrives).
//
// What a target receives is checked against the shard event logs: an envelope and a logged event
// are the same event when their bodies (the envelope without its header) are equal.

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "api/push_dispatcher.h"
#include "discord/v1/event.pb.h"
#include "dispatch/dispatcher.h"
#include "engine_fixture.h"
#include "gateway/v1/dispatch_service.grpc.pb.h"

namespace pylon::testing {
namespace {

namespace ev = ::pylon::discord::v1::event;
using net::testing::WaitUntil;
using ::pylon::gateway::v1::service::GatewayDispatchStreaming;

std::string KeyOf(ev::EventEnvelope envelope) {
  envelope.clear_header();
  return envelope.SerializeAsString();
}

// The bot application's side: a gRPC server hosting GatewayDispatchStreaming/Event.
class TargetService final : public GatewayDispatchStreaming::Service {
 public:
  explicit TargetService(bool ack) : ack_(ack) {}

  grpc::Status Event(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<ev::EventEnvelopeAck, ev::EventEnvelope>* stream) override {
    (void)context;
    {
      std::lock_guard lock(mutex_);
      ++calls_;
    }
    uint64_t last = 0;
    ev::EventEnvelope envelope;
    while (stream->Read(&envelope)) {
      uint64_t seq = envelope.header().seq();
      {
        std::lock_guard lock(mutex_);
        if (seq <= last) ++out_of_order_;
        if (envelope.event_data_case() == ev::EventEnvelope::EVENT_DATA_NOT_SET) ++empty_;
        last = seq;
        keys_.push_back(KeyOf(envelope));
      }
      if (ack_) {
        ev::EventEnvelopeAck ack;
        ack.set_seq(seq);  // Java: ack immediately, before dispatching
        if (!stream->Write(ack)) break;
      }
    }
    return grpc::Status::OK;
  }

  std::vector<std::string> keys() const {
    std::lock_guard lock(mutex_);
    return keys_;
  }
  size_t count() const {
    std::lock_guard lock(mutex_);
    return keys_.size();
  }
  size_t out_of_order() const {
    std::lock_guard lock(mutex_);
    return out_of_order_;
  }
  size_t empty() const {
    std::lock_guard lock(mutex_);
    return empty_;
  }
  int calls() const {
    std::lock_guard lock(mutex_);
    return calls_;
  }

 private:
  const bool ack_;
  mutable std::mutex mutex_;
  std::vector<std::string> keys_;
  size_t out_of_order_ = 0;
  size_t empty_ = 0;
  int calls_ = 0;
};

// A push target on 127.0.0.1:`port`. Kill() ends it as a crashed process would look to us:
// every call is cancelled and the port closes.
class TargetServer {
 public:
  TargetServer(uint16_t port, bool ack) : service_(ack) {
    grpc::ServerBuilder builder;
    int bound = 0;
    builder.AddListeningPort("127.0.0.1:" + std::to_string(port), grpc::InsecureServerCredentials(),
                             &bound);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    EXPECT_TRUE(server_ != nullptr && bound == port) << "cannot listen on port " << port;
  }
  ~TargetServer() { Kill(); }

  void Kill() {
    if (!server_) return;
    server_->Shutdown(std::chrono::system_clock::now());
    server_->Wait();
    server_.reset();
  }

  TargetService& service() { return service_; }

 private:
  TargetService service_;
  std::unique_ptr<grpc::Server> server_;
};

struct Logged {
  std::string type;
  std::string key;
};

class PushDispatchTest : public ::testing::Test {
 protected:
  void TearDown() override {
    // Reverse order; each step is safe after a failed assertion.
    if (push_) push_->Stop();
    push_.reset();
    targets_.clear();
    if (engine_) engine_->StopHost(/*keep_resumable=*/false);
    dispatcher_.reset();
    engine_.reset();
    dispatch_reactor_.Stop();
  }

  // The simulator, the engine (one bot, one shard), a dispatcher, one worker group "legacy"
  // whose only consumer is the push target on `port_`, and the PushDispatcher. The group exists
  // before the shard's first event, so it receives everything the shard logs.
  void Start(uint32_t max_in_flight, Duration grace) {
    port_ = net::testing::UnusedPort();
    EngineFixtureOptions engine;
    engine.sim = SmallSim(12, 1200);
    engine.sim.gateway.identify_interval = 200ms;
    engine.identify_interval = 200ms;
    engine_ = std::make_unique<EngineFixture>(engine);
    dispatch_reactor_.Start();
    dispatch::DispatchOptions options;
    options.heartbeat_interval = 100ms;
    options.heartbeat_timeout = 1s;
    options.reconnect_grace = grace;
    dispatcher_ = std::make_unique<dispatch::Dispatcher>(dispatch_reactor_, engine_->clock(),
                                                         options, engine_->host());
    engine_->host().set_event_listener(
        [d = dispatcher_.get()](gateway::Shard& shard, const gateway::LoggedEvent& event) {
          d->OnShardEvent(shard, event);
        });
    spec_ = engine_->FirstBot(1);

    auto config = std::make_shared<control::ConfigSnapshot>();
    config->revision = 1;
    config->bots[spec_.bot.value()].set_id(spec_.bot.value());
    control::WorkerGroupView& group = config->worker_groups["legacy"];
    group.name = "legacy";
    group.spec.set_max_in_flight(max_in_flight);
    group.spec.add_push_targets()->set_address(address());
    config_ = config;
    dispatcher_->UpdateConfig(config);

    api::PushOptions push;
    push.initial_backoff = 100ms;
    push.max_backoff = 800ms;
    push.heartbeat_answer_delay = 200ms;
    push.connect_timeout = 2s;
    push_ = std::make_unique<api::PushDispatcher>(*dispatcher_, engine_->clock(), push);
    push_->UpdateConfig(config);
    ASSERT_TRUE(engine_->host().AddBot(spec_).ok());
    ASSERT_TRUE(engine_->WaitReady(1));
  }

  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

  TargetServer& StartTarget(bool ack) {
    targets_.push_back(std::make_unique<TargetServer>(port_, ack));
    return *targets_.back();
  }

  std::vector<Logged> LoggedEvents() {
    std::vector<Logged> out;
    for (const auto& e : engine_->Logged({spec_.bot, ShardId(0)})) {
      ev::EventEnvelope envelope;
      EXPECT_TRUE(envelope.ParseFromString(*e.body));
      out.push_back({std::string(e.type), KeyOf(envelope)});
    }
    return out;
  }

  void Pump(uint64_t n, double rate = 0) {
    engine_->Sim([&] {
      sim::PumpSettings settings;
      settings.flat_out = rate == 0;
      settings.events_per_second = rate;
      settings.remaining = n;
      engine_->sim().pump().Configure(settings);
    });
  }

  // Waits for the pump to finish and the engine to have logged everything the simulator sent.
  void WaitPumpedAndLogged() {
    ASSERT_TRUE(WaitUntil(
        [&] { return engine_->Sim([&] { return !engine_->sim().pump().running(); }); }, 60s))
        << "the pump did not finish";
    ASSERT_TRUE(WaitUntil(
        [&] {
          auto sessions = engine_->Sim([&] { return engine_->sim().gateway().Sessions(); });
          auto summaries = engine_->host().Summaries();
          for (const auto& s : sessions) {
            if (!s.connected || s.bot != spec_.bot) continue;
            if (summaries.empty() || summaries[0].stats.session.sequence != s.seq) return false;
          }
          return true;
        },
        60s))
        << "the engine did not catch up with the simulator";
  }

  api::PushTargetStatusRow TargetStatus() {
    for (const auto& row : push_->Status()) {
      if (row.group == "legacy" && row.address == address()) return row;
    }
    ADD_FAILURE() << "no status row for " << address();
    return {};
  }

  std::optional<dispatch::ConsumerStatusRow> ConsumerRow() {
    for (const auto& group : dispatcher_->Status()) {
      for (const auto& c : group.consumers) {
        if (group.name == "legacy" && c.consumer_id == "push:" + address()) return c;
      }
    }
    return std::nullopt;
  }

  bool WaitConnected(bool connected, Duration timeout = 20s) {
    return WaitUntil([&] { return TargetStatus().connected == connected; }, timeout);
  }

  Reactor dispatch_reactor_{0, "dispatch"};
  std::unique_ptr<EngineFixture> engine_;
  std::unique_ptr<dispatch::Dispatcher> dispatcher_;
  std::unique_ptr<api::PushDispatcher> push_;
  std::vector<std::unique_ptr<TargetServer>> targets_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  gateway::BotSpec spec_;
  uint16_t port_ = 0;
};

// Every expected event at least once over `received`, and nothing that was not logged.
void ExpectAtLeastOnce(const std::vector<Logged>& expected,
                       const std::vector<std::string>& received, const std::string& what) {
  std::map<std::string, size_t> want, got;
  for (const auto& e : expected) ++want[e.key];
  for (const auto& key : received) ++got[key];
  size_t missing = 0, unknown = 0;
  for (const auto& [key, n] : want) {
    size_t have = got.count(key) ? got[key] : 0;
    if (have < n) missing += n - have;
  }
  for (const auto& [key, n] : got) {
    if (!want.count(key)) unknown += n;
  }
  EXPECT_EQ(missing, 0u) << what << ": events lost";
  EXPECT_EQ(unknown, 0u) << what << ": events that were not logged";
}

bool Covers(const std::vector<Logged>& expected, const std::vector<std::string>& received) {
  std::map<std::string, size_t> got;
  for (const auto& key : received) ++got[key];
  for (const auto& e : expected) {
    auto it = got.find(e.key);
    if (it == got.end() || it->second == 0) return false;
    --it->second;
  }
  return true;
}

TEST(PushBackoffTest, GrowsWithJitterAndIsCapped) {
  api::PushOptions options;
  options.initial_backoff = 100ms;
  options.max_backoff = 1s;
  options.backoff_multiplier = 2.0;
  options.jitter = 0.2;
  EXPECT_EQ(api::PushBackoff(options, 1, 0.5), Duration(100ms));
  EXPECT_EQ(api::PushBackoff(options, 2, 0.5), Duration(200ms));
  EXPECT_EQ(api::PushBackoff(options, 4, 0.5), Duration(800ms));
  EXPECT_EQ(api::PushBackoff(options, 1, 0.0), Duration(80ms));
  EXPECT_EQ(api::PushBackoff(options, 1, 1.0), Duration(120ms));
  for (uint32_t failures : {5u, 6u, 30u, 1000u}) {
    for (double r : {0.0, 0.5, 0.999}) {
      Duration d = api::PushBackoff(options, failures, r);
      EXPECT_LE(d, Duration(1s)) << failures;
      EXPECT_GE(d, Duration(800ms)) << failures;
    }
  }
}

TEST_F(PushDispatchTest, DeliversEverythingAcrossATargetRestart) {
  ASSERT_NO_FATAL_FAILURE(Start(/*max_in_flight=*/200, /*grace=*/10s));
  TargetServer* target = &StartTarget(/*ack=*/true);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;

  // Everything the shard logged so far (READY, GUILD_CREATEs) and a first burst.
  Pump(400);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedEvents();
  ASSERT_GT(expected.size(), 400u);
  ASSERT_TRUE(WaitUntil([&] { return target->service().count() >= expected.size(); }, 30s))
      << target->service().count() << " of " << expected.size();
  {
    // No failure yet: exactly once, in sequence.
    auto keys = target->service().keys();
    EXPECT_EQ(keys.size(), expected.size());
    ExpectAtLeastOnce(expected, keys, "before the restart");
    EXPECT_EQ(target->service().out_of_order(), 0u);
    EXPECT_EQ(target->service().empty(), 0u);
  }
  // Acks advance: the target acknowledged every envelope, and the dispatcher knows it.
  ASSERT_TRUE(WaitUntil([&] { return TargetStatus().last_acked_sequence == expected.size(); }));
  ASSERT_TRUE(WaitUntil([&] {
    auto c = ConsumerRow();
    return c && c->acked == expected.size() && c->in_flight == 0;
  }));

  // Kill the target while events flow; they keep being logged while it is down.
  Pump(1500, /*rate=*/1000);
  ASSERT_TRUE(WaitUntil([&] { return target->service().count() >= expected.size() + 200; }));
  std::vector<std::string> received = target->service().keys();
  target->Kill();
  received = target->service().keys();  // what reached the first server, acked or not
  ASSERT_TRUE(WaitConnected(false));
  // The status says "disconnected" as soon as the call ends and gets the call's error when gRPC
  // reports its final status, a moment later.
  EXPECT_TRUE(WaitUntil([&] { return !TargetStatus().last_error.empty(); }));
  uint64_t acked_at_kill = TargetStatus().last_acked_sequence;
  std::this_thread::sleep_for(700ms);  // a few failed attempts (backoff)
  EXPECT_GE(TargetStatus().failures, 1u);

  // Restarted on the same port: it reconnects and gets what it had not acknowledged.
  TargetServer* restarted = &StartTarget(/*ack=*/true);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  expected = LoggedEvents();
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto all = received;
        auto more = restarted->service().keys();
        all.insert(all.end(), more.begin(), more.end());
        return Covers(expected, all);
      },
      30s))
      << "not every logged event reached a target";
  auto all = received;
  auto more = restarted->service().keys();
  all.insert(all.end(), more.begin(), more.end());
  ExpectAtLeastOnce(expected, all, "across the restart");
  EXPECT_EQ(restarted->service().out_of_order(), 0u);
  EXPECT_EQ(restarted->service().empty(), 0u);
  // Only what was not acknowledged is sent again: duplicates are bounded by the window.
  EXPECT_LE(all.size() - expected.size(), 200u);
  // Acks advance past the restart, and everything ends acknowledged.
  ASSERT_TRUE(WaitUntil([&] {
    auto c = ConsumerRow();
    return c && c->in_flight == 0 && c->acked == c->last_sent &&
           TargetStatus().last_acked_sequence == c->last_sent;
  })) << TargetStatus().last_acked_sequence;
  EXPECT_GT(TargetStatus().last_acked_sequence, acked_at_kill);
  EXPECT_EQ(TargetStatus().connects, 2u);
  EXPECT_EQ(TargetStatus().failures, 0u);
  EXPECT_TRUE(TargetStatus().connected);
}

TEST_F(PushDispatchTest, DownLongerThanTheGracePeriodLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start(/*max_in_flight=*/100, /*grace=*/300ms));
  TargetServer* target = &StartTarget(/*ack=*/true);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;
  Pump(600, /*rate=*/1000);
  ASSERT_TRUE(WaitUntil([&] { return target->service().count() >= 200; }));
  target->Kill();
  auto received = target->service().keys();
  ASSERT_TRUE(WaitConnected(false));
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  std::this_thread::sleep_for(1s);  // the grace period ends: the consumer leaves the group
  EXPECT_FALSE(ConsumerRow().has_value());
  TargetServer* restarted = &StartTarget(/*ack=*/true);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;
  auto expected = LoggedEvents();
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto all = received;
        auto more = restarted->service().keys();
        all.insert(all.end(), more.begin(), more.end());
        return Covers(expected, all);
      },
      30s))
      << "not every logged event reached a target";
  EXPECT_EQ(restarted->service().out_of_order(), 0u);
}

TEST_F(PushDispatchTest, ATargetThatNeverAcksGetsOnlyItsWindow) {
  constexpr uint32_t kWindow = 50;
  ASSERT_NO_FATAL_FAILURE(Start(kWindow, /*grace=*/10s));
  TargetServer* target = &StartTarget(/*ack=*/false);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;
  Pump(400);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  ASSERT_TRUE(WaitUntil([&] { return target->service().count() >= kWindow; }));
  // Longer than the dispatcher's heartbeat timeout: a connected target that does not ack is a
  // slow consumer, not a dead one; it is neither cut off nor sent more.
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(target->service().count(), kWindow);
  EXPECT_EQ(target->service().calls(), 1);
  auto status = TargetStatus();
  EXPECT_TRUE(status.connected);
  EXPECT_EQ(status.last_acked_sequence, 0u);
  EXPECT_EQ(status.connects, 1u);
  auto consumer = ConsumerRow();
  ASSERT_TRUE(consumer.has_value());
  EXPECT_EQ(consumer->in_flight, kWindow);
  EXPECT_EQ(consumer->acked, 0u);
  EXPECT_GT(consumer->queued, 0u);

  // Removed from the configuration: the target is dropped and its consumer leaves the group.
  auto config = std::make_shared<control::ConfigSnapshot>(*config_);
  config->worker_groups["legacy"].spec.clear_push_targets();
  dispatcher_->UpdateConfig(config);
  push_->UpdateConfig(config);
  ASSERT_TRUE(WaitUntil([&] { return push_->Status().empty() && !ConsumerRow().has_value(); }));
}

TEST_F(PushDispatchTest, UnreachableTargetReportsTheErrorAndRetries) {
  ASSERT_NO_FATAL_FAILURE(Start(/*max_in_flight=*/100, /*grace=*/10s));
  // Nothing listens on the port.
  ASSERT_TRUE(WaitUntil([&] { return TargetStatus().failures >= 3; }, 20s));
  auto status = TargetStatus();
  EXPECT_FALSE(status.connected);
  EXPECT_NE(status.last_error.find("127.0.0.1"), std::string::npos) << status.last_error;
  EXPECT_FALSE(ConsumerRow().has_value());  // never attached
  // It comes up: connected, and it gets what was logged meanwhile.
  TargetServer* target = &StartTarget(/*ack=*/true);
  ASSERT_TRUE(WaitConnected(true)) << TargetStatus().last_error;
  auto expected = LoggedEvents();
  ASSERT_TRUE(WaitUntil([&] { return Covers(expected, target->service().keys()); }, 20s));
  EXPECT_TRUE(TargetStatus().last_error.empty());
}

}  // namespace
}  // namespace pylon::testing
