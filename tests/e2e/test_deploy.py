"""End-to-end tests of deploying an app: `synth`, the `__migrate` custom resource,
`package` and `deploy`.

Test oracles: cfn-lint for what CloudFormation accepts, moto's server for the AWS CLI
calls of `deploy`, the AWS CLI itself, and a fake Lambda Runtime API
(fake_runtime_api.py) with a small HTTP server of ours as CloudFormation's
pre-signed ResponseURL. Without cfn-lint or moto the tests that need them fail
(scripts/install-deps.sh --test installs them where a Python registry is reachable).
"""

import copy
import http.server
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zipfile

from fake_runtime_api import FakeRuntimeApi
from strata_server import (BLOG_APP_DIR, DATA_API_CLUSTER_ARN, DATA_API_ENV, DATA_API_SECRET_ARN, PROBE_APP_DIR,
                           DataApiDatabase, blog_binary, probe_binary, run_cli, shared_mysql_server)

SEED_POST_TITLE = "A serverless blogpost with Aurora"  # examples/blog/migrations/v1.sql


def cfn_lint(template_path):
    """cfn-lint's findings (errors, warnings and informational) on a template file, as text."""
    command = [shutil.which("cfn-lint")] if shutil.which("cfn-lint") else [sys.executable, "-m", "cfnlint"]
    result = subprocess.run(command + ["--include-checks", "I", "--", template_path], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, timeout=300)
    return result.returncode, result.stdout


def synth(binary, app_dir, *args):
    result = run_cli(binary, ["--app", app_dir, "synth"] + list(args), timeout=60)
    if result.returncode != 0:
        raise AssertionError("synth failed (%d): %s" % (result.returncode, result.stderr))
    return result.stdout


def resources_of_type(template, type_name):
    return {name: resource for name, resource in template["Resources"].items() if resource["Type"] == type_name}


def api_methods(template):
    """{(HTTP method, path)} of the REST API's methods, the path rebuilt from the resources' parents."""
    resources = resources_of_type(template, "AWS::ApiGateway::Resource")

    def path_of(resource_id):
        if resource_id == {"Fn::GetAtt": ["Api", "RootResourceId"]}:
            return ""
        name = resource_id["Ref"]
        properties = resources[name]["Properties"]
        return path_of(properties["ParentId"]) + "/" + properties["PathPart"]

    methods = set()
    for method in resources_of_type(template, "AWS::ApiGateway::Method").values():
        properties = method["Properties"]
        methods.add((properties["HttpMethod"], path_of(properties["ResourceId"]) or "/"))
    return methods


def api_method_resources(template):
    """{(HTTP method, path): the AWS::ApiGateway::Method resource}."""
    resources = resources_of_type(template, "AWS::ApiGateway::Resource")

    def path_of(resource_id):
        if resource_id == {"Fn::GetAtt": ["Api", "RootResourceId"]}:
            return ""
        properties = resources[resource_id["Ref"]]["Properties"]
        return path_of(properties["ParentId"]) + "/" + properties["PathPart"]

    return {(m["Properties"]["HttpMethod"], path_of(m["Properties"]["ResourceId"]) or "/"): m
            for m in resources_of_type(template, "AWS::ApiGateway::Method").values()}


def protected_routes(app_dir, kind=None):
    """{(METHOD, /path)} of the routes strata.json guards with an authorizer (of `kind`, when given)."""
    with open(os.path.join(app_dir, "strata.json")) as source:
        project = json.load(source)
    return {(item["method"].upper(), "/" + path.strip("/")) for path, items in project["routes"].items() for item in items
            if "auth" in item and (kind is None or project["auth"][item["auth"]]["type"] == kind)}


def project_routes(app_dir):
    with open(os.path.join(app_dir, "strata.json")) as source:
        project = json.load(source)
    return {(item["method"].upper(), "/" + path.strip("/")) for path, items in project["routes"].items() for item in items}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SynthTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-synth-")
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def lint_clean(self, text):
        path = os.path.join(self.workdir, "template.json")
        with open(path, "w") as out:
            out.write(text)
        code, findings = cfn_lint(path)
        self.assertEqual((code, findings.strip()), (0, ""), "cfn-lint findings:\n" + findings)

    def test_blog_template(self):
        text = synth(blog_binary(), BLOG_APP_DIR)
        self.lint_clean(text)
        template = json.loads(text)
        # Every route one to one, plus one CORS OPTIONS per resource path.
        routes = project_routes(BLOG_APP_DIR)
        methods = api_methods(template)
        self.assertEqual({m for m in methods if m[0] != "OPTIONS"}, routes)
        self.assertEqual({path for method, path in methods if method == "OPTIONS"}, {path for _, path in routes})

        functions = resources_of_type(template, "AWS::Lambda::Function")
        handlers = {f["Properties"]["Handler"]: f["Properties"] for f in functions.values()}
        self.assertEqual(set(handlers), {"get_posts", "create_post", "get_post", "update_post", "delete_post",
                                         "get_comments", "create_comment", "__migrate", "__authorize"})
        # The writers' JWT authorizer: a Lambda TOKEN authorizer running __authorize with strata.json's
        # issuer and audience, its HS256 secret a NoEcho parameter that deploy fills from $BLOG_JWT_SECRET.
        authorizer = handlers.pop("__authorize")
        variables = authorizer["Environment"]["Variables"]
        self.assertEqual((variables["STRATA_AUTH_ISSUER"], variables["STRATA_AUTH_AUDIENCE"]),
                         ("https://blog.example.com", "blog"))
        self.assertEqual(variables["STRATA_AUTH_SECRET"], {"Ref": "WritersAuthSecret"})
        self.assertTrue(template["Parameters"]["WritersAuthSecret"]["NoEcho"])
        self.assertNotIn("DB_CLUSTER_ARN", variables)
        guarded = {(m["Properties"]["HttpMethod"], path)
                   for (method, path), m in api_method_resources(template).items()
                   if m["Properties"]["AuthorizationType"] == "CUSTOM"}
        self.assertEqual(guarded, protected_routes(BLOG_APP_DIR))
        for (method, path), resource in api_method_resources(template).items():
            if (method, path) in guarded:
                self.assertEqual(resource["Properties"]["AuthorizerId"], {"Ref": "WritersAuthorizer"})
        self.assertEqual(resources_of_type(template, "AWS::ApiGateway::Authorizer")["WritersAuthorizer"]["Properties"]["Type"],
                         "TOKEN")
        # API Gateway's own 401/403 carry CORS headers, as the local gateway's do.
        responses = resources_of_type(template, "AWS::ApiGateway::GatewayResponse")
        self.assertEqual({r["Properties"]["ResponseType"] for r in responses.values()}, {"DEFAULT_4XX", "DEFAULT_5XX"})
        for properties in handlers.values():
            self.assertEqual(properties["Runtime"], "provided.al2023")
            expected = {"DB_CLUSTER_ARN", "DB_SECRET_ARN", "DB_NAME"}
            if properties["Handler"] != "__migrate":
                expected.add("STRATA_CORS")  # the REST proxy adds none: the runtime does
                self.assertEqual(json.loads(properties["Environment"]["Variables"]["STRATA_CORS"]),
                                 {"origins": ["*"], "allowCredentials": False})
            self.assertEqual(set(properties["Environment"]["Variables"]), expected)
            self.assertEqual(properties["Environment"]["Variables"]["DB_NAME"], "blog")
            self.assertNotIn("VpcConfig", properties)

        cluster = template["Resources"]["DatabaseCluster"]["Properties"]
        self.assertEqual(cluster["Engine"], "aurora-mysql")
        self.assertTrue(cluster["EnableHttpEndpoint"])
        self.assertTrue(cluster["ManageMasterUserPassword"])
        self.assertIn("ServerlessV2ScalingConfiguration", cluster)
        instance = template["Resources"]["DatabaseInstance"]["Properties"]
        self.assertEqual(instance["DBInstanceClass"], "db.serverless")

        migrations = template["Resources"]["Migrations"]
        self.assertEqual(migrations["Properties"]["ServiceToken"], {"Fn::GetAtt": ["MigrateFunction", "Arn"]})
        self.assertLess(migrations["Properties"]["ServiceTimeout"], 900)
        hash_result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "migrate", "hash"])
        self.assertEqual(migrations["Properties"]["ScriptsHash"], hash_result.stdout.strip())
        self.assertEqual(set(template["Outputs"]), {"ApiUrl", "ClusterArn", "SecretArn", "DatabaseName"})

        # Each role may use the Data API on this cluster and this secret only (the authorizer's: only its logs).
        for name, role in resources_of_type(template, "AWS::IAM::Role").items():
            if name.startswith("WritersAuthorizer"):
                continue
            statements = role["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
            resources = [statement["Resource"] for statement in statements]
            self.assertIn({"Fn::GetAtt": ["DatabaseCluster", "DBClusterArn"]}, resources)
            self.assertIn({"Fn::GetAtt": ["DatabaseCluster", "MasterUserSecret.SecretArn"]}, resources)
            self.assertNotIn("*", json.dumps(resources))

    def test_nested_path_parameters(self):
        app = os.path.join(self.workdir, "nested")
        os.makedirs(os.path.join(app, "migrations"))
        with open(os.path.join(app, "migrations", "v1.sql"), "w") as script:
            script.write("CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
        project = {
            "name": "nested",
            "routes": {
                "/": [{"method": "GET", "function": "echo"}],
                "users/{userId}": [{"method": "ANY", "function": "echo"}],
                "users/{userId}/posts/{postId}/comments/{commentId}": [
                    {"method": "GET", "function": "echo"}, {"method": "DELETE", "function": "status"}],
                "files/{path+}": [{"method": "GET", "function": "echo"}],
                "my-items": [{"method": "POST", "function": "status"}],
                "my_items": [{"method": "GET", "function": "context"}],
            },
            "functions": {"context": {"memory": 512, "timeout": 20}},
            "cors": {"origins": ["https://a.example.com", "https://b.example.com"], "allowCredentials": True},
        }
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out)
        text = synth(probe_binary(), app, "--stage", "dev")
        self.lint_clean(text)
        template = json.loads(text)
        methods = api_methods(template)
        self.assertEqual({m for m in methods if m[0] != "OPTIONS"}, project_routes(app))
        # Intermediate segments get resources of their own, once.
        paths = {path for _, path in methods}
        self.assertIn("/users/{userId}/posts/{postId}/comments/{commentId}", paths)
        resources = resources_of_type(template, "AWS::ApiGateway::Resource")
        parts = sorted(r["Properties"]["PathPart"] for r in resources.values())
        self.assertEqual(parts, sorted(["users", "{userId}", "posts", "{postId}", "comments", "{commentId}",
                                        "files", "{path+}", "my-items", "my_items"]))
        # Permissions name the method and the path, parameters as wildcards.
        arns = {json.dumps(p["Properties"]["SourceArn"]) for p in resources_of_type(template, "AWS::Lambda::Permission").values()}
        self.assertTrue(any("/*/GET/users/*/posts/*/comments/*" in arn for arn in arns), arns)
        self.assertTrue(any("/*/*/users/*\"" in arn for arn in arns), arns)  # ANY
        # Function settings and the stage.
        functions = {f["Properties"]["Handler"]: f["Properties"] for f in resources_of_type(template, "AWS::Lambda::Function").values()}
        self.assertEqual((functions["context"]["MemorySize"], functions["context"]["Timeout"]), (512, 20))
        self.assertEqual(resources_of_type(template, "AWS::ApiGateway::Stage")["ApiStage"]["Properties"]["StageName"], "dev")
        # Two origins with credentials: the preflight echoes an allowed Origin.
        options = [m for m in resources_of_type(template, "AWS::ApiGateway::Method").values()
                   if m["Properties"]["HttpMethod"] == "OPTIONS"]
        template_text = json.dumps(options[0]["Properties"]["Integration"]["IntegrationResponses"])
        self.assertIn("https://a.example.com", template_text)
        self.assertIn("https://b.example.com", template_text)

    def test_http_api_template(self):
        app = os.path.join(self.workdir, "blog-http")
        shutil.copytree(BLOG_APP_DIR, app, ignore=shutil.ignore_patterns(".strata"))
        with open(os.path.join(app, "strata.json")) as source:
            project = json.load(source)
        project["api"] = {"type": "http"}
        project["cors"] = {"origins": ["https://app.example.com"], "exposeHeaders": ["Location"]}
        del project["$schema"]
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        text = synth(blog_binary(), app)
        self.lint_clean(text)
        template = json.loads(text)
        self.assertFalse(resources_of_type(template, "AWS::ApiGateway::RestApi"))
        api = resources_of_type(template, "AWS::ApiGatewayV2::Api")["HttpApi"]["Properties"]
        self.assertEqual(api["ProtocolType"], "HTTP")
        self.assertEqual(api["CorsConfiguration"]["AllowOrigins"], ["https://app.example.com"])
        self.assertEqual(api["CorsConfiguration"]["ExposeHeaders"], ["Location"])
        routes = resources_of_type(template, "AWS::ApiGatewayV2::Route")
        # Route keys one to one with strata.json.
        self.assertEqual(sorted(r["Properties"]["RouteKey"] for r in routes.values()),
                         sorted("%s %s" % route for route in project_routes(app)))
        # The native JWT authorizer exactly on the protected routes; no Lambda authorizer.
        authorizers = resources_of_type(template, "AWS::ApiGatewayV2::Authorizer")
        self.assertEqual(len(authorizers), 1)
        authorizer = list(authorizers.values())[0]["Properties"]
        self.assertEqual((authorizer["AuthorizerType"], authorizer["JwtConfiguration"]),
                         ("JWT", {"Issuer": "https://blog.example.com", "Audience": ["blog"]}))
        guarded = {tuple(r["Properties"]["RouteKey"].split(" ", 1)) for r in routes.values()
                   if r["Properties"].get("AuthorizationType") == "JWT"}
        self.assertEqual(guarded, protected_routes(app))
        handlers = {f["Properties"]["Handler"] for f in resources_of_type(template, "AWS::Lambda::Function").values()}
        self.assertNotIn("__authorize", handlers)
        for integration in resources_of_type(template, "AWS::ApiGatewayV2::Integration").values():
            self.assertEqual((integration["Properties"]["IntegrationType"], integration["Properties"]["PayloadFormatVersion"]),
                             ("AWS_PROXY", "2.0"))
        stage = resources_of_type(template, "AWS::ApiGatewayV2::Stage")["HttpApiStage"]["Properties"]
        self.assertEqual((stage["StageName"], stage["AutoDeploy"]), ("$default", True))
        self.assertEqual(template["Outputs"]["ApiUrl"]["Value"], {"Fn::GetAtt": ["HttpApi", "ApiEndpoint"]})
        self.assertEqual(synth(blog_binary(), app), text, "two synths of one project differ")

    def test_api_keys_on_a_rest_api(self):
        app = os.path.join(self.workdir, "keys")
        os.makedirs(os.path.join(app, "migrations"))
        with open(os.path.join(app, "migrations", "v1.sql"), "w") as script:
            script.write("CREATE TABLE t (id INTEGER PRIMARY KEY);\n")
        project = {"name": "keys",
                   "routes": {"open": [{"method": "GET", "function": "echo"}],
                              "partner": [{"method": "GET", "function": "echo", "auth": "partners"},
                                          {"method": "POST", "function": "status", "auth": "partners"}]},
                   "auth": {"partners": {"type": "apiKey", "keysEnv": "PARTNER_KEYS"}}}
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out)
        text = synth(probe_binary(), app)
        self.lint_clean(text)
        template = json.loads(text)
        required = {key for key, m in api_method_resources(template).items() if m["Properties"].get("ApiKeyRequired")}
        self.assertEqual(required, protected_routes(app, "apiKey"))
        self.assertEqual(len(resources_of_type(template, "AWS::ApiGateway::ApiKey")), 1)
        plan = list(resources_of_type(template, "AWS::ApiGateway::UsagePlan").values())[0]["Properties"]
        self.assertEqual(plan["ApiStages"], [{"ApiId": {"Ref": "Api"}, "Stage": {"Ref": "ApiStage"}}])
        self.assertIn("PartnersApiKeyId", template["Outputs"])

    def test_stable_ids_and_scripts_hash(self):
        app = os.path.join(self.workdir, "blog")
        shutil.copytree(BLOG_APP_DIR, app, ignore=shutil.ignore_patterns(".strata"))
        first = synth(blog_binary(), app)
        self.assertEqual(synth(blog_binary(), app), first, "two synths of one project differ")

        def scripts_hash(text):
            return json.loads(text)["Resources"]["Migrations"]["Properties"]["ScriptsHash"]

        def without_hash(text):
            template = json.loads(text)
            del template["Resources"]["Migrations"]["Properties"]["ScriptsHash"]
            return template

        v2 = os.path.join(app, "migrations", "v2.sql")
        with open(v2, "rb") as source:
            original = source.read()
        # Touched, or checked out with CRLF line endings: no change, no Update.
        os.utime(v2, (time.time() + 100, time.time() + 100))
        with open(v2, "wb") as out:
            out.write(original.replace(b"\n", b"\r\n"))
        self.assertEqual(scripts_hash(synth(blog_binary(), app)), scripts_hash(first))
        # Edited: a new hash, and nothing else changes.
        with open(v2, "wb") as out:
            out.write(original + b"\n-- an edit\n")
        edited = synth(blog_binary(), app)
        self.assertNotEqual(scripts_hash(edited), scripts_hash(first))
        self.assertEqual(without_hash(edited), without_hash(first))
        # A new script: another new hash.
        with open(os.path.join(app, "migrations", "v4.sql"), "w") as out:
            out.write("CREATE TABLE tags (name VARCHAR(40));\n")
        self.assertNotIn(scripts_hash(synth(blog_binary(), app)), (scripts_hash(first), scripts_hash(edited)))

    def test_changed_routes_get_a_new_deployment(self):
        app = os.path.join(self.workdir, "blog")
        shutil.copytree(BLOG_APP_DIR, app, ignore=shutil.ignore_patterns(".strata"))
        before = json.loads(synth(blog_binary(), app))
        with open(os.path.join(app, "strata.json")) as source:
            project = json.load(source)
        project["routes"]["posts"].append({"method": "PATCH", "function": "update_post"})
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out)
        after = json.loads(synth(blog_binary(), app))
        deployments = lambda t: set(resources_of_type(t, "AWS::ApiGateway::Deployment"))
        self.assertEqual(len(deployments(after)), 1)
        self.assertNotEqual(deployments(before), deployments(after))

    def test_synth_out_and_errors(self):
        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "synth", "--out", self.workdir])
        self.assertEqual(result.returncode, 0, result.stderr)
        with open(os.path.join(self.workdir, "blog.template.json")) as source:
            self.assertIn("AWS::RDS::DBCluster", source.read())
        app = os.path.join(self.workdir, "arm")
        shutil.copytree(BLOG_APP_DIR, app, ignore=shutil.ignore_patterns(".strata"))
        with open(os.path.join(app, "strata.json")) as source:
            project = json.load(source)
        other = "arm64" if os.uname().machine in ("x86_64", "AMD64") else "x86_64"
        project["deploy"] = {"architecture": other}
        project["database"]["maxCapacity"] = 300
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        result = run_cli(blog_binary(), ["--app", app, "synth"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("database.maxCapacity", result.stderr)
        project["database"]["maxCapacity"] = 4
        with open(os.path.join(app, "strata.json"), "w") as out:
            json.dump(project, out, indent=2)
        result = run_cli(blog_binary(), ["--app", app, "synth"])
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("deploy.architecture", result.stderr)


class ResponseUrlServer:
    """CloudFormation's side of a custom resource: records the PUTs sent to its ResponseURL."""

    def __init__(self):
        self.puts = []
        self.condition = threading.Condition()
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_PUT(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with server.condition:
                    server.puts.append((self.path, dict(self.headers), body, time.time()))
                    server.condition.notify_all()
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = "http://127.0.0.1:%d" % self.httpd.server_address[1]

    def wait_for_put(self, path, timeout=30):
        deadline = time.time() + timeout
        with self.condition:
            while True:
                for put in self.puts:
                    if put[0] == path:
                        return put
                if time.time() > deadline:
                    raise AssertionError("no PUT to %s within %ss" % (path, timeout))
                self.condition.wait(0.1)

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


STACK_ID = "arn:aws:cloudformation:us-east-1:123456789012:stack/blog-prod/6c2d0a30-0000-11ef-8000-0a1b2c3d4e5f"


class MigrationResourceTest(unittest.TestCase):
    """__migrate driven as CloudFormation drives it, through the Runtime API."""

    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-migrate-resource-")
        self.addCleanup(shutil.rmtree, self.workdir, True)
        self.responses = ResponseUrlServer()
        self.addCleanup(self.responses.stop)
        self.migrations = os.path.join(self.workdir, "migrations")
        shutil.copytree(os.path.join(BLOG_APP_DIR, "migrations"), self.migrations)
        self.db_path = os.path.join(self.workdir, "blog.db")
        self.runtimes = []

    def tearDown(self):
        for api, process, log in self.runtimes:
            api.stop()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.close()

    def start_runtime(self, env, command=None):
        api = FakeRuntimeApi().start()
        full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_LAMBDA_RUNTIME_API": api.address,
                    "_HANDLER": "__migrate", "AWS_LAMBDA_FUNCTION_NAME": "blog-prod-MigrateFunction"}
        full_env.update(env)
        log = open(os.path.join(self.workdir, "runtime-%d.log" % len(self.runtimes)), "w+")
        process = subprocess.Popen(command or [blog_binary()], env=full_env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=log)
        self.runtimes.append((api, process, log))
        return api, process

    def sqlite_env(self, db_path=None):
        return {"STRATA_DB": "sqlite:" + (db_path or self.db_path), "STRATA_MIGRATIONS": self.migrations}

    def event(self, request_type, key, physical_id=None, scripts_hash="h1"):
        event = {
            "RequestType": request_type,
            "ResponseURL": self.responses.url + "/cfn-response/" + key + "?X-Amz-Signature=abc",
            "StackId": STACK_ID,
            "RequestId": "request-" + key,
            "ResourceType": "Custom::StrataMigrations",
            "LogicalResourceId": "Migrations",
            "ResourceProperties": {"ServiceToken": "arn:aws:lambda:us-east-1:123456789012:function:migrate",
                                   "ScriptsHash": scripts_hash, "DatabaseName": "blog"},
        }
        if physical_id:
            event["PhysicalResourceId"] = physical_id
        if request_type == "Update":
            event["OldResourceProperties"] = dict(event["ResourceProperties"], ScriptsHash="h0")
        return event

    def send(self, api, request_type, key, **kwargs):
        deadline_ms = kwargs.pop("deadline_ms", None)
        request_id = api.queue_event(self.event(request_type, key, **kwargs), deadline_ms=deadline_ms)
        path, headers, body, arrived = self.responses.wait_for_put("/cfn-response/" + key + "?X-Amz-Signature=abc")
        answer = json.loads(body)
        post = api.wait_for_post(request_id)
        self.assertEqual(post.kind, "response")
        return answer, headers, arrived

    def tables(self, db_path=None):
        with sqlite3.connect(db_path or self.db_path) as connection:
            return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")}

    def test_create_update_delete(self):
        api, _ = self.start_runtime(self.sqlite_env())
        answer, headers, _ = self.send(api, "Create", "create")
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        self.assertEqual(answer["StackId"], STACK_ID)
        self.assertEqual(answer["RequestId"], "request-create")
        self.assertEqual(answer["LogicalResourceId"], "Migrations")
        self.assertEqual(answer["Data"]["Applied"], "1,2,3")
        physical_id = answer["PhysicalResourceId"]
        self.assertTrue(physical_id)
        # The pre-signed URL's signature covers no Content-Type: none is sent.
        self.assertFalse({k.lower(): v for k, v in headers.items()}.get("content-type"))
        self.assertIn("posts", self.tables())

        # Same scripts again: nothing to run, the same physical id.
        answer, _, _ = self.send(api, "Update", "update-same", physical_id=physical_id)
        self.assertEqual((answer["Status"], answer["Data"]["Applied"], answer["PhysicalResourceId"]),
                         ("SUCCESS", "", physical_id))

        # A new script: applied by the Update.
        with open(os.path.join(self.migrations, "v4.sql"), "w") as out:
            out.write("CREATE TABLE tags (name VARCHAR(40) NOT NULL);\n")
        answer, _, _ = self.send(api, "Update", "update-new", physical_id=physical_id)
        self.assertEqual((answer["Status"], answer["Data"]["Applied"]), ("SUCCESS", "4"), answer)
        self.assertIn("tags", self.tables())

        # CloudFormation rolling back to the older scripts: succeeds, runs nothing.
        os.remove(os.path.join(self.migrations, "v4.sql"))
        answer, _, _ = self.send(api, "Update", "rollback", physical_id=physical_id)
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        self.assertIn("ahead", answer["Reason"])
        self.assertIn("tags", self.tables())

        answer, _, _ = self.send(api, "Delete", "delete", physical_id=physical_id)
        self.assertEqual((answer["Status"], answer["PhysicalResourceId"]), ("SUCCESS", physical_id))
        self.assertIn("tags", self.tables())

    def test_delete_runs_no_sql(self):
        fresh = os.path.join(self.workdir, "never-opened.db")
        api, _ = self.start_runtime(self.sqlite_env(fresh))
        answer, _, _ = self.send(api, "Delete", "delete", physical_id="Migrations-strata-migrations")
        self.assertEqual(answer["Status"], "SUCCESS")
        self.assertFalse(os.path.exists(fresh), "Delete opened the database")

    def test_failing_migration(self):
        with open(os.path.join(self.migrations, "v4.sql"), "w") as out:
            out.write("CREATE TABLE ok_table (id INTEGER);\nCREATE TABLE broken (id INTEGER,;\n")
        api, _ = self.start_runtime(self.sqlite_env())
        answer, _, _ = self.send(api, "Create", "create")
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("v4.sql", answer["Reason"])
        self.assertIn("statement 2 of 2", answer["Reason"])
        self.assertIn("posts", self.tables())          # v1-v3 committed
        self.assertNotIn("ok_table", self.tables())    # v4 rolled back whole

    def test_hanging_migration_answers_before_the_deadline(self):
        sqlite3.connect(self.db_path).close()
        blocker = sqlite3.connect(self.db_path, isolation_level=None)
        self.addCleanup(blocker.close)
        blocker.execute("BEGIN EXCLUSIVE")  # the migrator waits for this lock
        api, process = self.start_runtime(self.sqlite_env())
        deadline = time.time() + 4
        answer, _, arrived = self.send(api, "Create", "create", deadline_ms=int(deadline * 1000))
        self.assertLess(arrived, deadline, "the answer came after the Lambda's deadline")
        self.assertEqual(answer["Status"], "FAILED")
        self.assertIn("did not finish", answer["Reason"])
        # The runtime exits rather than serve another event beside the stuck migration.
        self.assertIsNotNone(process.wait(timeout=10))

    def test_bad_event_is_a_function_error(self):
        api, _ = self.start_runtime(self.sqlite_env())
        request_id = api.queue_event({"hello": "world"})
        post = api.wait_for_post(request_id)
        self.assertEqual(post.kind, "error")
        self.assertIn("RequestType", post.json()["errorMessage"])

    def test_through_the_data_api(self):
        """The deployed shape: DB_CLUSTER_ARN/DB_SECRET_ARN/DB_NAME, the Data API (the local
        server, in front of MariaDB) at AWS_ENDPOINT_URL_RDS_DATA."""
        database = DataApiDatabase(shared_mysql_server().create_database())
        self.addCleanup(database.drop)
        endpoint = database.url.split("endpoint=")[1]
        env = dict(DATA_API_ENV, DB_CLUSTER_ARN=DATA_API_CLUSTER_ARN, DB_SECRET_ARN=DATA_API_SECRET_ARN,
                   DB_NAME=database.name, AWS_ENDPOINT_URL_RDS_DATA=endpoint, STRATA_MIGRATIONS=self.migrations)
        api, _ = self.start_runtime(env)
        answer, _, _ = self.send(api, "Create", "create")
        self.assertEqual((answer["Status"], answer["Data"]["Applied"]), ("SUCCESS", "1,2,3"), answer)
        self.assertEqual(database.query("SELECT title FROM posts")[0][0], SEED_POST_TITLE)
        answer, _, _ = self.send(api, "Update", "again", physical_id=answer["PhysicalResourceId"])
        self.assertEqual((answer["Status"], answer["Data"]["Applied"]), ("SUCCESS", ""))


class PackageTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-package-")
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def package(self, out):
        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "package", "--out", out], timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        return os.path.join(out, "blog.zip")

    def test_zip_runs_with_its_own_libraries(self):
        zip_path = self.package(os.path.join(self.workdir, "out"))
        with zipfile.ZipFile(zip_path) as archive:
            infos = {info.filename: info for info in archive.infolist()}
        self.assertLess(os.path.getsize(zip_path), 15 * 1024 * 1024)
        for executable in ("bootstrap", "bin/blog"):
            self.assertEqual((infos[executable].external_attr >> 16) & 0o777, 0o755, executable)
        libraries = [name for name in infos if name.startswith("lib/")]
        self.assertTrue(any(name.startswith("lib/ld-linux") for name in libraries), libraries)
        self.assertIn("lib/libc.so.6", libraries)
        self.assertTrue({"migrations/v1.sql", "migrations/v2.sql", "strata.json"} <= set(infos))

        # Unpacked as Lambda does (modes kept), into an empty directory.
        task_root = os.path.join(self.workdir, "task")
        os.makedirs(task_root)
        subprocess.run(["unzip", "-q", zip_path, "-d", task_root], check=True)
        db_path = os.path.join(self.workdir, "blog.db")
        responses = ResponseUrlServer()
        self.addCleanup(responses.stop)

        def run_bootstrap(handler, **extra):
            api = FakeRuntimeApi().start()
            # Nothing from this machine's environment but what Lambda sets (and the test database).
            env = {"AWS_LAMBDA_RUNTIME_API": api.address, "_HANDLER": handler, "LAMBDA_TASK_ROOT": task_root,
                   "AWS_LAMBDA_FUNCTION_NAME": handler, "STRATA_DB": "sqlite:" + db_path}
            env.update(extra)
            process = subprocess.Popen(["env", "-i"] + ["%s=%s" % item for item in env.items()] +
                                       [os.path.join(task_root, "bootstrap")], cwd=self.workdir,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            return api, process

        def stop(api, process):
            api.stop()
            output = process.communicate(timeout=10)[0]
            return output.decode("utf-8", "replace")

        api, process = run_bootstrap("__migrate")
        request_id = api.queue_event({"RequestType": "Create", "ResponseURL": responses.url + "/r", "StackId": STACK_ID,
                                      "RequestId": "r1", "LogicalResourceId": "Migrations",
                                      "ResourceType": "Custom::StrataMigrations", "ResourceProperties": {}})
        answer = json.loads(responses.wait_for_put("/r")[2])
        self.assertEqual(answer["Status"], "SUCCESS", answer)
        api.wait_for_post(request_id)
        # The process maps the bundled glibc, not the system's.
        with open("/proc/%d/maps" % process.pid) as maps:
            mapped = maps.read()
        self.assertIn(os.path.join(task_root, "lib", "libc.so.6"), mapped)
        stop(api, process)

        api, process = run_bootstrap("get_posts", STRATA_CORS='{"origins":["https://app.example.com"],"exposeHeaders":["Location"]}')
        request_id = api.queue_event({"resource": "/posts", "path": "/posts", "httpMethod": "GET",
                                      "headers": {"Origin": "https://app.example.com"},
                                      "multiValueHeaders": {"Origin": ["https://app.example.com"]}, "queryStringParameters": None,
                                      "multiValueQueryStringParameters": None, "pathParameters": None,
                                      "stageVariables": None, "requestContext": {}, "body": None,
                                      "isBase64Encoded": False})
        post = api.wait_for_post(request_id)
        output = stop(api, process)
        self.assertEqual(post.kind, "response", output)
        response = post.json()
        self.assertEqual(response["statusCode"], 200, response)
        self.assertEqual(json.loads(response["body"])["items"][0]["title"], SEED_POST_TITLE)
        headers = {name.lower(): value for name, value in response["headers"].items()}
        self.assertEqual(headers.get("access-control-allow-origin"), "https://app.example.com", response)
        self.assertEqual(headers.get("vary"), "Origin")
        self.assertEqual(headers.get("access-control-expose-headers"), "Location")

    def test_same_inputs_same_zip(self):
        first = self.package(os.path.join(self.workdir, "a"))
        second = self.package(os.path.join(self.workdir, "b"))
        with open(first, "rb") as a, open(second, "rb") as b:
            self.assertEqual(a.read(), b.read())


class DeployTest(unittest.TestCase):
    def setUp(self):
        self.workdir = tempfile.mkdtemp(prefix="strata-e2e-deploy-")
        self.addCleanup(shutil.rmtree, self.workdir, True)

    def test_dry_run_prints_the_commands(self):
        arguments = ["--app", BLOG_APP_DIR, "deploy", "--bucket", "my-bucket", "--stack", "blog-test",
                     "--region", "eu-west-1", "--out", self.workdir, "--dry-run"]
        # The writers' HS256 secret comes from the variable strata.json names, as locally.
        result = run_cli(blog_binary(), arguments, env={"BLOG_JWT_SECRET": ""}, timeout=120)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("$BLOG_JWT_SECRET", result.stderr)
        secret = "deploy-test-secret-0123456789abcdef"
        result = run_cli(blog_binary(), arguments, env={"BLOG_JWT_SECRET": secret}, timeout=120)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertNotIn(secret, result.stdout + result.stderr)
        self.assertIn("WritersAuthSecret=***", result.stdout)
        commands = [line[2:] for line in result.stdout.splitlines() if line.startswith("$ ")]
        self.assertEqual(len(commands), 3, result.stdout)
        self.assertTrue(commands[0].startswith("aws s3 cp " + os.path.join(self.workdir, "blog.zip") + " s3://my-bucket/blog/"))
        self.assertIn("aws cloudformation deploy --template-file " + os.path.join(self.workdir, "blog.template.json"),
                      commands[1])
        self.assertIn("--stack-name blog-test", commands[1])
        self.assertIn("CAPABILITY_IAM", commands[1])
        self.assertIn("--region eu-west-1", commands[1])
        self.assertTrue(os.path.isfile(os.path.join(self.workdir, "blog.zip")))

    def test_missing_bucket_is_a_usage_error(self):
        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "deploy"])
        self.assertEqual(result.returncode, 2)
        self.assertIn("--bucket", result.stderr)

    def test_against_moto(self):
        port = free_port()
        moto_log = open(os.path.join(self.workdir, "moto.log"), "w")
        self.addCleanup(moto_log.close)
        server = shutil.which("moto_server")
        command = [server] if server else [sys.executable, "-m", "moto.server"]
        moto = subprocess.Popen(command + ["-H", "127.0.0.1", "-p", str(port)], stdout=moto_log, stderr=moto_log)
        self.addCleanup(lambda: (moto.terminate(), moto.wait()))
        endpoint = "http://127.0.0.1:%d" % port
        env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1",
               "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
               "BLOG_JWT_SECRET": "moto-test-secret-0123456789abcdef0123"}
        deadline = time.time() + 30
        while True:
            made = subprocess.run(["aws", "--endpoint-url", endpoint, "s3", "mb", "s3://strata-deploy"],
                                  env=dict(os.environ, **env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            if made.returncode == 0:
                break
            self.assertLess(time.time(), deadline, "moto_server did not start: " + made.stdout)
            time.sleep(0.5)

        result = run_cli(blog_binary(), ["--app", BLOG_APP_DIR, "deploy", "--bucket", "strata-deploy", "--stack", "blog-moto",
                                         "--region", "us-east-1", "--endpoint-url", endpoint, "--out", self.workdir],
                         env=env, timeout=240)
        output = result.stdout + result.stderr
        import boto3
        session = boto3.session.Session(aws_access_key_id="testing", aws_secret_access_key="testing",
                                        region_name="us-east-1")
        # The zip landed under a key named after its content.
        s3 = session.client("s3", endpoint_url=endpoint)
        keys = [item["Key"] for item in s3.list_objects_v2(Bucket="strata-deploy").get("Contents", [])]
        zips = [key for key in keys if key.startswith("blog/") and key.endswith(".zip")]
        self.assertEqual(len(zips), 1, output)
        with open(os.path.join(self.workdir, "blog.zip"), "rb") as local:
            self.assertEqual(s3.get_object(Bucket="strata-deploy", Key=zips[0])["Body"].read(), local.read())
        # The stack was created from our template with the zip's location as parameters.
        cloudformation = session.client("cloudformation", endpoint_url=endpoint)
        stack = cloudformation.describe_stacks(StackName="blog-moto")["Stacks"][0]
        parameters = {p["ParameterKey"]: p["ParameterValue"] for p in stack["Parameters"]}
        self.assertEqual({k: v for k, v in parameters.items() if k != "WritersAuthSecret"},
                         {"CodeBucket": "strata-deploy", "CodeKey": zips[0]})
        # The change set `deploy` made holds every resource of our template.
        change_sets = cloudformation.list_change_sets(StackName="blog-moto")["Summaries"]
        self.assertEqual(len(change_sets), 1, change_sets)
        changes = cloudformation.describe_change_set(StackName="blog-moto", ChangeSetName=change_sets[0]["ChangeSetName"])
        with open(os.path.join(self.workdir, "blog.template.json")) as source:
            ours = json.load(source)
        self.assertEqual({change["ResourceChange"]["LogicalResourceId"] for change in changes["Changes"]},
                         set(ours["Resources"]))
        # moto cannot create every resource (it has no AWS::RDS::DBCluster): as far as it goes.
        if result.returncode != 0:
            with open(moto_log.name) as log:
                self.assertIn("No Moto CloudFormation support for AWS::RDS::DBCluster", log.read(), output)
            self.assertIn("cloudformation deploy", result.stderr)


if __name__ == "__main__":
    unittest.main()
