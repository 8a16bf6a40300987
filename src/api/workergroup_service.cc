// Copyright 2026 The Pylon Gateway Authors.

#include "api/workergroup_service.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <atomic>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "api/envelope_wire.h"
#include "base/log.h"
#include "gateway/v1/batch_service.pb.h"
#include "gateway/v1/workergroup.pb.h"
#include "runtime/spsc_ring.h"

namespace pylon::api {
namespace {

using internal::EncodeEnvelopeHeaderField;
using internal::PutVarint;
using internal::SharedBodySlice;

namespace wg = ::pylon::gateway::v1::workergroup;

constexpr size_t kHighWatermark = 1024;  // queued entries (events or messages) before push back
constexpr size_t kLowWatermark = 256;
constexpr size_t kRingCapacity = 4096;  // beyond it, entries wait in the dispatcher's spill queue

grpc::ByteBuffer Serialize(const google::protobuf::MessageLite& message) {
  std::string bytes = message.SerializeAsString();
  grpc::Slice slice(bytes);
  return grpc::ByteBuffer(&slice, 1);
}

std::vector<std::string_view> MetadataValues(
    const std::multimap<grpc::string_ref, grpc::string_ref>& metadata, std::string_view key) {
  std::vector<std::string_view> out;
  auto range = metadata.equal_range(grpc::string_ref(key.data(), key.size()));
  for (auto it = range.first; it != range.second; ++it) {
    out.emplace_back(it->second.data(), it->second.size());
  }
  return out;
}

class WorkerStream;

// What the dispatcher holds: forwards to the stream while it exists, on the dispatcher's reactor.
class StreamLink final : public dispatch::ConsumerStream {
 public:
  StreamLink(WorkerStream* stream, dispatch::Dispatcher* dispatcher, bool batched)
      : stream_(stream), dispatcher_(dispatcher), batched_(batched) {}
  bool SendEvents(std::span<const dispatch::OutboundEvent> events) override;
  void SendHeartbeatRequest(const std::string& nonce) override;
  void Close(std::optional<dispatch::CloseReason> reason) override;
  bool batched() const override { return batched_; }
  void Detach() { stream_ = nullptr; }
  void OnAttached(Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> attached);

 private:
  WorkerStream* stream_;  // null once gRPC is done with the stream
  dispatch::Dispatcher* dispatcher_;
  bool batched_;
};

// One WorkerStream call (published or batched): owns its read buffer, its identity and consumer
// id, and the write chain (the queue of entries and the message being written). Reads complete on
// gRPC's threads and are handed to the dispatcher's reactor, which owns the call's state; the
// write chain runs on whichever thread holds `writing_` (see Pump). Deleted on the dispatcher's
// reactor after OnDone.
class WorkerStream final : public grpc::ServerGenericBidiReactor {
 public:
  WorkerStream(grpc::GenericCallbackServerContext* context, dispatch::Dispatcher& dispatcher,
               WorkerGroupService::ConfigSource config, bool batched)
      : context_(context),
        dispatcher_(dispatcher),
        config_(std::move(config)),
        batched_(batched),
        batch_max_events_(std::max<size_t>(1, dispatcher.options().batch_max_events)) {
    link_ = std::make_shared<StreamLink>(this, &dispatcher, batched);
    StartRead(&read_);
  }

  // ---- gRPC's threads ----
  void OnReadDone(bool ok) override {
    if (!ok) {
      // The client half-closed, went away, or cancelled.
      Post([this] {
        if (consumer_ != 0) dispatcher_.Detach(consumer_, link_.get());
        consumer_ = 0;
        if (!closing_) BeginClose(std::nullopt);
      });
      return;
    }
    wg::WorkerStreamClientMessage message;
    std::vector<grpc::Slice> slices;
    bool parsed = read_.Dump(&slices).ok();
    std::string bytes;
    for (const auto& slice : slices)
      bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
    parsed = parsed && message.ParseFromString(bytes);
    if (!parsed) {
      Post([this] { RejectIdentity("the message is not a WorkerStreamClientMessage"); });
      return;
    }
    HandleMessage(std::move(message));
    StartRead(&read_);
  }

  void OnWriteDone(bool ok) override {
    if (!ok) {
      // The client is gone. `writing_` stays set: nothing more is written; OnDone follows.
      Post([this] { WriteFailed(); });
      return;
    }
    Pump(/*holding=*/true);  // the next message, on this thread: no post per message
  }

  void OnDone() override {
    // No more callbacks from gRPC. Delete on the dispatcher's reactor, where the link is used.
    dispatcher_.reactor().Post([this] {
      link_->Detach();
      if (consumer_ != 0) dispatcher_.Detach(consumer_, link_.get());
      delete this;
    });
  }

  void OnCancel() override {}

  // ---- The dispatcher's reactor ----
  // Control messages (identify response, heartbeat request) as they are.
  bool Enqueue(grpc::ByteBuffer buffer) {
    if (closing_) return false;
    Push({std::move(buffer), {}, false});
    return AfterPush();
  }

  // Events wait in the queue as events: the message is built when its write starts, so a batched
  // stream merges everything queued behind the write in flight (up to batch_max_events).
  bool SendEvents(std::span<const dispatch::OutboundEvent> events) {
    if (closing_) return false;
    for (const auto& e : events) Push({{}, e, true});
    return AfterPush();
  }
  void SendHeartbeatRequest(const std::string& nonce) {
    if (closing_) return;
    if (batched_) {
      pylon::gateway::v1::batch::WorkerStreamBatchMessage message;
      message.mutable_heartbeat_request()->set_nonce(nonce);
      Enqueue(Serialize(message));
    } else {
      wg::WorkerStreamServerMessage message;
      message.mutable_heartbeat_request()->set_nonce(nonce);
      Enqueue(Serialize(message));
    }
  }

  // Writes what is queued, then `stream_closed{reason}` when given, then finishes the call.
  void BeginClose(std::optional<dispatch::CloseReason> reason) {
    if (closing_) return;
    closing_ = true;
    if (reason == dispatch::CloseReason::kDrainComplete) {
      // The dispatcher has re-routed every event it gave this stream: those not yet written need
      // not reach a worker that is leaving (the TypeScript client would handle them twice).
      drop_events_.store(true, std::memory_order_release);
    }
    if (reason) {
      auto code = static_cast<wg::WorkerStreamClosed::CloseReason>(*reason);
      if (batched_) {
        pylon::gateway::v1::batch::WorkerStreamBatchMessage message;
        message.mutable_stream_closed()->set_reason(code);
        Push({Serialize(message), {}, false});
      } else {
        wg::WorkerStreamServerMessage message;
        message.mutable_stream_closed()->set_reason(code);
        Push({Serialize(message), {}, false});
      }
    }
    // Nothing is pushed after this: the call finishes once the queue is written. Entries still
    // in the spill queue reach the ring first (OnDrained), so the consumer only learns of the
    // close once nothing else can follow.
    if (spill_.empty()) {
      close_requested_.store(true, std::memory_order_release);
    } else {
      close_after_spill_ = true;
    }
    Pump();
  }

 private:
  void Post(UniqueFunction<void()> fn) { dispatcher_.reactor().Post(std::move(fn)); }

  // ---- The write chain ----
  // The dispatcher's reactor produces queue entries into `ring_` (SPSC; `spill_` when full). The
  // consumer is whichever thread holds `writing_`: the dispatcher's reactor when it finds the
  // stream idle, else gRPC's thread in OnWriteDone, which goes on to the next message itself. So a
  // stream with a backlog writes message after message without a post per message; the
  // dispatcher hears back only when the queue falls below the low watermark after it was told to
  // stop, or when a write fails. gRPC allows one write in flight: holding `writing_` is that.

  struct OutItem {
    grpc::ByteBuffer control;       // when !is_event
    dispatch::OutboundEvent event;  // when is_event
    bool is_event = false;
  };

  // Dispatcher's reactor (the producer).
  void Push(OutItem item) {
    if (!spill_.empty() || !ring_.TryPush(item)) spill_.push_back(std::move(item));
  }

  // Starts a write if none is in flight; true while the dispatcher may send more.
  bool AfterPush() {
    Pump();
    if (ring_.size() + spill_.size() < kHighWatermark) return true;
    blocked_.store(true, std::memory_order_relaxed);
    std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with the consumer's fence
    if (ring_.size() + spill_.size() > kLowWatermark) return false;
    // The consumer drained it meanwhile and may not have seen `blocked_`.
    blocked_.store(false, std::memory_order_relaxed);
    return true;
  }

  // The consumer drained the queue below the low watermark after the dispatcher was stopped.
  void OnDrained() {
    while (!spill_.empty() && ring_.TryPush(spill_.front())) spill_.pop_front();
    if (spill_.empty() && close_after_spill_) {
      close_after_spill_ = false;
      close_requested_.store(true, std::memory_order_release);
    }
    bool room = AfterPush();  // blocks again while the spill queue is not empty
    if (room && !closing_ && consumer_ != 0) dispatcher_.OnWritable(consumer_);
  }

  // Any thread. Takes the consumer role (or keeps it, `holding`: a write just completed) and
  // writes the next message; gives the role back when the queue is empty, and finishes the call
  // when a close was requested and everything is written.
  void Pump(bool holding = false) {
    for (;;) {
      if (!holding) {
        // Pairs with the fence below: either this exchange sees the role given back, or the
        // thread giving it back sees the entry pushed before this call.
        std::atomic_thread_fence(std::memory_order_seq_cst);
        if (writing_.exchange(true, std::memory_order_acq_rel)) return;
      }
      holding = false;
      if (WriteNextMessage()) return;  // its completion continues the chain
      writing_.store(false, std::memory_order_release);
      std::atomic_thread_fence(std::memory_order_seq_cst);
      if (ring_.empty()) break;  // a push after this is followed by the pusher's own Pump
    }
    if (close_requested_.load(std::memory_order_acquire)) FinishOnce();
  }

  // Consumer (holds `writing_`). Builds and starts the next message; false when there is none.
  bool WriteNextMessage() {
    std::optional<OutItem> item = held_ ? std::exchange(held_, std::nullopt) : NextItem();
    if (!item) return false;
    if (!item->is_event) {
      current_ = std::move(item->control);
    } else if (!batched_) {
      current_ = EncodeOne(item->event);
    } else {
      batch_.clear();
      batch_.push_back(std::move(item->event));
      while (batch_.size() < batch_max_events_) {
        std::optional<OutItem> next = NextItem();
        if (!next) break;
        if (!next->is_event) {
          held_ = std::move(next);  // a control message keeps its place after the batch
          break;
        }
        batch_.push_back(std::move(next->event));
      }
      current_ = EncodeBatch(batch_);
      batch_.clear();
    }
    std::atomic_thread_fence(std::memory_order_seq_cst);  // pairs with AfterPush's fence
    if (blocked_.load(std::memory_order_relaxed) && ring_.size() <= kLowWatermark &&
        blocked_.exchange(false, std::memory_order_relaxed)) {
      Post([this] { OnDrained(); });
    }
    grpc::WriteOptions options;
    if (held_ || !ring_.empty()) options.set_buffer_hint();  // more follows: let gRPC coalesce
    StartWrite(&current_, options);
    return true;
  }

  // Consumer. The next entry, skipping events once a drain has completed.
  std::optional<OutItem> NextItem() {
    for (;;) {
      std::optional<OutItem> item = ring_.TryPop();
      if (!item || !item->is_event || !drop_events_.load(std::memory_order_acquire)) return item;
    }
  }

  // WorkerStreamServerMessage.event_envelope = 2.
  static grpc::ByteBuffer EncodeOne(const dispatch::OutboundEvent& e) {
    std::string header = EncodeEnvelopeHeaderField(e.sequence, e.received_unix_us);
    std::string head;
    head.reserve(header.size() + 6);
    head.push_back(0x12);
    PutVarint(&head, header.size() + e.body->size());
    head += header;
    grpc::Slice slices[2] = {grpc::Slice(head), SharedBodySlice(e.body)};
    return grpc::ByteBuffer(slices, 2);
  }

  // `events` as one WorkerStreamBatchMessage:
  // events = 2 { repeated EventEnvelope envelopes = 1 }. All the heads share one slice.
  static grpc::ByteBuffer EncodeBatch(const std::vector<dispatch::OutboundEvent>& events) {
    std::string heads;
    std::vector<size_t> ends;
    ends.reserve(events.size());
    size_t batch_size = 0;
    for (const dispatch::OutboundEvent& e : events) {
      std::string header = EncodeEnvelopeHeaderField(e.sequence, e.received_unix_us);
      size_t start = heads.size();
      heads.push_back(0x0A);
      PutVarint(&heads, header.size() + e.body->size());
      heads += header;
      ends.push_back(heads.size());
      batch_size += heads.size() - start + e.body->size();
    }
    std::string outer;
    outer.push_back(0x12);
    PutVarint(&outer, batch_size);
    grpc::Slice all_heads(heads);
    std::vector<grpc::Slice> slices;
    slices.reserve(events.size() * 2 + 1);
    slices.emplace_back(outer);
    size_t start = 0;
    for (size_t i = 0; i < events.size(); ++i) {
      slices.push_back(all_heads.sub(start, ends[i]));
      slices.push_back(SharedBodySlice(events[i].body));
      start = ends[i];
    }
    return grpc::ByteBuffer(slices.data(), slices.size());
  }

  // A write failed: the client is gone. The failed write kept `writing_`, so this thread may
  // empty the queue as its consumer.
  void WriteFailed() {
    closing_ = true;
    spill_.clear();
    held_.reset();
    while (ring_.TryPop()) {
    }
    if (consumer_ != 0) dispatcher_.Detach(consumer_, link_.get());
    consumer_ = 0;
    FinishOnce();
  }

  // Any thread; once. Only when no write is in flight and none can start.
  void FinishOnce() {
    if (!finish_called_.exchange(true, std::memory_order_acq_rel)) Finish(grpc::Status::OK);
  }

  void RejectIdentity(std::string why) {
    log::Info("worker stream from {} refused: {}", context_->peer(), why);
    BeginClose(dispatch::CloseReason::kInvalidIdentity);
  }

  void HandleMessage(wg::WorkerStreamClientMessage message) {
    Post([this, message = std::move(message)]() mutable {
      if (closing_) return;
      switch (message.payload_case()) {
        case wg::WorkerStreamClientMessage::kIdentifyRequest:
          if (identified_) {
            RejectIdentity("identified twice");
          } else {
            Identify(message.identify_request());
          }
          return;
        case wg::WorkerStreamClientMessage::kHeartbeatAck:
          if (consumer_ != 0) {
            dispatcher_.Ack(consumer_, message.heartbeat_ack().nonce(),
                            message.heartbeat_ack().sequence());
          } else if (!identified_) {
            RejectIdentity("heartbeat before identify");
          }
          return;
        case wg::WorkerStreamClientMessage::kDrainRequest:
          // The sequence in the drain request is not trusted (Java sends 0): acks decide.
          if (consumer_ != 0) {
            dispatcher_.Drain(consumer_);
          } else if (!identified_) {
            RejectIdentity("drain before identify");
          }
          return;
        case wg::WorkerStreamClientMessage::PAYLOAD_NOT_SET:
          if (!identified_) RejectIdentity("the first message must be identify_request");
          return;
      }
    });
  }

  void Identify(const wg::WorkerIdentifyRequest& request) {
    identified_ = true;
    auto config = config_();
    const control::WorkerGroupView* group = config->FindGroup(request.consumer_group());
    if (group == nullptr)
      return RejectIdentity("unknown worker group '" + request.consumer_group() + "'");
    if (!group->Authenticates(request.auth_token())) {
      return RejectIdentity("wrong auth token for worker group '" + request.consumer_group() + "'");
    }
    dispatch::ConsumerRequest consumer;
    consumer.group = request.consumer_group();
    consumer.consumer_id = request.consumer_id().empty() ? context_->peer() : request.consumer_id();
    consumer.last_sequence = request.last_sequence();
    const auto& metadata = context_->client_metadata();
    for (std::string_view value : MetadataValues(metadata, "x-pylon-event-types")) {
      while (!value.empty()) {
        size_t comma = value.find(',');
        std::string_view name = value.substr(0, comma);
        while (!name.empty() && name.front() == ' ') name.remove_prefix(1);
        while (!name.empty() && name.back() == ' ') name.remove_suffix(1);
        if (!name.empty()) consumer.event_types.insert(std::string(name));
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
      }
    }
    auto shard_keys = MetadataValues(metadata, "x-pylon-shard-key");
    if (!shard_keys.empty()) {
      // "<bot id>-<shard id>-<shard count>"
      std::string key(shard_keys.front());
      unsigned long long bot = 0;
      unsigned shard = 0, count = 0;
      char extra = 0;
      if (std::sscanf(key.c_str(), "%llu-%u-%u%c", &bot, &shard, &count, &extra) != 3 ||
          count == 0 || shard >= count) {
        return RejectIdentity("malformed x-pylon-shard-key '" + key +
                              "' (expected <bot id>-<shard id>-<shard count>)");
      }
      consumer.shard_key = {BotId(bot), {shard, count}};
    }
    // The callback holds the link, not the stream: the stream may be gone by then.
    dispatcher_.Attach(
        std::move(consumer), link_,
        [link = link_](Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> attached) {
          link->OnAttached(std::move(attached));
        });
  }

 public:
  void Attached(Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> attached) {
    if (!attached.ok()) return RejectIdentity(attached.error().message());
    consumer_ = attached->first;
    // The dispatcher sends nothing to a consumer before this callback has run.
    if (batched_) {
      pylon::gateway::v1::batch::WorkerStreamBatchMessage message;
      message.mutable_identify_response()->set_router_ticket(attached->second);
      Enqueue(Serialize(message));
    } else {
      wg::WorkerStreamServerMessage message;
      message.mutable_identify_response()->set_router_ticket(attached->second);
      Enqueue(Serialize(message));
    }
  }

 private:
  grpc::GenericCallbackServerContext* context_;
  dispatch::Dispatcher& dispatcher_;
  WorkerGroupService::ConfigSource config_;
  bool batched_;
  std::shared_ptr<StreamLink> link_;
  grpc::ByteBuffer read_;
  size_t batch_max_events_;
  // The write chain (see Pump).
  SpscRing<OutItem> ring_{kRingCapacity};
  std::deque<OutItem> spill_;                 // dispatcher: entries that did not fit in ring_
  std::atomic<bool> writing_{false};          // the consumer role: a write is in flight or starting
  std::atomic<bool> blocked_{false};          // SendEvents returned false: OnDrained will follow
  std::atomic<bool> drop_events_{false};      // drain complete: unwritten events are skipped
  std::atomic<bool> close_requested_{false};  // finish once the queue is written
  std::atomic<bool> finish_called_{false};
  std::optional<OutItem> held_;                 // consumer: a control entry popped while batching
  std::vector<dispatch::OutboundEvent> batch_;  // consumer: reused
  grpc::ByteBuffer current_;                    // consumer: the message being written
  // Dispatcher-reactor state.
  bool closing_ = false;
  bool close_after_spill_ = false;  // BeginClose ran with entries in spill_
  bool identified_ = false;
  dispatch::Dispatcher::ConsumerId consumer_ = 0;
};

bool StreamLink::SendEvents(std::span<const dispatch::OutboundEvent> events) {
  return stream_ != nullptr && stream_->SendEvents(events);
}
void StreamLink::SendHeartbeatRequest(const std::string& nonce) {
  if (stream_ != nullptr) stream_->SendHeartbeatRequest(nonce);
}
void StreamLink::Close(std::optional<dispatch::CloseReason> reason) {
  if (stream_ != nullptr) stream_->BeginClose(reason);
}
void StreamLink::OnAttached(
    Result<std::pair<dispatch::Dispatcher::ConsumerId, std::string>> attached) {
  if (stream_ != nullptr) {
    stream_->Attached(std::move(attached));
  } else if (attached.ok()) {
    dispatcher_->Detach(attached->first, this);  // the stream ended before the attach completed
  }
}

class Unimplemented final : public grpc::ServerGenericBidiReactor {
 public:
  Unimplemented() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method")); }
  void OnDone() override { delete this; }
};

}  // namespace

WorkerGroupService::WorkerGroupService(dispatch::Dispatcher& dispatcher, ConfigSource config)
    : dispatcher_(dispatcher), config_(std::move(config)) {}

WorkerGroupService::~WorkerGroupService() = default;

grpc::ServerGenericBidiReactor* WorkerGroupService::CreateReactor(
    grpc::GenericCallbackServerContext* context) {
  if (context->method() == kWorkerStream) {
    return new WorkerStream(context, dispatcher_, config_, /*batched=*/false);
  }
  if (context->method() == kBatchedWorkerStream) {
    return new WorkerStream(context, dispatcher_, config_, /*batched=*/true);
  }
  return new Unimplemented();
}

}  // namespace pylon::api
