# Build-wide flags: sanitizers and coverage apply to every target (tests,
# replay binaries and modules included), so they are set before any target.

if(NKE_SANITIZE)
  add_compile_options(-fsanitize=${NKE_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${NKE_SANITIZE})
  if(NKE_SANITIZE MATCHES "thread" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # g++ 12 warns about atomic_thread_fence under TSan (toolchain-notes §4).
    add_compile_options(-Wno-error=tsan)
  endif()
endif()

if(NKE_COVERAGE)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    message(FATAL_ERROR "NKE_COVERAGE=ON needs g++ (lcov reads gcc's .gcda files)")
  endif()
  add_compile_options(--coverage -O0 -fno-inline -fprofile-update=atomic)
  add_link_options(--coverage)
endif()

if(NKE_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "NKE_FUZZ=ON needs clang++ (libFuzzer)")
endif()

# Every shared object resolves its own ABI calls inside itself; modules and
# the suite see only the exported C symbols.
set(CMAKE_C_VISIBILITY_PRESET hidden)
set(CMAKE_CXX_VISIBILITY_PRESET hidden)
set(CMAKE_VISIBILITY_INLINES_HIDDEN ON)
