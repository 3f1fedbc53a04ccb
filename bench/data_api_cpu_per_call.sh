#!/usr/bin/env bash
# CPU time per call of `strata data-api` under wrk: where a change's time goes.
#   bench/data_api_cpu_per_call.sh [SECONDS]
# The blog's 20 posts on a fresh SQLite file; `strata data-api --threads 1` pinned to the server core (as in
# data_api_bench.sh); a 1 s warm-up, then wrk -t1 -c32 of POST /Execute of the 20-row SELECT for SECONDS (5).
# Prints calls/s and the user and system CPU and the context switches (all threads) per call.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
seconds=${1:-5}
need_debian wrk:wrk curl:curl
need_build

start_blog seed "sqlite:$bench_work/blog.db"
seed_blog "$blog_port"
bench_stop_pid "${bench_pids[-1]}"
port=$(free_port)
taskset -c "$server_core" "$strata_bin" data-api --port "$port" --threads 1 --quiet --db "sqlite:$bench_work/blog.db" \
  2>"$bench_work/data-api.log" &
bench_pids+=($!)
wait_for "http://127.0.0.1:$port/Execute"
execute=(-s "$bench_root/bench/data_api_execute.lua")
taskset -c "$client_core" wrk -t1 -c32 -d1s "${execute[@]}" "http://127.0.0.1:$port" >/dev/null  # warm-up
cpu_per_request "http://127.0.0.1:$port" "$seconds" "strata data-api, POST /Execute" "${bench_pids[-1]}" -- "${execute[@]}"
