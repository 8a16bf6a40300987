// Copyright 2026 The Pylon Gateway Authors.
// EmbeddedStore: the Store of a single-node deployment. Keys live in memory, owned by the store's
// own reactor thread; every change without a lease is appended to a log file in the data
// directory (framed, checksummed, synced) and replayed at start, so bots, worker groups and
// tokens survive a restart. The log is rewritten as a snapshot when it has grown well past the
// live data. A lock file keeps a second process off the same directory; a damaged log makes
// Open fail with a clear error and nothing is overwritten.

#pragma once

#include <memory>
#include <string>

#include "store/store.h"

namespace pylon::store {

class EmbeddedStore final : public Store {
 public:
  // `directory` empty: memory only (tests). The directory is created if missing.
  static Result<std::unique_ptr<EmbeddedStore>> Open(const std::string& directory,
                                                     const Clock& clock = SystemClock());
  ~EmbeddedStore() override;

  Result<std::optional<KeyValue>> Get(std::string_view key) override;
  Result<std::vector<KeyValue>> List(std::string_view prefix) override;
  Result<int64_t> Put(std::string_view key, std::string value, LeaseId lease = 0) override;
  Result<int64_t> CompareAndSwap(std::string_view key, int64_t expected_revision, std::string value,
                                 LeaseId lease = 0) override;
  Result<bool> Delete(std::string_view key) override;
  Result<LeaseId> GrantLease(Duration ttl) override;
  Status KeepAlive(LeaseId lease) override;
  Status RevokeLease(LeaseId lease) override;
  Result<std::unique_ptr<WatchHandle>> Watch(
      std::string_view prefix, std::function<void(const WatchEvent&)> on_event) override;

  int64_t revision();

  struct Impl;

 private:
  explicit EmbeddedStore(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<Impl> impl_;
};

}  // namespace pylon::store
