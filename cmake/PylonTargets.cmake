# Target helpers. Every library, executable and test of the project goes through these so that
# flags, include paths and test registration are the same everywhere.

function(_pylon_apply_flags target)
  target_compile_options(${target} PRIVATE ${PYLON_OPT_FLAGS} ${PYLON_WARNING_FLAGS})
  target_include_directories(${target} PUBLIC ${PROJECT_SOURCE_DIR}/src)
endfunction()

# Executables link the allocator (cmake/PylonDeps.cmake); libraries leave the choice to them.
function(_pylon_link_allocator target)
  if(PYLON_TCMALLOC_LIBRARY)
    target_link_libraries(${target} PRIVATE ${PYLON_TCMALLOC_LIBRARY})
  endif()
endfunction()

# pylon_library(NAME SRCS a.cc b.cc DEPS lib1 lib2)
# Creates static library `pylon_<NAME>` and alias `pylon::<NAME>`.
function(pylon_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(pylon_${name} STATIC ${ARG_SRCS})
  add_library(pylon::${name} ALIAS pylon_${name})
  _pylon_apply_flags(pylon_${name})
  target_link_libraries(pylon_${name} PUBLIC ${ARG_DEPS})
endfunction()

# pylon_executable(NAME SRCS main.cc DEPS ...)
function(pylon_executable name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  _pylon_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  _pylon_link_allocator(${name})
endfunction()

# pylon_test(NAME SRCS foo_test.cc DEPS ... [LABELS unit|integration] [TIMEOUT s])
# A GoogleTest binary registered with ctest as one test (tests inside run in one process).
function(pylon_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT ARG_LABELS)
    set(ARG_LABELS unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  add_executable(${name} ${ARG_SRCS})
  _pylon_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  _pylon_link_allocator(${name})
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}" TIMEOUT ${ARG_TIMEOUT}
                       ENVIRONMENT "PYLON_SOURCE_DIR=${PROJECT_SOURCE_DIR};PYLON_BINARY_DIR=${PROJECT_BINARY_DIR}")
endfunction()

# pylon_benchmark(NAME SRCS foo_bench.cc DEPS ...): a Google Benchmark binary (not run by ctest).
function(pylon_benchmark name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  _pylon_apply_flags(${name})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} benchmark::benchmark)
  _pylon_link_allocator(${name})
endfunction()
