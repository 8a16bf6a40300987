// Copyright 2026 The Pylon Gateway Authors.
// UserTable: the users of one shard, each stored once in a slot and shared by every record that
// refers to it (members, presences, voice states, message authors) through a reference count.
// Internal to src/cache.

#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "base/ids.h"
#include "cache/shard_cache.h"
#include "discord/model.h"

namespace pylon::cache {

inline constexpr uint32_t kNoSlot = UINT32_MAX;

// One user. 56 bytes; the avatar is heap-allocated only when it is not a plain hash.
struct UserRecord {
  UserId id;  // zero: a free slot
  ShortString username;
  discord::ImageHash avatar;
  uint32_t refs = 0;
  uint16_t discriminator = 0;
  bool bot = false;
};
static_assert(sizeof(UserRecord) == 56);

// Users by slot index, with an id -> slot index that stores only the 4-byte slot (the id is read
// from the slot). Slots live in fixed chunks of 1024 (no reallocation, no doubling overshoot), are
// reused through a free list and never move, so a slot index stays valid while its reference count
// is above zero. The pinned slot (the bot's own user) is never freed.
// Owned by a ShardCache (its reactor's thread); not thread-safe; neither copyable nor movable (the
// index's hasher points at the table).
class UserTable {
 public:
  UserTable();
  UserTable(const UserTable&) = delete;
  UserTable& operator=(const UserTable&) = delete;

  // The user's slot, or kNoSlot.
  uint32_t Find(UserId id) const;
  // Finds or creates the user's slot and sets its fields from `user`. Takes no reference: a new
  // slot must be referenced (Ref) or given back (ReleaseIfUnused) by the caller.
  uint32_t Upsert(const discord::User& user);
  // Upsert + Ref.
  uint32_t Acquire(const discord::User& user) {
    uint32_t slot = Upsert(user);
    Ref(slot);
    return slot;
  }
  void Ref(uint32_t slot) { ++at(slot).refs; }
  // Drops one reference; frees the slot at zero unless pinned.
  void Unref(uint32_t slot);
  // Frees the slot if nothing refers to it (after an Upsert that was not kept).
  void ReleaseIfUnused(uint32_t slot);
  // The bot's own user: kept with no references.
  void Pin(uint32_t slot) { pinned_ = slot; }
  uint32_t pinned() const { return pinned_; }

  const UserRecord& at(uint32_t slot) const {
    return chunks_[slot >> kChunkBits][slot & (kChunkSize - 1)];
  }
  UserRecord& at(uint32_t slot) { return chunks_[slot >> kChunkBits][slot & (kChunkSize - 1)]; }
  size_t size() const { return live_; }
  void Clear();
  KindUsage Usage() const;

 private:
  // The index stores slot numbers and hashes/compares them through the slots' ids. Lookups pass a
  // UserId (heterogeneous lookup).
  static constexpr uint32_t kChunkBits = 10;
  static constexpr uint32_t kChunkSize = 1u << kChunkBits;

  struct SlotHash {
    using is_transparent = void;
    const UserTable* table;
    size_t operator()(uint32_t slot) const { return (*this)(table->at(slot).id); }
    size_t operator()(UserId id) const { return absl::Hash<uint64_t>()(id.value()); }
  };
  struct SlotEq {
    using is_transparent = void;
    const UserTable* table;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t slot, UserId id) const { return table->at(slot).id == id; }
    bool operator()(UserId id, uint32_t slot) const { return table->at(slot).id == id; }
  };
  void Free(uint32_t slot);

  std::vector<std::unique_ptr<UserRecord[]>> chunks_;
  uint32_t end_ = 0;  // slots handed out so far
  std::vector<uint32_t> free_;
  absl::flat_hash_set<uint32_t, SlotHash, SlotEq> index_;
  size_t live_ = 0;
  uint32_t pinned_ = kNoSlot;
};

// Estimated bytes of one heap block of `n` bytes (glibc malloc: 16-byte granularity, 8 bytes of
// header, 32 bytes minimum), for memory accounting.
constexpr size_t HeapBlock(size_t n) {
  if (n == 0) return 0;
  size_t b = (n + 8 + 15) & ~size_t{15};
  return b < 32 ? 32 : b;
}
// Heap bytes of a std::string (nothing while it fits in the small-string buffer).
inline size_t StringHeap(const std::string& s) {
  return s.capacity() > 15 ? HeapBlock(s.capacity() + 1) : 0;
}
// Bytes of an absl swiss table's backing array: control bytes plus slots.
template <typename Table>
size_t TableBytes(const Table& table) {
  using Slot = typename Table::slot_type;
  size_t capacity = table.capacity();
  if (capacity == 0) return 0;
  return HeapBlock(capacity + 16 + capacity * sizeof(Slot));
}

}  // namespace pylon::cache
