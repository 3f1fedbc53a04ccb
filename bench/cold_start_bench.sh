#!/usr/bin/env bash
# Cold starts of the blog binary (bench/cold_start.py; the binary on core 0, the harness on core 1):
#   - `blog serve --port 0` from exec to its first answered GET /posts (polled every 0.1 ms), on the 20-post
#     SQLite database, and on a new SQLite file each run (the 3 migrations run inside the timed start);
#   - the Lambda runtime loop: the blog started with AWS_LAMBDA_RUNTIME_API, _HANDLER=get_posts and
#     STRATA_DB=sqlite:<the 20-post file> against a minimal Runtime API on 127.0.0.1, from exec to its
#     POST /response arriving; beside one curl process doing the same two requests and a process that only
#     exits (/bin/true), the floors;
#   - the binary's size, stripped too, and how many shared libraries it loads.
#   - the Lambda zip `blog package` writes, zipped and unpacked.
# The serve row adds its ratio to serverless-offline's start when run_all.sh ran peer_bench.sh first.
#   bench/cold_start_bench.sh [RUNS]      median and min of RUNS (default 20; 5 with BENCH_QUICK=1)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
runs=${1:-${BENCH_COLD_RUNS:-$([ "$bench_quick" = 1 ] && echo 5 || echo 20)}}
section=cold-start

need_debian curl:curl taskset:util-linux strip:binutils unzip:unzip
need_build
export BENCH_SERVER_CORE=$server_core BENCH_CLIENT_CORE=$client_core
cold() { "$python" "$bench_root/bench/cold_start.py" "$@"; }
ms_row() {  # WHAT "median min" RATIO
  local median min
  read -r median min <<<"$2"
  bench_row $section "$1" "$median ms" "median of $runs; min $min ms" "${3:-}"
}

# The 20-post database, made by a serve that is stopped again.
start_blog blog-seed "sqlite:$bench_work/blog.db"
seed_blog "$blog_port"
bench_stop_pid "${bench_pids[-1]}"
mkdir -p "$bench_work/fresh"

bench_header "Cold start: exec to the first answer, median of $runs (binary on core $server_core, harness on core $client_core) $(bench_quick_note)"
exit_row=$(cold exit "$runs" /bin/true)
read -r exit_ms _ <<<"$exit_row"
serve_row=$(cold serve "$runs" "$blog_bin" "$bench_root/examples/blog" "sqlite:$bench_work/blog.db")
fresh_row=$(cold serve "$runs" "$blog_bin" "$bench_root/examples/blog" "fresh:$bench_work/fresh")
runtime_row=$(cold runtime "$runs" "$blog_bin" "sqlite:$bench_work/blog.db")
curl_row=$(cold curl "$runs")
read -r curl_ms _ <<<"$curl_row"
read -r runtime_ms _ <<<"$runtime_row"
read -r serve_ms _ <<<"$serve_row"
ms_row "blog serve --port 0 to first GET /posts 200 (20 posts)" "$serve_row" "$(ratio "$serve_ms" "$exit_ms")x /bin/true$(peer_x_ms "$serve_ms")"
ms_row "  the same on a new SQLite file (3 migrations applied)" "$fresh_row"
ms_row "blog as Lambda runtime: exec to POST /response (get_posts)" "$runtime_row" \
  "$(ratio "$runtime_ms" "$curl_ms")x curl, $(ratio "$runtime_ms" "$exit_ms")x /bin/true"
ms_row "floor: one curl process, GET /next + POST /response" "$curl_row" "$(ratio "$curl_ms" "$exit_ms")x /bin/true"
ms_row "floor: a process that only exits (/bin/true)" "$exit_row" "1.00x /bin/true"

strip -o "$bench_work/blog.stripped" "$blog_bin"
size=$(stat -c %s "$blog_bin")
stripped=$(stat -c %s "$bench_work/blog.stripped")
libraries=$(ldd "$blog_bin" | grep -c '=>' || true)
bench_row $section "blog binary size (every function, SQLite + MariaDB drivers)" "$(awk -v b="$size" 'BEGIN{printf "%.1f MB", b/1e6}')" \
  "stripped $(awk -v b="$stripped" 'BEGIN{printf "%.1f MB", b/1e6}'), $libraries shared libraries" ""

# What Lambda downloads on a cold start: the zip `blog package` writes (bootstrap, binary, libraries, loader).
(cd "$bench_root/examples/blog" && "$blog_bin" package --out "$bench_work/package" >/dev/null 2>&1)
zip_size=$(stat -c %s "$bench_work/package/blog.zip")
unpacked=$(unzip -l "$bench_work/package/blog.zip" | tail -1 | awk '{print $1}')
bench_row $section "Lambda zip (blog package)" "$(awk -v b="$zip_size" 'BEGIN{printf "%.1f MB", b/1e6}')" \
  "unpacked $(awk -v b="$unpacked" 'BEGIN{printf "%.1f MB", b/1e6}'); Lambda's limit 50 MB zipped, 250 MB unpacked" ""
