"""End-to-end tests of `strata data-api`, the local RDS Data API.

The clients are the real ones: boto3 (botocore reads the service model of rds-data
2018-08-01), the AWS CLI (`aws rds-data ...`) and, for what botocore refuses to send,
raw HTTP. The core scenarios run on SQLite and on MariaDB (the CTest fixture
`mariadb`, whose url file STRATA_TEST_MYSQL_URL_FILE names); the MySQL tests fail,
never skip, without it.

Run outside CTest:
    STRATA_TOOL_BIN=BUILD/src/strata STRATA_TEST_MYSQL_URL_FILE=DIR/url \\
        python3 -m unittest -v test_data_api
"""

import base64
import http.client
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import threading
import tempfile
import time
import unittest
import uuid

from databases import MysqlServer
from processes import terminate
from kept_logs import keep_output, kept_log_path

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError, ParamValidationError
    BOTO_PROBLEM = None
except ImportError as error:  # reported by every test that needs it
    boto3 = None
    BOTO_PROBLEM = ("boto3/botocore cannot be imported (%s): the Data API tests use them as the client; "
                    "run scripts/install-deps.sh --test" % error)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("STRATA_SOURCE_DIR") or os.path.abspath(os.path.join(HERE, "..", ".."))

CLUSTER_ARN = "arn:aws:rds:us-east-1:123456789012:cluster:strata-test"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:strata-test-AbCdEf"
LISTENING = re.compile(r"data-api: listening on http://([^\s:]+|\[[^\]]+\]):(\d+) ")
EXIT_USAGE = 2
START_TIMEOUT = 15.0
STOP_TIMEOUT = 10.0
# botocore honours AWS_ENDPOINT_URL_<SERVICE> since 1.31.7 (boto3 1.28.7, July 2023).
ENDPOINT_ENV_BOTOCORE = (1, 31, 7)


def require_boto3():
    if BOTO_PROBLEM:
        raise AssertionError(BOTO_PROBLEM)


def aws_cli():
    path = shutil.which("aws")
    if not path:
        raise AssertionError("the AWS CLI `aws` is not on PATH; the Data API tests use it as a client: "
                             "run scripts/install-deps.sh --test")
    return path


def tool_binary():
    path = os.environ.get("STRATA_TOOL_BIN") or os.path.join(SOURCE_DIR, "build", "src", "strata")
    if not os.access(path, os.X_OK):
        raise AssertionError("no strata executable at %s (build first, or set STRATA_TOOL_BIN)" % path)
    return path


def clean_env(extra=None):
    """The environment for child processes: dummy credentials, no profile or endpoint of the user's."""
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AWS_") and name != "STRATA_DB"}
    missing = os.path.join(tempfile.gettempdir(), "strata-data-api-no-such-aws-config")
    env.update(AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y", AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=missing, AWS_SHARED_CREDENTIALS_FILE=missing, AWS_MAX_ATTEMPTS="1",
               AWS_RETRY_MODE="standard", AWS_PAGER="")
    env.update(extra or {})
    return env


def run_tool(args, timeout=20):
    argv = [tool_binary()] + list(args)
    return keep_output(argv, subprocess.run(argv, env=clean_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                            stderr=subprocess.PIPE, text=True, timeout=timeout))


class DataApiServer:
    """One `strata data-api --port 0 --db ...` process; its stdout and stderr go to a log file."""

    def __init__(self, databases, extra_args=(), port="0"):
        self.databases = list(databases)
        self.extra_args = list(extra_args)
        self.port_arg = port
        self.workdir = tempfile.mkdtemp(prefix="strata-data-api-server-")
        self.log_path = kept_log_path("data-api", self.workdir)
        self.process = None
        self.host = None
        self.port = None
        self._client = None

    def command(self):
        command = [tool_binary(), "data-api", "--port", self.port_arg]
        for database in self.databases:
            command += ["--db", database]
        return command + self.extra_args

    def start(self):
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(self.command(), env=clean_env(), stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            match = LISTENING.search(self.log())
            if match:
                self.host = match.group(1).strip("[]")
                self.port = int(match.group(2))
                return self
            if self.process.poll() is not None:
                code = self.process.returncode
                self.process = None
                raise AssertionError("strata data-api exited with code %d before listening; log:\n%s"
                                     % (code, self.log()))
            time.sleep(0.02)
        self.kill()
        raise AssertionError("strata data-api did not print its listening line within %.0f s; log:\n%s"
                             % (START_TIMEOUT, self.log()))

    def stop(self):
        """SIGTERM; asserts a clean exit (code 0)."""
        if self.process is None:
            return
        process, self.process = self.process, None
        if not terminate(process, STOP_TIMEOUT):
            raise AssertionError("strata data-api did not stop within %.0f s of SIGTERM; log:\n%s"
                                 % (STOP_TIMEOUT, self.log()))
        if process.returncode != 0:
            raise AssertionError("strata data-api exited with code %d; log:\n%s" % (process.returncode, self.log()))

    def kill(self):
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None

    def cleanup(self):
        self.kill()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def log(self):
        try:
            with open(self.log_path, "rb") as log:
                return log.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    @property
    def url(self):
        return "http://%s:%d" % (self.host, self.port)

    def client(self):
        """A boto3 rds-data client pointed at this server (no retries: errors surface at once)."""
        require_boto3()
        if self._client is None:
            self._client = boto3.client(
                "rds-data", endpoint_url=self.url, region_name="us-east-1", aws_access_key_id="x",
                aws_secret_access_key="y",
                config=Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=60))
        return self._client

    def post(self, path, body, headers=None):
        """A raw POST; returns (status, headers, parsed JSON body or None)."""
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        all_headers = {"Content-Type": "application/json"}
        all_headers.update(headers or {})
        connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        try:
            connection.request("POST", path, body=body, headers=all_headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        try:
            parsed = json.loads(data.decode("utf-8")) if data else None
        except ValueError:
            parsed = data
        return response.status, response.headers, parsed


def start_server(test_case, databases, extra_args=()):
    """Starts a server for one test; stopped (and its exit code checked) when the test ends."""
    server = DataApiServer(databases, extra_args)
    test_case.addCleanup(server.cleanup)
    server.start()
    test_case.addCleanup(server.stop)
    return server


def non_loopback_address():
    """This machine's address on its default route (no packet is sent), or None."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))
        address = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def error_code(error):
    return error.response.get("Error", {}).get("Code")


def error_message(error):
    return error.response.get("Error", {}).get("Message", "")


class DataApiScenarios:
    """The core scenarios; a subclass provides the database (ENGINE, create_database, DDL)."""

    ENGINE = None
    AUTO_ID = None          # an auto-assigned integer primary key column named id
    SYNTAX_ERROR_CODE = None

    # -- fixtures --------------------------------------------------------------

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_boto3()
        cls.db_url = cls.create_database()
        cls.server = DataApiServer([cls.db_url])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)
        cls.rds = cls.server.client()

    @classmethod
    def create_database(cls):
        raise NotImplementedError

    # -- helpers ---------------------------------------------------------------

    def execute(self, sql, parameters=None, **options):
        arguments = dict(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN, sql=sql)
        if parameters is not None:
            arguments["parameters"] = parameters
        arguments.update(options)
        return self.rds.execute_statement(**arguments)

    def table(self, prefix, columns):
        """Creates a table of a fresh name with `columns` (SQL); returns the name."""
        name = "%s_%s" % (prefix, uuid.uuid4().hex[:8])
        self.execute("CREATE TABLE %s (%s)" % (name, columns))
        return name

    def count(self, table, server=None):
        rds = (server or self.server).client()
        response = rds.execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN,
                                         sql="SELECT COUNT(*) FROM %s" % table)
        return response["records"][0][0]["longValue"]

    def assertClientError(self, code, call, *args, **kwargs):
        """Runs call, expecting a ClientError of `code`; returns the error."""
        with self.assertRaises(ClientError) as caught:
            call(*args, **kwargs)
        self.assertEqual(error_code(caught.exception), code, caught.exception.response)
        return caught.exception

    @staticmethod
    def param(name, **value):
        return {"name": name, "value": value}

    # -- scheduling ----------------------------------------------------------------

    def test_every_thread_runs_under_batch_scheduling(self):
        self.execute("SELECT 1")  # the workers and their connections are up
        tasks = "/proc/%d/task" % self.server.process.pid
        policies = {}
        for task in os.listdir(tasks):
            with open(os.path.join(tasks, task, "stat")) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            policies[task] = int(fields[38])  # field 41, policy: 3 is SCHED_BATCH
        self.assertGreater(len(policies), 8, policies)  # the loops, the eight workers, the reaper
        self.assertEqual(set(policies.values()), {3}, policies)

    # -- records and columnMetadata ---------------------------------------------

    def test_records_and_column_metadata(self):
        table = self.table("types", self.TYPES_COLUMNS)
        self.execute(self.TYPES_INSERT % table)
        response = self.execute("SELECT * FROM %s ORDER BY id" % table, includeResultMetadata=True)
        self.assertEqual(response["numberOfRecordsUpdated"], 0)
        records = response["records"]
        self.assertEqual(len(records), 2, records)
        names = [column["name"] for column in response["columnMetadata"]]
        self.assertEqual(names, self.TYPES_NAMES)
        full = dict(zip(names, records[0]))
        empty = dict(zip(names, records[1]))
        for name, expected in self.TYPES_EXPECTED.items():
            with self.subTest(column=name):
                self.assertEqual(full[name], expected)
        for name, field in empty.items():
            if name not in ("id", "v"):
                with self.subTest(null_column=name):
                    self.assertEqual(field, {"isNull": True})
        self.assertEqual(empty["v"], {"stringValue": "nulls"})

        metadata = {column["name"]: column for column in response["columnMetadata"]}
        for name, expected in self.TYPES_METADATA.items():
            with self.subTest(metadata=name):
                actual = metadata[name]
                self.assertEqual({key: actual.get(key) for key in expected}, expected, actual)
        for column in response["columnMetadata"]:
            self.assertEqual(column["label"], column["name"])
            self.assertEqual(column["tableName"], table)
        self.assertTrue(metadata["id"]["isAutoIncrement"])
        self.assertFalse(metadata["i"]["isAutoIncrement"])
        self.assertEqual(metadata["v"]["nullable"], 0)
        self.assertEqual(metadata["txt"]["nullable"], 1)

        # An alias is the label; the name stays the column's.
        aliased = self.execute("SELECT v AS alias FROM %s WHERE id = 1" % table, includeResultMetadata=True)
        self.assertEqual(aliased["columnMetadata"][0]["label"], "alias")
        self.assertEqual(aliased["columnMetadata"][0]["name"], "v")

    def test_result_metadata_only_when_asked(self):
        table = self.table("nometa", "%s, v VARCHAR(10)" % self.AUTO_ID)
        self.execute("INSERT INTO %s (v) VALUES ('a')" % table)
        for options in ({}, {"includeResultMetadata": False}):
            with self.subTest(options=options):
                response = self.execute("SELECT id, v FROM %s" % table, **options)
                self.assertNotIn("columnMetadata", response)
                self.assertEqual(response["records"], [[{"longValue": 1}, {"stringValue": "a"}]])
        self.assertIn("columnMetadata", self.execute("SELECT v FROM %s" % table, includeResultMetadata=True))
        # A request id on every answer.
        self.assertTrue(self.execute("SELECT 1")["ResponseMetadata"].get("RequestId"))

    # -- parameters -------------------------------------------------------------

    def test_every_field_kind_as_a_parameter(self):
        table = self.table("params", "%s, n TEXT, flag BOOLEAN, l BIGINT, d DOUBLE, s VARCHAR(100), data BLOB"
                           % self.AUTO_ID)
        blob = b"\x00\x01\x00binary\xff\x00"
        text = "h\u00e9llo \u2603 'quoted' \"double\" \\ :notaparam"
        insert = "INSERT INTO %s (n, flag, l, d, s, data) VALUES (:n, :flag, :l, :d, :s, :data)" % table
        self.execute(insert, [self.param("n", isNull=True), self.param("flag", booleanValue=True),
                              self.param("l", longValue=-9223372036854775808), self.param("d", doubleValue=3.25),
                              self.param("s", stringValue=text), self.param("data", blobValue=blob)])
        self.execute(insert, [self.param("n", stringValue="x"), self.param("flag", booleanValue=False),
                              self.param("l", longValue=9223372036854775807), self.param("d", doubleValue=-1e-3),
                              self.param("s", stringValue=""), self.param("data", blobValue=b"\x00")])
        select = "SELECT n, flag, l, d, s, data FROM %s WHERE id = :id" % table
        first = self.execute(select, [self.param("id", longValue=1)])["records"]
        self.assertEqual(first, [[{"isNull": True}, {"booleanValue": True}, {"longValue": -9223372036854775808},
                                  {"doubleValue": 3.25}, {"stringValue": text}, {"blobValue": blob}]])
        second = self.execute(select, [self.param("id", longValue=2)])["records"]
        self.assertEqual(second, [[{"stringValue": "x"}, {"booleanValue": False}, {"longValue": 9223372036854775807},
                                   {"doubleValue": -1e-3}, {"stringValue": ""}, {"blobValue": b"\x00"}]])
        # A parameter used twice, and a parameter in a WHERE over a blob.
        both = self.execute("SELECT COUNT(*) FROM %s WHERE l = :v OR l = -:v" % table,
                            [self.param("v", longValue=9223372036854775807)])
        self.assertEqual(both["records"], [[{"longValue": 1}]])
        by_blob = self.execute("SELECT id FROM %s WHERE data = :data" % table, [self.param("data", blobValue=blob)])
        self.assertEqual(by_blob["records"], [[{"longValue": 1}]])

    def test_empty_blob_parameter_is_not_null(self):
        table = self.table("emptyblob", "%s, data BLOB" % self.AUTO_ID)
        self.execute("INSERT INTO %s (data) VALUES (:data)" % table, [self.param("data", blobValue=b"")])
        self.assertEqual(self.execute("SELECT data FROM %s" % table)["records"][0][0],
                         {"blobValue": b""})

    def test_type_hints(self):
        table = self.table("hints", self.HINT_COLUMNS)
        insert = ("INSERT INTO %s (day, tm, ts, amount, doc, uid) VALUES (:day, :tm, :ts, :amount, :doc, :uid)"
                  % table)
        doc = '{"a": [1, 2.5, "x"], "b": null}'
        uid = "123e4567-e89b-12d3-a456-426614174000"
        good = [{"name": "day", "value": {"stringValue": "2024-02-29"}, "typeHint": "DATE"},
                {"name": "tm", "value": {"stringValue": "13:45:01"}, "typeHint": "TIME"},
                {"name": "ts", "value": {"stringValue": "2024-02-29 13:45:01.123"}, "typeHint": "TIMESTAMP"},
                {"name": "amount", "value": {"stringValue": "12345.67"}, "typeHint": "DECIMAL"},
                {"name": "doc", "value": {"stringValue": doc}, "typeHint": "JSON"},
                {"name": "uid", "value": {"stringValue": uid}, "typeHint": "UUID"}]
        self.assertEqual(self.execute(insert, good)["numberOfRecordsUpdated"], 1)
        row = self.execute("SELECT day, tm, ts, amount, doc, uid FROM %s" % table)["records"][0]
        self.assertEqual(row[0], {"stringValue": "2024-02-29"})
        self.assertEqual(row[1], {"stringValue": "13:45:01"})
        self.assertEqual(row[2], {"stringValue": "2024-02-29 13:45:01.123"})
        self.assertEqual(row[3], self.decimal_field("12345.67"))
        self.assertEqual(json.loads(row[4]["stringValue"]), json.loads(doc))
        self.assertEqual(row[5], {"stringValue": uid})

        bad = {"DATE": ["2024/02/29", "29-02-2024", "yesterday"],
               "TIME": ["1:2", "noon", "13:45"],
               "TIMESTAMP": ["2024-02-29", "2024-02-29Tnoon", "later"],
               "DECIMAL": ["12,5", "abc", ""],
               "JSON": ["{not json", "{\"a\": }"],
               "UUID": ["not-a-uuid", "123e4567e89b12d3a456426614174000x"]}
        column = {"DATE": "day", "TIME": "tm", "TIMESTAMP": "ts", "DECIMAL": "amount", "JSON": "doc", "UUID": "uid"}
        for hint, values in bad.items():
            for value in values:
                with self.subTest(hint=hint, value=value):
                    parameters = [dict(p) for p in good]
                    for parameter in parameters:
                        if parameter["typeHint"] == hint:
                            parameter["name"] = "bad" + hint.title()
                            parameter["value"] = {"stringValue": value}
                    sql = insert.replace(":" + column[hint] + ",", ":bad%s," % hint.title()).replace(
                        ":" + column[hint] + ")", ":bad%s)" % hint.title())
                    error = self.assertClientError("BadRequestException", self.execute, sql, parameters)
                    self.assertIn("bad" + hint.title(), error_message(error))
        self.assertEqual(self.count(table), 1)

    def test_type_hint_date_out_of_range(self):
        # Month 13 is no YYYY-MM-DD date: the service cannot send it "as an object of DATE type".
        table = self.table("baddates", "%s, day DATE" % self.AUTO_ID)
        error = self.assertClientError(
            "BadRequestException", self.execute, "INSERT INTO %s (day) VALUES (:badMonth)" % table,
            [{"name": "badMonth", "value": {"stringValue": "2024-13-45"}, "typeHint": "DATE"}])
        self.assertIn("badMonth", error_message(error))
        self.assertEqual(self.count(table), 0)

    def test_array_parameter_is_refused(self):
        error = self.assertClientError("BadRequestException", self.execute, "SELECT :ids",
                                       [self.param("ids", arrayValue={"longValues": [1, 2]})])
        self.assertIn("ids", error_message(error))

    # -- formatRecordsAs and resultSetOptions -------------------------------------

    def test_format_records_as_json(self):
        table = self.table("fmt", "%s, l BIGINT, s VARCHAR(20), data BLOB, nada TEXT, f DOUBLE, flag BOOLEAN, "
                                  "d DECIMAL(10,2)" % self.AUTO_ID)
        blob = b"\x00\xffab\x00"
        inserted = self.execute("INSERT INTO %s (l, s, data, nada, f, flag, d) VALUES "
                                "(:l, :s, :data, NULL, 2.5, :flag, 12.34)" % table,
                                [self.param("l", longValue=9007199254740993), self.param("s", stringValue="x\"y"),
                                 self.param("data", blobValue=blob), self.param("flag", booleanValue=True)],
                                formatRecordsAs="JSON")
        self.assertEqual(inserted["numberOfRecordsUpdated"], 1)
        self.assertNotIn("formattedRecords", inserted)
        response = self.execute("SELECT id, l, s, data, nada, f, flag, d FROM %s" % table, formatRecordsAs="JSON",
                                includeResultMetadata=True)
        self.assertNotIn("records", response)
        self.assertNotIn("columnMetadata", response)
        rows = json.loads(response["formattedRecords"])
        self.assertEqual(len(rows), 1, rows)
        row = rows[0]
        self.assertEqual(row["id"], 1)
        self.assertEqual(row["l"], 9007199254740993)  # an exact JSON integer, not a double
        self.assertIn("9007199254740993", response["formattedRecords"])
        self.assertEqual(row["s"], "x\"y")
        self.assertEqual(base64.b64decode(row["data"]), blob)
        self.assertIsNone(row["nada"])
        self.assertEqual(row["f"], 2.5)
        self.assertIs(row["flag"], True)
        self.assertEqual(row["d"], self.JSON_DECIMAL)
        self.assertEqual(sorted(row), sorted(["id", "l", "s", "data", "nada", "f", "flag", "d"]))

        # An empty result is an empty array.
        none = self.execute("SELECT id FROM %s WHERE id < 0" % table, formatRecordsAs="JSON")
        self.assertEqual(json.loads(none["formattedRecords"]), [])
        # NONE is the default form.
        plain = self.execute("SELECT id FROM %s" % table, formatRecordsAs="NONE")
        self.assertEqual(plain["records"], [[{"longValue": 1}]])
        self.assertNotIn("formattedRecords", plain)

        # longReturnType STRING in JSON: the long becomes a string.
        strings = self.execute("SELECT l FROM %s" % table, formatRecordsAs="JSON",
                               resultSetOptions={"longReturnType": "STRING"})
        self.assertEqual(json.loads(strings["formattedRecords"]), [{"l": "9007199254740993"}])

    def test_duplicate_labels_in_json(self):
        self.assertClientError("UnsupportedResultException", self.execute, "SELECT 1 AS a, 2 AS a",
                               formatRecordsAs="JSON")
        # Records have no labels to collide.
        self.assertEqual(self.execute("SELECT 1 AS a, 2 AS a")["records"], [[{"longValue": 1}, {"longValue": 2}]])

    def test_long_return_type_string(self):
        table = self.table("longs", "%s, l BIGINT, s VARCHAR(5)" % self.AUTO_ID)
        self.execute("INSERT INTO %s (l, s) VALUES (-9223372036854775808, 'z')" % table)
        response = self.execute("SELECT id, l, s FROM %s" % table, resultSetOptions={"longReturnType": "STRING"})
        self.assertEqual(response["records"], [[{"stringValue": "1"}, {"stringValue": "-9223372036854775808"},
                                                {"stringValue": "z"}]])
        default = self.execute("SELECT l FROM %s" % table, resultSetOptions={"longReturnType": "LONG"})
        self.assertEqual(default["records"], [[{"longValue": -9223372036854775808}]])

    # -- generatedFields and numberOfRecordsUpdated -------------------------------

    def test_generated_fields_and_records_updated(self):
        table = self.table("gen", "%s, v VARCHAR(10)" % self.AUTO_ID)
        for expected_id in (1, 2, 3):
            response = self.execute("INSERT INTO %s (v) VALUES (:v)" % table, [self.param("v", stringValue="a")])
            self.assertEqual(response["numberOfRecordsUpdated"], 1)
            self.assertEqual(response.get("generatedFields"), [{"longValue": expected_id}], response)
            self.assertNotIn("records", response)
        updated = self.execute("UPDATE %s SET v = 'b' WHERE id >= 2" % table)
        self.assertEqual(updated["numberOfRecordsUpdated"], 2)
        self.assertEqual(updated.get("generatedFields", []), [])
        self.assertEqual(self.execute("DELETE FROM %s WHERE id = 1" % table)["numberOfRecordsUpdated"], 1)
        self.assertEqual(self.execute("SELECT * FROM %s" % table)["numberOfRecordsUpdated"], 0)

    def test_generated_fields_when_the_id_repeats(self):
        # Two tables, each getting id 1: the second insert generated a field as much as the first.
        first = self.table("genone", "%s, v VARCHAR(10)" % self.AUTO_ID)
        second = self.table("gentwo", "%s, v VARCHAR(10)" % self.AUTO_ID)
        for table in (first, second, first):
            response = self.execute("INSERT INTO %s (v) VALUES ('a')" % table)
            expected = self.execute("SELECT MAX(id) FROM %s" % table)["records"][0]
            with self.subTest(table=table, id=expected):
                self.assertEqual(response.get("generatedFields"), expected, response)

    # -- transactions -------------------------------------------------------------

    def test_transaction_commit_and_rollback(self):
        table = self.table("tx", "%s, v VARCHAR(10)" % self.AUTO_ID)
        target = dict(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN)
        begun = self.rds.begin_transaction(**target)
        transaction = begun["transactionId"]
        self.assertIsInstance(transaction, str)
        self.assertTrue(transaction)
        inserted = self.execute("INSERT INTO %s (v) VALUES ('kept')" % table, transactionId=transaction)
        self.assertEqual(inserted["numberOfRecordsUpdated"], 1)
        inside = self.execute("SELECT v FROM %s" % table, transactionId=transaction)
        self.assertEqual(inside["records"], [[{"stringValue": "kept"}]])
        self.assertEqual(self.count(table), 0, "an uncommitted row is visible outside its transaction")
        committed = self.rds.commit_transaction(transactionId=transaction, **target)
        self.assertEqual(committed["transactionStatus"], "Transaction Committed")
        self.assertEqual(self.count(table), 1)

        other = self.rds.begin_transaction(**target)["transactionId"]
        self.assertNotEqual(other, transaction)
        self.execute("INSERT INTO %s (v) VALUES ('gone')" % table, transactionId=other)
        self.execute("UPDATE %s SET v = 'changed'" % table, transactionId=other)
        rolled_back = self.rds.rollback_transaction(transactionId=other, **target)
        self.assertEqual(rolled_back["transactionStatus"], "Rollback Complete")
        self.assertEqual(self.execute("SELECT v FROM %s" % table)["records"], [[{"stringValue": "kept"}]])

    def test_transaction_not_found(self):
        target = dict(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN)
        missing = self.rds.exceptions.TransactionNotFoundException
        unknown = "AAAAunknownTransactionId"
        with self.assertRaises(missing) as caught:
            self.execute("SELECT 1", transactionId=unknown)
        self.assertEqual(caught.exception.response["ResponseMetadata"]["HTTPStatusCode"], 404)
        with self.assertRaises(missing):
            self.rds.commit_transaction(transactionId=unknown, **target)
        with self.assertRaises(missing):
            self.rds.rollback_transaction(transactionId=unknown, **target)
        with self.assertRaises(missing):
            self.rds.batch_execute_statement(sql="SELECT 1", transactionId=unknown, **target)

        transaction = self.rds.begin_transaction(**target)["transactionId"]
        self.rds.commit_transaction(transactionId=transaction, **target)
        with self.assertRaises(missing):
            self.rds.commit_transaction(transactionId=transaction, **target)
        with self.assertRaises(missing):
            self.rds.rollback_transaction(transactionId=transaction, **target)
        with self.assertRaises(missing):
            self.execute("SELECT 1", transactionId=transaction)

        rolled = self.rds.begin_transaction(**target)["transactionId"]
        self.rds.rollback_transaction(transactionId=rolled, **target)
        with self.assertRaises(missing):
            self.rds.commit_transaction(transactionId=rolled, **target)

    def test_idle_transaction_is_rolled_back(self):
        table = self.table("idle", "%s, v VARCHAR(10)" % self.AUTO_ID)
        impatient = start_server(self, [self.db_url], ["--transaction-idle-timeout", "2"])
        rds = impatient.client()
        target = dict(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN)
        transaction = rds.begin_transaction(**target)["transactionId"]
        rds.execute_statement(sql="INSERT INTO %s (v) VALUES ('idle')" % table, transactionId=transaction, **target)
        time.sleep(4.0)
        with self.assertRaises(rds.exceptions.TransactionNotFoundException):
            rds.execute_statement(sql="SELECT 1", transactionId=transaction, **target)
        with self.assertRaises(rds.exceptions.TransactionNotFoundException):
            rds.commit_transaction(transactionId=transaction, **target)
        self.assertEqual(self.count(table), 0)
        self.assertEqual(self.count(table, impatient), 0)

    # -- BatchExecuteStatement ------------------------------------------------------

    def test_batch_execute(self):
        table = self.table("batch", "%s, name VARCHAR(20) NOT NULL UNIQUE, n BIGINT" % self.AUTO_ID)
        target = dict(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN)
        sql = "INSERT INTO %s (name, n) VALUES (:name, :n)" % table

        def sets(*names):
            return [[self.param("name", stringValue=name), self.param("n", longValue=len(name))] for name in names]

        response = self.rds.batch_execute_statement(sql=sql, parameterSets=sets("a", "bb", "ccc"), **target)
        self.assertEqual([result["generatedFields"] for result in response["updateResults"]],
                         [[{"longValue": 1}], [{"longValue": 2}], [{"longValue": 3}]])
        self.assertEqual(self.execute("SELECT name, n FROM %s ORDER BY id" % table)["records"],
                         [[{"stringValue": "a"}, {"longValue": 1}], [{"stringValue": "bb"}, {"longValue": 2}],
                          [{"stringValue": "ccc"}, {"longValue": 3}]])

        # The third set collides: nothing of the batch stays.
        error = self.assertClientError("DatabaseErrorException", self.rds.batch_execute_statement, sql=sql,
                                       parameterSets=sets("d", "ee", "a"), **target)
        self.assertIn("Database error code:", error_message(error))
        self.assertEqual(self.count(table), 3)
        self.assertEqual(self.execute("SELECT COUNT(*) FROM %s WHERE name IN ('d', 'ee')" % table)["records"],
                         [[{"longValue": 0}]])

        # In the caller's transaction, the batch is the caller's to commit or roll back.
        transaction = self.rds.begin_transaction(**target)["transactionId"]
        inside = self.rds.batch_execute_statement(sql=sql, parameterSets=sets("f", "gg"), transactionId=transaction,
                                                  **target)
        self.assertEqual(len(inside["updateResults"]), 2)
        self.rds.rollback_transaction(transactionId=transaction, **target)
        self.assertEqual(self.count(table), 3)

        # An UPDATE batch: no generated fields.
        updates = self.rds.batch_execute_statement(
            sql="UPDATE %s SET n = :n WHERE name = :name" % table,
            parameterSets=[[self.param("name", stringValue="a"), self.param("n", longValue=10)],
                           [self.param("name", stringValue="bb"), self.param("n", longValue=20)]], **target)
        self.assertEqual([result.get("generatedFields", []) for result in updates["updateResults"]], [[], []])
        self.assertEqual(self.execute("SELECT n FROM %s ORDER BY id" % table)["records"],
                         [[{"longValue": 10}], [{"longValue": 20}], [{"longValue": 3}]])

    # -- errors ---------------------------------------------------------------------

    def test_sql_error_is_a_database_error(self):
        error = self.assertClientError("DatabaseErrorException", self.execute, "SELEC nothing FROM nowhere")
        self.assertRegex(error_message(error), r"^Database error code: %d\. Message: " % self.SYNTAX_ERROR_CODE)
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        missing = self.assertClientError("DatabaseErrorException", self.execute, "SELECT * FROM no_such_table_here")
        self.assertIn("no_such_table_here", error_message(missing))
        self.assertIn("Database error code:", error_message(missing))
        # The connection still works afterwards.
        self.assertEqual(self.execute("SELECT 1")["records"], [[{"longValue": 1}]])

    def test_response_over_one_mib(self):
        self.assertClientError("BadRequestException", self.execute, self.BIG_RESULT_SQL)
        # Just under the limit passes.
        response = self.execute(self.BIG_RESULT_SQL.replace("2000000", "500000"))
        self.assertEqual(len(response["records"]), 1)

    def test_several_statements_are_a_validation_error(self):
        table = self.table("multi", "%s, v VARCHAR(10)" % self.AUTO_ID)
        error = self.assertClientError("ValidationException", self.execute,
                                       "INSERT INTO %s (v) VALUES ('one'); INSERT INTO %s (v) VALUES ('two')"
                                       % (table, table))
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(self.count(table), 0)
        # A semicolon inside a string literal, or a trailing one, is no second statement.
        self.execute("INSERT INTO %s (v) VALUES ('a;b');" % table)
        self.assertEqual(self.execute("SELECT v FROM %s" % table)["records"], [[{"stringValue": "a;b"}]])

    def test_schema_member_is_a_validation_error(self):
        error = self.assertClientError("ValidationException", self.execute, "SELECT 1", schema="public")
        self.assertEqual(error.response["ResponseMetadata"]["HTTPStatusCode"], 400)

    # -- the deprecated ExecuteSql ----------------------------------------------------

    def test_execute_sql(self):
        table = self.table("legacy", "%s, name VARCHAR(20)" % self.AUTO_ID)
        response = self.rds.execute_sql(
            dbClusterOrInstanceArn=CLUSTER_ARN, awsSecretStoreArn=SECRET_ARN,
            sqlStatements="INSERT INTO %s (name) VALUES ('semi;colon'); SELECT id, name FROM %s" % (table, table))
        results = response["sqlStatementResults"]
        self.assertEqual(len(results), 2, results)
        self.assertEqual(results[0]["numberOfRecordsUpdated"], 1)
        self.assertNotIn("resultFrame", results[0])
        frame = results[1]["resultFrame"]
        self.assertEqual(frame["resultSetMetadata"]["columnCount"], 2)
        self.assertEqual([column["name"] for column in frame["resultSetMetadata"]["columnMetadata"]], ["id", "name"])
        values = frame["records"][0]["values"]
        self.assertEqual(len(frame["records"]), 1)
        self.assertEqual(values[0].get("bigIntValue", values[0].get("intValue")), 1)
        self.assertEqual(values[1], {"stringValue": "semi;colon"})

    # -- the AWS CLI -------------------------------------------------------------------

    def aws(self, *args, env=None, endpoint=True):
        argv = [aws_cli(), "rds-data"] + list(args) + ["--output", "json"]
        if endpoint:
            argv += ["--endpoint-url", self.server.url]
        return subprocess.run(argv, env=clean_env(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, timeout=60)

    def aws_json(self, *args, **options):
        result = self.aws(*args, **options)
        self.assertEqual(result.returncode, 0, "aws %s\nstdout:\n%s\nstderr:\n%s"
                         % (" ".join(args), result.stdout, result.stderr))
        return json.loads(result.stdout)

    def test_aws_cli(self):
        table = self.table("cli", "%s, name VARCHAR(20)" % self.AUTO_ID)
        target = ["--resource-arn", CLUSTER_ARN, "--secret-arn", SECRET_ARN]
        inserted = self.aws_json("execute-statement", *target, "--sql", "INSERT INTO %s (name) VALUES (:name)" % table,
                                 "--parameters", json.dumps([self.param("name", stringValue="from-cli")]))
        self.assertEqual(inserted["numberOfRecordsUpdated"], 1)
        self.assertEqual(inserted["generatedFields"], [{"longValue": 1}])
        selected = self.aws_json("execute-statement", *target, "--sql", "SELECT id, name FROM %s" % table,
                                 "--include-result-metadata")
        self.assertEqual(selected["records"], [[{"longValue": 1}, {"stringValue": "from-cli"}]])
        self.assertEqual([column["name"] for column in selected["columnMetadata"]], ["id", "name"])

        transaction = self.aws_json("begin-transaction", *target)["transactionId"]
        self.aws_json("execute-statement", *target, "--sql", "INSERT INTO %s (name) VALUES ('rolled')" % table,
                      "--transaction-id", transaction)
        rolled = self.aws_json("rollback-transaction", *target, "--transaction-id", transaction)
        self.assertEqual(rolled["transactionStatus"], "Rollback Complete")
        transaction = self.aws_json("begin-transaction", *target)["transactionId"]
        self.aws_json("execute-statement", *target, "--sql", "INSERT INTO %s (name) VALUES ('committed')" % table,
                      "--transaction-id", transaction)
        committed = self.aws_json("commit-transaction", *target, "--transaction-id", transaction)
        self.assertEqual(committed["transactionStatus"], "Transaction Committed")

        batch = self.aws_json("batch-execute-statement", *target, "--sql",
                              "INSERT INTO %s (name) VALUES (:name)" % table, "--parameter-sets",
                              json.dumps([[self.param("name", stringValue="b1")], [self.param("name", stringValue="b2")]]))
        self.assertEqual(len(batch["updateResults"]), 2)
        rows = self.execute("SELECT id, name FROM %s ORDER BY id" % table)["records"]
        self.assertEqual([row[1] for row in rows], [{"stringValue": "from-cli"}, {"stringValue": "committed"},
                                                     {"stringValue": "b1"}, {"stringValue": "b2"}])
        self.assertEqual([result["generatedFields"] for result in batch["updateResults"]],
                         [[rows[2][0]], [rows[3][0]]])

        failed = self.aws("execute-statement", *target, "--sql", "SELEC broken")
        self.assertNotEqual(failed.returncode, 0, failed.stdout)
        self.assertIn("DatabaseErrorException", failed.stderr)
        self.assertIn("Database error code:", failed.stderr)
        unknown = self.aws("commit-transaction", *target, "--transaction-id", "no-such-transaction")
        self.assertNotEqual(unknown.returncode, 0, unknown.stdout)
        self.assertIn("TransactionNotFoundException", unknown.stderr)

    def test_aws_cli_endpoint_from_environment(self):
        version = subprocess.run([aws_cli(), "--version"], env=clean_env(), stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, text=True, timeout=60).stdout
        match = re.search(r"botocore/(\d+)\.(\d+)\.(\d+)", version)
        if match and tuple(int(part) for part in match.groups()) < ENDPOINT_ENV_BOTOCORE:
            self.skipTest("aws --version shows %s, a botocore without AWS_ENDPOINT_URL_<SERVICE>" % version.strip())
        selected = self.aws_json("execute-statement", "--resource-arn", CLUSTER_ARN, "--secret-arn", SECRET_ARN,
                                 "--sql", "SELECT 41 + 1", endpoint=False,
                                 env={"AWS_ENDPOINT_URL_RDS_DATA": self.server.url})
        self.assertEqual(selected["records"], [[{"longValue": 42}]])


class SqliteDataApiTest(DataApiScenarios, unittest.TestCase):
    ENGINE = "sqlite"
    AUTO_ID = "id INTEGER PRIMARY KEY"
    SYNTAX_ERROR_CODE = 1  # SQLITE_ERROR
    TYPES_COLUMNS = ("id INTEGER PRIMARY KEY, i INTEGER, big BIGINT, small BIGINT, v VARCHAR(20) NOT NULL, txt TEXT, "
                     "d DECIMAL(10,2), f DOUBLE, flag BOOLEAN, day DATE, at DATETIME, data BLOB")
    TYPES_INSERT = ("INSERT INTO %s VALUES (1, 42, 9223372036854775807, -9223372036854775807 - 1, 'hello', "
                    "'a long text', 12.34, 2.5, 1, '2024-02-29', '2024-02-29 13:45:01', X'00FF006100'), "
                    "(2, NULL, NULL, NULL, 'nulls', NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    TYPES_NAMES = ["id", "i", "big", "small", "v", "txt", "d", "f", "flag", "day", "at", "data"]
    TYPES_EXPECTED = {
        "id": {"longValue": 1}, "i": {"longValue": 42}, "big": {"longValue": 9223372036854775807},
        "small": {"longValue": -9223372036854775808}, "v": {"stringValue": "hello"},
        "txt": {"stringValue": "a long text"}, "d": {"doubleValue": 12.34}, "f": {"doubleValue": 2.5},
        "flag": {"booleanValue": True}, "day": {"stringValue": "2024-02-29"},
        "at": {"stringValue": "2024-02-29 13:45:01"}, "data": {"blobValue": b"\x00\xff\x00a\x00"},
    }
    TYPES_METADATA = {
        "id": {"type": 4, "typeName": "INTEGER"},
        "i": {"type": 4, "typeName": "INTEGER", "isSigned": True},
        "big": {"type": -5, "typeName": "BIGINT", "isSigned": True},
        "v": {"type": 12, "typeName": "VARCHAR", "precision": 20},
        "txt": {"type": -1, "typeName": "TEXT"},
        "d": {"type": 3, "typeName": "DECIMAL", "precision": 10, "scale": 2},
        "f": {"type": 8, "typeName": "DOUBLE"},
        "flag": {"type": 16, "typeName": "BOOLEAN"},
        "day": {"type": 91, "typeName": "DATE"},
        "at": {"type": 93, "typeName": "DATETIME"},
        "data": {"type": -4, "typeName": "BLOB"},
    }
    HINT_COLUMNS = ("id INTEGER PRIMARY KEY, day DATE, tm TIME, ts DATETIME, amount DECIMAL(10,2), doc TEXT, "
                    "uid CHAR(36)")
    JSON_DECIMAL = 12.34  # SQLite keeps a DECIMAL as a REAL
    BIG_RESULT_SQL = "SELECT zeroblob(2000000) AS big"

    @classmethod
    def create_database(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strata-data-api-sqlite-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        return "sqlite:" + os.path.join(cls.tmp, "data.db")

    @staticmethod
    def decimal_field(text):
        return {"doubleValue": float(text)}


class MysqlDataApiTest(DataApiScenarios, unittest.TestCase):
    ENGINE = "mysql"
    AUTO_ID = "id INT AUTO_INCREMENT PRIMARY KEY"
    SYNTAX_ERROR_CODE = 1064  # ER_PARSE_ERROR
    TYPES_COLUMNS = ("id INT AUTO_INCREMENT PRIMARY KEY, i INT, big BIGINT, small BIGINT, ubig BIGINT UNSIGNED, "
                     "v VARCHAR(20) NOT NULL, txt TEXT, d DECIMAL(10,2), f DOUBLE, flag BOOLEAN, day DATE, "
                     "at DATETIME, data BLOB")
    TYPES_INSERT = ("INSERT INTO %s VALUES (1, 42, 9223372036854775807, -9223372036854775808, 18446744073709551615, "
                    "'hello', 'a long text', 12.34, 2.5, TRUE, '2024-02-29', '2024-02-29 13:45:01', "
                    "X'00FF006100'), (2, NULL, NULL, NULL, NULL, 'nulls', NULL, NULL, NULL, NULL, NULL, NULL, NULL)")
    TYPES_NAMES = ["id", "i", "big", "small", "ubig", "v", "txt", "d", "f", "flag", "day", "at", "data"]
    TYPES_EXPECTED = {
        "id": {"longValue": 1}, "i": {"longValue": 42}, "big": {"longValue": 9223372036854775807},
        "small": {"longValue": -9223372036854775808},
        # Beyond a signed 64-bit long: the exact digits, as a string.
        "ubig": {"stringValue": "18446744073709551615"},
        "v": {"stringValue": "hello"}, "txt": {"stringValue": "a long text"}, "d": {"stringValue": "12.34"},
        "f": {"doubleValue": 2.5}, "flag": {"booleanValue": True}, "day": {"stringValue": "2024-02-29"},
        "at": {"stringValue": "2024-02-29 13:45:01"}, "data": {"blobValue": b"\x00\xff\x00a\x00"},
    }
    TYPES_METADATA = {
        "id": {"type": 4, "typeName": "INT", "isSigned": True},
        "big": {"type": -5, "typeName": "BIGINT", "isSigned": True},
        "ubig": {"type": -5, "typeName": "BIGINT UNSIGNED", "isSigned": False},
        "v": {"type": 12, "typeName": "VARCHAR", "precision": 20},
        "txt": {"type": -1, "typeName": "TEXT"},
        "d": {"type": 3, "typeName": "DECIMAL", "precision": 10, "scale": 2, "isSigned": True},
        "f": {"type": 8, "typeName": "DOUBLE"},
        "flag": {"type": -7, "typeName": "BIT"},
        "day": {"type": 91, "typeName": "DATE"},
        "at": {"type": 93, "typeName": "DATETIME"},
        "data": {"type": -4, "typeName": "BLOB"},
    }
    HINT_COLUMNS = ("id INT AUTO_INCREMENT PRIMARY KEY, day DATE, tm TIME, ts DATETIME(3), amount DECIMAL(10,2), "
                    "doc JSON, uid CHAR(36)")
    JSON_DECIMAL = "12.34"  # DECIMAL is a string unless decimalReturnType DOUBLE_OR_LONG
    BIG_RESULT_SQL = "SELECT REPEAT('x', 2000000) AS big"

    @classmethod
    def create_database(cls):
        url_file = os.environ.get("STRATA_TEST_MYSQL_URL_FILE")
        if not url_file:
            raise AssertionError("STRATA_TEST_MYSQL_URL_FILE is not set: the MySQL Data API tests need the MariaDB "
                                 "server of the CTest fixture `mariadb` (run them through ctest, or run "
                                 "scripts/mariadb-test-server.sh start DIR and set STRATA_TEST_MYSQL_URL_FILE=DIR/url)")
        if not os.path.exists(url_file):
            raise AssertionError("STRATA_TEST_MYSQL_URL_FILE=%s: no such file (did the mariadb fixture start?)"
                                 % url_file)
        cls.admin = MysqlServer.from_url_file(url_file)
        cls.database = "dataapi_" + uuid.uuid4().hex[:12]
        cls.admin.client("CREATE DATABASE %s CHARACTER SET utf8mb4" % cls.database)
        cls.addClassCleanup(cls.admin.client, "DROP DATABASE IF EXISTS %s" % cls.database, check=False)
        return cls.admin.url(cls.database)

    @staticmethod
    def decimal_field(text):
        return {"stringValue": text}

    def test_decimal_return_type_double_or_long(self):
        table = self.table("decimals", "%s, d DECIMAL(10,2), whole DECIMAL(12,0), neg DECIMAL(6,3)" % self.AUTO_ID)
        self.execute("INSERT INTO %s (d, whole, neg) VALUES (12.34, 123456789012, -1.5)" % table)
        sql = "SELECT d, whole, neg FROM %s" % table
        self.assertEqual(self.execute(sql)["records"],
                         [[{"stringValue": "12.34"}, {"stringValue": "123456789012"}, {"stringValue": "-1.500"}]])
        self.assertEqual(self.execute(sql, resultSetOptions={"decimalReturnType": "STRING"})["records"],
                         [[{"stringValue": "12.34"}, {"stringValue": "123456789012"}, {"stringValue": "-1.500"}]])
        converted = self.execute(sql, resultSetOptions={"decimalReturnType": "DOUBLE_OR_LONG"})
        self.assertEqual(converted["records"],
                         [[{"doubleValue": 12.34}, {"longValue": 123456789012}, {"doubleValue": -1.5}]])
        as_json = self.execute(sql, resultSetOptions={"decimalReturnType": "DOUBLE_OR_LONG"}, formatRecordsAs="JSON")
        self.assertEqual(json.loads(as_json["formattedRecords"]), [{"d": 12.34, "whole": 123456789012, "neg": -1.5}])

    def test_second_call_on_a_busy_transaction(self):
        busy = start_server(self, [self.db_url], ["--threads", "4"])
        target = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN}
        transaction = busy.client().begin_transaction(**target)["transactionId"]
        self.addCleanup(lambda: busy.client().rollback_transaction(transactionId=transaction, **target))
        # Two connections, both open before the slow statement starts.
        first = http.client.HTTPConnection(busy.host, busy.port, timeout=30)
        second = http.client.HTTPConnection(busy.host, busy.port, timeout=30)
        self.addCleanup(first.close)
        self.addCleanup(second.close)
        for connection in (first, second):
            connection.request("POST", "/Execute", json.dumps(dict(target, sql="SELECT 0")),
                               {"Content-Type": "application/json"})
            self.assertEqual(connection.getresponse().read() and 200, 200)
        outcome = {}

        def slow():
            try:
                first.request("POST", "/Execute", json.dumps(dict(target, sql="SELECT SLEEP(2) AS s",
                                                                  transactionId=transaction)),
                              {"Content-Type": "application/json"})
                response = first.getresponse()
                outcome["slow"] = (response.status, json.loads(response.read()))
            except Exception as error:  # reported below
                outcome["slow"] = error

        worker = threading.Thread(target=slow)
        worker.start()
        try:
            time.sleep(0.7)
            started = time.monotonic()
            second.request("POST", "/Execute", json.dumps(dict(target, sql="SELECT 1", transactionId=transaction)),
                           {"Content-Type": "application/json"})
            response = second.getresponse()
            body = json.loads(response.read())
            took = time.monotonic() - started
        finally:
            worker.join(30)
        self.assertEqual((response.status, body.get("__type")), (400, "DatabaseErrorException"), body)
        self.assertIn("still running", body.get("message", ""))
        self.assertLess(took, 1.0, "the second call waited for the first")
        self.assertEqual(outcome.get("slow"), (200, {"numberOfRecordsUpdated": 0, "records": [[{"longValue": 0}]]}))

    def test_new_connection_served_while_a_statement_runs(self):
        # Another client connecting while a long statement runs is answered at once.
        server = start_server(self, [self.db_url], ["--threads", "4"])
        target = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN}
        outcome = {}

        def slow():
            try:
                outcome["slow"] = server.post("/Execute", dict(target, sql="SELECT SLEEP(2) AS s"))[0]
            except Exception as error:  # reported below
                outcome["slow"] = error

        worker = threading.Thread(target=slow)
        worker.start()
        try:
            time.sleep(0.5)
            started = time.monotonic()
            status, _, body = server.post("/Execute", dict(target, sql="SELECT 1"))
            took = time.monotonic() - started
        finally:
            worker.join(30)
        self.assertEqual(status, 200, body)
        self.assertEqual(outcome.get("slow"), 200)
        self.assertLess(took, 1.0, "a new connection waited %.1f s for another client's statement" % took)

    def test_database_member_selects_the_database(self):
        # One event loop, so that every call here shares one connection to MariaDB.
        server = start_server(self, [self.db_url], ["--threads", "1"])
        rds = server.client()
        target = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN}
        other = "dataapi_other_" + uuid.uuid4().hex[:8]
        self.admin.client("CREATE DATABASE %s CHARACTER SET utf8mb4" % other)
        self.addCleanup(self.admin.client, "DROP DATABASE IF EXISTS %s" % other, check=False)
        self.admin.client("CREATE TABLE %s.only_here (v VARCHAR(10)); INSERT INTO %s.only_here VALUES ('there')"
                       % (other, other))
        response = rds.execute_statement(sql="SELECT v FROM only_here", database=other, **target)
        self.assertEqual(response["records"], [[{"stringValue": "there"}]])
        # Without `database`, the next call is in the URL's database again.
        self.assertEqual(rds.execute_statement(sql="SELECT DATABASE()", **target)["records"],
                         [[{"stringValue": self.database}]])
        self.assertClientError("DatabaseErrorException", rds.execute_statement, sql="SELECT v FROM only_here",
                               **target)
        # In a transaction too.
        transaction = rds.begin_transaction(database=other, **target)["transactionId"]
        inside = rds.execute_statement(sql="SELECT v FROM only_here", transactionId=transaction, **target)
        self.assertEqual(inside["records"], [[{"stringValue": "there"}]])
        rds.rollback_transaction(transactionId=transaction, **target)


class DataApiProtocolTest(unittest.TestCase):
    """The wire format where botocore will not go: raw HTTP on one SQLite database."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="strata-data-api-protocol-")
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.server = DataApiServer(["sqlite:" + os.path.join(cls.tmp, "data.db")])
        cls.addClassCleanup(cls.server.cleanup)
        cls.server.start()
        cls.addClassCleanup(cls.server.stop)

    def assertError(self, answer, status, error_type, *words):
        code, headers, body = answer
        self.assertEqual(code, status, body)
        self.assertEqual(headers.get("x-amzn-ErrorType", "").split(":")[0], error_type, dict(headers))
        self.assertIsInstance(body, dict, body)
        self.assertEqual(body.get("__type"), error_type, body)
        self.assertTrue(headers.get("x-amzn-RequestId"), dict(headers))
        for word in words:
            self.assertIn(word, body.get("message", ""))
        return body

    def test_success_over_raw_http(self):
        code, headers, body = self.server.post("/Execute", {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN,
                                                            "sql": "SELECT 'raw' AS v"})
        self.assertEqual(code, 200, body)
        self.assertEqual(headers.get("Content-Type"), "application/json")
        self.assertTrue(headers.get("x-amzn-RequestId"))
        self.assertEqual(body["records"], [[{"stringValue": "raw"}]])

    def test_missing_sql(self):
        require_boto3()
        with self.assertRaises(ParamValidationError):
            self.server.client().execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN)
        answer = self.server.post("/Execute", {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN})
        self.assertError(answer, 400, "BadRequestException", "sql")
        answer = self.server.post("/BatchExecute", {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN})
        self.assertError(answer, 400, "BadRequestException", "sql")

    def test_missing_resource_arn(self):
        require_boto3()
        with self.assertRaises(ParamValidationError):
            self.server.client().execute_statement(secretArn=SECRET_ARN, sql="SELECT 1")
        with self.assertRaises(ParamValidationError):
            self.server.client().begin_transaction(secretArn=SECRET_ARN)
        answer = self.server.post("/Execute", {"secretArn": SECRET_ARN, "sql": "SELECT 1"})
        self.assertError(answer, 400, "BadRequestException", "resourceArn")
        answer = self.server.post("/BeginTransaction", {"secretArn": SECRET_ARN})
        self.assertError(answer, 400, "BadRequestException", "resourceArn")

    def test_malformed_bodies(self):
        self.assertError(self.server.post("/Execute", "{\"resourceArn\": "), 400, "BadRequestException")
        self.assertError(self.server.post("/Execute", "not json at all"), 400, "BadRequestException")
        self.assertError(self.server.post("/Execute", "[1, 2]"), 400, "BadRequestException")
        wrong_type = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "sql": 42}
        self.assertError(self.server.post("/Execute", wrong_type), 400, "BadRequestException", "sql")
        two_members = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "sql": "SELECT :twoKinds",
                       "parameters": [{"name": "twoKinds", "value": {"longValue": 1, "stringValue": "1"}}]}
        self.assertError(self.server.post("/Execute", two_members), 400, "BadRequestException", "twoKinds")

    def test_unknown_operation(self):
        code, _, body = self.server.post("/NoSuchOperation", {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN})
        self.assertEqual(code, 404, body)

    def test_schema_member(self):
        body = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "sql": "SELECT 1", "schema": "main"}
        self.assertError(self.server.post("/Execute", body), 400, "ValidationException")

    def test_transaction_not_found_on_the_wire(self):
        body = {"resourceArn": CLUSTER_ARN, "secretArn": SECRET_ARN, "transactionId": "nope"}
        self.assertError(self.server.post("/CommitTransaction", body), 404, "TransactionNotFoundException")


class SeveralDatabasesTest(unittest.TestCase):
    ONE = "arn:aws:rds:us-east-1:123456789012:cluster:one"
    TWO = "arn:aws:rds:us-east-1:123456789012:cluster:two"

    def setUp(self):
        require_boto3()
        self.tmp = tempfile.mkdtemp(prefix="strata-data-api-several-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.server = start_server(self, ["%s=sqlite:%s" % (self.ONE, os.path.join(self.tmp, "a.db")),
                                          "%s=sqlite:%s" % (self.TWO, os.path.join(self.tmp, "b.db"))])
        self.rds = self.server.client()

    def run_sql(self, arn, sql, **options):
        return self.rds.execute_statement(resourceArn=arn, secretArn=SECRET_ARN, sql=sql, **options)

    def test_each_arn_sees_its_own_database(self):
        for arn, name in ((self.ONE, "one"), (self.TWO, "two")):
            self.run_sql(arn, "CREATE TABLE which (name TEXT)")
            self.run_sql(arn, "INSERT INTO which VALUES ('%s')" % name)
        self.assertEqual(self.run_sql(self.ONE, "SELECT name FROM which")["records"], [[{"stringValue": "one"}]])
        self.assertEqual(self.run_sql(self.TWO, "SELECT name FROM which")["records"], [[{"stringValue": "two"}]])
        # A transaction stays on its ARN's database.
        transaction = self.rds.begin_transaction(resourceArn=self.TWO, secretArn=SECRET_ARN)["transactionId"]
        self.run_sql(self.TWO, "INSERT INTO which VALUES ('two again')", transactionId=transaction)
        self.rds.commit_transaction(resourceArn=self.TWO, secretArn=SECRET_ARN, transactionId=transaction)
        self.assertEqual(self.run_sql(self.ONE, "SELECT COUNT(*) FROM which")["records"], [[{"longValue": 1}]])
        self.assertEqual(self.run_sql(self.TWO, "SELECT COUNT(*) FROM which")["records"], [[{"longValue": 2}]])
        # The files are the ones named.
        for file_name, expected in (("a.db", ["one"]), ("b.db", ["two", "two again"])):
            connection = sqlite3.connect(os.path.join(self.tmp, file_name))
            try:
                self.assertEqual([row[0] for row in connection.execute("SELECT name FROM which ORDER BY rowid")],
                                 expected)
            finally:
                connection.close()

    def test_unknown_arn(self):
        unknown = "arn:aws:rds:us-east-1:123456789012:cluster:three"
        with self.assertRaises(ClientError) as caught:
            self.run_sql(unknown, "SELECT 1")
        self.assertEqual(error_code(caught.exception), "BadRequestException")
        self.assertIn(unknown, error_message(caught.exception))
        with self.assertRaises(ClientError) as caught:
            self.rds.begin_transaction(resourceArn=unknown, secretArn=SECRET_ARN)
        self.assertEqual(error_code(caught.exception), "BadRequestException")


class StartupTest(unittest.TestCase):
    def test_no_db_is_a_usage_error(self):
        result = run_tool(["data-api", "--port", "0"])
        self.assertEqual(result.returncode, EXIT_USAGE, result.stderr)
        self.assertIn("--db", result.stderr)
        self.assertNotIn("listening", result.stderr)

    def test_bad_db_is_a_usage_error(self):
        tmp = tempfile.mkdtemp(prefix="strata-data-api-startup-")
        self.addCleanup(shutil.rmtree, tmp, True)
        for database in ("postgres://u:p@127.0.0.1/db", "blog.db", "sqlite:", "mysql://u:p@127.0.0.1:99999/db",
                         "mysql://u:p@127.0.0.1:3306"):
            with self.subTest(database=database):
                result = run_tool(["data-api", "--port", "0", "--db", database])
                self.assertEqual(result.returncode, EXIT_USAGE, result.stderr)
                self.assertNotIn("listening", result.stderr)
                self.assertIn("error", result.stderr.lower())
        twice = run_tool(["data-api", "--port", "0", "--db", "sqlite:" + os.path.join(tmp, "a.db"),
                          "--db", "sqlite:" + os.path.join(tmp, "b.db")])
        self.assertEqual(twice.returncode, EXIT_USAGE, twice.stderr)
        self.assertNotIn("listening", twice.stderr)

    def test_binds_loopback_by_default(self):
        tmp = tempfile.mkdtemp(prefix="strata-data-api-startup-")
        self.addCleanup(shutil.rmtree, tmp, True)
        server = start_server(self, ["sqlite:" + os.path.join(tmp, "data.db")])
        self.assertEqual(server.host, "127.0.0.1")
        line = LISTENING.search(server.log()).group(0)
        self.assertIn("http://127.0.0.1:%d" % server.port, line)
        self.assertIn("loopback", server.log())
        self.assertNotRegex(server.log(), r"(?i)warn")
        # Not reachable on this machine's other addresses.
        address = non_loopback_address()
        if address:
            with self.assertRaises(OSError, msg="the server answers on %s" % address):
                socket.create_connection((address, server.port), timeout=2).close()
        require_boto3()
        self.assertEqual(server.client().execute_statement(resourceArn=CLUSTER_ARN, secretArn=SECRET_ARN,
                                                           sql="SELECT 7")["records"], [[{"longValue": 7}]])


class ClientToolsTest(unittest.TestCase):
    """The clients these tests use as oracles are installed."""

    def test_boto3_and_aws_cli_present(self):
        require_boto3()
        aws_cli()


if __name__ == "__main__":
    unittest.main()
