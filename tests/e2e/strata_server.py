"""Start a Strata app binary and talk HTTP to it, for the end-to-end tests.

Standard library only: the tests must run on a plain Debian with python3.

    server = StrataServer(blog_binary(), cwd=BLOG_APP_DIR)
    server.start()
    status, headers, body = server.request("GET", "/posts")
    server.stop()          # SIGTERM, and asserts the exit code is 0

The binaries come from STRATA_BLOG_BIN / STRATA_PROBE_BIN (CTest sets them),
else from <source>/build/... next to this file.

The blog runs in the mode the environment names (ServerTestCase.start_blog):
    STRATA_E2E_DB=sqlite|mysql   a fresh SQLite file, or a fresh database on the MariaDB
                                 server whose URL is in the file $STRATA_TEST_MYSQL_URL_FILE
    STRATA_E2E_LAMBDA=0|1        in-process, or `serve --lambda`
    STRATA_E2E_API=rest|http     the blog as written (a REST API, payload 1.0), or a copy of
                                 its folder whose strata.json says "api": {"type": "http"}
                                 (an HTTP API, payload 2.0); app_folder_with_api() makes it
Other servers (StrataServer, start_server) stay on SQLite, in-process, unless told.
"""

import base64
import collections
import hashlib
import hmac
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

import known_secrets
from kept_logs import keep_output, kept_log_path
from databases import MysqlDatabase, MysqlServer, SqliteDatabase  # noqa: F401 (for the tests)
from processes import stat_fields, terminate

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("STRATA_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))
BLOG_APP_DIR = os.path.join(SOURCE_DIR, "examples", "blog")
PROBE_APP_DIR = os.path.join(SOURCE_DIR, "tests", "apps", "probe")

# Sanitizer builds run slower: CTest sets STRATA_TEST_SLOWDOWN there (tests/test_logs.cmake),
# and timing-sensitive waits scale by it.
SLOWDOWN = float(os.environ.get("STRATA_TEST_SLOWDOWN") or 1)
START_TIMEOUT = 10.0 * SLOWDOWN
STOP_TIMEOUT = 10.0 * SLOWDOWN
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


def engine_migrations(app_dir, engine):
    """[(version, script)] that a database of the app on `engine` ("sqlite" or "mysql") gets,
    in version order: v<N>.sql and v<N>.<engine>.sql, not the other engine's variant."""
    found = []
    for name in os.listdir(os.path.join(app_dir, "migrations")):
        match = MIGRATION_NAME.match(name)
        if match and match.group(2) in (None, engine):
            found.append((tuple(int(part) for part in match.group(1).split(".")), match.group(1), name))
    return [(version, name) for _, version, name in sorted(found)]


def sqlite_migrations(app_dir):
    """[(version, script)] that a SQLite database of the app gets, in version order:
    v<N>.sql and v<N>.sqlite.sql, not v<N>.mysql.sql."""
    return engine_migrations(app_dir, "sqlite")


# -- tokens for the blog's write routes -------------------------------------------

# The blog's write routes take a JWT (strata.json: "auth": "writers", HS256 with the secret
# in $BLOG_JWT_SECRET). Every server the tests start gets this secret, and the requests
# of a blog server carry a token minted with it (StrataServer.default_headers).
BLOG_JWT_SECRET = "e2e-blog-jwt-secret-not-for-production-0123456789"
BLOG_JWT_ISSUER = "https://blog.example.com"
BLOG_JWT_AUDIENCE = "blog"


def b64url(data):
    """base64url without padding, as JWTs write their parts."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def mint_hs256(claims, secret, header=None):
    """A compact JWT of `claims` (a dict, or JSON text) signed HS256 with `secret`."""
    header = header or {"alg": "HS256", "typ": "JWT"}
    payload = claims if isinstance(claims, str) else json.dumps(claims, separators=(",", ":"))
    signing_input = b64url(json.dumps(header, separators=(",", ":"))) + "." + b64url(payload)
    signature = hmac.new(secret.encode("utf-8"), signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(signature)


def blog_token(sub="e2e-writer", ttl=3600, secret=BLOG_JWT_SECRET, **claims):
    """A token the blog's `writers` authorizer accepts (unless the arguments say otherwise)."""
    now = int(time.time())
    body = {"iss": BLOG_JWT_ISSUER, "aud": BLOG_JWT_AUDIENCE, "sub": sub, "iat": now, "exp": now + ttl}
    body.update(claims)
    return mint_hs256(body, secret)


def blog_auth_headers(token=None):
    return {"Authorization": "Bearer " + (token or blog_token())}


# -- the mode the blog runs in, and its databases -------------------------------

DB_VARIABLE = "STRATA_E2E_DB"
LAMBDA_VARIABLE = "STRATA_E2E_LAMBDA"
API_VARIABLE = "STRATA_E2E_API"
MYSQL_URL_FILE_VARIABLE = "STRATA_TEST_MYSQL_URL_FILE"


class Mode(collections.namedtuple("Mode", "engine lambda_ api", defaults=("rest",))):
    """engine: "sqlite", "mysql", or "dataapi" (MariaDB behind `strata data-api`, reached
    with --db data-api://...); lambda_: serve with --lambda; api: "rest" or "http"."""

    @property
    def name(self):
        return self.engine + ("+lambda" if self.lambda_ else "") + ("+http" if self.api == "http" else "")


def e2e_mode():
    """The Mode that STRATA_E2E_DB and STRATA_E2E_LAMBDA name (default: sqlite, in-process).
    A value it does not know is an error, never a silent default."""
    engine = os.environ.get(DB_VARIABLE, "").strip().lower() or "sqlite"
    if engine not in ("sqlite", "mysql", "dataapi"):
        raise RuntimeError("%s=%r: expected sqlite, mysql or dataapi" % (DB_VARIABLE, os.environ[DB_VARIABLE]))
    flag = os.environ.get(LAMBDA_VARIABLE, "").strip().lower() or "0"
    if flag not in ("0", "1", "false", "true", "no", "yes"):
        raise RuntimeError("%s=%r: expected 0 or 1" % (LAMBDA_VARIABLE, os.environ[LAMBDA_VARIABLE]))
    api = os.environ.get(API_VARIABLE, "").strip().lower() or "rest"
    if api not in ("rest", "http"):
        raise RuntimeError("%s=%r: expected rest or http" % (API_VARIABLE, os.environ[API_VARIABLE]))
    return Mode(engine, flag in ("1", "true", "yes"), api)


def app_folder_with_api(app_dir, api, into):
    """`app_dir` itself for "rest" as written; for "http", a copy of its strata.json and
    migrations under the folder `into` with "api": {"type": "http"} set, and the copy's path.
    (The functions are built into the binary: strata.json and the migrations are the app's
    whole folder at run time.)"""
    with open(os.path.join(app_dir, "strata.json")) as source:
        project = json.load(source)
    if project.get("api", {}).get("type", "rest") == api:
        return app_dir
    copy = os.path.join(into, os.path.basename(app_dir.rstrip("/")) + "-" + api)
    os.makedirs(copy, exist_ok=True)
    shutil.copytree(os.path.join(app_dir, "migrations"), os.path.join(copy, "migrations"), dirs_exist_ok=True)
    project["api"] = {"type": api}
    with open(os.path.join(copy, "strata.json"), "w") as target:
        json.dump(project, target, indent=2)
    return copy


_shared_mysql_server = None


def shared_mysql_server():
    """The MariaDB server named by $STRATA_TEST_MYSQL_URL_FILE (the CTest fixture `mariadb`
    writes it). Missing, it is an error: a MySQL mode must never pass without MySQL."""
    global _shared_mysql_server
    if _shared_mysql_server is None:
        url_file = os.environ.get(MYSQL_URL_FILE_VARIABLE)
        if not url_file:
            raise RuntimeError("%s=mysql needs a MariaDB server, but %s is not set: run through CTest (the "
                               "`mariadb` fixture writes <build>/mariadb/url), or start one with "
                               "scripts/mariadb-test-server.sh start DIR and set %s=DIR/url"
                               % (DB_VARIABLE, MYSQL_URL_FILE_VARIABLE, MYSQL_URL_FILE_VARIABLE))
        if not os.path.isfile(url_file):
            raise RuntimeError("%s=%s: no such file (did the mariadb fixture start?)" % (MYSQL_URL_FILE_VARIABLE, url_file))
        _shared_mysql_server = MysqlServer.from_url_file(url_file)
    return _shared_mysql_server


DATA_API_CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:e2e"
DATA_API_SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:e2e"
# What the blog signs its Data API calls with (the local server checks no signatures).
DATA_API_ENV = {"AWS_ACCESS_KEY_ID": "AKIDE2E", "AWS_SECRET_ACCESS_KEY": known_secrets.DATA_API_SECRET_ACCESS_KEY,
                "AWS_SESSION_TOKEN": known_secrets.DATA_API_SESSION_TOKEN, "AWS_REGION": "us-east-1"}


class DataApiDatabase:
    """A fresh MySQL database behind its own `strata data-api` server; `url` is the
    data-api:// URL the blog takes. The statements still run on MariaDB (engine mysql)."""
    engine = "mysql"

    def __init__(self, mysql_database):
        self.mysql = mysql_database
        self.name = mysql_database.name
        tool = os.environ.get("STRATA_TOOL_BIN") or os.path.abspath(os.path.join(HERE, "..", "..", "build", "src", "strata"))
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-dataapi-")
        self.log_path = kept_log_path("data-api", self.workdir)
        with open(self.log_path, "wb") as log:
            # The local server runs each call on one of its event loops, and a migrator waiting
            # for the migration lock holds one: room for the servers the suite starts at once.
            self.process = subprocess.Popen([tool, "data-api", "--port", "0", "--quiet", "--threads", "8",
                                             "--db", mysql_database.url],
                                            stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        port = None
        while port is None and time.monotonic() < deadline:
            with open(self.log_path) as log:
                match = LISTENING.search(log.read())
            port = match and match.group(2)
            if port is None and self.process.poll() is not None:
                break
            time.sleep(0.01)
        if port is None:
            self.drop()
            raise AssertionError("strata data-api did not start; log:\n" + open(self.log_path).read())
        endpoint = "http://127.0.0.1:%s" % port
        self.url = "data-api://%s?secret=%s&database=%s&endpoint=%s" % (
            DATA_API_CLUSTER_ARN, DATA_API_SECRET_ARN, self.name, endpoint)
        self.description = "data-api://%s?database=%s&endpoint=%s" % (DATA_API_CLUSTER_ARN, self.name, endpoint)

    def query(self, sql):
        return self.mysql.query(sql)

    def drop(self):
        terminate(self.process, STOP_TIMEOUT)
        shutil.rmtree(self.workdir, True)
        self.mysql.drop()


class Response(collections.namedtuple("Response", "status headers body")):
    """(status, headers, body bytes); headers is an http.client.HTTPMessage."""

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def run_cli(binary, args, cwd=None, env=None, timeout=20):
    """Runs `binary args...` to completion; returns the CompletedProcess (text stdout/stderr)."""
    full_env = dict(os.environ)
    full_env.pop("STRATA_DB", None)
    full_env["BLOG_JWT_SECRET"] = BLOG_JWT_SECRET  # else a blog `serve` makes a development secret in the source tree
    if env:
        full_env.update(env)
    argv = [binary] + list(args)
    return keep_output(argv, subprocess.run(argv, cwd=cwd, env=full_env, stdin=subprocess.DEVNULL,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=timeout))


class StrataServer:
    """One `APP serve --port 0 --db URL` process.

    binary:      the app executable
    app_dir:     passed as --app DIR when given
    cwd:         the working directory of the process (default: app_dir or the source dir)
    db_path:     the SQLite file; default a fresh file in a temporary directory
    database:    a SqliteDatabase or MysqlDatabase to serve instead (db_path is then unused);
                 the caller owns it (drops it)
    lambda_mode: serve with --lambda (each function in warm processes of its own)
    extra_args:  appended after `serve ...`
    default_headers: sent with every request() (a header given to request() as None is left
                 out); default for the blog: a valid token for its write routes
    """

    def __init__(self, binary, app_dir=None, cwd=None, db_path=None, extra_args=(), env=None, database=None,
                 lambda_mode=False, default_headers=None):
        self.binary = binary
        if default_headers is None:
            default_headers = blog_auth_headers() if os.path.basename(binary) == "blog" else {}
        self.default_headers = dict(default_headers)
        self.app_dir = app_dir
        self.cwd = cwd or app_dir or SOURCE_DIR
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-")
        if database is None:
            database = SqliteDatabase(db_path or os.path.join(self.workdir, "app.db"))
        self.database = database
        self.db_path = database.path if database.engine == "sqlite" else None
        self.lambda_mode = lambda_mode
        self.extra_args = list(extra_args)
        self.env = env
        self.log_path = kept_log_path(os.path.basename(binary) + "-serve", self.workdir)
        self.process = None
        self.host = None
        self.port = None
        self.exit_code = None
        self.function_pids = {}  # --lambda: {pid: start time} of the function processes seen
        self._connection = None
        self._connection_used = False

    # -- lifecycle -----------------------------------------------------------

    def command(self):
        command = [self.binary]
        if self.app_dir:
            command += ["--app", self.app_dir]
        command += ["serve", "--port", "0", "--db", self.database.url]
        if self.lambda_mode:
            command.append("--lambda")
        return command + self.extra_args

    def start(self):
        env = dict(os.environ)
        env.pop("STRATA_DB", None)
        env["BLOG_JWT_SECRET"] = BLOG_JWT_SECRET
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
                if self.lambda_mode:
                    self._remember_children()
                return self
            if self.process.poll() is not None:
                self.exit_code = self.process.returncode
                raise AssertionError("server exited with code %d before listening; command %s; log:\n%s"
                                     % (self.exit_code, " ".join(self.command()), self.log()))
            time.sleep(0.01)
        self.process.kill()
        self.process.wait()
        raise AssertionError("server did not print 'listening on' within %.0f s; log:\n%s" % (START_TIMEOUT, self.log()))

    def children(self):
        """The pids of the server's child processes (its function processes with --lambda)."""
        return set(self._children())

    def _children(self):
        """{pid: start time} of the server's child processes; the start time tells a process
        from a later one that reuses its pid."""
        if self.process is None:
            return {}
        found = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                fields = stat_fields(entry)
                if fields and int(fields[1]) == self.process.pid:
                    found[int(entry)] = fields[19]
        return found

    def _remember_children(self):
        self.function_pids.update(self._children())

    def _leftover_children(self, timeout):
        """The remembered child processes still running after up to `timeout` s (zombies count
        as gone, and so does a pid now of another process)."""
        deadline = time.monotonic() + timeout
        while True:
            alive = set()
            for pid, started in self.function_pids.items():
                fields = stat_fields(pid)
                if fields and fields[19] == started and fields[0] != "Z":
                    alive.add(pid)
            if not alive or time.monotonic() >= deadline:
                return alive
            time.sleep(0.02)

    def _kill_pids(self, pids):
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def stop(self, expect_exit_code=0):
        """SIGTERM, wait, and assert the exit code (and, with --lambda, that no function
        process outlives the server). Safe to call twice."""
        self.close_connection()
        if self.process is None:
            return self.exit_code
        self._remember_children()
        process, self.process = self.process, None
        if not terminate(process, STOP_TIMEOUT):
            self._kill_pids(self._leftover_children(0))
            raise AssertionError("server did not stop within %.0f s of SIGTERM; log:\n%s"
                                 % (STOP_TIMEOUT, self.log()))
        self.exit_code = process.returncode
        leftover = self._leftover_children(2.0)
        if leftover:
            self._kill_pids(leftover)
            raise AssertionError("function processes %s outlived the server; log:\n%s" % (sorted(leftover), self.log()))
        if expect_exit_code is not None and self.exit_code != expect_exit_code:
            raise AssertionError("server exited with code %d, expected %d; log:\n%s"
                                 % (self.exit_code, expect_exit_code, self.log()))
        return self.exit_code

    def kill(self):
        """Last-resort cleanup: never leave a process behind (the function processes neither)."""
        self.close_connection()
        if self.process is not None and self.process.poll() is None:
            self._remember_children()
            self.process.kill()
            self.process.wait()
        self.process = None
        self._kill_pids(self._leftover_children(0))

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
        merged = dict(self.default_headers)
        merged.update(headers or {})
        headers = {name: value for name, value in merged.items() if value is not None}
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
    """Mixin for unittest.TestCase: servers started here are always stopped, and databases
    made here dropped."""

    def start_server(self, binary, **options):
        server = StrataServer(binary, **options)
        self.addCleanup(server.cleanup)  # runs last: kills if still running, removes the temp dir
        server.start()
        self.addCleanup(server.stop)  # runs first: SIGTERM, asserts exit code 0
        return server

    def new_database(self, mode=None):
        """A fresh database of the mode's engine (default: the environment's), dropped at cleanup:
        a new SQLite file, or a new database on the MySQL server of $STRATA_TEST_MYSQL_URL_FILE."""
        mode = mode or e2e_mode()
        if mode.engine == "mysql":
            database = shared_mysql_server().create_database()
        elif mode.engine == "dataapi":
            database = DataApiDatabase(shared_mysql_server().create_database())
        else:
            workdir = tempfile.mkdtemp(prefix="strata-e2e-db-")
            self.addCleanup(shutil.rmtree, workdir, True)
            database = SqliteDatabase(os.path.join(workdir, "blog.db"))
        self.addCleanup(database.drop)  # after the servers on it stopped (cleanups run last-in first-out)
        return database

    def app_folder(self, app_dir, api):
        """The app's folder for `api` ("rest" or "http"): app_folder_with_api in a temporary
        directory removed at cleanup."""
        if api == "rest":
            return app_folder_with_api(app_dir, api, None)
        workdir = tempfile.mkdtemp(prefix="strata-e2e-app-")
        self.addCleanup(shutil.rmtree, workdir, True)
        return app_folder_with_api(app_dir, api, workdir)

    def blog_folder(self, mode=None):
        """The blog's folder for the mode's API type (STRATA_E2E_API)."""
        return self.app_folder(BLOG_APP_DIR, (mode or e2e_mode()).api)

    def blog_server(self, database=None, mode=None, **options):
        """A StrataServer of the blog in the environment's mode (not started); its database is
        `database`, else a fresh one. The caller cleans it up."""
        mode = mode or e2e_mode()
        if database is None:
            database = self.new_database(mode)
        options.setdefault("cwd", self.blog_folder(mode))
        if mode.engine == "dataapi":
            options["env"] = dict(DATA_API_ENV, **(options.get("env") or {}))
        return StrataServer(blog_binary(), database=database, lambda_mode=mode.lambda_, **options)

    def start_blog(self, database=None, mode=None, **options):
        """Starts the blog in the environment's mode (STRATA_E2E_DB, STRATA_E2E_LAMBDA) on
        `database`, else a fresh one; stopped (exit code 0 asserted) at cleanup."""
        mode = mode or e2e_mode()
        if database is None:
            database = self.new_database(mode)
        options.setdefault("cwd", self.blog_folder(mode))
        if mode.engine == "dataapi":
            options["env"] = dict(DATA_API_ENV, **(options.get("env") or {}))
        return self.start_server(blog_binary(), database=database, lambda_mode=mode.lambda_, **options)


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
