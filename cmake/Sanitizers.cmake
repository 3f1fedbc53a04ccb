# STRATA_SANITIZE=ON builds everything (library, apps, tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer. Any finding aborts the process (-fno-sanitize-recover=all), so a
# test whose binary hits one fails; the e2e tests also set ASAN_OPTIONS/UBSAN_OPTIONS for the
# servers they start (tests/e2e/strata_server.py).
option(STRATA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(STRATA_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    add_compile_options(-fsanitize-ignorelist=${PROJECT_SOURCE_DIR}/cmake/sanitizer-ignorelist.txt)
  endif()
endif()
