"""Runs last in the suite (the CTest fixture `test_logs` cleans up with it): every log the
suite's tests left under <build>/test-logs, and the MariaDB fixture's own logs, must hold
none of the test secrets (known_secrets.py: database passwords, AWS secret keys, session
tokens), and no sanitizer may have written a report there (STRATA_SANITIZE=ON builds).

    STRATA_TEST_LOGS_ROOT       <build>/test-logs (one folder per test)
    STRATA_MARIADB_DIR          <build>/mariadb (its *.log files are read too)
    STRATA_TEST_MYSQL_URL_FILE  the fixture's URL, for its random password
"""

import os
import unittest
import urllib.parse

import known_secrets

LOGS_ROOT = os.environ.get("STRATA_TEST_LOGS_ROOT", "")
MARIADB_DIR = os.environ.get("STRATA_MARIADB_DIR", "")
SANITIZER_PREFIX = "sanitizer."  # ASAN_OPTIONS/UBSAN_OPTIONS log_path=<test folder>/sanitizer


def log_files():
    found = []
    for root, _, names in os.walk(LOGS_ROOT):
        found.extend(os.path.join(root, name) for name in names)
    if MARIADB_DIR and os.path.isdir(MARIADB_DIR):
        found.extend(os.path.join(MARIADB_DIR, name) for name in os.listdir(MARIADB_DIR) if name.endswith(".log"))
    return sorted(found)


class TestLogsTest(unittest.TestCase):
    def test_the_suite_left_logs(self):
        # Guards the checks below against passing on nothing (logs gone elsewhere).
        self.assertTrue(LOGS_ROOT, "STRATA_TEST_LOGS_ROOT is not set: run through CTest")
        logs = [path for path in log_files() if path.startswith(LOGS_ROOT)]
        self.assertTrue(logs, "no log under %s: run it with the suite (ctest), whose tests write their logs there"
                        % LOGS_ROOT)

    def test_no_log_holds_a_secret(self):
        secrets = known_secrets.all_secrets()
        if os.environ.get("STRATA_TEST_MYSQL_URL_FILE") and os.path.exists(os.environ["STRATA_TEST_MYSQL_URL_FILE"]):
            self.assertGreater(len(secrets), len(known_secrets.FIXED), "the MariaDB fixture's password was not read")
        needles = {}
        for secret in secrets:
            needles[secret.encode()] = secret
            needles[urllib.parse.quote(secret, safe="").encode()] = secret
        leaks = []
        for path in log_files():
            with open(path, "rb") as log:
                content = log.read()
            for needle, secret in needles.items():
                at = content.find(needle)
                if at >= 0:
                    line = content[content.rfind(b"\n", 0, at) + 1:content.find(b"\n", at) % (len(content) + 1)]
                    masked = line.replace(needle, b"<" + b"*" * 8 + b">").decode("utf-8", "replace")
                    leaks.append("%s: holds the test secret %s...: %s" % (path, secret[:3], masked[:300]))
        self.assertEqual(leaks, [], "secrets in the suite's logs:\n" + "\n".join(leaks))

    def test_no_sanitizer_report(self):
        reports = [path for path in log_files() if os.path.basename(path).startswith(SANITIZER_PREFIX)]
        texts = []
        for path in reports:
            with open(path, "rb") as report:
                texts.append("== %s\n%s" % (path, report.read().decode("utf-8", "replace")[:4000]))
        self.assertEqual(reports, [], "sanitizer reports:\n" + "\n".join(texts))


if __name__ == "__main__":
    unittest.main()
