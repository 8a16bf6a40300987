// Copyright 2026 The Pylon Gateway Authors.

#include "api/callback_queue_keep_awake.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

namespace pylon::api {
namespace {

using namespace std::chrono_literals;

// A server with only the fallback the keep-awake call lands on: a generic callback service that
// answers every method UNIMPLEMENTED (as WorkerGroupService does for methods it does not know).
class EverythingUnimplemented final : public grpc::CallbackGenericService {
 public:
  grpc::ServerGenericBidiReactor* CreateReactor(grpc::GenericCallbackServerContext*) override {
    ++created_;
    class Reactor final : public grpc::ServerGenericBidiReactor {
     public:
      Reactor() { Finish(grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "unknown method")); }
      void OnDone() override { delete this; }
    };
    return new Reactor();
  }
  std::atomic<int> created_{0};
};

std::unique_ptr<grpc::Server> StartServer(EverythingUnimplemented& service) {
  grpc::ServerBuilder builder;
  builder.RegisterCallbackGenericService(&service);
  return builder.BuildAndStart();  // no port: the in-process channel is enough
}

TEST(CallbackQueueKeepAwakeTest, CallsTheServerEveryInterval) {
  EverythingUnimplemented service;
  auto server = StartServer(service);
  ASSERT_NE(server, nullptr);
  {
    CallbackQueueKeepAwake keep_awake(*server, 20ms);
    auto deadline = std::chrono::steady_clock::now() + 10s;
    while (keep_awake.completed() < 5 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
    }
    EXPECT_GE(keep_awake.completed(), 5u);
    EXPECT_GE(service.created_.load(), 5) << "the calls did not reach the server";
  }
  server->Shutdown();
}

// Destroyed at once, with its first call likely still on its way: it waits for that call.
TEST(CallbackQueueKeepAwakeTest, StopsCleanlyWithACallInFlight) {
  EverythingUnimplemented service;
  auto server = StartServer(service);
  ASSERT_NE(server, nullptr);
  for (int i = 0; i < 20; ++i) {
    CallbackQueueKeepAwake keep_awake(*server, 1s);
  }
  server->Shutdown();
}

}  // namespace
}  // namespace pylon::api
