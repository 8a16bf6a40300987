// Copyright 2026 The Pylon Gateway Authors.

#include "cache/member_table.h"

#include <utility>

namespace pylon::cache {

MemberTable::MemberTable() : index_(0, EntryHash{&records_}, EntryEq{&records_}) {}

MemberRecord* MemberTable::Find(UserId user) {
  auto it = index_.find(user);
  return it == index_.end() ? nullptr : &records_[it->pos];
}

const MemberRecord* MemberTable::Find(UserId user) const {
  auto it = index_.find(user);
  return it == index_.end() ? nullptr : &records_[it->pos];
}

MemberRecord& MemberTable::Insert(UserId user, uint32_t user_slot) {
  uint32_t pos = static_cast<uint32_t>(records_.size());
  MemberRecord& record = records_.emplace_back();
  record.user = user;
  record.user_slot = user_slot;
  index_.insert(Entry{pos});  // hashes through records_[pos].user, set just above
  return record;
}

std::optional<MemberRecord> MemberTable::Erase(UserId user) {
  auto it = index_.find(user);
  if (it == index_.end()) return std::nullopt;
  const uint32_t pos = it->pos;
  index_.erase(it);
  std::optional<MemberRecord> removed(std::move(records_[pos]));
  const uint32_t last = static_cast<uint32_t>(records_.size() - 1);
  if (pos != last) {
    auto moved = index_.find(records_[last].user);
    moved->pos = pos;
    records_[pos] = std::move(records_[last]);
  }
  records_.pop_back();
  if (removed->has(MemberRecord::kHasNick)) nicks_.erase(user.value());
  if (removed->has(MemberRecord::kHasPremium)) premium_since_.erase(user.value());
  if (removed->has(MemberRecord::kHasTimeout)) timeouts_.erase(user.value());
  return removed;
}

void MemberTable::Reserve(size_t members) {
  if (members <= records_.capacity()) return;
  records_.reserve(members);
  index_.reserve(members);
}

void MemberTable::Clear() {
  index_.clear();
  records_.clear();
  nicks_.clear();
  premium_since_.clear();
  timeouts_.clear();
}

std::string_view MemberTable::Nick(const MemberRecord& member) const {
  if (!member.has(MemberRecord::kHasNick)) return {};
  auto it = nicks_.find(member.user.value());
  return it == nicks_.end() ? std::string_view() : it->second.view();
}

void MemberTable::SetNick(MemberRecord& member, std::string_view nick) {
  if (nick.empty()) {
    if (member.has(MemberRecord::kHasNick)) nicks_.erase(member.user.value());
  } else {
    ShortString& slot = nicks_[member.user.value()];
    if (slot.view() != nick) slot = nick;
  }
  member.set(MemberRecord::kHasNick, !nick.empty());
}

discord::TimestampUs MemberTable::PremiumSince(const MemberRecord& member) const {
  if (!member.has(MemberRecord::kHasPremium)) return 0;
  auto it = premium_since_.find(member.user.value());
  return it == premium_since_.end() ? 0 : it->second;
}

void MemberTable::SetPremiumSince(MemberRecord& member, discord::TimestampUs at) {
  if (at == 0) {
    if (member.has(MemberRecord::kHasPremium)) premium_since_.erase(member.user.value());
  } else {
    premium_since_[member.user.value()] = at;
  }
  member.set(MemberRecord::kHasPremium, at != 0);
}

discord::TimestampUs MemberTable::TimeoutUntil(const MemberRecord& member) const {
  if (!member.has(MemberRecord::kHasTimeout)) return 0;
  auto it = timeouts_.find(member.user.value());
  return it == timeouts_.end() ? 0 : it->second;
}

void MemberTable::SetTimeoutUntil(MemberRecord& member, discord::TimestampUs until) {
  if (until == 0) {
    if (member.has(MemberRecord::kHasTimeout)) timeouts_.erase(member.user.value());
  } else {
    timeouts_[member.user.value()] = until;
  }
  member.set(MemberRecord::kHasTimeout, until != 0);
}

uint64_t MemberTable::Bytes() const {
  uint64_t bytes = HeapBlock(records_.capacity() * sizeof(MemberRecord)) + TableBytes(index_) +
                   TableBytes(nicks_) + TableBytes(premium_since_) + TableBytes(timeouts_);
  for (const MemberRecord& member : records_) bytes += HeapBlock(member.roles.heap_bytes());
  for (const auto& [id, nick] : nicks_) bytes += HeapBlock(nick.heap_bytes());
  return bytes;
}

}  // namespace pylon::cache
