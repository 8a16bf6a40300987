// Copyright 2026 The Pylon Gateway Authors.

#include "api/workergroup_service.h"

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <algorithm>
#include <deque>
#include <string>
#include <vector>

#include "api/envelope_wire.h"
#include "base/log.h"
#include "gateway/v1/batch_service.pb.h"
#include "gateway/v1/workergroup.pb.h"

namespace pylon::api {
namespace {

using internal::EncodeEnvelopeHeaderField;
using internal::PutVarint;
using internal::SharedBodySlice;

namespace wg = ::pylon::gateway::v1::workergroup;

constexpr size_t kHighWatermark = 1024;  // outbox entries (events or messages) before push back
constexpr size_t kLowWatermark = 256;

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
    Post([this, ok] { WriteDone(ok); });
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
  // Control messages (identify response, heartbeat request, stream_closed) as they are.
  bool Enqueue(grpc::ByteBuffer buffer) {
    if (finished_) return false;
    outbox_.push_back({std::move(buffer), {}, false});
    return AfterEnqueue();
  }

  // Events wait in the outbox as events: the message is built when its write starts, so a batched
  // stream merges everything queued behind the write in flight (up to batch_max_events).
  bool SendEvents(std::span<const dispatch::OutboundEvent> events) {
    if (closing_ || finished_) return false;
    for (const auto& e : events) outbox_.push_back({{}, e, true});
    queued_events_ += events.size();
    return AfterEnqueue();
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

  void BeginClose(std::optional<dispatch::CloseReason> reason) {
    if (closing_) return;
    if (reason == dispatch::CloseReason::kDrainComplete) {
      // The dispatcher has re-routed every event it gave this stream: those not yet written need
      // not reach a worker that is leaving (the TypeScript client would handle them twice).
      std::deque<OutItem> kept;
      for (auto& item : outbox_) {
        if (!item.is_event) kept.push_back(std::move(item));
      }
      outbox_ = std::move(kept);
      queued_events_ = 0;
    }
    if (reason) {
      auto code = static_cast<wg::WorkerStreamClosed::CloseReason>(*reason);
      if (batched_) {
        pylon::gateway::v1::batch::WorkerStreamBatchMessage message;
        message.mutable_stream_closed()->set_reason(code);
        Enqueue(Serialize(message));
      } else {
        wg::WorkerStreamServerMessage message;
        message.mutable_stream_closed()->set_reason(code);
        Enqueue(Serialize(message));
      }
    }
    closing_ = true;
    if (!writing_) FinishNow();  // otherwise once the queued messages are written
  }

 private:
  void Post(UniqueFunction<void()> fn) { dispatcher_.reactor().Post(std::move(fn)); }

  bool AfterEnqueue() {
    if (!writing_) WriteNext();
    if (outbox_.size() >= kHighWatermark) {
      blocked_ = true;
      return false;
    }
    return true;
  }

  void WriteNext() {
    if (outbox_.empty() || finished_) return;
    writing_ = true;
    if (!outbox_.front().is_event) {
      current_ = std::move(outbox_.front().control);
      outbox_.pop_front();
    } else if (!batched_) {
      current_ = EncodeOne(outbox_.front().event);
      outbox_.pop_front();
      --queued_events_;
    } else {
      size_t n = 0;
      while (n < outbox_.size() && n < batch_max_events_ && outbox_[n].is_event) ++n;
      current_ = EncodeBatch(n);
      outbox_.erase(outbox_.begin(), outbox_.begin() + static_cast<std::ptrdiff_t>(n));
      queued_events_ -= n;
    }
    grpc::WriteOptions options;
    if (!outbox_.empty()) options.set_buffer_hint();  // more follows: let gRPC coalesce
    StartWrite(&current_, options);
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

  // The first `n` outbox entries (events) as one WorkerStreamBatchMessage:
  // events = 2 { repeated EventEnvelope envelopes = 1 }. All the heads share one slice.
  grpc::ByteBuffer EncodeBatch(size_t n) {
    std::string heads;
    std::vector<size_t> ends;
    ends.reserve(n);
    size_t batch_size = 0;
    for (size_t i = 0; i < n; ++i) {
      const dispatch::OutboundEvent& e = outbox_[i].event;
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
    slices.reserve(n * 2 + 1);
    slices.emplace_back(outer);
    size_t start = 0;
    for (size_t i = 0; i < n; ++i) {
      slices.push_back(all_heads.sub(start, ends[i]));
      slices.push_back(SharedBodySlice(outbox_[i].event.body));
      start = ends[i];
    }
    return grpc::ByteBuffer(slices.data(), slices.size());
  }

  void WriteDone(bool ok) {
    writing_ = false;
    if (!ok) {
      // The client is gone; OnDone follows.
      outbox_.clear();
      queued_events_ = 0;
      if (consumer_ != 0) dispatcher_.Detach(consumer_, link_.get());
      consumer_ = 0;
      FinishNow();
      return;
    }
    if (!outbox_.empty()) {
      WriteNext();
    } else if (closing_) {
      FinishNow();
    }
    if (blocked_ && outbox_.size() <= kLowWatermark && consumer_ != 0) {
      blocked_ = false;
      dispatcher_.OnWritable(consumer_);
    }
  }

  void FinishNow() {
    if (finished_) return;
    finished_ = true;
    Finish(grpc::Status::OK);
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
  // Dispatcher-reactor state.
  struct OutItem {
    grpc::ByteBuffer control;       // when !is_event
    dispatch::OutboundEvent event;  // when is_event
    bool is_event = false;
  };
  std::deque<OutItem> outbox_;
  size_t queued_events_ = 0;
  size_t batch_max_events_;
  grpc::ByteBuffer current_;
  bool writing_ = false;
  bool blocked_ = false;
  bool closing_ = false;
  bool finished_ = false;
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
