// Copyright 2026 The Pylon Gateway Authors.
// Reactors: the threads of the process. A Reactor is one thread running one io_context; nothing
// but that thread touches the state it owns (shards, caches, logs). Other threads reach it only by
// posting closures to it (Post), and get answers back the same way (Ask).
//
// Lifecycle: constructed stopped; Start() launches the thread; Stop() refuses new work, runs every
// closure already queued, then joins. Closures refused after Stop() are destroyed without running.

#pragma once

#include <atomic>
#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include "base/clock.h"
#include "runtime/unique_function.h"

namespace boost::asio {
class io_context;
}

namespace pylon {

class Reactor {
 public:
  Reactor(uint32_t index, std::string name);
  ~Reactor();  // Stop()s if still running
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  uint32_t index() const { return index_; }
  const std::string& name() const { return name_; }

  void Start();
  // Refuses further posts, runs what is already queued, joins the thread. Idempotent. Must not be
  // called from this reactor's own thread.
  void Stop();

  // Queues `fn` to run on this reactor's thread after everything queued before it. Thread-safe.
  // Returns false, destroying `fn` unrun, once Stop() has begun.
  bool Post(UniqueFunction<void()> fn);

  // True when called on this reactor's thread.
  bool IsCurrent() const { return Current() == this; }
  // The reactor whose thread is calling, or nullptr on any other thread.
  static Reactor* Current();

  // For the transport layer (net/), which runs sockets on this reactor.
  boost::asio::io_context& io_context() { return *io_; }

  // Closures run so far (for tests and metrics).
  uint64_t executed() const { return executed_.load(std::memory_order_relaxed); }

 private:
  void Run();

  const uint32_t index_;
  const std::string name_;
  std::unique_ptr<boost::asio::io_context> io_;
  struct WorkGuard;
  std::unique_ptr<WorkGuard> work_guard_;
  std::thread thread_;
  std::atomic<bool> accepting_{false};
  std::atomic<uint64_t> executed_{0};
  bool started_ = false;
  bool stopped_ = false;
};

// Runs `fn` on `target`; then runs `done(result)` on `reply_to`. If either reactor refuses the
// work (it is stopping), the chain ends there and `done` is destroyed unrun.
template <typename Fn, typename Done>
void Ask(Reactor& target, Fn fn, Reactor& reply_to, Done done) {
  target.Post([fn = std::move(fn), done = std::move(done), &reply_to]() mutable {
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&>>) {
      fn();
      reply_to.Post([done = std::move(done)]() mutable { done(); });
    } else {
      reply_to.Post([done = std::move(done), result = fn()]() mutable { done(std::move(result)); });
    }
  });
}

// Runs `fn` on `target` and blocks the calling thread until it has run. For start-up, shutdown
// and tests only: never call it from a reactor thread (it could wait on itself). Returns nullopt
// if the reactor refused the work.
template <typename Fn>
auto CallBlocking(Reactor& target, Fn fn)
    -> std::optional<std::conditional_t<std::is_void_v<std::invoke_result_t<Fn&>>, bool,
                                        std::invoke_result_t<Fn&>>> {
  using R = std::invoke_result_t<Fn&>;
  using Out = std::conditional_t<std::is_void_v<R>, bool, R>;
  auto promise = std::make_shared<std::promise<std::optional<Out>>>();
  auto future = promise->get_future();
  struct Guard {  // answers nullopt if the closure is destroyed without running
    std::shared_ptr<std::promise<std::optional<Out>>> promise;
    bool done = false;
    ~Guard() {
      if (promise && !done) promise->set_value(std::nullopt);
    }
  };
  auto guard = std::make_unique<Guard>();
  guard->promise = promise;
  target.Post([fn = std::move(fn), guard = std::move(guard)]() mutable {
    guard->done = true;
    if constexpr (std::is_void_v<R>) {
      fn();
      guard->promise->set_value(true);
    } else {
      guard->promise->set_value(fn());
    }
  });
  return future.get();
}

// The process's reactors. Shards and other owned state are pinned to one of them.
class ReactorPool {
 public:
  // `count` 0 means one per hardware thread.
  explicit ReactorPool(uint32_t count, std::string name_prefix = "reactor");
  ~ReactorPool();

  void Start();
  // Stops every reactor: first all refuse new work, then each runs its queue and is joined.
  void Stop();

  uint32_t size() const { return static_cast<uint32_t>(reactors_.size()); }
  Reactor& at(uint32_t index) { return *reactors_[index]; }
  // A stable choice of reactor for a key (e.g. a bot shard's hash).
  Reactor& ForKey(uint64_t key) { return *reactors_[key % reactors_.size()]; }

 private:
  std::vector<std::unique_ptr<Reactor>> reactors_;
};

// A one-shot timer on a reactor. Use it only on its reactor's thread. Destroying or cancelling it
// guarantees the callback will not run afterwards.
class Timer {
 public:
  explicit Timer(Reactor& reactor);
  ~Timer();
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;

  // Arms the timer, replacing any pending callback.
  void RunAfter(Duration delay, UniqueFunction<void()> fn);
  void Cancel();
  bool pending() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace pylon
