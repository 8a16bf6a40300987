// Copyright 2026 The Pylon Gateway Authors.

#include "cache/user_table.h"

namespace pylon::cache {

UserTable::UserTable() : index_(0, SlotHash{this}, SlotEq{this}) {}

uint32_t UserTable::Find(UserId id) const {
  auto it = index_.find(id);
  return it == index_.end() ? kNoSlot : *it;
}

uint32_t UserTable::Upsert(const discord::User& user) {
  uint32_t slot = Find(user.id);
  if (slot == kNoSlot) {
    if (!free_.empty()) {
      slot = free_.back();
      free_.pop_back();
    } else {
      if (end_ == chunks_.size() * kChunkSize) {
        chunks_.push_back(std::make_unique<UserRecord[]>(kChunkSize));
      }
      slot = end_++;
    }
    at(slot).id = user.id;
    at(slot).refs = 0;
    index_.insert(slot);  // hashes through at(slot).id, set just above
    ++live_;
  }
  UserRecord& record = at(slot);
  if (record.username.view() != user.username.view()) record.username = user.username;
  record.avatar = user.avatar;  // a hash is copied in place; cheaper than comparing
  record.discriminator = user.discriminator;
  record.bot = user.bot;
  return slot;
}

void UserTable::Unref(uint32_t slot) {
  UserRecord& record = at(slot);
  if (record.refs > 0) --record.refs;
  if (record.refs == 0 && slot != pinned_) Free(slot);
}

void UserTable::ReleaseIfUnused(uint32_t slot) {
  if (at(slot).refs == 0 && slot != pinned_) Free(slot);
}

void UserTable::Free(uint32_t slot) {
  index_.erase(at(slot).id);  // before the id is cleared: the index compares through it
  UserRecord& record = at(slot);
  record.id = UserId();
  record.username = ShortString();
  record.avatar = discord::ImageHash();
  record.discriminator = 0;
  record.bot = false;
  free_.push_back(slot);
  --live_;
}

void UserTable::Clear() {
  index_.clear();
  chunks_.clear();
  end_ = 0;
  free_.clear();
  live_ = 0;
  pinned_ = kNoSlot;
}

KindUsage UserTable::Usage() const {
  KindUsage usage;
  usage.objects = live_;
  usage.bytes = chunks_.size() * HeapBlock(kChunkSize * sizeof(UserRecord)) +
                HeapBlock(chunks_.capacity() * sizeof(void*)) +
                HeapBlock(free_.capacity() * sizeof(uint32_t)) + TableBytes(index_);
  for (uint32_t slot = 0; slot < end_; ++slot) {
    const UserRecord& user = at(slot);
    if (user.username.heap_bytes() > 0) usage.bytes += HeapBlock(user.username.heap_bytes());
    if (user.avatar.heap_bytes() > 0) usage.bytes += HeapBlock(user.avatar.heap_bytes());
  }
  return usage;
}

}  // namespace pylon::cache
