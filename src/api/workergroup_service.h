// Copyright 2026 The Pylon Gateway Authors.
// The worker-group event streams, as a gRPC generic callback service (raw bytes), so that an
// event's envelope body is never re-encoded per consumer: each message is the consumer's own few
// header bytes followed by the shared body, as slices of one grpc::ByteBuffer.
//
//   /pylon.gateway.v1.service.GatewayWorkerGroup/WorkerStream        one event per message
//   /pylon.gateway.v1.batch.GatewayWorkerGroupBatched/WorkerStream   several (our extension)
//
// Protocol (pylon-api-contract.md §3): identify first (a bad token or unknown group gets
// stream_closed{INVALID_IDENTITY} and the call ends OK); identify_response with a router ticket;
// heartbeats from the server, acks by sequence; drain; narrowing by x-pylon-event-types and
// x-pylon-shard-key metadata. Every other method gets UNIMPLEMENTED.
//
// Threads: gRPC calls the stream reactors on its threads; they parse and forward to the
// Dispatcher, whose reactor owns all write state (writes start there; write completions are
// posted there). A stream object is deleted on the dispatcher's reactor after gRPC is done with it.

#pragma once

#include <functional>
#include <memory>

#include <grpcpp/generic/async_generic_service.h>

#include "control/control_plane.h"
#include "dispatch/dispatcher.h"

namespace pylon::api {

class WorkerGroupService final : public grpc::CallbackGenericService {
 public:
  using ConfigSource = std::function<std::shared_ptr<const control::ConfigSnapshot>()>;

  WorkerGroupService(dispatch::Dispatcher& dispatcher, ConfigSource config);
  ~WorkerGroupService() override;

  grpc::ServerGenericBidiReactor* CreateReactor(
      grpc::GenericCallbackServerContext* context) override;

  static constexpr const char* kWorkerStream =
      "/pylon.gateway.v1.service.GatewayWorkerGroup/WorkerStream";
  static constexpr const char* kBatchedWorkerStream =
      "/pylon.gateway.v1.batch.GatewayWorkerGroupBatched/WorkerStream";

 private:
  dispatch::Dispatcher& dispatcher_;
  ConfigSource config_;
};

}  // namespace pylon::api
