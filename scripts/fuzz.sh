#!/usr/bin/env bash
# Fuzzes every parser that takes outside input (tests/fuzz) for SECONDS each (default 60),
# two targets at a time, with libFuzzer, AddressSanitizer and UndefinedBehaviorSanitizer.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     e.g. scripts/fuzz.sh 600 statement_splitter
# Builds with clang into build-fuzz/ (or $STRATA_FUZZ_BUILD_DIR; an existing build there must
# have been configured with STRATA_FUZZ=ON). Starts from the seeds in tests/fuzz/corpus/<target>
# and keeps what it finds in <build>/fuzz/<target>/corpus. Fails when an input crashes a target or
# breaks one of its invariants, and prints that input's path: copy it into
# tests/fuzz/corpus/<target>/ once fixed, where every test run replays it (fuzz_corpus_<target>).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
shift || true
build_dir=${STRATA_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${STRATA_FUZZ_JOBS:-2}
# A fixed seed by default, so that the test command's run explores the same inputs each time
# (a finding there is not luck of the day); STRATA_FUZZ_SEED=0 lets libFuzzer pick one.
seed=${STRATA_FUZZ_SEED:-1}
# With STRATA_FUZZ_RUNS=N each target stops after N inputs (SECONDS stays the cap): with the fixed
# seed, that is the same inputs on every machine, only a prefix of them on a slower one.
runs=${STRATA_FUZZ_RUNS:--1}
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(statement_splitter named_parameters project_file proxy_event proxy_response data_api_request)
fi

if [ ! -f "$build_dir/build.ninja" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSTRATA_FUZZ=ON -DSTRATA_SANITIZE=ON \
    -DSTRATA_BUILD_BENCHMARKS=OFF >/dev/null
fi
if ! grep -q '^STRATA_FUZZ:BOOL=ON' "$build_dir/CMakeCache.txt"; then
  echo "fuzz: $build_dir was configured without STRATA_FUZZ=ON; use another STRATA_FUZZ_BUILD_DIR" >&2
  exit 2
fi
cmake --build "$build_dir" --target fuzz_targets -- -j"$(nproc)"

# One target for $seconds; its log and any crashing input go to <build>/fuzz/<target>/.
fuzz_one() {
  local target=$1 out="$build_dir/fuzz/$1"
  # A counted run starts from the committed seeds alone, so it explores the same inputs every time.
  if [ "$runs" != -1 ]; then rm -rf "$out/corpus"; fi
  mkdir -p "$out/corpus"
  rm -f "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*
  if "$build_dir/tests/fuzz/fuzz_$target" -max_total_time="$seconds" -runs="$runs" -seed="$seed" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="$out/" "$out/corpus" "$root/tests/fuzz/corpus/$target" \
       >"$out/log" 2>&1; then
    echo "fuzz: $target: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/log" | grep -o '[0-9]*$') runs (${seconds}s at most), no failure"
    return 0
  fi
  echo "fuzz: $target FAILED; the end of its log ($out/log):" >&2
  grep -v '^#[0-9]' "$out/log" | tail -40 >&2
  local input
  for input in "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$out"/oom-*; do
    [ -e "$input" ] || continue
    echo "fuzz: reproducer: $input" >&2
    echo "fuzz:   run it:   $build_dir/tests/fuzz/fuzz_$target $input" >&2
    echo "fuzz:   once fixed, keep it: cp $input $root/tests/fuzz/corpus/$target/" >&2
  done
  return 1
}

failed=0
running=0
for target in "${targets[@]}"; do
  if [ ! -d "$root/tests/fuzz/corpus/$target" ]; then
    echo "fuzz: unknown target $target (no tests/fuzz/corpus/$target)" >&2
    exit 2
  fi
  if [ "$running" -ge "$jobs" ]; then
    wait -n || failed=1
    running=$((running - 1))
  fi
  fuzz_one "$target" &
  running=$((running + 1))
done
while [ "$running" -gt 0 ]; do
  wait -n || failed=1
  running=$((running - 1))
done
if [ "$failed" != 0 ]; then
  echo "fuzz: FAILED (see above)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, ${seconds}s each, no failure"
