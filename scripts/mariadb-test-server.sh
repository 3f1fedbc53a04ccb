#!/usr/bin/env bash
# A throwaway MariaDB server for the tests, on 127.0.0.1 with its data under DIR.
#   mariadb-test-server.sh start DIR   # prints nothing; writes DIR/url (mysql://strata:...@127.0.0.1:PORT/strata_test)
#   mariadb-test-server.sh stop DIR
# Needs Debian's mariadb-server (scripts/install-deps.sh --test installs it). Nothing is
# assumed to be running beforehand; nothing is left running after stop.
set -euo pipefail
action=${1:?start or stop}
dir=$(mkdir -p "${2:?data folder}" && cd "$2" && pwd)
sock="$dir/mariadb.sock"

stop() {
  if [ -f "$dir/mariadbd.pid" ]; then
    pid=$(cat "$dir/mariadbd.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/mariadbd.pid"
  fi
}

case "$action" in
  stop) stop; exit 0 ;;
  start) ;;
  *) echo "usage: $0 start|stop DIR" >&2; exit 2 ;;
esac

stop
rm -rf "$dir/data" "$dir/url"
user_args=()
if [ "$(id -u)" = 0 ]; then user_args=(--user=root); fi
mariadb-install-db --no-defaults --datadir="$dir/data" --auth-root-authentication-method=normal \
  "${user_args[@]}" >"$dir/install.log" 2>&1 || { cat "$dir/install.log" >&2; exit 1; }
# A self-signed certificate, so that tests can ask for TLS (?ssl=required) and see a
# certificate that verification must refuse (?ssl=verify).
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=strata-test-mariadb" \
  -keyout "$dir/server-key.pem" -out "$dir/server-cert.pem" >/dev/null 2>&1
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# setsid: the server must outlive the CTest fixture step that started it.
setsid mariadbd --no-defaults --datadir="$dir/data" --port="$port" --bind-address=127.0.0.1 \
  --skip-name-resolve --socket="$sock" --pid-file="$dir/mariadbd.pid" "${user_args[@]}" \
  --innodb-buffer-pool-size=64M --innodb-log-file-size=48M --innodb-flush-log-at-trx-commit=2 \
  --max-connections=500 --character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
  --ssl-cert="$dir/server-cert.pem" --ssl-key="$dir/server-key.pem" \
  </dev/null >"$dir/server.log" 2>&1 &
for _ in $(seq 300); do
  if mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1; then break; fi
  sleep 0.05
done
mariadb --no-defaults --socket="$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 || { echo "MariaDB did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
password="strata-test-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
mariadb --no-defaults --socket="$sock" -uroot <<SQL
CREATE DATABASE strata_test CHARACTER SET utf8mb4;
CREATE USER 'strata'@'%' IDENTIFIED BY '$password';
GRANT ALL PRIVILEGES ON *.* TO 'strata'@'%';
FLUSH PRIVILEGES;
SQL
echo "mysql://strata:$password@127.0.0.1:$port/strata_test" >"$dir/url"
echo "$port" >"$dir/port"
