#!/usr/bin/env bash
# CPU time per request of `blog serve` and the processes it started, under wrk: where a change's time goes.
#   bench/cpu_per_request.sh [SECONDS] [serve options...]      e.g.  bench/cpu_per_request.sh 5 --lambda
# The blog on a fresh SQLite file with 20 posts, pinned to the server core with one event loop (as in
# http_bench.sh); a 1 s warm-up, then wrk -t1 -c32 on GET /posts for SECONDS (5). Prints requests/s and the user
# and system CPU per request of serve and its children (/proc/PID/stat), and the context switches of all their
# threads per request (bench/lib.sh cpu_per_request).
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
# The children are there after the first requests (a --lambda pool starts its processes on demand).
taskset -c "$client_core" wrk -t1 -c32 -d1s "$url" >/dev/null
# shellcheck disable=SC2046
cpu_per_request "$url" "$seconds" "blog serve${*:+ $*}, GET /posts" "$serve_pid" $(pgrep -P "$serve_pid" || true)
