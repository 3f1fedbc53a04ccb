"""Strata as a client of the RDS Data API: its SigV4 signatures byte for byte against
botocore's SigV4Auth, and the blog served through `--db data-api://...` against the local
Data API server (`strata data-api`) in front of MariaDB.

botocore is the oracle (scripts/install-deps.sh --test installs python3-boto3 where the
machine's Python lacks it); without it these tests fail, they never skip.
"""

import datetime
import json
import os
import re
import subprocess
import tempfile
import time
import unittest
import urllib.parse
from unittest import mock

import known_secrets
from kept_logs import kept_log_path
from strata_server import BLOG_APP_DIR, SOURCE_DIR, StrataServer, blog_binary, shared_mysql_server

HERE = os.path.dirname(os.path.abspath(__file__))
CLUSTER_ARN = "arn:aws:rds:eu-west-1:123456789012:cluster:blog"
SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:blog-AbCdEf"


def built(variable, *relative):
    path = os.environ.get(variable) or os.path.join(SOURCE_DIR, "build", *relative)
    if not os.access(path, os.X_OK):
        raise AssertionError("%s: no executable at %s (build first)" % (variable, path))
    return path


def botocore_auth():
    try:
        import botocore.auth
        import botocore.awsrequest
        import botocore.credentials
    except ImportError:
        raise AssertionError("botocore is missing: run scripts/install-deps.sh --test")
    return botocore.auth, botocore.awsrequest, botocore.credentials


class SigV4Test(unittest.TestCase):
    """Strata's aws::sign and botocore's SigV4Auth, fed the same request, time and keys."""

    CASES = [
        dict(name="Execute with a session token", method="POST", path="/Execute", query="",
             body=json.dumps({"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "sql": "SELECT 1"}),
             token="IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJIMEYCIQ==", region="eu-west-1",
             service="rds-data"),
        dict(name="no token, unicode body", method="POST", path="/BatchExecute", query="",
             body=json.dumps({"sql": "INSERT INTO t VALUES (:v)", "v": "caf\u00e9 \U0001F600"}, ensure_ascii=False),
             token="", region="us-east-1", service="rds-data"),
        dict(name="query string and odd path", method="GET", path="/some path/with~tilde", query="b=2&a=1&a=0",
             body="", token="", region="ap-southeast-2", service="execute-api"),
        dict(name="spaces in header values", method="PUT", path="/", query="", body="x" * 1000, token="",
             region="us-west-2", service="s3", extra_headers=[["X-Custom", "  two   spaces  "]]),
    ]

    def sign_with_strata(self, case, when):
        headers = [["Host", "rds-data.%s.amazonaws.com" % case["region"]], ["Content-Type", "application/json"]]
        headers += case.get("extra_headers", [])
        spec = dict(method=case["method"], path=case["path"], query=case["query"], headers=headers, body=case["body"],
                    region=case["region"], service=case["service"], accessKey="AKIDEXAMPLE",
                    secretKey="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", sessionToken=case["token"],
                    time=int(when.timestamp()))
        result = subprocess.run([built("STRATA_SIGV4_BIN", "tests", "sigv4_sign")], input=json.dumps(spec),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=10)
        self.assertEqual(result.returncode, 0, result.stderr)
        return json.loads(result.stdout), headers

    def sign_with_botocore(self, case, headers, when):
        auth, awsrequest, credentials = botocore_auth()
        url = "https://rds-data.%s.amazonaws.com%s" % (case["region"], urllib.parse.quote(case["path"], safe="/~"))
        if case["query"]:
            url += "?" + case["query"]
        request = awsrequest.AWSRequest(method=case["method"], url=url, data=case["body"].encode("utf-8"),
                                        headers={name: value for name, value in headers})
        keys = credentials.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", case["token"] or None)
        with mock.patch.object(auth, "get_current_datetime", return_value=when):
            auth.SigV4Auth(keys, case["service"], case["region"]).add_auth(request)
        return request.headers

    def test_signatures_match_botocore_byte_for_byte(self):
        when = datetime.datetime(2026, 11, 27, 8, 47, 4)
        for case in self.CASES:
            with self.subTest(case["name"]):
                ours, headers = self.sign_with_strata(case, when)
                theirs = self.sign_with_botocore(case, headers, when)
                self.assertEqual(ours["X-Amz-Date"], theirs["X-Amz-Date"])
                self.assertEqual(ours["Authorization"], theirs["Authorization"])
                if case["token"]:
                    self.assertEqual(ours["X-Amz-Security-Token"], theirs["X-Amz-Security-Token"])
                else:
                    self.assertNotIn("X-Amz-Security-Token", ours)

    def test_a_different_key_gives_a_different_signature(self):
        # The comparison above could pass by printing botocore's value: a changed key must not match.
        when = datetime.datetime(2026, 11, 27, 8, 47, 4)
        case = dict(self.CASES[0])
        ours, headers = self.sign_with_strata(case, when)
        case["region"] = "us-east-1"
        theirs = self.sign_with_botocore(case, headers, when)
        self.assertNotEqual(ours["Authorization"], theirs["Authorization"])


class DataApiUrl:
    """A database reached through the local Data API server, as `--db` takes it."""
    engine = "mysql"

    def __init__(self, endpoint, database):
        self.url = "data-api://%s?secret=%s&database=%s&endpoint=%s" % (
            CLUSTER_ARN, urllib.parse.quote(SECRET_ARN, safe=""), database, endpoint)
        self.description = self.url


class BlogThroughDataApiTest(unittest.TestCase):
    """The blog served with --db data-api://...&endpoint=http://127.0.0.1:PORT: every query
    is a signed ExecuteStatement to `strata data-api`, which runs it on MariaDB."""

    @classmethod
    def setUpClass(cls):
        cls.mysql = shared_mysql_server().create_database("dataapi_client_")
        cls.workdir = tempfile.mkdtemp(prefix="strata-dataapi-client-")
        log_path = cls.data_api_log_path = kept_log_path("data-api", cls.workdir)
        cls.data_api_log = open(log_path, "wb")
        cls.data_api = subprocess.Popen([built("STRATA_TOOL_BIN", "src", "strata"), "data-api", "--port", "0",
                                         "--db", cls.mysql.url], stdin=subprocess.DEVNULL, stdout=cls.data_api_log,
                                        stderr=cls.data_api_log)
        deadline = time.monotonic() + 10
        port = None
        while time.monotonic() < deadline and port is None:
            with open(log_path) as log:
                match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", log.read())
            port = match and match.group(1)
            time.sleep(0.02)
        if not port:
            cls.tearDownClass()
            raise AssertionError("strata data-api did not start")
        environment = {"AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": known_secrets.CLIENT_SECRET_ACCESS_KEY,
                       "AWS_REGION": "eu-west-1"}
        cls.server = StrataServer(blog_binary(), cwd=BLOG_APP_DIR, env=environment,
                                  database=DataApiUrl("http://127.0.0.1:%s" % port, cls.mysql.name))
        cls.server.start()

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "server", None):
            cls.server.stop()
            cls.server.cleanup()
        cls.data_api.terminate()
        cls.data_api.wait(timeout=10)
        cls.data_api_log.close()
        cls.mysql.drop()

    def test_migrations_ran_through_the_data_api(self):
        rows = self.mysql.query("SELECT version, success FROM strata_schema_history ORDER BY installed_rank")
        self.assertEqual(rows, [("1", "1"), ("2", "1"), ("3", "1")])

    def test_the_seed_post(self):
        status, _, body = self.server.json_request("GET", "/posts")
        self.assertEqual(status, 200, body)
        self.assertEqual(body["items"][0]["slug"], "serverless-aurora")
        self.assertIsInstance(body["items"][0]["id"], int)

    def test_create_read_update_delete(self):
        status, headers, post = self.server.json_request("POST", "/posts", {"title": "Through the Data API",
                                                                             "slug": "through-data-api"})
        self.assertEqual(status, 201, post)
        self.assertEqual(headers["Location"], "/posts/%d" % post["id"])
        status, _, body = self.server.json_request("POST", "/posts", {"title": "Again", "slug": "through-data-api"})
        self.assertEqual(status, 409, body)
        status, _, body = self.server.json_request("PUT", "/posts/%d" % post["id"], {"title": "Renamed"})
        self.assertEqual((status, body["title"]), (200, "Renamed"))
        status, _, comment = self.server.json_request("POST", "/posts/%d/comments" % post["id"],
                                                      {"comment_text": "signed and delivered"})
        self.assertEqual(status, 201, comment)
        status, _, _ = self.server.json_request("DELETE", "/posts/%d" % post["id"])
        self.assertEqual(status, 204)
        status, _, _ = self.server.json_request("GET", "/posts/%d" % post["id"])
        self.assertEqual(status, 404)

    def test_the_requests_were_signed(self):
        # The server logs each call; the blog's own log names no secret.
        self.server.json_request("GET", "/posts")
        with open(self.data_api_log_path) as log:
            self.assertIn("/Execute 200", log.read())
        self.assertNotIn(known_secrets.CLIENT_SECRET_ACCESS_KEY, self.server.log())


class SignedDataApiTest(unittest.TestCase):
    """`strata data-api --auth sigv4 --credentials FILE`: only requests signed by a key of
    the file are served, with the errors AWS answers; Strata's own client signs right."""

    @classmethod
    def setUpClass(cls):
        cls.workdir = tempfile.mkdtemp(prefix="strata-dataapi-auth-")
        cls.credentials = os.path.join(cls.workdir, "credentials")
        with open(cls.credentials, "w") as out:
            out.write("[default]\naws_access_key_id = AKIDLOCALTEST\naws_secret_access_key = %s\n"
                      "[other]\naws_access_key_id = AKIDSECOND\naws_secret_access_key = %s\n"
                      % (known_secrets.PROFILE_SECRET_ACCESS_KEY, known_secrets.SECOND_PROFILE_SECRET_ACCESS_KEY))
        log_path = kept_log_path("data-api", cls.workdir)
        cls.log = open(log_path, "wb")
        # MariaDB behind it: the Data API client speaks to Aurora MySQL.
        cls.mysql = shared_mysql_server().create_database("dataapi_signed_")
        cls.process = subprocess.Popen([built("STRATA_TOOL_BIN", "src", "strata"), "data-api", "--port", "0", "--db",
                                        cls.mysql.url, "--auth", "sigv4",
                                        "--credentials", cls.credentials],
                                       stdin=subprocess.DEVNULL, stdout=cls.log, stderr=cls.log)
        deadline = time.monotonic() + 10
        cls.port = None
        while time.monotonic() < deadline and cls.port is None:
            with open(log_path) as log:
                cls.start_line = log.read()
            match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", cls.start_line)
            cls.port = match and match.group(1)
            time.sleep(0.02)
        if not cls.port:
            cls.tearDownClass()
            raise AssertionError("strata data-api --auth sigv4 did not start")

    @classmethod
    def tearDownClass(cls):
        cls.process.terminate()
        cls.process.wait(timeout=10)
        cls.log.close()
        cls.mysql.drop()

    def client(self, key, secret):
        try:
            import boto3
        except ImportError:
            raise AssertionError("boto3 is missing: run scripts/install-deps.sh --test")
        return boto3.client("rds-data", endpoint_url="http://127.0.0.1:%s" % self.port, region_name="eu-west-1",
                            aws_access_key_id=key, aws_secret_access_key=secret)

    def execute(self, key, secret):
        import botocore.exceptions
        try:
            return self.client(key, secret).execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN,
                                                              sql="SELECT 1 AS one")["records"]
        except botocore.exceptions.ClientError as error:
            return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]

    def test_the_start_line_says_requests_must_be_signed(self):
        self.assertIn("must be SigV4-signed", self.start_line)

    def test_a_key_of_the_file_is_served(self):
        self.assertEqual(self.execute("AKIDLOCALTEST", known_secrets.PROFILE_SECRET_ACCESS_KEY), [[{"longValue": 1}]])
        self.assertEqual(self.execute("AKIDSECOND", known_secrets.SECOND_PROFILE_SECRET_ACCESS_KEY), [[{"longValue": 1}]])

    def test_a_wrong_secret_is_an_invalid_signature(self):
        self.assertEqual(self.execute("AKIDLOCALTEST", "not-the-secret"), ("InvalidSignatureException", 403))

    def test_an_unknown_key_is_unrecognized(self):
        self.assertEqual(self.execute("AKIDSOMEONEELSE", known_secrets.PROFILE_SECRET_ACCESS_KEY), ("UnrecognizedClientException", 403))

    def test_an_unsigned_request_is_refused(self):
        import http.client
        connection = http.client.HTTPConnection("127.0.0.1", int(self.port), timeout=10)
        connection.request("POST", "/Execute", body=json.dumps({"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN,
                                                                "sql": "SELECT 1"}))
        response = connection.getresponse()
        body = json.loads(response.read())
        self.assertEqual((response.status, response.getheader("x-amzn-ErrorType"), body["__type"]),
                         (403, "MissingAuthenticationTokenException", "MissingAuthenticationTokenException"))

    def test_strata_signs_as_the_server_checks(self):
        url = "data-api://%s?secret=%s&database=%s&endpoint=http://127.0.0.1:%s" % (
            CLUSTER_ARN, urllib.parse.quote(SECRET_ARN, safe=""), self.mysql.name, self.port)
        tool = built("STRATA_TOOL_BIN", "src", "strata")
        migrations = os.path.join(self.workdir, "migrations")
        os.makedirs(migrations, exist_ok=True)
        env = dict(os.environ, AWS_ACCESS_KEY_ID="AKIDLOCALTEST", AWS_SECRET_ACCESS_KEY=known_secrets.PROFILE_SECRET_ACCESS_KEY,
                   AWS_REGION="eu-west-1")
        env.pop("AWS_SESSION_TOKEN", None)
        good = subprocess.run([tool, "migrate", "--db", url, "--dir", migrations, "status", "--json"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertEqual(good.returncode, 0, good.stderr)
        self.assertEqual(json.loads(good.stdout), [])
        env["AWS_SECRET_ACCESS_KEY"] = "not-the-secret"
        bad = subprocess.run([tool, "migrate", "--db", url, "--dir", migrations, "status"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=30)
        self.assertNotEqual(bad.returncode, 0)
        self.assertIn("InvalidSignatureException", bad.stderr)
        self.assertNotIn("not-the-secret", bad.stderr)


class StatementTimeoutTest(unittest.TestCase):
    """The Data API's statement timeout (45 s; 1 s here): a statement still running then
    fails with StatementTimeoutException, or with continueAfterTimeout the call answers so
    and the statement goes on. Other calls are answered meanwhile."""

    @classmethod
    def setUpClass(cls):
        cls.mysql = shared_mysql_server().create_database("dataapi_timeout_")
        cls.workdir = tempfile.mkdtemp(prefix="strata-dataapi-timeout-")
        cls.servers = {}
        for name, url in (("mysql", cls.mysql.url), ("sqlite", "sqlite:" + os.path.join(cls.workdir, "t.db"))):
            log_path = kept_log_path("data-api-" + name, cls.workdir)
            log = open(log_path, "wb")
            process = subprocess.Popen([built("STRATA_TOOL_BIN", "src", "strata"), "data-api", "--port", "0", "--db", url,
                                        "--statement-timeout-ms", "1000"], stdin=subprocess.DEVNULL, stdout=log,
                                       stderr=log)
            deadline = time.monotonic() + 10
            port = None
            while port is None and time.monotonic() < deadline:
                with open(log_path) as text:
                    match = re.search(r"listening on http://127\.0\.0\.1:(\d+)", text.read())
                port = match and match.group(1)
                time.sleep(0.02)
            cls.servers[name] = (process, log, port)

    @classmethod
    def tearDownClass(cls):
        for process, log, _ in cls.servers.values():
            process.terminate()
            process.wait(timeout=10)
            log.close()
        cls.mysql.drop()

    def client(self, engine):
        try:
            import boto3
            import botocore.config
        except ImportError:
            raise AssertionError("boto3 is missing: run scripts/install-deps.sh --test")
        port = self.servers[engine][2]
        self.assertIsNotNone(port, "the %s data-api server did not start" % engine)
        return boto3.client("rds-data", endpoint_url="http://127.0.0.1:%s" % port, region_name="us-east-1",
                            aws_access_key_id="x", aws_secret_access_key="y",
                            config=botocore.config.Config(read_timeout=60, retries={"max_attempts": 0}))

    def execute(self, client, sql, **options):
        return client.execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN, sql=sql, **options)

    def timed_out(self, client, sql, **options):
        started = time.monotonic()
        with self.assertRaises(client.exceptions.StatementTimeoutException) as caught:
            self.execute(client, sql, **options)
        return time.monotonic() - started, caught.exception.response

    def test_mysql_statement_is_stopped_at_the_timeout(self):
        client = self.client("mysql")
        self.execute(client, "CREATE TABLE stopped (v INT)")
        took, response = self.timed_out(client, "INSERT INTO stopped (v) SELECT SLEEP(4)")
        self.assertLess(took, 3.5)
        self.assertIsInstance(response.get("dbConnectionId"), int)
        time.sleep(3.5)
        self.assertEqual(self.execute(client, "SELECT COUNT(*) FROM stopped")["records"], [[{"longValue": 0}]])

    def test_mysql_continue_after_timeout_lets_the_statement_finish(self):
        client = self.client("mysql")
        self.execute(client, "CREATE TABLE continued (v INT)")
        took, _ = self.timed_out(client, "INSERT INTO continued (v) SELECT SLEEP(3)", continueAfterTimeout=True)
        self.assertLess(took, 2.5)
        deadline = time.monotonic() + 10
        count = None
        while time.monotonic() < deadline and count != 1:
            time.sleep(0.2)
            count = self.execute(client, "SELECT COUNT(*) FROM continued")["records"][0][0]["longValue"]
        self.assertEqual(count, 1, "the statement did not go on after the timeout")

    def test_sqlite_statement_is_interrupted(self):
        client = self.client("sqlite")
        took, _ = self.timed_out(client, "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
                                         "WHERE x < 1000000000) SELECT COUNT(*) FROM c")
        self.assertLess(took, 5)
        self.assertEqual(self.execute(client, "SELECT 1 AS one")["records"], [[{"longValue": 1}]])

    def test_other_calls_are_answered_while_a_statement_runs(self):
        client = self.client("mysql")
        import threading
        slow = threading.Thread(target=lambda: self.execute(self.client("mysql"), "SELECT SLEEP(0.9)"))
        slow.start()
        time.sleep(0.2)
        started = time.monotonic()
        self.assertEqual(self.execute(client, "SELECT 1 AS one")["records"], [[{"longValue": 1}]])
        self.assertLess(time.monotonic() - started, 0.6)
        slow.join()


if __name__ == "__main__":
    unittest.main()
