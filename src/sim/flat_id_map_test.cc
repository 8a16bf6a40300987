// Copyright 2026 The Pylon Gateway Authors.

#include "sim/flat_id_map.h"

#include <unordered_map>

#include <gtest/gtest.h>

#include "sim/random.h"
#include "sim/snowflake_generator.h"

namespace pylon::sim {
namespace {

TEST(FlatIdMapTest, AgreesWithUnorderedMapUnderRandomOperations) {
  FlatIdMap map;
  std::unordered_map<uint64_t, uint32_t> reference;
  Random random(42);
  for (int i = 0; i < 200000; ++i) {
    // Small key space so that inserts, overwrites and erases collide often.
    uint64_t key = 1 + random.Below(5000) * 0x400000;
    switch (random.Below(3)) {
      case 0:
      case 1: {
        uint32_t value = static_cast<uint32_t>(random.Next());
        map.Set(key, value);
        reference[key] = value;
        break;
      }
      default:
        EXPECT_EQ(map.Erase(key), reference.erase(key) == 1);
    }
  }
  ASSERT_EQ(map.size(), reference.size());
  for (const auto& [key, value] : reference) {
    const uint32_t* found = map.Find(key);
    ASSERT_NE(found, nullptr);
    EXPECT_EQ(*found, value);
  }
  size_t visited = 0;
  map.ForEach([&](uint64_t key, uint32_t value) {
    ++visited;
    EXPECT_EQ(reference.at(key), value);
  });
  EXPECT_EQ(visited, reference.size());
  EXPECT_EQ(map.Find(0), nullptr);
  EXPECT_FALSE(map.Erase(0));
}

TEST(FlatIdMapTest, ReserveAndClear) {
  FlatIdMap map;
  map.Reserve(1000);
  size_t capacity = map.capacity();
  EXPECT_GE(capacity * 3, 1000u * 4);
  for (uint64_t k = 1; k <= 1000; ++k) map.Set(k, static_cast<uint32_t>(k));
  EXPECT_EQ(map.capacity(), capacity);  // no rehash after Reserve
  map.Clear();
  EXPECT_TRUE(map.empty());
  EXPECT_EQ(map.Find(5), nullptr);
}

TEST(SnowflakeGeneratorTest, StrictlyIncreasingAndClampsTime) {
  SnowflakeGenerator generator(3, 1);
  uint64_t last = 0;
  for (int i = 0; i < 10000; ++i) {
    // Time goes backwards every other call; ids must still increase.
    uint64_t id = generator.Next(1700000000000 + (i % 2 == 0 ? 0 : -5000));
    EXPECT_GT(id, last);
    EXPECT_EQ((id >> 17) & 31, 3u);
    EXPECT_EQ((id >> 12) & 31, 1u);
    last = id;
  }
  // 10,000 ids in one millisecond spill over into the next three milliseconds.
  EXPECT_EQ(Snowflake(last).timestamp_ms(), 1700000000000 + 10000 / 4096);
}

TEST(RandomTest, IsDeterministicAndInRange) {
  Random a(99), b(99);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.Next(), b.Next());
  Random r(1);
  for (int i = 0; i < 10000; ++i) {
    EXPECT_LT(r.Below(7), 7u);
    int64_t x = r.Between(-3, 3);
    EXPECT_GE(x, -3);
    EXPECT_LE(x, 3);
    double u = r.Unit();
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
  // Pinned outputs (computed independently): if the generator changed, every world would.
  Random pinned(0);
  EXPECT_EQ(pinned.Next(), 11091344671253066420ull);
  EXPECT_EQ(pinned.Next(), 13793997310169335082ull);
}

}  // namespace
}  // namespace pylon::sim
