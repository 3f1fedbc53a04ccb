"""End-to-end tests of the migration engine, driven through the command line as a user
would: `strata migrate --db URL --dir PATH <command>` and `blog --app DIR migrate ...`.

The engine-agnostic scenarios live in MigrateScenarios and run twice: on SQLite
(SqliteMigrateTest) and on a real MariaDB server (MysqlMigrateTest, whose server is the
CTest fixture `mariadb`: STRATA_TEST_MYSQL_URL_FILE names its url file). What differs
between the engines (transactional DDL, DELIMITER, resuming a failed migration) is
tested in the subclasses.

Standard library only.
"""

import datetime
import hashlib
import json
import os
import re
import shutil
import signal
import tempfile
import time
import unittest

from migrate_helpers import (BLOG_APP_DIR, EXIT_LOCK_TIMEOUT, EXIT_MIGRATION_FAILED, EXIT_OK, EXIT_USAGE,
                             EXIT_VALIDATION, HISTORY, LineWatcher, MysqlServer, SqliteDatabase, blog_binary, run,
                             start, stop_process, tool_binary)

STATUS_FIELDS = {"version", "description", "script", "state", "appliedAt", "executionTimeUs", "checksum", "success"}
APPLIED_AT = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")

# Three migrations that depend on each other: run in any order but 1, 2, 10
# (e.g. v10 before v2, as a string sort would have it), one of them fails.
V1 = "CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"
V2 = ("ALTER TABLE authors ADD COLUMN country VARCHAR(20);\n"
      "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER, title VARCHAR(100));\n")
V10 = ("-- v10: the first data\n"
       "\n"
       "INSERT INTO authors (id, name, country) VALUES (1, 'Ann', 'NZ');\n"
       "INSERT INTO books (id, author_id, title)\n"
       "  SELECT 1, id, 'First' FROM authors;\n"
       "ALTER TABLE books ADD COLUMN isbn VARCHAR(20);\n")
V3 = "INSERT INTO books (id, author_id, title) VALUES (3, 1, 'Third');\nALTER TABLE authors ADD COLUMN born INTEGER;\n"

# Statement 2 fails (line 3); statement 1 created a table that a re-run would collide with.
FAILING_V2 = ("-- v2: fails in its middle\n"
              "CREATE TABLE f1 (id INTEGER PRIMARY KEY);\n"
              "INSERT INTO no_such_table (id) VALUES (1);\n"
              "CREATE TABLE f3 (id INTEGER);\n")
FIXED_V2 = FAILING_V2.replace("INSERT INTO no_such_table (id) VALUES (1);", "INSERT INTO f1 (id) VALUES (1);")


def checksum(text):
    """What the engine records: SHA-256 of the content, line endings normalized, BOM dropped."""
    if text.startswith("\ufeff"):
        text = text[1:]
    return hashlib.sha256(text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")).hexdigest()


class MigrateScenarios:
    """Mixed into a unittest.TestCase per engine. Subclasses provide make_database()
    (a SqliteDatabase / MysqlDatabase whose cleanup they register), slow_sql(table,
    seconds), check_slow_table(table), check_after_kill() and engine_quotes()."""

    engine = None
    NEW_DATABASE_ROUNDS = 6  # of four migrators starting together on a new database

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="strata-e2e-migrate-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.dir = os.path.join(self.tmp, "migrations")
        os.makedirs(self.dir)
        self.db = self.make_database()

    # -- helpers -------------------------------------------------------------------------

    def write(self, name, text, newline="\n", bom=False):
        data = text.replace("\n", newline).encode("utf-8")
        if bom:
            data = b"\xef\xbb\xbf" + data
        with open(os.path.join(self.dir, name), "wb") as out:
            out.write(data)

    def remove(self, name):
        os.remove(os.path.join(self.dir, name))

    def path(self, name):
        return os.path.join(self.dir, name)

    def argv(self, *args, db=None, directory=None):
        return [tool_binary(), "migrate", "--db", db or self.db.url, "--dir", directory or self.dir] + list(args)

    def migrate(self, *args, db=None, directory=None, env=None, timeout=60):
        return run(self.argv(*args, db=db, directory=directory), env=env, timeout=timeout)

    def assertExit(self, result, code, *patterns, stream="stderr"):
        detail = "exit %s, expected %s\nargs: %s\nstdout:\n%s\nstderr:\n%s" % (
            result.returncode, code, result.args, result.stdout, result.stderr)
        self.assertEqual(result.returncode, code, detail)
        text = getattr(result, stream)
        for pattern in patterns:
            self.assertRegex(text, pattern, detail)
        return result

    def status(self, **kwargs):
        result = self.assertExit(self.migrate("status", "--json", **kwargs), EXIT_OK)
        report = json.loads(result.stdout)
        self.assertIsInstance(report, list)
        for entry in report:
            self.assertEqual(set(entry), STATUS_FIELDS, entry)
        return report

    def states(self, **kwargs):
        return [(entry["version"], entry["state"]) for entry in self.status(**kwargs)]

    def history(self):
        """[(version, success, statements_applied, script)] in installed_rank order; [] without the table."""
        if not self.db.table_exists(HISTORY):
            return []
        rows = self.db.query("SELECT version, success, statements_applied, script FROM %s ORDER BY installed_rank"
                             % HISTORY)
        return [(version, int(success), int(applied), script) for version, success, applied, script in rows]

    def applied_lines(self, text):
        """Scripts named by `migrate: applied X` lines, in order."""
        return re.findall(r"migrate: applied (\S+) \(\d+ statements\)", text)

    def write_ordered_set(self):
        self.write("v1.sql", V1)
        self.write("V2__books.sql", V2)
        self.write("v10.sql", V10)

    # -- scenarios -----------------------------------------------------------------------

    def test_order_and_status_json(self):
        self.write_ordered_set()
        before = self.status()
        self.assertEqual([(e["version"], e["description"], e["script"], e["state"]) for e in before],
                         [("1", "", "v1.sql", "pending"), ("2", "books", "V2__books.sql", "pending"),
                          ("10", "", "v10.sql", "pending")])
        for entry in before:
            self.assertEqual((entry["appliedAt"], entry["executionTimeUs"], entry["checksum"], entry["success"]),
                             (None, None, None, None), entry)

        started = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None, microsecond=0)
        result = self.assertExit(self.migrate("up"), EXIT_OK,
                                 r"migrate: 3 migrations applied in [\d.]+ ms; scripts up to version 10")
        self.assertEqual(self.applied_lines(result.stderr), ["v1.sql", "V2__books.sql", "v10.sql"])
        self.assertRegex(result.stderr, r"applied v1\.sql \(1 statements\)")
        self.assertRegex(result.stderr, r"applied V2__books\.sql \(2 statements\)")
        self.assertRegex(result.stderr, r"applied v10\.sql \(3 statements\)")
        finished = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)

        after = self.status()
        self.assertEqual([(e["version"], e["state"], e["success"]) for e in after],
                         [("1", "applied", True), ("2", "applied", True), ("10", "applied", True)])
        for entry, text in zip(after, (V1, V2, V10)):
            self.assertEqual(entry["checksum"], checksum(text), entry)
            self.assertIsInstance(entry["executionTimeUs"], int)
            self.assertGreaterEqual(entry["executionTimeUs"], 0)
            self.assertRegex(entry["appliedAt"], APPLIED_AT)
            applied_at = datetime.datetime.strptime(entry["appliedAt"], "%Y-%m-%d %H:%M:%S")
            # UTC, between the start and the end of `up` (one second of rounding either side).
            self.assertGreaterEqual(applied_at, started - datetime.timedelta(seconds=1), entry)
            self.assertLessEqual(applied_at, finished + datetime.timedelta(seconds=1), entry)
        self.assertEqual([row[:3] for row in self.history()], [("1", 1, 1), ("2", 1, 2), ("10", 1, 3)])
        self.assertEqual(self.db.query("SELECT b.title, a.country FROM books b JOIN authors a ON a.id = b.author_id"),
                         [("First", "NZ")])

        again = self.assertExit(self.migrate("up"), EXIT_OK,
                                r"migrate: database is up to date \(scripts up to version 10\)")
        self.assertEqual(self.applied_lines(again.stderr), [])
        self.assertEqual(len(self.history()), 3)

    def test_status_table(self):
        self.write_ordered_set()
        self.assertExit(self.migrate("up", "--target", "1"), EXIT_OK)
        result = self.assertExit(self.migrate("status"), EXIT_OK, r"VERSION\s+STATE\s+SCRIPT", stream="stdout")
        self.assertRegex(result.stdout, r"\n1\s+applied\s+v1\.sql\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+[\d.]+ ms")
        self.assertRegex(result.stdout, r"\n2\s+pending\s+V2__books\.sql\s+-\s+-")
        self.assertRegex(result.stdout, r"\n10\s+pending\s+v10\.sql\s+-\s+-")

    def test_up_target_and_plan(self):
        self.write_ordered_set()
        plan = self.assertExit(self.migrate("plan", "--target", "2"), EXIT_OK, stream="stdout")
        self.assertEqual(re.findall(r"^-- (\S+) \(version (\S+)\)", plan.stdout, re.M),
                         [("v1.sql", "1"), ("V2__books.sql", "2")])
        self.assertIn("-- statement 1, line 1\nCREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50));\n",
                      plan.stdout)
        self.assertIn("-- statement 2, line 2\nCREATE TABLE books", plan.stdout)
        self.assertNotIn("v10.sql", plan.stdout)
        self.assertFalse(self.db.table_exists(HISTORY), "plan created the history table")
        self.assertFalse(self.db.table_exists("authors"), "plan ran a statement")
        self.assertEqual(self.states(), [("1", "pending"), ("2", "pending"), ("10", "pending")])

        result = self.assertExit(self.migrate("up", "--target", "2"), EXIT_OK,
                                 r"migrate: 2 migrations applied")
        self.assertEqual(self.applied_lines(result.stderr), ["v1.sql", "V2__books.sql"])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("10", "pending")])
        self.assertFalse(self.db.query("SELECT * FROM books"))

        before = self.status()
        plan = self.assertExit(self.migrate("plan"), EXIT_OK, stream="stdout")
        self.assertEqual(re.findall(r"^-- (\S+) \(version (\S+)\)", plan.stdout, re.M), [("v10.sql", "10")])
        # Statements with the line each starts on (comments and blank lines skipped).
        self.assertEqual(re.findall(r"^-- statement (\d+), line (\d+)$", plan.stdout, re.M),
                         [("1", "3"), ("2", "4"), ("3", "6")])
        self.assertIn("INSERT INTO books (id, author_id, title)\n  SELECT 1, id, 'First' FROM authors;\n", plan.stdout)
        self.assertEqual(self.status(), before)
        self.assertEqual(len(self.history()), 2)
        self.assertFalse(self.db.query("SELECT * FROM books"), "plan ran a statement")

        self.assertExit(self.migrate("up", "--target", "10"), EXIT_OK, r"migrate: 1 migration applied")
        nothing = self.assertExit(self.migrate("plan"), EXIT_OK, stream="stdout")
        self.assertEqual(nothing.stdout.strip(), "nothing to apply")

    QUOTES_SQL = ("-- a comment; with a semicolon and a quote: it's\n"
                  "/* a block comment; spanning\n"
                  "   two lines; with 'quotes */\n"
                  "CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200));\n"
                  "INSERT INTO notes (id, body) VALUES (1, 'semi;colon'); -- trailing comment; here\n"
                  "INSERT INTO notes (id, body) VALUES (2, 'it''s; doubled');\n"
                  "INSERT INTO notes (id, body) VALUES (3, '-- not a comment; /* nor this */');\n"
                  "INSERT INTO notes (id, body) VALUES (4, 'multi\n"
                  "line; text')\n"
                  ";\n")
    QUOTES_ROWS = [("1", "semi;colon"), ("2", "it's; doubled"), ("3", "-- not a comment; /* nor this */"),
                   ("4", "multi\nline; text")]

    def test_quotes_and_comments(self):
        extra_sql, extra_rows = self.engine_quotes()
        self.write("V1__notes.sql", self.QUOTES_SQL + extra_sql)
        statements = 5 + len(extra_rows)
        self.assertExit(self.migrate("up"), EXIT_OK, r"applied V1__notes\.sql \(%d statements\)" % statements)
        rows = self.db.query("SELECT id, body FROM notes ORDER BY id")
        self.assertEqual(rows, self.QUOTES_ROWS + extra_rows)

    def test_edited_applied_script(self):
        self.write("v1.sql", V1)
        self.write("V2__books.sql", V2)
        self.assertExit(self.migrate("up"), EXIT_OK)
        self.assertExit(self.migrate("validate"), EXIT_OK, r"valid: 2 scripts agree", stream="stdout")

        edited = V1 + "CREATE TABLE extra (id INTEGER);\n"
        self.write("v1.sql", edited)
        self.assertExit(self.migrate("validate"), EXIT_VALIDATION, r"v1\.sql was applied with checksum .*changed",
                        stream="stdout")
        self.assertEqual(self.states(), [("1", "modified"), ("2", "applied")])
        self.write("v3.sql", V3)
        self.assertExit(self.migrate("up"), EXIT_VALIDATION, r"v1\.sql", r"repair")
        self.assertExit(self.migrate("plan"), EXIT_VALIDATION, r"v1\.sql")
        self.assertEqual(self.states(), [("1", "modified"), ("2", "applied"), ("3", "pending")])
        self.assertFalse(self.db.table_exists("extra"))

        repaired = self.assertExit(self.migrate("repair"), EXIT_OK,
                                   r"re-recorded the checksum of version 1 \(v1\.sql\)", stream="stdout")
        self.assertNotIn("version 2", repaired.stdout)
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        entry = self.status()[0]
        self.assertEqual((entry["state"], entry["checksum"]), ("applied", checksum(edited)))
        self.assertFalse(self.db.table_exists("extra"), "repair ran the edited script")
        self.assertExit(self.migrate("repair"), EXIT_OK, r"nothing to repair", stream="stdout")

        # The same content with CRLF line endings (a Windows checkout), or a BOM, is no edit.
        self.write("V2__books.sql", V2, newline="\r\n")
        self.assertExit(self.migrate("validate"), EXIT_OK, r"valid: 3 scripts agree", stream="stdout")
        self.write("v1.sql", edited, newline="\r\n", bom=True)
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("3", "pending")])
        result = self.assertExit(self.migrate("up"), EXIT_OK)
        self.assertEqual(self.applied_lines(result.stderr), ["v3.sql"])

    def test_script_with_bom_and_crlf_applies(self):
        # Saved by a Windows editor: a UTF-8 BOM and CRLF line endings. The README says
        # both are normalized away; the statements must run as if they were not there.
        text = ("CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50));\n"
                "CREATE TABLE books (\n"
                "  id INTEGER PRIMARY KEY,\n"
                "  title VARCHAR(100)\n"
                ");\n"
                "INSERT INTO books (id, title) VALUES (1, 'two\nlines');\n")
        self.write("v1.sql", text, newline="\r\n", bom=True)
        self.assertExit(self.migrate("up"), EXIT_OK, r"applied v1\.sql \(3 statements\)")
        self.assertTrue(self.db.table_exists("authors"))
        self.assertEqual(self.db.query("SELECT COUNT(*) FROM books"), [("1",)])
        self.assertEqual(self.status()[0]["checksum"], checksum(text))

    def test_missing_script_below_highest_applied(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", V2)
        self.write("v3.sql", V3.replace("INSERT", "-- no data\n-- INSERT"))
        self.assertExit(self.migrate("up"), EXIT_OK)
        self.remove("v2.sql")
        self.assertExit(self.migrate("validate"), EXIT_VALIDATION,
                        r"version 2 was applied from v2\.sql, which is no longer in the migrations folder",
                        stream="stdout")
        self.assertEqual(self.states(), [("1", "applied"), ("2", "missing"), ("3", "applied")])
        self.write("v4.sql", "CREATE TABLE t4 (id INTEGER);\n")
        self.assertExit(self.migrate("up"), EXIT_VALIDATION, r"v2\.sql")
        self.assertFalse(self.db.table_exists("t4"))

    def test_database_ahead_of_its_scripts(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", V2)
        self.write("v3.sql", V3)
        self.assertExit(self.migrate("up"), EXIT_OK)
        self.remove("v3.sql")  # a deploy rolled back to older scripts
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("3", "missing")])
        result = self.assertExit(self.migrate("up"), EXIT_OK, r"version 3 is recorded as applied but no script has it",
                                 r"ahead of its scripts")
        self.assertEqual(self.applied_lines(result.stderr), [])
        self.assertEqual([row[:2] for row in self.history()], [("1", 1), ("2", 1), ("3", 1)])

    def test_pending_script_out_of_order(self):
        self.write("v1.sql", V1)
        self.write("v3.sql", "CREATE TABLE t3 (id INTEGER);\n")
        self.assertExit(self.migrate("up"), EXIT_OK)
        self.write("v2.sql", "CREATE TABLE t2 (id INTEGER);\n")
        self.assertExit(self.migrate("validate"), EXIT_VALIDATION,
                        r"v2\.sql is pending but version 3 is already applied: it would run out of order",
                        stream="stdout")
        self.assertExit(self.migrate("up"), EXIT_VALIDATION, r"v2\.sql", r"out of order")
        self.assertFalse(self.db.table_exists("t2"))
        self.assertEqual(self.states(), [("1", "applied"), ("2", "pending"), ("3", "applied")])

    def run_together(self, argvs, timeout=60):
        """Starts every argv at once; [(exit code, stdout, stderr, seconds)] when all are done."""
        # Each waits at a FIFO until the last one is started, so that they really start together.
        barrier = os.path.join(self.tmp, "barrier-%d" % len(os.listdir(self.tmp)))
        os.mkfifo(barrier)
        processes = [start(["sh", "-c", 'read go < "$0"; exec "$@"', barrier] + argv) for argv in argvs]
        for process in processes:
            self.addCleanup(stop_process, process)
        time.sleep(0.1)  # every shell is blocked opening the FIFO
        started = time.monotonic()
        with open(barrier, "w"):
            pass  # opened and closed: every reader sees end of file and goes
        results = []
        for process in processes:
            stdout, stderr = process.communicate(timeout=timeout)
            results.append((process.returncode, stdout, stderr, time.monotonic() - started))
        return results

    def test_concurrent_up(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", self.slow_sql("slow", 1))
        self.write("v3.sql", "CREATE TABLE after_slow (id INTEGER);\n")
        self.assertExit(self.migrate("up", "--target", "1"), EXIT_OK)
        results = self.run_together([self.argv("up"), self.argv("up")])
        for code, stdout, stderr, took in results:
            # The second migrator waits for the first (--lock-timeout defaults to 60 s).
            self.assertEqual(code, EXIT_OK, "after %.1f s\nstdout:\n%s\nstderr:\n%s" % (took, stdout, stderr))
        applied = sorted(self.applied_lines(results[0][2]) + self.applied_lines(results[1][2]))
        self.assertEqual(applied, ["v2.sql", "v3.sql"], results)
        self.assertEqual([row[:2] for row in self.history()], [("1", 1), ("2", 1), ("3", 1)])
        self.assertEqual(self.db.query("SELECT version, COUNT(*) FROM %s GROUP BY version ORDER BY version" % HISTORY),
                         [("1", "1"), ("2", "1"), ("3", "1")])
        self.assertTrue(self.db.table_exists("after_slow"))
        self.check_slow_table("slow")

    def test_concurrent_up_on_a_new_database(self):
        # A first deploy: several migrators start together on a database never used before.
        self.write("v1.sql", V1)
        self.write("v2.sql", V2)
        failures = []
        for attempt in range(self.NEW_DATABASE_ROUNDS):
            database = self.make_database(attempt)
            results = self.run_together([self.argv("up", db=database.url) for _ in range(4)])
            for code, stdout, stderr, took in results:
                if code != EXIT_OK:
                    failures.append("round %d: exit %d after %.2f s: %s" % (attempt, code, took, stderr.strip()))
            applied = sorted(line for result in results for line in self.applied_lines(result[2]))
            if not failures:
                self.assertEqual(applied, ["v1.sql", "v2.sql"], results)
                self.assertEqual(database.query("SELECT version, COUNT(*) FROM %s GROUP BY version ORDER BY version"
                                                % HISTORY), [("1", "1"), ("2", "1")])
        self.assertEqual(failures, [], "%d of %d migrators failed" % (len(failures), 4 * self.NEW_DATABASE_ROUNDS))

    def test_killed_migrator(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", self.slow_sql("slow", 3) + "CREATE TABLE after_slow (id INTEGER);\n")
        self.write("v3.sql", "CREATE TABLE t3 (id INTEGER);\n")
        process = start(self.argv("up"))
        self.addCleanup(stop_process, process, False)
        stderr = LineWatcher(process.stderr)
        LineWatcher(process.stdout)
        self.assertTrue(stderr.wait_for(r"migrate: applied v1\.sql", 30), stderr.text())
        time.sleep(0.5)  # inside v2's slow statement
        self.assertIsNone(process.poll(), "up finished before it could be killed:\n" + stderr.text())
        os.kill(process.pid, signal.SIGKILL)
        self.assertEqual(process.wait(timeout=10), -signal.SIGKILL)
        stderr.finish()
        self.assertNotIn(("2", 1), [row[:2] for row in self.history()], "v2 finished before the kill")
        self.check_after_kill()

        # The killed migrator's lock died with it (MySQL: with its connection, once the server
        # notices): a new migrator gets it within --lock-timeout.
        result = self.assertExit(self.migrate("up", "--lock-timeout", "30", timeout=90), EXIT_OK)
        self.assertIn("v3.sql", self.applied_lines(result.stderr))
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("3", "applied")])
        self.assertEqual([row[:2] for row in self.history()], [("1", 1), ("2", 1), ("3", 1)])
        self.assertTrue(self.db.table_exists("after_slow"))
        self.check_slow_table("slow")

    KILL_ROUNDS = 50
    KILL_SCRIPTS = 30
    KILL_TABLES = 3  # statements (CREATE TABLE) per script, then one INSERT

    def kill_tables(self, database):
        if self.engine == "sqlite":
            rows = database.query("SELECT name FROM sqlite_master WHERE type = 'table'") if os.path.exists(database.path) else []
        else:
            rows = database.query("SELECT table_name FROM information_schema.tables WHERE table_schema = '%s'" % database.name)
        return {row[0] for row in rows if row[0].startswith("k")}

    def test_killed_at_random_points(self):
        """SIGKILL at a random moment of `up`, 50 times, each on a new database: afterwards
        validate passes or names exactly the version that was cut, the schema matches the
        history (a cut MySQL migration's done statements, and the one it records as running),
        and the next up finishes the job with every statement applied exactly once."""
        import random
        for version in range(1, self.KILL_SCRIPTS + 1):
            # Plain statements, not idempotent ones: a second run of any of them fails.
            statements = ["CREATE TABLE k%d_%d (id INTEGER)" % (version, table) for table in range(self.KILL_TABLES)]
            statements.append("INSERT INTO k%d_0 (id) VALUES (%d)" % (version, version))
            self.write("v%d.sql" % version, ";\n".join(statements) + ";\n")
        everything = {"k%d_%d" % (v, t) for v in range(1, self.KILL_SCRIPTS + 1) for t in range(self.KILL_TABLES)}
        # How long a whole up takes here, so that the kills spread over all of it.
        timing = self.make_database("kill-timing")
        started = time.monotonic()
        self.assertExit(self.migrate("up", db=timing.url), EXIT_OK)
        whole = time.monotonic() - started
        rng = random.Random(20261127)
        cut_points, running = 0, 0
        # A kill can land in a sanitizer build's leak check at exit, which then reports its own
        # cut-off tracer: no leak check for the processes this test kills.
        killed_env = {"ASAN_OPTIONS": os.environ["ASAN_OPTIONS"] + ":detect_leaks=0"} if "ASAN_OPTIONS" in os.environ else None
        for round_number in range(self.KILL_ROUNDS):
            database = self.make_database("kill-%d" % round_number)
            process = start(self.argv("up", db=database.url), env=killed_env)
            time.sleep(rng.uniform(0, whole * 1.1))
            process.kill()
            process.communicate(timeout=30)
            validate = self.migrate("validate", db=database.url)
            detail = "round %d: validate %d\n%s%s" % (round_number, validate.returncode, validate.stdout, validate.stderr)
            rows = {}
            if database.table_exists(HISTORY):
                for version, success, applied, hashes in database.query(
                        "SELECT version, success, statements_applied, statement_hashes FROM %s" % HISTORY):
                    in_flight = not int(success) and len(hashes.split(",")) == int(applied) + 1
                    rows[version] = (int(success), int(applied), in_flight)
            failed = [version for version, (success, _, _) in rows.items() if not success]
            if validate.returncode == EXIT_OK:
                self.assertEqual(failed, [], detail)
            else:
                # Only MySQL keeps a cut migration's progress; validate names it, and only it.
                self.assertEqual(validate.returncode, EXIT_VALIDATION, detail)
                self.assertEqual(self.engine, "mysql", detail)
                self.assertEqual(len(failed), 1, detail)
                named = set(re.findall(r"\bv(\d+)\.sql", validate.stdout + validate.stderr))
                self.assertEqual(named, set(failed), detail)
                cut_points += 1
            # The schema is what the history says: whole migrations, a cut one's done statements,
            # and at most the one statement it records as running.
            expected, maybe = set(), set()
            for version, (success, applied, in_flight) in rows.items():
                count = self.KILL_TABLES if success else min(applied, self.KILL_TABLES)
                expected |= {"k%s_%d" % (version, table) for table in range(count)}
                if in_flight and applied < self.KILL_TABLES:
                    maybe.add("k%s_%d" % (version, applied))
            tables = self.kill_tables(database)
            self.assertEqual(expected - tables, set(), detail)
            self.assertLessEqual(tables - expected, maybe, detail)
            if tables - expected:
                running += 1
            # The next up finishes what was cut, running no statement twice.
            self.assertExit(self.migrate("up", db=database.url), EXIT_OK)
            self.assertExit(self.migrate("validate", db=database.url), EXIT_OK, stream="stdout")
            self.assertEqual(self.kill_tables(database), everything)
            for version in range(1, self.KILL_SCRIPTS + 1):
                self.assertEqual(database.query("SELECT COUNT(*) FROM k%d_0" % version), [("1",)],
                                 "%s: v%d's INSERT" % (detail, version))
        print("\n%s: %d kills over %.0f ms of up; %d left a cut migration, %d of them with its running statement "
              "applied (the next up counted it)" % (self.engine, self.KILL_ROUNDS, whole * 1000, cut_points, running))

    def test_lock_timeout(self):
        # A second migrator that cannot get the lock within --lock-timeout gives up with exit 5.
        self.write("v1.sql", V1)
        self.write("v2.sql", self.slow_sql("slow", 4))
        self.write("v3.sql", "CREATE TABLE t3 (id INTEGER);\n")
        first = start(self.argv("up"))
        self.addCleanup(stop_process, first, False)
        first_err = LineWatcher(first.stderr)
        LineWatcher(first.stdout)
        self.assertTrue(first_err.wait_for(r"migrate: applied v1\.sql", 30), first_err.text())
        time.sleep(0.3)  # inside v2, holding the lock
        started = time.monotonic()
        second = self.migrate("up", "--lock-timeout", "1", timeout=60)
        took = time.monotonic() - started
        still_running = first.poll() is None
        self.assertEqual(first.wait(timeout=60), EXIT_OK, first_err.finish())
        self.assertTrue(still_running, "the first migrator finished before the second gave up; v2 is too fast")
        detail = "after %.1f s: exit %d\nstderr:\n%s" % (took, second.returncode, second.stderr)
        self.assertEqual(second.returncode, EXIT_LOCK_TIMEOUT, detail)
        self.assertRegex(second.stderr, r"lock", detail)
        self.assertLess(took, 3.5, "--lock-timeout 1 waited %.1f s" % took)
        self.assertEqual(self.applied_lines(second.stderr), [])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("3", "applied")])
        self.assertExit(self.migrate("up", "--lock-timeout", "1"), EXIT_OK, r"database is up to date")

    def test_baseline(self):
        self.write("v1.sql", V1)
        self.write("V2__books.sql", V2)
        self.write("v3.sql", V3)
        # A database made before migrations: the tables of v1 and v2, by hand.
        self.db.execute_script("CREATE TABLE authors (id INTEGER PRIMARY KEY, name VARCHAR(50), country VARCHAR(20));"
                               "CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER, title VARCHAR(100));")
        self.assertExit(self.migrate("baseline", "--version", "2"), EXIT_OK,
                        r"baselined at version 2", stream="stdout")
        self.assertEqual(self.states(), [("1", "baseline"), ("2", "baseline"), ("3", "pending")])
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        result = self.assertExit(self.migrate("up"), EXIT_OK, r"migrate: 1 migration applied")
        self.assertEqual(self.applied_lines(result.stderr), ["v3.sql"])
        self.assertEqual(self.states(), [("1", "baseline"), ("2", "baseline"), ("3", "applied")])
        self.assertEqual(self.db.query("SELECT title FROM books"), [("Third",)])
        history = self.history()
        self.assertEqual([row[:2] for row in history], [("2", 1), ("3", 1)])
        self.assertEqual(history[0][3], "<< baseline >>")

        refused = self.migrate("baseline", "--version", "3")
        self.assertNotEqual(refused.returncode, EXIT_OK, refused.stderr)
        self.assertRegex(refused.stderr, r"history")
        self.assertEqual(self.history(), history)

    def test_baseline_refused_on_database_with_history(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", V2)
        self.assertExit(self.migrate("up", "--target", "1"), EXIT_OK)
        refused = self.migrate("baseline", "--version", "2")
        self.assertNotEqual(refused.returncode, EXIT_OK, refused.stderr)
        self.assertRegex(refused.stderr, r"refusing to baseline")
        self.assertEqual(self.states(), [("1", "applied"), ("2", "pending")])

    def test_new_script(self):
        self.write_ordered_set()
        result = self.assertExit(self.migrate("new", "add tags"), EXIT_OK)
        created = self.path("V11__add_tags.sql")
        self.assertEqual(result.stdout.strip(), created)
        self.assertTrue(os.path.isfile(created))
        self.assertEqual(sorted(os.listdir(self.dir)), ["V11__add_tags.sql", "V2__books.sql", "v1.sql", "v10.sql"])
        self.assertEqual(self.status()[-1]["version"], "11")
        self.assertEqual((self.status()[-1]["description"], self.status()[-1]["state"]), ("add tags", "pending"))
        # The new (comment-only) script applies with the others.
        self.assertExit(self.migrate("up"), EXIT_OK, r"4 migrations applied")
        result = self.assertExit(self.migrate("new", "Rename: users!"), EXIT_OK)
        self.assertEqual(result.stdout.strip(), self.path("V12__rename_users.sql"))

    def test_hash(self):
        self.write_ordered_set()

        def hash_of():
            result = self.assertExit(self.migrate("hash"), EXIT_OK, stream="stdout")
            value = result.stdout.strip()
            self.assertRegex(value, HEX64)
            return value

        first = hash_of()
        self.assertEqual(hash_of(), first, "unchanged scripts, another hash")
        self.write("v10.sql", V10, newline="\r\n")
        self.assertEqual(hash_of(), first, "CRLF line endings changed the hash")
        self.write("V2__books.sql", V2 + "-- a comment\n")
        edited = hash_of()
        self.assertNotEqual(edited, first, "an edited script kept the hash")
        self.write("V2__books.sql", V2)
        self.assertEqual(hash_of(), first)
        self.write("v11.mysql.sql", "CREATE TABLE m (id INTEGER);\n")
        with_mysql = hash_of()
        self.assertNotEqual(with_mysql, first, "an added script kept the hash")
        self.write("v11.sqlite.sql", "CREATE TABLE m (id INTEGER);\n")
        with_both = hash_of()
        self.assertNotIn(with_both, (first, with_mysql), "an added script kept the hash")
        self.assertExit(self.migrate("up"), EXIT_OK)
        self.assertEqual(hash_of(), with_both, "applying changed the hash")

    def test_script_set_errors(self):
        self.write("v1.sql", V1)
        self.write("schema.sql", "CREATE TABLE x (id INTEGER);\n")
        for command in ("status", "up", "validate"):
            self.assertExit(self.migrate(command), EXIT_VALIDATION,
                            re.escape(self.path("schema.sql")) + r": not a migration name")
        self.assertExit(self.migrate("hash"), EXIT_VALIDATION, r"schema\.sql")
        self.remove("schema.sql")
        self.assertFalse(self.db.table_exists("authors"))

        self.write("v2.sql", V2)
        self.write("V2__books.sql", V2)
        self.assertExit(self.migrate("up"), EXIT_VALIDATION, r"version 2 has two scripts: V2__books\.sql and v2\.sql")
        self.remove("V2__books.sql")
        self.write("v2.%s.sql" % self.engine, V2)
        self.assertExit(self.migrate("status"), EXIT_VALIDATION, r"v2\.sql", r"v2\.%s\.sql" % self.engine)
        self.assertFalse(self.db.table_exists("authors"))
        # Files that are not .sql are ignored.
        self.remove("v2.%s.sql" % self.engine)
        self.write("README.md", "notes\n")
        self.assertExit(self.migrate("up"), EXIT_OK, r"2 migrations applied")

    def test_usage_errors(self):
        self.write("v1.sql", V1)
        self.assertExit(self.migrate("status", db="postgres://u:p@localhost/x"), EXIT_USAGE,
                        r"unsupported database URL scheme 'postgres'")
        self.assertExit(run([tool_binary(), "migrate", "--db", self.db.url, "status"]), EXIT_USAGE, r"--dir")
        self.assertExit(run([tool_binary(), "migrate", "--dir", self.dir, "status"]), EXIT_USAGE, r"--db")
        self.assertExit(self.migrate("up", "--target", "latest"), EXIT_USAGE, r"--target")
        self.assertExit(self.migrate("baseline"), EXIT_USAGE, r"--version")
        self.assertExit(self.migrate("frobnicate"), EXIT_USAGE)
        self.assertExit(self.migrate("status", directory=os.path.join(self.tmp, "nowhere")), EXIT_VALIDATION,
                        r"migrations folder not found")
        self.assertFalse(self.db.table_exists("authors"))
        # --db from $STRATA_DB, and migrate's options after the subcommand.
        result = run([tool_binary(), "migrate", "up", "--dir", self.dir, "--lock-timeout", "5"],
                     env={"STRATA_DB": self.db.url})
        self.assertExit(result, EXIT_OK, r"applied v1\.sql")
        self.assertEqual(self.states(), [("1", "applied")])

    def test_blog_app(self):
        result = run([blog_binary(), "--app", BLOG_APP_DIR, "migrate", "up", "--db", self.db.url])
        self.assertExit(result, EXIT_OK, r"3 migrations applied")
        variant = "v3.%s.sql" % self.engine
        self.assertEqual(self.applied_lines(result.stderr), ["v1.sql", "v2.sql", variant])
        status = run([blog_binary(), "--app", BLOG_APP_DIR, "migrate", "status", "--json", "--db", self.db.url])
        self.assertExit(status, EXIT_OK)
        self.assertEqual([(e["version"], e["script"], e["state"], e["success"]) for e in json.loads(status.stdout)],
                         [("1", "v1.sql", "applied", True), ("2", "v2.sql", "applied", True),
                          ("3", variant, "applied", True)])
        self.assertEqual(self.db.query("SELECT slug FROM posts"), [("serverless-aurora",)])
        again = run([blog_binary(), "--app", BLOG_APP_DIR, "migrate", "up", "--db", self.db.url])
        self.assertExit(again, EXIT_OK, r"database is up to date \(scripts up to version 3\)")


class SqliteMigrateTest(MigrateScenarios, unittest.TestCase):
    engine = "sqlite"
    SPINS_PER_SECOND = 5000000  # of the recursive CTE below, roughly, on a build machine
    SLOW_ROWS = 100000

    def make_database(self, name="test"):
        return SqliteDatabase(os.path.join(self.tmp, "db-%s" % name, "test.db"))

    def slow_sql(self, table, seconds):
        # Many inserts, then a CPU-bound count that takes about `seconds` (without writing
        # hundreds of MB).
        return ("CREATE TABLE %s (x INTEGER);\n"
                "INSERT INTO %s (x)\n"
                "  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d)\n"
                "  SELECT x FROM c;\n"
                "INSERT INTO %s (x)\n"
                "  WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < %d)\n"
                "  SELECT -COUNT(*) FROM c;\n" % (table, table, self.SLOW_ROWS, table, self.SPINS_PER_SECOND * seconds))

    def check_slow_table(self, table):
        self.assertEqual(self.db.query("SELECT COUNT(*), COUNT(DISTINCT x), SUM(x > 0) FROM %s" % table),
                         [(str(self.SLOW_ROWS + 1), str(self.SLOW_ROWS + 1), str(self.SLOW_ROWS))])

    def check_after_kill(self):
        # One transaction per migration: nothing of v2 is left behind.
        self.assertFalse(self.db.table_exists("slow"), "a killed SQLite migration left its table behind")
        self.assertEqual([row[:2] for row in self.history()], [("1", 1)])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "pending"), ("3", "pending")])

    def engine_quotes(self):
        sql = ("INSERT INTO notes (id, body) VALUES (5, 'back\\slash; [bracket]'); /* ; */\n"
               "INSERT INTO [notes] (id, \"body\") VALUES (6, 'ident;quotes');\n")
        return sql, [("5", "back\\slash; [bracket]"), ("6", "ident;quotes")]

    def test_plan_on_fresh_file_creates_no_history_table(self):
        self.write_ordered_set()
        self.assertExit(self.migrate("plan"), EXIT_OK, r"-- v10\.sql \(version 10\)", stream="stdout")
        self.assertExit(self.migrate("status"), EXIT_OK, stream="stdout")
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        tables = self.db.query("SELECT name FROM sqlite_master") if os.path.exists(self.db.path) else []
        self.assertEqual(tables, [], "plan/status/validate wrote to a fresh database")

    def test_new_database_waits_for_another_writer(self):
        # Deterministically what two migrators starting together on a new database race
        # into: while one holds the write lock (before the file is in WAL mode), the other
        # opens it. It must wait for the lock (the busy timeout, --lock-timeout), not fail.
        import sqlite3
        os.makedirs(os.path.dirname(self.db.path), exist_ok=True)
        writer = sqlite3.connect(self.db.path, isolation_level=None)
        self.addCleanup(writer.close)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("CREATE TABLE other (id INTEGER)")
        self.write("v1.sql", V1)
        process = start(self.argv("up"))
        self.addCleanup(stop_process, process)
        time.sleep(1)
        early_exit = process.poll()
        writer.execute("COMMIT")
        stdout, stderr = process.communicate(timeout=60)
        self.assertIsNone(early_exit, "up gave up while another connection held the write lock for 1 s:\n" + stderr)
        self.assertEqual(process.returncode, EXIT_OK, stderr)
        self.assertEqual(self.states(), [("1", "applied")])

    def test_trigger_with_compound_body(self):
        self.write("V1__notes.sql", """-- notes and their audit trail
CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200), edits INTEGER NOT NULL DEFAULT 0);
CREATE TABLE audit (note_id INTEGER, action VARCHAR(20));

CREATE TRIGGER notes_ai AFTER INSERT ON notes
BEGIN
  INSERT INTO audit (note_id, action) VALUES (NEW.id, 'insert;');
  UPDATE notes SET edits = edits + 1 WHERE id = NEW.id; -- count it; once
END;

CREATE TRIGGER IF NOT EXISTS notes_au AFTER UPDATE OF body ON notes
BEGIN
  INSERT INTO audit (note_id, action)
    VALUES (NEW.id, CASE WHEN NEW.body LIKE '%;%' THEN 'update;semi' ELSE 'update' END);
END;
INSERT INTO notes (id, body) VALUES (1, 'semi;colon');
""")
        self.assertExit(self.migrate("up"), EXIT_OK, r"applied V1__notes\.sql \(5 statements\)")
        self.assertEqual(self.db.query("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"),
                         [("notes_ai",), ("notes_au",)])
        self.db.execute_script("INSERT INTO notes (id, body) VALUES (2, 'plain');"
                               "UPDATE notes SET body = 'x;y' WHERE id = 2;"
                               "UPDATE notes SET body = 'z' WHERE id = 1;")
        self.assertEqual(self.db.query("SELECT note_id, action FROM audit ORDER BY rowid"),
                         [("1", "insert;"), ("2", "insert;"), ("2", "update;semi"), ("1", "update")])
        self.assertEqual(self.db.query("SELECT id, edits FROM notes ORDER BY id"), [("1", "1"), ("2", "1")])

    def test_failing_statement_leaves_nothing_behind(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", FAILING_V2)
        self.write("v3.sql", "CREATE TABLE t3 (id INTEGER);\n")
        result = self.assertExit(self.migrate("up"), EXIT_MIGRATION_FAILED,
                                 re.escape(self.path("v2.sql")) + r":3: migration 2 failed at statement 2 of 3: "
                                 r".*no such table: no_such_table")
        self.assertEqual(self.applied_lines(result.stderr), ["v1.sql"])
        self.assertFalse(self.db.table_exists("f1"), "statement 1 of the failed migration stayed applied")
        self.assertFalse(self.db.table_exists("t3"))
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql")])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "pending"), ("3", "pending")])
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")

        self.write("v2.sql", FIXED_V2)
        result = self.assertExit(self.migrate("up"), EXIT_OK)
        self.assertEqual(self.applied_lines(result.stderr), ["v2.sql", "v3.sql"])
        self.assertEqual(self.db.query("SELECT id FROM f1"), [("1",)])


class MysqlMigrateTest(MigrateScenarios, unittest.TestCase):
    engine = "mysql"

    @classmethod
    def setUpClass(cls):
        cls.server = None
        cls.server_problem = None
        url_file = os.environ.get("STRATA_TEST_MYSQL_URL_FILE")
        if not url_file:
            cls.server_problem = ("STRATA_TEST_MYSQL_URL_FILE is not set: the MySQL migration tests need the "
                                  "MariaDB server of the CTest fixture `mariadb` (run them through ctest, or start "
                                  "scripts/mariadb-test-server.sh start DIR and set STRATA_TEST_MYSQL_URL_FILE=DIR/url)")
        elif not os.path.isfile(url_file):
            cls.server_problem = "STRATA_TEST_MYSQL_URL_FILE=%s: no such file (did the mariadb fixture start?)" % url_file
        else:
            cls.server = MysqlServer.from_url_file(url_file)

    def make_database(self, name=None):
        if self.server_problem:
            self.fail(self.server_problem)
        database = self.server.create_database()
        self.addCleanup(database.drop)
        return database

    def slow_sql(self, table, seconds):
        return "CREATE TABLE %s (x INTEGER);\nSELECT SLEEP(%d);\nINSERT INTO %s (x) VALUES (1);\n" % (
            table, seconds, table)

    def check_slow_table(self, table):
        self.assertEqual(self.db.query("SELECT COUNT(*) FROM %s" % table), [("1",)])

    def check_after_kill(self):
        # MySQL committed statement 1 (CREATE TABLE) before the kill; nothing else of v2 ran.
        self.assertFalse(self.db.table_exists("after_slow"))

    def engine_quotes(self):
        sql = ("INSERT INTO notes (id, body) VALUES (5, 'back\\'slash; \\\\ done'); # hash comment; it's\n"
               "INSERT INTO notes (id, body) VALUES (6, \"double; \"\"quoted\"\"\");\n"
               "INSERT INTO `notes` (`id`, body) VALUES (7, 'tick`;');\n"
               "INSERT INTO notes (id, body) VALUES (8, CONCAT('a', '--', 'b;')); -- a comment;\n")
        return sql, [("5", "back'slash; \\ done"), ("6", 'double; "quoted"'), ("7", "tick`;"), ("8", "a--b;")]

    def test_delimiter_trigger_and_procedure(self):
        self.write("V1__notes.sql", """CREATE TABLE notes (id INTEGER PRIMARY KEY, body VARCHAR(200));
CREATE TABLE audit (note_id INTEGER, action VARCHAR(20));
CREATE TABLE counters (name VARCHAR(20) PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO counters (name, n) VALUES ('notes', 0);

DELIMITER $$
CREATE TRIGGER notes_ai AFTER INSERT ON notes FOR EACH ROW
BEGIN
  INSERT INTO audit (note_id, action) VALUES (NEW.id, 'insert;');
  UPDATE counters SET n = n + 1 WHERE name = 'notes';
END$$

CREATE PROCEDURE add_note(IN p_id INTEGER, IN p_body VARCHAR(200))
BEGIN
  -- a comment inside the body; with a semicolon
  IF p_id > 0 THEN
    INSERT INTO notes (id, body) VALUES (p_id, p_body);
  ELSE
    INSERT INTO notes (id, body) VALUES (-p_id, CONCAT('negated; ', p_body));
  END IF;
END$$
DELIMITER ;

INSERT INTO notes (id, body) VALUES (1, 'semi;colon');
""")
        self.assertExit(self.migrate("up"), EXIT_OK, r"applied V1__notes\.sql \(7 statements\)")
        self.assertEqual(self.db.query("SELECT note_id, action FROM audit"), [("1", "insert;")])
        self.db.execute_script("CALL add_note(2, 'x;y'); CALL add_note(-3, 'z');")
        self.assertEqual(self.db.query("SELECT id, body FROM notes ORDER BY id"),
                         [("1", "semi;colon"), ("2", "x;y"), ("3", "negated; z")])
        self.assertEqual(self.db.query("SELECT note_id, action FROM audit ORDER BY note_id"),
                         [("1", "insert;"), ("2", "insert;"), ("3", "insert;")])
        self.assertEqual(self.db.query("SELECT n FROM counters WHERE name = 'notes'"), [("3",)])

    def fail_v2(self):
        self.write("v1.sql", V1)
        self.write("v2.sql", FAILING_V2)
        self.write("v3.sql", "CREATE TABLE t3 (id INTEGER);\n")
        result = self.assertExit(self.migrate("up"), EXIT_MIGRATION_FAILED,
                                 re.escape(self.path("v2.sql")) + r":3: migration 2 failed at statement 2 of 3: "
                                 r".*no_such_table",
                                 r"statements 1 to 1 were applied")
        self.assertEqual(self.applied_lines(result.stderr), ["v1.sql"])
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql"), ("2", 0, 1, "v2.sql")])
        self.assertTrue(self.db.table_exists("f1"))
        self.assertFalse(self.db.table_exists("t3"))
        report = self.status()
        self.assertEqual([(e["version"], e["state"], e["success"]) for e in report],
                         [("1", "applied", True), ("2", "failed", False), ("3", "pending", None)])
        self.assertExit(self.migrate("validate"), EXIT_VALIDATION, r"v2\.sql failed after 1 statements",
                        stream="stdout")

    def test_failed_migration_resumes_at_the_failed_statement(self):
        self.fail_v2()
        # Failing again at the same statement keeps one failed row.
        self.assertExit(self.migrate("up"), EXIT_MIGRATION_FAILED, r"v2\.sql:3:")
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql"), ("2", 0, 1, "v2.sql")])

        self.write("v2.sql", FIXED_V2)
        plan = self.assertExit(self.migrate("plan"), EXIT_OK, r"-- v2\.sql \(version 2\), resuming at statement 2",
                               stream="stdout")
        self.assertNotIn("CREATE TABLE f1", plan.stdout)
        self.assertEqual(self.states(), [("1", "applied"), ("2", "failed"), ("3", "pending")])

        result = self.assertExit(self.migrate("up"), EXIT_OK, r"resuming v2\.sql at statement 2 of 3")
        self.assertEqual(self.applied_lines(result.stderr), ["v2.sql", "v3.sql"])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "applied"), ("3", "applied")])
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql"), ("2", 1, 3, "v2.sql"), ("3", 1, 1, "v3.sql")])
        self.assertEqual(self.db.query("SELECT id FROM f1"), [("1",)])
        self.assertTrue(self.db.table_exists("f3"))
        self.assertEqual(self.status()[1]["checksum"], checksum(FIXED_V2))
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")

    def test_failed_migration_resumes_after_crlf_checkout(self):
        # Statement 1 spans lines. The migration fails on one machine; a colleague whose
        # checkout has CRLF line endings fixes statement 2. Statement 1 is unchanged (a CRLF
        # checkout is no edit), so up must resume at statement 2.
        failing = ("CREATE TABLE f1 (\n"
                   "  id INTEGER PRIMARY KEY\n"
                   ");\n"
                   "INSERT INTO no_such_table (id) VALUES (1);\n")
        self.write("v1.sql", failing)
        self.assertExit(self.migrate("up"), EXIT_MIGRATION_FAILED, r"v1\.sql:4:")
        self.assertEqual(self.history(), [("1", 0, 1, "v1.sql")])
        self.write("v1.sql", failing.replace("no_such_table", "f1"), newline="\r\n")
        self.assertExit(self.migrate("up"), EXIT_OK, r"resuming v1\.sql at statement 2 of 2")
        self.assertEqual(self.history(), [("1", 1, 2, "v1.sql")])
        self.assertEqual(self.db.query("SELECT id FROM f1"), [("1",)])

    def test_failed_migration_edited_before_the_failure_needs_repair(self):
        self.fail_v2()
        self.write("v2.sql", FIXED_V2.replace("CREATE TABLE f1 (id INTEGER PRIMARY KEY);",
                                              "CREATE TABLE f1 (id INTEGER PRIMARY KEY, extra INTEGER);"))
        self.assertExit(self.migrate("up"), EXIT_MIGRATION_FAILED, r"v2\.sql", r"changed", r"migrate repair")
        self.assertExit(self.migrate("plan"), EXIT_MIGRATION_FAILED, r"migrate repair")
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql"), ("2", 0, 1, "v2.sql")])
        self.assertFalse(self.db.table_exists("t3"))

        self.assertExit(self.migrate("repair"), EXIT_OK, r"removed the failed row of version 2 \(v2\.sql\)",
                        stream="stdout")
        self.assertEqual(self.history(), [("1", 1, 1, "v1.sql")])
        self.assertEqual(self.states(), [("1", "applied"), ("2", "pending"), ("3", "pending")])
        self.assertExit(self.migrate("validate"), EXIT_OK, stream="stdout")
        # The human brings the database in line, then up runs v2 from its start.
        self.db.execute_script("DROP TABLE f1")
        result = self.assertExit(self.migrate("up"), EXIT_OK)
        self.assertEqual(self.applied_lines(result.stderr), ["v2.sql", "v3.sql"])


if __name__ == "__main__":
    unittest.main()
