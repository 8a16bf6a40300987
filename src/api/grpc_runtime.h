// Copyright 2026 The Pylon Gateway Authors.
// Process-wide settings for the gRPC runtime that serves the API.

#pragma once

namespace pylon::api {

// Turns off Abseil's mutex deadlock detection, a debugging aid that Debian's Abseil (built
// without NDEBUG) leaves on: every absl::Mutex that gRPC creates per call is then entered into,
// and removed from, a process-wide lock graph under a global spin lock — about 2 % of the CPU
// samples of `api_bench`'s GetGuildMember run (docs/benchmarks.md). Idempotent; call before the
// first gRPC object, from any thread.
void ConfigureGrpcRuntime();

}  // namespace pylon::api
