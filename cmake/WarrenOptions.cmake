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

# ThreadSanitizer (make tsan): the multi-loop paths under test. Not with ASan (they exclude each
# other). Debian's RocksDB, hiredis and Boost's compiled parts are not instrumented: a report
# that comes from them would be suppressed, with its reason, in tests/tsan/tsan.supp.
if(WARREN_TSAN)
  if(WARREN_SANITIZE OR WARREN_FUZZ)
    message(FATAL_ERROR "WARREN_TSAN cannot be combined with WARREN_SANITIZE or WARREN_FUZZ")
  endif()
  set(_tsan -fsanitize=thread -fno-omit-frame-pointer)
  target_compile_options(warren_build_flags INTERFACE ${_tsan})
  target_link_options(warren_build_flags INTERFACE ${_tsan})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # gcc 12 at -O1 inlines Asio's coroutine-frame allocator and then pairs its aligned_alloc
    # with the frame's operator delete (which frees with std::free, as it should): a false
    # warning. (`make tsan` uses clang; see the Makefile.)
    target_compile_options(warren_build_flags INTERFACE -Wno-mismatched-new-delete)
  endif()
  # TSan does not model std::atomic_thread_fence (gcc warns -Wtsan), and Asio uses fences in two
  # places: handler completions ("fenced blocks", which the scheduler's mutex already orders) and
  # its reference counts (a release decrement plus an acquire fence). TSan builds take Asio's
  # null fenced block and Boost's atomic counter (acq_rel read-modify-writes), so TSan sees the
  # real synchronisation instead of fences it would ignore and report races through.
  target_compile_definitions(warren_build_flags INTERFACE BOOST_ASIO_DISABLE_FENCED_BLOCK
                             BOOST_ASIO_DISABLE_STD_ATOMIC)
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

# Precompiled headers (src/precompiled.h): one header built once per build tree and reused by
# every target (they share warren_build_flags, so the one header is valid for all of them).
# gcc only: clang refuses a precompiled header when a target defines a macro it was built
# without, and the clang builds (tsan, fuzz) compile a fraction of the files.
option(WARREN_PCH "Precompile the common standard and third-party headers (gcc)" OFF)
if(WARREN_PCH AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  set(WARREN_PCH OFF)
endif()

function(warren_target_defaults target)
  target_link_libraries(${target} PRIVATE warren_build_flags)
  if(WARREN_PCH AND TARGET warren_pch)
    target_precompile_headers(${target} REUSE_FROM warren_pch)
    # The header brings fmt's and simdjson's inline code into every file; unoptimised builds
    # emit it, and it calls into their libraries.
    target_link_libraries(${target} PRIVATE fmt::fmt simdjson::simdjson)
  endif()
endfunction()
