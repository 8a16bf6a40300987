// Copyright 2026 The Pylon Gateway Authors.

#include "runtime/reactor.h"

#include <pthread.h>

#include "base/log.h"
#include "runtime/asio.h"

namespace pylon {
namespace {
thread_local Reactor* current_reactor = nullptr;
}  // namespace

struct Reactor::WorkGuard {
  explicit WorkGuard(boost::asio::io_context& io) : guard(io.get_executor()) {}
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard;
};

Reactor::Reactor(uint32_t index, std::string name)
    : index_(index), name_(std::move(name)), io_(std::make_unique<boost::asio::io_context>(1)) {}

Reactor::~Reactor() {
  Stop();
  // Closures still queued (refused or posted after the stop marker) are destroyed with io_.
}

void Reactor::Start() {
  if (started_) return;
  started_ = true;
  work_guard_ = std::make_unique<WorkGuard>(*io_);
  accepting_.store(true, std::memory_order_release);
  thread_ = std::thread([this] { Run(); });
}

void Reactor::Run() {
  current_reactor = this;
  std::string thread_name = name_.substr(0, 15);  // the kernel's limit
  pthread_setname_np(pthread_self(), thread_name.c_str());
  io_->run();
  current_reactor = nullptr;
}

void Reactor::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  if (IsCurrent()) {
    log::Error("Reactor::Stop called on reactor {} itself; ignoring", name_);
    return;
  }
  accepting_.store(false, std::memory_order_release);
  // The marker runs after everything queued so far; then the context stops.
  boost::asio::post(*io_, [this] {
    work_guard_.reset();
    io_->stop();
  });
  thread_.join();
}

bool Reactor::Post(UniqueFunction<void()> fn) {
  if (!accepting_.load(std::memory_order_acquire)) return false;
  boost::asio::post(*io_, [this, fn = std::move(fn)]() mutable {
    fn();
    executed_.fetch_add(1, std::memory_order_relaxed);
  });
  return true;
}

Reactor* Reactor::Current() { return current_reactor; }

ReactorPool::ReactorPool(uint32_t count, std::string name_prefix) {
  if (count == 0) count = std::max(1u, std::thread::hardware_concurrency());
  for (uint32_t i = 0; i < count; ++i) {
    reactors_.push_back(std::make_unique<Reactor>(i, name_prefix + "-" + std::to_string(i)));
  }
}

ReactorPool::~ReactorPool() { Stop(); }

void ReactorPool::Start() {
  for (auto& reactor : reactors_) reactor->Start();
}

void ReactorPool::Stop() {
  for (auto& reactor : reactors_) reactor->Stop();
}

struct Timer::Impl {
  explicit Impl(Reactor& r) : timer(r.io_context()) {}
  boost::asio::steady_timer timer;
  UniqueFunction<void()> callback;
  uint64_t generation = 0;
  bool armed = false;
};

Timer::Timer(Reactor& reactor) : impl_(std::make_shared<Impl>(reactor)) {}

Timer::~Timer() { Cancel(); }

void Timer::RunAfter(Duration delay, UniqueFunction<void()> fn) {
  Impl& impl = *impl_;
  impl.timer.cancel();
  uint64_t generation = ++impl.generation;
  impl.callback = std::move(fn);
  impl.armed = true;
  impl.timer.expires_after(delay);
  impl.timer.async_wait(
      [weak = std::weak_ptr<Impl>(impl_), generation](const boost::system::error_code& error) {
        auto impl = weak.lock();
        if (!impl || error || impl->generation != generation || !impl->armed) return;
        impl->armed = false;
        auto callback = std::move(impl->callback);
        callback();  // may re-arm or destroy the Timer; `impl` keeps the state alive meanwhile
      });
}

void Timer::Cancel() {
  if (!impl_) return;
  ++impl_->generation;
  impl_->armed = false;
  impl_->callback = nullptr;
  impl_->timer.cancel();
}

bool Timer::pending() const { return impl_->armed; }

}  // namespace pylon
