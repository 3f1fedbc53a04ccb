#!/usr/bin/env bash
# `strata data-api` (the local RDS Data API) on the blog's database: 20 posts, the same page GET /posts serves.
#   bench/data_api_bench.sh [SECONDS] [CONNECTIONS]
# Rows, on SQLite and on MariaDB:
#   - wrk POST /Execute (ExecuteStatement of the 20-row SELECT; bench/data_api_execute.lua), against in-process
#     `blog serve` GET /posts on the same database, measured the same way (server core 0, wrk core 1, -t1 -c32);
#   - the client's view: one boto3 rds-data client calling execute_statement N times in a loop, against one
#     http.client connection calling GET /posts N times (bench/client_loop.py, pinned to core 1).
# Knobs: bench/lib.sh, and BENCH_CALLS (N, default 2000; 300 with BENCH_QUICK=1).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wrk_seconds=${1:-$wrk_seconds}
wrk_connections=${2:-$wrk_connections}
calls=${BENCH_CALLS:-$([ "$bench_quick" = 1 ] && echo 300 || echo 2000)}
section=data-api

need_debian wrk:wrk curl:curl taskset:util-linux
need_build
# boto3: the one the environment's python3 has, else Debian's.
if ! "$python" -c 'import boto3' 2>/dev/null; then
  python=/usr/bin/python3
  "$python" -c 'import boto3' 2>/dev/null || need_debian __none__:python3-boto3
fi

execute_body='{"resourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:bench","secretArn":"arn:aws:secretsmanager:us-east-1:123456789012:secret:bench","sql":"SELECT id, user_id, title, slug, description, hits, created_at, updated_at FROM posts ORDER BY id LIMIT 20"}'

# start_data_api NAME URL: strata data-api pinned like the blog; sets data_api_port.
start_data_api() {
  data_api_port=$(free_port)
  taskset -c "$server_core" "$strata_bin" data-api --port "$data_api_port" --threads 1 --quiet --db "$2" \
    2>"$bench_work/$1.log" &
  bench_pids+=($!)
  wait_for "http://127.0.0.1:$data_api_port/Execute" || { cat "$bench_work/$1.log" >&2; return 1; }
  local answer
  answer=$(curl -s -X POST -H 'Content-Type: application/json' -d "$execute_body" "http://127.0.0.1:$data_api_port/Execute")
  [ "$(grep -o '"longValue"' <<<"$answer" | wc -l)" -ge 40 ] \
    || { echo "bench: /Execute did not answer 20 records: ${answer:0:300}" >&2; return 1; }
}

loop() { taskset -c "$client_core" "$python" "$bench_root/bench/client_loop.py" "$@"; }

# engine ENGINE_NAME BLOG_URL: every row for one database.
engine() {
  local name=$1 url=$2 row get_rps rps p50 p99 get_loop
  start_blog "blog-$name" "$url"
  seed_blog "$blog_port"
  local blog_pid=${bench_pids[-1]}
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts")
  read -r get_rps _ <<<"$row"
  wrk_row $section "blog serve in-process, GET /posts ($name)" "$row" "1.00x in-process"
  get_loop=$(loop get "http://127.0.0.1:$blog_port/posts" "$calls")
  bench_stop_pid "$blog_pid"  # the Data API alone on the server core from here

  start_data_api "data-api-$name" "$url"
  row=$(wrk_measure "http://127.0.0.1:$data_api_port" "$bench_root/bench/data_api_execute.lua")
  read -r rps _ <<<"$row"
  wrk_row $section "strata data-api, wrk POST /Execute ($name)" "$row" "$(ratio "$rps" "$get_rps")x in-process"

  read -r rps p50 p99 <<<"$get_loop"
  local get_loop_rps=$rps
  bench_row $section "python http.client loop, GET /posts in-process ($name)" "$rps req/s" \
    "p50 $p50 ms, p99 $p99 ms, $calls calls" "1.00x in-process loop"
  read -r rps p50 p99 <<<"$(loop boto3 "http://127.0.0.1:$data_api_port" "$calls")"
  bench_row $section "boto3 execute_statement loop, data-api ($name)" "$rps req/s" \
    "p50 $p50 ms, p99 $p99 ms, $calls calls" "$(ratio "$rps" "$get_loop_rps")x in-process loop"
  bench_stop_pid "${bench_pids[-1]}"
}

bench_header "Data API: wrk -t1 -c$wrk_connections -d${wrk_seconds}s (server core $server_core, wrk core $client_core, median of $bench_rounds); client loops of $calls calls $(bench_quick_note)"
engine SQLite "sqlite:$bench_work/blog.db"
if [ "$bench_mariadb" != 0 ]; then
  start_mariadb data_api_bench
  engine MariaDB "$mariadb_url"
fi
