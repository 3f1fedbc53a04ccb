#!/usr/bin/env bash
# Every benchmark, one after another, and one table of all their rows.
#   bench/run_all.sh [peer http data_api migrate cold_start]     (default: all five, in that order)
# Each part is also a script of its own: bench/peer_bench.sh, http_bench.sh, data_api_bench.sh, migrate_bench.sh,
# cold_start_bench.sh. The peer (serverless-offline) runs first: the later parts put its figures of this run
# beside theirs (BENCH_PEER_FIGURES, bench/lib.sh peer_x_rps). Their own output goes to $BENCH_LOG_DIR (default: <build>/bench-logs).
# Knobs: see bench/lib.sh (STRATA_BUILD_DIR, BENCH_QUICK=1, BENCH_MARIADB=0, ...). Run on a quiet machine:
# the figures of a loaded one are not worth comparing.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(peer http data_api migrate cold_start)
logs=${BENCH_LOG_DIR:-$build_dir/bench-logs}
mkdir -p "$logs"
need_build

rows="$bench_work/rows.tsv"
: >"$rows"
export BENCH_PEER_FIGURES="$bench_work/peer-figures"
failed=()
started=$(date -u '+%Y-%m-%d %H:%M UTC')
for part in "${parts[@]}"; do
  script="$bench_root/bench/${part}_bench.sh"
  [ -x "$script" ] || { echo "run_all: no bench/${part}_bench.sh" >&2; exit 2; }
  echo "run_all: $part ... (log: $logs/$part.log)" >&2
  if ! BENCH_ROWS="$rows" STRATA_BUILD_DIR="$build_dir" "$script" >"$logs/$part.log" 2>&1; then
    failed+=("$part")
    printf '%s\t%s\t%s\t%s\t%s\n' "$part" "FAILED: see $logs/$part.log" "" "" "" >>"$rows"
    tail -5 "$logs/$part.log" >&2
  fi
done

cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
kernel=$(uname -r)
echo
echo "Strata benchmarks, $started: $(nproc) cores, ${cpu:-unknown CPU}, Linux $kernel, build $build_dir"
echo "Server side pinned to core $server_core, load generators to core $client_core. $(bench_quick_note)"
printf '%-11s %-60s %14s  %-38s %s\n' "bench" "what" "result" "detail" "ratio"
printf '%-11s %-60s %14s  %-38s %s\n' "-----" "----" "------" "------" "-----"
awk -F'\t' '{ printf "%-11s %-60s %14s  %-38s %s\n", $1, $2, $3, $4, $5 }' "$rows"
if [ ${#failed[@]} -gt 0 ]; then
  echo "run_all: failed: ${failed[*]}" >&2
  exit 1
fi
