#!/usr/bin/env bash
# The long run (issue "Reliability"): minutes of mixed reads and writes with wrk against
# `blog serve` on SQLite and on MariaDB. Passes when there is no 5xx, every 201 is a row
# afterwards, and resident memory after the first minute grows by less than 10 %.
# LOAD_AUTHORIZATION: the Authorization header's value for the writes, if they need one.
#   bench/load_run.sh [MINUTES]          (default 10; LOAD_DATABASES="sqlite mariadb")
# Prints one line per database; the README quotes the last result.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
minutes=${1:-10}
databases=${LOAD_DATABASES:-sqlite mariadb}
need_debian wrk:wrk curl:curl sqlite3:sqlite3
need_build
authorization=${LOAD_AUTHORIZATION:-Bearer $(blog_token)}

# count_rows DB TABLE: rows in the blog's table on that database.
count_rows() {
  if [ "$1" = sqlite ]; then
    sqlite3 "$bench_work/load.db" "SELECT COUNT(*) FROM $2"
  else
    mariadb "${mariadb_cli[@]}" -N -e "SELECT COUNT(*) FROM $2"
  fi
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }

failed=0
for database in $databases; do
  if [ "$database" = sqlite ]; then
    url="sqlite:$bench_work/load.db"
  else
    start_mariadb blog_load
    url=$mariadb_url
  fi
  start_blog "load-$database" "$url"
  pid=$(pgrep -n -f -- "--port $blog_port")
  rows_before=$(( $(count_rows "$database" posts) + $(count_rows "$database" comments) ))
  samples="$bench_work/rss-$database.txt"
  : > "$samples"
  ( while kill -0 "$pid" 2>/dev/null; do echo "$(date +%s) $(rss_kb "$pid")" >> "$samples"; sleep 10; done ) &
  sampler=$!
  echo "load: $database: ${minutes} min of mixed load on port $blog_port" >&2
  output=$(taskset -c "$client_core" wrk -t1 -c32 -d"${minutes}m" --timeout 10s --latency -s "$bench_root/bench/mixed_load.lua" \
             "http://127.0.0.1:$blog_port" -- "$authorization")
  kill "$sampler" 2>/dev/null || true
  created=$(awk '$1 == "status" && $2 == 201 { print $3 }' <<<"$output")
  errors=$(awk '$1 == "status" && $2 >= 500 { n += $3 } END { print n + 0 }' <<<"$output")
  total=$(awk '$1 == "status" { n += $3 } END { print n + 0 }' <<<"$output")
  rows_after=$(( $(count_rows "$database" posts) + $(count_rows "$database" comments) ))
  rows=$(( rows_after - rows_before ))
  # Resident memory: the first sample after a minute, and the last one.
  first_rss=$(awk 'NR == 1 { start = $1 } $1 - start >= 60 { print $2; exit }' "$samples")
  last_rss=$(tail -1 "$samples" | awk '{ print $2 }')
  growth=$(awk -v a="${first_rss:-0}" -v b="${last_rss:-0}" 'BEGIN { if (a > 0) printf "%.1f", (b - a) * 100 / a; else print "n/a" }')
  p99=$(awk '$1 == "99%" { print $2 }' <<<"$output")
  verdict=pass
  # A write wrk sent just before it stopped can commit without wrk counting its 201: at most one per connection.
  if [ "$errors" != 0 ] || [ "$rows" -lt "${created:-0}" ] || [ "$rows" -gt $(( ${created:-0} + 32 )) ] || awk -v g="$growth" 'BEGIN { exit !(g == "n/a" || g > 10) }'; then
    verdict=FAIL
    failed=1
  fi
  echo "load: $database: $verdict — $total requests in $minutes min, 5xx: $errors, 201s: ${created:-0}, new rows: $rows," \
       "p99 $p99, RSS ${first_rss:-?} kB at 1 min -> ${last_rss:-?} kB at the end (${growth} %)"
  bench_stop_pid "$(pgrep -n -f -- "--port $blog_port" || echo 0)" 2>/dev/null || true
done
exit $failed
