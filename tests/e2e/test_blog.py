"""End-to-end tests of the example blog app: every route, the gateway around it,
persistence across restarts and concurrent clients."""

import json
import os
import re
import shutil
import sqlite3
import tempfile
import threading
import unittest

from strata_server import BLOG_APP_DIR, ServerTestCase, StrataServer, blog_binary, run_cli, sqlite_migrations

SEED_POST = {
    "id": 1,
    "user_id": "344d117ea9f1",
    "title": "A serverless blogpost with Aurora",
    "slug": "serverless-aurora",
    "description": "This is the description of the post",
    "hits": 0,
    "created_at": None,
    "updated_at": None,
}
POST_KEYS = set(SEED_POST)
COMMENT_KEYS = {"id", "comment_text", "post_id", "created_at", "updated_at"}
DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


def is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


class BlogTestCase(ServerTestCase, unittest.TestCase):
    server_args = ("--threads", "2")

    def setUp(self):
        self.server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR, extra_args=self.server_args)

    def create_post(self, slug, title=None, **fields):
        body = {"title": title or "Post " + slug, "slug": slug}
        body.update(fields)
        status, headers, post = self.server.json_request("POST", "/posts", body)
        self.assertEqual(status, 201, post)
        return post

    def assertMessage(self, status, body, expected_status, *words):
        """An error answer: the status, a JSON {"message"} naming every word."""
        self.assertEqual(status, expected_status, body)
        self.assertIsInstance(body, dict)
        self.assertIn("message", body)
        for word in words:
            self.assertIn(word, body["message"])


class GetPostsTest(BlogTestCase):
    def test_lists_the_seed_post(self):
        status, headers, body = self.server.json_request("GET", "/posts")
        self.assertEqual(status, 200)
        self.assertEqual(headers["Content-Type"], "application/json")
        self.assertEqual(body, {"items": [SEED_POST], "next": None})

    def test_limit_and_next(self):
        second = self.create_post("second")
        status, _, body = self.server.json_request("GET", "/posts?limit=1")
        self.assertEqual(status, 200)
        self.assertEqual([p["id"] for p in body["items"]], [1])
        self.assertEqual(body["next"], "1")
        status, _, body = self.server.json_request("GET", "/posts?limit=1&cursor=1")
        self.assertEqual(status, 200)
        self.assertEqual(body["items"], [second])
        self.assertIsNone(body["next"])
        status, _, body = self.server.json_request("GET", "/posts?limit=100")
        self.assertEqual(status, 200)
        self.assertEqual(len(body["items"]), 2)
        status, _, body = self.server.json_request("GET", "/posts?cursor=%d" % second["id"])
        self.assertEqual((status, body), (200, {"items": [], "next": None}))
        status, _, body = self.server.json_request("GET", "/posts?cursor=9223372036854775807")
        self.assertEqual((status, body), (200, {"items": [], "next": None}))
        status, _, body = self.server.json_request("GET", "/posts?limit=%31&cursor=0")  # %31 is "1"
        self.assertEqual((status, [p["id"] for p in body["items"]], body["next"]), (200, [1], "1"))

    def test_bad_limit_and_cursor(self):
        for query in ("limit=0", "limit=101", "limit=-1", "limit=abc", "limit=", "limit=1.5", "limit=5x"):
            status, _, body = self.server.json_request("GET", "/posts?" + query)
            self.assertMessage(status, body, 400, "limit")
        for query in ("cursor=-1", "cursor=x", "cursor=", "cursor=99999999999999999999"):
            status, _, body = self.server.json_request("GET", "/posts?" + query)
            self.assertMessage(status, body, 400, "cursor")

    def test_pagination_walks_every_post_once(self):
        created = [self.create_post("page-%02d" % i)["id"] for i in range(25)]
        self.assertEqual(len(set(created)), 25)
        seen, pages, cursor = [], 0, None
        while True:
            path = "/posts?limit=10" + ("&cursor=" + cursor if cursor else "")
            status, _, body = self.server.json_request("GET", path)
            self.assertEqual(status, 200, body)
            pages += 1
            self.assertLessEqual(len(body["items"]), 10)
            seen += [post["id"] for post in body["items"]]
            cursor = body["next"]
            if cursor is None:
                break
            self.assertIsInstance(cursor, str)
            self.assertEqual(cursor, str(body["items"][-1]["id"]))
            self.assertLess(pages, 10, "pagination does not end")
        self.assertEqual(pages, 3)
        self.assertEqual(seen, sorted(seen))
        self.assertEqual(len(seen), len(set(seen)), "an id came twice")
        self.assertEqual(set(seen), {1} | set(created))


class GetPostTest(BlogTestCase):
    def test_found(self):
        status, headers, body = self.server.json_request("GET", "/posts/1")
        self.assertEqual(status, 200)
        self.assertEqual(body, SEED_POST)
        self.assertTrue(is_int(body["id"]))

    def test_not_found(self):
        status, headers, body = self.server.json_request("GET", "/posts/999")
        self.assertMessage(status, body, 404, "999")
        self.assertEqual(headers["Content-Type"], "application/json")

    def test_bad_ids(self):
        for bad in ("0", "-1", "abc", "1.5", "1e3", "%20", "99999999999999999999"):
            status, _, body = self.server.json_request("GET", "/posts/" + bad)
            self.assertMessage(status, body, 400, "id")


class CreatePostTest(BlogTestCase):
    def test_created(self):
        status, headers, body = self.server.json_request(
            "POST", "/posts", {"title": "Hello", "slug": "hello", "user_id": "u1", "description": "d"})
        self.assertEqual(status, 201, body)
        self.assertEqual(set(body), POST_KEYS)
        self.assertTrue(is_int(body["id"]))
        self.assertGreater(body["id"], 1)
        self.assertEqual((body["title"], body["slug"], body["user_id"], body["description"], body["hits"]),
                         ("Hello", "hello", "u1", "d", 0))
        self.assertRegex(body["created_at"], DATETIME)
        self.assertEqual(headers["Location"], "/posts/%d" % body["id"])
        status, _, stored = self.server.json_request("GET", headers["Location"])
        self.assertEqual((status, stored), (200, body))

    def test_optional_fields_default_to_null(self):
        post = self.create_post("minimal", title="Minimal")
        self.assertIsNone(post["user_id"])
        self.assertIsNone(post["description"])
        post = self.create_post("nulls", user_id=None, description=None)
        self.assertIsNone(post["user_id"])

    def test_unicode_title_is_stored_and_counted_in_characters(self):
        title = "\u00e9" * 250  # 250 characters, 500 bytes
        post = self.create_post("unicode", title=title)
        self.assertEqual(post["title"], title)
        status, _, body = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual(body["title"], title)

    def test_special_characters_round_trip(self):
        title = "\U0001F600" * 250 + ""  # 250 characters of 4 bytes each
        post = self.create_post("emoji", title=title)
        self.assertEqual(post["title"], title)
        for text in ("nul \u0000 inside", "quote \" backslash \\ tab \t newline \n", "</script>&<>"):
            with self.subTest(text=text):
                status, _, body = self.server.json_request("PUT", "/posts/%d" % post["id"], {"description": text})
                self.assertEqual(status, 200, body)
                self.assertEqual(body["description"], text)
                status, _, body = self.server.json_request("GET", "/posts/%d" % post["id"])
                self.assertEqual(body["description"], text)

    def test_chunked_request_body(self):
        connection = self.server.connect()
        self.addCleanup(connection.close)
        parts = (b'{"title": "Chunked", ', b'"slug": "chunked"}')
        connection.request("POST", "/posts", body=iter(parts), headers={"Content-Type": "application/json"},
                           encode_chunked=True)
        response = connection.getresponse()
        body = json.loads(response.read())
        self.assertEqual(response.status, 201, body)
        self.assertEqual((body["title"], body["slug"]), ("Chunked", "chunked"))

    def test_length_limits(self):
        self.create_post("a" * 20, title="t" * 250)
        status, _, body = self.server.json_request("POST", "/posts", {"title": "t" * 251, "slug": "long-title"})
        self.assertMessage(status, body, 400, "title")
        status, _, body = self.server.json_request("POST", "/posts", {"title": "x", "slug": "b" * 21})
        self.assertMessage(status, body, 400, "slug")

    def test_invalid_fields(self):
        cases = [
            ({"slug": "no-title"}, "title"),
            ({"title": "", "slug": "empty-title"}, "title"),
            ({"title": "   ", "slug": "blank-title"}, "title"),
            ({"title": 42, "slug": "number-title"}, "title"),
            ({"title": "No slug"}, "slug"),
            ({"title": "x", "slug": ""}, "slug"),
            ({"title": "x", "slug": "Upper"}, "slug"),
            ({"title": "x", "slug": "has space"}, "slug"),
            ({"title": "x", "slug": "under_score"}, "slug"),
            ({"title": "x", "slug": ["a"]}, "slug"),
            ({"title": "x", "slug": "ok", "author": "me"}, "author"),
            ({"title": "x", "slug": "ok", "user_id": "u" * 51}, "user_id"),
        ]
        for body, field in cases:
            with self.subTest(body=body):
                status, _, answer = self.server.json_request("POST", "/posts", body)
                self.assertMessage(status, answer, 400, field)
        status, _, body = self.server.json_request("GET", "/posts")
        self.assertEqual(body["items"], [SEED_POST], "a rejected post was stored")

    def test_bad_bodies(self):
        json_header = {"Content-Type": "application/json"}
        for raw in (b"[]", b"\"text\"", b"42", b"null", b"{not json", b"{\"title\": \"x\",}"):
            with self.subTest(body=raw):
                status, _, body = self.server.json_request("POST", "/posts", raw, json_header)
                self.assertMessage(status, body, 400)
        status, _, body = self.server.json_request("POST", "/posts")
        self.assertMessage(status, body, 400, "body")

    def test_duplicate_slug(self):
        self.create_post("dup")
        status, _, body = self.server.json_request("POST", "/posts", {"title": "Again", "slug": "dup"})
        self.assertMessage(status, body, 409, "dup")
        status, _, body = self.server.json_request("POST", "/posts", {"title": "Seed", "slug": "serverless-aurora"})
        self.assertMessage(status, body, 409, "serverless-aurora")


class UpdatePostTest(BlogTestCase):
    def test_partial_update(self):
        post = self.create_post("before", title="Before", description="keep me")
        status, _, body = self.server.json_request("PUT", "/posts/%d" % post["id"], {"title": "After"})
        self.assertEqual(status, 200, body)
        self.assertEqual(body["id"], post["id"])
        self.assertEqual(body["title"], "After")
        self.assertEqual(body["slug"], "before")
        self.assertEqual(body["description"], "keep me")
        self.assertRegex(body["updated_at"], DATETIME)
        status, _, body = self.server.json_request("PUT", "/posts/%d" % post["id"], {"slug": "after"})
        self.assertEqual((status, body["slug"], body["title"]), (200, "after", "After"))
        status, _, stored = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual(stored, body)

    def test_update_seed_post(self):
        status, _, body = self.server.json_request("PUT", "/posts/1", {"description": "changed"})
        self.assertEqual(status, 200, body)
        expected = dict(SEED_POST, description="changed")
        del expected["updated_at"]
        self.assertEqual({k: v for k, v in body.items() if k != "updated_at"}, expected)

    def test_absent(self):
        status, _, body = self.server.json_request("PUT", "/posts/4242", {"title": "x"})
        self.assertMessage(status, body, 404, "4242")

    def test_duplicate_slug(self):
        post = self.create_post("mine")
        status, _, body = self.server.json_request("PUT", "/posts/%d" % post["id"], {"slug": "serverless-aurora"})
        self.assertMessage(status, body, 409, "serverless-aurora")
        status, _, stored = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual(stored["slug"], "mine")

    def test_bad_bodies(self):
        for body, words in (({}, ("nothing to update",)), ({"slug": "Bad Slug"}, ("slug",)),
                            ({"title": ""}, ("title",)), ({"hits": 5}, ("hits",)), ([1], ())):
            with self.subTest(body=body):
                status, _, answer = self.server.json_request("PUT", "/posts/1", body)
                self.assertMessage(status, answer, 400, *words)
        status, _, answer = self.server.json_request("PUT", "/posts/abc", {"title": "x"})
        self.assertMessage(status, answer, 400, "id")
        status, _, stored = self.server.json_request("GET", "/posts/1")
        self.assertEqual(stored, SEED_POST)


class DeletePostTest(BlogTestCase):
    def test_delete(self):
        post = self.create_post("doomed")
        status, headers, body = self.server.request("DELETE", "/posts/%d" % post["id"])
        self.assertEqual(status, 204)
        self.assertEqual(body, b"")
        self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
        status, _, answer = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual(status, 404)
        status, _, answer = self.server.json_request("DELETE", "/posts/%d" % post["id"])
        self.assertMessage(status, answer, 404, str(post["id"]))

    def test_absent_and_bad_id(self):
        status, _, answer = self.server.json_request("DELETE", "/posts/777")
        self.assertMessage(status, answer, 404, "777")
        status, _, answer = self.server.json_request("DELETE", "/posts/x")
        self.assertMessage(status, answer, 400, "id")

    def test_delete_removes_comments(self):
        post = self.create_post("with-comments")
        for text in ("one", "two"):
            status, _, _ = self.server.json_request("POST", "/posts/%d/comments" % post["id"], {"comment_text": text})
            self.assertEqual(status, 201)
        status, _, _ = self.server.json_request("POST", "/posts/1/comments", {"comment_text": "on the seed"})
        self.assertEqual(status, 201)
        status, _, _ = self.server.request("DELETE", "/posts/%d" % post["id"])
        self.assertEqual(status, 204)
        status, _, answer = self.server.json_request("GET", "/posts/%d/comments" % post["id"])
        self.assertEqual(status, 404)
        with sqlite3.connect(self.server.db_path) as db:
            left = db.execute("SELECT post_id, comment_text FROM comments ORDER BY id").fetchall()
        self.assertEqual(left, [(1, "on the seed")])


class CommentsTest(BlogTestCase):
    def test_empty_list(self):
        status, _, body = self.server.json_request("GET", "/posts/1/comments")
        self.assertEqual((status, body), (200, {"items": []}))

    def test_create_and_list(self):
        status, _, first = self.server.json_request("POST", "/posts/1/comments", {"comment_text": "First!"})
        self.assertEqual(status, 201, first)
        self.assertEqual(set(first), COMMENT_KEYS)
        self.assertTrue(is_int(first["id"]))
        self.assertEqual((first["comment_text"], first["post_id"]), ("First!", 1))
        self.assertTrue(is_int(first["post_id"]))
        self.assertRegex(first["created_at"], DATETIME)
        status, _, second = self.server.json_request("POST", "/posts/1/comments", {"comment_text": "Second"})
        self.assertEqual(status, 201)
        status, _, body = self.server.json_request("GET", "/posts/1/comments")
        self.assertEqual((status, body), (200, {"items": [first, second]}))

    def test_errors(self):
        status, _, body = self.server.json_request("POST", "/posts/1/comments", {})
        self.assertMessage(status, body, 400, "comment_text")
        status, _, body = self.server.json_request("POST", "/posts/1/comments", {"comment_text": "  "})
        self.assertMessage(status, body, 400, "comment_text")
        status, _, body = self.server.json_request("POST", "/posts/1/comments", {"comment_text": "x", "x": 1})
        self.assertMessage(status, body, 400, "x")
        status, _, body = self.server.json_request("POST", "/posts/1/comments", b"nope",
                                                   {"Content-Type": "application/json"})
        self.assertMessage(status, body, 400)
        status, _, body = self.server.json_request("POST", "/posts/555/comments", {"comment_text": "lost"})
        self.assertMessage(status, body, 404, "555")
        status, _, body = self.server.json_request("GET", "/posts/555/comments")
        self.assertMessage(status, body, 404, "555")
        status, _, body = self.server.json_request("GET", "/posts/0/comments")
        self.assertMessage(status, body, 400, "id")
        status, _, body = self.server.json_request("GET", "/posts/1/comments")
        self.assertEqual(body, {"items": []})


class GatewayTest(BlogTestCase):
    server_args = ("--threads", "2", "--body-limit", "1024")

    def test_unknown_path(self):
        for path in ("/nope", "/posts/1/comments/2", "/", "/postsx"):
            with self.subTest(path=path):
                status, headers, body = self.server.json_request("GET", path)
                self.assertMessage(status, body, 404)
                self.assertEqual(headers["Content-Type"], "application/json")
                self.assertEqual(headers["Access-Control-Allow-Origin"], "*")

    def test_method_not_allowed(self):
        cases = (("PATCH", "/posts/1", {"GET", "PUT", "DELETE"}), ("DELETE", "/posts", {"GET", "POST"}),
                 ("PUT", "/posts/1/comments", {"GET", "POST"}))
        for method, path, allowed in cases:
            with self.subTest(method=method, path=path):
                status, headers, body = self.server.json_request(method, path)
                self.assertMessage(status, body, 405, method)
                self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
                allow = {m.strip() for m in headers["Allow"].split(",")}
                self.assertLessEqual(allowed, allow)
                self.assertNotIn(method, allow)

    def test_cors_preflight(self):
        for path in ("/posts", "/posts/1", "/posts/1/comments"):
            with self.subTest(path=path):
                status, headers, body = self.server.request("OPTIONS", path, headers={
                    "Origin": "https://somewhere.example", "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "Content-Type"})
                self.assertEqual(status, 204)
                self.assertEqual(body, b"")
                self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
                methods = {m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")}
                self.assertLessEqual({"GET", "POST", "PUT", "DELETE", "OPTIONS"}, methods)
                self.assertIn("Content-Type", headers["Access-Control-Allow-Headers"].split(","))
                self.assertEqual(headers["Access-Control-Max-Age"], "600")
        status, _, _ = self.server.request("OPTIONS", "/unknown")
        self.assertEqual(status, 404)

    def test_every_response_has_allow_origin(self):
        answers = [
            self.server.request("GET", "/posts"),
            self.server.request("GET", "/posts/1", headers={"Origin": "https://x.example"}),
            self.server.request("POST", "/posts", {"title": "c", "slug": "cors"}),
            self.server.request("POST", "/posts", {"title": "c"}),
            self.server.request("GET", "/posts/99"),
            self.server.request("GET", "/missing"),
        ]
        self.assertEqual([a.status for a in answers], [200, 200, 201, 400, 404, 404])
        for answer in answers:
            self.assertEqual(answer.headers["Access-Control-Allow-Origin"], "*")
            self.assertEqual(answer.headers.get_all("Access-Control-Allow-Origin"), ["*"])

    def test_body_limit(self):
        description = "d" * 2000
        status, headers, body = self.server.json_request(
            "POST", "/posts", {"title": "big", "slug": "big", "description": description})
        self.assertMessage(status, body, 413, "1024")
        self.assertEqual(headers["Content-Type"], "application/json")
        # Within the limit all is well, on a new connection.
        post = self.create_post("small", description="d" * 500)
        self.assertEqual(len(post["description"]), 500)
        status, _, listing = self.server.json_request("GET", "/posts")
        self.assertNotIn("big", [p["slug"] for p in listing["items"]])

    def test_body_limit_with_chunked_body(self):
        connection = self.server.connect()
        self.addCleanup(connection.close)
        chunks = (b"x" * 600 for _ in range(3))  # no Content-Length: the limit trips while reading
        connection.request("POST", "/posts", body=chunks, headers={"Content-Type": "application/json"},
                           encode_chunked=True)
        response = connection.getresponse()
        body = json.loads(response.read())
        self.assertMessage(response.status, body, 413, "1024")
        status, _, _ = self.server.request("GET", "/posts/1")
        self.assertEqual(status, 200)

    def test_body_limit_answer_has_cors_header(self):
        # "Every response has Access-Control-Allow-Origin": the 413 too, or a browser
        # cannot read why its upload failed.
        status, headers, body = self.server.json_request(
            "POST", "/posts", {"title": "big", "slug": "big", "description": "d" * 2000},
            {"Origin": "https://writer.example"})
        self.assertEqual(status, 413)
        self.assertEqual(headers["Access-Control-Allow-Origin"], "*")

    def test_access_log(self):
        self.server.request("GET", "/posts?limit=5")
        self.server.request("GET", "/nowhere")
        self.assertTrue(self.server.wait_for_log(r"GET /posts\?limit=5 200 get_posts \d+us"), self.server.log())
        self.assertTrue(self.server.wait_for_log(r"GET /nowhere 404 - \d+us"), self.server.log())


class RestartTest(ServerTestCase, unittest.TestCase):
    def test_data_survives_a_restart_and_migrations_run_once(self):
        first = self.start_server(blog_binary(), cwd=BLOG_APP_DIR)
        db_path = first.db_path
        log = first.log()
        migrations = sqlite_migrations(BLOG_APP_DIR)
        self.assertEqual(migrations[:2], [("1", "v1.sql"), ("2", "v2.sql")])
        for _, script in migrations:
            self.assertEqual(len(re.findall(r"migrate: applied %s \(\d+ statements?\)" % re.escape(script), log)), 1,
                             log)
        self.assertRegex(log, r"listening on http://127\.0\.0\.1:%d \(7 routes, database sqlite:%s, \d+ threads\)"
                         % (first.port, re.escape(db_path)))
        created = []
        for i in range(3):
            status, _, post = first.json_request("POST", "/posts", {"title": "Kept %d" % i, "slug": "kept-%d" % i})
            self.assertEqual(status, 201)
            created.append(post)
        status, _, _ = first.json_request("POST", "/posts/%d/comments" % created[0]["id"], {"comment_text": "c"})
        self.assertEqual(status, 201)
        first.stop()
        self.assertIn("serve: terminated, stopping", first.log())

        second = self.start_server(blog_binary(), cwd=BLOG_APP_DIR, db_path=db_path)
        log = second.log()
        self.assertNotIn("migrate: applied", log)
        self.assertRegex(log, r"migrate: database is up to date \((?:scripts up to )?version %s\)"
                         % re.escape(migrations[-1][0]))
        status, _, body = second.json_request("GET", "/posts")
        self.assertEqual(status, 200)
        self.assertEqual(body["items"], [SEED_POST] + created)
        status, _, body = second.json_request("GET", "/posts/%d/comments" % created[0]["id"])
        self.assertEqual([c["comment_text"] for c in body["items"]], ["c"])
        second.stop()

        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "status", "--json"],
                         env={"STRATA_DB": "sqlite:" + db_path})
        self.assertEqual(result.returncode, 0, result.stderr)
        status = json.loads(result.stdout)
        # v1 and v2 (and any later script for SQLite) listed once each, all applied.
        self.assertEqual([(e["version"], e["script"], e["state"]) for e in status],
                         [(version, script, "applied") for version, script in migrations])
        for entry in status:
            self.assertRegex(entry["appliedAt"], DATETIME)
            self.assertRegex(entry["checksum"], r"^[0-9a-f]{64}$")
        with sqlite3.connect(db_path) as db:
            rows = db.execute("SELECT version, success FROM strata_schema_history ORDER BY installed_rank").fetchall()
        self.assertEqual(rows, [(version, 1) for version, _ in migrations])

    def test_migrate_status_from_the_app_folder(self):
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR)
        server.stop()
        result = run_cli(blog_binary(), ["migrate", "status", "--json"], cwd=BLOG_APP_DIR,
                         env={"STRATA_DB": "sqlite:" + server.db_path})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([(e["version"], e["state"]) for e in json.loads(result.stdout)],
                         [(version, "applied") for version, _ in sqlite_migrations(BLOG_APP_DIR)])


class ConcurrentStartTest(ServerTestCase, unittest.TestCase):
    ROUNDS = 3
    SERVERS = 4

    def test_servers_starting_together_on_a_new_database(self):
        # Several servers (say, a restart overlapping a deploy) opening one new database
        # at once: every one must start, and each migration be applied exactly once.
        migrations = sqlite_migrations(BLOG_APP_DIR)
        workdir = tempfile.mkdtemp(prefix="strata-e2e-start-")
        self.addCleanup(shutil.rmtree, workdir, True)
        for round_number in range(self.ROUNDS):
            db_path = os.path.join(workdir, "round-%d.db" % round_number)
            servers = [StrataServer(blog_binary(), cwd=BLOG_APP_DIR, db_path=db_path, extra_args=["--threads", "1"])
                       for _ in range(self.SERVERS)]
            failures = []

            def start(server):
                try:
                    server.start()
                except AssertionError as error:
                    failures.append(str(error))
            for server in servers:
                self.addCleanup(server.cleanup)
            threads = [threading.Thread(target=start, args=(server,)) for server in servers]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(20)
            self.assertEqual(failures, [], "round %d" % round_number)
            applied = sum(len(re.findall(r"migrate: applied v", server.log())) for server in servers)
            self.assertEqual(applied, len(migrations), "each migration is applied by exactly one server")
            for server in servers:
                status, _, body = server.json_request("GET", "/posts/1")
                self.assertEqual((status, body), (200, SEED_POST))
            for server in servers:
                server.stop()
            with sqlite3.connect(db_path) as db:
                rows = db.execute("SELECT version FROM strata_schema_history ORDER BY installed_rank").fetchall()
            self.assertEqual([row[0] for row in rows], [version for version, _ in migrations])


class ConcurrencyTest(ServerTestCase, unittest.TestCase):
    THREADS = 8
    REQUESTS = 50

    def test_concurrent_reads_and_writes(self):
        server = self.start_server(blog_binary(), cwd=BLOG_APP_DIR, extra_args=["--threads", "4", "--quiet"])
        results = [[] for _ in range(self.THREADS)]
        errors = []

        def client(index):
            connection = server.connect()
            try:
                for i in range(self.REQUESTS):
                    if i % 2 == 0:
                        body = json.dumps({"title": "t%d-%d" % (index, i), "slug": "c-%d-%d" % (index, i)})
                        connection.request("POST", "/posts", body, {"Content-Type": "application/json"})
                    else:
                        connection.request("GET", "/posts?limit=5" if i % 4 == 1 else "/posts/1")
                    response = connection.getresponse()
                    data = response.read()
                    results[index].append((i, response.status, data))
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append("client %d: %r" % (index, error))
            finally:
                connection.close()

        threads = [threading.Thread(target=client, args=(n,)) for n in range(self.THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        self.assertEqual(errors, [])
        ids = []
        for index, answers in enumerate(results):
            self.assertEqual(len(answers), self.REQUESTS)
            for i, status, data in answers:
                expected = 201 if i % 2 == 0 else 200
                self.assertEqual(status, expected, "client %d request %d: %r" % (index, i, data))
                body = json.loads(data)
                if i % 2 == 0:
                    self.assertEqual(body["slug"], "c-%d-%d" % (index, i))
                    ids.append(body["id"])
        total = self.THREADS * self.REQUESTS // 2
        self.assertEqual(len(ids), total)
        self.assertEqual(len(set(ids)), total, "duplicated ids")
        seen, cursor = [], "0"
        while cursor is not None:
            status, _, page = server.json_request("GET", "/posts?limit=100&cursor=" + cursor)
            self.assertEqual(status, 200)
            seen += [p["id"] for p in page["items"]]
            cursor = page["next"]
        self.assertEqual(sorted(seen), sorted(ids + [1]))


if __name__ == "__main__":
    unittest.main()
