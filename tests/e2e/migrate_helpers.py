"""Helpers for test_migrate_cli.py: the `strata` and `blog` binaries, and the two
databases the migration engine runs on, SQLite (read with Python's sqlite3) and
MariaDB (read with the `mariadb` command-line client).

Standard library only.
"""

import os
import re
import sqlite3
import subprocess
import threading
import time
import uuid

from kept_logs import keep_output

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("STRATA_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BLOG_APP_DIR = os.path.join(SOURCE_DIR, "examples", "blog")

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_VALIDATION, EXIT_MIGRATION_FAILED, EXIT_LOCK_TIMEOUT = 0, 1, 2, 3, 4, 5

HISTORY = "strata_schema_history"


def _binary(variable, *relative):
    path = os.environ.get(variable) or os.path.join(SOURCE_DIR, "build", *relative)
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s: no executable at %s (build first, or set %s)" % (variable, path, variable))
    return path


def tool_binary():
    return _binary("STRATA_TOOL_BIN", "src", "strata")


def blog_binary():
    return _binary("STRATA_BLOG_BIN", "examples", "blog", "blog")


def cli_env(extra=None):
    env = dict(os.environ)
    env.pop("STRATA_DB", None)
    if extra:
        env.update(extra)
    return env


def run(argv, env=None, timeout=60):
    """Runs argv to completion; a CompletedProcess with text stdout and stderr."""
    return keep_output(argv, subprocess.run(argv, env=cli_env(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, timeout=timeout))


def start(argv, env=None):
    """Starts argv with stdout and stderr piped (text); the caller waits or kills it."""
    return subprocess.Popen(argv, env=cli_env(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def stop_process(process, close_pipes=True):
    """Cleanup: kills `process` (only this one) if it still runs, and reaps it. Pipes a
    LineWatcher reads are closed by it (close_pipes=False)."""
    if process.poll() is None:
        process.kill()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for stream in (process.stdin,) + ((process.stdout, process.stderr) if close_pipes else ()):
        if stream:
            try:
                stream.close()
            except OSError:
                pass


class SqliteDatabase:
    engine = "sqlite"

    def __init__(self, path):
        self.path = path
        self.url = "sqlite:" + path

    def _connect(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        return sqlite3.connect(self.path, timeout=10, isolation_level=None)

    def query(self, sql):
        """Rows as tuples of str (None for NULL)."""
        connection = self._connect()
        try:
            return [tuple(None if value is None else str(value) for value in row)
                    for row in connection.execute(sql).fetchall()]
        finally:
            connection.close()

    def execute_script(self, sql):
        connection = self._connect()
        try:
            connection.executescript(sql)
        finally:
            connection.close()

    def table_exists(self, name):
        if not os.path.exists(self.path):
            return False
        return bool(self.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%s'" % name))

    def drop(self):
        for suffix in ("", "-wal", "-shm", "-journal"):
            try:
                os.remove(self.path + suffix)
            except FileNotFoundError:
                pass


URL_PATTERN = re.compile(r"^mysql://([^:@/]+):([^@/]*)@([^:/]+):(\d+)/([^?]+)")


_ESCAPES = {"n": "\n", "t": "\t", "0": "\0", "\\": "\\"}


def _unescape(cell):
    """Undoes the escaping of the mariadb client's batch output (\\n, \\t, \\0, \\\\)."""
    return re.sub(r"\\(.)", lambda match: _ESCAPES.get(match.group(1), match.group(0)), cell)


class MysqlServer:
    """The MariaDB server named by a url file (mysql://USER:PASSWORD@HOST:PORT/DB)."""

    def __init__(self, url_file):
        with open(url_file) as source:
            url = source.read().strip()
        match = URL_PATTERN.match(url)
        if not match:
            raise RuntimeError("%s: not a mysql URL: %r" % (url_file, url))
        self.user, self.password, self.host, self.port, _ = match.groups()

    def client(self, sql, database=None, timeout=30, check=True):
        """Runs sql with the mariadb client (batch mode, no column names); rows as tuples
        of str, None for NULL."""
        argv = ["mariadb", "--no-defaults", "--protocol=TCP", "-h", self.host, "-P", self.port, "-u", self.user,
                "--batch", "--skip-column-names", "-e", sql]
        if database:
            argv.append(database)
        result = subprocess.run(argv, env=dict(os.environ, MYSQL_PWD=self.password), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError("mariadb -e %r failed (%d): %s" % (sql, result.returncode, result.stderr))
        rows = []
        for line in result.stdout.splitlines():
            rows.append(tuple(None if cell == "NULL" else _unescape(cell) for cell in line.split("\t")))
        return rows

    def create_database(self):
        name = "m_" + uuid.uuid4().hex[:16]
        self.client("CREATE DATABASE %s CHARACTER SET utf8mb4" % name)
        return MysqlDatabase(self, name)


class MysqlDatabase:
    engine = "mysql"

    def __init__(self, server, name):
        self.server = server
        self.name = name
        self.url = "mysql://%s:%s@%s:%s/%s" % (server.user, server.password, server.host, server.port, name)

    def query(self, sql):
        return self.server.client(sql, self.name)

    def execute_script(self, sql):
        self.server.client(sql, self.name)

    def table_exists(self, name):
        return bool(self.server.client(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = '%s' AND table_name = '%s'"
            % (self.name, name)))

    def drop(self):
        # Another session may still hold a metadata lock for a moment (a killed client's query).
        for attempt in range(3):
            try:
                self.server.client("DROP DATABASE IF EXISTS %s" % self.name, timeout=60)
                return
            except (RuntimeError, subprocess.TimeoutExpired):
                if attempt == 2:
                    raise
                time.sleep(1)


class LineWatcher:
    """Reads a text pipe line by line on a thread, so a test can wait for a line with a
    timeout; `text()` is everything read so far."""

    def __init__(self, stream):
        self._lines = []
        self._condition = threading.Condition()
        self._done = False
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream):
        try:
            for line in stream:
                with self._condition:
                    self._lines.append(line)
                    self._condition.notify_all()
        except (OSError, ValueError):
            pass
        finally:
            try:
                stream.close()
            except (OSError, ValueError):
                pass
        with self._condition:
            self._done = True
            self._condition.notify_all()

    def wait_for(self, pattern, timeout):
        """The first match of `pattern` in a line, or None at EOF or after `timeout` s."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._condition:
            checked = 0
            while True:
                for line in self._lines[checked:]:
                    match = regex.search(line)
                    if match:
                        return match
                checked = len(self._lines)
                remaining = deadline - time.monotonic()
                if self._done or remaining <= 0:
                    return None
                self._condition.wait(remaining)

    def finish(self, timeout=10):
        self._thread.join(timeout)
        return self.text()

    def text(self):
        with self._condition:
            return "".join(self._lines)
