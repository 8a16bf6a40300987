// Copyright 2026 The Pylon Gateway Authors.

#include "api/callback_queue_keep_awake.h"

#include <grpcpp/support/channel_arguments.h>

namespace pylon::api {

CallbackQueueKeepAwake::CallbackQueueKeepAwake(grpc::Server& server,
                                               std::chrono::milliseconds interval)
    : channel_(server.InProcessChannel(grpc::ChannelArguments())),
      stub_(channel_),
      interval_(interval) {
  grpc::Slice empty("");
  request_ = grpc::ByteBuffer(&empty, 1);  // a default ByteBuffer is no message at all
  thread_ = std::thread([this] { Run(); });
}

CallbackQueueKeepAwake::~CallbackQueueKeepAwake() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    if (in_flight_ && context_ != nullptr) context_->TryCancel();
  }
  changed_.notify_all();
  thread_.join();
}

void CallbackQueueKeepAwake::Run() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    in_flight_ = true;
    context_ = std::make_unique<grpc::ClientContext>();
    context_->set_deadline(std::chrono::system_clock::now() + interval_ * 5);
    lock.unlock();
    stub_.UnaryCall(context_.get(), kMethod, grpc::StubOptions(), &request_, &response_,
                    [this](const grpc::Status&) {
                      completed_.fetch_add(1, std::memory_order_relaxed);
                      std::lock_guard done(mutex_);
                      in_flight_ = false;
                      changed_.notify_all();
                    });
    lock.lock();
    // The next call only after this one completed (its context and buffers are ours), and not
    // before the interval.
    const auto next = std::chrono::steady_clock::now() + interval_;
    changed_.wait(lock, [this] { return !in_flight_; });
    changed_.wait_until(lock, next, [this] { return stopping_; });
  }
  changed_.wait(lock, [this] { return !in_flight_; });
}

}  // namespace pylon::api
