// Copyright 2026 The Pylon Gateway Authors.
// UniqueFunction<R(Args...)>: a move-only callable wrapper (std::move_only_function is C++23).
// Closures up to kInlineSize bytes are stored inline, without a heap allocation.

#pragma once

#include <cstddef>
#include <new>
#include <type_traits>
#include <utility>

namespace pylon {

template <typename Signature>
class UniqueFunction;

template <typename R, typename... Args>
class UniqueFunction<R(Args...)> {
 public:
  static constexpr size_t kInlineSize = 48;

  UniqueFunction() = default;
  UniqueFunction(std::nullptr_t) {}  // NOLINT: implicit

  template <typename F>
  requires(!std::is_same_v<std::decay_t<F>, UniqueFunction> &&
           std::is_invocable_r_v<R, std::decay_t<F>&, Args...>)
      UniqueFunction(F&& f) {  // NOLINT: implicit, like std::function
    using Fn = std::decay_t<F>;
    if constexpr (sizeof(Fn) <= kInlineSize && alignof(Fn) <= alignof(std::max_align_t) &&
                  std::is_nothrow_move_constructible_v<Fn>) {
      new (&storage_) Fn(std::forward<F>(f));
      ops_ = &InlineOps<Fn>::kOps;
    } else {
      *reinterpret_cast<Fn**>(&storage_) = new Fn(std::forward<F>(f));
      ops_ = &HeapOps<Fn>::kOps;
    }
  }

  UniqueFunction(UniqueFunction&& other) noexcept { MoveFrom(other); }
  UniqueFunction& operator=(UniqueFunction&& other) noexcept {
    if (this != &other) {
      Reset();
      MoveFrom(other);
    }
    return *this;
  }
  UniqueFunction(const UniqueFunction&) = delete;
  UniqueFunction& operator=(const UniqueFunction&) = delete;
  ~UniqueFunction() { Reset(); }

  explicit operator bool() const { return ops_ != nullptr; }

  R operator()(Args... args) { return ops_->invoke(&storage_, std::forward<Args>(args)...); }

 private:
  struct Ops {
    R (*invoke)(void*, Args&&...);
    void (*move)(void* from, void* to);
    void (*destroy)(void*);
  };

  template <typename Fn>
  struct InlineOps {
    static R Invoke(void* s, Args&&... args) {
      return (*static_cast<Fn*>(s))(std::forward<Args>(args)...);
    }
    static void Move(void* from, void* to) {
      new (to) Fn(std::move(*static_cast<Fn*>(from)));
      static_cast<Fn*>(from)->~Fn();
    }
    static void Destroy(void* s) { static_cast<Fn*>(s)->~Fn(); }
    static constexpr Ops kOps{&Invoke, &Move, &Destroy};
  };

  template <typename Fn>
  struct HeapOps {
    static R Invoke(void* s, Args&&... args) {
      return (**static_cast<Fn**>(s))(std::forward<Args>(args)...);
    }
    static void Move(void* from, void* to) {
      *static_cast<Fn**>(to) = *static_cast<Fn**>(from);
      *static_cast<Fn**>(from) = nullptr;
    }
    static void Destroy(void* s) { delete *static_cast<Fn**>(s); }
    static constexpr Ops kOps{&Invoke, &Move, &Destroy};
  };

  void MoveFrom(UniqueFunction& other) {
    if (other.ops_ != nullptr) {
      other.ops_->move(&other.storage_, &storage_);
      ops_ = other.ops_;
      other.ops_ = nullptr;
    }
  }
  void Reset() {
    if (ops_ != nullptr) {
      ops_->destroy(&storage_);
      ops_ = nullptr;
    }
  }

  alignas(std::max_align_t) std::byte storage_[kInlineSize];
  const Ops* ops_ = nullptr;
};

}  // namespace pylon
