#!/usr/bin/env python3
"""Cold starts, timed from just before the exec to the moment that counts. Standard library only.

    cold_start.py serve RUNS BLOG APP_DIR DB_URL|fresh:DIR
        `BLOG serve --port 0` until its first answered GET /posts: the port is read from its `listening on`
        line, then GET /posts is tried every 0.1 ms. fresh:DIR gives each run a new SQLite file in DIR
        (the migrations run in the timed start).
    cold_start.py runtime RUNS BLOG DB_URL
        BLOG as a Lambda custom runtime (AWS_LAMBDA_RUNTIME_API, _HANDLER=get_posts, STRATA_DB=DB_URL) against a
        minimal Runtime API on 127.0.0.1 serving one GET /posts event: until its POST .../response has arrived.
    cold_start.py curl RUNS
        the floor of that loop: one curl process doing the GET /next and the POST /response.
    cold_start.py http RUNS PORT PATH DIR COMMAND...
        any server given its port on the command line (the benchmark peer, serverless-offline): COMMAND started
        in DIR until its first 200 on GET http://127.0.0.1:PORT/PATH, tried every 0.1 ms (every connection
        refused, or any other status, is tried again); then SIGTERM.
    cold_start.py exit RUNS [COMMAND...]
        a process that only exits (default /bin/true): until wait() returns.

Prints "median_ms min_ms". The child runs on core $BENCH_SERVER_CORE (0), this harness on $BENCH_CLIENT_CORE (1).
"""
import json
import os
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time

SERVER_CORE = int(os.environ.get("BENCH_SERVER_CORE", "0"))
CLIENT_CORE = int(os.environ.get("BENCH_CLIENT_CORE", "1"))
POLL = 0.0001  # 0.1 ms
BASE = "/2018-06-01/runtime"
REQUEST_ID = "8476a536-e9f4-11e8-9739-2dfe598c3fcd"


def pinned():
    try:
        os.sched_setaffinity(0, {CLIENT_CORE})
    except OSError:
        pass


def spawn(argv, **kwargs):
    """Starts argv on the server core (affinity is inherited across fork/exec) and returns (process, t0)."""
    try:
        os.sched_setaffinity(0, {SERVER_CORE})
    except OSError:
        pass
    t0 = time.perf_counter()
    process = subprocess.Popen(argv, **kwargs)
    pinned()
    return process, t0


def finish(process):
    if process.poll() is None:
        process.kill()
    process.wait()


# -- serve -------------------------------------------------------------------------------------------

def parse_head(head):
    """The lines of an HTTP head, and its Content-Length (0 without one)."""
    lines = head.decode("latin-1").split("\r\n")
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return lines, length


def read_http_response(sock):
    """The status code of one HTTP/1.1 response with a Content-Length."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines, length = parse_head(head)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("closed before the body")
        body += chunk
    return int(lines[0].split()[1])


def get_status(port, request):
    """Sends `request` to 127.0.0.1:port on a new connection: the answer's status, or None
    when nothing listens yet or the connection closes before a whole answer."""
    try:
        sock = socket.create_connection(("127.0.0.1", port))
    except ConnectionRefusedError:
        return None
    with sock:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.sendall(request)
        try:
            return read_http_response(sock)
        except ConnectionError:
            return None


def serve_once(blog, app_dir, db_url):
    process, t0 = spawn([blog, "serve", "--port", "0", "--threads", "1", "--quiet", "--db", db_url], cwd=app_dir,
                        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        os.set_blocking(process.stderr.fileno(), False)
        output = b""
        port = None
        while port is None:
            try:
                chunk = os.read(process.stderr.fileno(), 65536)
            except BlockingIOError:
                chunk = None
            if chunk == b"":
                raise SystemExit("serve exited before listening: %s" % output.decode(errors="replace"))
            if chunk:
                output += chunk
                marker = output.find(b"listening on http://127.0.0.1:")
                if marker >= 0:
                    rest = output[marker + len(b"listening on http://127.0.0.1:"):]
                    digits = rest[:len(rest) - len(rest.lstrip(b"0123456789"))]
                    if digits and len(digits) < len(rest):
                        port = int(digits)
                        break
            time.sleep(POLL)
        while get_status(port, b"GET /posts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n") != 200:
            time.sleep(POLL)
        return time.perf_counter() - t0
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                pass
        finish(process)


def http_once(argv, port, path, cwd):
    process, t0 = spawn(argv, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL, start_new_session=True)
    request = ("GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n\r\n" % (path, port)).encode()
    try:
        while get_status(port, request) != 200:
            if process.poll() is not None:
                raise SystemExit("%s exited (%s) before answering" % (argv[0], process.returncode))
            time.sleep(POLL)
        return time.perf_counter() - t0
    finally:
        # The whole session: a server may have started children of its own.
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(process.pid, signal.SIGKILL)  # what outlived it, or it after 10 s
        except ProcessLookupError:
            pass
        finish(process)


# -- the Runtime API ---------------------------------------------------------------------------------

def event_json():
    now = int(time.time() * 1000)
    return json.dumps({
        "resource": "/posts", "path": "/posts", "httpMethod": "GET",
        "headers": {"Accept": "*/*", "Host": "127.0.0.1:3000", "User-Agent": "bench"},
        "multiValueHeaders": {"Accept": ["*/*"], "Host": ["127.0.0.1:3000"], "User-Agent": ["bench"]},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None,
        "requestContext": {
            "resourceId": "bench", "resourcePath": "/posts", "httpMethod": "GET", "path": "/dev/posts",
            "accountId": "123456789012", "apiId": "bench", "stage": "dev", "protocol": "HTTP/1.1",
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "requestTime": "27/Nov/2026:00:00:00 +0000",
            "requestTimeEpoch": now, "identity": {"sourceIp": "127.0.0.1", "userAgent": "bench"},
        },
        "body": None, "isBase64Encoded": False,
    }).encode()


class RuntimeApi:
    """One event per run: GET /next answers it with the invocation headers; POST /response ends the run."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.listener.setblocking(False)
        self.address = "127.0.0.1:%d" % self.listener.getsockname()[1]
        self.event = event_json()

    def next_answer(self):
        deadline = int(time.time() * 1000) + 30000
        head = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
                "Lambda-Runtime-Aws-Request-Id: %s\r\nLambda-Runtime-Deadline-Ms: %d\r\n"
                "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:123456789012:function:get_posts\r\n"
                "Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;"
                "Sampled=1\r\n\r\n" % (len(self.event), REQUEST_ID, deadline))
        return head.encode() + self.event

    def run_once(self, process, t0):
        """Serves until POST /response arrives; returns its time since t0 and its body."""
        selector = selectors.DefaultSelector()
        selector.register(self.listener, selectors.EVENT_READ)
        buffers = {}
        try:
            while True:
                for key, _ in selector.select(POLL):
                    if key.fileobj is self.listener:
                        try:
                            connection, _ = self.listener.accept()
                        except BlockingIOError:
                            continue
                        connection.setblocking(False)
                        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                        selector.register(connection, selectors.EVENT_READ)
                        buffers[connection] = b""
                        continue
                    connection = key.fileobj
                    try:
                        chunk = connection.recv(65536)
                    except BlockingIOError:
                        continue
                    except ConnectionResetError:
                        chunk = b""
                    if not chunk:
                        selector.unregister(connection)
                        connection.close()
                        del buffers[connection]
                        continue
                    buffers[connection] += chunk
                    while True:
                        data = buffers[connection]
                        if b"\r\n\r\n" not in data:
                            break
                        head, _, rest = data.partition(b"\r\n\r\n")
                        lines, length = parse_head(head)
                        if len(rest) < length:
                            break
                        body, buffers[connection] = rest[:length], rest[length:]
                        method, target = lines[0].split()[:2]
                        if method == "GET" and target == BASE + "/invocation/next":
                            connection.setblocking(True)
                            connection.sendall(self.next_answer())
                            connection.setblocking(False)
                        elif method == "POST" and target == "%s/invocation/%s/response" % (BASE, REQUEST_ID):
                            took = time.perf_counter() - t0
                            return took, body
                        else:
                            raise SystemExit("the runtime sent %s %s: %s" % (method, target, body[:500]))
                if process.poll() is not None:
                    raise SystemExit("the runtime exited (%s) before its response" % process.returncode)
        finally:
            for connection in buffers:
                selector.unregister(connection)
                connection.close()
            selector.close()


def runtime_once(api, argv, environment):
    process, t0 = spawn(argv, env=environment, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE if os.environ.get("BENCH_RUNTIME_LOG") else subprocess.DEVNULL)
    try:
        took, body = api.run_once(process, t0)
    finally:
        finish(process)
    return took, body


def runtime_runs(runs, blog, db_url):
    api = RuntimeApi()
    environment = dict(os.environ, AWS_LAMBDA_RUNTIME_API=api.address, _HANDLER="get_posts", STRATA_DB=db_url,
                       AWS_LAMBDA_FUNCTION_NAME="get_posts", AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128",
                       AWS_REGION="us-east-1", LAMBDA_TASK_ROOT=os.path.dirname(os.path.abspath(blog)))
    times = []
    for run in range(runs):
        took, body = runtime_once(api, [blog], environment)
        if run == 0:
            answer = json.loads(body)
            if answer.get("statusCode") != 200 or '"items"' not in answer.get("body", ""):
                raise SystemExit("get_posts answered %s" % body[:500])
        times.append(took)
    return times


def curl_runs(runs):
    api = RuntimeApi()
    argv = ["curl", "-s", "-o", "/dev/null", "http://%s%s/invocation/next" % (api.address, BASE), "--next", "-s",
            "-o", "/dev/null", "-H", "Content-Type: application/json", "--data-binary", '{"statusCode":200}',
            "http://%s%s/invocation/%s/response" % (api.address, BASE, REQUEST_ID)]
    return [runtime_once(api, argv, dict(os.environ))[0] for _ in range(runs)]


def exit_runs(runs, argv):
    times = []
    for _ in range(runs):
        process, t0 = spawn(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        process.wait()
        times.append(time.perf_counter() - t0)
    return times


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    mode, runs = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    pinned()
    if mode == "serve" and len(args) == 3:
        blog, app_dir, db = args
        times = []
        for run in range(runs):
            url = db
            if db.startswith("fresh:"):
                url = "sqlite:%s/fresh-%d.db" % (db[len("fresh:"):], run)
            times.append(serve_once(blog, app_dir, url))
    elif mode == "runtime" and len(args) == 2:
        times = runtime_runs(runs, *args)
    elif mode == "curl" and not args:
        times = curl_runs(runs)
    elif mode == "http" and len(args) >= 4:
        port, path, cwd, argv = int(args[0]), args[1], args[2], args[3:]
        times = [http_once(argv, port, path, cwd) for _ in range(runs)]
    elif mode == "exit":
        times = exit_runs(runs, args or ["/bin/true"])
    else:
        raise SystemExit(__doc__)
    print("%.3f %.3f" % (statistics.median(times) * 1000, min(times) * 1000))


if __name__ == "__main__":
    main()
