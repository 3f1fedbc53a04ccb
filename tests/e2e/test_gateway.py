"""End-to-end tests of the local API Gateway and HTTP server, with the probe test
app: the proxy event a function receives, how its response is turned back into
HTTP, CORS, and the HTTP server's limits and protocol handling."""

import base64
import json
import re
import socket
import time
import unittest

from strata_server import (PROBE_APP_DIR, ServerTestCase, probe_binary, read_http_response,
                           recv_until_closed)

ALLOWED_ORIGIN = "https://app.example.com"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class ProbeTestCase(ServerTestCase, unittest.TestCase):
    server_args = ("--threads", "2")

    def setUp(self):
        self.server = self.start_server(probe_binary(), app_dir=PROBE_APP_DIR, extra_args=self.server_args)

    def echo(self, method, path, body=None, headers=None):
        status, response_headers, event = self.server.json_request(method, path, body, headers)
        self.assertEqual(status, 200, event)
        return event

    def raw_exchange(self, data, timeout=5.0):
        """Sends raw bytes on a new connection; returns one parsed response."""
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        sock.sendall(data)
        return sock, read_http_response(sock, timeout)


class EventTest(ProbeTestCase):
    def test_plain_get(self):
        event = self.echo("GET", "/echo")
        self.assertEqual(event["resource"], "/echo")
        self.assertEqual(event["path"], "/echo")
        self.assertEqual(event["httpMethod"], "GET")
        self.assertEqual(event["pathParameters"], {})
        self.assertEqual(event["multiValueQueryStringParameters"], {})
        self.assertIsNone(event["body"])
        self.assertIs(event["isBase64Encoded"], False)
        context = event["requestContext"]
        self.assertRegex(context["requestId"], UUID)
        self.assertEqual(context["resourcePath"], "/echo")
        self.assertEqual(context["stage"], "local")
        self.assertEqual(context["sourceIp"], "127.0.0.1")
        self.assertEqual(event["functionName"], "echo")
        self.assertGreater(event["remainingMs"], 0)
        self.assertLessEqual(event["remainingMs"], 3000)
        self.assertNotEqual(self.echo("GET", "/echo")["requestContext"]["requestId"], context["requestId"])

    def test_any_method(self):
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH"):
            with self.subTest(method=method):
                self.assertEqual(self.echo(method, "/echo")["httpMethod"], method)

    def test_path_parameters_are_percent_decoded(self):
        event = self.echo("GET", "/echo/a%20b/c%2Fd/e%25f")
        self.assertEqual(event["resource"], "/echo/{first}/{rest+}")
        self.assertEqual(event["requestContext"]["resourcePath"], "/echo/{first}/{rest+}")
        self.assertEqual(event["pathParameters"], {"first": "a b", "rest": "c/d/e%f"})

    def test_greedy_parameter(self):
        event = self.echo("GET", "/echo/one/two/three/four.txt")
        self.assertEqual(event["pathParameters"], {"first": "one", "rest": "two/three/four.txt"})
        self.assertEqual(event["path"], "/echo/one/two/three/four.txt")
        event = self.echo("GET", "/echo/x/y")
        self.assertEqual(event["pathParameters"], {"first": "x", "rest": "y"})
        event = self.echo("GET", "/echo/a+b/%E2%9C%93")
        self.assertEqual(event["pathParameters"], {"first": "a+b", "rest": "\u2713"}, "'+' is literal in a path")
        status, _, body = self.server.json_request("GET", "/echo/only")
        self.assertEqual(status, 404, "a greedy parameter needs at least one segment")
        self.assertIn("message", body)

    def test_query_string(self):
        event = self.echo("GET", "/echo?a=1&a=2&b=hello+world&c=%E2%9C%93&d&e=x%3Dy%26z&sp%20ace=%2B")
        self.assertEqual(event["multiValueQueryStringParameters"], {
            "a": ["1", "2"], "b": ["hello world"], "c": ["\u2713"], "d": [""], "e": ["x=y&z"], "sp ace": ["+"]})
        single = event["queryStringParameters"]  # a repeated name keeps its last value
        self.assertEqual((single["a"], single["b"], single["c"], single["d"], single["e"], single["sp ace"]),
                         ("2", "hello world", "\u2713", "", "x=y&z", "+"))
        self.assertEqual(event["path"], "/echo")
        self.assertEqual(event["resource"], "/echo")

    def test_headers_keep_their_case(self):
        event = self.echo("GET", "/echo", headers={"X-Custom-Header": "Value One", "x-lower": "v",
                                                   "X-UPPER": "V"})
        headers = event["headers"]
        self.assertEqual(headers["X-Custom-Header"], "Value One")
        self.assertEqual(headers["x-lower"], "v")
        self.assertEqual(headers["X-UPPER"], "V")
        self.assertNotIn("x-custom-header", headers)
        self.assertEqual(headers["Host"], "%s:%d" % (self.server.host, self.server.port))

    def test_bodies(self):
        self.assertIsNone(self.echo("POST", "/echo", b"")["body"], "an empty body is null")
        event = self.echo("POST", "/echo", "h\u00e9llo \u2713", {"Content-Type": "text/plain"})
        self.assertEqual((event["body"], event["isBase64Encoded"]), ("h\u00e9llo \u2713", False))
        event = self.echo("POST", "/echo", {"k": [1, 2]})
        self.assertEqual(json.loads(event["body"]), {"k": [1, 2]})
        self.assertIs(event["isBase64Encoded"], False)

    def test_binary_body_is_base64(self):
        raw = b"\xff\xfe\x00\x01binary\x80"
        event = self.echo("POST", "/echo", raw, {"Content-Type": "application/octet-stream"})
        self.assertIs(event["isBase64Encoded"], True)
        self.assertEqual(base64.b64decode(event["body"]), raw)

    def test_invalid_utf8_sequences_are_base64(self):
        # Each is invalid UTF-8 (RFC 3629): a UTF-16 surrogate, overlong 3- and 4-byte
        # forms, a code point above U+10FFFF, a lead byte F5. None may reach the
        # function as text.
        for raw in (b"\xed\xa0\x80", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf", b"\xf4\x90\x80\x80", b"\xf5\x80\x80\x80"):
            with self.subTest(body=raw):
                status, _, data = self.server.request("POST", "/echo", raw,
                                                      {"Content-Type": "application/octet-stream"})
                self.assertEqual(status, 200)
                event = json.loads(data.decode("utf-8", "surrogateescape"))
                self.assertIs(event["isBase64Encoded"], True)
                self.assertEqual(base64.b64decode(event["body"]), raw)


class ResponseTest(ProbeTestCase):
    def test_repeated_response_header(self):
        status, headers, _ = self.server.request("GET", "/echo")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get_all("X-Echo"), ["one", "two"])
        self.assertEqual(headers["Content-Type"], "application/json")

    def test_binary_response(self):
        status, headers, body = self.server.request("GET", "/binary")
        self.assertEqual(status, 200)
        self.assertEqual(body, b"\x00\x01\x02\xff")
        self.assertEqual(headers["Content-Type"], "application/octet-stream")
        self.assertEqual(headers["Content-Length"], "4")

    def test_throwing_function(self):
        for _ in range(3):
            status, headers, body = self.server.json_request("GET", "/throws")
            self.assertEqual(status, 500)
            self.assertEqual(body, {"message": "Internal server error"})
            self.assertEqual(headers["Content-Type"], "application/json")
        self.assertTrue(self.server.wait_for_log(r"error: function throws failed: deliberate failure for the test"),
                        self.server.log())
        self.assertTrue(self.server.wait_for_log(r"GET /throws 500 throws \d+us"), self.server.log())
        self.assertNotIn("deliberate", json.dumps(body))
        self.assertEqual(self.echo("GET", "/echo")["path"], "/echo")
        self.assertTrue(self.server.running())

    def test_not_found_and_method_not_allowed(self):
        status, headers, body = self.server.json_request("GET", "/nothing/here")
        self.assertEqual(status, 404)
        self.assertIn("message", body)
        status, headers, body = self.server.json_request("DELETE", "/binary")
        self.assertEqual(status, 405)
        self.assertIn("message", body)
        allow = {m.strip() for m in headers["Allow"].split(",")}
        self.assertIn("GET", allow)
        self.assertNotIn("DELETE", allow)


class CorsTest(ProbeTestCase):
    def test_allowed_origin_is_echoed(self):
        status, headers, _ = self.server.request("GET", "/echo", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(status, 200)
        self.assertEqual(headers["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)
        self.assertIn("Origin", [v.strip() for v in headers["Vary"].split(",")])
        status, headers, _ = self.server.request("GET", "/nope", headers={"Origin": ALLOWED_ORIGIN})
        self.assertEqual(status, 404)
        self.assertEqual(headers["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)

    def test_other_origins_get_no_allow_origin(self):
        for origin in ("https://evil.example", "https://app.example.com.evil.example", "http://app.example.com"):
            with self.subTest(origin=origin):
                status, headers, _ = self.server.request("GET", "/echo", headers={"Origin": origin})
                self.assertEqual(status, 200)
                self.assertIsNone(headers["Access-Control-Allow-Origin"])
        status, headers, _ = self.server.request("GET", "/echo")
        self.assertIsNone(headers["Access-Control-Allow-Origin"], "no Origin, and '*' is not configured")

    def test_preflight(self):
        status, headers, body = self.server.request("OPTIONS", "/throws", headers={
            "Origin": ALLOWED_ORIGIN, "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "X-Custom"})
        self.assertEqual(status, 204)
        self.assertEqual(body, b"")
        self.assertEqual(headers["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)
        self.assertEqual([m.strip() for m in headers["Access-Control-Allow-Methods"].split(",")], ["GET", "POST"])
        self.assertEqual([h.strip() for h in headers["Access-Control-Allow-Headers"].split(",")],
                         ["Content-Type", "X-Custom"])
        self.assertEqual(headers["Access-Control-Max-Age"], "300")
        self.assertIn("Origin", headers["Vary"])
        self.assertTrue(self.server.wait_for_log(r"OPTIONS /throws 204 - \d+us"))
        self.assertNotRegex(self.server.log(), r"function throws failed", "a preflight must not run the function")

    def test_preflight_from_another_origin(self):
        status, headers, _ = self.server.request("OPTIONS", "/binary", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
        self.assertEqual(status, 204)
        self.assertIsNone(headers["Access-Control-Allow-Origin"])


class ReadTimeoutWithLambdaTest(ProbeTestCase):
    # Under --lambda the event loop is free while a function runs, so a timer could fire then.
    server_args = ("--threads", "1", "--read-timeout-ms", "300", "--lambda")

    def test_function_slower_than_the_read_timeout_is_answered(self):
        # The timeout bounds reading the request and writing the answer, not the function.
        sock, (status_line, _, body, _) = self.raw_exchange(b"GET /sleep?ms=700 HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        self.assertEqual(json.loads(body)["slept"], 700)
        sock.sendall(b"GET /echo?after=sleep HTTP/1.1\r\nHost: x\r\n\r\n")
        status_line, _, body, _ = read_http_response(sock)
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        self.assertEqual(json.loads(body)["queryStringParameters"], {"after": "sleep"})


class HttpProtocolTest(ProbeTestCase):
    server_args = ("--threads", "2", "--read-timeout-ms", "500", "--body-limit", "4096")

    def assertStillServes(self):
        status, _, event = self.server.json_request("GET", "/echo?still=1")
        self.assertEqual(status, 200)
        self.assertEqual(event["queryStringParameters"], {"still": "1"})

    def test_malformed_request_line(self):
        for garbage in (b"THIS IS NOT HTTP\r\n\r\n", b"GET /echo HTTP/9\r\n\r\n", b"\x16\x03\x01\x02\x00\x01\x00\r\n\r\n"):
            with self.subTest(request=garbage):
                sock, (status_line, headers, body, _) = self.raw_exchange(garbage)
                self.assertRegex(status_line, r"^HTTP/1\.[01] 400 ")
                self.assertIn("message", json.loads(body))
                self.assertEqual(recv_until_closed(sock, 3), b"", "the connection is closed after a 400")
        self.assertStillServes()

    def test_unknown_method(self):
        _, (status_line, _, body, _) = self.raw_exchange(b"BREW /echo HTTP/1.1\r\nHost: x\r\n\r\n")
        self.assertRegex(status_line, r"^HTTP/1\.1 400 ")
        self.assertIn("method", json.loads(body)["message"])
        self.assertStillServes()

    def test_oversized_headers(self):
        big = b"a" * (20 * 1024)
        sock, (status_line, headers, body, _) = self.raw_exchange(
            b"GET /echo HTTP/1.1\r\nHost: x\r\nX-Big: " + big + b"\r\n\r\n")
        self.assertRegex(status_line, r"^HTTP/1\.1 431 ")
        self.assertIn("header", json.loads(body)["message"])
        self.assertStillServes()
        # Just under the limit is fine.
        status, _, event = self.server.json_request("GET", "/echo", headers={"X-Big": "b" * (12 * 1024)})
        self.assertEqual(status, 200)
        self.assertEqual(len(event["headers"]["X-Big"]), 12 * 1024)

    def test_slow_client_is_disconnected(self):
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        started = time.monotonic()
        sock.sendall(b"GET /echo HTTP/1.1\r\nHost: x\r\n")  # never finished
        data = recv_until_closed(sock, timeout=5)
        elapsed = time.monotonic() - started
        self.assertEqual(data, b"")
        self.assertGreaterEqual(elapsed, 0.4)
        self.assertLess(elapsed, 3.0)
        self.assertStillServes()

    def test_trickling_client_is_disconnected(self):
        # A byte every 50 ms keeps a connection busy but must not keep it forever.
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        request = b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n" + b"x" * 100
        started = time.monotonic()
        closed = False
        for byte in request:
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            if time.monotonic() - started > 3:
                break
            time.sleep(0.05)
        if not closed:
            try:
                closed = recv_until_closed(sock, timeout=3) == b""
            except socket.timeout:
                closed = False
        self.assertTrue(closed, "the connection was not closed")
        self.assertLess(time.monotonic() - started, 3.0)
        self.assertStillServes()

    def test_slow_but_in_time_client(self):
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        for part in (b"GET /echo?slow=1 HT", b"TP/1.1\r\nHost: x\r\n", b"\r\n"):
            sock.sendall(part)
            time.sleep(0.1)
        status_line, _, body, _ = read_http_response(sock)
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        self.assertEqual(json.loads(body)["queryStringParameters"], {"slow": "1"})

    def test_keep_alive_connection_used_within_the_timeout_stays_open(self):
        # Each request comes 300 ms after the last answer, three times the 500 ms timeout in
        # all: the timeout counts from the last exchange, not from the connection's start.
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        rest = b""
        for i in range(5):
            sock.sendall(b"GET /echo?n=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            status_line, _, body, rest = read_http_response(sock, data=rest)
            self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
            self.assertEqual(json.loads(body)["queryStringParameters"], {"n": str(i)})
            time.sleep(0.3)
        # Then idle: closed about 500 ms after the last answer.
        self.assertEqual(recv_until_closed(sock, timeout=3), b"")

    def test_expect_100_continue(self):
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n"
                     b"Expect: 100-continue\r\n\r\n")
        status_line, _, _, rest = read_http_response(sock, timeout=2)
        self.assertRegex(status_line, r"^HTTP/1\.1 100 ")
        sock.sendall(b"hello")
        status_line, headers, body, _ = read_http_response(sock, data=rest)
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        event = json.loads(body)
        self.assertEqual(event["body"], "hello")
        self.assertEqual(event["headers"]["Expect"], "100-continue")

    def test_expect_100_continue_with_a_body_over_the_limit(self):
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        sock.sendall(b"POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\nExpect: 100-continue\r\n\r\n")
        status_line, _, body, _ = read_http_response(sock, timeout=2)
        self.assertRegex(status_line, r"^HTTP/1\.1 413 ", "no 100 Continue for a body that will be refused")
        self.assertIn("4096", json.loads(body)["message"])
        self.assertStillServes()

    def test_body_at_the_limit(self):
        event = self.echo("POST", "/echo", b"z" * 4096, {"Content-Type": "text/plain"})
        self.assertEqual(len(event["body"]), 4096)
        status, _, body = self.server.json_request("POST", "/echo", b"z" * 4097, {"Content-Type": "text/plain"})
        self.assertEqual(status, 413)
        self.assertIn("message", body)
        self.assertStillServes()

    def test_expect_100_continue_with_http_client(self):
        connection = self.server.connect()
        self.addCleanup(connection.close)
        connection.request("PUT", "/echo", body=b"data", headers={"Expect": "100-continue"})
        response = connection.getresponse()
        self.assertEqual(response.status, 200)
        self.assertEqual(json.loads(response.read())["body"], "data")

    def test_http_1_0(self):
        sock, (status_line, headers, body, _) = self.raw_exchange(b"GET /echo?v=10 HTTP/1.0\r\n\r\n")
        self.assertRegex(status_line, r"^HTTP/1\.0 200 ")
        event = json.loads(body)
        self.assertEqual(event["queryStringParameters"], {"v": "10"})
        self.assertEqual(event["httpMethod"], "GET")
        self.assertEqual(recv_until_closed(sock, 3), b"", "HTTP/1.0 without keep-alive closes")

    def test_http_1_0_post(self):
        sock, (status_line, _, body, _) = self.raw_exchange(
            b"POST /echo HTTP/1.0\r\nContent-Length: 3\r\n\r\nabc")
        self.assertRegex(status_line, r"^HTTP/1\.0 200 ")
        self.assertEqual(json.loads(body)["body"], "abc")

    def test_keep_alive_reuse(self):
        connection = self.server.connect()
        self.addCleanup(connection.close)
        sockets = set()
        for i in range(5):
            connection.request("GET", "/echo?i=%d" % i)
            response = connection.getresponse()
            event = json.loads(response.read())
            self.assertEqual(response.status, 200)
            self.assertEqual(event["queryStringParameters"], {"i": str(i)})
            self.assertFalse(response.will_close)
            sockets.add(id(connection.sock))
        self.assertEqual(len(sockets), 1, "the connection was not reused")

    def test_keep_alive_raw_and_pipelined(self):
        sock = self.server.raw_socket()
        self.addCleanup(sock.close)
        rest = b""
        for i in range(3):
            sock.sendall(b"GET /echo?n=%d HTTP/1.1\r\nHost: x\r\n\r\n" % i)
            status_line, _, body, rest = read_http_response(sock, data=rest)
            self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
            self.assertEqual(json.loads(body)["queryStringParameters"], {"n": str(i)})
        sock.sendall(b"GET /echo?p=a HTTP/1.1\r\nHost: x\r\n\r\nGET /binary HTTP/1.1\r\nHost: x\r\n\r\n")
        status_line, _, body, rest = read_http_response(sock, data=rest)
        self.assertEqual(json.loads(body)["queryStringParameters"], {"p": "a"})
        status_line, _, body, rest = read_http_response(sock, data=rest)
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        self.assertEqual(body, b"\x00\x01\x02\xff")

    def test_connection_close_is_honoured(self):
        sock, (status_line, headers, body, _) = self.raw_exchange(
            b"GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        self.assertRegex(status_line, r"^HTTP/1\.1 200 ")
        self.assertEqual(headers.get("connection"), ["close"])
        self.assertEqual(recv_until_closed(sock, 3), b"")


if __name__ == "__main__":
    unittest.main()
