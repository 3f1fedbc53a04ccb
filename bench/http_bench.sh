#!/usr/bin/env bash
# GET /posts (20 posts, about 3.1 KB of JSON) with wrk, beside nginx serving the same
# bytes from a file: the HTTP ceiling of this machine. Server on core 0, wrk on core 1.
#   bench/http_bench.sh [SECONDS] [CONNECTIONS]
# Prints one table; figures are medians of 3 rounds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
connections=${2:-32}
build_dir=${STRATA_BUILD_DIR:-$root/build}
blog="$build_dir/examples/blog/blog"

need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  echo "bench: installing ${need[*]}" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
[ -x "$blog" ] || "$root/scripts/build.sh"

work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_for() { for _ in $(seq 200); do curl -sf -o /dev/null "$1" && return 0; sleep 0.05; done; echo "bench: $1 never answered" >&2; exit 1; }

# wrk's summary → "requests/s p50 p99" (latencies in ms).
measure() {
  local url=$1 rounds=() line
  for _ in 1 2 3; do
    line=$(taskset -c 1 wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url" | awk '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
      /Non-2xx/ { bad = $NF } END { printf "%.0f %.3f %.3f %d\n", rps, p50, p99, bad }')
    rounds+=("$line")
  done
  printf '%s\n' "${rounds[@]}" | sort -n -k1 | sed -n 2p
}

# The blog on a fresh SQLite file with 20 posts.
port=$(free_port)
(cd "$root/examples/blog" && exec taskset -c 0 "$blog" serve --port "$port" --threads 1 --db "sqlite:$work/blog.db" 2>"$work/blog.log") &
pids+=($!)
wait_for "http://127.0.0.1:$port/posts"
for i in $(seq 2 20); do
  curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/posts" \
    -d "{\"title\":\"Post number $i\",\"slug\":\"post-$i\",\"user_id\":\"344d117ea9f1\",\"description\":\"The description of post $i\"}"
done
curl -sf "http://127.0.0.1:$port/posts" >"$work/posts.json"

# nginx: the same bytes from a static file, one worker, keep-alive never recycled.
nginx_port=$(free_port)
mkdir -p "$work/nginx/root"
cp "$work/posts.json" "$work/nginx/root/posts"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  default_type application/json;
  server { listen 127.0.0.1:$nginx_port; root $work/nginx/root; }
}
CONF
taskset -c 0 nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" 2>/dev/null &
pids+=($!)
wait_for "http://127.0.0.1:$nginx_port/posts"

nginx_row=$(measure "http://127.0.0.1:$nginx_port/posts")
blog_row=$(measure "http://127.0.0.1:$port/posts")
blog_one=$(measure "http://127.0.0.1:$port/posts/7")
read -r nginx_rps _ <<<"$nginx_row"

printf '\nGET /posts, %s bytes, wrk -t1 -c%s -d%ss (server on core 0, wrk on core 1), median of 3\n' \
  "$(wc -c <"$work/posts.json")" "$connections" "$seconds"
printf '%-44s %10s %9s %9s %8s %6s\n' "what" "req/s" "p50 ms" "p99 ms" "x nginx" "non2xx"
row() {
  read -r rps p50 p99 bad <<<"$2"
  printf '%-44s %10s %9s %9s %8s %6s\n' "$1" "$rps" "$p50" "$p99" "$(awk -v a="$rps" -v b="$nginx_rps" 'BEGIN{printf "%.2f", a/b}')" "$bad"
}
row "nginx, same bytes from a file (ceiling)" "$nginx_row"
row "strata blog serve, GET /posts (SQLite)" "$blog_row"
row "strata blog serve, GET /posts/{id} (SQLite)" "$blog_one"
