// Copyright 2026 The Pylon Gateway Authors.
// ChildProcess: a program the test starts (posix_spawn), with stdout and stderr captured into
// files, killed (SIGKILL) and reaped on destruction if still running, so that a failing test
// leaves nothing behind. Owned by the test thread. Test-only.

#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"

namespace pylon::testing {

class ChildProcess {
 public:
  // Starts `argv[0]` (a path) with `argv`; output goes to files in `log_dir`, named after `name`.
  ChildProcess(std::string name, std::vector<std::string> argv, const std::string& log_dir);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // Waits until stdout has a line starting with `prefix`; returns that line.
  std::optional<std::string> WaitForLine(const std::string& prefix, Duration timeout);
  // Sends `signal`.
  void Signal(int signal);
  // Waits for the process to exit; its exit code (128 + signal when killed), or nullopt on
  // timeout.
  std::optional<int> Wait(Duration timeout);

  std::string Stdout() const;
  std::string Stderr() const;

 private:
  std::string name_;
  std::string out_path_;
  std::string err_path_;
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
};

// Runs a program to completion (at most `timeout`); its exit code, stdout and stderr.
struct RunResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
RunResult RunProgram(std::vector<std::string> argv, const std::string& log_dir,
                     Duration timeout = std::chrono::seconds(30));

std::string ReadFile(const std::string& path);

}  // namespace pylon::testing
