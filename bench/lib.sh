# Sourced by the bench/*.sh scripts: paths, installs, process cleanup, wrk, MariaDB, result rows.
# Knobs (environment):
#   STRATA_BUILD_DIR   where the binaries are (default: build/; built with scripts/build.sh when missing)
#   BENCH_QUICK=1      a short validation run: 2 s wrk runs, 1 round, 300 client calls, 100 migrations,
#                      5 cold starts. Its figures only show that everything runs.
#   BENCH_ROUNDS       wrk rounds per figure, median taken (3)     BENCH_SECONDS, BENCH_CONNECTIONS   wrk -d, -c (5, 32)
#   BENCH_MARIADB=0    skip the MariaDB rows                       BENCH_LAMBDA=0   skip serve --lambda
#   BENCH_CALLS        client-loop calls in data_api_bench (2000)  BENCH_MIGRATIONS scripts in migrate_bench (1000)
#   BENCH_RUNS         hyperfine runs in migrate_bench (3)         BENCH_COLD_RUNS  cold starts (20)
#   BENCH_SERVER_CORE, BENCH_CLIENT_CORE   the cores of the server side and of the load generator (0, 1)
#   BENCH_ROWS=FILE    also append every result row to FILE (tab-separated; run_all.sh reads it)
#   BENCH_PYTHON       the python3 to use (python3)
shopt -s inherit_errexit  # a failing command inside $(...) stops the script too
bench_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${STRATA_BUILD_DIR:-$bench_root/build}
blog_bin="$build_dir/examples/blog/blog"
# The blog's write routes take a JWT (strata.json "auth": "writers", HS256 with $BLOG_JWT_SECRET): every blog
# the benchmarks start checks tokens with this secret, and every write sends one (blog_token).
export BLOG_JWT_SECRET=${BLOG_JWT_SECRET:-strata-bench-secret-not-for-production-0123456789}
strata_bin="$build_dir/src/strata"
bench_quick=${BENCH_QUICK:-0}
[ "$bench_quick" = 1 ] || bench_quick=0
server_core=${BENCH_SERVER_CORE:-0}
client_core=${BENCH_CLIENT_CORE:-1}
bench_mariadb=${BENCH_MARIADB:-1}
python=${BENCH_PYTHON:-python3}

bench_as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

# need_debian COMMAND:PACKAGE ...: installs the packages whose command is missing.
need_debian() {
  local missing=() pair
  for pair in "$@"; do command -v "${pair%%:*}" >/dev/null || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "bench: installing ${missing[*]}" >&2
  if ! bench_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    bench_as_root apt-get update -qq >/dev/null
    bench_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The binaries; builds with scripts/build.sh (RelWithDebInfo) when one is missing.
need_build() {
  if [ ! -x "$blog_bin" ] || [ ! -x "$strata_bin" ]; then
    echo "bench: building into $build_dir" >&2
    STRATA_BUILD_DIR="$build_dir" "$bench_root/scripts/build.sh" >&2
  fi
}

# Every process a script starts goes into bench_pids, every MariaDB folder into bench_mariadb_dirs;
# both are stopped on exit, however the script ends.
bench_work=$(mktemp -d /tmp/strata-bench.XXXXXX)
chmod 755 "$bench_work"  # nginx workers run as another user
bench_pids=()
bench_mariadb_dirs=()
bench_stop_pid() {
  local pid=$1 kept=() other
  for other in "${bench_pids[@]}"; do [ "$other" = "$pid" ] || kept+=("$other"); done
  bench_pids=("${kept[@]}")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
bench_cleanup() {
  local pid dir
  for pid in "${bench_pids[@]}"; do bench_stop_pid "$pid"; done
  for dir in "${bench_mariadb_dirs[@]}"; do "$bench_root/scripts/mariadb-test-server.sh" stop "$dir" || true; done
  rm -rf "$bench_work"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_for URL: until it answers anything over HTTP (5 s at most).
wait_for() {
  for _ in $(seq 500); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" 2>/dev/null)" != 000 ] && return 0
    sleep 0.01
  done
  echo "bench: $1 never answered" >&2
  return 1
}

# start_blog NAME DB_URL [serve options...]: the blog pinned to the server core, one event loop, no access
# log (nginx runs with access_log off). Sets blog_port; the log is $bench_work/NAME.log.
start_blog() {
  local name=$1 url=$2
  shift 2
  blog_port=$(free_port)
  (cd "$bench_root/examples/blog" && exec taskset -c "$server_core" "$blog_bin" serve --port "$blog_port" --threads 1 \
     --quiet --db "$url" "$@" 2>"$bench_work/$name.log") &
  bench_pids+=($!)
  wait_for "http://127.0.0.1:$blog_port/posts" || { cat "$bench_work/$name.log" >&2; return 1; }
}

# blog_token: a token the blog's writers authorizer accepts for a day, minted by `blog token` with $BLOG_JWT_SECRET.
blog_token() {
  "$blog_bin" --app "$bench_root/examples/blog" token --sub bench --ttl 86400
}

# seed_blog PORT: posts 2..20 beside the migrations' post 1, as the http bench always had them.
seed_blog() {
  local i token
  token=$(blog_token)
  for i in $(seq 2 20); do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$1/posts" -H "Authorization: Bearer $token" \
      -d "{\"title\":\"Post number $i\",\"slug\":\"post-$i\",\"user_id\":\"344d117ea9f1\",\"description\":\"The description of post $i\"}"
  done
}

# start_mariadb NAME: a throwaway MariaDB (scripts/mariadb-test-server.sh) with its threads pinned to the server
# core (it is the server side), and a fresh database NAME. Sets mariadb_url (mysql://...@127.0.0.1:PORT/NAME)
# and mariadb_cli (the mariadb client's arguments for that database).
start_mariadb() {
  local name=$1 dir="$bench_work/mariadb" base
  need_debian mariadbd:mariadb-server mariadb:mariadb-client
  if [ ! -f "$dir/url" ]; then
    bench_mariadb_dirs+=("$dir")
    "$bench_root/scripts/mariadb-test-server.sh" start "$dir" >&2
    taskset -a -p -c "$server_core" "$(cat "$dir/mariadbd.pid")" >/dev/null
  fi
  base=$(cat "$dir/url")  # mysql://strata:PASSWORD@127.0.0.1:PORT/strata_test
  local credentials=${base#mysql://}
  credentials=${credentials%%@*}
  mariadb_cli=(--no-defaults -h127.0.0.1 -P"$(cat "$dir/port")" -u"${credentials%%:*}" -p"${credentials#*:}")
  mariadb "${mariadb_cli[@]}" -e "DROP DATABASE IF EXISTS \`$name\`; CREATE DATABASE \`$name\` CHARACTER SET utf8mb4"
  mariadb_cli+=("$name")
  mariadb_url="${base%/*}/$name"
}

bench_rounds=${BENCH_ROUNDS:-$([ "$bench_quick" = 1 ] && echo 1 || echo 3)}
wrk_seconds=${BENCH_SECONDS:-$([ "$bench_quick" = 1 ] && echo 2 || echo 5)}
wrk_connections=${BENCH_CONNECTIONS:-32}

# wrk_measure URL [LUA_SCRIPT [SCRIPT_ARGS...]]: wrk -t1 pinned to the client core, bench_rounds rounds;
# prints the median round (by requests/s) as "requests/s p50_ms p99_ms non2xx socket_errors".
# A round's script gets the round number as its last argument (POST scripts make slugs unique with it).
wrk_measure() {
  local url=$1 script=${2:-} rounds=() round args
  shift $(($# > 1 ? 2 : 1))
  for round in $(seq "$bench_rounds"); do
    args=(-t1 -c"$wrk_connections" -d"${wrk_seconds}s" --latency)
    [ -n "$script" ] && args+=(-s "$script" "$url" -- "$@" "$round") || args+=("$url")
    rounds+=("$(taskset -c "$client_core" wrk "${args[@]}" | awk '
      function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
      /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) } /^Requests\/sec/ { rps = $2 }
      /Non-2xx/ { bad = $NF }
      /Socket errors/ { gsub(/,/, ""); errors = $4 + $6 + $8 + $10 }
      END { printf "%.0f %.3f %.3f %d %d\n", rps, p50, p99, bad, errors }')")
  done
  printf '%s\n' "${rounds[@]}" | sort -n -k1 | sed -n "$(((${#rounds[@]} + 1) / 2))p"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "-" }'; }

# bench_header TITLE: the table's title and column names.
bench_header() {
  printf '\n%s\n' "$1"
  printf '%-60s %14s  %-38s %s\n' "what" "result" "detail" "ratio"
}

# bench_row SECTION WHAT RESULT DETAIL RATIO: one line of the table (and of $BENCH_ROWS).
bench_row() {
  printf '%-60s %14s  %-38s %s\n' "$2" "$3" "$4" "$5"
  if [ -n "${BENCH_ROWS:-}" ]; then printf '%s\t%s\t%s\t%s\t%s\n' "$@" >>"$BENCH_ROWS"; fi
}

# wrk_row SECTION WHAT "rps p50 p99 bad errors" [RATIO]: a bench_row from wrk_measure's output.
wrk_row() {
  local rps p50 p99 bad errors detail
  read -r rps p50 p99 bad errors <<<"$3"
  detail="p50 $p50 ms, p99 $p99 ms"
  [ "$bad" != 0 ] && detail+=", $bad non-2xx"
  [ "$errors" != 0 ] && detail+=", $errors socket errors"
  bench_row "$1" "$2" "$rps req/s" "$detail" "${4:-}"
}

# The peer's figures of this run ("GET_rps cold_ms", written by peer_bench.sh when run_all.sh runs it first):
# peer_x_rps RPS prints "; N.NNx serverless-offline", peer_x_ms MS "; N.NNx faster than serverless-offline";
# both print nothing without them.
peer_x_rps() {
  local rps
  [ -s "${BENCH_PEER_FIGURES:-}" ] || return 0
  read -r rps _ <"$BENCH_PEER_FIGURES"
  echo "; $(ratio "$1" "$rps")x serverless-offline"
}
peer_x_ms() {
  local ms
  [ -s "${BENCH_PEER_FIGURES:-}" ] || return 0
  read -r _ ms <"$BENCH_PEER_FIGURES"
  echo "; $(ratio "$ms" "$1")x faster than serverless-offline"
}

bench_quick_note() {
  if [ "$bench_quick" = 1 ]; then echo "(BENCH_QUICK=1: short runs, figures are only a validation)"; fi
}

# cpu_per_request URL SECONDS LABEL PID... [-- WRK_ARGS...]: wrk -t1 -c32 on URL for SECONDS (the caller warms up
# first) and what the processes PID... (every thread of each) spent per request meanwhile: user and system CPU
# (/proc/PID/stat, all threads) and context switches (/proc/PID/task/*/status). Prints one line after LABEL.
cpu_per_request() {
  local url=$1 seconds=$2 label=$3
  shift 3
  local pids=() wrk_args=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do pids+=("$1"); shift; done
  [ $# -gt 0 ] && { shift; wrk_args=("$@"); }
  local user0 system0 switches0 user1 system1 switches1
  read -r user0 system0 switches0 < <(cpu_sample "${pids[@]}")
  taskset -c "$client_core" wrk -t1 -c32 -d"${seconds}s" "${wrk_args[@]}" "$url" >"$bench_work/cpu-wrk.txt"
  read -r user1 system1 switches1 < <(cpu_sample "${pids[@]}")
  local requests rate
  requests=$(grep -oE '^ *[0-9]+ requests' "$bench_work/cpu-wrk.txt" | awk '{print $1}')
  rate=$(awk '/Requests\/sec/ {print $2}' "$bench_work/cpu-wrk.txt")
  awk -v r="$requests" -v rate="$rate" -v u=$((user1 - user0)) -v s=$((system1 - system0)) \
      -v c=$((switches1 - switches0)) -v t="$(getconf CLK_TCK)" -v n="${#pids[@]}" -v label="$label" 'BEGIN {
    printf "%s: %s req/s; per request: user %.1f us, system %.1f us, %.2f context switches (%d processes)\n",
           label, rate, u / t / r * 1e6, s / t / r * 1e6, c / r, n
  }'
}

# cpu_sample PID...: "USER_TICKS SYSTEM_TICKS CONTEXT_SWITCHES" summed over the processes and all their threads.
cpu_sample() {
  local user=0 system=0 switches=0 pid task u s
  for pid in "$@"; do
    read -r u s < <(awk '{print $14, $15}' "/proc/$pid/stat")
    user=$((user + u)) system=$((system + s))
    for task in /proc/"$pid"/task/*; do
      # (A thread that ended since the glob counts 0.)
      switches=$((switches + $(cat "$task/status" 2>/dev/null | awk '/ctxt_switches/ {n += $2} END {print n + 0}')))
    done
  done
  echo "$user $system $switches"
}
