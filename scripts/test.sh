#!/usr/bin/env bash
# Every test: installs what the build and the tests need (Debian packages),
# builds, then runs the unit and end-to-end tests through CTest; then fuzzes each
# parser for a bounded number of inputs from a fixed seed (scripts/fuzz.sh, $STRATA_FUZZ_RUNS,
# default a million, and at most $STRATA_FUZZ_SECONDS each, default 60; 0 skips). In CI (CI=true, or STRATA_TEST_SANITIZE=1) the whole suite runs a second
# time, built with AddressSanitizer and UndefinedBehaviorSanitizer (clang) in
# build-sanitize/, which the fuzzers then share.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" --test
"$root/scripts/build.sh"
(cd "${STRATA_BUILD_DIR:-$root/build}" && ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@")

sanitize_dir=${STRATA_SANITIZE_BUILD_DIR:-$root/build-sanitize}
if [ "${CI:-}" = true ] || [ "${STRATA_TEST_SANITIZE:-0}" = 1 ]; then
  echo "strata: the suite again, under AddressSanitizer and UndefinedBehaviorSanitizer ($sanitize_dir)"
  if [ ! -f "$sanitize_dir/build.ninja" ]; then
    # -O1 and line tables only: half the build time of -O2 -g, and reports still name lines.
    CC=clang CXX=clang++ cmake -S "$root" -B "$sanitize_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSTRATA_SANITIZE=ON -DSTRATA_FUZZ=ON \
      -DSTRATA_BUILD_BENCHMARKS=OFF >/dev/null
  fi
  cmake --build "$sanitize_dir" -- -j"$(nproc)"
  # Not the SDK test: it builds a second project against this build's installed libraries, which under the
  # sanitizers would need that project built with them too; the normal pass covers it.
  (cd "$sanitize_dir" && ctest --output-on-failure --timeout 1800 -j"$(nproc)" -LE sdk "$@")
fi

if [ "${STRATA_FUZZ_SECONDS:-60}" != 0 ]; then
  if [ -f "$sanitize_dir/build.ninja" ]; then export STRATA_FUZZ_BUILD_DIR=${STRATA_FUZZ_BUILD_DIR:-$sanitize_dir}; fi
  # A million inputs per target from a fixed seed, 60 s at most: the same inputs on every run and machine.
  STRATA_FUZZ_RUNS=${STRATA_FUZZ_RUNS:-1000000} "$root/scripts/fuzz.sh" "${STRATA_FUZZ_SECONDS:-60}"
fi
