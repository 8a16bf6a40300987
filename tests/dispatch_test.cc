// Copyright 2026 The Pylon Gateway Authors.
// Worker-group delivery end to end (issue 5): the in-process Discord simulator, a ShardHost
// connected to it, the Dispatcher and the WorkerGroupService on a real grpc::Server on
// 127.0.0.1:0, and real gRPC clients speaking GatewayWorkerGroup/WorkerStream as the published
// clients do (identify first, heartbeat acks with the last received sequence, drain).
//
// What a worker receives is checked against the shard event logs, the record of everything the
// engine took from the simulator: an envelope and a logged event are the same event when their
// bodies (the envelope without its per-stream header) are equal.

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/sync_stream.h>

#include "api/workergroup_service.h"
#include "discord/v1/event.pb.h"
#include "dispatch/dispatcher.h"
#include "engine_fixture.h"
#include "gateway/v1/workergroup_service.grpc.pb.h"

namespace pylon::testing {
namespace {

namespace wg = ::pylon::gateway::v1::workergroup;
namespace ev = ::pylon::discord::v1::event;
using net::testing::WaitUntil;
using ::pylon::gateway::v1::service::GatewayWorkerGroup;

constexpr uint64_t kIdleBot = 777000000000000001;  // configured, but no shard runs here
constexpr uint32_t kShards = 2;

std::string Secret(const std::string& group) { return "pylon_wg_" + group + "_0123456789abcdef"; }

// ---- A worker: a real gRPC client of WorkerStream ----

struct WorkerOptions {
  std::string group;
  std::string token;  // empty: Secret(group)
  std::string consumer_id = "worker";
  uint64_t last_sequence = 0;
  std::vector<std::pair<std::string, std::string>> metadata;
  bool identify = true;  // send identify_request first
  bool answer_heartbeats = true;
};

struct Received {
  uint64_t seq = 0;
  std::string key;  // the envelope without its header, serialized
};

std::string KeyOf(ev::EventEnvelope envelope) {
  envelope.clear_header();
  return envelope.SerializeAsString();
}

class Worker {
 public:
  Worker(const std::shared_ptr<grpc::Channel>& channel, WorkerOptions options)
      : options_(std::move(options)), stub_(GatewayWorkerGroup::NewStub(channel)) {
    if (options_.token.empty()) options_.token = Secret(options_.group);
    for (const auto& [key, value] : options_.metadata) context_.AddMetadata(key, value);
    call_ = stub_->WorkerStream(&context_);
    if (options_.identify) {
      wg::WorkerStreamClientMessage identify;
      auto* request = identify.mutable_identify_request();
      request->set_auth_token(options_.token);
      request->set_consumer_group(options_.group);
      request->set_consumer_id(options_.consumer_id);
      request->set_last_sequence(options_.last_sequence);
      acked_ = last_ = options_.last_sequence;
      Write(identify);
    }
    reader_ = std::thread([this] { ReadLoop(); });
  }

  ~Worker() {
    context_.TryCancel();
    paused_.store(false);
    reader_.join();
  }

  void Write(const wg::WorkerStreamClientMessage& message) {
    std::lock_guard lock(write_mutex_);
    if (!writes_done_) call_->Write(message);
  }

  // Stops taking messages from the call (after the one being read) until ResumeReading: the
  // server's writes back up behind HTTP/2 flow control.
  void PauseReading() { paused_.store(true); }
  void ResumeReading() { paused_.store(false); }

  // Kills the call without draining (as a crashed worker's connection ends).
  void Cancel() { context_.TryCancel(); }

  // drain_request{sequence = last received}, as the TypeScript client sends it. No ack follows
  // it, so acked() is what the server was told before the drain.
  void Drain() {
    std::lock_guard lock(write_mutex_);
    frozen_ = true;
    wg::WorkerStreamClientMessage drain;
    drain.mutable_drain_request()->set_sequence(last_sequence());
    if (!writes_done_) call_->Write(drain);
  }

  // From now on heartbeat acks repeat the last acknowledged sequence (the worker stays alive
  // but acknowledges nothing new).
  void FreezeAcks() {
    std::lock_guard lock(write_mutex_);
    frozen_ = true;
  }

  bool WaitIdentified(Duration timeout = 10s) {
    return WaitFor([&] { return identified_ || done_; }, timeout) && identified_;
  }
  bool WaitDone(Duration timeout = 10s) {
    return WaitFor([&] { return done_; }, timeout);
  }
  bool WaitEvents(size_t n, Duration timeout = 20s) {
    return WaitFor([&] { return events_.size() >= n || done_; }, timeout) && events_.size() >= n;
  }

  std::vector<Received> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }
  size_t event_count() const {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  uint64_t last_sequence() const {
    std::lock_guard lock(mutex_);
    return last_;
  }
  uint64_t acked() const {
    std::lock_guard lock(mutex_);
    return acked_;
  }
  bool identified() const {
    std::lock_guard lock(mutex_);
    return identified_;
  }
  std::vector<wg::WorkerStreamClosed::CloseReason> closes() const {
    std::lock_guard lock(mutex_);
    return closes_;
  }
  size_t events_after_close() const {
    std::lock_guard lock(mutex_);
    return events_after_close_;
  }
  grpc::Status status() const {
    std::lock_guard lock(mutex_);
    return status_;
  }
  // Sequences that did not strictly increase on the stream.
  size_t out_of_order() const {
    std::lock_guard lock(mutex_);
    return out_of_order_;
  }

 private:
  template <typename Pred>
  bool WaitFor(Pred pred, Duration timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, pred);
  }

  void ReadLoop() {
    wg::WorkerStreamServerMessage message;
    for (;;) {
      while (paused_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (!call_->Read(&message)) break;
      std::optional<wg::WorkerStreamClientMessage> reply;
      {
        std::lock_guard lock(mutex_);
        switch (message.payload_case()) {
          case wg::WorkerStreamServerMessage::kIdentifyResponse:
            identified_ = true;
            ticket_ = message.identify_response().router_ticket();
            break;
          case wg::WorkerStreamServerMessage::kEventEnvelope: {
            uint64_t seq = message.event_envelope().header().seq();
            if (!events_.empty() && seq <= events_.back().seq) ++out_of_order_;
            if (!closes_.empty()) ++events_after_close_;
            events_.push_back({seq, KeyOf(message.event_envelope())});
            last_ = seq;
            break;
          }
          case wg::WorkerStreamServerMessage::kHeartbeatRequest:
            if (options_.answer_heartbeats) {
              reply.emplace();
              reply->mutable_heartbeat_ack()->set_nonce(message.heartbeat_request().nonce());
            }
            break;
          case wg::WorkerStreamServerMessage::kStreamClosed:
            closes_.push_back(message.stream_closed().reason());
            break;
          default:
            break;
        }
      }
      changed_.notify_all();
      if (reply) {
        // The acknowledged sequence is decided and written under the write lock, so that
        // FreezeAcks and Drain know exactly what the server was told.
        std::lock_guard write_lock(write_mutex_);
        {
          std::lock_guard lock(mutex_);
          if (!frozen_) acked_ = last_;
          reply->mutable_heartbeat_ack()->set_sequence(acked_);
        }
        if (!writes_done_) call_->Write(*reply);
      }
    }
    {
      std::lock_guard lock(write_mutex_);
      writes_done_ = true;
    }
    grpc::Status status = call_->Finish();
    {
      std::lock_guard lock(mutex_);
      status_ = status;
      done_ = true;
    }
    changed_.notify_all();
  }

  WorkerOptions options_;
  std::unique_ptr<GatewayWorkerGroup::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<
      grpc::ClientReaderWriter<wg::WorkerStreamClientMessage, wg::WorkerStreamServerMessage>>
      call_;
  std::mutex write_mutex_;
  bool writes_done_ = false;
  std::thread reader_;
  std::atomic<bool> paused_{false};
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  bool frozen_ = false;  // under write_mutex_
  bool identified_ = false;
  std::string ticket_;
  std::vector<Received> events_;
  uint64_t last_ = 0;
  uint64_t acked_ = 0;
  std::vector<wg::WorkerStreamClosed::CloseReason> closes_;
  size_t events_after_close_ = 0;
  size_t out_of_order_ = 0;
  grpc::Status status_;
  bool done_ = false;
};

// A worker stream that sends raw bytes (for messages that are not WorkerStreamClientMessages).
struct RawCall {
  RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& bytes) {
    grpc::internal::RpcMethod method(api::WorkerGroupService::kWorkerStream,
                                     grpc::internal::RpcMethod::BIDI_STREAMING);
    call.reset(
        grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
            channel.get(), method, &context));
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer);
    grpc::ByteBuffer in;
    while (call->Read(&in)) {
      wg::WorkerStreamServerMessage message;
      std::vector<grpc::Slice> slices;
      (void)in.Dump(&slices);
      std::string text;
      for (const auto& s : slices) text.append(reinterpret_cast<const char*>(s.begin()), s.size());
      if (message.ParseFromString(text)) messages.push_back(message);
    }
    status = call->Finish();
  }
  grpc::ClientContext context;
  std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> call;
  std::vector<wg::WorkerStreamServerMessage> messages;
  grpc::Status status;
};

// ---- What the engine logged ----

struct Logged {
  uint32_t shard = 0;
  uint64_t position = 0;
  GuildId guild;
  std::string type;
  std::string key;
};

struct Filter {
  std::set<uint64_t> bots;
  std::set<uint64_t> guilds;
  std::set<std::string> types;
  std::optional<uint32_t> shard;
  bool Accepts(BotId bot, const Logged& e) const {
    return (bots.empty() || bots.count(bot.value())) &&
           (guilds.empty() || e.guild.is_zero() || guilds.count(e.guild.value())) &&
           (types.empty() || types.count(e.type)) && (!shard || *shard == e.shard);
  }
};

std::map<std::string, size_t> Counts(const std::vector<std::string>& keys) {
  std::map<std::string, size_t> out;
  for (const auto& key : keys) ++out[key];
  return out;
}

std::vector<std::string> Keys(const std::vector<Received>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.key);
  return out;
}

std::vector<std::string> Keys(const std::vector<Logged>& events) {
  std::vector<std::string> out;
  for (const auto& e : events) out.push_back(e.key);
  return out;
}

// Each expected event exactly once over `received`, nothing else.
void ExpectExactlyOnce(const std::vector<Logged>& expected,
                       const std::vector<std::string>& received, const std::string& what) {
  auto want = Counts(Keys(expected));
  auto got = Counts(received);
  size_t missing = 0, duplicated = 0, unknown = 0;
  for (const auto& [key, n] : want) {
    size_t have = got.count(key) ? got[key] : 0;
    if (have < n) missing += n - have;
    if (have > n) duplicated += have - n;
  }
  for (const auto& [key, n] : got) {
    if (!want.count(key)) unknown += n;
  }
  EXPECT_EQ(received.size(), expected.size()) << what;
  EXPECT_EQ(missing, 0u) << what << ": events never delivered";
  EXPECT_EQ(duplicated, 0u) << what << ": events delivered more than once";
  EXPECT_EQ(unknown, 0u) << what << ": events that were not logged (or not wanted)";
}

// Each expected event at least once over `received`, nothing unexpected.
void ExpectAtLeastOnce(const std::vector<Logged>& expected,
                       const std::vector<std::string>& received, const std::string& what) {
  auto want = Counts(Keys(expected));
  auto got = Counts(received);
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

// Within one consumer's stream, a guild's events come in the order the shard logged them.
// (Events whose body occurs more than once in the log are skipped: they cannot be told apart.)
void ExpectGuildOrder(const std::vector<Logged>& expected, const std::vector<Received>& received,
                      const std::string& what) {
  std::unordered_map<std::string, const Logged*> by_key;
  std::set<std::string> ambiguous;
  for (const auto& e : expected) {
    if (!by_key.emplace(e.key, &e).second) ambiguous.insert(e.key);
  }
  std::map<std::pair<uint32_t, uint64_t>, uint64_t> last;  // (shard, guild) -> position
  size_t violations = 0;
  for (const auto& r : received) {
    if (ambiguous.count(r.key)) continue;
    auto it = by_key.find(r.key);
    if (it == by_key.end()) continue;
    const Logged& e = *it->second;
    uint64_t& previous = last[{e.shard, e.guild.value()}];
    if (e.position <= previous) ++violations;
    previous = e.position;
  }
  EXPECT_EQ(violations, 0u) << what << ": a guild's events out of the logged order";
}

// Per stream: sequences 1.. (or from `first`) without gaps.
void ExpectContiguous(const std::vector<Received>& events, uint64_t first,
                      const std::string& what) {
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i].seq != first + i) {
      ADD_FAILURE() << what << ": event " << i << " has seq " << events[i].seq << ", expected "
                    << first + i;
      return;
    }
  }
}

// ---- The environment ----

struct GroupDef {
  std::string name;
  Filter filter;               // bots, guilds, types
  uint32_t max_in_flight = 0;  // 0: the default
};

class DispatchTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (server_) {
      server_->Shutdown(std::chrono::system_clock::now() + 2s);
      server_->Wait();
    }
    if (engine_) engine_->StopHost(/*keep_resumable=*/false);
    dispatcher_.reset();
    service_.reset();
    server_.reset();
    engine_.reset();
    dispatch_reactor_.Stop();
  }

  // `heartbeat_timeout` is generous by default: a loaded 2-core machine can stall a worker's
  // answer for over a second, and a timed-out test worker does not come back.
  void Start(std::vector<GroupDef> groups, Duration heartbeat_timeout = 5s, uint32_t guilds = 24) {
    EngineFixtureOptions engine;
    engine.sim = SmallSim(guilds, guilds * 100);
    engine.checkpoint_hold = checkpoint_hold_;
    // Not SmallSim's 500 ms: flat-out pumping on a busy 2-core machine would make zombies.
    engine.sim.gateway.heartbeat_interval = 3s;
    engine.sim.gateway.identify_interval = 200ms;
    engine.identify_interval = 200ms;
    engine_ = std::make_unique<EngineFixture>(engine);
    dispatch_reactor_.Start();
    dispatch::DispatchOptions options;
    options.heartbeat_interval = 100ms;
    options.heartbeat_timeout = heartbeat_timeout;
    options.reconnect_grace = 1500ms;
    // Small reads: the dispatcher often finds a full batch waiting and reads again at once (as
    // it does under load with the default 512).
    options.read_batch = 32;
    if (wake_slots_ != 0) options.wake_slots = wake_slots_;
    options.sync_interval = sync_interval_;
    dispatcher_ = std::make_unique<dispatch::Dispatcher>(dispatch_reactor_, engine_->clock(),
                                                         options, engine_->host());
    engine_->host().set_event_listener(
        [d = dispatcher_.get()](gateway::Shard& shard, const gateway::LoggedEvent& event) {
          d->OnShardEvent(shard, event);
        });
    spec_ = engine_->FirstBot(kShards);
    ASSERT_TRUE(engine_->host().AddBot(spec_).ok());
    guilds_ = engine_->Sim([&] {
      std::vector<GuildId> out;
      for (const auto& g : engine_->sim().world().guilds()) out.push_back(g->id);
      return out;
    });

    auto config = std::make_shared<control::ConfigSnapshot>();
    config->revision = 1;
    config->bots[bot().value()].set_id(bot().value());
    config->bots[kIdleBot].set_id(kIdleBot);
    for (const GroupDef& def : groups) {
      control::WorkerGroupView& group = config->worker_groups[def.name];
      group.name = def.name;
      group.tokens.push_back({"t1", "salt", control::HashToken("salt", Secret(def.name))});
      for (uint64_t b : def.filter.bots) group.spec.add_bot_ids(b);
      for (uint64_t g : def.filter.guilds) group.spec.add_guild_ids(g);
      for (const auto& t : def.filter.types) group.spec.add_event_types(t);
      if (def.max_in_flight != 0) group.spec.set_max_in_flight(def.max_in_flight);
      filters_[def.name] = def.filter;
    }
    {
      std::lock_guard lock(config_mutex_);
      config_ = config;
    }
    dispatcher_->UpdateConfig(config);
    service_ = std::make_unique<api::WorkerGroupService>(*dispatcher_, [this] {
      std::lock_guard lock(config_mutex_);
      return config_;
    });
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterCallbackGenericService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_TRUE(server_ != nullptr && port > 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
    ASSERT_TRUE(engine_->WaitReady(kShards));
    // Every guild available (its GUILD_CREATE logged) and nothing more coming: the tests'
    // events are the ones they pump.
    ASSERT_TRUE(WaitUntil(
        [&] {
          uint64_t cached = 0;
          for (const auto& summary : engine_->host().Summaries()) {
            cached += summary.stats.cache_counts.guilds;
          }
          return cached == guilds_.size();
        },
        30s))
        << "not every guild became available";
    ASSERT_TRUE(WaitQuiet());
  }

  // Waits until the shard logs have not grown for half a second.
  bool WaitQuiet() {
    auto last = Positions();
    auto since = std::chrono::steady_clock::now();
    return WaitUntil(
        [&] {
          auto now = Positions();
          if (now != last) {
            last = now;
            since = std::chrono::steady_clock::now();
          }
          return std::chrono::steady_clock::now() - since > 500ms;
        },
        30s);
  }

  BotId bot() const { return spec_.bot; }

  std::unique_ptr<Worker> Connect(WorkerOptions options) {
    return std::make_unique<Worker>(channel_, std::move(options));
  }

  // Everything the shards logged after `after` (by shard).
  std::vector<Logged> LoggedAfter(const std::array<uint64_t, kShards>& after) {
    std::vector<Logged> out;
    for (uint32_t s = 0; s < kShards; ++s) {
      for (const auto& e : engine_->Logged({bot(), ShardId(s)})) {
        if (e.position <= after[s]) continue;
        ev::EventEnvelope envelope;
        EXPECT_TRUE(envelope.ParseFromString(*e.body));
        out.push_back({s, e.position, e.guild, std::string(e.type), KeyOf(envelope)});
      }
    }
    return out;
  }

  // The last Discord sequence shard `s` received (logged or not: some dispatches have no event).
  uint64_t SessionSequence(uint32_t s) {
    for (const auto& summary : engine_->host().Summaries()) {
      if (summary.id.shard.value() == s) return summary.stats.session.sequence;
    }
    return 0;
  }

  // The sequence in shard `s`'s saved checkpoint (0: none).
  uint64_t CheckpointSequence(uint32_t s) {
    auto checkpoint = engine_->checkpoints().Load({bot(), ShardId(s)});
    return checkpoint ? checkpoint->sequence : 0;
  }

  // The Discord sequence of the first event shard `s` logged after log position `after` (0: none).
  uint64_t FirstSequenceAfter(uint32_t s, uint64_t after) {
    for (const auto& e : engine_->Logged({bot(), ShardId(s)})) {
      if (e.position > after) return e.discord_sequence;
    }
    return 0;
  }

  uint64_t LogReads(const std::string& group) {
    auto rows = dispatcher_->Status();
    return GroupRow(rows, group)->log_reads;
  }

  // A consumer of `group` that answers heartbeats but acknowledges nothing, once the group has
  // read the logs (a group starts "from now" at its first read: pump only after it).
  std::unique_ptr<Worker> ConnectFrozen(const std::string& group) {
    auto frozen = Connect({.group = group, .consumer_id = "frozen"});
    EXPECT_TRUE(frozen->WaitIdentified());
    frozen->FreezeAcks();
    EXPECT_TRUE(WaitUntil([&] { return LogReads(group) > 0; }));
    return frozen;
  }

  std::array<uint64_t, kShards> Positions() {
    std::array<uint64_t, kShards> out{};
    for (uint32_t s = 0; s < kShards; ++s) {
      engine_->OnShard({bot(), ShardId(s)}, [&](gateway::Shard* shard) {
        if (shard != nullptr) out[s] = shard->log().last_position();
      });
    }
    return out;
  }

  std::vector<Logged> Select(const std::vector<Logged>& events, const Filter& filter) {
    std::vector<Logged> out;
    for (const auto& e : events) {
      if (filter.Accepts(bot(), e)) out.push_back(e);
    }
    return out;
  }

  // Starts the simulator's pump: `n` events of the default mix, flat out (or at `rate`/s).
  void Pump(uint64_t n, double rate = 0) {
    engine_->Sim([&] {
      pump_target_ = engine_->sim().pump().generated() + n;
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
        [&] {
          return engine_->Sim([&] {
            return !engine_->sim().pump().running() &&
                   engine_->sim().pump().generated() >= pump_target_;
          });
        },
        60s))
        << "the pump did not finish";
    ASSERT_TRUE(WaitUntil(
        [&] {
          auto sessions = engine_->Sim([&] { return engine_->sim().gateway().Sessions(); });
          auto summaries = engine_->host().Summaries();
          // Every shard connected (not between a zombie close and its RESUME) and caught up.
          for (uint32_t shard = 0; shard < kShards; ++shard) {
            bool caught_up = false;
            for (const auto& s : sessions) {
              if (!s.connected || s.bot != bot() || s.shard != shard) continue;
              for (const auto& summary : summaries) {
                if (summary.id.shard.value() == shard &&
                    summary.stats.session.state == discord::SessionState::kReady &&
                    summary.stats.session.sequence == s.seq) {
                  caught_up = true;
                }
              }
            }
            if (!caught_up) return false;
          }
          return true;
        },
        60s))
        << "the engine did not catch up with the simulator";
    EXPECT_EQ(engine_->Sim([&] { return engine_->sim().pump().errors(); }), 0u);
  }

  // Dispatches the simulator sent, minus those the shards received but have no Pylon event for.
  uint64_t DispatchesSentMinusUnmodelled() {
    uint64_t sent = engine_->Sim([&] { return engine_->sim().gateway().dispatches_sent(); });
    uint64_t unmodelled = 0;
    for (const auto& summary : engine_->host().Summaries()) {
      for (const auto& [name, n] : summary.stats.unmodelled) unmodelled += n;
    }
    return sent - unmodelled;
  }

  // Waits until the workers together hold at least `n` events.
  bool WaitTotal(const std::vector<Worker*>& workers, size_t n, Duration timeout = 30s) {
    return WaitUntil(
        [&] {
          size_t total = 0;
          for (Worker* w : workers) total += w->event_count();
          return total >= n;
        },
        timeout);
  }

  const dispatch::GroupStatusRow* GroupRow(const std::vector<dispatch::GroupStatusRow>& rows,
                                           const std::string& name) {
    for (const auto& row : rows) {
      if (row.name == name) return &row;
    }
    return nullptr;
  }

  std::unique_ptr<EngineFixture> engine_;
  Reactor dispatch_reactor_{7, "dispatch"};
  std::unique_ptr<dispatch::Dispatcher> dispatcher_;
  std::unique_ptr<api::WorkerGroupService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::mutex config_mutex_;
  std::shared_ptr<const control::ConfigSnapshot> config_;
  std::map<std::string, Filter> filters_;
  gateway::BotSpec spec_;
  std::vector<GuildId> guilds_;
  uint64_t pump_target_ = 0;  // the simulator's generated() when the last Pump is done
  size_t wake_slots_ = 0;     // set before Start: DispatchOptions::wake_slots (0: the default)
  Duration checkpoint_hold_ = 60s;  // set before Start: HostOptions::checkpoint_hold
  Duration sync_interval_ = 1s;     // set before Start: DispatchOptions::sync_interval
};

std::vector<Worker*> Ptrs(const std::vector<std::unique_ptr<Worker>>& workers) {
  std::vector<Worker*> out;
  for (const auto& w : workers) out.push_back(w.get());
  return out;
}

// 3 consumers, 10,000 mixed events: each exactly once, per-guild order, sequences 1.. per stream.
TEST_F(DispatchTest, ThreeConsumersEachEventExactlyOnce) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(Connect({.group = "all", .consumer_id = "c" + std::to_string(i)}));
  }
  for (auto& w : workers) ASSERT_TRUE(w->WaitIdentified());
  auto before = Positions();
  uint64_t sent_before = DispatchesSentMinusUnmodelled();
  Pump(10'050);  // a few steps cause no dispatch the bot sees
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  ASSERT_GE(expected.size(), 10'000u);
  // The logs hold every dispatch the simulator sent (but those Pylon has no event for).
  EXPECT_EQ(expected.size(), DispatchesSentMinusUnmodelled() - sent_before);
  EXPECT_TRUE(WaitTotal(Ptrs(workers), expected.size()));
  std::this_thread::sleep_for(300ms);  // anything extra (a duplicate) would arrive by now

  std::vector<std::string> all;
  for (size_t i = 0; i < workers.size(); ++i) {
    auto events = workers[i]->events();
    std::string name = "consumer c" + std::to_string(i);
    EXPECT_GT(events.size(), 0u) << name << " got no guild";
    ExpectContiguous(events, 1, name);
    ExpectGuildOrder(expected, events, name);
    for (auto& key : Keys(events)) all.push_back(std::move(key));
  }
  ExpectExactlyOnce(expected, all, "group 'all'");
  auto rows = dispatcher_->Status();
  const auto* row = GroupRow(rows, "all");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->dropped, 0u);
  EXPECT_EQ(row->redelivered, 0u);
  EXPECT_EQ(row->delivered, expected.size());
  EXPECT_TRUE(WaitUntil([&] {
    auto r = dispatcher_->Status();
    return GroupRow(r, "all")->acked == expected.size();
  })) << "heartbeat acks did not acknowledge everything";
}

// One consumer stops reading while thousands of events queue for it (its window is large enough):
// its stream backs up behind HTTP/2 flow control, the write chain stops the dispatcher at its high
// watermark and wakes it again below the low one, several times over. When the consumer reads
// again, everything arrives once and in order.
TEST_F(DispatchTest, DeepBacklogOnOneStreamArrivesInOrder) {
  ASSERT_NO_FATAL_FAILURE(Start({{"deep", {}, 50'000}}, /*heartbeat_timeout=*/60s));
  auto worker = Connect({.group = "deep", .consumer_id = "slow"});
  ASSERT_TRUE(worker->WaitIdentified());
  worker->PauseReading();
  auto before = Positions();
  Pump(20'000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  ASSERT_GE(expected.size(), 19'000u);
  // The dispatcher hands the stream what fits; let the backlog build before reading again.
  std::this_thread::sleep_for(1s);
  EXPECT_LT(worker->event_count(), expected.size()) << "nothing backed up: the test proves little";
  worker->ResumeReading();
  ASSERT_TRUE(worker->WaitEvents(expected.size(), 60s)) << worker->event_count();
  std::this_thread::sleep_for(300ms);  // anything extra (a duplicate) would arrive by now
  auto events = worker->events();
  ExpectContiguous(events, 1, "slow");
  ExpectGuildOrder(expected, events, "slow");
  ExpectExactlyOnce(expected, Keys(events), "group 'deep'");
  auto rows = dispatcher_->Status();
  const auto* row = GroupRow(rows, "deep");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->dropped, 0u);
  EXPECT_EQ(row->delivered, expected.size());
}

// An idle group reads nothing: a drained log is read again when its shard logs an event, never
// polled. (An empty read once started the next one, a busy loop between the dispatcher's reactor
// and the shards' that kept both cores busy while nothing happened.) It still wakes afterwards.
TEST_F(DispatchTest, IdleGroupDoesNotPollTheLogs) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto worker = Connect({.group = "all", .consumer_id = "idle"});
  ASSERT_TRUE(worker->WaitIdentified());
  auto before = Positions();
  Pump(200);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  size_t expected = LoggedAfter(before).size();
  ASSERT_TRUE(worker->WaitEvents(expected, 30s)) << worker->event_count() << " of " << expected;
  std::this_thread::sleep_for(300ms);  // the last acks and reads settle
  const auto quiet = Positions();
  const uint64_t settled = LogReads("all");
  EXPECT_GT(settled, 0u);
  std::this_thread::sleep_for(1s);  // ten heartbeats and their acks, a subscription sync
  ASSERT_EQ(Positions(), quiet) << "the shards logged something: the test proves nothing";
  EXPECT_EQ(LogReads("all"), settled)
      << "the dispatcher read the shard logs while nothing was logged";

  before = Positions();
  Pump(20);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  expected += LoggedAfter(before).size();
  EXPECT_TRUE(worker->WaitEvents(expected, 30s)) << worker->event_count() << " of " << expected;
}

// Shards whose wake flags collide (forced here: one slot for both) lose no wake. Events trickle in
// on both shards a few at a time, so a read is often on its way when the other shard's event
// takes the shared wake; every event still arrives, none left behind for a next one to push out.
TEST_F(DispatchTest, ShardsSharingAWakeSlotLoseNoWake) {
  wake_slots_ = 1;
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto worker = Connect({.group = "all", .consumer_id = "shared"});
  ASSERT_TRUE(worker->WaitIdentified());
  auto before = Positions();
  Pump(2000, /*rate=*/1000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  std::set<uint32_t> shards;
  for (const auto& e : expected) shards.insert(e.shard);
  ASSERT_EQ(shards.size(), static_cast<size_t>(kShards)) << "events on one shard only";
  ASSERT_TRUE(worker->WaitEvents(expected.size(), 10s))
      << "stuck in the logs: " << expected.size() - worker->event_count() << " events";
  std::this_thread::sleep_for(300ms);
  auto events = worker->events();
  ExpectContiguous(events, 1, "shared");
  ExpectExactlyOnce(expected, Keys(events), "group 'all'");
}

// The committed sequence (architecture §5): a shard's checkpoint never runs ahead of what every
// worker group acknowledged. A worker that receives events but acknowledges none of them holds
// each shard's checkpoint just before the first of them, so a process restarted now would RESUME
// from there and Discord would replay them (that replay: EngineRestartTest). Once another consumer
// has taken them over and acknowledged them, the checkpoints catch up with the sessions.
TEST_F(DispatchTest, CheckpointsStopBeforeTheFirstUnacknowledgedEvent) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}, /*heartbeat_timeout=*/60s));
  auto frozen = ConnectFrozen("all");
  auto before = Positions();
  Pump(300);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  ASSERT_TRUE(frozen->WaitEvents(expected.size(), 30s));

  for (uint32_t s = 0; s < kShards; ++s) {
    const uint64_t first_unacked = FirstSequenceAfter(s, before[s]);
    const uint64_t last = engine_->Logged({bot(), ShardId(s)}).back().discord_sequence;
    ASSERT_GT(first_unacked, 0u) << "shard " << s << " logged nothing";
    ASSERT_GT(last, first_unacked);
    EXPECT_TRUE(WaitUntil([&] { return CheckpointSequence(s) == first_unacked - 1; }, 10s))
        << "shard " << s << ": checkpoint at " << CheckpointSequence(s) << ", first unacknowledged "
        << first_unacked << ", session at " << last;
    // What /metrics shows as pylon_shard_committed_sequence.
    for (const auto& summary : engine_->host().Summaries()) {
      if (summary.id.shard.value() != s) continue;
      EXPECT_EQ(summary.stats.committed_sequence, first_unacked - 1) << "shard " << s;
      EXPECT_GE(summary.stats.session.sequence, last) << "shard " << s;
    }
  }

  // Another consumer takes the events over (the frozen one's call ends; after the grace period
  // its unacknowledged events are redelivered) and acknowledges them.
  auto taker = Connect({.group = "all", .consumer_id = "taker"});
  ASSERT_TRUE(taker->WaitIdentified());
  frozen->Cancel();
  ASSERT_TRUE(taker->WaitEvents(expected.size(), 30s));
  for (uint32_t s = 0; s < kShards; ++s) {
    const uint64_t session = SessionSequence(s);
    EXPECT_TRUE(WaitUntil([&] { return CheckpointSequence(s) == session; }, 10s))
        << "shard " << s << ": checkpoint at " << CheckpointSequence(s) << ", session at "
        << session;
  }
}

// An undelivered event holds checkpoints back only while it is younger than the hold: a group
// whose workers are gone must not push the RESUME point past what Discord still replays.
TEST_F(DispatchTest, OldUndeliveredEventsStopHoldingCheckpoints) {
  checkpoint_hold_ = 4s;
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}, /*heartbeat_timeout=*/60s));
  auto frozen = ConnectFrozen("all");
  auto before = Positions();
  Pump(300);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  ASSERT_TRUE(frozen->WaitEvents(LoggedAfter(before).size(), 30s));
  const uint64_t first_unacked = FirstSequenceAfter(0, before[0]);
  ASSERT_GT(first_unacked, 0u);
  const uint64_t session = SessionSequence(0);
  EXPECT_TRUE(WaitUntil([&] { return CheckpointSequence(0) == first_unacked - 1; }, 3s))
      << "not held: checkpoint at " << CheckpointSequence(0);
  EXPECT_TRUE(WaitUntil([&] { return CheckpointSequence(0) == session; }, 10s))
      << "still held after the hold: checkpoint at " << CheckpointSequence(0) << ", session at "
      << session;
  EXPECT_EQ(frozen->acked(), 0u) << "the events were acknowledged after all";
}

// A bot restarted in place (its gateway settings changed: new shards under the same ids, whose
// logs start again at position 1): the group reads the new logs from their start, not from the
// old logs' cursor, and loses nothing.
TEST_F(DispatchTest, ABotRestartedInPlaceIsReadFromItsNewLogsStart) {
  // No subscription sync during the test: BotRunner's remove-and-add is quicker than the sync, so
  // the subscription outlives the old shards; here it must, however long stopping them takes.
  sync_interval_ = 1h;
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto worker = Connect({.group = "all", .consumer_id = "w"});
  ASSERT_TRUE(worker->WaitIdentified());
  auto before = Positions();
  Pump(500);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  size_t received = LoggedAfter(before).size();
  ASSERT_TRUE(worker->WaitEvents(received, 30s));
  const auto old_last = Positions();

  // As BotRunner does when a bot's settings change: remove, then add again at once.
  ASSERT_TRUE(engine_->host().RemoveBot(bot(), /*keep_resumable=*/false).ok());
  ASSERT_TRUE(engine_->host().AddBot(spec_).ok());
  ASSERT_TRUE(engine_->WaitReady(kShards));
  ASSERT_TRUE(WaitQuiet());
  auto fresh = Positions();
  for (uint32_t s = 0; s < kShards; ++s) {
    // The new events' positions stay below where the group had read the old log.
    ASSERT_LT(fresh[s] + 100, old_last[s]) << "the new log is not shorter: the test proves little";
  }
  const size_t since_restart = LoggedAfter({}).size();  // the new logs, READY onwards
  Pump(100);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(fresh);
  ASSERT_FALSE(expected.empty());
  EXPECT_TRUE(worker->WaitEvents(received + since_restart + expected.size(), 30s))
      << "got " << worker->event_count() - received << " of " << since_restart + expected.size()
      << " events of the new shards";
  std::set<std::string> keys;
  for (auto& key : Keys(worker->events())) keys.insert(std::move(key));
  size_t missing = 0;
  for (const auto& e : expected) missing += keys.count(e.key) ? 0 : 1;
  EXPECT_EQ(missing, 0u) << "events of the restarted shards never delivered";
}

// A consumer killed without draining (call cancelled, its last events unacknowledged): after the
// grace period its unacknowledged and queued events reach the others; nothing is lost.
TEST_F(DispatchTest, KilledConsumerEventsReachTheOthers) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(Connect({.group = "all", .consumer_id = "c" + std::to_string(i)}));
  }
  for (auto& w : workers) ASSERT_TRUE(w->WaitIdentified());
  Worker& victim = *workers[2];
  auto before = Positions();
  Pump(2000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto first = LoggedAfter(before);
  ASSERT_TRUE(WaitTotal(Ptrs(workers), first.size()));
  ASSERT_TRUE(WaitUntil([&] { return victim.acked() == victim.last_sequence(); }));
  // From now on the victim acknowledges nothing, receives more, and dies.
  victim.FreezeAcks();
  uint64_t acked = victim.acked();
  Pump(3000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  ASSERT_TRUE(WaitUntil([&] { return victim.last_sequence() > acked; }))
      << "the victim received nothing after freezing its acks";
  victim.Cancel();
  ASSERT_TRUE(victim.WaitDone());
  auto all_expected = LoggedAfter(before);

  // The survivors, plus what the victim had acknowledged, hold everything.
  std::vector<std::string> received;
  auto victim_events = victim.events();
  std::vector<Received> unacked;
  for (const auto& e : victim_events) {
    if (e.seq <= acked) {
      received.push_back(e.key);
    } else {
      unacked.push_back(e);
    }
  }
  ASSERT_FALSE(unacked.empty());
  size_t survivors_need = all_expected.size() - (received.size());
  std::vector<Worker*> survivors = {workers[0].get(), workers[1].get()};
  // Within the grace period (1.5 s) the victim keeps its place: nothing moves yet.
  std::this_thread::sleep_for(500ms);
  EXPECT_LT(workers[0]->event_count() + workers[1]->event_count(), survivors_need)
      << "redelivered before the grace period was over";
  EXPECT_TRUE(WaitTotal(survivors, survivors_need, 30s))
      << "the killed consumer's events never reached the others";
  std::this_thread::sleep_for(300ms);
  for (Worker* w : survivors) {
    auto events = w->events();
    ExpectContiguous(events, 1, "survivor");
    ExpectGuildOrder(all_expected, events, "survivor");
    for (auto& key : Keys(events)) received.push_back(std::move(key));
  }
  // Exactly once: what the victim acknowledged is not sent again; what it did not is sent to
  // the others (once).
  ExpectExactlyOnce(all_expected, received, "after the kill");
  auto rows = dispatcher_->Status();
  const auto* row = GroupRow(rows, "all");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->consumers.size(), 2u);
  EXPECT_GE(row->redelivered, unacked.size());
  EXPECT_EQ(row->dropped, 0u);
}

// drain_request while events flow: DRAIN_COMPLETE, then the call ends OK; nothing lost.
TEST_F(DispatchTest, DrainCompletesAndLosesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < 3; ++i) {
    workers.push_back(Connect({.group = "all", .consumer_id = "c" + std::to_string(i)}));
  }
  for (auto& w : workers) ASSERT_TRUE(w->WaitIdentified());
  Worker& leaving = *workers[1];
  auto before = Positions();
  Pump(6000, 4000);  // ~1.5 s of events
  ASSERT_TRUE(leaving.WaitEvents(100));
  leaving.Drain();
  ASSERT_TRUE(leaving.WaitDone());
  EXPECT_TRUE(leaving.status().ok()) << leaving.status().error_message();
  EXPECT_EQ(leaving.closes(), std::vector{wg::WorkerStreamClosed::DRAIN_COMPLETE});
  EXPECT_EQ(leaving.events_after_close(), 0u);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  std::vector<Worker*> stayed = {workers[0].get(), workers[2].get()};
  // What the drained worker had acknowledged, plus everything the others got.
  auto left_events = leaving.events();
  uint64_t acked = leaving.acked();
  std::vector<std::string> received;
  for (const auto& e : left_events) {
    if (e.seq <= acked) received.push_back(e.key);
  }
  EXPECT_TRUE(WaitTotal(stayed, expected.size() - received.size()));
  std::this_thread::sleep_for(300ms);
  for (Worker* w : stayed) {
    auto events = w->events();
    ExpectContiguous(events, 1, "stayed");
    ExpectGuildOrder(expected, events, "stayed");
    for (auto& key : Keys(events)) received.push_back(std::move(key));
  }
  ExpectExactlyOnce(expected, received, "after the drain");
  // Everything the drained worker received is somewhere (at least once overall).
  std::vector<std::string> everything = received;
  for (const auto& e : left_events) everything.push_back(e.key);
  ExpectAtLeastOnce(expected, everything, "after the drain");
  auto rows = dispatcher_->Status();
  EXPECT_EQ(GroupRow(rows, "all")->consumers.size(), 2u);
}

// A worker that loses its connection and comes back within the grace period with last_sequence
// gets exactly what it had not received: sequences continue, no gap, no duplicate.
TEST_F(DispatchTest, ReconnectWithLastSequenceGetsExactlyTheMissingEvents) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto first = Connect({.group = "all", .consumer_id = "solo"});
  ASSERT_TRUE(first->WaitIdentified());
  first->FreezeAcks();  // acks stay at 0: everything it received is unacknowledged
  auto before = Positions();
  Pump(4000);
  ASSERT_TRUE(first->WaitEvents(300));
  first->Cancel();
  ASSERT_TRUE(first->WaitDone());
  auto got_first = first->events();
  uint64_t last = first->last_sequence();
  ASSERT_GT(last, 0u);
  // Reconnect at once (the server may not even have noticed the old call ending yet).
  auto second = Connect({.group = "all", .consumer_id = "solo", .last_sequence = last});
  ASSERT_TRUE(second->WaitIdentified());
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  EXPECT_TRUE(second->WaitEvents(expected.size() - got_first.size(), 30s))
      << "got " << second->event_count() << " of " << expected.size() - got_first.size();
  std::this_thread::sleep_for(300ms);
  auto got_second = second->events();
  ASSERT_FALSE(got_second.empty());
  EXPECT_EQ(got_second.front().seq, last + 1);
  ExpectContiguous(got_first, 1, "first connection");
  ExpectContiguous(got_second, last + 1, "second connection");
  std::vector<Received> both = got_first;
  both.insert(both.end(), got_second.begin(), got_second.end());
  ExpectGuildOrder(expected, both, "both connections");
  ExpectExactlyOnce(expected, Keys(both), "across the reconnect");
  auto rows = dispatcher_->Status();
  ASSERT_EQ(GroupRow(rows, "all")->consumers.size(), 1u);
  EXPECT_TRUE(GroupRow(rows, "all")->consumers[0].attached);
}

// The same worker opening a new stream while its old one is still open (e.g. after a network
// change the old connection is half dead): the old call ends OK without stream_closed, the new
// one gets what the old one had not received, and keeps receiving.
TEST_F(DispatchTest, ReplacingALiveStream) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto first = Connect({.group = "all", .consumer_id = "solo"});
  ASSERT_TRUE(first->WaitIdentified());
  first->FreezeAcks();
  auto before = Positions();
  Pump(1000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  ASSERT_TRUE(first->WaitEvents(200));
  uint64_t last = first->last_sequence();
  auto second = Connect({.group = "all", .consumer_id = "solo", .last_sequence = last});
  ASSERT_TRUE(second->WaitIdentified());
  ASSERT_TRUE(first->WaitDone());
  EXPECT_TRUE(first->status().ok()) << first->status().error_message();
  EXPECT_TRUE(first->closes().empty());
  // Events after the switch still flow to the new stream (after the old one's end was seen).
  std::this_thread::sleep_for(500ms);
  Pump(1000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  // The old stream may have received more than `last` before it ended; those are sent again.
  auto got_first = first->events();
  std::vector<Received> kept;
  for (const auto& e : got_first) {
    if (e.seq <= last) kept.push_back(e);
  }
  EXPECT_TRUE(second->WaitEvents(expected.size() - kept.size(), 20s))
      << "the new stream got " << second->event_count() << " of " << expected.size() - kept.size();
  std::this_thread::sleep_for(300ms);
  auto got_second = second->events();
  ASSERT_FALSE(got_second.empty());
  ExpectContiguous(got_second, last + 1, "new stream");
  kept.insert(kept.end(), got_second.begin(), got_second.end());
  ExpectExactlyOnce(expected, Keys(kept), "across the replacement");
  EXPECT_FALSE(second->WaitDone(200ms)) << "the new stream ended";
}

// A worker that stops answering heartbeats: stream_closed{HEARTBEAT_TIMEOUT}, then OK; after the
// grace period its unacknowledged events go to the others.
TEST_F(DispatchTest, HeartbeatTimeout) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}, /*heartbeat_timeout=*/1500ms));
  auto good = Connect({.group = "all", .consumer_id = "good"});
  auto mute = Connect({.group = "all", .consumer_id = "mute", .answer_heartbeats = false});
  ASSERT_TRUE(good->WaitIdentified());
  ASSERT_TRUE(mute->WaitIdentified());
  auto before = Positions();
  Pump(2000);
  ASSERT_TRUE(mute->WaitDone(10s));
  EXPECT_EQ(mute->closes(), std::vector{wg::WorkerStreamClosed::HEARTBEAT_TIMEOUT});
  EXPECT_TRUE(mute->status().ok()) << mute->status().error_message();
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  EXPECT_TRUE(good->WaitEvents(expected.size(), 20s))
      << "got " << good->event_count() << " of " << expected.size();
  EXPECT_TRUE(good->closes().empty()) << "the worker that answered heartbeats was closed";
  std::this_thread::sleep_for(300ms);
  ExpectExactlyOnce(expected, Keys(good->events()), "the good worker");
  ExpectGuildOrder(expected, good->events(), "the good worker");
}

// Groups with different filters each get exactly their events; streams narrow with
// x-pylon-event-types (repeated and comma-joined) and x-pylon-shard-key.
TEST_F(DispatchTest, FiltersAndNarrowing) {
  ASSERT_NO_FATAL_FAILURE(Start({}));
  // Groups are made now that the guilds are known.
  Filter by_bot{.bots = {bot().value()}};
  Filter other_bot{.bots = {kIdleBot}};
  Filter by_guild{.guilds = {guilds_[0].value(), guilds_[3].value(), guilds_[7].value()}};
  Filter by_type{.types = {"MESSAGE_CREATE", "MESSAGE_REACTION_ADD", "GUILD_MEMBER_ADD"}};
  Filter mixed{.bots = {bot().value()},
               .guilds = {guilds_[1].value(), guilds_[2].value()},
               .types = {"MESSAGE_CREATE", "TYPING_START"}};
  {
    std::lock_guard lock(config_mutex_);
    auto config = std::make_shared<control::ConfigSnapshot>(*config_);
    config->revision = 2;
    auto add = [&](const std::string& name, const Filter& f) {
      control::WorkerGroupView& group = config->worker_groups[name];
      group.name = name;
      group.tokens.push_back({"t1", "salt", control::HashToken("salt", Secret(name))});
      for (uint64_t b : f.bots) group.spec.add_bot_ids(b);
      for (uint64_t g : f.guilds) group.spec.add_guild_ids(g);
      for (const auto& t : f.types) group.spec.add_event_types(t);
    };
    add("bybot", by_bot);
    add("otherbot", other_bot);
    add("byguild", by_guild);
    add("bytype", by_type);
    add("mixed", mixed);
    add("narrow", {});
    add("shard", {});
    config_ = config;
    dispatcher_->UpdateConfig(config);
  }
  std::this_thread::sleep_for(200ms);
  auto w_bot = Connect({.group = "bybot"});
  auto w_other = Connect({.group = "otherbot"});
  auto w_guild = Connect({.group = "byguild"});
  auto w_type = Connect({.group = "bytype"});
  auto w_mixed = Connect({.group = "mixed"});
  auto w_narrow = Connect({.group = "narrow",
                           .metadata = {{"x-pylon-event-types", "MESSAGE_DELETE"},
                                        {"x-pylon-event-types", "TYPING_START, PRESENCE_UPDATE"}}});
  std::string shard_key = std::to_string(bot().value()) + "-1-2";
  auto w_shard = Connect({.group = "shard", .metadata = {{"x-pylon-shard-key", shard_key}}});
  for (Worker* w : {w_bot.get(), w_other.get(), w_guild.get(), w_type.get(), w_mixed.get(),
                    w_narrow.get(), w_shard.get()}) {
    ASSERT_TRUE(w->WaitIdentified());
  }
  auto before = Positions();
  Pump(4000);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto all = LoggedAfter(before);
  struct Case {
    std::string name;
    Worker* worker;
    Filter filter;
  };
  Filter narrow{.types = {"MESSAGE_DELETE", "TYPING_START", "PRESENCE_UPDATE"}};
  Filter shard{.shard = 1};
  std::vector<Case> cases = {
      {"bybot", w_bot.get(), by_bot},       {"otherbot", w_other.get(), other_bot},
      {"byguild", w_guild.get(), by_guild}, {"bytype", w_type.get(), by_type},
      {"mixed", w_mixed.get(), mixed},      {"narrow", w_narrow.get(), narrow},
      {"shard", w_shard.get(), shard}};
  for (const Case& c : cases) {
    auto expected = Select(all, c.filter);
    if (c.name != "otherbot") {
      EXPECT_GT(expected.size(), 0u) << c.name << ": the test's filter selects nothing";
    }
    EXPECT_TRUE(c.worker->WaitEvents(expected.size(), 20s))
        << c.name << ": got " << c.worker->event_count() << " of " << expected.size();
  }
  std::this_thread::sleep_for(300ms);
  for (const Case& c : cases) {
    auto expected = Select(all, c.filter);
    auto events = c.worker->events();
    ExpectExactlyOnce(expected, Keys(events), c.name);
    ExpectGuildOrder(expected, events, c.name);
    ExpectContiguous(events, 1, c.name);
  }
}

// Bad input: each gets stream_closed{INVALID_IDENTITY} and then the call ends OK, with nothing
// else sent; the server keeps serving good workers.
TEST_F(DispatchTest, BadInput) {
  ASSERT_NO_FATAL_FAILURE(Start({{"all", {}}}));
  auto expect_refused = [&](Worker& w, const std::string& what) {
    ASSERT_TRUE(w.WaitDone()) << what << ": the call did not end";
    EXPECT_TRUE(w.status().ok()) << what << ": " << w.status().error_code() << " "
                                 << w.status().error_message();
    EXPECT_EQ(w.closes(), std::vector{wg::WorkerStreamClosed::INVALID_IDENTITY}) << what;
    EXPECT_FALSE(w.identified()) << what;
    EXPECT_EQ(w.event_count(), 0u) << what;
  };
  {
    auto w = Connect({.group = "all", .identify = false});
    wg::WorkerStreamClientMessage ack;
    ack.mutable_heartbeat_ack()->set_nonce("x");
    w->Write(ack);
    expect_refused(*w, "heartbeat_ack before identify");
  }
  {
    auto w = Connect({.group = "all", .identify = false});
    wg::WorkerStreamClientMessage drain;
    drain.mutable_drain_request();
    w->Write(drain);
    expect_refused(*w, "drain_request before identify");
  }
  {
    auto w = Connect({.group = "all", .identify = false});
    w->Write(wg::WorkerStreamClientMessage());
    expect_refused(*w, "an empty message first");
  }
  {
    auto w = Connect({.group = "all", .token = "pylon_wg_all_wrong"});
    expect_refused(*w, "wrong token");
  }
  {
    auto w = Connect({.group = "all", .token = "noauth"});
    expect_refused(*w, "the TypeScript client's 'noauth'");
  }
  {
    auto w = Connect({.group = "nosuchgroup", .token = Secret("all")});
    expect_refused(*w, "unknown group");
  }
  {
    auto w = Connect({.group = "", .token = Secret("all")});
    expect_refused(*w, "empty group");
  }
  for (const char* key : {"nonsense", "1-2-2", "1-0-0", "12-0-1-extra", "-0-1", ""}) {
    auto w = Connect({.group = "all", .metadata = {{"x-pylon-shard-key", key}}});
    expect_refused(*w, std::string("x-pylon-shard-key '") + key + "'");
  }
  {
    RawCall raw(channel_, "\xff\xff\xff\xff garbage");
    EXPECT_TRUE(raw.status.ok()) << raw.status.error_message();
    ASSERT_EQ(raw.messages.size(), 1u) << "garbage bytes";
    EXPECT_EQ(raw.messages[0].stream_closed().reason(), wg::WorkerStreamClosed::INVALID_IDENTITY);
  }
  {
    // Identify twice: the second is refused and the call ends.
    auto w = Connect({.group = "all", .consumer_id = "twice"});
    ASSERT_TRUE(w->WaitIdentified());
    wg::WorkerStreamClientMessage identify;
    identify.mutable_identify_request()->set_auth_token(Secret("all"));
    identify.mutable_identify_request()->set_consumer_group("all");
    w->Write(identify);
    ASSERT_TRUE(w->WaitDone());
    EXPECT_TRUE(w->status().ok());
    EXPECT_EQ(w->closes(), std::vector{wg::WorkerStreamClosed::INVALID_IDENTITY});
  }
  {
    // Another method on the service's path prefix.
    grpc::ClientContext context;
    grpc::internal::RpcMethod method("/pylon.gateway.v1.service.GatewayWorkerGroup/Nope",
                                     grpc::internal::RpcMethod::BIDI_STREAMING);
    std::unique_ptr<grpc::ClientReaderWriter<grpc::ByteBuffer, grpc::ByteBuffer>> call(
        grpc::internal::ClientReaderWriterFactory<grpc::ByteBuffer, grpc::ByteBuffer>::Create(
            channel_.get(), method, &context));
    grpc::ByteBuffer in;
    while (call->Read(&in)) {
    }
    EXPECT_EQ(call->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }
  // The server is fine: a good worker gets events.
  auto good = Connect({.group = "all", .consumer_id = "good"});
  ASSERT_TRUE(good->WaitIdentified());
  auto before = Positions();
  Pump(200);
  ASSERT_NO_FATAL_FAILURE(WaitPumpedAndLogged());
  auto expected = LoggedAfter(before);
  EXPECT_TRUE(good->WaitEvents(expected.size()));
  // Refused streams leave no consumer behind (the one refused after identifying goes when its
  // grace period ends).
  EXPECT_TRUE(WaitUntil(
      [&] {
        auto rows = dispatcher_->Status();
        return GroupRow(rows, "all")->consumers.size() == 1u;
      },
      5s));
}

}  // namespace
}  // namespace pylon::testing
