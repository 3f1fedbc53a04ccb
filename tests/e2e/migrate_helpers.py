"""Helpers for test_migrate_cli.py: the `strata` and `blog` binaries, and the two
databases the migration engine runs on, SQLite (read with Python's sqlite3) and
MariaDB (read with the `mariadb` command-line client).

Standard library only.
"""

import os
import re
import subprocess
import threading
import time

from databases import MysqlServer, SqliteDatabase  # noqa: F401 (for the tests)
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
