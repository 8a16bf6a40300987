# Build types and compiler flags.
#
#   Release  -O2 -DNDEBUG           (CMake's default -O3 builds ~1.5x slower for no gain here)
#   Debug    -O0 -g
#   Asan     -O1 -g1 with AddressSanitizer + UndefinedBehaviorSanitizer (-g1: line tables for
#            the sanitizers' stack traces, without the full debug info that slows CI's build)
#
# The per-type flags are not put in CMAKE_CXX_FLAGS_<TYPE>: those would also reach the generated
# protobuf library, which is always built the same way (see proto/CMakeLists.txt) so that ccache
# shares its objects between every build directory of a checkout.

set(_pylon_types Release Debug Asan)
if(NOT CMAKE_BUILD_TYPE)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()
if(NOT CMAKE_BUILD_TYPE IN_LIST _pylon_types)
  message(FATAL_ERROR "CMAKE_BUILD_TYPE must be one of ${_pylon_types}, not '${CMAKE_BUILD_TYPE}'")
endif()
set_property(CACHE CMAKE_BUILD_TYPE PROPERTY STRINGS ${_pylon_types})
foreach(lang C CXX)
  foreach(type RELEASE DEBUG ASAN)
    set(CMAKE_${lang}_FLAGS_${type} "")
  endforeach()
endforeach()
foreach(type RELEASE DEBUG ASAN)
  set(CMAKE_EXE_LINKER_FLAGS_${type} "")
  set(CMAKE_SHARED_LINKER_FLAGS_${type} "")
endforeach()

# Flags for the project's own code (applied by pylon_library / pylon_executable / pylon_test).
if(CMAKE_BUILD_TYPE STREQUAL "Release")
  set(PYLON_OPT_FLAGS -O2 -DNDEBUG)
elseif(CMAKE_BUILD_TYPE STREQUAL "Debug")
  set(PYLON_OPT_FLAGS -O0 -g)
else()
  set(PYLON_SANITIZE_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all
                           -fno-omit-frame-pointer)
  set(PYLON_OPT_FLAGS -O1 -g1 ${PYLON_SANITIZE_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()
set(PYLON_WARNING_FLAGS -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers)

# Asio and Beast are compiled once, in src/net/asio_impl.cc, not in every file that uses them.
add_compile_definitions(BOOST_ASIO_SEPARATE_COMPILATION BOOST_BEAST_SEPARATE_COMPILATION
                        BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_DISABLE_BOOST_COROUTINE)

# ccache, with paths made relative to the checkout so that another clone still hits.
find_program(CCACHE_PROGRAM ccache)
if(CCACHE_PROGRAM)
  set(_launcher ${CMAKE_COMMAND} -E env CCACHE_BASEDIR=${CMAKE_SOURCE_DIR} CCACHE_NOHASHDIR=true
                ${CCACHE_PROGRAM})
  set(CMAKE_C_COMPILER_LAUNCHER ${_launcher})
  set(CMAKE_CXX_COMPILER_LAUNCHER ${_launcher})
endif()
