"""Start a Strata app binary and talk HTTP to it, for the end-to-end tests.

Standard library only: the tests must run on a plain Debian with python3.

    server = StrataServer(blog_binary(), cwd=BLOG_APP_DIR)
    server.start()
    status, headers, body = server.request("GET", "/posts")
    server.stop()          # SIGTERM, and asserts the exit code is 0

The binaries come from STRATA_BLOG_BIN / STRATA_PROBE_BIN (CTest sets them),
else from <source>/build/... next to this file.
"""

import collections
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("STRATA_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BLOG_APP_DIR = os.path.join(SOURCE_DIR, "examples", "blog")
PROBE_APP_DIR = os.path.join(SOURCE_DIR, "tests", "apps", "probe")

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
LISTENING = re.compile(r"listening on http://([^\s:]+|\[[^\]]+\]):(\d+)")


def _binary(variable, *relative):
    path = os.environ.get(variable) or os.path.abspath(os.path.join(HERE, "..", "..", "build", *relative))
    if not os.access(path, os.X_OK):
        raise RuntimeError("%s: no executable at %s (build first, or set %s)" % (variable, path, variable))
    return path


def blog_binary():
    return _binary("STRATA_BLOG_BIN", "examples", "blog", "blog")


def probe_binary():
    return _binary("STRATA_PROBE_BIN", "tests", "apps", "probe", "probe")


MIGRATION_NAME = re.compile(r"^[vV]([0-9]+(?:\.[0-9]+)*)(?:__\w+)?(?:\.(mysql|sqlite))?\.sql$")


def sqlite_migrations(app_dir):
    """[(version, script)] that a SQLite database of the app gets, in version order:
    v<N>.sql and v<N>.sqlite.sql, not v<N>.mysql.sql."""
    found = []
    for name in os.listdir(os.path.join(app_dir, "migrations")):
        match = MIGRATION_NAME.match(name)
        if match and match.group(2) in (None, "sqlite"):
            found.append((tuple(int(part) for part in match.group(1).split(".")), match.group(1), name))
    return [(version, name) for _, version, name in sorted(found)]


class Response(collections.namedtuple("Response", "status headers body")):
    """(status, headers, body bytes); headers is an http.client.HTTPMessage."""

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def run_cli(binary, args, cwd=None, env=None, timeout=20):
    """Runs `binary args...` to completion; returns the CompletedProcess (text stdout/stderr)."""
    full_env = dict(os.environ)
    full_env.pop("STRATA_DB", None)
    if env:
        full_env.update(env)
    return subprocess.run([binary] + list(args), cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout)


class StrataServer:
    """One `APP serve --port 0 --db sqlite:<file>` process.

    binary:     the app executable
    app_dir:    passed as --app DIR when given
    cwd:        the working directory of the process (default: app_dir or the source dir)
    db_path:    the SQLite file; default a fresh file in a temporary directory
    extra_args: appended after `serve ...`
    """

    def __init__(self, binary, app_dir=None, cwd=None, db_path=None, extra_args=(), env=None):
        self.binary = binary
        self.app_dir = app_dir
        self.cwd = cwd or app_dir or SOURCE_DIR
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-")
        self.db_path = db_path or os.path.join(self.workdir, "app.db")
        self.extra_args = list(extra_args)
        self.env = env
        self.log_path = os.path.join(self.workdir, "server.log")
        self.process = None
        self.host = None
        self.port = None
        self.exit_code = None
        self._connection = None
        self._connection_used = False

    # -- lifecycle -----------------------------------------------------------

    def command(self):
        command = [self.binary]
        if self.app_dir:
            command += ["--app", self.app_dir]
        command += ["serve", "--port", "0", "--db", "sqlite:" + self.db_path] + self.extra_args
        return command

    def start(self):
        env = dict(os.environ)
        env.pop("STRATA_DB", None)
        if self.env:
            env.update(self.env)
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command(), cwd=self.cwd, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            match = LISTENING.search(self.log())
            if match:
                self.host = match.group(1).strip("[]")
                self.port = int(match.group(2))
                return self
            if self.process.poll() is not None:
                self.exit_code = self.process.returncode
                raise AssertionError("server exited with code %d before listening; command %s; log:\n%s"
                                     % (self.exit_code, " ".join(self.command()), self.log()))
            time.sleep(0.01)
        self.process.kill()
        self.process.wait()
        raise AssertionError("server did not print 'listening on' within %.0f s; log:\n%s" % (START_TIMEOUT, self.log()))

    def stop(self, expect_exit_code=0):
        """SIGTERM, wait, and assert the exit code. Safe to call twice."""
        self.close_connection()
        if self.process is None:
            return self.exit_code
        process, self.process = self.process, None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
                raise AssertionError("server did not stop within %.0f s of SIGTERM; log:\n%s"
                                     % (STOP_TIMEOUT, self.log()))
        self.exit_code = process.returncode
        if expect_exit_code is not None and self.exit_code != expect_exit_code:
            raise AssertionError("server exited with code %d, expected %d; log:\n%s"
                                 % (self.exit_code, expect_exit_code, self.log()))
        return self.exit_code

    def kill(self):
        """Last-resort cleanup: never leave a process behind."""
        self.close_connection()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def running(self):
        return self.process is not None and self.process.poll() is None

    def log(self):
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def wait_for_log(self, pattern, timeout=5.0):
        """Waits until the log matches the regular expression; returns the match."""
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.log())
            if match or time.monotonic() >= deadline:
                return match
            time.sleep(0.01)

    # -- HTTP ----------------------------------------------------------------

    @property
    def base_url(self):
        return "http://%s:%d" % (self.host, self.port)

    def connect(self, timeout=10):
        """A new http.client connection of one's own."""
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)

    def raw_socket(self, timeout=5):
        return socket.create_connection((self.host, self.port), timeout=timeout)

    def close_connection(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def request(self, method, path, body=None, headers=None):
        """Sends one request over the kept-alive connection; returns Response(status, headers, body bytes).

        A dict or list body is sent as JSON; a str as UTF-8. Should the server have
        closed the reused idle connection, the request is retried once on a new one.
        """
        headers = dict(headers or {})
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode("utf-8")
            headers.setdefault("Content-Type", "application/json")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        for attempt in (0, 1):
            if self._connection is None:
                self._connection = self.connect()
                self._connection_used = False
            reused = self._connection_used
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close_connection()
                if reused and attempt == 0:
                    continue
                raise
            self._connection_used = True
            if response.will_close:
                self.close_connection()
            return Response(response.status, response.headers, data)
        raise AssertionError("unreachable")

    def json_request(self, method, path, body=None, headers=None):
        """Like request(), with the body parsed as JSON (None when empty): (status, headers, value)."""
        status, response_headers, data = self.request(method, path, body, headers)
        return status, response_headers, (json.loads(data.decode("utf-8")) if data else None)


class ServerTestCase:
    """Mixin for unittest.TestCase: servers started here are always stopped."""

    def start_server(self, binary, **options):
        server = StrataServer(binary, **options)
        self.addCleanup(server.cleanup)  # runs last: kills if still running, removes the temp dir
        server.start()
        self.addCleanup(server.stop)  # runs first: SIGTERM, asserts exit code 0
        return server


def read_http_response(sock, timeout=5.0, data=b""):
    """Reads one HTTP response from a raw socket.

    Returns (status line, {lower-case name: [values]}, body bytes, leftover bytes);
    `data` is what was already received. Handles Content-Length, 1xx/204 and
    bodies ending at connection close.
    """
    sock.settimeout(timeout)
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed before a full response header; got %r" % data)
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), []).append(value.strip())
    code = int(lines[0].split()[1])
    if 100 <= code < 200 or code in (204, 304):
        return lines[0], headers, b"", rest
    if "content-length" in headers:
        length = int(headers["content-length"][0])
        while len(rest) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise AssertionError("connection closed in the body")
            rest += chunk
        return lines[0], headers, rest[:length], rest[length:]
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return lines[0], headers, rest, b""


def recv_until_closed(sock, timeout=5.0):
    """Everything the peer sends until it closes; raises socket.timeout if it never does."""
    sock.settimeout(timeout)
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data
