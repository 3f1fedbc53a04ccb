# STRATA_FUZZ=ON (clang only) instruments every target for libFuzzer's coverage feedback
# and links the fuzz targets of tests/fuzz with libFuzzer's driver. scripts/fuzz.sh
# configures a build with it and STRATA_SANITIZE=ON. Without it, the same targets link a
# small driver that runs every input of their corpus once: a regression test in any build.
option(STRATA_FUZZ "Build the fuzz targets with libFuzzer (needs clang)" OFF)
if(STRATA_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "STRATA_FUZZ=ON needs clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}: "
                        "configure with -DCMAKE_CXX_COMPILER=clang++ (Debian: clang, libclang-rt-14-dev)")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
