"""End-to-end tests of an app's command line: exit codes and the messages that
explain them, migrations from the command line, signals."""

import json
import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest

from kept_logs import kept_log_path
from processes import terminate
from strata_server import (BLOG_APP_DIR, BLOG_JWT_SECRET, SOURCE_DIR, ServerTestCase, StrataServer, blog_binary, run_cli,
                           sqlite_migrations)

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_MIGRATION_FAILED = 0, 1, 2, 4

VALID_PROJECT = {"name": "tmpapp", "routes": {"posts": [{"method": "GET", "function": "get_posts"}]}}


class CliTestCase(ServerTestCase, unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="strata-e2e-cli-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def make_app(self, name, project_text, migrations=None):
        """An app folder with strata.json (text or dict) and migrations/{file: sql}."""
        app = os.path.join(self.tmp, name)
        os.makedirs(os.path.join(app, "migrations"))
        if not isinstance(project_text, str):
            project_text = json.dumps(project_text, indent=2) + "\n"
        with open(os.path.join(app, "strata.json"), "w") as out:
            out.write(project_text)
        for file_name, sql in (migrations or {}).items():
            with open(os.path.join(app, "migrations", file_name), "w") as out:
                out.write(sql)
        return app

    def serve(self, app=None, extra=(), cwd=None, db=None):
        """Runs `blog [--app APP] serve --port 0 --db ...` expecting it to exit by itself."""
        args = (["--app", app] if app else []) + ["serve", "--port", "0", "--db",
                                                  db or "sqlite:" + os.path.join(self.tmp, "app.db")] + list(extra)
        return run_cli(blog_binary(), args, cwd=cwd or self.tmp, timeout=20)

    def assertExit(self, result, code, *patterns):
        self.assertEqual(result.returncode, code, "stdout:\n%s\nstderr:\n%s" % (result.stdout, result.stderr))
        for pattern in patterns:
            self.assertRegex(result.stderr, pattern)


class ProjectFileErrorTest(CliTestCase):
    def test_invalid_json(self):
        app = self.make_app("badjson", '{\n  "name": "bad",\n  "routes": {\n    "posts": [\n'
                                       '      {"method": "GET", "function": "get_posts",}\n    ]\n  }\n}\n')
        result = self.serve(app)
        file = re.escape(os.path.join(app, "strata.json"))
        self.assertExit(result, EXIT_USAGE, file + r":5:\d+: not valid JSON")
        self.assertNotIn("listening", result.stderr)

    def test_invalid_value_names_line_and_json_path(self):
        app = self.make_app("badvalue", '{\n  "name": "bad",\n  "routes": {\n    "posts": [\n'
                                        '      {"method": "GET", "function": "get_posts"}\n    ]\n  },\n'
                                        '  "cors": {\n    "origins": ["*"],\n    "maxAge": -5\n  }\n}\n')
        result = self.serve(app)
        self.assertExit(result, EXIT_USAGE, re.escape(os.path.join(app, "strata.json")) + r":10: cors\.maxAge: ")

    def test_invalid_method_names_line_and_json_path(self):
        app = self.make_app("badmethod", '{\n  "name": "bad",\n  "routes": {\n    "posts/{id}": [\n'
                                         '      {"method": "GET", "function": "get_post"},\n'
                                         '      {"method": "FETCH", "function": "get_post"}\n    ]\n  }\n}\n')
        result = self.serve(app)
        self.assertExit(result, EXIT_USAGE,
                        re.escape(os.path.join(app, "strata.json") + ':6: routes["posts/{id}"][1].method: ') + ".*FETCH")

    def test_unknown_top_level_field(self):
        app = self.make_app("unknownfield", '{\n  "name": "bad",\n  "routez": {}\n}\n')
        result = self.serve(app)
        self.assertExit(result, EXIT_USAGE, re.escape(os.path.join(app, "strata.json")) + r":3: routez: unknown field")

    def test_unknown_function(self):
        app = self.make_app("unknownfn", '{\n  "name": "fn",\n  "routes": {\n    "posts/{id}": [\n'
                                         '      {"method": "GET", "function": "get_postz"}\n    ]\n  }\n}\n')
        result = self.serve(app)
        self.assertExit(result, EXIT_USAGE,
                        re.escape(os.path.join(app, "strata.json") + ':5: routes["posts/{id}"][0].function: ') +
                        r".*'get_postz'")

    def test_unknown_function_path_form_matches_documentation(self):
        # src/core/project.hpp documents the message as
        #   strata.json:7: routes["posts"][1].function: no function named 'get_postz'
        app = self.make_app("unknownfn2", '{\n  "name": "fn",\n  "routes": {\n    "posts": [\n'
                                          '      {"method": "GET", "function": "get_posts"},\n'
                                          '      {"method": "POST", "function": "get_postz"}\n    ]\n  }\n}\n')
        result = self.serve(app)
        self.assertExit(result, EXIT_USAGE, re.escape(os.path.join(app, "strata.json") + ":6: "),
                        re.escape('routes["posts"][1].function: ') + r".*'get_postz'")

    def test_missing_project_file(self):
        empty = os.path.join(self.tmp, "empty")
        os.makedirs(empty)
        result = self.serve(empty)
        self.assertExit(result, EXIT_USAGE, re.escape(os.path.join(empty, "strata.json")) + r": cannot read")
        result = run_cli(blog_binary(), ["--app", os.path.join(self.tmp, "no-such-dir"), "serve"])
        self.assertExit(result, EXIT_USAGE)


class DatabaseUrlTest(CliTestCase):
    def test_bad_scheme(self):
        for url, pattern in (("postgres://user@host/db", r"unsupported database URL scheme 'postgres'"),
                             ("redis://localhost/0", r"unsupported database URL scheme 'redis'"),
                             ("sqlite:", r"names no file")):
            with self.subTest(url=url):
                result = self.serve(cwd=BLOG_APP_DIR, db=url)
                self.assertExit(result, EXIT_USAGE, pattern)
                self.assertNotIn("listening", result.stderr)

    def test_sqlite_url_creates_folders(self):
        path = os.path.join(self.tmp, "deep", "er", "blog.db")
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR, db_path=path)
        status, _, body = server.json_request("GET", "/posts/1")
        self.assertEqual(status, 200)
        self.assertTrue(os.path.isfile(path))


class MigrationFailureTest(CliTestCase):
    def test_failed_migration_exits_4_and_leaves_nothing_half_applied(self):
        app = self.make_app("mig", VALID_PROJECT, {
            "v1.sql": "CREATE TABLE first (id INTEGER PRIMARY KEY);\n",
            "v2.sql": "-- v2 fails half-way\nCREATE TABLE half (id INTEGER PRIMARY KEY);\n"
                      "INSERT INTO half (id) VALUES (1);\n\nINSERT INTO missing_table (id)\n  VALUES (1);\n"
                      "CREATE TABLE never (id INTEGER);\n",
        })
        db_path = os.path.join(self.tmp, "mig.db")
        result = self.serve(app, db="sqlite:" + db_path)
        self.assertExit(result, EXIT_MIGRATION_FAILED,
                        re.escape(os.path.join(app, "migrations", "v2.sql")) + r":5: .*missing_table")
        self.assertRegex(result.stderr, r"migrate: applied v1\.sql")
        self.assertNotIn("listening", result.stderr)
        with sqlite3.connect(db_path) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            history = db.execute("SELECT version, success FROM strata_schema_history").fetchall()
        self.assertIn("first", tables)
        self.assertNotIn("half", tables, "the failed migration left a table behind")
        self.assertNotIn("never", tables)
        self.assertEqual(history, [("1", 1)])

        status = run_cli(blog_binary(), ["--app", app, "migrate", "status", "--json"],
                         env={"STRATA_DB": "sqlite:" + db_path})
        self.assertExit(status, EXIT_OK)
        self.assertEqual([(e["version"], e["state"]) for e in json.loads(status.stdout)],
                         [("1", "applied"), ("2", "pending")])

        up = run_cli(blog_binary(), ["--app", app, "migrate", "up"], env={"STRATA_DB": "sqlite:" + db_path})
        self.assertExit(up, EXIT_MIGRATION_FAILED, r"v2\.sql:5: ")

    def test_syntax_error_in_first_migration(self):
        app = self.make_app("syntax", VALID_PROJECT, {"v1.sql": "CREATE TABLE ok (id INTEGER);\nCREAT TABLE oops;\n"})
        db_path = os.path.join(self.tmp, "syntax.db")
        result = self.serve(app, db="sqlite:" + db_path)
        self.assertExit(result, EXIT_MIGRATION_FAILED, re.escape(os.path.join(app, "migrations", "v1.sql")) + r":2: ")
        with sqlite3.connect(db_path) as db:
            tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        self.assertNotIn("ok", tables)

    def test_bad_migration_file_name(self):
        app = self.make_app("badname", VALID_PROJECT, {"init.sql": "CREATE TABLE t (id INTEGER);\n"})
        result = self.serve(app)
        self.assertNotEqual(result.returncode, EXIT_OK)
        self.assertIn("init.sql", result.stderr)
        self.assertNotIn("listening", result.stderr)


class MigrateCommandTest(CliTestCase):
    def test_status_up_status(self):
        db = "sqlite:" + os.path.join(self.tmp, "m.db")
        env = {"STRATA_DB": db}
        status = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "status", "--json"], env=env)
        self.assertExit(status, EXIT_OK)
        migrations = sqlite_migrations(BLOG_APP_DIR)
        self.assertEqual(migrations[:2], [("1", "v1.sql"), ("2", "v2.sql")])
        entries = json.loads(status.stdout)
        self.assertEqual([(e["version"], e["script"], e["state"], e["appliedAt"]) for e in entries],
                         [(version, script, "pending", None) for version, script in migrations])
        up = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "up"], env=env)
        self.assertExit(up, EXIT_OK, *[r"migrate: applied %s " % re.escape(script) for _, script in migrations])
        again = run_cli(blog_binary(), ["migrate", "up"], cwd=BLOG_APP_DIR, env=env)
        self.assertExit(again, EXIT_OK,
                        r"database is up to date \((?:scripts up to )?version %s\)" % re.escape(migrations[-1][0]))
        self.assertNotIn("applied v", again.stderr)
        table = run_cli(blog_binary(), ["migrate", "status"], cwd=BLOG_APP_DIR, env=env)
        self.assertExit(table, EXIT_OK)
        for version, script in migrations:
            self.assertRegex(table.stdout, r"(?m)^%s\s+applied\s+%s\s" % (re.escape(version), re.escape(script)))
        status = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "status", "--json"], env=env)
        self.assertEqual([(e["version"], e["state"]) for e in json.loads(status.stdout)],
                         [(version, "applied") for version, _ in migrations])

    def test_commands_opening_a_new_database_together(self):
        # Two commands opening one new SQLite file at the same moment (a server starting
        # while a deploy script runs `migrate status`) must both succeed: SQLite's busy
        # timeout is there for exactly that. The race is short, so try it many times.
        failures = []
        for round_number in range(100):
            env = dict(os.environ, STRATA_DB="sqlite:" + os.path.join(self.tmp, "race-%d.db" % round_number))
            processes = [subprocess.Popen([blog_binary(), "--app", BLOG_APP_DIR, "migrate", "status", "--json"],
                                          env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                          stderr=subprocess.PIPE, text=True) for _ in range(2)]
            for process in processes:
                out, err = process.communicate(timeout=20)
                if process.returncode != 0:
                    failures.append("round %d: exit %d: %s" % (round_number, process.returncode, err.strip()))
                else:
                    self.assertEqual({e["state"] for e in json.loads(out)}, {"pending"})
        self.assertEqual(failures, [])

    def test_migrate_needs_a_subcommand(self):
        result = run_cli(blog_binary(), ["migrate"], cwd=BLOG_APP_DIR,
                         env={"STRATA_DB": "sqlite:" + os.path.join(self.tmp, "x.db")})
        self.assertExit(result, EXIT_USAGE)


class UsageTest(CliTestCase):
    def test_help(self):
        result = run_cli(blog_binary(), ["--help"])
        self.assertExit(result, EXIT_OK)
        self.assertRegex(result.stdout, r"(?m)^\s+serve\s")
        self.assertRegex(result.stdout, r"(?m)^\s+migrate\s")
        self.assertIn("Exit codes", result.stdout)
        serve_help = run_cli(blog_binary(), ["serve", "--help"])
        self.assertExit(serve_help, EXIT_OK)
        for option in ("--port", "--db", "--body-limit", "--read-timeout-ms", "--threads", "--quiet"):
            self.assertIn(option, serve_help.stdout)

    def test_version(self):
        with open(os.path.join(SOURCE_DIR, "CMakeLists.txt")) as cmake:
            version = re.search(r"project\(Strata VERSION ([0-9.]+)", cmake.read()).group(1)
        result = run_cli(blog_binary(), ["--version"])
        self.assertExit(result, EXIT_OK)
        self.assertEqual(result.stdout.strip(), "strata " + version)

    def test_usage_errors(self):
        for args in ([], ["serve", "--bogus"], ["serve", "--port", "notaport"], ["frobnicate"]):
            with self.subTest(args=args):
                result = run_cli(blog_binary(), args, cwd=BLOG_APP_DIR)
                self.assertExit(result, EXIT_USAGE)
                self.assertTrue(result.stderr.strip(), "a usage error says why")

    def test_functions_lists_the_built_in_functions(self):
        result = run_cli(blog_binary(), ["functions"])
        self.assertExit(result, EXIT_OK)
        self.assertEqual(sorted(result.stdout.split()),
                         ["create_comment", "create_post", "delete_post", "get_comments", "get_post", "get_posts",
                          "update_post"])


class ServeLifecycleTest(CliTestCase):
    def test_port_in_use(self):
        holder = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.addCleanup(holder.close)
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = run_cli(blog_binary(), ["serve", "--port", str(port), "--db",
                                         "sqlite:" + os.path.join(self.tmp, "p.db")], cwd=BLOG_APP_DIR)
        self.assertNotEqual(result.returncode, EXIT_OK)
        self.assertRegex(result.stderr, r"cannot listen on 127\.0\.0\.1:%d" % port)
        self.assertRegex(result.stderr, r"(?i)in use")
        self.assertNotIn("listening on", result.stderr)

    def test_sigint_stops_with_exit_0(self):
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR)
        self.assertEqual(server.request("GET", "/posts").status, 200)
        server.close_connection()
        process, server.process = server.process, None
        process.send_signal(signal.SIGINT)
        self.assertEqual(process.wait(10), 0, server.log())
        self.assertIn("serve: interrupted, stopping", server.log())

    def test_sigterm_with_an_open_connection(self):
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR)
        idle = server.raw_socket()
        self.addCleanup(idle.close)
        self.assertEqual(server.request("GET", "/posts/1").status, 200)
        started = time.monotonic()
        server.stop()  # asserts exit code 0
        self.assertLess(time.monotonic() - started, 5, "an idle connection must not hold up the stop")

    def test_quiet_has_no_access_log_but_the_listening_line(self):
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR, extra_args=["--quiet"])
        self.assertEqual(server.request("GET", "/posts").status, 200)
        server.stop()
        log = server.log()
        self.assertIn("listening on http://127.0.0.1:%d" % server.port, log)
        self.assertNotIn("GET /posts", log)

    def test_listens_on_localhost_by_name(self):
        # serve_command.cpp treats "localhost" as a loopback host (no warning), so it must be accepted.
        server = StrataServer(blog_binary(), cwd=BLOG_APP_DIR, extra_args=["--host", "localhost"])
        self.addCleanup(server.cleanup)
        server.start()
        self.addCleanup(server.stop)
        self.assertEqual(server.request("GET", "/posts/1").status, 200)

    def test_ipv6_listening_line_is_a_valid_url(self):
        try:
            probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            probe.bind(("::1", 0))
            probe.close()
        except OSError:
            self.skipTest("no IPv6 loopback")
        log_path = kept_log_path("blog-serve-v6", self.tmp)
        with open(log_path, "wb") as log:
            process = subprocess.Popen([blog_binary(), "serve", "--host", "::1", "--port", "0", "--db",
                                        "sqlite:" + os.path.join(self.tmp, "v6.db")],
                                       cwd=BLOG_APP_DIR, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                       env=dict(os.environ, BLOG_JWT_SECRET=BLOG_JWT_SECRET))

        self.addCleanup(terminate, process, 10)
        deadline = time.monotonic() + 10
        match = None
        while time.monotonic() < deadline and not match:
            with open(log_path, "rb") as log:
                match = re.search(r"listening on (\S+)", log.read().decode())
            time.sleep(0.01)
        self.assertIsNotNone(match, "never listened")
        url = match.group(1)
        port = int(url.rsplit(":", 1)[1])
        with socket.create_connection(("::1", port), timeout=5) as sock:
            sock.sendall(b"GET /posts/1 HTTP/1.0\r\n\r\n")
            self.assertTrue(sock.recv(100).startswith(b"HTTP/1.0 200"))
        self.assertEqual(url, "http://[::1]:%d" % port)
        self.assertTrue(terminate(process, 10), "serve did not stop on SIGTERM")
        self.assertEqual(process.returncode, 0)


if __name__ == "__main__":
    unittest.main()
