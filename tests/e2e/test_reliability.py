"""Reliability and hardening of the blog's local gateway: many idle connections, hostile
bodies and paths, SQL injection through every route, secrets kept out of logs, and the
loopback-only default bind.

Standard library only. The blog runs on SQLite, in-process (start_blog() in the default mode).
"""

import json
import os
import re
import resource
import selectors
import socket
import subprocess
import time
import unittest
import urllib.parse

import known_secrets
from strata_server import (BLOG_APP_DIR, Mode, ServerTestCase, blog_binary, read_http_response, recv_until_closed,
                           run_cli)

SQLITE_IN_PROCESS = Mode("sqlite", False)
SERVER_MAX_CONNECTIONS = 4096  # ServerOptions::max_connections (src/http/server.hpp); no CLI option changes it


def raise_nofile(wanted):
    """Raises the soft RLIMIT_NOFILE to `wanted`, or to the hard limit minus 200 when the hard
    limit is lower; returns the soft limit now in force (the blog, started afterwards, inherits it)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < wanted:
        # The hard limit is lower than we want: use what it allows, with room for the
        # process's own files (the test then opens fewer connections, see test_many_idle_connections).
        wanted = hard - 200
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return soft if soft != resource.RLIM_INFINITY else wanted
    resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    return wanted


class ReliabilityTestCase(ServerTestCase, unittest.TestCase):
    server_args = ("--threads", "2")

    def start(self, *extra):
        return self.start_blog(mode=SQLITE_IN_PROCESS, extra_args=self.server_args + tuple(extra))

    def assertJsonError(self, status, body, low, high):
        """An error answer in [low, high]: a JSON object with a string "message"."""
        self.assertTrue(low <= status <= high, "status %d, body %r" % (status, body))
        if isinstance(body, bytes):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError as error:
                self.fail("status %d: the body is not UTF-8, so not JSON (%s): %r" % (status, error, body))
            value = json.loads(text)
        else:
            value = body
        self.assertIsInstance(value, dict, body)
        self.assertIsInstance(value.get("message"), str, body)
        return value

    def assertServes(self, server, timeout=5.0):
        """GET /posts is a 200 on a fresh connection, within `timeout` seconds."""
        started = time.monotonic()
        connection = server.connect(timeout=timeout)
        try:
            connection.request("GET", "/posts")
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        elapsed = time.monotonic() - started
        self.assertEqual(response.status, 200, body)
        self.assertIn("items", json.loads(body.decode("utf-8")))
        self.assertLess(elapsed, timeout)
        return elapsed


class ManyConnectionsTest(ReliabilityTestCase):
    TOTAL = 5000
    UNDER_LIMIT = 4000  # held idle before the probe that must still get a 200

    def close_all(self, sockets):
        for sock in sockets:
            try:
                sock.close()
            except OSError:
                pass
        sockets.clear()

    def test_many_idle_connections(self):
        started = time.monotonic()
        limit = raise_nofile(20000)
        total = min(self.TOTAL, limit - 300)  # fewer only if the hard limit forces it
        under = min(self.UNDER_LIMIT, total - 100)
        # Idle connections must not be cut by the read timeout (15 s) while the test runs.
        server = self.start("--read-timeout-ms", "120000")
        sockets = []
        self.addCleanup(self.close_all, sockets)

        def open_connections(count):
            for _ in range(count):
                sockets.append(socket.create_connection((server.host, server.port), timeout=10))

        # 1. Under the limit: thousands of idle keep-alive connections, and a new one is served at once.
        open_connections(under)
        elapsed = self.assertServes(server, timeout=2.0)
        self.assertLess(elapsed, 2.0)

        # 2. Past the limit: every connection the server cannot take is refused politely — a 503
        #    JSON {"message"} and a close, or a plain close — never left hanging.
        open_connections(total - under)
        refused = self.refused_connections(sockets, settle=3.0, deadline=15.0)
        held = len(sockets) - len(refused)
        self.assertLessEqual(held, SERVER_MAX_CONNECTIONS,
                             "%d of %d idle connections held, more than the limit" % (held, len(sockets)))
        self.assertGreaterEqual(len(refused), total - SERVER_MAX_CONNECTIONS)
        self.assertGreaterEqual(held, under, "connections under the limit were refused")
        for sock, data in refused.items():
            if data:
                status_line, _, body, _ = read_http_response(_Replay(data))
                self.assertIn(" 503 ", status_line + " ", data)
                self.assertJsonError(503, body, 503, 503)
        for sock in refused:
            sock.close()
        sockets[:] = [sock for sock in sockets if sock not in refused]

        # At the limit, a new connection is answered at once (503 or 200), never a hang.
        probe = socket.create_connection((server.host, server.port), timeout=5)
        try:
            probe.sendall(b"GET /posts HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            answer = recv_until_closed(probe, timeout=2.0)
        finally:
            probe.close()
        if answer:
            status_line, _, body, _ = read_http_response(_Replay(answer))
            self.assertRegex(status_line, r"^HTTP/1\.1 (200|503) ")
            if " 503 " in status_line:
                self.assertJsonError(503, body, 503, 503)

        # 3. All closed: the server answers again.
        self.close_all(sockets)
        deadline = time.monotonic() + 10
        while True:
            try:
                self.assertServes(server, timeout=2.0)
                break
            except (AssertionError, OSError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        self.assertLess(time.monotonic() - started, 60)

    def refused_connections(self, sockets, settle, deadline):
        """{socket: bytes received before the server closed it} for every socket the server
        closed: waits until none was closed for `settle` seconds (at most `deadline` seconds)."""
        selector = selectors.DefaultSelector()
        refused = {}
        try:
            for sock in sockets:
                sock.setblocking(False)
                selector.register(sock, selectors.EVENT_READ)
            end = time.monotonic() + deadline
            quiet_since = time.monotonic()
            buffers = {}
            while time.monotonic() < end and time.monotonic() - quiet_since < settle:
                for key, _ in selector.select(timeout=0.2):
                    sock = key.fileobj
                    try:
                        chunk = sock.recv(65536)
                    except BlockingIOError:
                        continue
                    except ConnectionResetError:
                        chunk = b""
                    if chunk:
                        buffers[sock] = buffers.get(sock, b"") + chunk
                        continue
                    selector.unregister(sock)
                    refused[sock] = buffers.pop(sock, b"")
                    quiet_since = time.monotonic()
            # A socket that sent bytes but was never closed is a hang after a 503: not polite.
            self.assertEqual(buffers, {}, "the server answered but did not close these connections")
        finally:
            selector.close()
            for sock in sockets:
                try:
                    sock.setblocking(True)
                    sock.settimeout(5)
                except OSError:
                    pass
        return refused


class _Replay:
    """A socket-like object giving back bytes already received (for read_http_response)."""

    def __init__(self, data):
        self.data = data

    def settimeout(self, timeout):
        pass

    def recv(self, size):
        chunk, self.data = self.data[:size], self.data[size:]
        return chunk


class HostileInputTest(ReliabilityTestCase):
    def setUp(self):
        self.server = self.start()

    def test_deeply_nested_json_body(self):
        for body in ("[" * 10000 + "]" * 10000, '{"a":' * 10000 + "1" + "}" * 10000,
                     '{"title":' + "[" * 10000 + "]" * 10000 + ',"slug":"deep"}'):
            with self.subTest(body=body[:12]):
                status, _, answer = self.server.request("POST", "/posts", body, {"Content-Type": "application/json"})
                self.assertJsonError(status, answer, 400, 400)
                self.assertServes(self.server)
        self.assertTrue(self.server.running())

    def test_non_utf8_path(self):
        for path in ("/posts/%FF", "/posts/%FF/comments", "/posts/1%FF", "/%FF", "/posts?cursor=%FF",
                     "/posts?limit=%FF%FE"):
            with self.subTest(path=path):
                status, _, answer = self.server.request("GET", path)
                self.assertJsonError(status, answer, 400, 499)
        for raw in (b"/posts/\xff", b"/posts/\xff/comments", b"/\xff\xfe", b"/posts?cursor=\xff"):
            with self.subTest(raw=raw):
                sock = self.server.raw_socket()
                try:
                    sock.sendall(b"GET " + raw + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                    status_line, _, body, _ = read_http_response(sock)
                finally:
                    sock.close()
                status = int(status_line.split()[1])
                self.assertJsonError(status, body, 400, 499)
        self.assertServes(self.server)
        self.assertTrue(self.server.running())


INJECTIONS = [
    "1 OR 1=1",
    "1;DROP TABLE posts",
    "1; DROP TABLE posts; --",
    "1' OR '1'='1",
    "1 UNION SELECT 1,2,3,4,5,6,7,8,9 --",
    "0 UNION SELECT name FROM sqlite_master",
    "1) OR (1=1",
    "-1 OR 1=1",
    "1/**/OR/**/1=1",
    "1%00",
]
TEXT_INJECTIONS = [
    "'; DROP TABLE posts; --",
    "\" OR \"1\"=\"1",
    "x' OR '1'='1",
    "'); DELETE FROM posts; --",
    "1; DROP TABLE comments",
    "' UNION SELECT * FROM strata_schema_history --",
    "\\'; DROP TABLE posts; --",
    ":title",
    "?",
    "%s %d",
]


class SqlInjectionTest(ReliabilityTestCase):
    def setUp(self):
        self.server = self.start()

    def count(self, table):
        return int(self.server.database.query("SELECT COUNT(*) FROM %s" % table)[0][0])

    def assertNot5xx(self, status, answer, what):
        self.assertLess(status, 500, "%s: %d %r" % (what, status, answer))
        self.assertGreaterEqual(status, 200, "%s: %d %r" % (what, status, answer))

    def test_injection_through_every_route(self):
        ids_before = {row[0] for row in self.server.database.query("SELECT id FROM posts")}
        comments_before = self.count("comments")
        created_posts = 0
        created_comments = 0
        for text in INJECTIONS:
            quoted = urllib.parse.quote(text, safe="")
            for method, path in (("GET", "/posts/%s"), ("DELETE", "/posts/%s"), ("GET", "/posts/%s/comments"),
                                 ("PUT", "/posts/%s"), ("POST", "/posts/%s/comments")):
                body = {"title": "t"} if method == "PUT" else ({"comment_text": "c"} if method == "POST" else None)
                with self.subTest(method=method, path=path, id=text):
                    status, _, answer = self.server.request(method, path % quoted, body)
                    self.assertNot5xx(status, answer, "%s %s" % (method, path % quoted))
                    # The id is not a number: only a 4xx makes sense.
                    self.assertJsonError(status, answer, 400, 499)
            for name in ("limit", "cursor"):
                with self.subTest(query=name, value=text):
                    status, _, answer = self.server.request("GET", "/posts?%s=%s" % (name, quoted))
                    self.assertNot5xx(status, answer, "GET /posts?%s=%s" % (name, quoted))
                    self.assertJsonError(status, answer, 400, 499)

        for index, text in enumerate(TEXT_INJECTIONS):
            for field in ("title", "slug", "description", "user_id"):
                body = {"title": "inj %d %s" % (index, field), "slug": "inj-%d-%s" % (index, field)}
                body[field] = text
                with self.subTest(create=field, text=text):
                    status, _, answer = self.server.json_request("POST", "/posts", body)
                    self.assertNot5xx(status, answer, "POST /posts %r" % body)
                    if status >= 300:
                        self.assertJsonError(status, answer, 400, 499)
                        continue
                    created_posts += 1
                    status, _, stored = self.server.json_request("GET", "/posts/%d" % answer["id"])
                    self.assertEqual(status, 200, stored)
                    self.assertEqual(stored[field], text)
                    if field != "slug":
                        # And PUT stores it verbatim too (on a field of the same post).
                        status, _, answer = self.server.json_request("PUT", "/posts/%d" % stored["id"],
                                                                     {field: text + " (put)"})
                        self.assertNot5xx(status, answer, "PUT %r" % text)
                        if status < 300:
                            status, _, stored = self.server.json_request("GET", "/posts/%d" % stored["id"])
                            self.assertEqual(stored[field], text + " (put)")
            with self.subTest(comment=text):
                status, _, answer = self.server.json_request("POST", "/posts/1/comments", {"comment_text": text})
                self.assertNot5xx(status, answer, "POST comment %r" % text)
                if status >= 300:
                    self.assertJsonError(status, answer, 400, 499)
                else:
                    created_comments += 1
                    status, _, listed = self.server.json_request("GET", "/posts/1/comments")
                    self.assertEqual(status, 200, listed)
                    texts = {item["id"]: item["comment_text"] for item in listed["items"]}
                    self.assertEqual(texts.get(answer["id"]), text)

        self.assertGreater(created_posts, 0, "no injected text was accepted at all: the test checked nothing stored")
        ids_after = {row[0] for row in self.server.database.query("SELECT id FROM posts")}
        self.assertTrue(ids_before <= ids_after, "posts lost: %s" % sorted(ids_before - ids_after))
        self.assertEqual(len(ids_after), len(ids_before) + created_posts)
        self.assertEqual(self.count("comments"), comments_before + created_comments)
        self.assertServes(self.server)
        status, _, page = self.server.json_request("GET", "/posts?limit=100")
        self.assertEqual(status, 200, page)


SECRET = known_secrets.URL_PASSWORD
SECRET_URL = "mysql://strata:%s@127.0.0.1:1/none" % SECRET  # port 1 on loopback: nothing listens


class SecretsTest(unittest.TestCase):
    def check_fails_without_secret(self, args):
        result = run_cli(blog_binary(), args, cwd=BLOG_APP_DIR, timeout=30)
        output = result.stdout + result.stderr
        self.assertNotEqual(result.returncode, 0, output)
        self.assertTrue(output.strip(), "no message at all")
        self.assertIn("127.0.0.1", output, "the message does not say which server failed")
        self.assertNotIn(SECRET, output)

    def test_serve_does_not_print_the_password(self):
        self.check_fails_without_secret(["serve", "--port", "0", "--db", SECRET_URL])

    def test_migrate_status_does_not_print_the_password(self):
        self.check_fails_without_secret(["migrate", "status", "--db", SECRET_URL])

    def test_password_from_the_environment_is_not_printed(self):
        result = run_cli(blog_binary(), ["migrate", "status"], cwd=BLOG_APP_DIR, env={"STRATA_DB": SECRET_URL},
                         timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertNotIn(SECRET, result.stdout + result.stderr)


def local_non_loopback_addresses():
    """IPv4 addresses of this machine's own interfaces that are not 127.x."""
    found = set()
    try:
        output = subprocess.run(["ip", "-4", "-o", "addr"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                text=True, timeout=5).stdout
        found.update(re.findall(r"\binet (\d+\.\d+\.\d+\.\d+)/", output))
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        found.add(socket.gethostbyname(socket.gethostname()))
    except OSError:
        pass
    return sorted(address for address in found if not address.startswith("127."))


def listening_addresses(pids):
    """(address, port) of every TCP socket in LISTEN that the processes hold, from /proc."""
    inodes = set()
    for pid in pids:
        try:
            for fd in os.listdir("/proc/%d/fd" % pid):
                try:
                    target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
                except OSError:
                    continue
                match = re.match(r"socket:\[(\d+)\]", target)
                if match:
                    inodes.add(match.group(1))
        except OSError:
            pass
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            with open(table) as source:
                lines = source.read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "0A" or fields[9] not in inodes:  # 0A: LISTEN
                continue
            hex_address, hex_port = fields[1].split(":")
            if width == 8:
                address = socket.inet_ntoa(bytes.fromhex(hex_address)[::-1])
            else:
                raw = b"".join(bytes.fromhex(hex_address[i:i + 8])[::-1] for i in range(0, 32, 8))
                address = socket.inet_ntop(socket.AF_INET6, raw)
            found.append((address, int(hex_port, 16)))
    return found


def child_pids(pid):
    children = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as source:
                    stat = source.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(entry))
    return children


class LoopbackBindTest(ReliabilityTestCase):
    def check_loopback_only(self, server):
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", server.log())
        self.assertIsNotNone(match, server.log())
        self.assertEqual(int(match.group(1)), server.port)
        self.assertEqual(server.host, "127.0.0.1")
        # Every TCP listener of the server (and of its function processes) is on loopback.
        listeners = listening_addresses([server.process.pid] + child_pids(server.process.pid))
        self.assertIn(("127.0.0.1", server.port), listeners)
        for address, port in listeners:
            self.assertIn(address, ("127.0.0.1", "::1"), "listener on %s:%d" % (address, port))
        # The same port on another address of this machine is refused. Without such an
        # address (loopback only), the start line and /proc checks above are all there is.
        for address in local_non_loopback_addresses():
            with self.subTest(address=address):
                with self.assertRaises(ConnectionRefusedError):
                    socket.create_connection((address, server.port), timeout=2).close()
        self.assertServes(server)

    def test_in_process(self):
        self.check_loopback_only(self.start())

    def test_lambda(self):
        server = self.start_blog(mode=Mode("sqlite", True), extra_args=self.server_args)
        self.check_loopback_only(server)


if __name__ == "__main__":
    unittest.main()
