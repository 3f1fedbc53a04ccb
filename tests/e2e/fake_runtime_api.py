"""A fake AWS Lambda Runtime API, for testing a custom runtime without Lambda.

Standard library only. It serves queued events on
GET /2018-06-01/runtime/invocation/next (holding the request until an event is
queued, as Lambda does), and records every POST to .../response, .../error and
/init/error.

    api = FakeRuntimeApi().start()
    request_id = api.queue_event({"httpMethod": "GET", ...})
    post = api.wait_for_post(request_id)     # FakePost(kind, request_id, headers, body)
    api.stop()                               # the runtime sees the API disappear
"""

import collections
import http.server
import json
import sys
import threading
import time
import uuid

BASE = "/2018-06-01/runtime"


class FakePost(collections.namedtuple("FakePost", "kind request_id headers body")):
    """One POST the runtime made: kind is "response", "error" or "init_error"; body is bytes."""

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def header(self, name):
        """A request header by case-insensitive name, or None."""
        for key, value in self.headers.items():
            if key.lower() == name.lower():
                return value
        return None


class _Event:
    def __init__(self, body, headers):
        self.body = body
        self.headers = headers


class FakeRuntimeApi:
    def __init__(self):
        self._lock = threading.Condition()
        self._events = collections.deque()
        self._closed = False
        self.posts = []        # FakePost, in arrival order
        self.next_calls = 0    # GET /next requests received
        self.unexpected = []   # (method, path) of requests the Runtime API has no resource for
        self.next_status = None  # set to e.g. 500 to answer GET /next with that error instead of an event
        self._server = None
        self._thread = None

    # -- lifecycle -------------------------------------------------------------

    def start(self):
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _send(self, status, body=b"", headers=()):
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != BASE + "/invocation/next":
                    api._unexpected("GET", self.path)
                    return self._send(404, b'{"errorType":"NotFound"}')
                if api.next_status is not None:
                    api._count_next()
                    return self._send(api.next_status, b'{"errorMessage":"no","errorType":"Test.Error"}',
                                      [("Content-Type", "application/json")])
                event = api._take_event()
                if event is None:
                    # The API went away: drop the connection without an answer.
                    self.close_connection = True
                    return
                self._send(200, event.body, [("Content-Type", "application/json")] + event.headers)

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                kind, request_id = api._classify(self.path)
                if kind is None:
                    api._unexpected("POST", self.path)
                    return self._send(404, b'{"errorType":"NotFound"}')
                try:
                    self._send(202, b'{"status":"OK"}', [("Content-Type", "application/json")])
                finally:
                    # Recorded once answered: a test may end (and kill the runtime) as soon as it sees it.
                    api._record(FakePost(kind, request_id, dict(self.headers.items()), body))

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                # A runtime killed mid-request is expected here (tests check what arrived); anything else is not.
                if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    @property
    def address(self):
        """host:port, the value of AWS_LAMBDA_RUNTIME_API."""
        host, port = self._server.server_address[:2]
        return "%s:%d" % (host, port)

    def stop(self):
        """The API disappears: parked /next requests are dropped, the port is closed. Safe to call twice."""
        with self._lock:
            self._closed = True
            self._lock.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    # -- events ----------------------------------------------------------------

    def queue_event(self, event, request_id=None, deadline_ms=None, function_arn=None, trace_id=None,
                    client_context=None, cognito_identity=None):
        """Queues one event (a dict/list is sent as JSON, str/bytes as they are); returns its request id.

        deadline_ms defaults to 30 s from now; trace_id, client_context and
        cognito_identity are sent only when given."""
        request_id = request_id or str(uuid.uuid4())
        if deadline_ms is None:
            deadline_ms = int(time.time() * 1000) + 30000
        headers = [
            ("Lambda-Runtime-Aws-Request-Id", request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn",
             function_arn or "arn:aws:lambda:us-east-1:123456789012:function:test"),
        ]
        if trace_id is not None:
            headers.append(("Lambda-Runtime-Trace-Id", trace_id))
        if client_context is not None:
            headers.append(("Lambda-Runtime-Client-Context", client_context))
        if cognito_identity is not None:
            headers.append(("Lambda-Runtime-Cognito-Identity", cognito_identity))
        if isinstance(event, (dict, list)):
            body = json.dumps(event).encode("utf-8")
        elif isinstance(event, str):
            body = event.encode("utf-8")
        else:
            body = bytes(event)
        with self._lock:
            self._events.append(_Event(body, headers))
            self._lock.notify_all()
        return request_id

    def wait_for_post(self, request_id=None, kind=None, timeout=10.0):
        """The first recorded POST for request_id (or, with kind "init_error", the init error).

        Raises AssertionError when none arrives within timeout."""
        def matches(post):
            return (request_id is None or post.request_id == request_id) and (kind is None or post.kind == kind)

        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for post in self.posts:
                    if matches(post):
                        return post
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError("no POST for request %r (kind %r) within %.0f s; posts so far: %r"
                                         % (request_id, kind, timeout, [(p.kind, p.request_id) for p in self.posts]))
                self._lock.wait(left)

    def wait_for_next_calls(self, count, timeout=10.0):
        """Waits until the runtime has asked for `count` events in all; returns whether it did."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while self.next_calls < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    # -- handler side ----------------------------------------------------------

    def _count_next(self):
        with self._lock:
            self.next_calls += 1
            self._lock.notify_all()

    def _take_event(self):
        with self._lock:
            self.next_calls += 1
            self._lock.notify_all()
            while not self._events and not self._closed:
                self._lock.wait()
            if self._closed:
                return None
            return self._events.popleft()

    def _record(self, post):
        with self._lock:
            self.posts.append(post)
            self._lock.notify_all()

    def _unexpected(self, method, path):
        with self._lock:
            self.unexpected.append((method, path))

    @staticmethod
    def _classify(path):
        """("response" | "error", request id), ("init_error", None), or (None, None)."""
        if path == BASE + "/init/error":
            return "init_error", None
        prefix = BASE + "/invocation/"
        if path.startswith(prefix):
            request_id, _, action = path[len(prefix):].partition("/")
            if request_id and action in ("response", "error"):
                return action, request_id
        return None, None
