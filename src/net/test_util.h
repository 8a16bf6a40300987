// Copyright 2026 The Pylon Gateway Authors.
// Helpers for the tests of net/: waiting with a deadline, temporary directories, raw POSIX sockets
// (to talk to the servers without going through net/ itself). Test-only.

#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "base/clock.h"

namespace pylon::net::testing {

// Polls `done` until it returns true (then true) or `timeout` passes (then false).
bool WaitUntil(const std::function<bool()>& done, Duration timeout = std::chrono::seconds(20));

// A thread-safe queue that a test thread reads with a deadline.
template <typename T>
class Mailbox {
 public:
  void Push(T value) {
    std::lock_guard lock(mutex_);
    items_.push_back(std::move(value));
    ready_.notify_all();
  }
  std::optional<T> Pop(Duration timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mutex_);
    if (!ready_.wait_for(lock, timeout, [&] { return !items_.empty(); })) return std::nullopt;
    T value = std::move(items_.front());
    items_.pop_front();
    return value;
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<T> items_;
};

// A fresh directory under $TMPDIR, removed with its files on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A blocking TCP connection to 127.0.0.1 made with POSIX sockets.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  bool Write(std::string_view data);
  // Reads until the peer closes or `timeout` passes; `closed` tells which.
  std::string ReadUntilClosed(Duration timeout, bool* closed);

 private:
  int fd_ = -1;
};

// A listening socket on 127.0.0.1 that never accepts: connections complete (the kernel's backlog)
// but nothing is ever answered.
class SilentListener {
 public:
  SilentListener();
  ~SilentListener();
  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A loopback port nothing listens on (bound, then released).
uint16_t UnusedPort();

}  // namespace pylon::net::testing
