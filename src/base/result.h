// Copyright 2026 The Pylon Gateway Authors.
// Result<T> / Status: how every module reports failure. No exception crosses a module boundary.

#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>

namespace pylon {

// Error codes, close to gRPC's so that the API layer maps them one to one.
enum class ErrorCode {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

std::string_view ErrorCodeName(ErrorCode code);

// An error: a code and a message meant for the person reading the log or the API answer.
// Messages never contain secrets (see base/log.h).
class Error {
 public:
  Error(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {
    assert(code != ErrorCode::kOk);
  }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "<context>: <message>".
  Error WithContext(std::string_view context) const;

  // "<CODE_NAME>: <message>".
  std::string ToString() const;

  bool operator==(const Error&) const = default;

 private:
  ErrorCode code_;
  std::string message_;
};

// Shorthands for the common codes.
Error InvalidArgument(std::string message);
Error NotFound(std::string message);
Error AlreadyExists(std::string message);
Error PermissionDenied(std::string message);
Error FailedPrecondition(std::string message);
Error ResourceExhausted(std::string message);
Error Unavailable(std::string message);
Error Internal(std::string message);
Error DeadlineExceeded(std::string message);
Error Cancelled(std::string message);
Error Unauthenticated(std::string message);
Error DataLoss(std::string message);

// Either a value of type T or an Error.
template <typename T>
class [[nodiscard]] Result {
 public:
  static_assert(!std::is_same_v<T, Error>, "Result<Error> is meaningless");

  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Result> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, T>)
      Result(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  const T& value() const& {
    assert(ok());
    return std::get<0>(state_);
  }
  T& value() & {
    assert(ok());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(state_));
  }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(state_);
  }

  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }

 private:
  std::variant<T, Error> state_;
};

// Success or an Error.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit

  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const {
    assert(!ok());
    return *error_;
  }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace pylon

#define PYLON_CONCAT_INNER_(a, b) a##b
#define PYLON_CONCAT_(a, b) PYLON_CONCAT_INNER_(a, b)

// Returns the error of `expr` (a Status or Result) from the enclosing function.
#define PYLON_RETURN_IF_ERROR(expr)                 \
  do {                                              \
    auto&& pylon_status_ = (expr);                  \
    if (!pylon_status_.ok()) {                      \
      return ::pylon::Error(pylon_status_.error()); \
    }                                               \
  } while (0)

// `lhs = value of expr`, or returns its error from the enclosing function.
#define PYLON_ASSIGN_OR_RETURN(lhs, expr) \
  PYLON_ASSIGN_OR_RETURN_IMPL_(PYLON_CONCAT_(pylon_result_, __LINE__), lhs, expr)
#define PYLON_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) {                                   \
    return ::pylon::Error(tmp.error());              \
  }                                                  \
  lhs = std::move(tmp).value()
