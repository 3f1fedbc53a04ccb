"""End-to-end tests of Strata's Lambda support.

- The custom runtime loop (the app binary with AWS_LAMBDA_RUNTIME_API set) against
  a fake Runtime API written here (fake_runtime_api.py).
- `serve --lambda`: functions in warm processes behind a local Runtime API;
  timeouts, crashes, warm state, concurrency and the process tree.
- The Lambda Invoke API on the same port, through the AWS CLI and http.client.
- `APP invoke FUNCTION --event FILE`.

The AWS CLI is a test oracle here: without `aws` on PATH the tests that need it
fail (run scripts/install-deps.sh --test).
"""

import concurrent.futures
import http.client
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
import unittest

from fake_runtime_api import FakeRuntimeApi
from processes import alive, child_pids, environment_of, function_children, kill_if_alive, wait_until
from strata_server import (BLOG_APP_DIR, PROBE_APP_DIR, ServerTestCase, blog_binary, probe_binary, run_cli)

# /crash aborts on purpose: no core files from it.
try:
    resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
except (ValueError, OSError):
    pass

SEED_POST_TITLE = "A serverless blogpost with Aurora"  # examples/blog/migrations/v1.sql
PROBE_THROWS_MESSAGE = "deliberate failure for the test"  # tests/apps/probe/functions/throws.cpp
SIX_MIB = 6 * 1024 * 1024
TRACE_ID_FORMAT = r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$"
# (GET path of the probe's status function, the status API Gateway answers with)
MALFORMED_STATUS_CASES = (("/status?code=418", 418), ("/status?code=599", 599), ("/status?code=700", 502),
                          ("/status?code=99", 502), ("/status?code=1000", 502), ("/status?code=-5", 502),
                          ("/status?code=200&base64=bad", 502))
INSTALL_HINT = "run scripts/install-deps.sh --test (it installs Debian's awscli)"


def proxy_event(method="GET", path="/echo", resource=None, query=None, headers=None, body=None,
                path_parameters=None, request_id="api-gateway-request-1"):
    """A REST API (payload 1.0) proxy integration event, as API Gateway sends it."""
    headers = dict(headers or {"Accept": "application/json", "Host": "abc123.execute-api.us-east-1.amazonaws.com"})
    return {
        "resource": resource or path,
        "path": path,
        "httpMethod": method,
        "headers": headers or None,
        "multiValueHeaders": {name: [value] for name, value in headers.items()} or None,
        "queryStringParameters": dict(query) if query else None,
        "multiValueQueryStringParameters": {name: [value] for name, value in query.items()} if query else None,
        "pathParameters": path_parameters,
        "stageVariables": None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "httpMethod": method,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "test-agent"},
            "path": "/prod" + path,
            "protocol": "HTTP/1.1",
            "requestId": request_id,
            "requestTime": "09/Apr/2015:12:34:56 +0000",
            "requestTimeEpoch": 1428582896000,
            "resourceId": "res1",
            "resourcePath": resource or path,
            "stage": "prod",
        },
        "body": body,
        "isBase64Encoded": False,
    }


# -- the runtime loop against a fake Runtime API ----------------------------------


class Runtime:
    """The app binary started as Lambda starts a custom runtime, and its fake Runtime API."""

    def __init__(self, api, process, workdir):
        self.api = api
        self.process = process
        self.workdir = workdir

    def stderr(self):
        with open(os.path.join(self.workdir, "stderr.log"), "rb") as log:
            return log.read().decode("utf-8", "replace")

    def describe(self):
        return "runtime stderr:\n" + self.stderr()


class RuntimeLoopTest(unittest.TestCase):
    """The app binary as a Lambda custom runtime, talking to a Runtime API of the test's own."""

    def start_runtime(self, handler, function_name=None, binary=None, runtime_api=None, db_url=None):
        api = FakeRuntimeApi().start()
        self.addCleanup(api.stop)
        workdir = tempfile.mkdtemp(prefix="strata-runtime-")
        self.addCleanup(shutil.rmtree, workdir, True)
        # Lambda's environment and nothing of the test's, but PATH (and sanitizer settings).
        environment = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_LAMBDA_RUNTIME_API": runtime_api or api.address,
            "_HANDLER": handler,
            "AWS_LAMBDA_FUNCTION_NAME": function_name or handler,
            "STRATA_DB": db_url or "sqlite:" + os.path.join(workdir, "runtime.db"),
        }
        for name in ("LD_LIBRARY_PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"):
            if name in os.environ:
                environment[name] = os.environ[name]
        with open(os.path.join(workdir, "stdout.log"), "wb") as out, \
                open(os.path.join(workdir, "stderr.log"), "wb") as err:
            process = subprocess.Popen([binary or probe_binary()], cwd=workdir, env=environment,
                                       stdin=subprocess.DEVNULL, stdout=out, stderr=err)

        def stop_process():
            if process.poll() is None:
                process.kill()
            process.wait()

        self.addCleanup(stop_process)
        return Runtime(api, process, workdir)

    def assertExits(self, runtime, timeout=10.0):
        try:
            return runtime.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail("the runtime did not exit within %.0f s; %s" % (timeout, runtime.describe()))

    def test_success_posts_the_proxy_response(self):
        runtime = self.start_runtime("echo", function_name="probe-echo-fn")
        event = proxy_event("POST", "/echo", query={"a": "1"}, body="hello lambda",
                            headers={"Content-Type": "text/plain", "X-Custom": "yes"})
        request_id = runtime.api.queue_event(event)
        post = runtime.api.wait_for_post(request_id)
        self.assertEqual(post.kind, "response", runtime.describe())
        response = post.json()
        self.assertEqual(response["statusCode"], 200)
        self.assertIsInstance(response["headers"], dict)
        self.assertEqual(response["multiValueHeaders"].get("X-Echo"), ["one", "two"])
        self.assertIs(response["isBase64Encoded"], False)
        echoed = json.loads(response["body"])
        self.assertEqual(echoed["httpMethod"], "POST")
        self.assertEqual(echoed["path"], "/echo")
        self.assertEqual(echoed["resource"], "/echo")
        self.assertEqual(echoed["body"], "hello lambda")
        self.assertEqual(echoed["queryStringParameters"], {"a": "1"})
        self.assertEqual(echoed["headers"].get("X-Custom"), "yes")
        self.assertEqual(echoed["requestContext"]["requestId"], "api-gateway-request-1")
        self.assertEqual(echoed["requestContext"]["stage"], "prod")
        self.assertEqual(echoed["requestContext"]["sourceIp"], "203.0.113.7")
        # The function's name is Lambda's (AWS_LAMBDA_FUNCTION_NAME), not the handler's.
        self.assertEqual(echoed["functionName"], "probe-echo-fn")
        # The runtime is still there for the next event.
        second = runtime.api.queue_event(proxy_event("GET", "/echo", query={"n": "2"}))
        post = runtime.api.wait_for_post(second)
        self.assertEqual(post.kind, "response", runtime.describe())
        self.assertEqual(json.loads(post.json()["body"])["queryStringParameters"], {"n": "2"})
        self.assertEqual(runtime.api.unexpected, [])

    def test_handler_exception_posts_an_error_and_serves_the_next_event(self):
        runtime = self.start_runtime("throws")
        request_id = runtime.api.queue_event(proxy_event("GET", "/throws"))
        post = runtime.api.wait_for_post(request_id)
        self.assertEqual(post.kind, "error", runtime.describe())
        error = post.json()
        self.assertEqual(error["errorMessage"], PROBE_THROWS_MESSAGE)
        self.assertEqual(error["errorType"], "std::runtime_error")
        self.assertIsInstance(error["stackTrace"], list)
        self.assertTrue(post.header("Lambda-Runtime-Function-Error-Type"), post.headers)
        self.assertEqual(post.header("Content-Type"), "application/json")
        again = runtime.api.queue_event(proxy_event("GET", "/throws"))
        self.assertEqual(runtime.api.wait_for_post(again).kind, "error")
        self.assertIsNone(runtime.process.poll(), "the runtime died after a function error; " + runtime.describe())

    def test_bad_handler_posts_init_error_and_exits_non_zero(self):
        runtime = self.start_runtime("no_such_function")
        post = runtime.api.wait_for_post(kind="init_error")
        error = post.json()
        self.assertEqual(error["errorType"], "Runtime.InvalidHandler")
        self.assertIn("no_such_function", error["errorMessage"])
        self.assertIn("echo", error["errorMessage"])  # names the functions the app has
        self.assertEqual(post.header("Lambda-Runtime-Function-Error-Type"), "Runtime.InvalidHandler")
        code = self.assertExits(runtime)
        self.assertNotEqual(code, 0)
        self.assertEqual(runtime.api.next_calls, 0, "a runtime that failed to start must not ask for events")

    def test_deadline_trace_id_and_details_reach_the_context(self):
        runtime = self.start_runtime("context", function_name="probe-context")
        trace = "Root=1-5e1b4151-5ac6c58f5b5dbd6a1c2b5a3e;Parent=53995c3f42cd8ad8;Sampled=1"
        arn = "arn:aws:lambda:eu-west-1:111122223333:function:probe-context:live"
        client_context = json.dumps({"client": {"installation_id": "install-1"}, "custom": {"k": "v"}})
        cognito = json.dumps({"cognitoIdentityId": "id-1", "cognitoIdentityPoolId": "pool-1"})
        deadline_ms = int(time.time() * 1000) + 600000  # 10 minutes: not any default of the runtime
        request_id = runtime.api.queue_event(proxy_event("GET", "/context"), deadline_ms=deadline_ms,
                                             function_arn=arn, trace_id=trace, client_context=client_context,
                                             cognito_identity=cognito)
        post = runtime.api.wait_for_post(request_id)
        self.assertEqual(post.kind, "response", runtime.describe())
        seen = json.loads(post.json()["body"])
        self.assertEqual(seen["requestId"], request_id)
        self.assertEqual(seen["functionName"], "probe-context")
        self.assertGreater(seen["remainingMs"], 500000)
        self.assertLessEqual(seen["remainingMs"], 600000)
        self.assertEqual(seen["invokedFunctionArn"], arn)
        self.assertEqual(seen["traceId"], trace)
        self.assertEqual(seen["clientContext"], client_context)
        self.assertEqual(seen["cognitoIdentity"], cognito)
        self.assertEqual(seen["environment"]["_X_AMZN_TRACE_ID"], trace)
        self.assertEqual(seen["environment"]["AWS_LAMBDA_FUNCTION_NAME"], "probe-context")
        self.assertIsNone(seen["environment"]["LAMBDA_TASK_ROOT"])  # not given here

        # The next event has no trace id and a deadline already past: nothing is left over.
        second = runtime.api.queue_event(proxy_event("GET", "/context"), deadline_ms=int(time.time() * 1000) - 1000)
        post = runtime.api.wait_for_post(second)
        self.assertEqual(post.kind, "response", runtime.describe())
        seen = json.loads(post.json()["body"])
        self.assertEqual(seen["requestId"], second)
        self.assertEqual(seen["remainingMs"], 0)
        self.assertEqual(seen["traceId"], "")
        self.assertEqual(seen["clientContext"], "")
        self.assertIsNone(seen["environment"]["_X_AMZN_TRACE_ID"])

    def test_response_over_6_mb_is_an_error_and_the_runtime_goes_on(self):
        runtime = self.start_runtime("big")
        request_id = runtime.api.queue_event(proxy_event("GET", "/big", query={"bytes": "7000000"}))
        post = runtime.api.wait_for_post(request_id)
        self.assertEqual(post.kind, "error", runtime.describe())
        error = post.json()
        self.assertEqual(error["errorType"], "Function.ResponseSizeTooLarge")
        self.assertIn("6291456", error["errorMessage"])
        self.assertEqual(post.header("Lambda-Runtime-Function-Error-Type"), "Function.ResponseSizeTooLarge")
        # Just under the limit is fine, and the same process answers it.
        small = runtime.api.queue_event(proxy_event("GET", "/big", query={"bytes": "6000000"}))
        post = runtime.api.wait_for_post(small)
        self.assertEqual(post.kind, "response", runtime.describe())
        self.assertEqual(len(post.json()["body"]), 6000000)
        self.assertIsNone(runtime.process.poll(), runtime.describe())

    def test_non_proxy_event_is_an_error_and_the_next_event_is_served(self):
        runtime = self.start_runtime("echo")
        not_proxy = runtime.api.queue_event({"hello": 1})
        post = runtime.api.wait_for_post(not_proxy)
        self.assertEqual(post.kind, "error", runtime.describe())
        self.assertIn("httpMethod", post.json()["errorMessage"])
        self.assertTrue(post.json()["errorType"])
        not_json = runtime.api.queue_event("this is not JSON {")
        post = runtime.api.wait_for_post(not_json)
        self.assertEqual(post.kind, "error", runtime.describe())
        self.assertIn("not JSON", post.json()["errorMessage"])
        fine = runtime.api.queue_event(proxy_event("GET", "/echo"))
        post = runtime.api.wait_for_post(fine)
        self.assertEqual(post.kind, "response", runtime.describe())
        self.assertEqual(post.json()["statusCode"], 200)

    def test_logs_are_json_lines_with_the_request_id(self):
        runtime = self.start_runtime("throws")
        request_id = runtime.api.queue_event(proxy_event("GET", "/throws"))
        runtime.api.wait_for_post(request_id)
        runtime.api.stop()  # ends the runtime, and logs lines outside any invocation
        self.assertExits(runtime)
        lines = [line for line in runtime.stderr().splitlines() if line.strip()]
        self.assertTrue(lines, "the runtime logged nothing")
        records = []
        for line in lines:
            try:
                records.append(json.loads(line))
            except ValueError:
                self.fail("not a JSON log line: %r; %s" % (line, runtime.describe()))
        for record in records:
            self.assertIn("timestamp", record)
            self.assertIn("level", record)
            self.assertIn("message", record)
        failures = [r for r in records if PROBE_THROWS_MESSAGE in r["message"]]
        self.assertTrue(failures, runtime.describe())
        for record in failures:
            self.assertEqual(record.get("requestId"), request_id)
            self.assertEqual(record["level"], "ERROR")
        # Once the invocation is over, lines no longer carry its id.
        after = [r for r in records if "Runtime API" in r["message"]]
        self.assertTrue(after, runtime.describe())
        for record in after:
            self.assertNotIn("requestId", record)

    def test_exits_by_itself_when_the_runtime_api_disappears(self):
        runtime = self.start_runtime("echo")
        request_id = runtime.api.queue_event(proxy_event("GET", "/echo"))
        self.assertEqual(runtime.api.wait_for_post(request_id).kind, "response")
        self.assertTrue(runtime.api.wait_for_next_calls(2), "the runtime did not ask for the next event")
        runtime.api.stop()  # while the runtime waits in GET /next
        self.assertExits(runtime, timeout=10.0)

    def test_exits_when_next_answers_a_server_error(self):
        runtime = self.start_runtime("echo")
        request_id = runtime.api.queue_event(proxy_event("GET", "/echo"))
        self.assertEqual(runtime.api.wait_for_post(request_id).kind, "response")
        runtime.api.next_status = 500  # the service wants the runtime to exit
        runtime.api.queue_event(proxy_event("GET", "/echo"))  # wakes the parked /next, which now fails
        self.assertExits(runtime)
        self.assertEqual(runtime.api.unexpected, [])

    def test_exits_when_the_runtime_api_is_not_there_at_all(self):
        api = FakeRuntimeApi().start()
        address = api.address
        api.stop()  # nothing listens on this port any more
        runtime = self.start_runtime("echo", runtime_api=address)
        self.assertExits(runtime, timeout=10.0)

    def test_blog_function_uses_the_database_of_strata_db(self):
        workdir = tempfile.mkdtemp(prefix="strata-runtime-db-")
        self.addCleanup(shutil.rmtree, workdir, True)
        db_path = os.path.join(workdir, "blog.db")
        migrate = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "up"], env={"STRATA_DB": "sqlite:" + db_path})
        self.assertEqual(migrate.returncode, 0, migrate.stderr)
        runtime = self.start_runtime("get_posts", binary=blog_binary(), db_url="sqlite:" + db_path)
        request_id = runtime.api.queue_event(proxy_event("GET", "/posts", resource="/posts"))
        post = runtime.api.wait_for_post(request_id)
        self.assertEqual(post.kind, "response", runtime.describe())
        self.assertEqual(post.json()["statusCode"], 200)
        items = json.loads(post.json()["body"])["items"]
        self.assertIn(SEED_POST_TITLE, [item.get("title") for item in items])


    def test_a_database_away_at_start_gives_503s_not_an_init_error(self):
        """A function started while MySQL is down (restarting, or Aurora resuming) serves 503s
        until it is back, as the in-process gateway does, instead of failing its init."""
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            closed_port = probe.getsockname()[1]  # nothing listens there once closed
        url = "mysql://strata:secret@127.0.0.1:%d/blog?connect_timeout=2" % closed_port
        runtime = self.start_runtime("get_posts", binary=blog_binary(), db_url=url)
        request_id = runtime.api.queue_event(proxy_event("GET", "/posts", resource="/posts"))
        post = runtime.api.wait_for_post(request_id, timeout=20)
        self.assertEqual(post.kind, "response", runtime.describe())
        self.assertEqual(post.json()["statusCode"], 503, post.json())
        self.assertIsNone(runtime.process.poll(), "the runtime exited; " + runtime.describe())
        self.assertNotIn("secret", runtime.stderr())


# -- serve --lambda -------------------------------------------------------------


class LambdaServerTestCase(ServerTestCase, unittest.TestCase):
    def start_lambda_server(self):
        """`probe serve --lambda`; every process it started is gone after the test, whatever happens."""
        seen = set()
        self.addCleanup(lambda: kill_if_alive(seen))  # runs last
        server = self.start_server(probe_binary(), app_dir=PROBE_APP_DIR, extra_args=["--lambda"])
        self.addCleanup(lambda: seen.update(child_pids(server.process.pid) if server.process else ()))
        return server

    def get(self, server, path, headers=None, timeout=30):
        connection = http.client.HTTPConnection(server.host, server.port, timeout=timeout)
        try:
            connection.request("GET", path, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def get_json(self, server, path):
        status, headers, body = self.get(server, path)
        try:
            return status, headers, json.loads(body.decode("utf-8")) if body else None
        except ValueError:
            self.fail("GET %s: %d with a body that is not JSON: %r" % (path, status, body[:200]))

    def assertStatus(self, server, path, status, expected):
        self.assertEqual(status, expected, "GET %s; server log:\n%s" % (path, server.log()[-4000:]))


class ServeLambdaTest(LambdaServerTestCase):
    def test_echo_runs_in_a_process_of_its_own(self):
        server = self.start_lambda_server()
        status, headers, echoed = self.get_json(server, "/echo?x=1&x=2")
        self.assertStatus(server, "/echo", status, 200)
        self.assertEqual(echoed["path"], "/echo")
        self.assertEqual(echoed["httpMethod"], "GET")
        self.assertEqual(echoed["multiValueQueryStringParameters"], {"x": ["1", "2"]})
        self.assertEqual(echoed["functionName"], "echo")
        self.assertEqual(echoed["requestContext"]["stage"], "local")
        self.assertEqual(headers.get_all("X-Echo"), ["one", "two"])
        self.assertTrue(function_children(server.process.pid, "echo"), "no echo process is a child of serve")

    def test_lambda_environment_of_a_function_process(self):
        server = self.start_lambda_server()
        status, _, seen = self.get_json(server, "/context")
        self.assertStatus(server, "/context", status, 200)
        environment = seen["environment"]
        self.assertEqual(seen["functionName"], "context")
        self.assertTrue(seen["requestId"])
        self.assertGreater(seen["remainingMs"], 0)
        self.assertLessEqual(seen["remainingMs"], 3000)  # the default timeout, 3 s
        self.assertEqual(seen["invokedFunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:context")
        self.assertRegex(seen["traceId"], TRACE_ID_FORMAT)
        self.assertEqual(environment["_X_AMZN_TRACE_ID"], seen["traceId"])
        # Each invocation its own random trace: no two of ten alike, nor any digit position fixed.
        traces = [self.get_json(server, "/context")[2]["traceId"] for _ in range(10)]
        self.assertEqual(len(set(traces)), 10, traces)
        randoms = [trace.split(";")[0][-24:] + trace.split(";")[1][-16:] for trace in traces]
        fixed = [i for i in range(40) if len({r[i] for r in randoms}) == 1]
        self.assertEqual(fixed, [], "digits that never change across ten traces: %r" % traces)
        self.assertEqual(environment["AWS_LAMBDA_FUNCTION_NAME"], "context")
        self.assertEqual(environment["_HANDLER"], "context")
        self.assertEqual(environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256")  # strata.json "memory"
        self.assertEqual(environment["AWS_REGION"], "us-east-1")
        self.assertEqual(os.path.realpath(environment["LAMBDA_TASK_ROOT"]), os.path.realpath(PROBE_APP_DIR))
        self.assertRegex(environment["AWS_LAMBDA_RUNTIME_API"], r"^127\.0\.0\.1:\d+$")
        self.assertNotEqual(environment["AWS_LAMBDA_RUNTIME_API"], "127.0.0.1:%d" % server.port)
        self.assertNotEqual(seen["pid"], server.process.pid)
        # Every invocation has its own request id and trace id.
        _, _, again = self.get_json(server, "/context")
        self.assertNotEqual(again["requestId"], seen["requestId"])
        self.assertNotEqual(again["traceId"], seen["traceId"])

    def test_timeout_is_504_and_the_process_is_replaced(self):
        server = self.start_lambda_server()
        serve_pid = server.process.pid
        before = wait_until(lambda: function_children(serve_pid, "sleep"))
        self.assertEqual(len(before), 1, "strata.json keeps one warm sleep process")
        started = time.monotonic()
        status, _, body = self.get_json(server, "/sleep?ms=8000")  # the function's timeout is 1 s
        took = time.monotonic() - started
        self.assertStatus(server, "/sleep?ms=8000", status, 504)
        self.assertEqual(body, {"message": "Endpoint request timed out"})
        self.assertLess(took, 5.0, "the timed-out invocation was not cut off")
        self.assertTrue(wait_until(lambda: not alive(before[0])), "the timed-out process %d still runs" % before[0])
        status, _, body = self.get_json(server, "/sleep?ms=10")
        self.assertStatus(server, "/sleep?ms=10", status, 200)
        self.assertEqual(body["slept"], 10)
        self.assertNotEqual(body["pid"], before[0])
        after = wait_until(lambda: function_children(serve_pid, "sleep"))
        self.assertEqual(len(after), 1, "the warm process was not replaced")
        self.assertIsNotNone(server.wait_for_log(r"timed out"), "the timeout is not logged")

    def test_crash_is_502_and_the_next_invocation_gets_a_fresh_process(self):
        server = self.start_lambda_server()
        serve_pid = server.process.pid
        first = wait_until(lambda: function_children(serve_pid, "crash"))
        self.assertEqual(len(first), 1, "strata.json keeps one warm crash process")
        status, _, body = self.get_json(server, "/crash")
        self.assertStatus(server, "/crash", status, 502)
        self.assertEqual(body, {"message": "Internal server error"})
        status, _, _ = self.get_json(server, "/echo")
        self.assertStatus(server, "/echo", status, 200)
        second = wait_until(lambda: [pid for pid in function_children(serve_pid, "crash") if pid not in first])
        self.assertEqual(len(second), 1, "no fresh crash process after the crash")
        self.assertFalse(alive(first[0]))
        status, _, body = self.get_json(server, "/crash")
        self.assertStatus(server, "/crash", status, 502)
        self.assertEqual(body, {"message": "Internal server error"})
        third = wait_until(lambda: [pid for pid in function_children(serve_pid, "crash") if pid not in first + second])
        self.assertEqual(len(third), 1, "no fresh crash process after the second crash")
        self.assertFalse(alive(second[0]))
        self.assertTrue(server.running())

    def test_process_killed_during_an_invocation_is_502_and_replaced(self):
        # SIGKILL from outside (the OOM killer, an operator) while the function works: that
        # request gets 502, the process is replaced, other functions never notice.
        server = self.start_lambda_server()
        serve_pid = server.process.pid
        before = wait_until(lambda: function_children(serve_pid, "sleep"))
        self.assertEqual(len(before), 1, "strata.json keeps one warm sleep process")
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(self.get_json, server, "/sleep?ms=900")
            time.sleep(0.3)  # inside the 900 ms sleep
            self.assertFalse(in_flight.done(), "the sleep answered before it could be killed")
            os.kill(before[0], signal.SIGKILL)
            status, _, body = in_flight.result(timeout=10)
        self.assertStatus(server, "/sleep?ms=900", status, 502)
        self.assertEqual(body, {"message": "Internal server error"})
        status, _, _ = self.get_json(server, "/echo")
        self.assertStatus(server, "/echo", status, 200)
        status, _, body = self.get_json(server, "/sleep?ms=10")
        self.assertStatus(server, "/sleep?ms=10", status, 200)
        self.assertNotEqual(body["pid"], before[0])
        after = wait_until(lambda: function_children(serve_pid, "sleep"))
        self.assertEqual(len(after), 1, "the killed warm process was not replaced")
        self.assertTrue(server.running())

    def test_defaults_count_only_the_cores_serve_may_run_on(self):
        # Pinned to one core (taskset, a container's cpuset), serve runs one event loop
        # and keeps one warm process of a function without settings (echo), not one per
        # core of the machine: more would only take turns on that core.
        if len(os.sched_getaffinity(0)) < 2:
            self.skipTest("needs a machine of 2 cores or more to pin serve to fewer")
        cores = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {min(cores)})  # serve inherits it
        try:
            server = self.start_lambda_server()
        finally:
            os.sched_setaffinity(0, cores)
        self.assertIn(" 1 threads)", server.log())
        status, _, _ = self.get_json(server, "/echo")
        self.assertStatus(server, "/echo", status, 200)
        # (A second warm process would be there within the second.)
        wait_until(lambda: len(function_children(server.process.pid, "echo")) > 1, timeout=1.0)
        self.assertEqual(len(function_children(server.process.pid, "echo")), 1,
                         "one warm echo process per core serve may use")

    def test_warm_process_keeps_its_state_between_invocations(self):
        server = self.start_lambda_server()
        counts, pids = [], set()
        for _ in range(3):
            status, _, body = self.get_json(server, "/counter")
            self.assertStatus(server, "/counter", status, 200)
            counts.append(body["count"])
            pids.add(body["pid"])
        self.assertEqual(counts, [1, 2, 3])
        self.assertEqual(len(pids), 1, "one warm process (maxConcurrency 1) served every invocation")

    def test_function_that_throws_is_502(self):
        server = self.start_lambda_server()
        status, _, body = self.get_json(server, "/throws")
        self.assertStatus(server, "/throws", status, 502)
        self.assertEqual(body, {"message": "Internal server error"})
        self.assertIsNotNone(server.wait_for_log(re.escape(PROBE_THROWS_MESSAGE)), "the error is not logged")
        status, _, _ = self.get_json(server, "/throws")
        self.assertEqual(status, 502)

    def test_response_size_limit(self):
        server = self.start_lambda_server()
        status, _, body = self.get(server, "/big?bytes=6000000")
        self.assertStatus(server, "/big?bytes=6000000", status, 200)
        self.assertEqual(len(body), 6000000)
        status, _, body = self.get(server, "/big?bytes=7000000")
        self.assertStatus(server, "/big?bytes=7000000", status, 502)
        self.assertEqual(json.loads(body), {"message": "Internal server error"})
        status, _, body = self.get(server, "/big?bytes=5")
        self.assertStatus(server, "/big?bytes=5", status, 200)
        self.assertEqual(body, b"xxxxx")

    def test_parallel_requests_scale_up_to_max_concurrency(self):
        server = self.start_lambda_server()
        results = [None] * 16

        def call(index):
            try:
                status, _, body = self.get(server, "/sleep?ms=200", timeout=30)
                results[index] = (status, json.loads(body) if status == 200 else body)
            except Exception as error:  # reported below
                results[index] = ("exception", repr(error))

        started = time.monotonic()
        threads = [threading.Thread(target=call, args=(i,)) for i in range(len(results))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        took = time.monotonic() - started
        self.assertTrue(all(r is not None and r[0] == 200 for r in results),
                        "%r; server log:\n%s" % (results, server.log()[-4000:]))
        pids = {body["pid"] for _, body in results}
        self.assertGreater(len(pids), 1, "16 parallel requests were served by one process")
        self.assertLessEqual(len(pids), 4, "more sleep processes than maxConcurrency 4")
        self.assertLessEqual(len(function_children(server.process.pid, "sleep")), 4)
        self.assertLess(took, 20.0)

    def test_quick_invocations_in_parallel_keep_to_the_warm_processes(self):
        # 16 clients at once on a function that answers in well under a millisecond (echo,
        # default settings: one warm process per core serve may use, up to 4 per core): the
        # queue drains through the warm processes, and no more start, since on the same cores
        # they would only take turns.
        server = self.start_lambda_server()
        warm = len(os.sched_getaffinity(0))  # serve's, inherited from this process
        wait_until(lambda: len(function_children(server.process.pid, "echo")) == warm)
        errors = []

        def call():
            connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
            try:
                for _ in range(40):
                    connection.request("GET", "/echo")
                    response = connection.getresponse()
                    response.read()
                    if response.status != 200:
                        errors.append(response.status)
            except (OSError, http.client.HTTPException) as error:
                errors.append(repr(error))
            finally:
                connection.close()

        threads = [threading.Thread(target=call) for _ in range(16)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertEqual(errors, [], "server log:\n%s" % server.log()[-4000:])
        # One more is allowed for a machine so busy that every process was held 10 ms at once;
        # the pool before this rule started 4 per core here.
        self.assertLessEqual(len(function_children(server.process.pid, "echo")), warm + 1,
                             "quick invocations started processes beyond the warm ones")

    def test_sigterm_leaves_no_process_behind(self):
        server = self.start_lambda_server()
        self.get_json(server, "/counter")
        self.get_json(server, "/echo")
        children = child_pids(server.process.pid)
        self.assertGreaterEqual(len(children), 9, "serve --lambda should run warm processes of each function")
        for pid in children:
            self.assertIn("AWS_LAMBDA_RUNTIME_API", environment_of(pid))
        server.stop()  # SIGTERM, asserts exit code 0
        left = [pid for pid in children if alive(pid)]
        self.assertEqual(left, [], "function processes outlived serve")

    def test_sigterm_with_an_invocation_in_flight(self):
        server = self.start_lambda_server()
        children = child_pids(server.process.pid)
        outcome = []

        def slow_request():
            try:
                outcome.append(self.get(server, "/sleep?ms=800", timeout=15)[0])
            except (OSError, http.client.HTTPException) as error:
                outcome.append(repr(error))  # the connection may close unanswered: both are fine

        thread = threading.Thread(target=slow_request)
        thread.start()
        self.addCleanup(thread.join, 20)
        time.sleep(0.3)  # pacing only: let the invocation reach its process (queued is a fine case too)
        server.stop()  # SIGTERM, asserts exit code 0
        left = [pid for pid in children if alive(pid)]
        self.assertEqual(left, [], "function processes outlived serve")
        thread.join(20)
        self.assertEqual(len(outcome), 1, "the client of the in-flight request hangs")

    def test_malformed_proxy_response_is_502(self):
        # The runtime writes what the function returned; the gateway reads it as API Gateway
        # does, and a status code outside 100..599 or a base64 body that is not base64 is a 502.
        server = self.start_lambda_server()
        for path, expected in MALFORMED_STATUS_CASES:
            with self.subTest(path=path):
                status, _, body = self.get(server, path)
                self.assertStatus(server, path, status, expected)
                if expected == 502:
                    self.assertEqual(json.loads(body), {"message": "Internal server error"}, path)
                else:
                    self.assertEqual(body, b"status %d" % expected, path)

    def test_in_process_reads_a_proxy_response_as_lambda_mode_does(self):
        server = self.start_server(probe_binary(), app_dir=PROBE_APP_DIR)  # no --lambda
        for path, expected in MALFORMED_STATUS_CASES:
            with self.subTest(path=path):
                connection = server.connect()
                try:
                    connection.request("GET", path)
                    status = connection.getresponse().status
                except (OSError, http.client.HTTPException) as error:
                    status = "no answer: %r" % error
                finally:
                    connection.close()
                self.assertEqual(status, expected, "in-process GET %s" % path)

    def test_functions_get_the_same_request_as_in_process(self):
        lambda_server = self.start_lambda_server()
        in_process = self.start_server(probe_binary(), app_dir=PROBE_APP_DIR)
        requests = [
            ("GET", "/echo?a=1&a=2&b=x%20y", None, {"X-Custom": "1"}),
            ("GET", "/echo/one/two/three", None, {}),
            ("POST", "/echo", b'{"json": true}', {"Content-Type": "application/json"}),
            ("POST", "/echo", b"\x00\x01binary\xff", {"Content-Type": "application/octet-stream"}),
            ("PUT", "/echo?empty=", b"", {"Accept": "text/plain"}),
        ]
        for method, path, body, headers in requests:
            answers = []
            for server in (lambda_server, in_process):
                connection = server.connect()
                try:
                    connection.request(method, path, body=body, headers=headers)
                    response = connection.getresponse()
                    answers.append((response.status, response.headers.get_all("X-Echo"), json.loads(response.read())))
                finally:
                    connection.close()
            for status, x_echo, echoed in answers:
                self.assertEqual(status, 200, (method, path))
                self.assertEqual(x_echo, ["one", "two"], (method, path))
                del echoed["requestContext"]["requestId"], echoed["remainingMs"], echoed["headers"]["Host"]
            self.assertEqual(answers[0][2], answers[1][2], "%s %s: lambda mode vs in-process" % (method, path))
        status, _, body = self.get(lambda_server, "/binary")
        self.assertEqual((status, body), (200, b"\x00\x01\x02\xff"))

    def test_in_memory_database_is_refused(self):
        result = run_cli(probe_binary(), ["--app", PROBE_APP_DIR, "serve", "--lambda", "--port", "0",
                                          "--db", "sqlite::memory:"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("in-memory", result.stderr)


# -- the Lambda Invoke API on the serve --lambda port -----------------------------


def aws_cli():
    return shutil.which("aws")


class InvokeApiTest(LambdaServerTestCase):
    def setUp(self):
        self.server = self.start_lambda_server()
        self.workdir = tempfile.mkdtemp(prefix="strata-invoke-api-")
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def invoke(self, function, payload, headers=None):
        connection = http.client.HTTPConnection(self.server.host, self.server.port, timeout=30)
        try:
            if isinstance(payload, (dict, list)):
                payload = json.dumps(payload)
            connection.request("POST", "/2015-03-31/functions/%s/invocations" % function, body=payload,
                               headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()

    def run_aws(self, *args):
        binary = aws_cli()
        if binary is None:
            self.fail("the AWS CLI (`aws`) is not on PATH: " + INSTALL_HINT)
        environment = dict(os.environ)
        environment.update({
            "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": os.path.join(self.workdir, "no-config"),
            "AWS_SHARED_CREDENTIALS_FILE": os.path.join(self.workdir, "no-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_PAGER": "",
        })
        environment.pop("AWS_SESSION_TOKEN", None)
        environment.pop("AWS_PROFILE", None)
        return subprocess.run([binary] + list(args), env=environment, cwd=self.workdir, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60)

    def aws_invoke(self, function, payload):
        """`aws lambda invoke` with the payload from a file; (CompletedProcess, path of the response file)."""
        event_path = os.path.join(self.workdir, "event.json")
        with open(event_path, "w") as event:
            event.write(payload if isinstance(payload, str) else json.dumps(payload))
        out_path = os.path.join(self.workdir, "out-%s.json" % function)
        args = ["lambda", "invoke", "--endpoint-url", self.server.base_url, "--function-name", function,
                "--payload", "file://" + event_path]
        version = self.run_aws("--version")
        if re.search(r"aws-cli/([2-9]|\d\d)", version.stdout + version.stderr):
            args += ["--cli-binary-format", "raw-in-base64-out"]  # CLI v2 takes blobs as base64 otherwise
        return self.run_aws(*(args + [out_path])), out_path

    def test_aws_cli_invoke(self):
        result, out_path = self.aws_invoke("echo", proxy_event("POST", "/echo", body="via the AWS CLI"))
        self.assertEqual(result.returncode, 0, result.stderr)
        output = json.loads(result.stdout)
        self.assertEqual(output["StatusCode"], 200)
        self.assertNotIn("FunctionError", output)
        with open(out_path) as out:
            response = json.load(out)
        self.assertEqual(response["statusCode"], 200)
        echoed = json.loads(response["body"])
        self.assertEqual(echoed["body"], "via the AWS CLI")
        self.assertEqual(echoed["httpMethod"], "POST")

    def test_aws_cli_function_error(self):
        result, out_path = self.aws_invoke("throws", proxy_event("GET", "/throws"))
        self.assertEqual(result.returncode, 0, result.stderr)
        output = json.loads(result.stdout)
        self.assertEqual(output["StatusCode"], 200)
        self.assertEqual(output.get("FunctionError"), "Unhandled")
        with open(out_path) as out:
            error = json.load(out)
        self.assertEqual(error["errorMessage"], PROBE_THROWS_MESSAGE)
        self.assertEqual(error["errorType"], "std::runtime_error")

    def test_aws_cli_unknown_function(self):
        result, _ = self.aws_invoke("no_such_function", {})
        self.assertNotEqual(result.returncode, 0, result.stdout)
        self.assertIn("ResourceNotFoundException", result.stderr)

    def test_request_response_over_http(self):
        status, headers, body = self.invoke("echo", proxy_event("GET", "/echo", query={"q": "v"}))
        self.assertEqual(status, 200, body)
        self.assertTrue(headers.get("x-amzn-RequestId"))
        self.assertIsNone(headers.get("X-Amz-Function-Error"))
        response = json.loads(body)
        self.assertEqual(json.loads(response["body"])["queryStringParameters"], {"q": "v"})
        # A function is named by its ARN too.
        status, _, body = self.invoke("arn:aws:lambda:us-east-1:123456789012:function:echo", proxy_event())
        self.assertEqual(status, 200, body)
        self.assertEqual(json.loads(body)["statusCode"], 200)
        # An event that is not a proxy event reaches the function, which fails on it.
        status, headers, body = self.invoke("echo", {"hello": 1})
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertIn("errorMessage", json.loads(body))

    def test_crash_and_timeout_are_function_errors(self):
        status, headers, body = self.invoke("crash", proxy_event("GET", "/crash"))
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertTrue(json.loads(body).get("errorType"), body)
        status, headers, body = self.invoke("sleep", proxy_event("GET", "/sleep", query={"ms": "8000"}))
        self.assertEqual(status, 200, body)
        self.assertEqual(headers.get("X-Amz-Function-Error"), "Unhandled")
        self.assertIn("timed out", json.loads(body).get("errorMessage", ""), body)

    def test_unknown_invocation_type_is_400(self):
        status, headers, body = self.invoke("echo", proxy_event(), headers={"X-Amz-Invocation-Type": "Sometimes"})
        self.assertEqual(status, 400, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "InvalidParameterValueException")

    def test_event_invocation_is_202_and_runs(self):
        status, headers, body = self.invoke("counter", proxy_event("GET", "/counter"),
                                            headers={"X-Amz-Invocation-Type": "Event"})
        self.assertEqual(status, 202, body)
        self.assertTrue(headers.get("x-amzn-RequestId"))
        # counter has one process: the Event invocation ran before this one.
        status, _, value = self.get_json(self.server, "/counter")
        self.assertEqual(status, 200)
        self.assertEqual(value["count"], 2)

    def test_dry_run_is_204(self):
        status, _, body = self.invoke("counter", proxy_event("GET", "/counter"),
                                      headers={"X-Amz-Invocation-Type": "DryRun"})
        self.assertEqual(status, 204)
        self.assertEqual(body, b"")
        _, _, value = self.get_json(self.server, "/counter")
        self.assertEqual(value["count"], 1, "a DryRun must not run the function")

    def test_bad_json_payload_is_400(self):
        status, headers, body = self.invoke("echo", "{not json")
        self.assertEqual(status, 400, body)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "InvalidRequestContentException")

    def test_unknown_function_and_resource_are_404(self):
        status, headers, _ = self.invoke("no_such_function", {})
        self.assertEqual(status, 404)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ResourceNotFoundException")
        status, headers, _ = self.get(self.server, "/2015-03-31/functions/echo/invocations")
        self.assertEqual(status, 404)
        self.assertEqual(headers.get("x-amzn-ErrorType"), "ResourceNotFoundException")


# -- APP invoke FUNCTION --event FILE ---------------------------------------------


class InvokeCommandTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="strata-invoke-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        self.db_url = "sqlite:" + os.path.join(self.workdir, "app.db")

    def write_event(self, event):
        path = os.path.join(self.workdir, "event.json")
        with open(path, "w") as out:
            json.dump(event, out)
        return path

    def migrated_blog_db(self):
        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "up"], env={"STRATA_DB": self.db_url})
        self.assertEqual(result.returncode, 0, result.stderr)

    def assertSeedPost(self, result):
        self.assertEqual(result.returncode, 0, result.stderr)
        response = json.loads(result.stdout)
        self.assertEqual(response["statusCode"], 200)
        titles = [item.get("title") for item in json.loads(response["body"])["items"]]
        self.assertIn(SEED_POST_TITLE, titles)

    def test_event_from_a_file(self):
        self.migrated_blog_db()
        event = self.write_event(proxy_event("GET", "/posts"))
        result = run_cli(blog_binary(), ["invoke", "get_posts", "--event", event, "--db", self.db_url],
                         cwd=BLOG_APP_DIR, timeout=30)
        self.assertSeedPost(result)

    def test_event_from_standard_input(self):
        self.migrated_blog_db()
        environment = dict(os.environ)
        environment.pop("STRATA_DB", None)
        result = subprocess.run([blog_binary(), "invoke", "get_posts", "--event", "-", "--db", self.db_url],
                                cwd=BLOG_APP_DIR, env=environment, input=json.dumps(proxy_event("GET", "/posts")),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertSeedPost(result)

    def test_unknown_function(self):
        result = run_cli(blog_binary(), ["invoke", "no_such_function", "--db", self.db_url], cwd=BLOG_APP_DIR,
                         timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("no_such_function", result.stderr)
        self.assertEqual(result.stdout, "")

    def test_function_that_throws_exits_1_with_the_error(self):
        event = self.write_event(proxy_event("GET", "/throws"))
        result = run_cli(probe_binary(), ["--app", PROBE_APP_DIR, "invoke", "throws", "--event", event,
                                          "--db", self.db_url], timeout=30)
        self.assertEqual(result.returncode, 1, result.stderr)
        error = json.loads(result.stdout)
        self.assertEqual(error["errorMessage"], PROBE_THROWS_MESSAGE)
        self.assertEqual(error["errorType"], "std::runtime_error")

    def test_missing_event_file(self):
        result = run_cli(probe_binary(), ["--app", PROBE_APP_DIR, "invoke", "echo", "--event",
                                          os.path.join(self.workdir, "missing.json"), "--db", self.db_url], timeout=30)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("missing.json", result.stderr)


if __name__ == "__main__":
    unittest.main()
