// Copyright 2026 The Pylon Gateway Authors.

#include "api/push_dispatcher.h"

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <deque>
#include <random>
#include <set>
#include <thread>

#include "api/envelope_wire.h"
#include "base/log.h"
#include "discord/v1/event.pb.h"

namespace pylon::api {
namespace {

using internal::EncodeEnvelopeHeaderField;
using internal::SharedBodySlice;

constexpr size_t kHighWatermark = 512;  // messages queued on a call before it pushes back
constexpr size_t kLowWatermark = 128;
constexpr size_t kMaxPendingNonces = 16;

const char* StateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "IDLE";
    case GRPC_CHANNEL_CONNECTING:
      return "CONNECTING";
    case GRPC_CHANNEL_READY:
      return "READY";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "TRANSIENT_FAILURE";
    case GRPC_CHANNEL_SHUTDOWN:
      return "SHUTDOWN";
  }
  return "UNKNOWN";
}

const char* CodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "UNKNOWN";
  }
}

int Millis(Duration d) {
  return static_cast<int>(std::chrono::duration_cast<milliseconds>(d).count());
}

}  // namespace

Duration PushBackoff(const PushOptions& options, uint32_t failures, double random01) {
  double cap = static_cast<double>(options.max_backoff.count());
  double base = static_cast<double>(options.initial_backoff.count());
  for (uint32_t i = 1; i < failures && base < cap; ++i) base *= options.backoff_multiplier;
  base = std::min(base, cap);
  double jitter = std::clamp(options.jitter, 0.0, 1.0);
  double factor = 1.0 - jitter + 2.0 * jitter * std::clamp(random01, 0.0, 1.0);
  return Duration(static_cast<Duration::rep>(std::min(base * factor, cap)));
}

// Outlives every target: the number of calls gRPC has not finished with (Stop() waits for 0).
struct PushDispatcher::Shared {
  std::atomic<int> live_calls{0};
};

namespace {

// One GatewayDispatchStreaming/Event call. Created and driven on the dispatcher's reactor; gRPC's
// callbacks post there. It deletes itself (on the reactor) after OnDone. It reaches its target
// only through the target's weak pointer and its generation, so a target may go first.
class PushCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  struct Sink {  // the target, on the reactor
    virtual ~Sink() = default;
    virtual void OnAck(uint64_t generation, uint64_t sequence) = 0;
    virtual void OnCallEnded(uint64_t generation, std::string why) = 0;
    virtual void OnCallWritable(uint64_t generation) = 0;
    virtual void OnCallDone(uint64_t generation, const grpc::Status& status) = 0;
  };

  PushCall(std::shared_ptr<grpc::Channel> channel, Reactor& reactor, std::weak_ptr<Sink> sink,
           uint64_t generation, std::shared_ptr<std::atomic<int>> live)
      : reactor_(reactor),
        sink_(std::move(sink)),
        generation_(generation),
        live_(std::move(live)),
        stub_(std::move(channel)) {
    live_->fetch_add(1);
    // Not wait_for_ready: the channel was READY a moment ago; if it is not now, fail fast.
    stub_.PrepareBidiStreamingCall(&context_, PushDispatcher::kEventMethod, grpc::StubOptions(),
                                   this);
    AddHold();  // writes start from the reactor, outside reactions: OnDone must wait for them
    StartRead(&read_);
    StartCall();
  }
  ~PushCall() override { live_->fetch_sub(1); }

  // ---- The reactor ----
  // Returns false when the call cannot take more now (OnCallWritable follows) or is ending.
  bool Send(grpc::ByteBuffer message) {
    if (writes_ended_ || closing_) return false;
    outbox_.push_back(std::move(message));
    if (!writing_) WriteNext();
    if (outbox_.size() >= kHighWatermark) {
      blocked_ = true;
      return false;
    }
    return true;
  }

  // Half-closes once what is queued is written; the target then ends the call.
  void HalfClose() {
    if (closing_ || writes_ended_) return;
    closing_ = true;
    if (!writing_ && outbox_.empty()) FinishWrites();
  }

  // Ends the call now.
  void Cancel() {
    context_.TryCancel();
    EndWrites();
  }

  // ---- gRPC's threads ----
  void OnReadDone(bool ok) override {
    if (!ok) {
      Post([this] {
        EndWrites();
        if (auto sink = sink_.lock()) sink->OnCallEnded(generation_, "");
      });
      return;
    }
    std::vector<grpc::Slice> slices;
    std::string bytes;
    bool parsed = read_.Dump(&slices).ok();
    for (const auto& slice : slices) {
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    }
    ::pylon::discord::v1::event::EventEnvelopeAck ack;
    parsed = parsed && ack.ParseFromString(bytes);
    if (!parsed) {
      Post([this] {
        Cancel();
        if (auto sink = sink_.lock()) {
          sink->OnCallEnded(generation_,
                            "the target sent a message that is not an EventEnvelopeAck");
        }
      });
      return;  // no more reads: the call is cancelled
    }
    uint64_t sequence = ack.seq();
    Post([sink = sink_, generation = generation_, sequence] {
      if (auto s = sink.lock()) s->OnAck(generation, sequence);
    });
    StartRead(&read_);
  }

  void OnWriteDone(bool ok) override {
    Post([this, ok] { WriteDone(ok); });
  }

  void OnDone(const grpc::Status& status) override {
    // No more callbacks: everything posted before this has been posted.
    bool posted = reactor_.Post([this, status] {
      if (auto sink = sink_.lock()) sink->OnCallDone(generation_, status);
      delete this;
    });
    if (!posted) delete this;  // the reactor is stopping: nothing of ours runs there any more
  }

 private:
  void Post(UniqueFunction<void()> fn) { reactor_.Post(std::move(fn)); }

  void WriteNext() {
    if (outbox_.empty() || writes_ended_) return;
    writing_ = true;
    grpc::WriteOptions options;
    if (outbox_.size() > 1) options.set_buffer_hint();  // more follows: let gRPC coalesce
    current_ = std::move(outbox_.front());
    outbox_.pop_front();
    StartWrite(&current_, options);
  }

  void WriteDone(bool ok) {
    writing_ = false;
    if (!ok) {
      Cancel();
      if (auto sink = sink_.lock()) sink->OnCallEnded(generation_, "");
      return;
    }
    if (!outbox_.empty()) {
      WriteNext();
    } else if (closing_) {
      FinishWrites();
    }
    if (blocked_ && outbox_.size() <= kLowWatermark) {
      blocked_ = false;
      if (auto sink = sink_.lock()) sink->OnCallWritable(generation_);
    }
  }

  void FinishWrites() {
    if (writes_ended_) return;
    writes_ended_ = true;
    StartWritesDone();
    RemoveHold();
  }

  void EndWrites() {
    if (writes_ended_) return;
    writes_ended_ = true;
    outbox_.clear();
    RemoveHold();
  }

  Reactor& reactor_;
  std::weak_ptr<Sink> sink_;
  const uint64_t generation_;
  std::shared_ptr<std::atomic<int>> live_;
  grpc::GenericStub stub_;
  grpc::ClientContext context_;
  grpc::ByteBuffer read_;
  // Reactor state.
  std::deque<grpc::ByteBuffer> outbox_;
  grpc::ByteBuffer current_;
  bool writing_ = false;
  bool blocked_ = false;
  bool closing_ = false;
  bool writes_ended_ = false;
};

}  // namespace

// One (group, push target): a small state machine on the dispatcher's reactor.
//   backoff --timer--> connecting (call open) --channel READY--> streaming (attached)
//   connecting / streaming --call done (unreachable, timeout, target gone)--> backoff
struct PushDispatcher::Target final : public PushCall::Sink {
  enum class State { kBackoff, kConnecting, kStreaming, kStopped };

  Target(dispatch::Dispatcher& d, const Clock& c, const PushOptions& o,
         std::shared_ptr<std::atomic<int>> live, std::string group_name, std::string addr)
      : dispatcher(d),
        clock(c),
        options(o),
        live_calls(std::move(live)),
        group(std::move(group_name)),
        address(std::move(addr)),
        consumer_id("push:" + address),
        timer(d.reactor()),
        heartbeat_timer(d.reactor()),
        close_timer(d.reactor()),
        rng(std::random_device{}()) {}

  ~Target() override {
    if (call != nullptr) call->Cancel();  // it deletes itself after OnDone
  }

  dispatch::Dispatcher& dispatcher;
  const Clock& clock;
  const PushOptions options;
  std::shared_ptr<std::atomic<int>> live_calls;
  std::weak_ptr<Target> self;
  const std::string group;
  const std::string address;
  const std::string consumer_id;

  State state = State::kBackoff;
  std::shared_ptr<grpc::Channel> channel;
  MonoTime connect_deadline{};
  PushCall* call = nullptr;  // the current call, until its OnDone
  uint64_t generation = 0;   // of the current call; older calls' callbacks are ignored
  dispatch::Dispatcher::ConsumerId consumer = 0;
  bool attached = false;
  uint64_t acked = 0;              // every sequence up to this one was acknowledged
  std::set<uint64_t> acked_ahead;  // acknowledged above a gap (bounded by the window)
  uint64_t highest_sent = 0;       // on the current call
  bool acked_on_call = false;
  bool flush_posted = false;
  std::vector<std::string> pending_nonces;
  uint32_t failures = 0;
  uint64_t connects = 0;
  std::string last_error;
  Timer timer;
  Timer heartbeat_timer;
  Timer close_timer;
  std::mt19937_64 rng;

  template <typename Fn>
  UniqueFunction<void()> Weak(Fn fn) {
    return [weak = self, fn = std::move(fn)]() mutable {
      if (auto t = weak.lock()) fn(*t);
    };
  }

  // Opens the call at once: a call in progress is what makes gRPC drive the connection (a bare
  // channel's connectivity is only polled every few seconds). The consumer attaches when the
  // channel is READY; a target that cannot be reached fails the call (UNAVAILABLE).
  void Connect() {
    if (state == State::kStopped) return;
    state = State::kConnecting;
    grpc::ChannelArguments args;
    // A channel of its own per attempt, with a subchannel pool of its own: our backoff decides
    // when to dial, not a subchannel's backoff shared with other channels.
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, Millis(options.keepalive_time));
    args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, Millis(options.keepalive_timeout));
    args.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);
    channel = grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
    ++generation;
    highest_sent = 0;
    acked_ahead.clear();
    acked_on_call = false;
    pending_nonces.clear();
    call = new PushCall(channel, dispatcher.reactor(), self, generation, live_calls);
    connect_deadline = clock.Now() + options.connect_timeout;
    timer.RunAfter(options.connect_poll, Weak([](Target& t) { t.PollConnect(); }));
  }

  void PollConnect() {
    if (state != State::kConnecting || channel == nullptr || call == nullptr) return;
    grpc_connectivity_state s = channel->GetState(/*try_to_connect=*/true);
    if (s == GRPC_CHANNEL_READY) return AttachConsumer();
    if (clock.Now() >= connect_deadline) {
      last_error = "timed out connecting to " + address + " (channel " + StateName(s) + ")";
      call->Cancel();  // OnCallDone retries with backoff
      return;
    }
    timer.RunAfter(options.connect_poll, Weak([](Target& t) { t.PollConnect(); }));
  }

  void ScheduleReconnect() {
    if (state == State::kStopped) return;
    state = State::kBackoff;
    double r = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    Duration delay = PushBackoff(options, failures, r);
    if (failures <= 1) {
      log::Warn("push target {} of worker group {}: {}; reconnecting in {} ms", address, group,
                last_error, Millis(delay));
    } else {
      log::Debug("push target {} of worker group {}: {} (failure {}); reconnecting in {} ms",
                 address, group, last_error, failures, Millis(delay));
    }
    timer.RunAfter(delay, Weak([](Target& t) { t.Connect(); }));
  }

  void AttachConsumer() {
    state = State::kStreaming;
    dispatch::ConsumerRequest request;
    request.group = group;
    request.consumer_id = consumer_id;
    request.last_sequence = acked;  // everything after it is sent again
    // The dispatcher holds the stream as a shared_ptr; it must not own the target.
    auto link = std::make_shared<Link>(self, generation);
    dispatcher.Attach(
        std::move(request), link,
        [weak = self, gen = generation, d = &dispatcher](
            Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> attached) {
          auto t = weak.lock();
          if (t == nullptr) {
            if (attached.ok()) d->Drain(attached->first);  // removed meanwhile: leave the group
            return;
          }
          t->OnAttached(gen, std::move(attached));
        });
  }

  void OnAttached(uint64_t gen,
                  Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> result) {
    if (gen != generation || call == nullptr || state != State::kStreaming) {
      if (result.ok()) dispatcher.Detach(result->first);
      return;
    }
    if (!result.ok()) {
      last_error = "the dispatcher refused the target: " + result.error().message();
      call->Cancel();  // OnCallDone reconnects with backoff
      return;
    }
    consumer = result->first;
    attached = true;
    ++connects;
    log::Info("push target {} of worker group {} connected (resuming after sequence {})", address,
              group, acked);
  }

  // ---- dispatch::ConsumerStream, through Link ----
  bool SendEvents(std::span<const dispatch::OutboundEvent> events) {
    if (call == nullptr) return false;
    bool more = true;
    for (const auto& e : events) {
      grpc::Slice slices[2] = {
          grpc::Slice(EncodeEnvelopeHeaderField(e.sequence, e.received_unix_us)),
          SharedBodySlice(e.body)};
      highest_sent = std::max(highest_sent, e.sequence);
      more = call->Send(grpc::ByteBuffer(slices, 2));
    }
    return more;
  }

  void SendHeartbeatRequest(const std::string& nonce) {
    // Answered with the next target ack, or after heartbeat_answer_delay while the call is up.
    // Never at once: an answer makes the dispatcher pump, which may ask again at once.
    if (pending_nonces.size() >= kMaxPendingNonces) pending_nonces.erase(pending_nonces.begin());
    pending_nonces.push_back(nonce);
    if (!heartbeat_timer.pending()) {
      heartbeat_timer.RunAfter(options.heartbeat_answer_delay,
                               Weak([](Target& t) { t.AnswerHeartbeats(); }));
    }
  }

  void Close(std::optional<dispatch::CloseReason> reason) {
    // The dispatcher let go of this stream (heartbeat timeout, group removed, shutdown).
    attached = false;
    if (call == nullptr) return;
    if (reason == dispatch::CloseReason::kHeartbeatTimeout) {
      last_error = "closed by the dispatcher: no acknowledgement in time";
    } else if (reason == dispatch::CloseReason::kInvalidIdentity) {
      last_error = "closed by the dispatcher: the worker group is gone";
    }
    call->HalfClose();  // Java completes its side when we complete ours
    close_timer.RunAfter(options.close_timeout, Weak([gen = generation](Target& t) {
                           if (t.generation == gen && t.call != nullptr) t.call->Cancel();
                         }));
  }

  // ---- PushCall::Sink ----
  void OnAck(uint64_t gen, uint64_t sequence) override {
    if (gen != generation || sequence <= acked || sequence > highest_sent) return;
    acked_ahead.insert(sequence);
    uint64_t before = acked;
    while (!acked_ahead.empty() && *acked_ahead.begin() == acked + 1) {
      acked_ahead.erase(acked_ahead.begin());
      ++acked;
    }
    if (acked == before) return;
    if (!acked_on_call) {
      acked_on_call = true;
      failures = 0;  // the target works: the next failure starts the backoff over
      last_error.clear();
    }
    if (!flush_posted) {
      // Acks come one per envelope: tell the dispatcher once per burst.
      flush_posted = true;
      dispatcher.reactor().Post(Weak([](Target& t) { t.FlushAcks(); }));
    }
  }

  void FlushAcks() {
    flush_posted = false;
    if (!attached) return;
    heartbeat_timer.Cancel();
    if (pending_nonces.empty()) {
      dispatcher.Ack(consumer, "", acked);
      return;
    }
    for (auto& nonce : pending_nonces) dispatcher.Ack(consumer, std::move(nonce), acked);
    pending_nonces.clear();
  }

  void AnswerHeartbeats() {
    if (!attached || call == nullptr || pending_nonces.empty()) return;
    for (auto& nonce : pending_nonces) dispatcher.Ack(consumer, std::move(nonce), acked);
    pending_nonces.clear();
  }

  void OnCallEnded(uint64_t gen, std::string why) override {
    if (gen != generation) return;
    if (!why.empty()) last_error = std::move(why);
    if (attached) {
      attached = false;
      dispatcher.Detach(consumer);  // its place is kept for the grace period
    }
  }

  void OnCallWritable(uint64_t gen) override {
    if (gen == generation && attached) dispatcher.OnWritable(consumer);
  }

  void OnCallDone(uint64_t gen, const grpc::Status& status) override {
    if (gen != generation) return;
    call = nullptr;
    channel.reset();
    close_timer.Cancel();
    heartbeat_timer.Cancel();
    pending_nonces.clear();
    if (attached) {
      attached = false;
      dispatcher.Detach(consumer);
    }
    if (state == State::kStopped) return;
    timer.Cancel();  // a connect poll
    if (!status.ok()) {
      // A status the target chose is the most useful error; a cancel is ours (last_error says why).
      if (status.error_code() != grpc::StatusCode::CANCELLED || last_error.empty()) {
        last_error = (state == State::kConnecting ? "cannot connect to " + address + ": "
                                                  : std::string("stream ended: ")) +
                     CodeName(status.error_code()) + ": " + status.error_message();
      }
    } else if (last_error.empty()) {
      last_error = "the target ended the stream";
    }
    ++failures;
    ScheduleReconnect();
  }

  // Leaves for good. `leave_group`: the consumer drains at once (its events go to the group's
  // other consumers); otherwise it is only detached (shutdown).
  void Stop(bool leave_group) {
    state = State::kStopped;
    timer.Cancel();
    heartbeat_timer.Cancel();
    close_timer.Cancel();
    if (attached) {
      attached = false;
      if (leave_group) {
        dispatcher.Drain(consumer);
      } else {
        dispatcher.Detach(consumer);
      }
    }
    if (call != nullptr) call->Cancel();
    channel.reset();
  }

  PushTargetStatusRow Row() const {
    PushTargetStatusRow row;
    row.group = group;
    row.address = address;
    row.connected = attached && call != nullptr;
    row.last_acked_sequence = acked;
    row.last_error = last_error;
    row.failures = failures;
    row.connects = connects;
    return row;
  }

  // What the dispatcher holds: forwards to the target while it and this call exist.
  class Link final : public dispatch::ConsumerStream {
   public:
    Link(std::weak_ptr<Target> target, uint64_t generation)
        : target_(std::move(target)), generation_(generation) {}
    bool SendEvents(std::span<const dispatch::OutboundEvent> events) override {
      Target* t = Live();
      return t != nullptr && t->SendEvents(events);
    }
    void SendHeartbeatRequest(const std::string& nonce) override {
      if (Target* t = Live()) t->SendHeartbeatRequest(nonce);
    }
    void Close(std::optional<dispatch::CloseReason> reason) override {
      if (Target* t = Live()) t->Close(reason);
    }

   private:
    Target* Live() {
      auto t = target_.lock();
      // The target is owned by the PushDispatcher on this same reactor: it stays alive for the
      // rest of this call even though the shared_ptr is released here.
      return t != nullptr && t->generation == generation_ && t->call != nullptr ? t.get() : nullptr;
    }
    std::weak_ptr<Target> target_;
    uint64_t generation_;
  };
};

PushDispatcher::PushDispatcher(dispatch::Dispatcher& dispatcher, const Clock& clock,
                               PushOptions options)
    : dispatcher_(dispatcher),
      clock_(clock),
      options_(options),
      shared_(std::make_shared<Shared>()) {}

PushDispatcher::~PushDispatcher() { Stop(); }

void PushDispatcher::UpdateConfig(std::shared_ptr<const control::ConfigSnapshot> config) {
  dispatcher_.reactor().Post([this, config = std::move(config)]() mutable { Apply(config); });
}

void PushDispatcher::Apply(std::shared_ptr<const control::ConfigSnapshot> config) {
  if (stopped_ || config == nullptr) return;
  std::set<std::pair<std::string, std::string>> wanted;
  for (const auto& [name, view] : config->worker_groups) {
    for (const auto& target : view.spec.push_targets()) wanted.insert({name, target.address()});
  }
  for (auto it = targets_.begin(); it != targets_.end();) {
    if (wanted.count(it->first) == 0) {
      log::Info("push target {} of worker group {} removed", it->first.second, it->first.first);
      it->second->Stop(/*leave_group=*/true);
      it = targets_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& key : wanted) {
    if (targets_.count(key) != 0) continue;
    // live_calls is an aliasing pointer into shared_: calls keep the counter alive.
    std::shared_ptr<std::atomic<int>> live(shared_, &shared_->live_calls);
    auto target = std::make_shared<Target>(dispatcher_, clock_, options_, std::move(live),
                                           key.first, key.second);
    target->self = target;
    targets_[key] = target;
    target->Connect();
  }
}

void PushDispatcher::Stop() {
  bool first = CallBlocking(dispatcher_.reactor(), [this] {
                 if (stopped_) return false;
                 stopped_ = true;
                 for (auto& [key, target] : targets_) target->Stop(/*leave_group=*/false);
                 targets_.clear();
                 return true;
               }).value_or(false);
  if (!first) return;
  // Cancelled calls finish promptly; their OnDone deletes them on the reactor.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (shared_->live_calls.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  if (shared_->live_calls.load() > 0) {
    log::Warn("push dispatch: {} target calls did not end within 10 s of stopping",
              shared_->live_calls.load());
  }
}

std::vector<PushTargetStatusRow> PushDispatcher::Status() {
  return CallBlocking(dispatcher_.reactor(),
                      [this] {
                        std::vector<PushTargetStatusRow> rows;
                        for (const auto& [key, target] : targets_) rows.push_back(target->Row());
                        return rows;
                      })
      .value_or(std::vector<PushTargetStatusRow>{});
}

}  // namespace pylon::api
