// Copyright 2026 The Pylon Gateway Authors.

#include "base/heap_usage.h"

#include <cstring>
#include <memory>

#include <gtest/gtest.h>

namespace pylon {
namespace {

#if !defined(__SANITIZE_ADDRESS__)
// (AddressSanitizer replaces malloc and reports neither allocator's figures.)
TEST(HeapUsageTest, SeesAnAllocationAndItsRelease) {
  constexpr size_t kBytes = 64 << 20;
  const size_t before = HeapAllocatedBytes();
  auto block = std::make_unique<char[]>(kBytes);
  std::memset(block.get(), 1, kBytes);
  const size_t during = HeapAllocatedBytes();
  block.reset();
  const size_t after = HeapAllocatedBytes();
  EXPECT_GE(during, before + kBytes) << HeapAllocatorName();
  EXPECT_LT(after, during - kBytes / 2) << HeapAllocatorName();
}
#endif

TEST(HeapUsageTest, NamesTheLinkedAllocator) {
#if defined(__SANITIZE_ADDRESS__)
  EXPECT_STREQ(HeapAllocatorName(), "glibc");
#else
  // Every executable outside the sanitizer build links tcmalloc (cmake/PylonDeps.cmake).
  EXPECT_STREQ(HeapAllocatorName(), "tcmalloc");
#endif
}

}  // namespace
}  // namespace pylon
