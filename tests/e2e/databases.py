"""The databases the end-to-end tests look into behind the app's back: a SQLite file
(Python's sqlite3), and MariaDB through the `mariadb` command-line client. Query
results come as tuples of str (None for NULL) from both, so tests compare them alike."""
import os
import re
import sqlite3
import subprocess
import time
import uuid

MYSQL_URL = re.compile(r"^mysql://([^:@/]+):([^@/]*)@([^:/]+):(\d+)/([^?/]+)$")
_CLIENT_ESCAPES = {"n": "\n", "t": "\t", "0": "\0", "\\": "\\"}


class SqliteDatabase:
    """A SQLite file (it need not exist yet)."""

    engine = "sqlite"

    def __init__(self, path):
        self.path = path
        self.url = "sqlite:" + path
        # How `serve` names the database in its "listening on" line.
        self.description = "sqlite:" + path

    def _connect(self):
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
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


class MysqlServer:
    """A MariaDB server, reached over TCP with the `mariadb` command-line client."""

    def __init__(self, url):
        match = MYSQL_URL.match(url.strip())
        if not match:
            raise RuntimeError("not a mysql://USER:PASSWORD@HOST:PORT/DATABASE URL: %r" % url)
        self.user, self.password, self.host, port, _ = match.groups()
        self.port = int(port)

    @classmethod
    def from_url_file(cls, url_file):
        with open(url_file) as source:
            return cls(source.read())

    def url(self, database):
        return "mysql://%s:%s@%s:%d/%s" % (self.user, self.password, self.host, self.port, database)

    def client(self, sql, database=None, timeout=30, check=True):
        """Runs sql with the mariadb client (batch mode, no column names); rows as tuples of
        str, None for NULL. With check=False a failure is not an error (cleanups)."""
        argv = ["mariadb", "--no-defaults", "--protocol=TCP", "-h", self.host, "-P", str(self.port), "-u", self.user,
                "--batch", "--skip-column-names", "-e", sql]
        if database:
            argv.append(database)
        result = subprocess.run(argv, env=dict(os.environ, MYSQL_PWD=self.password), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)
        if result.returncode != 0:
            if not check:
                return []
            raise RuntimeError("mariadb -e %r on %s:%d failed (%d): %s"
                               % (sql, self.host, self.port, result.returncode, result.stderr.strip()))
        unescape = lambda cell: re.sub(r"\\(.)", lambda m: _CLIENT_ESCAPES.get(m.group(1), m.group(0)), cell)
        return [tuple(None if cell == "NULL" else unescape(cell) for cell in line.split("\t"))
                for line in result.stdout.splitlines()]

    def create_database(self, prefix="e2e_"):
        """A new, empty database of a random name."""
        name = prefix + uuid.uuid4().hex[:16]
        self.client("CREATE DATABASE %s CHARACTER SET utf8mb4" % name)
        return MysqlDatabase(self, name)


class MysqlDatabase:
    engine = "mysql"

    def __init__(self, server, name):
        self.server = server
        self.name = name
        self.url = server.url(name)
        self.description = "mysql://%s:***@%s:%d/%s" % (server.user, server.host, server.port, name)

    def query(self, sql):
        """Rows as tuples of str (None for NULL)."""
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
