// Copyright 2026 The Pylon Gateway Authors.
// Store: where the cluster keeps what must survive a restart and be shared between nodes: bots,
// worker groups, token hashes, shard checkpoints, placement (architecture §8). A key-value
// interface with revisions, compare-and-swap, prefix listing, prefix watches and leases, so that
// the embedded store (one process, a file) and etcd (a cluster) are interchangeable and every role
// is written once against this interface.
//
// Calls block the calling thread until the store answers: use them from control-plane threads
// (gRPC handlers, start-up), never from a reactor running shards. Watch callbacks run on the
// store's own thread. Implementations are thread-safe.

#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace pylon::store {

using LeaseId = int64_t;  // 0: no lease

struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;
  int64_t mod_revision = 0;  // the store-wide revision of the last change to this key
  LeaseId lease = 0;
};

struct WatchEvent {
  enum class Type { kPut, kDelete };
  Type type = Type::kPut;
  KeyValue kv;  // for kDelete: the key and the revision of the deletion
};

// Cancels its watch when destroyed.
class WatchHandle {
 public:
  virtual ~WatchHandle() = default;
};

class Store {
 public:
  virtual ~Store() = default;

  virtual Result<std::optional<KeyValue>> Get(std::string_view key) = 0;
  // Every key starting with `prefix`, in key order.
  virtual Result<std::vector<KeyValue>> List(std::string_view prefix) = 0;
  // Writes `value`; returns the new revision.
  virtual Result<int64_t> Put(std::string_view key, std::string value, LeaseId lease = 0) = 0;
  // Writes only if the key's mod_revision is `expected_revision` (0: the key must not exist).
  // FAILED_PRECONDITION when it is not. Returns the new revision.
  virtual Result<int64_t> CompareAndSwap(std::string_view key, int64_t expected_revision,
                                         std::string value, LeaseId lease = 0) = 0;
  // Deletes the key; returns whether it existed.
  virtual Result<bool> Delete(std::string_view key) = 0;

  // Leases: keys written with a lease vanish when it expires (not kept alive) or is revoked.
  virtual Result<LeaseId> GrantLease(Duration ttl) = 0;
  virtual Status KeepAlive(LeaseId lease) = 0;
  virtual Status RevokeLease(LeaseId lease) = 0;

  // Calls `on_event` for every later change under `prefix`, in revision order, until the handle
  // is destroyed.
  virtual Result<std::unique_ptr<WatchHandle>> Watch(
      std::string_view prefix, std::function<void(const WatchEvent&)> on_event) = 0;
};

}  // namespace pylon::store
