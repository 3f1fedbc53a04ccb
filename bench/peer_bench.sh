#!/usr/bin/env bash
# The peer: serverless-offline (npm, on serverless 3, Node), the local emulator JavaScript users run, serving the
# blog's GET /posts from a Node handler with the 20 posts in memory (bench/peer/), beside `blog serve` on the
# same 20 posts in the same run. Server side pinned to core 0 (the blog, serverless-offline's node and its
# worker threads), wrk to core 1: wrk -t1 -c32 --latency, median of 3 rounds, as http_bench.sh.
#   bench/peer_bench.sh [COLD_RUNS]
# Rows: serverless-offline GET /posts (an `http` event, REST payload 1.0) and GET /v2/posts (`httpApi`, 2.0),
# the blog's GET /posts in-process and through `serve --lambda` with their ratio to serverless-offline, and the
# cold start of both: exec to the first 200 on GET /posts (bench/cold_start.py; median of COLD_RUNS, default 10,
# 3 with BENCH_QUICK=1). serverless-offline runs as its users run it: its default worker-thread mode (a pool
# per function that grows with concurrent requests, so a wrk warm-up at the same concurrency comes first) and
# its default log line per request (to a file); telemetry and notifications off, so no start waits on the
# network. The packages (bench/peer/package.json pins them) are installed with npm into
# <build>/bench-tools/peer at the first run, again when package.json changes.
# With $BENCH_PEER_FIGURES set (run_all.sh sets it), writes "GET_rps cold_ms" there: the other parts then
# add "x serverless-offline" to their GET /posts rows. Knobs: see bench/lib.sh (BENCH_QUICK=1, BENCH_LAMBDA=0).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cold_runs=${1:-${BENCH_PEER_COLD_RUNS:-$([ "$bench_quick" = 1 ] && echo 3 || echo 10)}}
section=peer

need_debian wrk:wrk curl:curl taskset:util-linux npm:npm
need_build

# The peer's packages, once per package.json.
peer_tools="$build_dir/bench-tools/peer"
serverless_js="$peer_tools/node_modules/serverless/bin/serverless.js"
if ! cmp -s "$bench_root/bench/peer/package.json" "$peer_tools/package.json" || [ ! -f "$serverless_js" ]; then
  echo "bench: installing serverless and serverless-offline (npm) into $peer_tools" >&2
  rm -rf "$peer_tools"
  mkdir -p "$peer_tools"
  cp "$bench_root/bench/peer/package.json" "$peer_tools/"
  if ! (cd "$peer_tools" && npm install --no-audit --no-fund >"$bench_work/npm.log" 2>&1); then
    cat "$bench_work/npm.log" >&2
    rm -rf "$peer_tools"  # no half install taken for a good one next time
    exit 1
  fi
fi
package_version() { node -p "require('$peer_tools/node_modules/$1/package.json').version"; }
peer_name="serverless-offline $(package_version serverless-offline) (serverless $(package_version serverless), Node $(node -v | tr -d v))"

# The blog on a fresh SQLite file with 20 posts; its GET /posts body is what the peer's handler serves.
start_blog blog-sqlite "sqlite:$bench_work/blog.db"
sqlite_port=$blog_port
sqlite_pid=${bench_pids[-1]}
seed_blog "$sqlite_port"
curl -sf "http://127.0.0.1:$sqlite_port/posts" >"$bench_work/posts.json"

# The peer's service folder: bench/peer's files, the captured body, the installed packages.
service="$bench_work/peer"
mkdir -p "$service"
cp "$bench_root/bench/peer/serverless.yml" "$bench_root/bench/peer/handler.js" "$bench_work/posts.json" "$service/"
ln -s "$peer_tools/node_modules" "$service/node_modules"
# serverless keeps its per-user state in ~/.serverless: in the tools folder, so the bench touches no home.
export HOME="$peer_tools/home" SLS_TELEMETRY_DISABLED=1 SLS_NOTIFICATIONS_MODE=off
mkdir -p "$HOME"
peer_command() {  # HTTP_PORT LAMBDA_PORT: sets peer_argv
  peer_argv=(node "$serverless_js" offline start --host 127.0.0.1 --httpPort "$1" --lambdaPort "$2"
    --noPrependStageInUrl --noTimeout --noSponsor)
}

peer_port=$(free_port)
peer_command "$peer_port" "$(free_port)"
(cd "$service" && exec taskset -c "$server_core" "${peer_argv[@]}" >"$bench_work/peer.log" 2>&1) &
bench_pids+=($!)
peer_pid=$!
for _ in $(seq 600); do  # it starts in seconds, not milliseconds: 60 s at most
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$peer_port/posts" 2>/dev/null)" = 200 ] && break
  kill -0 "$peer_pid" 2>/dev/null || { cat "$bench_work/peer.log" >&2; exit 1; }
  sleep 0.1
done
for path in posts v2/posts; do
  cmp -s <(curl -sf "http://127.0.0.1:$peer_port/$path") "$bench_work/posts.json" \
    || { echo "bench: serverless-offline answers GET /$path differently from the blog" >&2; cat "$bench_work/peer.log" >&2; exit 1; }
done
# Its pool starts one worker thread per concurrent request: grown to wrk's concurrency before measuring.
taskset -c "$client_core" wrk -t1 -c"$wrk_connections" -d2s "http://127.0.0.1:$peer_port/posts" >/dev/null

bench_header "Peer: $peer_name beside the blog, GET /posts ($(wc -c <"$bench_work/posts.json") bytes); wrk -t1 -c$wrk_connections -d${wrk_seconds}s, server side on core $server_core, wrk on core $client_core, median of $bench_rounds $(bench_quick_note)"
peer_row=$(wrk_measure "http://127.0.0.1:$peer_port/posts")
read -r peer_rps _ <<<"$peer_row"
wrk_row $section "serverless-offline, GET /posts (http event, REST)" "$peer_row" "1.00x serverless-offline"
x_peer() { read -r rps _ <<<"$1"; echo "$(ratio "$rps" "$peer_rps")x serverless-offline"; }
row=$(wrk_measure "http://127.0.0.1:$peer_port/v2/posts")
wrk_row $section "serverless-offline, GET /v2/posts (httpApi event)" "$row" "$(x_peer "$row")"
bench_stop_pid "$peer_pid"

row=$(wrk_measure "http://127.0.0.1:$sqlite_port/posts")
wrk_row $section "blog serve, GET /posts (SQLite)" "$row" "$(x_peer "$row")"
if [ "${BENCH_LAMBDA:-1}" != 0 ]; then
  start_blog blog-lambda "sqlite:$bench_work/blog.db" --lambda
  lambda_pid=${bench_pids[-1]}
  row=$(wrk_measure "http://127.0.0.1:$blog_port/posts")
  wrk_row $section "blog serve --lambda, GET /posts (SQLite)" "$row" "$(x_peer "$row")"
  bench_stop_pid "$lambda_pid"
fi
bench_stop_pid "$sqlite_pid"

# Cold starts, exec to the first 200 on GET /posts, both on the server core (bench/cold_start.py).
export BENCH_SERVER_CORE=$server_core BENCH_CLIENT_CORE=$client_core
cold_port=$(free_port)
peer_command "$cold_port" "$(free_port)"
peer_cold=$("$python" "$bench_root/bench/cold_start.py" http "$cold_runs" "$cold_port" /posts "$service" "${peer_argv[@]}")
blog_cold=$("$python" "$bench_root/bench/cold_start.py" serve "$cold_runs" "$blog_bin" "$bench_root/examples/blog" \
  "sqlite:$bench_work/blog.db")
read -r peer_ms peer_min <<<"$peer_cold"
read -r blog_ms blog_min <<<"$blog_cold"
bench_row $section "serverless-offline offline start to first GET /posts 200" "$peer_ms ms" \
  "median of $cold_runs; min $peer_min ms" "1.00x serverless-offline"
bench_row $section "blog serve --port 0 to first GET /posts 200 (20 posts)" "$blog_ms ms" \
  "median of $cold_runs; min $blog_min ms" "$(ratio "$peer_ms" "$blog_ms")x faster than serverless-offline"

if [ -n "${BENCH_PEER_FIGURES:-}" ]; then echo "$peer_rps $peer_ms" >"$BENCH_PEER_FIGURES"; fi
