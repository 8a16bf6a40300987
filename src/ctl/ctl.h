// Copyright 2026 The Pylon Gateway Authors.
// pylonctl: the command-line client of the Control API (gateway/v1/control_service.proto).
// `Run` is the whole program — parse the command line, call the server, print a table or JSON —
// with its inputs and outputs passed in, so that main.cc is three lines and tests can drive it.
// Single-threaded; one call per process run.

#pragma once

#include <functional>
#include <istream>
#include <optional>
#include <ostream>
#include <string>

namespace pylon::ctl {

// Exit codes.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;       // the server answered with an error
inline constexpr int kExitUsage = 2;        // bad command line or local input (files, variables)
inline constexpr int kExitUnreachable = 3;  // no answer: server down, wrong address, timeout

// Where the program reads what is not on the command line.
struct Environment {
  std::function<std::optional<std::string>(const std::string& name)> get_env;
  std::istream* in = nullptr;  // for --token-file -
};

// The process's own environment and standard input.
Environment ProcessEnvironment();

// Runs pylonctl; returns its exit code.
int Run(int argc, const char* const* argv, std::ostream& out, std::ostream& err,
        const Environment& environment);

}  // namespace pylon::ctl
