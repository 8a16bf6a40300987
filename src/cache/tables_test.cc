// Copyright 2026 The Pylon Gateway Authors.
// UserTable and MemberTable against simple reference maps.

#include <map>
#include <random>

#include <gtest/gtest.h>

#include "cache/cache_test_util.h"
#include "cache/member_table.h"
#include "cache/user_table.h"

namespace pylon::cache {
namespace {

TEST(UserTableTest, RefCountsAndSlotReuse) {
  UserTable users;
  uint32_t a = users.Acquire(test_util::MakeUser(1, "a"));
  uint32_t a2 = users.Acquire(test_util::MakeUser(1, "a-renamed"));
  EXPECT_EQ(a, a2);
  EXPECT_EQ(users.at(a).refs, 2u);
  EXPECT_EQ(users.at(a).username, "a-renamed");
  uint32_t b = users.Acquire(test_util::MakeUser(2, "b"));
  EXPECT_EQ(users.size(), 2u);
  users.Unref(a);
  EXPECT_EQ(users.Find(UserId(1)), a);
  users.Unref(a);
  EXPECT_EQ(users.Find(UserId(1)), kNoSlot);
  EXPECT_EQ(users.size(), 1u);
  uint32_t c = users.Acquire(test_util::MakeUser(3, "c"));
  EXPECT_EQ(c, a);  // the freed slot is reused
  EXPECT_EQ(users.Find(UserId(2)), b);
  EXPECT_EQ(users.Find(UserId(3)), c);
  // Pinned: kept with no reference.
  uint32_t bot = users.Upsert(test_util::MakeUser(9, "bot"));
  users.Pin(bot);
  users.ReleaseIfUnused(bot);
  EXPECT_EQ(users.Find(UserId(9)), bot);
}

TEST(MemberTableTest, RandomOperationsMatchAReferenceMap) {
  MemberTable table;
  std::map<uint64_t, int64_t> reference;  // user -> joined_at
  std::mt19937_64 rng(42);
  for (int step = 0; step < 20000; ++step) {
    const uint64_t user = 1 + rng() % 500;
    const int op = static_cast<int>(rng() % 3);
    if (op < 2) {
      MemberRecord* record = table.Find(UserId(user));
      ASSERT_EQ(record != nullptr, reference.count(user) == 1);
      if (record == nullptr) record = &table.Insert(UserId(user), static_cast<uint32_t>(user));
      record->joined_at = static_cast<int64_t>(step);
      table.SetNick(*record, step % 3 == 0 ? "nick" + std::to_string(step) : "");
      reference[user] = step;
    } else {
      auto removed = table.Erase(UserId(user));
      ASSERT_EQ(removed.has_value(), reference.erase(user) == 1);
      if (removed) {
        EXPECT_EQ(removed->user_slot, user);
      }
    }
  }
  ASSERT_EQ(table.size(), reference.size());
  for (const auto& [user, joined] : reference) {
    const MemberRecord* record = table.Find(UserId(user));
    ASSERT_NE(record, nullptr);
    EXPECT_EQ(record->joined_at, joined);
    EXPECT_EQ(table.Nick(*record), joined % 3 == 0 ? "nick" + std::to_string(joined) : "");
  }
  EXPECT_GT(table.Bytes(), table.size() * sizeof(MemberRecord));
}

}  // namespace
}  // namespace pylon::cache
