#!/usr/bin/env bash
# Migrations: N small scripts (default 1,000), each
#   CREATE TABLE tN (id INTEGER PRIMARY KEY, v VARCHAR(20)); INSERT INTO tN (v) VALUES ('x');
# (on MariaDB `INSERT INTO tN (id, v) VALUES (1, 'x')`: it has no implicit id for such a table)
# applied from an empty database with `strata migrate --db URL --dir DIR up`, and `strata migrate ... status`
# with all N applied; beside dbmate (npm package, its own file layout db/migrations/NNNNNN_tN.sql with
# `-- migrate:up` markers, run with --no-dump-schema) and the engine's own client piping the same SQL in one
# session, the floor: the sqlite3 CLI with WAL and synchronous=NORMAL, the mariadb client.
# On SQLite and on MariaDB. Wall time of the whole command (process start included), median of 3 (hyperfine).
#   bench/migrate_bench.sh [N]
# Knobs: bench/lib.sh (BENCH_QUICK=1 makes N 100), BENCH_MIGRATIONS=N, BENCH_RUNS (3).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
count=${1:-${BENCH_MIGRATIONS:-$([ "$bench_quick" = 1 ] && echo 100 || echo 1000)}}
runs=${BENCH_RUNS:-3}
section=migrate

need_debian sqlite3:sqlite3 hyperfine:hyperfine npm:npm
need_build

# dbmate from npm into the build folder; its package ships the binary, which is run directly (not through node).
tools="$build_dir/bench-tools/dbmate"
dbmate=$(find "$tools/node_modules/@dbmate" -path '*/bin/dbmate' -type f 2>/dev/null | head -1 || true)
if [ -z "$dbmate" ]; then
  echo "bench: installing dbmate (npm) into $tools" >&2
  mkdir -p "$tools"
  npm install --prefix "$tools" --no-audit --no-fund dbmate >/dev/null 2>&1
  dbmate=$(find "$tools/node_modules/@dbmate" -path '*/bin/dbmate' -type f | head -1)
fi
dbmate_version=$("$dbmate" --version | awk '{print $NF}')

# make_scripts DIR INSERT_COLUMNS INSERT_VALUES: the same N scripts three ways under DIR: strata/vN.sql,
# dbmate/db/migrations/NNNNNN_tN.sql, all.sql (every script in one file, for the engine's client).
make_scripts() {
  local dir=$1 i sql
  mkdir -p "$dir/strata" "$dir/dbmate/db/migrations"
  : >"$dir/all.sql"
  for i in $(seq "$count"); do
    sql="CREATE TABLE t$i (id INTEGER PRIMARY KEY, v VARCHAR(20)); INSERT INTO t$i ($2) VALUES ($3);"
    echo "$sql" >"$dir/strata/v$i.sql"
    printf -- '-- migrate:up\n%s\n\n-- migrate:down\n' "$sql" >"$dir/dbmate/db/migrations/$(printf %06d "$i")_t$i.sql"
    echo "$sql" >>"$dir/all.sql"
  done
}
# SQLite: as given. MariaDB rejects `INSERT INTO tN (v) VALUES ('x')` (error 1364: an INTEGER PRIMARY KEY is no
# AUTO_INCREMENT there), so its scripts name the id.
make_scripts "$bench_work/scripts-sqlite" "v" "'x'"
make_scripts "$bench_work/scripts-mariadb" "id, v" "1, 'x'"
{ echo "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"; cat "$bench_work/scripts-sqlite/all.sql"; } \
  >"$bench_work/scripts-sqlite/all.sqlite.sql"

# timed NAME PREPARE COMMAND: median wall time of COMMAND in seconds over $runs runs, PREPARE before each;
# the tools on the client core (MariaDB is on the server core).
timed() {
  local name=$1 prepare=$2 command=$3 times=() t0 t1
  if command -v hyperfine >/dev/null; then
    taskset -c "$client_core" hyperfine --runs "$runs" --style none ${prepare:+--prepare "$prepare"} --export-json "$bench_work/$name.json" \
      "$command" >/dev/null 2>"$bench_work/$name.err" || { cat "$bench_work/$name.err" >&2; return 1; }
    "$python" -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["median"])' \
      "$bench_work/$name.json"
  else
    for _ in $(seq "$runs"); do
      [ -n "$prepare" ] && sh -c "$prepare"
      t0=$(date +%s%N)
      taskset -c "$client_core" sh -c "$command" >/dev/null 2>&1
      t1=$(date +%s%N)
      times+=("$(((t1 - t0) / 1000000))")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(((runs + 1) / 2))p" | awk '{printf "%.3f\n", $1 / 1000}'
  fi
}

# check_tables WHAT COUNT_COMMAND: the command printed $count (every script ran).
check_tables() {
  local got
  got=$(sh -c "$2")
  [ "$got" = "$count" ] || { echo "bench: $1 left $got tables t1..tN, expected $count" >&2; exit 1; }
}

x() { echo "$(ratio "$1" "$2")x $3"; }

bench_header "Migrations: $count scripts, wall time of the command, median of $runs (hyperfine); dbmate $dbmate_version $(bench_quick_note)"

# SQLite: a new file per run.
s="$bench_work/sqlite"
mkdir -p "$s"
up_strata=$(timed sqlite-strata "rm -f $s/strata.db*" "$strata_bin migrate --db sqlite:$s/strata.db --dir $bench_work/scripts-sqlite/strata up")
check_tables "strata on SQLite" "sqlite3 $s/strata.db \"SELECT count(*) FROM sqlite_master WHERE type='table' AND name GLOB 't[0-9]*'\""
up_dbmate=$(timed sqlite-dbmate "rm -f $s/dbmate.db*" "$dbmate --url sqlite:$s/dbmate.db --migrations-dir $bench_work/scripts-sqlite/dbmate/db/migrations --no-dump-schema up")
check_tables "dbmate on SQLite" "sqlite3 $s/dbmate.db \"SELECT count(*) FROM sqlite_master WHERE type='table' AND name GLOB 't[0-9]*'\""
up_floor=$(timed sqlite-floor "rm -f $s/floor.db*" "sqlite3 $s/floor.db <$bench_work/scripts-sqlite/all.sqlite.sql")
st_strata=$(timed sqlite-strata-status "" "$strata_bin migrate --db sqlite:$s/strata.db --dir $bench_work/scripts-sqlite/strata status")
st_dbmate=$(timed sqlite-dbmate-status "" "$dbmate --url sqlite:$s/dbmate.db --migrations-dir $bench_work/scripts-sqlite/dbmate/db/migrations status")
bench_row $section "strata migrate up, $count scripts (SQLite)" "$up_strata s" "$(x "$up_strata" "$up_floor" floor)" "$(x "$up_strata" "$up_dbmate" dbmate)"
bench_row $section "dbmate up, $count scripts (SQLite)" "$up_dbmate s" "$(x "$up_dbmate" "$up_floor" floor)" "1.00x dbmate"
bench_row $section "sqlite3 CLI, same SQL, WAL + synchronous=NORMAL (floor)" "$up_floor s" "" ""
bench_row $section "strata migrate status, $count applied (SQLite)" "$st_strata s" "" "$(x "$st_strata" "$st_dbmate" dbmate)"
bench_row $section "dbmate status, $count applied (SQLite)" "$st_dbmate s" "" "1.00x dbmate"

if [ "$bench_mariadb" != 0 ]; then
  for name in strata dbmate floor; do start_mariadb "migrate_$name"; done
  url=${mariadb_url%/*}
  cli="mariadb ${mariadb_cli[*]:0:${#mariadb_cli[@]}-1}"  # without the database
  reset() { echo "$cli -e 'DROP DATABASE IF EXISTS migrate_$1; CREATE DATABASE migrate_$1'"; }
  tables() { echo "$cli -N -e \"SELECT count(*) FROM information_schema.tables WHERE table_schema='migrate_$1' AND table_name LIKE 't%'\""; }
  up_strata=$(timed mariadb-strata "$(reset strata)" "$strata_bin migrate --db $url/migrate_strata --dir $bench_work/scripts-mariadb/strata up")
  check_tables "strata on MariaDB" "$(tables strata)"
  up_dbmate=$(timed mariadb-dbmate "$(reset dbmate)" "$dbmate --url $url/migrate_dbmate --migrations-dir $bench_work/scripts-mariadb/dbmate/db/migrations --no-dump-schema up")
  check_tables "dbmate on MariaDB" "$(tables dbmate)"
  up_floor=$(timed mariadb-floor "$(reset floor)" "$cli migrate_floor <$bench_work/scripts-mariadb/all.sql")
  check_tables "the mariadb client" "$(tables floor)"
  st_strata=$(timed mariadb-strata-status "" "$strata_bin migrate --db $url/migrate_strata --dir $bench_work/scripts-mariadb/strata status")
  st_dbmate=$(timed mariadb-dbmate-status "" "$dbmate --url $url/migrate_dbmate --migrations-dir $bench_work/scripts-mariadb/dbmate/db/migrations status")
  bench_row $section "strata migrate up, $count scripts (MariaDB)" "$up_strata s" "$(x "$up_strata" "$up_floor" floor)" "$(x "$up_strata" "$up_dbmate" dbmate)"
  bench_row $section "dbmate up, $count scripts (MariaDB)" "$up_dbmate s" "$(x "$up_dbmate" "$up_floor" floor)" "1.00x dbmate"
  bench_row $section "mariadb client, same SQL in one session (floor)" "$up_floor s" "" ""
  bench_row $section "strata migrate status, $count applied (MariaDB)" "$st_strata s" "" "$(x "$st_strata" "$st_dbmate" dbmate)"
  bench_row $section "dbmate status, $count applied (MariaDB)" "$st_dbmate s" "" "1.00x dbmate"
fi
