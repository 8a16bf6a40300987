// Copyright 2026 The Pylon Gateway Authors.
// The bytes the process has allocated on the heap and not freed, whichever allocator is linked:
// tcmalloc (every executable outside the sanitizer build, see cmake/PylonDeps.cmake) or glibc's.
// For memory figures in benchmarks and tests; not for the event path (it may take a lock).

#pragma once

#include <cstddef>

namespace pylon {

// Allocated bytes: tcmalloc's "generic.current_allocated_bytes" when tcmalloc is linked, else
// glibc's mallinfo2 (small blocks in use plus mmapped blocks). Safe from any thread.
size_t HeapAllocatedBytes();

// Which allocator HeapAllocatedBytes reads: "tcmalloc" or "glibc".
const char* HeapAllocatorName();

}  // namespace pylon
