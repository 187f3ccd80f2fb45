# Compiler settings shared by every Warren target: warnings, sanitizers, fuzzing.
# Targets opt in with warren_target_defaults(<target>).

add_library(warren_build_flags INTERFACE)
target_compile_options(warren_build_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Woverloaded-virtual
  -Wcast-align -Wformat=2 -Wimplicit-fallthrough -Wmissing-declarations
  $<$<BOOL:${WARREN_WERROR}>:-Werror>)
target_compile_definitions(warren_build_flags INTERFACE
  BOOST_ASIO_NO_DEPRECATED
  BOOST_ASIO_NO_TS_EXECUTORS
  # A request nests four or five coroutine frames (connection, API, engine, store); Asio's
  # per-thread recycling cache keeps 2 by default, so the others went to memalign every time.
  BOOST_ASIO_RECYCLING_ALLOCATOR_CACHE_SIZE=8
  $<$<CONFIG:Debug>:WARREN_DEBUG_CHECKS=1>)

# Release links drop unreferenced sections and pack relative relocations: ~0.7 MB less resident
# per process (most of it the statically linked RocksDB). Not for fuzzing (libFuzzer's sections).
if(NOT WARREN_FUZZ)
  target_link_options(warren_build_flags INTERFACE
    $<$<CONFIG:Release>:-Wl,--gc-sections -Wl,-z,pack-relative-relocs -Wl,-O1>)
endif()

if(WARREN_SANITIZE)
  set(_san -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    list(APPEND _san -fno-sanitize=function)  # clang 14 + coroutines, as above
  endif()
  target_compile_options(warren_build_flags INTERFACE ${_san})
  target_link_options(warren_build_flags INTERFACE ${_san})
endif()

if(WARREN_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "WARREN_FUZZ needs clang (CXX=clang++)")
  endif()
  # clang 14 cannot emit -fsanitize=function checks in coroutines ("cannot represent a
  # difference across sections"); the rest of UBSan stays on.
  set(_fuzz_san -fsanitize=address,undefined -fno-sanitize=function)
  target_compile_options(warren_build_flags INTERFACE -fsanitize=fuzzer-no-link ${_fuzz_san})
  target_link_options(warren_build_flags INTERFACE ${_fuzz_san})
endif()

function(warren_target_defaults target)
  target_link_libraries(${target} PRIVATE warren_build_flags)
endfunction()
