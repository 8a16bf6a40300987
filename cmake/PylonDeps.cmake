# Every third-party dependency, from Debian 12 packages (scripts/install-deps installs them).
set(Boost_NO_WARN_NEW_VERSIONS ON)
find_package(Threads REQUIRED)
find_package(Protobuf REQUIRED)  # the FindProtobuf module: Debian ships no protobuf config
find_package(gRPC CONFIG REQUIRED)
find_package(absl CONFIG REQUIRED)
find_package(Boost 1.74 REQUIRED COMPONENTS system)
find_package(OpenSSL REQUIRED)
find_package(ZLIB REQUIRED)
find_package(zstd CONFIG REQUIRED)
find_package(simdjson CONFIG REQUIRED)
find_package(fmt CONFIG REQUIRED)
find_package(spdlog CONFIG REQUIRED)
find_package(yaml-cpp CONFIG REQUIRED)
find_package(GTest CONFIG REQUIRED)
find_package(benchmark CONFIG REQUIRED)

# tcmalloc (gperftools' minimal build, libgoogle-perftools-dev) as the allocator of every
# executable outside the sanitizer build, where AddressSanitizer brings its own. The event path
# allocates (protobuf envelopes, log entries, gRPC's buffers); tcmalloc's thread caches make that
# cheaper than glibc's malloc (docs/benchmarks.md, "The allocator"). base/heap_usage.h reads either.
if(NOT CMAKE_BUILD_TYPE STREQUAL "Asan")
  find_library(PYLON_TCMALLOC_LIBRARY NAMES tcmalloc_minimal REQUIRED)
endif()
