// Copyright 2026 The Pylon Gateway Authors.
// Memory per member at scale: 1,000,000 members over 1,000 guilds, users shared (~1.5 guilds per
// user). Prints the accounted bytes per member (members + their share of users; presences
// excluded) and, outside sanitizers, the heap growth the allocator reports. The bound asserted here
// is generous (a regression guard); the 128 B target is tracked by bench/cache_bench.cc.

#include <cstdio>

#include <gtest/gtest.h>

#include "base/heap_usage.h"
#include "cache/cache_test_util.h"
#include "cache/shard_cache.h"

namespace pylon::cache {
namespace {

TEST(MemoryTest, BytesPerMemberAtOneMillionMembers) {
  constexpr uint32_t kGuilds = 1000;
  constexpr uint32_t kPerGuild = 1000;
  constexpr uint32_t kUsers = 666'667;
  [[maybe_unused]] const size_t heap_before = HeapAllocatedBytes();
  {
    ShardCache cache(BotId(test_util::kBot), CacheOptions());
    test_util::BuildMemberWorld(cache, kGuilds, kPerGuild, kUsers);
    ShardCache::Counts counts = cache.counts();
    ASSERT_EQ(counts.members, uint64_t{kGuilds} * kPerGuild);
    ASSERT_EQ(counts.users, kUsers);
    const KindUsage members = cache.Usage(Kind::kMembers);
    const KindUsage users = cache.Usage(Kind::kUsers);
    const double per_member =
        static_cast<double>(members.bytes + users.bytes) / static_cast<double>(counts.members);
    [[maybe_unused]] const size_t heap_after = HeapAllocatedBytes();
    std::printf("members: %llu B accounted (%.1f B/member), users: %llu B (%.1f B/user)\n",
                static_cast<unsigned long long>(members.bytes),
                static_cast<double>(members.bytes) / counts.members,
                static_cast<unsigned long long>(users.bytes),
                static_cast<double>(users.bytes) / counts.users);
    std::printf("bytes/member (members + share of users): %.1f accounted", per_member);
#if !defined(__SANITIZE_ADDRESS__)
    // Everything the cache holds (guilds and roles too), as the allocator sees it.
    std::printf(", %.1f heap (whole cache)",
                static_cast<double>(heap_after - heap_before) / counts.members);
#endif
    std::printf("\n");
    EXPECT_LT(per_member, 200.0);
  }
}

}  // namespace
}  // namespace pylon::cache
