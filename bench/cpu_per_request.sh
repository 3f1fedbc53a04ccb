#!/usr/bin/env bash
# CPU time per request of `blog serve` and the processes it started, under wrk: where a change's time goes.
#   bench/cpu_per_request.sh [SECONDS] [serve options...]      e.g.  bench/cpu_per_request.sh 5 --lambda
# The blog on a fresh SQLite file with 20 posts, pinned to the server core with one event loop (as in
# http_bench.sh); a 1 s warm-up, then wrk -t1 -c32 on GET /posts for SECONDS (5). Prints requests/s and the user
# and system CPU per request of serve and its children (/proc/PID/stat), and their context switches per request.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
seconds=${1:-5}
shift || true
need_debian wrk:wrk curl:curl
need_build

start_blog cpu "sqlite:$bench_work/blog.db" "$@"
seed_blog "$blog_port"
serve_pid=$(pgrep -f -n "serve --port $blog_port")
url="http://127.0.0.1:$blog_port/posts"
taskset -c "$client_core" wrk -t1 -c32 -d1s "$url" >/dev/null

# Sums of /proc/PID/stat field $1 (14 user, 15 system, in clock ticks) or of context switches over serve and its children.
processes() { echo "$serve_pid" $(pgrep -P "$serve_pid" || true); }
ticks() { local sum=0 pid; for pid in $(processes); do sum=$((sum + $(awk -v f="$1" '{print $f}' "/proc/$pid/stat"))); done; echo "$sum"; }
switches() {
  local sum=0 pid
  for pid in $(processes); do sum=$((sum + $(awk '/ctxt_switches/ {s += $2} END {print s}' "/proc/$pid/status"))); done
  echo "$sum"
}
user0=$(ticks 14) system0=$(ticks 15) switches0=$(switches)
taskset -c "$client_core" wrk -t1 -c32 -d"${seconds}s" "$url" >"$bench_work/wrk.txt"
user1=$(ticks 14) system1=$(ticks 15) switches1=$(switches)

requests=$(grep -oE '^ *[0-9]+ requests' "$bench_work/wrk.txt" | awk '{print $1}')
rate=$(awk '/Requests\/sec/ {print $2}' "$bench_work/wrk.txt")
tick=$(getconf CLK_TCK)
awk -v r="$requests" -v rate="$rate" -v u=$((user1 - user0)) -v s=$((system1 - system0)) -v c=$((switches1 - switches0)) \
    -v t="$tick" -v n="$(processes | wc -w)" -v opts="${*:+ $*}" 'BEGIN {
  printf "blog serve%s, GET /posts: %s req/s; per request: user %.1f us, system %.1f us, %.2f context switches (%d processes)\n",
         opts, rate, u / t / r * 1e6, s / t / r * 1e6, c / r, n
}'
