#!/usr/bin/env bash
# The local gateway under wrk: `blog serve` beside nginx serving the same bytes from a file (the HTTP ceiling
# of this machine). Server side pinned to core 0 (the blog, nginx, MariaDB, the --lambda processes), wrk to
# core 1: wrk -t1 -c32 --latency, median of 3 rounds.
#   bench/http_bench.sh [SECONDS] [CONNECTIONS]
# Rows: nginx; GET /posts (20 posts, about 3.1 KB), GET /posts/{id}, POST /posts (a new slug each request) on
# SQLite and on MariaDB; GET /posts through `serve --lambda` (each function as warm processes of the blog
# behind the local Runtime API); GET /posts rows add their ratio to serverless-offline when run_all.sh ran
# peer_bench.sh first (bench/lib.sh peer_x_rps). Knobs: see bench/lib.sh (BENCH_QUICK=1, BENCH_MARIADB=0, BENCH_LAMBDA=0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
wrk_seconds=${1:-$wrk_seconds}
wrk_connections=${2:-$wrk_connections}
section=http

need_debian wrk:wrk nginx:nginx-light curl:curl taskset:util-linux
need_build

# The blog on a fresh SQLite file with 20 posts.
start_blog blog-sqlite "sqlite:$bench_work/blog.db"
sqlite_port=$blog_port
seed_blog "$sqlite_port"
curl -sf "http://127.0.0.1:$sqlite_port/posts" >"$bench_work/posts.json"

# nginx: the same bytes from a static file, one worker, keep-alive never recycled.
nginx_port=$(free_port)
mkdir -p "$bench_work/nginx/root"
cp "$bench_work/posts.json" "$bench_work/nginx/root/posts"
cat >"$bench_work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $bench_work/nginx/nginx.pid;
error_log $bench_work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$nginx_port; root $bench_work/nginx/root; }
}
CONF
taskset -c "$server_core" nginx -c "$bench_work/nginx/nginx.conf" -p "$bench_work/nginx" 2>/dev/null &
bench_pids+=($!)
wait_for "http://127.0.0.1:$nginx_port/posts"

bench_header "HTTP: wrk -t1 -c$wrk_connections -d${wrk_seconds}s, server side on core $server_core, wrk on core $client_core, median of $bench_rounds; GET /posts is $(wc -c <"$bench_work/posts.json") bytes $(bench_quick_note)"
nginx_row=$(wrk_measure "http://127.0.0.1:$nginx_port/posts")
read -r nginx_rps _ <<<"$nginx_row"
wrk_row $section "nginx 1 worker, the same bytes from a file (ceiling)" "$nginx_row" "1.00x nginx"
x_nginx() { read -r rps _ <<<"$1"; echo "$(ratio "$rps" "$nginx_rps")x nginx"; }

get_row=$(wrk_measure "http://127.0.0.1:$sqlite_port/posts")
read -r get_rps _ <<<"$get_row"
wrk_row $section "blog serve, GET /posts (SQLite)" "$get_row" "$(x_nginx "$get_row")$(peer_x_rps "$get_rps")"
row=$(wrk_measure "http://127.0.0.1:$sqlite_port/posts/7")
wrk_row $section "blog serve, GET /posts/{id} (SQLite)" "$row" "$(x_nginx "$row")"

# serve --lambda on the same file: GET /posts through the local Runtime API and a warm get_posts process.
if [ "${BENCH_LAMBDA:-1}" != 0 ]; then
  start_blog blog-lambda "sqlite:$bench_work/blog.db" --lambda
  lambda_pid=${bench_pids[-1]}
  cmp -s <(curl -sf "http://127.0.0.1:$blog_port/posts") "$bench_work/posts.json" \
    || { echo "bench: serve --lambda answers GET /posts differently" >&2; exit 1; }
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts")
  read -r rps _ <<<"$row"
  wrk_row $section "blog serve --lambda, GET /posts (SQLite)" "$row" \
    "$(x_nginx "$row"), $(ratio "$rps" "$get_rps")x in-process$(peer_x_rps "$rps")"
  bench_stop_pid "$lambda_pid"
fi

# Writes last: they add posts, and GET /posts above must see exactly 20.
row=$(wrk_measure "http://127.0.0.1:$sqlite_port/posts" "$bench_root/bench/post_posts.lua" "$(blog_token)")
wrk_row $section "blog serve, POST /posts (SQLite)" "$row" "$(x_nginx "$row")"

if [ "$bench_mariadb" != 0 ]; then
  start_mariadb blog_bench
  start_blog blog-mariadb "$mariadb_url"
  seed_blog "$blog_port"
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts")
  read -r rps _ <<<"$row"
  wrk_row $section "blog serve, GET /posts (MariaDB)" "$row" "$(x_nginx "$row")$(peer_x_rps "$rps")"
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts/7")
  wrk_row $section "blog serve, GET /posts/{id} (MariaDB)" "$row" "$(x_nginx "$row")"
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts" "$bench_root/bench/post_posts.lua" "$(blog_token)")
  wrk_row $section "blog serve, POST /posts (MariaDB)" "$row" "$(x_nginx "$row")"
fi
