// Copyright 2026 The Pylon Gateway Authors.

#include "base/heap_usage.h"

#include <malloc.h>

// gperftools' C entry point, declared weak so that base does not depend on tcmalloc: it is null
// unless the executable links libtcmalloc_minimal.
extern "C" int MallocExtension_GetNumericProperty(const char* property, size_t* value)
    __attribute__((weak));

namespace pylon {

size_t HeapAllocatedBytes() {
  if (MallocExtension_GetNumericProperty != nullptr) {
    size_t bytes = 0;
    if (MallocExtension_GetNumericProperty("generic.current_allocated_bytes", &bytes)) {
      return bytes;
    }
  }
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

const char* HeapAllocatorName() {
  return MallocExtension_GetNumericProperty != nullptr ? "tcmalloc" : "glibc";
}

}  // namespace pylon
