"""The blog's SQLite file on a full disk: a small tmpfs that fills up under the running blog.

Writes must fail with 507 (or 503) and a log line saying why, reads must keep working, writes
must work again once there is room (no restart), and the file must pass
`PRAGMA integrity_check` afterwards.

The tmpfs is mounted in a mount namespace of the blog's own (`unshare -rm`, or `unshare -m`
as root), so nothing is left mounted on the machine whatever happens; the test reaches the
files through /proc/<pid>/root. Only when this machine allows neither (no user namespaces,
not root) is the test skipped, and it says so.
"""

import errno
import os
import shutil
import sqlite3
import subprocess
import tempfile
import unittest

from strata_server import BLOG_APP_DIR, ServerTestCase, SqliteDatabase, StrataServer, blog_binary

FILESYSTEM_KB = 1024
DESCRIPTION = "x" * 60000  # the blog takes up to 65535 characters: a few posts fill a page-sized gap
MOUNT = 'mount -t tmpfs -o size=%dk tmpfs "$0" && exec "$@"'


def namespace_command():
    """The unshare command that can mount a tmpfs here, or (None, why not)."""
    folder = tempfile.mkdtemp(prefix="strata-e2e-unshare-probe-")
    try:
        reasons = []
        for command in (["unshare", "-rm"], ["unshare", "-m"]):
            result = subprocess.run(command + ["sh", "-c", MOUNT % 64, folder, "true"], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20)
            if result.returncode == 0:
                return command, None
            reasons.append("%s: %s" % (" ".join(command), result.stdout.strip() or "exit %d" % result.returncode))
        return None, "; ".join(reasons)
    except FileNotFoundError:
        return None, "no unshare command (util-linux)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class SmallDiskServer(StrataServer):
    """The blog with its SQLite file in `folder`, where a tmpfs of FILESYSTEM_KB is mounted in
    a mount namespace that lives as long as the blog."""

    def __init__(self, unshare, folder, **options):
        self.unshare = unshare
        self.folder = folder
        super().__init__(blog_binary(), cwd=BLOG_APP_DIR, database=SqliteDatabase(os.path.join(folder, "blog.db")),
                         **options)

    def command(self):
        return self.unshare + ["sh", "-c", MOUNT % FILESYSTEM_KB, self.folder] + super().command()

    def seen(self, name):
        """The path of `name` in the blog's folder as the blog sees it (on its tmpfs)."""
        return "/proc/%d/root%s/%s" % (self.process.pid, self.folder, name)


class FullDiskTest(ServerTestCase, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.unshare, cls.why_not = namespace_command()

    def setUp(self):
        if self.unshare is None:
            self.skipTest("cannot mount a small tmpfs on this machine (needs root or user namespaces): " + self.why_not)
        self.folder = tempfile.mkdtemp(prefix="strata-e2e-full-disk-")
        self.addCleanup(shutil.rmtree, self.folder, True)
        self.server = SmallDiskServer(self.unshare, self.folder)
        self.addCleanup(self.server.cleanup)
        self.server.start()
        self.addCleanup(self.server.stop)
        self.assertTrue(os.path.exists(self.server.seen("blog.db")), "the database is not on the tmpfs")

    def fill(self):
        """Fills the tmpfs with a file of its own; returns its path."""
        filler = self.server.seen("filler")
        chunk = b"\0" * 65536
        with open(filler, "wb", buffering=0) as out:
            while True:
                try:
                    out.write(chunk)
                except OSError as error:
                    self.assertEqual(error.errno, errno.ENOSPC, error)
                    break
        # Whatever is left is smaller than a chunk: take it too, a page at a time.
        with open(filler, "ab", buffering=0) as out:
            try:
                while True:
                    out.write(b"\0" * 4096)
            except OSError as error:
                self.assertEqual(error.errno, errno.ENOSPC, error)
        return filler

    def post(self, number):
        return self.server.request("POST", "/posts", {"title": "Post %d" % number, "slug": "post-%d" % number,
                                                      "description": DESCRIPTION})

    def integrity_check(self):
        # Read-write: a read-only open of a WAL database needs more than SQLite finds through /proc.
        connection = sqlite3.connect(self.server.seen("blog.db"), timeout=10)
        try:
            return connection.execute("PRAGMA integrity_check").fetchall()
        finally:
            connection.close()

    def test_writes_fail_with_507_reads_go_on_and_nothing_is_corrupt(self):
        status, _, _ = self.post(0)
        self.assertEqual(status, 201)
        filler = self.fill()

        # SQLite reuses the room its WAL already has before it needs more: write until it runs out.
        stored, refused = [], None
        for number in range(1, 200):
            status, _, body = self.post(number)
            if status == 201:
                stored.append(number)
                continue
            refused = (status, body)
            break
        self.assertIsNotNone(refused, "199 posts of 60 KB fit on a full %d KB tmpfs?" % FILESYSTEM_KB)
        status, body = refused
        self.assertIn(status, (507, 503), body)
        self.assertIn(b"out of space" if status == 507 else b"unavailable", body)
        # The log says which function failed and why, in SQLite's words.
        self.assertTrue(self.server.wait_for_log(r"function create_post failed: database error: .*(disk is full|full)"),
                        self.server.log())
        # Another write is refused the same way, and the server answers on.
        self.assertIn(self.post(1000)[0], (507, 503))

        # Reads keep working: the list, and each post that was stored.
        status, _, listing = self.server.json_request("GET", "/posts?limit=100")
        self.assertEqual(status, 200)
        titles = {item["title"] for item in listing["items"]}
        for number in [0] + stored:
            self.assertIn("Post %d" % number, titles)
        self.assertNotIn("Post %d" % (stored[-1] + 1 if stored else 1), titles)
        self.assertEqual(self.integrity_check(), [("ok",)])

        # Room again: writes work with no restart.
        os.remove(filler)
        status, _, _ = self.post(2000)
        self.assertEqual(status, 201, self.server.log())
        self.assertEqual(self.server.json_request("GET", "/posts?limit=100")[0], 200)
        self.assertEqual(self.integrity_check(), [("ok",)])


if __name__ == "__main__":
    unittest.main()
