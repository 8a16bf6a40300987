// Copyright 2026 The Pylon Gateway Authors.

#include "api/grpc_runtime.h"

#include "absl/synchronization/mutex.h"

namespace pylon::api {

void ConfigureGrpcRuntime() { absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore); }

}  // namespace pylon::api
