// Copyright 2026 The Pylon Gateway Authors.
// The one place where our Error becomes a gRPC status (and back).

#pragma once

#include <grpcpp/support/status.h>

#include "base/result.h"

namespace pylon::api {

grpc::Status ToGrpcStatus(const Error& error);
inline grpc::Status ToGrpcStatus(const Status& status) {
  return status.ok() ? grpc::Status::OK : ToGrpcStatus(status.error());
}
Error FromGrpcStatus(const grpc::Status& status);  // status must not be OK

}  // namespace pylon::api
