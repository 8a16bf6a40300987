// Copyright 2026 The Pylon Gateway Authors.
// CallbackQueueKeepAwake: keeps gRPC's callback-API threads from dozing off between bursts.
//
// With the gRPC this builds against (1.51, Debian 12's), the C++ callback API runs every
// completion — a new unary call, a stream's OnReadDone / OnWriteDone — on a few "nexting" threads
// that poll one process-wide completion queue. A nexting thread that sees no completion for a
// second sleeps 100 ms before it polls again. So after a quiet second, the first completions of a
// burst wait up to 100 ms: measured in e2e_delivery as an 85 ms stall at the start of every run,
// the whole of its p99. This owns a loopback channel into our own server and makes one tiny call
// on it (an unknown method: UNIMPLEMENTED, through the generic service's fallback) every
// `interval`, so some nexting thread always has had a completion within the last second.
//
// Threads: a thread of its own issues the calls, one at a time; their completions run on gRPC's
// threads. Construct after the server started; destroy before it shuts down.

#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/server.h>

namespace pylon::api {

class CallbackQueueKeepAwake {
 public:
  // Well under the nexting threads' one second.
  static constexpr std::chrono::milliseconds kDefaultInterval{200};
  static constexpr const char* kMethod = "/pylon.internal.v1.KeepAwake/Tick";

  explicit CallbackQueueKeepAwake(grpc::Server& server,
                                  std::chrono::milliseconds interval = kDefaultInterval);
  ~CallbackQueueKeepAwake();

  CallbackQueueKeepAwake(const CallbackQueueKeepAwake&) = delete;
  CallbackQueueKeepAwake& operator=(const CallbackQueueKeepAwake&) = delete;

  // Calls that completed (any status), for tests.
  uint64_t completed() const { return completed_.load(std::memory_order_relaxed); }

 private:
  void Run();

  std::shared_ptr<grpc::Channel> channel_;
  grpc::GenericStub stub_;
  const std::chrono::milliseconds interval_;
  std::atomic<uint64_t> completed_{0};

  std::mutex mutex_;
  std::condition_variable changed_;
  bool stopping_ = false;   // guarded by mutex_
  bool in_flight_ = false;  // guarded by mutex_: a call is on its way (its buffers live here)
  std::unique_ptr<grpc::ClientContext> context_;
  grpc::ByteBuffer request_;
  grpc::ByteBuffer response_;
  std::thread thread_;
};

}  // namespace pylon::api
