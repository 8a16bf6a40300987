// Copyright 2026 The Pylon Gateway Authors.

#include "api/status.h"

namespace pylon::api {

grpc::Status ToGrpcStatus(const Error& error) {
  // ErrorCode follows gRPC's numbering (base/result.h).
  return grpc::Status(static_cast<grpc::StatusCode>(error.code()), error.message());
}

Error FromGrpcStatus(const grpc::Status& status) {
  ErrorCode code = static_cast<ErrorCode>(status.error_code());
  if (code == ErrorCode::kOk) code = ErrorCode::kUnknown;
  return Error(code, status.error_message());
}

}  // namespace pylon::api
