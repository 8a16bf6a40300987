// Copyright 2026 The Pylon Gateway Authors.

#include "base/result.h"

namespace pylon {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "OK";
    case ErrorCode::kCancelled:
      return "CANCELLED";
    case ErrorCode::kUnknown:
      return "UNKNOWN";
    case ErrorCode::kInvalidArgument:
      return "INVALID_ARGUMENT";
    case ErrorCode::kDeadlineExceeded:
      return "DEADLINE_EXCEEDED";
    case ErrorCode::kNotFound:
      return "NOT_FOUND";
    case ErrorCode::kAlreadyExists:
      return "ALREADY_EXISTS";
    case ErrorCode::kPermissionDenied:
      return "PERMISSION_DENIED";
    case ErrorCode::kResourceExhausted:
      return "RESOURCE_EXHAUSTED";
    case ErrorCode::kFailedPrecondition:
      return "FAILED_PRECONDITION";
    case ErrorCode::kAborted:
      return "ABORTED";
    case ErrorCode::kOutOfRange:
      return "OUT_OF_RANGE";
    case ErrorCode::kUnimplemented:
      return "UNIMPLEMENTED";
    case ErrorCode::kInternal:
      return "INTERNAL";
    case ErrorCode::kUnavailable:
      return "UNAVAILABLE";
    case ErrorCode::kDataLoss:
      return "DATA_LOSS";
    case ErrorCode::kUnauthenticated:
      return "UNAUTHENTICATED";
  }
  return "UNKNOWN";
}

Error Error::WithContext(std::string_view context) const {
  std::string message(context);
  message += ": ";
  message += message_;
  return Error(code_, std::move(message));
}

std::string Error::ToString() const {
  std::string out(ErrorCodeName(code_));
  out += ": ";
  out += message_;
  return out;
}

Error InvalidArgument(std::string message) {
  return Error(ErrorCode::kInvalidArgument, std::move(message));
}
Error NotFound(std::string message) { return Error(ErrorCode::kNotFound, std::move(message)); }
Error AlreadyExists(std::string message) {
  return Error(ErrorCode::kAlreadyExists, std::move(message));
}
Error PermissionDenied(std::string message) {
  return Error(ErrorCode::kPermissionDenied, std::move(message));
}
Error FailedPrecondition(std::string message) {
  return Error(ErrorCode::kFailedPrecondition, std::move(message));
}
Error ResourceExhausted(std::string message) {
  return Error(ErrorCode::kResourceExhausted, std::move(message));
}
Error Unavailable(std::string message) {
  return Error(ErrorCode::kUnavailable, std::move(message));
}
Error Internal(std::string message) { return Error(ErrorCode::kInternal, std::move(message)); }
Error DeadlineExceeded(std::string message) {
  return Error(ErrorCode::kDeadlineExceeded, std::move(message));
}
Error Cancelled(std::string message) { return Error(ErrorCode::kCancelled, std::move(message)); }
Error Unauthenticated(std::string message) {
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}
Error DataLoss(std::string message) { return Error(ErrorCode::kDataLoss, std::move(message)); }

}  // namespace pylon
