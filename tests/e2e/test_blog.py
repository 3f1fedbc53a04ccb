"""End-to-end tests of the example blog app: every route, the gateway around it,
persistence across restarts and concurrent clients.

The suite runs in the mode the environment names (strata_server.e2e_mode):
    STRATA_E2E_DB=sqlite (default) | mysql   a fresh SQLite file, or a fresh database on the
                                             MariaDB server of $STRATA_TEST_MYSQL_URL_FILE
    STRATA_E2E_LAMBDA=0 (default) | 1        functions in-process, or `serve --lambda`
    STRATA_E2E_API=rest (default) | http     the blog as a REST API (payload 1.0), or as an
                                             HTTP API (payload 2.0): the same function code
Every answer must be the same in every mode, but for what API Gateway itself answers, which
differs between REST and HTTP APIs (404/405, CORS). CTest runs every mode (tests/e2e/CMakeLists.txt).
"""

import json
import os
import re
import threading
import unittest

from strata_server import (BLOG_APP_DIR, DATA_API_ENV, ServerTestCase, blog_binary, blog_token, e2e_mode,
                           engine_migrations, run_cli)

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
        self.server = self.start_blog(extra_args=self.server_args)

    def create_post(self, slug, title=None, **fields):
        body = {"title": title or "Post " + slug, "slug": slug}
        body.update(fields)
        status, headers, post = self.server.json_request("POST", "/posts", body)
        self.assertEqual(status, 201, post)
        return post

    def assertAllowOrigin(self, headers, origin_sent):
        """A REST API's CORS adds Access-Control-Allow-Origin: * to every answer; an HTTP API's
        only to requests that carry an Origin."""
        if e2e_mode().api == "http" and not origin_sent:
            self.assertNotIn("Access-Control-Allow-Origin", headers)
        else:
            self.assertEqual(headers.get_all("Access-Control-Allow-Origin"), ["*"])

    def assertMessage(self, status, body, expected_status, *words):
        """An error answer: the status, a JSON {"message"} naming every word."""
        self.assertEqual(status, expected_status, body)
        self.assertIsInstance(body, dict)
        self.assertIn("message", body)
        for word in words:
            self.assertIn(word, body["message"])


class WriteAuthTest(BlogTestCase):
    """The write routes take a JWT of the `writers` authorizer; reads stay open."""

    WRITES = (("POST", "/posts", {"title": "t", "slug": "denied"}), ("PUT", "/posts/1", {"title": "changed"}),
              ("DELETE", "/posts/1", None), ("POST", "/posts/1/comments", {"comment_text": "denied"}))

    def assertRefused(self, authorization, status=401):
        for method, path, body in self.WRITES:
            with self.subTest(method=method, path=path):
                got, headers, answer = self.server.json_request(
                    method, path, body, {"Authorization": authorization, "Origin": "https://reader.example"})
                self.assertEqual((got, answer), (status, {"message": "Unauthorized"}))
                self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
        status, _, listing = self.server.json_request("GET", "/posts")
        self.assertEqual(listing, {"items": [SEED_POST], "next": None}, "a refused write changed something")
        status, _, comments = self.server.json_request("GET", "/posts/1/comments")
        self.assertEqual(comments, {"items": []}, "a refused write changed something")

    def test_writes_without_a_token_are_401(self):
        self.assertRefused(None)
        self.assertRefused("Bearer ")

    def test_expired_wrongly_signed_and_foreign_tokens_are_401(self):
        self.assertRefused("Bearer " + blog_token(ttl=-120))
        self.assertRefused("Bearer " + blog_token(secret="not-the-blog-secret"))
        self.assertRefused("Bearer " + blog_token(aud="another-api"))
        self.assertRefused("Bearer " + blog_token(iss="https://evil.example"))

    def test_reads_need_no_token(self):
        for path in ("/posts", "/posts/1", "/posts/1/comments"):
            status, _, _ = self.server.json_request("GET", path, headers={"Authorization": None})
            self.assertEqual(status, 200, path)

    def test_a_good_token_writes(self):
        status, _, post = self.server.json_request("POST", "/posts", {"title": "t", "slug": "allowed"},
                                                   {"Authorization": "Bearer " + blog_token(sub="alice")})
        self.assertEqual(status, 201, post)


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

    def test_description_limit_counts_characters(self):
        # The limit is 65535 characters, as the 400 says, whatever their size in bytes: on
        # every engine (a MySQL TEXT column holds 65535 bytes, not characters).
        description = "\u00e9" * 65535  # 131070 bytes
        status, _, post = self.server.json_request("POST", "/posts", {"title": "Long", "slug": "long-description",
                                                                       "description": description})
        self.assertEqual(status, 201, post)
        self.assertEqual(post["description"], description)
        status, _, body = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual((status, body["description"]), (200, description))
        status, _, body = self.server.json_request("PUT", "/posts/1", {"description": "\U0001F600" * 65535})
        self.assertEqual(status, 200, body)
        self.assertEqual(len(body["description"]), 65535)
        status, _, body = self.server.json_request("POST", "/posts", {"title": "Longer", "slug": "longer",
                                                                       "description": "a" * 65536})
        self.assertMessage(status, body, 400, "description")

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
        connection.request("POST", "/posts", body=iter(parts),
                           headers=dict(self.server.default_headers, **{"Content-Type": "application/json"}),
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
        self.assertAllowOrigin(headers, origin_sent=False)
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
        left = self.server.database.query("SELECT post_id, comment_text FROM comments ORDER BY id")
        self.assertEqual(left, [("1", "on the seed")])


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

    def test_long_comment(self):
        # No limit is documented for a comment: a long one is stored, or refused with a 400
        # that says why; never a server error.
        text = "c" * 70000
        status, _, body = self.server.json_request("POST", "/posts/1/comments", {"comment_text": text})
        if status == 201:
            self.assertEqual(body["comment_text"], text)
            status, _, listing = self.server.json_request("GET", "/posts/1/comments")
            self.assertEqual([c["comment_text"] for c in listing["items"]], [text])
        else:
            self.assertMessage(status, body, 400, "comment_text")

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
                if e2e_mode().api == "http":
                    self.assertEqual(body, {"message": "Not Found"})  # an HTTP API's own answer
                self.assertEqual(headers["Content-Type"], "application/json")
                self.assertAllowOrigin(headers, origin_sent=False)

    def test_method_not_allowed(self):
        cases = (("PATCH", "/posts/1", {"GET", "PUT", "DELETE"}), ("DELETE", "/posts", {"GET", "POST"}),
                 ("PUT", "/posts/1/comments", {"GET", "POST"}))
        for method, path, allowed in cases:
            with self.subTest(method=method, path=path):
                status, headers, body = self.server.json_request(method, path)
                self.assertAllowOrigin(headers, origin_sent=False)
                if e2e_mode().api == "http":
                    # An HTTP API has routes "METHOD /path", no 405: no route, 404.
                    self.assertEqual((status, body), (404, {"message": "Not Found"}))
                    self.assertNotIn("Allow", headers)
                    continue
                self.assertMessage(status, body, 405, method)
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
        for index, answer in enumerate(answers):
            self.assertAllowOrigin(answer.headers, origin_sent=index == 1)

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
        connection.request("POST", "/posts", body=chunks,
                           headers=dict(self.server.default_headers, **{"Content-Type": "application/json"}),
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


class ModeTest(ServerTestCase, unittest.TestCase):
    """The server really runs in the mode the environment names."""

    FUNCTIONS = {"get_posts", "create_post", "get_post", "update_post", "delete_post", "get_comments",
                 "create_comment"}

    def test_serves_in_the_mode(self):
        mode = e2e_mode()
        server = self.start_blog()
        # Through the Data API the statements still run on MariaDB.
        self.assertEqual(server.database.engine, "mysql" if mode.engine == "dataapi" else mode.engine)
        self.assertRegex(server.log(), r"listening on http://127\.0\.0\.1:%d \(7 routes, %sdatabase %s, \d+ threads\)"
                         % (server.port, "HTTP API, " if mode.api == "http" else "",
                            re.escape(server.database.description)))
        post = self.create_post(server)
        self.assertEqual(server.database.query("SELECT id, slug FROM posts ORDER BY id"),
                         [("1", "serverless-aurora"), (str(post["id"]), "mode")])
        handlers = set()
        for pid in server.children():
            try:
                with open("/proc/%d/environ" % pid, "rb") as environ:
                    variables = environ.read().split(b"\0")
            except OSError:
                continue
            handlers |= {v[len(b"_HANDLER="):].decode() for v in variables if v.startswith(b"_HANDLER=")}
        if mode.lambda_:
            self.assertEqual(handlers, self.FUNCTIONS, "with --lambda every function has warm processes")
        else:
            self.assertEqual(server.children(), set(), "in-process: no function processes")

    def create_post(self, server):
        status, _, post = server.json_request("POST", "/posts", {"title": "Mode", "slug": "mode"})
        self.assertEqual(status, 201, post)
        return post


class ParityTest(ServerTestCase, unittest.TestCase):
    """Functions in-process and behind `serve --lambda` answer byte for byte alike: the same
    requests, on two fresh databases of the mode's engine, to a server in the environment's
    mode and to one with the other choice of --lambda."""

    ARGS = ["--threads", "2", "--body-limit", "4096"]
    JSON = {"Content-Type": "application/json"}
    REQUESTS = [
        ("GET", "/posts", None, {}),
        ("GET", "/posts?limit=1", None, {}),
        ("GET", "/posts?limit=1&cursor=1", None, {}),
        ("GET", "/posts?limit=%31&cursor=0", None, {}),
        ("GET", "/posts?limit=1&limit=2", None, {}),
        ("GET", "/posts?limit=abc", None, {}),
        ("GET", "/posts?cursor=-1", None, {}),
        ("GET", "/posts?cursor=99999999999999999999", None, {}),
        ("GET", "/posts/1", None, {"Origin": "https://reader.example"}),
        ("GET", "/posts/999", None, {}),
        ("GET", "/posts/abc", None, {}),
        ("GET", "/posts/%20", None, {}),
        ("POST", "/posts", {"title": "Hello", "slug": "hello", "user_id": "u1", "description": "d"}, {}),
        ("POST", "/posts", {"title": "Again", "slug": "hello"}, {}),
        ("POST", "/posts", {"title": "No slug"}, {}),
        ("POST", "/posts", {"title": "x", "slug": "ok", "author": "me"}, {}),
        ("POST", "/posts", b"{not json", JSON),
        ("POST", "/posts", b"[]", JSON),
        ("POST", "/posts", b"\xff\xfe not UTF-8", {"Content-Type": "application/octet-stream"}),
        ("POST", "/posts", None, {}),
        ("POST", "/posts", {"title": "\U0001F600" * 250, "slug": "emoji"}, {}),
        ("POST", "/posts", {"title": "t" * 251, "slug": "long"}, {}),
        ("POST", "/posts", {"title": "Odd", "slug": "odd", "description": "nul \u0000 \" \\ \t\n </script>&"}, {}),
        ("POST", "/posts", {"title": "Big", "slug": "big", "description": "d" * 5000}, {}),
        ("PUT", "/posts/2", {"title": "After"}, {}),
        ("PUT", "/posts/2", {}, {}),
        ("PUT", "/posts/2", {"hits": 5}, {}),
        ("PUT", "/posts/2", {"slug": "serverless-aurora"}, {}),
        ("PUT", "/posts/4242", {"title": "x"}, {}),
        ("PUT", "/posts/abc", {"title": "x"}, {}),
        ("GET", "/posts/2", None, {}),
        ("POST", "/posts/2/comments", {"comment_text": "First!"}, {}),
        ("POST", "/posts/2/comments", {"comment_text": "Second"}, {}),
        ("POST", "/posts/2/comments", {"comment_text": "  "}, {}),
        ("POST", "/posts/2/comments", {"comment_text": "x", "x": 1}, {}),
        ("POST", "/posts/555/comments", {"comment_text": "lost"}, {}),
        ("GET", "/posts/2/comments", None, {}),
        ("GET", "/posts/555/comments", None, {}),
        ("GET", "/posts/0/comments", None, {}),
        ("DELETE", "/posts/2", None, {}),
        ("DELETE", "/posts/2", None, {}),
        ("DELETE", "/posts/x", None, {}),
        ("GET", "/posts/2/comments", None, {}),
        ("PATCH", "/posts/1", None, {}),
        ("DELETE", "/posts", None, {}),
        ("HEAD", "/posts/1", None, {}),
        ("OPTIONS", "/posts/1", None, {"Origin": "https://somewhere.example", "Access-Control-Request-Method": "PUT"}),
        ("GET", "/nope", None, {}),
        ("GET", "/posts?limit=100", None, {}),
    ]

    def answers(self, server):
        answers = []
        for method, path, body, headers in self.REQUESTS:
            status, response_headers, data = server.request(method, path, body, headers)
            data = re.sub(rb'"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"', b'"<datetime>"', data)
            # An HTTP API names each answer's request: a fresh id every time.
            headers = sorted((name, "<request id>" if name.lower() == "apigw-requestid" else value)
                             for name, value in response_headers.items())
            answers.append(((method, path), status, headers, data))
        return answers

    def test_in_process_and_lambda_answer_alike(self):
        mode = e2e_mode()
        server = self.start_blog(extra_args=self.ARGS)
        reference = self.start_blog(mode=mode._replace(lambda_=not mode.lambda_), extra_args=self.ARGS)
        self.assertNotEqual(server.lambda_mode, reference.lambda_mode)
        ours, theirs = self.answers(server), self.answers(reference)
        self.assertEqual(len(ours), len(self.REQUESTS))
        for mine, other in zip(ours, theirs):
            with self.subTest(request=mine[0]):
                self.assertEqual(mine, other, "%s (lambda=%s) vs %s (lambda=%s)"
                                 % (mode.name, server.lambda_mode, mode.engine, reference.lambda_mode))
        # The script did reach the database: the ids it made, and what is left.
        self.assertEqual([p["slug"] for p in json.loads(ours[-1][3])["items"]], ["serverless-aurora", "emoji", "odd"])


class RestartTest(ServerTestCase, unittest.TestCase):
    def test_data_survives_a_restart_and_migrations_run_once(self):
        # The same database across the restart: the same file, or the same MySQL database.
        database = self.new_database()
        first = self.start_blog(database)
        log = first.log()
        migrations = engine_migrations(BLOG_APP_DIR, database.engine)
        self.assertEqual(migrations[:2], [("1", "v1.sql"), ("2", "v2.sql")])
        self.assertEqual(migrations[2:3], [("3", "v3.%s.sql" % database.engine)])
        for _, script in migrations:
            self.assertEqual(len(re.findall(r"migrate: applied %s \(\d+ statements?\)" % re.escape(script), log)), 1,
                             log)
        self.assertRegex(log, r"listening on http://127\.0\.0\.1:%d \(7 routes, %sdatabase %s, \d+ threads\)"
                         % (first.port, "HTTP API, " if e2e_mode().api == "http" else "", re.escape(database.description)))
        created = []
        for i in range(3):
            status, _, post = first.json_request("POST", "/posts", {"title": "Kept %d" % i, "slug": "kept-%d" % i})
            self.assertEqual(status, 201)
            created.append(post)
        status, _, _ = first.json_request("POST", "/posts/%d/comments" % created[0]["id"], {"comment_text": "c"})
        self.assertEqual(status, 201)
        first.stop()
        self.assertIn("serve: terminated, stopping", first.log())

        second = self.start_blog(database)
        log = second.log()
        self.assertNotIn("migrate: applied", log)
        self.assertRegex(log, r"migrate: database is up to date \((?:scripts up to )?version %s\)"
                         % re.escape(migrations[-1][0]))
        status, _, body = second.json_request("GET", "/posts")
        self.assertEqual(status, 200)
        self.assertEqual(body["items"], [SEED_POST] + created)
        status, _, body = second.json_request("GET", "/posts/%d/comments" % created[0]["id"])
        self.assertEqual([c["comment_text"] for c in body["items"]], ["c"])
        # New ids continue after the kept ones.
        status, _, post = second.json_request("POST", "/posts", {"title": "After", "slug": "after-restart"})
        self.assertEqual(status, 201, post)
        self.assertGreater(post["id"], created[-1]["id"])
        second.stop()

        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "status", "--json"],
                         env=dict(DATA_API_ENV, STRATA_DB=database.url))
        self.assertEqual(result.returncode, 0, result.stderr)
        status = json.loads(result.stdout)
        # v1, v2 and the engine's v3 (and any later script for the engine) listed once each, all applied.
        self.assertEqual([(e["version"], e["script"], e["state"]) for e in status],
                         [(version, script, "applied") for version, script in migrations])
        for entry in status:
            self.assertRegex(entry["appliedAt"], DATETIME)
            self.assertRegex(entry["checksum"], r"^[0-9a-f]{64}$")
        rows = database.query("SELECT version, success FROM strata_schema_history ORDER BY installed_rank")
        self.assertEqual(rows, [(version, "1") for version, _ in migrations])

    def test_migrate_status_from_the_app_folder(self):
        server = self.start_blog()
        server.stop()
        result = run_cli(blog_binary(), ["migrate", "status", "--json"], cwd=BLOG_APP_DIR,
                         env=dict(DATA_API_ENV, STRATA_DB=server.database.url))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([(e["version"], e["state"]) for e in json.loads(result.stdout)],
                         [(version, "applied") for version, _ in engine_migrations(BLOG_APP_DIR, server.database.engine)])


class ConcurrentStartTest(ServerTestCase, unittest.TestCase):
    ROUNDS = 3
    SERVERS = 4

    def test_servers_starting_together_on_a_new_database(self):
        # Several servers (say, a restart overlapping a deploy) opening one new database
        # at once: every one must start, and each migration be applied exactly once.
        for round_number in range(self.ROUNDS):
            database = self.new_database()
            migrations = engine_migrations(BLOG_APP_DIR, database.engine)
            servers = [self.blog_server(database, extra_args=["--threads", "1"]) for _ in range(self.SERVERS)]
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
            rows = database.query("SELECT version FROM strata_schema_history ORDER BY installed_rank")
            self.assertEqual([row[0] for row in rows], [version for version, _ in migrations])


class ConcurrencyTest(ServerTestCase, unittest.TestCase):
    THREADS = 8
    REQUESTS = 50

    def test_concurrent_reads_and_writes(self):
        server = self.start_blog(extra_args=["--threads", "4", "--quiet"])
        results = [[] for _ in range(self.THREADS)]
        errors = []

        def client(index):
            connection = server.connect()
            try:
                for i in range(self.REQUESTS):
                    if i % 2 == 0:
                        body = json.dumps({"title": "t%d-%d" % (index, i), "slug": "c-%d-%d" % (index, i)})
                        connection.request("POST", "/posts", body,
                                           dict(server.default_headers, **{"Content-Type": "application/json"}))
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
