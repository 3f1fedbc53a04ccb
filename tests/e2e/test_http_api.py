"""HTTP APIs (payload format 2.0) end to end, beside REST APIs (1.0): the probe app served
with strata.json "api": {"type": "http"} (a copy of its folder), in-process and with --lambda.

- The events: for the same request, the event a function receives has the keys, nesting
  and JSON types of AWS's documented samples (tests/e2e/fixtures, sources in its README),
  2.0 for an HTTP API and 1.0 for a REST API, and leaves out what AWS leaves out.
- One handler API for both: the same function reads method, path, query and path
  parameters, headers, cookies and the body alike from either format, and its cookies go
  out as Set-Cookie lines.
- Responses read as an HTTP API reads them: the full form with cookies, the simplified
  form, base64 bodies; what API Gateway answers itself: 404 Not Found for an unknown route
  or method, CORS preflights answered without the function, 500/503 when a function fails.
"""

import base64
import http.client
import json
import os
import re
import shutil
import tempfile
import time
import unittest

from strata_server import PROBE_APP_DIR, ServerTestCase, probe_binary, run_cli

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
ALLOWED_ORIGIN = "https://app.example.com"  # the probe's cors.origins
API_GATEWAY_TIME = re.compile(r"^\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}:\d{2} \+0000$")


def fixture(name):
    with open(os.path.join(FIXTURES, name)) as source:
        return json.load(source)


def json_type(value):
    for kind, name in ((type(None), "null"), (bool, "boolean"), (dict, "object"), (list, "array"), (str, "string")):
        if isinstance(value, kind):
            return name
    return "number"


def shape_differences(local, sample, path="", maps=(), left_out=()):
    """Where `local` differs from `sample` in keys, nesting or JSON types, as messages.

    maps:     paths of maps keyed by data (headers, query parameters...): their keys are not
              compared, only the type of their values
    left_out: paths of sample keys that AWS sends only with a feature this request does not use
    A null stands for an absent value on either side (1.0 sends absent maps as null)."""
    local_type, sample_type = json_type(local), json_type(sample)
    if "null" in (local_type, sample_type):
        return []
    if local_type != sample_type:
        return ["%s: %s here, %s in AWS's sample" % (path or "(event)", local_type, sample_type)]
    differences = []
    if local_type == "array":
        for item in local:
            differences += shape_differences(item, sample[0], path + "[]", maps, left_out) if sample else []
    elif local_type == "object" and path in maps:
        value_sample = next(iter(sample.values()), None)
        for key, value in local.items():
            differences += shape_differences(value, value_sample, "%s[%r]" % (path, key), maps, left_out)
    elif local_type == "object":
        for key in sample:
            child = path + "." + key if path else key
            if key not in local and child not in left_out:
                differences.append("%s: missing (AWS's sample has it)" % child)
        for key, value in local.items():
            child = path + "." + key if path else key
            if key not in sample:
                differences.append("%s: not in AWS's sample" % child)
            else:
                differences += shape_differences(value, sample[key], child, maps, left_out)
    return differences


def send(server, method, path, header_list=(), body=None):
    """One request on a new connection, with headers as a list so that a name may repeat.
    Returns (status, HTTPMessage headers, body bytes)."""
    connection = server.connect()
    try:
        connection.putrequest(method, path, skip_accept_encoding=True)
        for name, value in header_list:
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


# What the probe's `event` function gets for the request the 2.0 sample describes.
SAMPLE_QUERY = "parameter1=value1&parameter1=value2&parameter2=value"
SAMPLE_HEADERS = [("Header1", "value1"), ("Header2", "value1"), ("Header2", "value2"),
                  ("Cookie", "cookie1=a; cookie2=b"), ("Content-Type", "text/plain"), ("User-Agent", "agent")]

# Sample keys AWS sends only with features these requests do not use.
V2_LEFT_OUT = (
    "requestContext.authentication",  # mutual TLS
    "requestContext.authorizer",  # an authorizer on the route
    "stageVariables",  # a stage with variables
)
V2_MAPS = ("headers", "queryStringParameters", "pathParameters", "stageVariables")
V1_LEFT_OUT = (
    "version",  # only an HTTP API's 1.0 integration sends it; a REST API does not
    "requestContext.authorizer",  # an authorizer on the method
    "requestContext.identity.clientCert",  # mutual TLS
)
V1_MAPS = ("headers", "multiValueHeaders", "queryStringParameters", "multiValueQueryStringParameters",
           "pathParameters", "stageVariables")


class ProbeTestCase(ServerTestCase):
    lambda_mode = False
    api = "http"

    def setUp(self):
        self.server = self.start_server(probe_binary(), cwd=self.app_folder(PROBE_APP_DIR, self.api),
                                        lambda_mode=self.lambda_mode)

    def get_json(self, path, header_list=(), method="GET", body=None):
        status, headers, data = send(self.server, method, path, header_list, body)
        return status, headers, json.loads(data) if data else None


class HttpApiEventTest(ProbeTestCase, unittest.TestCase):
    def test_event_has_the_shape_of_the_documented_2_0_sample(self):
        status, _, event = self.get_json("/event/42?" + SAMPLE_QUERY, SAMPLE_HEADERS, "POST", b"Hello from Lambda")
        self.assertEqual(status, 200, event)
        differences = shape_differences(event, fixture("apigw-v2-request.json"), maps=V2_MAPS, left_out=V2_LEFT_OUT)
        self.assertEqual(differences, [], json.dumps(event, indent=2))
        self.assertEqual(event["version"], "2.0")
        self.assertEqual(event["routeKey"], "ANY /event/{id}")
        self.assertEqual(event["rawPath"], "/event/42")
        self.assertEqual(event["rawQueryString"], SAMPLE_QUERY)
        self.assertEqual(event["cookies"], ["cookie1=a", "cookie2=b"])
        self.assertEqual(event["headers"]["header1"], "value1")
        self.assertEqual(event["headers"]["header2"], "value1,value2")
        self.assertEqual(event["headers"]["content-type"], "text/plain")
        self.assertNotIn("cookie", event["headers"])  # the cookies travel apart
        self.assertTrue(all(name == name.lower() for name in event["headers"]), event["headers"])
        self.assertEqual(event["queryStringParameters"], {"parameter1": "value1,value2", "parameter2": "value"})
        self.assertEqual(event["pathParameters"], {"id": "42"})
        self.assertEqual(event["body"], "Hello from Lambda")
        self.assertIs(event["isBase64Encoded"], False)
        context = event["requestContext"]
        self.assertEqual(context["routeKey"], "ANY /event/{id}")
        self.assertEqual(context["stage"], "$default")
        self.assertEqual(context["http"], {"method": "POST", "path": "/event/42", "protocol": "HTTP/1.1",
                                           "sourceIp": "127.0.0.1", "userAgent": "agent"})
        self.assertRegex(context["time"], API_GATEWAY_TIME)
        self.assertLess(abs(context["timeEpoch"] - time.time() * 1000), 60000)
        self.assertEqual(context["domainName"], "%s:%d" % (self.server.host, self.server.port))
        self.assertEqual(context["domainPrefix"], "127")
        self.assertTrue(context["requestId"])

    def test_absent_fields_are_left_out_as_aws_leaves_them_out(self):
        status, _, event = self.get_json("/event/7", [("User-Agent", "curl/7.58.0"), ("Accept", "*/*")])
        self.assertEqual(status, 200, event)
        sample = fixture("apigw-v2-request-no-authorizer.json")
        self.assertEqual(shape_differences(event, sample, maps=V2_MAPS, left_out=("requestContext.authentication",)),
                         ["pathParameters: not in AWS's sample"],  # the sample's route "$default" has none
                         json.dumps(event, indent=2))
        self.assertEqual(event["rawQueryString"], "")
        for absent in ("cookies", "queryStringParameters", "body", "stageVariables"):
            self.assertNotIn(absent, event)

    def test_a_binary_body_arrives_base64_encoded(self):
        # An HTTP API passes only text/*, JSON, XML and JavaScript bodies as text.
        for content_type, body in (("application/octet-stream", b"\x00\x01\x02"),
                                   ("application/x-www-form-urlencoded", b"a=1&b=2"), (None, b"a=1")):
            with self.subTest(content_type=content_type):
                headers = [("Content-Type", content_type)] if content_type else []
                status, _, event = self.get_json("/event/1", headers, "POST", body)
                self.assertEqual(status, 200, event)
                self.assertIs(event["isBase64Encoded"], True)
                self.assertEqual(base64.b64decode(event["body"]), body)
        # Text types travel as text, unless the bytes are not UTF-8.
        status, _, event = self.get_json("/event/1", [("Content-Type", "application/json")], "POST", b'{"a": 1}')
        self.assertEqual((event["isBase64Encoded"], event["body"]), (False, '{"a": 1}'))
        status, _, event = self.get_json("/event/1", [("Content-Type", "text/plain")], "POST", b"\xff\xfe")
        self.assertEqual((event["isBase64Encoded"], base64.b64decode(event["body"])), (True, b"\xff\xfe"))


class HttpApiEventLambdaTest(HttpApiEventTest):
    """The same, with the event as the function process received it from the Runtime API."""
    lambda_mode = True


class RestApiEventTest(ProbeTestCase, unittest.TestCase):
    api = "rest"

    def test_event_has_the_shape_of_the_documented_1_0_sample(self):
        status, _, event = self.get_json("/event/42?" + SAMPLE_QUERY, SAMPLE_HEADERS, "POST", b"Hello from Lambda!")
        self.assertEqual(status, 200, event)
        differences = shape_differences(event, fixture("apigw-v1-request.json"), maps=V1_MAPS, left_out=V1_LEFT_OUT)
        self.assertEqual(differences, [], json.dumps(event, indent=2))
        self.assertEqual(event["multiValueHeaders"]["Header2"], ["value1", "value2"])
        self.assertEqual(event["multiValueQueryStringParameters"]["parameter1"], ["value1", "value2"])
        self.assertEqual(event["headers"]["Cookie"], "cookie1=a; cookie2=b")  # 1.0 keeps the header
        self.assertNotIn("cookies", event)
        self.assertEqual(event["resource"], "/event/{id}")
        self.assertEqual(event["requestContext"]["domainPrefix"], "127")


class RestApiEventLambdaTest(RestApiEventTest):
    lambda_mode = True


class HandlerApiTest(ProbeTestCase, unittest.TestCase):
    """One function (the probe's `view`) reads both formats alike."""

    REQUEST = ("/view/5?tag=a&tag=b&q=x%20y",
               [("Cookie", "session=s1; theme=light"), ("Cookie", "extra=1"), ("X-Repeat", "one"),
                ("X-Repeat", "two"), ("User-Agent", "probe-test"), ("Content-Type", "application/octet-stream")])

    def view(self, server):
        path, header_list = self.REQUEST
        status, headers, data = send(server, "POST", path, header_list, b"\x00\x01\xff")
        self.assertEqual(status, 200, data)
        return headers, json.loads(data)

    def test_rest_and_http_requests_read_alike(self):
        rest = self.start_server(probe_binary(), cwd=self.app_folder(PROBE_APP_DIR, "rest"), lambda_mode=self.lambda_mode)
        answers = {}
        for api, server in (("http", self.server), ("rest", rest)):
            headers, body = self.view(server)
            answers[api] = body
            # Response cookies: one Set-Cookie line each, whatever the format carried them in.
            self.assertEqual(headers.get_all("Set-Cookie"),
                             ["session=abc123; Path=/; HttpOnly", "theme=dark; Max-Age=60; Expires=Wed, 21 Oct 2037 07:28:00 GMT"])
        http_view, rest_view = answers["http"], answers["rest"]
        self.assertEqual((http_view.pop("format"), rest_view.pop("format")), ("2.0", "1.0"))
        # A repeated header: 2.0 joins the values, as AWS sends them; 1.0's last value.
        self.assertEqual((http_view.pop("xRepeat"), rest_view.pop("xRepeat")), ("one,two", "two"))
        self.assertEqual(http_view, rest_view)
        self.assertEqual(http_view, {
            "method": "POST", "path": "/view/5", "resource": "/view/{id}",
            "query": {"tag": ["a", "b"], "q": ["x y"]}, "pathParameters": {"id": ["5"]},
            "cookies": {"session": ["s1"], "theme": ["light"], "extra": ["1"]}, "session": "s1",
            "userAgent": "probe-test", "decodedBodyHex": "0001ff"})


class HandlerApiLambdaTest(HandlerApiTest):
    lambda_mode = True


class SampleEventTest(ServerTestCase, unittest.TestCase):
    """AWS's sample events themselves, through `probe invoke` (the Lambda runtime loop as it
    runs in AWS): read by the handler API, answered in the event's own format."""

    def invoke(self, sample):
        workdir = tempfile.mkdtemp(prefix="strata-e2e-invoke-")
        self.addCleanup(shutil.rmtree, workdir, True)
        result = run_cli(probe_binary(), ["--app", PROBE_APP_DIR, "invoke", "view", "--event",
                                          os.path.join(FIXTURES, sample), "--db",
                                          "sqlite:" + os.path.join(workdir, "invoke.db")])
        self.assertEqual(result.returncode, 0, result.stderr)
        response = json.loads(result.stdout)
        return response, json.loads(response["body"])

    def test_2_0_sample(self):
        response, view = self.invoke("apigw-v2-request.json")
        self.assertEqual(response["cookies"], ["session=abc123; Path=/; HttpOnly",
                                               "theme=dark; Max-Age=60; Expires=Wed, 21 Oct 2037 07:28:00 GMT"])
        self.assertNotIn("multiValueHeaders", response)
        self.assertEqual(view["format"], "2.0")
        self.assertEqual((view["method"], view["path"]), ("POST", "/my/path"))
        self.assertEqual(view["query"], {"parameter1": ["value1", "value2"], "parameter2": ["value"]})
        self.assertEqual(view["pathParameters"], {"parameter1": ["value1"]})
        self.assertEqual(view["cookies"], {"": ["cookie1", "cookie2"]})  # no '=': an empty name (RFC 6265bis)
        self.assertEqual(bytes.fromhex(view["decodedBodyHex"]), b"Hello from Lambda")

    def test_1_0_sample(self):
        response, view = self.invoke("apigw-v1-request.json")
        self.assertEqual(response["multiValueHeaders"]["Set-Cookie"], ["session=abc123; Path=/; HttpOnly",
                                                                       "theme=dark; Max-Age=60; Expires=Wed, 21 Oct 2037 07:28:00 GMT"])
        self.assertNotIn("cookies", response)
        self.assertEqual((view["format"], view["method"], view["resource"]), ("1.0", "GET", "/my/path"))
        self.assertEqual(view["query"], {"parameter1": ["value1", "value2"], "parameter2": ["value"]})
        self.assertEqual(bytes.fromhex(view["decodedBodyHex"]), b"Hello from Lambda!")


class HttpApiResponseTest(ProbeTestCase, unittest.TestCase):
    def result(self, kind, header_list=()):
        return send(self.server, "GET", "/result?kind=" + kind, header_list)

    def test_simplified_form(self):
        cases = (("object", b'{"message": "Hello from Lambda!"}'), ("string", b"Hello from Lambda!"),
                 ("array", b"[1, 2, 3]"), ("number", b"42"), ("invalid", b'{"name": "John Doe", "age":'))
        for kind, body in cases:
            with self.subTest(kind=kind):
                status, headers, data = self.result(kind)
                self.assertEqual((status, data), (200, body))
                self.assertEqual(headers.get_all("Content-Type"), ["application/json"])

    def test_full_form_with_cookies(self):
        status, headers, data = self.result("full")
        self.assertEqual((status, data), (201, b"made"))
        self.assertEqual(headers["Content-Type"], "text/plain")
        self.assertEqual(headers["X-Kind"], "full")
        self.assertEqual(headers.get_all("Set-Cookie"), ["a=1; Path=/", "b=2; Secure"])

    def test_full_form_without_content_type_is_text(self):
        status, headers, data = self.result("untyped")
        self.assertEqual((status, data, headers.get_all("Content-Type")), (200, b"plain", ["text/plain; charset=utf-8"]))

    def test_every_answer_names_its_request_id(self):
        status, headers, data = send(self.server, "GET", "/event/9")
        self.assertEqual(status, 200)
        self.assertEqual(headers.get_all("apigw-requestid"), [json.loads(data)["requestContext"]["requestId"]])
        status, headers, _ = send(self.server, "GET", "/nope")
        self.assertEqual(status, 404)
        self.assertTrue(headers["apigw-requestid"])

    def test_base64_response_body_is_decoded(self):
        status, headers, data = self.result("binary")
        self.assertEqual((status, data), (200, b"\x00\x01\x02\xff"))
        status, _, data = send(self.server, "GET", "/binary")
        self.assertEqual((status, data), (200, b"\x00\x01\x02\xff"))

    def test_unreadable_results_and_failures_are_500(self):
        for path in ("/result?kind=float_status", "/throws", "/status?code=700", "/status?code=200&base64=bad"):
            with self.subTest(path=path):
                status, headers, data = send(self.server, "GET", path)
                self.assertEqual((status, json.loads(data)), (500, {"message": "Internal Server Error"}))
                self.assertEqual(headers["Content-Type"], "application/json")

    def test_unknown_route_or_method_is_404_not_found(self):
        for method, path in (("GET", "/nope"), ("DELETE", "/view/1"), ("PUT", "/result"), ("GET", "/event")):
            with self.subTest(method=method, path=path):
                status, headers, data = send(self.server, method, path)
                self.assertEqual((status, json.loads(data)), (404, {"message": "Not Found"}))
                self.assertNotIn("Allow", headers)

    def test_preflight_is_answered_by_the_api_never_by_a_function(self):
        # /event/{id} is an ANY route: a REST API would hand OPTIONS to the function.
        for path in ("/event/1", "/view/1", "/nowhere"):
            with self.subTest(path=path):
                status, headers, data = send(self.server, "OPTIONS", path, [
                    ("Origin", ALLOWED_ORIGIN), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type")])
                self.assertEqual((status, data), (204, b""))
                self.assertEqual(headers["Access-Control-Allow-Origin"], ALLOWED_ORIGIN)
                self.assertEqual(headers["Access-Control-Allow-Methods"], "GET,POST")
                self.assertEqual(headers["Access-Control-Allow-Headers"], "Content-Type,X-Custom")
                self.assertEqual(headers["Access-Control-Max-Age"], "300")
                self.assertTrue(self.server.wait_for_log(r"OPTIONS %s 204 - \d+us" % re.escape(path)), self.server.log())
        self.assertNotRegex(self.server.log(), r"OPTIONS \S+ \d+ event ")
        # From an origin not allowed: no CORS headers, still no function.
        status, headers, _ = send(self.server, "OPTIONS", "/event/1", [
            ("Origin", "https://other.example"), ("Access-Control-Request-Method", "POST")])
        self.assertEqual(status, 204)
        self.assertNotIn("Access-Control-Allow-Origin", headers)
        # An OPTIONS request that is no preflight goes to the route like any other.
        status, _, event = self.get_json("/event/1", [("Origin", ALLOWED_ORIGIN)], "OPTIONS")
        self.assertEqual((status, event["requestContext"]["http"]["method"]), (200, "OPTIONS"))

    def test_cors_headers_come_from_the_api_not_the_function(self):
        status, headers, _ = send(self.server, "GET", "/view/1?cors=1", [("Origin", ALLOWED_ORIGIN)])
        self.assertEqual(status, 200)
        self.assertEqual(headers.get_all("Access-Control-Allow-Origin"), [ALLOWED_ORIGIN])
        self.assertEqual(headers["Vary"], "Origin")
        # The API's cors.exposeHeaders; the function's own Expose-Headers were dropped.
        self.assertEqual(headers.get_all("Access-Control-Expose-Headers"), ["X-Kind,X-Echo"])
        for header_list in ([], [("Origin", "https://other.example")]):
            with self.subTest(origin=header_list):
                status, headers, _ = send(self.server, "GET", "/view/1?cors=1", header_list)
                self.assertEqual(status, 200)
                self.assertFalse([name for name in headers if name.lower().startswith("access-control-")], headers)
        # API Gateway's own answers carry them too.
        status, headers, _ = send(self.server, "GET", "/nope", [("Origin", ALLOWED_ORIGIN)])
        self.assertEqual((status, headers["Access-Control-Allow-Origin"]), (404, ALLOWED_ORIGIN))


class HttpApiResponseLambdaTest(HttpApiResponseTest):
    lambda_mode = True

    def test_crash_and_timeout(self):
        status, _, data = send(self.server, "GET", "/crash")
        self.assertEqual((status, json.loads(data)), (500, {"message": "Internal Server Error"}))
        status, _, data = send(self.server, "GET", "/sleep?ms=3000")  # past its 1 s timeout
        self.assertEqual((status, json.loads(data)), (503, {"message": "Service Unavailable"}))


class RestApiResponseTest(ProbeTestCase, unittest.TestCase):
    """The same results through a REST API: no simplified form, no "cookies" key."""
    api = "rest"

    def test_results_a_rest_api_cannot_read_are_502(self):
        for kind in ("object", "string", "array", "number", "invalid", "float_status"):
            with self.subTest(kind=kind):
                status, _, data = send(self.server, "GET", "/result?kind=" + kind)
                self.assertEqual((status, json.loads(data)), (502, {"message": "Internal server error"}))
        status, headers, data = send(self.server, "GET", "/result?kind=full")
        self.assertEqual((status, data, headers.get_all("Set-Cookie")), (201, b"made", None))
        status, headers, data = send(self.server, "GET", "/result?kind=untyped")
        self.assertEqual((status, data, headers["Content-Type"]), (200, b"plain", "application/json"))
        self.assertNotIn("apigw-requestid", headers)


class RestApiResponseLambdaTest(RestApiResponseTest):
    lambda_mode = True


if __name__ == "__main__":
    unittest.main()
