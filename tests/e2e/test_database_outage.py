"""End-to-end tests of a MySQL outage under a running `blog serve`: the MariaDB server
stops and starts again (same port, same data) while the blog keeps running, in-process
and with --lambda.

While the database is down every request that needs it answers 503 {"message": ...}
at once (none hangs); once it is back, requests succeed again without restarting serve.

The MariaDB server here is the test's own (scripts/mariadb-test-server.sh start DIR),
never the shared one of the CTest fixture `mariadb`, which other tests use meanwhile.
MySQL only; without mariadbd these tests fail, they never skip.
"""

import http.client
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import unittest
import uuid

from strata_server import SOURCE_DIR, Mode, MysqlServer, ServerTestCase

SCRIPT = os.path.join(SOURCE_DIR, "scripts", "mariadb-test-server.sh")
PROMPT = 5.0        # an answer while the database is down comes within this many seconds
HANG = 10.0         # no request of the loop across an outage takes longer
RECOVERY = 10.0     # requests succeed again within this many seconds of the restart
TIMEOUT = 15.0      # the client gives up on a request after this long (a hang)


class OwnMariadb:
    """A MariaDB server of this test's own under `directory`: started fresh by the script,
    stopped by it, and restarted on the same port and data by re-running mariadbd with the
    arguments the script gives it (its `start` would wipe the data)."""

    def __init__(self):
        self.directory = tempfile.mkdtemp(prefix="strata-outage-mariadb-")
        self.restarted = None  # the mariadbd this object started itself
        self.url = None
        self.port = None
        self.server = None

    def start(self):
        result = subprocess.run([SCRIPT, "start", self.directory], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=180)
        if result.returncode != 0:
            raise RuntimeError("%s start %s failed (%d): %s%s" % (SCRIPT, self.directory, result.returncode,
                                                                 result.stdout, result.stderr))
        with open(os.path.join(self.directory, "url")) as url:
            self.url = url.read().strip()
        with open(os.path.join(self.directory, "port")) as port:
            self.port = int(port.read())
        self.server = MysqlServer(self.url)

    def stop(self):
        """The script's stop: SIGTERM to the pid in mariadbd.pid, SIGKILL after 10 s."""
        result = subprocess.run([SCRIPT, "stop", self.directory], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, timeout=60)
        if result.returncode != 0:
            raise RuntimeError("%s stop failed: %s" % (SCRIPT, result.stderr))
        if self.restarted is not None:
            try:
                self.restarted.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.restarted.kill()
                self.restarted.wait()
            self.restarted = None

    def restart(self):
        """mariadbd again, exactly as scripts/mariadb-test-server.sh runs it: same datadir,
        port, socket and pid file, so the data (and the user `strata`) are kept."""
        if self.running():
            raise AssertionError("MariaDB still answers on port %d" % self.port)
        sock = os.path.join(self.directory, "mariadb.sock")
        argv = ["mariadbd", "--no-defaults", "--datadir=" + os.path.join(self.directory, "data"),
                "--port=%d" % self.port, "--bind-address=127.0.0.1", "--skip-name-resolve", "--socket=" + sock,
                "--pid-file=" + os.path.join(self.directory, "mariadbd.pid")]
        if os.getuid() == 0:
            argv.append("--user=root")
        argv += ["--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M", "--innodb-flush-log-at-trx-commit=2",
                 "--max-connections=500", "--character-set-server=utf8mb4", "--collation-server=utf8mb4_general_ci"]
        with open(os.path.join(self.directory, "server.log"), "ab") as log:
            self.restarted = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                              start_new_session=True)
        # Reap it as soon as it exits, so that the script's `kill -0` wait sees it gone.
        threading.Thread(target=self.restarted.wait, daemon=True).start()
        deadline = time.monotonic() + 60
        while not self.running():
            if self.restarted.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("mariadbd did not start again on port %d; its log ends:\n%s"
                                   % (self.port, self.log()[-3000:]))
            time.sleep(0.05)

    def running(self):
        try:
            self.server.client("SELECT 1", timeout=10)
            return True
        except (RuntimeError, subprocess.TimeoutExpired):
            return False

    def log(self):
        try:
            with open(os.path.join(self.directory, "server.log"), "rb") as log:
                return log.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def cleanup(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


def timed_request(server, method, path, body=None):
    """One request on a connection of its own: (status, body bytes, headers, seconds), or
    (None, error text, None, seconds) when it failed or took longer than TIMEOUT."""
    headers = dict(server.default_headers)
    if body is not None:
        body = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    started = time.monotonic()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, data, response.headers, time.monotonic() - started
    except (OSError, http.client.HTTPException) as error:
        return None, repr(error), None, time.monotonic() - started
    finally:
        connection.close()


class DatabaseOutageTest(ServerTestCase, unittest.TestCase):
    maxDiff = None
    mariadb = None

    @classmethod
    def setUpClass(cls):
        cls.mariadb = OwnMariadb()
        cls.addClassCleanup(cls.mariadb.cleanup)
        cls.mariadb.start()

    def setUp(self):
        if not self.mariadb.running():  # an earlier test failed while it was down
            self.mariadb.restart()
        self.database = self.mariadb.server.create_database("outage_")
        self.addCleanup(self.drop_database)

    def drop_database(self):
        if self.mariadb.running():
            self.database.drop()

    def start(self, lambda_mode):
        server = self.start_blog(self.database, Mode("mysql", lambda_mode), extra_args=["--threads", "2"])
        status, _, body = server.json_request("GET", "/posts")
        self.assertEqual(status, 200, body)
        server.close_connection()
        return server

    @staticmethod
    def next_slug():
        return "o-" + uuid.uuid4().hex[:12]  # unique, also from several threads

    def routes(self, post_id):
        """Requests of every route that all need the database, with valid input."""
        return [
            ("GET", "/posts", None, 200),
            ("GET", "/posts/%d" % post_id, None, 200),
            ("GET", "/posts/%d/comments" % post_id, None, 200),
            ("POST", "/posts", {"title": "During", "slug": self.next_slug()}, 201),
            ("PUT", "/posts/%d" % post_id, {"description": "changed"}, 200),
            ("POST", "/posts/%d/comments" % post_id, {"comment_text": "hello"}, 201),
            ("DELETE", "/posts/999999", None, 404),
        ]

    def unavailable_problem(self, method, path, body, server):
        """None when the request answers a prompt 503 {"message": ...}; else what is wrong."""
        status, data, headers, took = timed_request(server, method, path, body)
        if status is None:
            return "%s %s: no answer (%s) after %.1f s" % (method, path, data, took)
        if took >= PROMPT:
            return "%s %s: answered %d after %.1f s" % (method, path, status, took)
        if status != 503:
            return "%s %s: %d %r" % (method, path, status, data[:200])
        if headers["Content-Type"] != "application/json":
            return "%s %s: 503 of Content-Type %s" % (method, path, headers["Content-Type"])
        try:
            answer = json.loads(data)
        except ValueError:
            answer = None
        if not isinstance(answer, dict) or not isinstance(answer.get("message"), str) or not answer["message"]:
            return "%s %s: 503 %r is not {\"message\": ...}" % (method, path, data[:200])
        return None

    @staticmethod
    def burst(call, count=12):
        """call() on `count` threads at once; their results."""
        results = []
        threads = [threading.Thread(target=lambda: results.append(call())) for _ in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT + 5)
        return results

    def check_outage_and_recovery(self, lambda_mode):
        server = self.start(lambda_mode)
        status, _, post = server.json_request("POST", "/posts", {"title": "Before", "slug": "before"})
        self.assertEqual(status, 201, post)
        server.close_connection()

        self.mariadb.stop()
        self.assertFalse(self.mariadb.running())
        with self.subTest(phase="database down"):
            problems = []
            for _ in range(2):  # the first failure, and again on connections made while down
                for method, path, body, _ in self.routes(post["id"]):
                    problem = self.unavailable_problem(method, path, body, server)
                    if problem:
                        problems.append(problem)
            # More at once than there are warm function processes: with --lambda, new ones
            # start while the database is down.
            problems += [problem for problem in self.burst(lambda: self.unavailable_problem("GET", "/posts", None, server))
                         if problem]
            self.assertEqual(problems, [], "while the database is down every request must answer a prompt 503 "
                             "{\"message\": ...}; log:\n" + server.log()[-3000:])
        self.assertTrue(server.running(), "serve exited during the outage; log:\n" + server.log()[-3000:])

        self.mariadb.restart()
        restarted = time.monotonic()
        with self.subTest(phase="database back"):
            # Every route answers as usual again within RECOVERY seconds, serve untouched.
            pending = self.routes(post["id"])
            last = {}
            while pending and time.monotonic() - restarted < RECOVERY:
                method, path, body, expected = pending[0]
                if method == "POST" and path == "/posts":
                    body = dict(body, slug=self.next_slug())
                status, data, _, took = timed_request(server, method, path, body)
                self.assertLess(took, PROMPT, "%s %s after the restart took %.1f s" % (method, path, took))
                last[(method, path)] = (status, data)
                if status == expected:
                    pending.pop(0)
                else:
                    self.assertEqual(status, 503, "%s %s after the restart: %s %r" % (method, path, status, data))
                    time.sleep(0.1)
            self.assertEqual(pending, [], "still failing %.0f s after the database came back: %r; log:\n%s"
                             % (RECOVERY, {(m, p): last.get((m, p)) for m, p, _, _ in pending}, server.log()[-3000:]))
            # And then every request succeeds, on whichever thread or process serves it.
            for _ in range(3):
                for method, path, body, expected in self.routes(post["id"]):
                    status, data, _, _ = timed_request(server, method, path, body)
                    self.assertEqual(status, expected, "%s %s once recovered: %r" % (method, path, data))
            statuses = self.burst(lambda: timed_request(server, "GET", "/posts/%d" % post["id"])[0])
            self.assertEqual(statuses, [200] * len(statuses))
            status, _, body = server.json_request("GET", "/posts/%d" % post["id"])
            self.assertEqual((status, body["slug"], body["description"]), (200, "before", "changed"))
        server.stop()

    def test_outage_in_process(self):
        self.check_outage_and_recovery(lambda_mode=False)

    def test_outage_with_lambda(self):
        self.check_outage_and_recovery(lambda_mode=True)

    def warm_every_connection(self, server):
        """Requests on every route, many at once, so that every event loop (in-process) or
        function process (--lambda) holds a database connection."""
        for method, path, body, expected in self.routes(1):
            if method == "POST" and path == "/posts":
                calls = [lambda: timed_request(server, "POST", "/posts",
                                               {"title": "Warm", "slug": self.next_slug()})[0]]
            else:
                calls = [lambda: timed_request(server, method, path, body)[0]]
            statuses = self.burst(calls[0], count=6)
            self.assertEqual(statuses, [expected] * 6, "%s %s" % (method, path))

    def check_writes_on_connections_the_server_closed(self, server):
        """Every connection the server holds is now closed by MySQL, the database is up: writes
        first (a read that finds its connection gone is retried), each must simply succeed."""
        requests = [
            ("POST", "/posts", {"title": "After", "slug": self.next_slug()}, 201),
            ("PUT", "/posts/1", {"description": "after"}, 200),
            ("POST", "/posts/1/comments", {"comment_text": "after"}, 201),
            ("DELETE", "/posts/999999", None, 404),
        ]
        answers = []
        for _ in range(2):
            for method, path, body, expected in requests:
                if method == "POST" and path == "/posts":
                    body = dict(body, slug=self.next_slug())
                status, data, _, _ = timed_request(server, method, path, body)
                answers.append((method, path, status, data[:100] if status != expected else expected))
        self.assertEqual([a for a in answers if a[3] != a[2]], [],
                         "the database is up, yet a write failed on a connection MySQL had closed before it; "
                         "log:\n" + server.log()[-3000:])
        for path in ("/posts", "/posts/1", "/posts/1/comments"):
            status, data, _, _ = timed_request(server, "GET", path)
            self.assertEqual(status, 200, "GET %s: %r" % (path, data))

    def check_restart_between_requests(self, lambda_mode):
        # A restart no request sees (a quick failover, a maintenance window): the connections
        # serve holds are dead, the database is up.
        server = self.start(lambda_mode)
        self.warm_every_connection(server)
        self.mariadb.stop()
        self.mariadb.restart()
        self.check_writes_on_connections_the_server_closed(server)
        server.stop()

    def test_restart_between_requests_in_process(self):
        self.check_restart_between_requests(lambda_mode=False)

    def test_restart_between_requests_with_lambda(self):
        self.check_restart_between_requests(lambda_mode=True)

    def check_idle_connections_closed_by_the_server(self, lambda_mode):
        # MySQL closes a connection idle for wait_timeout (8 hours by default): a quiet night.
        self.mariadb.server.client("SET GLOBAL wait_timeout = 2")
        self.addCleanup(self.mariadb.server.client, "SET GLOBAL wait_timeout = DEFAULT")
        server = self.start(lambda_mode)
        self.warm_every_connection(server)
        time.sleep(3.5)
        self.check_writes_on_connections_the_server_closed(server)
        server.stop()

    def test_idle_connections_closed_by_the_server_in_process(self):
        self.check_idle_connections_closed_by_the_server(lambda_mode=False)

    def test_idle_connections_closed_by_the_server_with_lambda(self):
        self.check_idle_connections_closed_by_the_server(lambda_mode=True)

    def check_requests_across_an_outage(self, lambda_mode):
        server = self.start(lambda_mode)
        answers = []  # (started at, status, body, seconds)
        stop = threading.Event()

        def client():
            paths = ("/posts", "/posts/1", "/posts/1/comments")
            i = 0
            while not stop.is_set():
                started = time.monotonic()
                status, data, _, took = timed_request(server, "GET", paths[i % len(paths)])
                answers.append((started, status, data, took))
                i += 1
                time.sleep(0.02)

        thread = threading.Thread(target=client)
        thread.start()
        try:
            time.sleep(0.5)
            self.mariadb.stop()
            down = time.monotonic()
            time.sleep(1.5)
            restarting = time.monotonic()
            self.mariadb.restart()
            up = time.monotonic()
            deadline = up + RECOVERY
            while time.monotonic() < deadline and not any(a[0] > up and a[1] == 200 for a in list(answers)):
                time.sleep(0.05)
            time.sleep(0.5)
        finally:
            stop.set()
            thread.join(TIMEOUT + 5)
        self.assertFalse(thread.is_alive(), "the client loop hangs")
        failed = [(round(took, 1), data) for _, status, data, took in answers if status is None]
        self.assertEqual(failed, [], "requests without an answer")
        slow = [(round(at - down, 1), status, round(took, 1)) for at, status, _, took in answers if took > HANG]
        self.assertEqual(slow, [], "requests that took over %.0f s (started at s after the stop, status, took)" % HANG)
        with self.subTest(check="200 or 503 {message}"):
            unexpected = sorted({(status, data[:200]) for _, status, data, _ in answers if status not in (200, 503)})
            self.assertEqual(unexpected, [], "answers other than 200 and 503 across the outage; log:\n"
                             + server.log()[-3000:])
            for _, status, data, _ in answers:
                if status == 503:
                    self.assertIsInstance(json.loads(data).get("message"), str)
        with self.subTest(check="503 while down"):
            while_down = [status for at, status, _, took in answers if at > down and at + took < restarting]
            self.assertTrue(while_down, "no request was answered while the database was down")
            self.assertEqual(set(while_down), {503}, "answers while the database was down")
        self.assertTrue([a for a in answers if a[0] > up and a[1] == 200],
                        "no request succeeded within %.0f s of the database's restart; log:\n%s"
                        % (RECOVERY, server.log()[-3000:]))
        server.stop()

    def test_requests_across_an_outage_in_process(self):
        self.check_requests_across_an_outage(lambda_mode=False)

    def test_requests_across_an_outage_with_lambda(self):
        self.check_requests_across_an_outage(lambda_mode=True)


if __name__ == "__main__":
    unittest.main()
