// Copyright 2026 The Pylon Gateway Authors.
// MemberTable: the members of one guild, in 40-byte records. Internal to src/cache.

#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "base/ids.h"
#include "base/short_string.h"
#include "cache/shard_cache.h"
#include "cache/user_table.h"
#include "discord/model.h"

namespace pylon::cache {

// One guild member. The user is a slot of the shard's UserTable (one reference held); nick,
// premium_since and communication_disabled_until live in MemberTable's side tables, flagged here.
struct MemberRecord {
  enum Bits : uint8_t {
    kPending = 1,
    kDeaf = 2,
    kMute = 4,
    kHasNick = 8,
    kHasPremium = 16,
    kHasTimeout = 32,
  };
  UserId user;
  discord::IdList roles;  // never the @everyone role
  discord::TimestampUs joined_at = 0;
  uint32_t user_slot = kNoSlot;
  uint8_t bits = 0;

  bool has(Bits bit) const { return (bits & bit) != 0; }
  void set(Bits bit, bool on) { bits = on ? (bits | bit) : (bits & ~bit); }
};
static_assert(sizeof(MemberRecord) == 40);

// Members keyed by user id: records in a dense vector (swap-with-last removal) and a swiss-table
// index holding only 4-byte positions, hashed and compared through the records' user ids
// (heterogeneous lookup by UserId). About 40 B + 5 B / load factor per member, against 40 B + 48 B
// / load factor for a flat_hash_map<UserId, MemberRecord>. Positions change on removal; pointers
// and references to records are valid only until the next Insert or Erase.
// Owned by a guild of a ShardCache; not thread-safe; neither copyable nor movable (the index's
// hasher points at the records).
class MemberTable {
 public:
  MemberTable();
  MemberTable(const MemberTable&) = delete;
  MemberTable& operator=(const MemberTable&) = delete;

  MemberRecord* Find(UserId user);
  const MemberRecord* Find(UserId user) const;
  // Adds a record for a user that has none. The caller fills it.
  MemberRecord& Insert(UserId user, uint32_t user_slot);
  // Removes the member (and its side-table entries); returns its record.
  std::optional<MemberRecord> Erase(UserId user);
  void Reserve(size_t members);
  size_t size() const { return records_.size(); }
  const std::vector<MemberRecord>& records() const { return records_; }
  std::vector<MemberRecord>& mutable_records() { return records_; }
  void Clear();

  // Side tables; most members have none of these.
  std::string_view Nick(const MemberRecord& member) const;
  void SetNick(MemberRecord& member, std::string_view nick);  // empty: none
  discord::TimestampUs PremiumSince(const MemberRecord& member) const;
  void SetPremiumSince(MemberRecord& member, discord::TimestampUs at);  // 0: none
  discord::TimestampUs TimeoutUntil(const MemberRecord& member) const;
  void SetTimeoutUntil(MemberRecord& member, discord::TimestampUs until);  // 0: none

  // Bytes owned (records, index, side tables, heap of roles and nicks); users not included.
  uint64_t Bytes() const;

 private:
  struct Entry {
    mutable uint32_t pos;  // rewritten in place when a record moves (its hash does not change)
  };
  struct EntryHash {
    using is_transparent = void;
    const std::vector<MemberRecord>* records;
    size_t operator()(Entry e) const { return (*this)((*records)[e.pos].user); }
    size_t operator()(UserId id) const { return absl::Hash<uint64_t>()(id.value()); }
  };
  struct EntryEq {
    using is_transparent = void;
    const std::vector<MemberRecord>* records;
    bool operator()(Entry a, Entry b) const { return a.pos == b.pos; }
    bool operator()(Entry e, UserId id) const { return (*records)[e.pos].user == id; }
    bool operator()(UserId id, Entry e) const { return (*records)[e.pos].user == id; }
  };

  std::vector<MemberRecord> records_;
  absl::flat_hash_set<Entry, EntryHash, EntryEq> index_;
  absl::flat_hash_map<uint64_t, ShortString> nicks_;
  absl::flat_hash_map<uint64_t, discord::TimestampUs> premium_since_;
  absl::flat_hash_map<uint64_t, discord::TimestampUs> timeouts_;
};

}  // namespace pylon::cache
