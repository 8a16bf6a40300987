// Copyright 2026 The Pylon Gateway Authors.

#include "store/embedded_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "base/log.h"
#include "internal/v1/store.pb.h"
#include "runtime/reactor.h"

namespace pylon::store {
namespace {

constexpr const char* kLogName = "store.log";
constexpr const char* kLockName = "store.lock";
constexpr size_t kMaxRecordBytes = 64u << 20;

uint32_t Crc32(std::string_view bytes) {
  return static_cast<uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void AppendU32(std::string* out, uint32_t value) {
  char bytes[4];
  std::memcpy(bytes, &value, 4);  // little-endian hosts (x86-64, AArch64)
  out->append(bytes, 4);
}

std::string Frame(const pylon::internal::v1::StoreLogRecord& record) {
  std::string payload = record.SerializeAsString();
  std::string out;
  AppendU32(&out, static_cast<uint32_t>(payload.size()));
  AppendU32(&out, Crc32(payload));
  out += payload;
  return out;
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Unavailable("cannot write " + path + ": " + std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  if (::fdatasync(fd) != 0) return Unavailable("cannot sync " + path + ": " + std::strerror(errno));
  return Ok();
}

}  // namespace

struct EmbeddedStore::Impl {
  struct Lease {
    Duration ttl{};
    MonoTime expires{};
    std::vector<std::string> keys;
  };
  struct Watcher {
    uint64_t id = 0;
    std::string prefix;
    std::function<void(const WatchEvent&)> on_event;
  };

  explicit Impl(const Clock& clock) : clock(clock) {}

  const Clock& clock;
  Reactor reactor{0, "store"};
  std::string directory;
  std::string log_path;
  int log_fd = -1;
  int lock_fd = -1;
  uint64_t log_bytes = 0;
  uint64_t live_bytes = 0;
  std::map<std::string, KeyValue, std::less<>> keys;
  int64_t revision = 0;
  std::map<LeaseId, Lease> leases;
  LeaseId next_lease = 1;
  std::vector<Watcher> watchers;
  uint64_t next_watcher = 1;
  std::unique_ptr<Timer> lease_timer;

  ~Impl() {
    if (log_fd >= 0) ::close(log_fd);
    if (lock_fd >= 0) ::close(lock_fd);
  }

  Status Load();
  Status Persist(const pylon::internal::v1::StoreLogRecord& record);
  Status MaybeCompact();
  void Notify(const WatchEvent& event);
  Result<int64_t> DoPut(std::string_view key, std::string value, LeaseId lease);
  Result<bool> DoDelete(std::string_view key);
  void ExpireLeases();
  void ArmLeaseTimer();
};

Status EmbeddedStore::Impl::Load() {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) {
    return Unavailable("cannot create data directory '" + directory + "': " + error.message());
  }
  std::string lock_path = directory + "/" + kLockName;
  lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return Unavailable("cannot open " + lock_path + ": " + std::strerror(errno));
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    return FailedPrecondition("data directory '" + directory + "' is in use by another process (" +
                              lock_path + " is locked)");
  }
  log_path = directory + "/" + kLogName;
  int fd = ::open(log_path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    std::string bytes;
    char buffer[1 << 16];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof(buffer))) > 0)
      bytes.append(buffer, static_cast<size_t>(n));
    ::close(fd);
    size_t offset = 0;
    uint64_t index = 0;
    while (offset < bytes.size()) {
      auto corrupt = [&](std::string why) {
        return DataLoss("data directory '" + directory + "' is damaged: " + log_path + " record " +
                        std::to_string(index) + " at byte " + std::to_string(offset) + ": " + why +
                        ". The file was left as it is; restore it from a backup or "
                        "move it away to start empty.");
      };
      if (bytes.size() - offset < 8) return corrupt("truncated header");
      uint32_t length, crc;
      std::memcpy(&length, bytes.data() + offset, 4);
      std::memcpy(&crc, bytes.data() + offset + 4, 4);
      if (length > kMaxRecordBytes || bytes.size() - offset - 8 < length) {
        return corrupt("truncated record");
      }
      std::string_view payload(bytes.data() + offset + 8, length);
      if (Crc32(payload) != crc) return corrupt("bad checksum");
      pylon::internal::v1::StoreLogRecord record;
      if (!record.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
        return corrupt("unreadable record");
      }
      revision = std::max(revision, record.revision());
      if (record.has_put()) {
        KeyValue& kv = keys[record.put().key()];
        kv.key = record.put().key();
        kv.value = record.put().value();
        kv.create_revision = record.put().create_revision();
        kv.mod_revision = record.revision();
      } else {
        keys.erase(record.delete_key());
      }
      offset += 8 + length;
      ++index;
    }
    log_bytes = bytes.size();
  }
  for (const auto& [key, kv] : keys) live_bytes += key.size() + kv.value.size() + 24;
  log_fd = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (log_fd < 0) return Unavailable("cannot open " + log_path + ": " + std::strerror(errno));
  return Ok();
}

Status EmbeddedStore::Impl::Persist(const pylon::internal::v1::StoreLogRecord& record) {
  if (directory.empty()) return Ok();
  std::string framed = Frame(record);
  PYLON_RETURN_IF_ERROR(WriteAll(log_fd, framed, log_path));
  log_bytes += framed.size();
  return MaybeCompact();
}

Status EmbeddedStore::Impl::MaybeCompact() {
  if (log_bytes < (1u << 20) || log_bytes < 4 * live_bytes) return Ok();
  // Write every persistent key to a new log and swap it in atomically.
  std::string temporary = log_path + ".compact";
  int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Unavailable("cannot open " + temporary + ": " + std::strerror(errno));
  std::string bytes;
  for (const auto& [key, kv] : keys) {
    if (kv.lease != 0) continue;
    pylon::internal::v1::StoreLogRecord record;
    record.set_revision(kv.mod_revision);
    record.mutable_put()->set_key(key);
    record.mutable_put()->set_value(kv.value);
    record.mutable_put()->set_create_revision(kv.create_revision);
    bytes += Frame(record);
  }
  Status written = WriteAll(fd, bytes, temporary);
  ::close(fd);
  PYLON_RETURN_IF_ERROR(written);
  std::error_code error;
  std::filesystem::rename(temporary, log_path, error);
  if (error) return Unavailable("cannot replace " + log_path + ": " + error.message());
  ::close(log_fd);
  log_fd = ::open(log_path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (log_fd < 0) return Unavailable("cannot reopen " + log_path + ": " + std::strerror(errno));
  log_bytes = bytes.size();
  return Ok();
}

void EmbeddedStore::Impl::Notify(const WatchEvent& event) {
  for (const Watcher& w : watchers) {
    if (event.kv.key.starts_with(w.prefix)) w.on_event(event);
  }
}

Result<int64_t> EmbeddedStore::Impl::DoPut(std::string_view key, std::string value, LeaseId lease) {
  if (key.empty()) return InvalidArgument("empty key");
  if (lease != 0 && !leases.count(lease)) return NotFound("lease " + std::to_string(lease));
  int64_t next = revision + 1;
  auto it = keys.find(key);
  int64_t create = it == keys.end() ? next : it->second.create_revision;
  if (lease == 0) {
    pylon::internal::v1::StoreLogRecord record;
    record.set_revision(next);
    record.mutable_put()->set_key(std::string(key));
    record.mutable_put()->set_value(value);
    record.mutable_put()->set_create_revision(create);
    PYLON_RETURN_IF_ERROR(Persist(record));
  }
  revision = next;
  KeyValue& kv = keys[std::string(key)];
  if (kv.lease != 0 && kv.lease != lease) {
    auto& old = leases[kv.lease].keys;
    old.erase(std::remove(old.begin(), old.end(), std::string(key)), old.end());
  }
  if (kv.lease == 0 && !kv.key.empty()) live_bytes -= kv.key.size() + kv.value.size() + 24;
  kv.key = std::string(key);
  kv.value = std::move(value);
  kv.create_revision = create;
  kv.mod_revision = revision;
  if (lease != 0 && kv.lease != lease) leases[lease].keys.push_back(kv.key);
  kv.lease = lease;
  if (lease == 0) live_bytes += kv.key.size() + kv.value.size() + 24;
  Notify({WatchEvent::Type::kPut, kv});
  return revision;
}

Result<bool> EmbeddedStore::Impl::DoDelete(std::string_view key) {
  auto it = keys.find(key);
  if (it == keys.end()) return false;
  int64_t next = revision + 1;
  if (it->second.lease == 0) {
    pylon::internal::v1::StoreLogRecord record;
    record.set_revision(next);
    record.set_delete_key(std::string(key));
    PYLON_RETURN_IF_ERROR(Persist(record));
    live_bytes -= it->second.key.size() + it->second.value.size() + 24;
  } else if (auto lease = leases.find(it->second.lease); lease != leases.end()) {
    auto& list = lease->second.keys;
    list.erase(std::remove(list.begin(), list.end(), it->first), list.end());
  }
  revision = next;
  WatchEvent event{WatchEvent::Type::kDelete, it->second};
  event.kv.mod_revision = revision;
  event.kv.value.clear();
  keys.erase(it);
  Notify(event);
  return true;
}

void EmbeddedStore::Impl::ExpireLeases() {
  MonoTime now = clock.Now();
  std::vector<LeaseId> expired;
  for (const auto& [id, lease] : leases) {
    if (lease.expires <= now) expired.push_back(id);
  }
  for (LeaseId id : expired) {
    std::vector<std::string> lease_keys = leases[id].keys;
    leases.erase(id);
    for (const auto& key : lease_keys) (void)DoDelete(key);
  }
  ArmLeaseTimer();
}

void EmbeddedStore::Impl::ArmLeaseTimer() {
  if (leases.empty()) return;
  MonoTime earliest = MonoTime::max();
  for (const auto& [id, lease] : leases) earliest = std::min(earliest, lease.expires);
  lease_timer->RunAfter(std::max(Duration::zero(), earliest - clock.Now()),
                        [this] { ExpireLeases(); });
}

Result<std::unique_ptr<EmbeddedStore>> EmbeddedStore::Open(const std::string& directory,
                                                           const Clock& clock) {
  auto impl = std::make_shared<Impl>(clock);
  impl->directory = directory;
  if (!directory.empty()) PYLON_RETURN_IF_ERROR(impl->Load());
  impl->reactor.Start();
  CallBlocking(impl->reactor, [&] { impl->lease_timer = std::make_unique<Timer>(impl->reactor); });
  return std::unique_ptr<EmbeddedStore>(new EmbeddedStore(impl));
}

EmbeddedStore::~EmbeddedStore() {
  CallBlocking(impl_->reactor, [&] {
    impl_->lease_timer.reset();
    impl_->watchers.clear();
  });
  impl_->reactor.Stop();
}

#define PYLON_ON_STORE(expr)                                                  \
  do {                                                                        \
    auto pylon_result = CallBlocking(impl_->reactor, [&] { return (expr); }); \
    if (!pylon_result) return Unavailable("the store is shutting down");      \
    return std::move(*pylon_result);                                          \
  } while (0)

Result<std::optional<KeyValue>> EmbeddedStore::Get(std::string_view key) {
  PYLON_ON_STORE(([&]() -> Result<std::optional<KeyValue>> {
    auto it = impl_->keys.find(key);
    if (it == impl_->keys.end()) return std::optional<KeyValue>();
    return std::optional<KeyValue>(it->second);
  })());
}

Result<std::vector<KeyValue>> EmbeddedStore::List(std::string_view prefix) {
  PYLON_ON_STORE(([&]() -> Result<std::vector<KeyValue>> {
    std::vector<KeyValue> out;
    for (auto it = impl_->keys.lower_bound(prefix);
         it != impl_->keys.end() && it->first.starts_with(prefix); ++it) {
      out.push_back(it->second);
    }
    return out;
  })());
}

Result<int64_t> EmbeddedStore::Put(std::string_view key, std::string value, LeaseId lease) {
  PYLON_ON_STORE(impl_->DoPut(key, std::move(value), lease));
}

Result<int64_t> EmbeddedStore::CompareAndSwap(std::string_view key, int64_t expected_revision,
                                              std::string value, LeaseId lease) {
  PYLON_ON_STORE(([&]() -> Result<int64_t> {
    auto it = impl_->keys.find(key);
    int64_t current = it == impl_->keys.end() ? 0 : it->second.mod_revision;
    if (current != expected_revision) {
      return FailedPrecondition("key '" + std::string(key) + "' is at revision " +
                                std::to_string(current) + ", not " +
                                std::to_string(expected_revision));
    }
    return impl_->DoPut(key, std::move(value), lease);
  })());
}

Result<bool> EmbeddedStore::Delete(std::string_view key) { PYLON_ON_STORE(impl_->DoDelete(key)); }

Result<LeaseId> EmbeddedStore::GrantLease(Duration ttl) {
  PYLON_ON_STORE(([&]() -> Result<LeaseId> {
    if (ttl <= Duration::zero()) return InvalidArgument("lease TTL must be positive");
    LeaseId id = impl_->next_lease++;
    impl_->leases[id] = {ttl, impl_->clock.Now() + ttl, {}};
    impl_->ArmLeaseTimer();
    return id;
  })());
}

Status EmbeddedStore::KeepAlive(LeaseId lease) {
  PYLON_ON_STORE(([&]() -> Status {
    auto it = impl_->leases.find(lease);
    if (it == impl_->leases.end()) return NotFound("lease " + std::to_string(lease) + " expired");
    it->second.expires = impl_->clock.Now() + it->second.ttl;
    return Ok();
  })());
}

Status EmbeddedStore::RevokeLease(LeaseId lease) {
  PYLON_ON_STORE(([&]() -> Status {
    auto it = impl_->leases.find(lease);
    if (it == impl_->leases.end()) return NotFound("lease " + std::to_string(lease));
    std::vector<std::string> lease_keys = it->second.keys;
    impl_->leases.erase(it);
    for (const auto& key : lease_keys) (void)impl_->DoDelete(key);
    return Ok();
  })());
}

namespace {
class EmbeddedWatch final : public WatchHandle {
 public:
  EmbeddedWatch(std::shared_ptr<EmbeddedStore::Impl> impl, uint64_t id)
      : impl_(std::move(impl)), id_(id) {}
  ~EmbeddedWatch() override;

 private:
  std::shared_ptr<EmbeddedStore::Impl> impl_;
  uint64_t id_;
};
}  // namespace

EmbeddedWatch::~EmbeddedWatch() {
  auto impl = impl_;
  auto remove = [impl, id = id_] {
    std::erase_if(impl->watchers,
                  [&](const EmbeddedStore::Impl::Watcher& w) { return w.id == id; });
  };
  if (impl->reactor.IsCurrent()) {
    remove();
  } else {
    CallBlocking(impl->reactor, remove);
  }
}

Result<std::unique_ptr<WatchHandle>> EmbeddedStore::Watch(
    std::string_view prefix, std::function<void(const WatchEvent&)> on_event) {
  auto id = CallBlocking(impl_->reactor, [&] {
    uint64_t watcher = impl_->next_watcher++;
    impl_->watchers.push_back({watcher, std::string(prefix), std::move(on_event)});
    return watcher;
  });
  if (!id) return Unavailable("the store is shutting down");
  return std::unique_ptr<WatchHandle>(new EmbeddedWatch(impl_, *id));
}

int64_t EmbeddedStore::revision() {
  return CallBlocking(impl_->reactor, [&] { return impl_->revision; }).value_or(0);
}

}  // namespace pylon::store
