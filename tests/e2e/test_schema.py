"""The JSON Schema of strata.json and the loader agree.

Every project file this repository ships, and the one `strata new` writes, passes the
schema (checked with the jsonschema package, a real validator). A set of broken files
is fed to both the schema and the loader (the blog binary's `migrate status`, which
loads strata.json first): both must refuse each one, and both must accept each of a
set of unusual but valid files. The rules a JSON Schema cannot state (the schema's
description lists them) are fed to the loader alone, which must refuse each.
"""

import copy
import glob
import json
import os
import subprocess
import tempfile
import unittest

import jsonschema

from strata_server import SOURCE_DIR, blog_binary

SCHEMA_PATH = os.path.join(SOURCE_DIR, "schema", "strata.schema.json")
TOOL = os.environ.get("STRATA_TOOL_BIN")

# A valid project whose functions are the blog's, so that the blog binary loads it.
BASE = {
    "name": "blog",
    "routes": {
        "posts": [{"method": "GET", "function": "get_posts"}, {"method": "POST", "function": "create_post"}],
        "posts/{id}": [{"method": "GET", "function": "get_post"}],
    },
    "database": {"name": "blog", "migrations": "migrations"},
    "cors": {"origins": ["*"]},
    "functions": {"get_posts": {"timeout": 10, "memory": 256}},
}


def changed(change):
    document = copy.deepcopy(BASE)
    change(document)
    return document


def drop(key):
    return lambda document: document.pop(key)


def put(*path_and_value):
    *path, value = path_and_value

    def apply(document):
        target = document
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value

    return apply


def without(mapping, key):
    return {name: value for name, value in mapping.items() if name != key}


# Authorizers as strata.json declares them; secrets are only named.
JWT = {"type": "jwt", "issuer": "https://issuer.example", "audience": "blog", "secretEnv": "BLOG_SECRET"}
API_KEY = {"type": "apiKey", "keysEnv": "BLOG_KEYS"}


def guarded(api_type, **authorizers):
    """A change: an API of `api_type` whose POST /posts names the first authorizer, the rest declared too."""
    def apply(document):
        document["api"] = {"type": api_type}
        document["auth"] = authorizers
        document["routes"]["posts"][1]["auth"] = next(iter(authorizers))
    return apply


def add_route(path, methods=None):
    return put("routes", path, methods if methods is not None else [{"method": "GET", "function": "get_post"}])


INVALID = {
    "missing name": drop("name"),
    "missing routes": drop("routes"),
    "name starts with a digit": put("name", "1blog"),
    "empty name": put("name", ""),
    "name with a space": put("name", "my blog"),
    "unknown top-level field": put("routez", {}),
    "routes is an array": put("routes", []),
    "route is an object": add_route("tags", {"method": "GET", "function": "get_posts"}),
    "route has no methods": add_route("tags", []),
    "unknown method": add_route("tags", [{"method": "FETCH", "function": "get_posts"}]),
    "function name with a dash": add_route("tags", [{"method": "GET", "function": "get-posts"}]),
    "unknown field in a route method": add_route("tags", [{"method": "GET", "function": "get_posts", "handler": "x"}]),
    "route method without function": add_route("tags", [{"method": "GET"}]),
    "method is not a string": add_route("tags", [{"method": 1, "function": "get_posts"}]),
    "unclosed path parameter": add_route("tags/{id"),
    "greedy parameter not last": add_route("{proxy+}/more"),
    "empty path segment": add_route("posts//more"),
    "text and parameter in one segment": add_route("tags/x{id}"),
    "parameter name with a dash": add_route("tags/{tag-id}"),
    "unknown database field": put("database", "host", "localhost"),
    "database name with a dash": put("database", "name", "my-db"),
    "empty migrations folder name": put("database", "migrations", ""),
    "database is a string": put("database", "blog"),
    "no cors origin": put("cors", "origins", []),
    "cors origin is a number": put("cors", "origins", [1]),
    "negative cors maxAge": put("cors", "maxAge", -1),
    "cors allowCredentials is a string": put("cors", "allowCredentials", "yes"),
    "unknown cors method": put("cors", "methods", ["FETCH"]),
    "unknown cors field": put("cors", "origin", "*"),
    "timeout above Lambda's 900 s": put("functions", "get_posts", "timeout", 901),
    "timeout is not an integer": put("functions", "get_posts", "timeout", 1.5),
    "memory below Lambda's 128 MB": put("functions", "get_posts", "memory", 64),
    "unknown function setting": put("functions", "get_posts", "memorySize", 256),
    "function settings name is not a function name": put("functions", "get-posts", {}),
    "function settings are a number": put("functions", "get_posts", 3),
    "warm above 64": put("functions", "get_posts", "warm", 65),
    "unknown api type": put("api", "type", "graphql"),
    "api type in capitals": put("api", "type", "HTTP"),
    "unknown api field": put("api", "kind", "http"),
    "api is a string": put("api", "http"),
    "auth is a list": put("auth", [JWT]),
    "authorizer name with a dash": put("auth", "blog-writers", JWT),
    "authorizer without a type": put("auth", "writers", {"issuer": "https://issuer.example", "audience": "blog",
                                                         "secretEnv": "BLOG_SECRET"}),
    "unknown authorizer type": put("auth", "writers", dict(JWT, type="oauth")),
    "jwt without an issuer": put("auth", "writers", without(JWT, "issuer")),
    "jwt with an empty issuer": put("auth", "writers", dict(JWT, issuer="")),
    "jwt without an audience": put("auth", "writers", without(JWT, "audience")),
    "jwt with an empty audience list": put("auth", "writers", dict(JWT, audience=[])),
    "jwt audience holding a number": put("auth", "writers", dict(JWT, audience=["blog", 7])),
    "jwt without a key source": put("auth", "writers", without(JWT, "secretEnv")),
    "jwt with two key sources": put("auth", "writers", dict(JWT, publicKeyFile="keys/public.pem")),
    "jwt with all three key sources": put("auth", "writers", dict(JWT, publicKeyFile="public.pem", jwksFile="jwks.json")),
    "jwt secretEnv that is no variable name": put("auth", "writers", dict(JWT, secretEnv="BLOG-SECRET")),
    "jwt with an empty jwksFile": put("auth", "writers", dict(without(JWT, "secretEnv"), jwksFile="")),
    "jwt leeway above 300": put("auth", "writers", dict(JWT, leeway=301)),
    "negative jwt leeway": put("auth", "writers", dict(JWT, leeway=-1)),
    "jwt with an apiKey field": put("auth", "writers", dict(JWT, keysEnv="BLOG_KEYS")),
    "apiKey without a key source": put("auth", "partners", {"type": "apiKey"}),
    "apiKey with both key sources": put("auth", "partners", dict(API_KEY, keysFile="keys.txt")),
    "apiKey with a jwt field": put("auth", "partners", dict(API_KEY, issuer="https://issuer.example")),
    "apiKey keysEnv that is no variable name": put("auth", "partners", dict(API_KEY, keysEnv="1KEYS")),
    "route auth is empty": add_route("tags", [{"method": "GET", "function": "get_posts", "auth": ""}]),
    "route auth is a list": add_route("tags", [{"method": "GET", "function": "get_posts", "auth": ["writers"]}]),
    "minCapacity between steps of 0.5": put("database", "minCapacity", 0.25),
    "negative minCapacity": put("database", "minCapacity", -0.5),
    "maxCapacity above 256": put("database", "maxCapacity", 256.5),
    "maxCapacity below 1": put("database", "maxCapacity", 0.5),
    "capacity as a string": put("database", "maxCapacity", "4"),
    "minCapacity above the default maxCapacity of 2": put("database", "minCapacity", 2.5),
    "autoPauseSeconds below 300": put("database", "autoPauseSeconds", 299),
    "autoPauseSeconds above a day": put("database", "autoPauseSeconds", 86401),
    "autoPauseSeconds not an integer": put("database", "autoPauseSeconds", 300.5),
    "engineVersion of Aurora MySQL 2": put("database", "engineVersion", "5.7.mysql_aurora.2.11.2"),
    "engineVersion without its prefix": put("database", "engineVersion", "3.08.2"),
    "empty engineVersion": put("database", "engineVersion", ""),
    "cors exposeHeaders is a number": put("cors", "exposeHeaders", 5),
    "cors exposeHeaders holding a number": put("cors", "exposeHeaders", ["X-Total", 5]),
    "unknown architecture": put("deploy", "architecture", "i386"),
    "architecture in capitals": put("deploy", "architecture", "ARM64"),
    "stage with a slash": put("deploy", "stage", "v1/beta"),
    "empty stage": put("deploy", "stage", ""),
    "stage of 129 characters": put("deploy", "stage", "s" * 129),
    "unknown deploy field": put("deploy", "region", "eu-west-1"),
    "deploy is a string": put("deploy", "prod"),
}

# What a JSON Schema cannot say (the schema's description lists these): the loader alone refuses them,
# each with its own message.
LOADER_ONLY = {
    "a route path declared twice": (
        lambda document: document["routes"].update({"/posts/": document["routes"]["posts"]}), "is declared twice"),
    "one parameter twice in a path": (add_route("tags/{id}/x/{id}"), "appears twice"),
    "two parameter names at one position": (add_route("posts/{post_id}/comments"), "one parameter name per position"),
    "a method declared twice": (add_route("tags", [{"method": "GET", "function": "get_posts"},
                                                   {"method": "get", "function": "get_post"}]),
                                "method GET is declared twice"),
    "a function not built into the app": (add_route("tags", [{"method": "GET", "function": "get_tags"}]),
                                          "no function named 'get_tags'"),
    "a route naming no authorizer": (add_route("tags", [{"method": "GET", "function": "get_posts", "auth": "writers"}]),
                                     "no authorizer named 'writers'"),
    "an apiKey authorizer on a route of an HTTP API": (guarded("http", partners=API_KEY), "HTTP APIs have no API keys"),
    "minCapacity above the given maxCapacity": (put("database", {"minCapacity": 4, "maxCapacity": 3}),
                                                "is above database.maxCapacity"),
}

VALID = {
    "the base document": lambda document: None,
    "lower-case methods": add_route("tags", [{"method": "get", "function": "get_posts"}, {"method": "Post", "function": "create_post"}]),
    "a greedy parameter": add_route("files/{path+}"),
    "leading and trailing slashes": add_route("/tags/"),
    "the root path": add_route("/"),
    "ANY method": add_route("any", [{"method": "ANY", "function": "get_posts"}]),
    "origins as one string": put("cors", "origins", "*"),
    "cors methods as a star": put("cors", "methods", "*"),
    "every cors field": put("cors", {"origins": ["https://a.example"], "headers": ["X-A"], "methods": ["get", "POST"],
                                     "allowCredentials": True, "maxAge": 0}),
    "no optional section": lambda document: [document.pop(key) for key in ("database", "cors", "functions")],
    "a $schema reference": put("$schema", "file:///usr/share/strata/strata.schema.json"),
    "name with a dash": put("name", "my-blog"),
    "every function setting at its limits": put("functions", "get_post", {"timeout": 900, "memory": 10240, "warm": 0,
                                                                          "maxConcurrency": 256}),
    "an api with no type": put("api", {}),
    "a REST API with every kind of authorizer": guarded(
        "rest", writers=JWT, readers=dict(without(JWT, "secretEnv"), audience=["blog", "admin"], publicKeyFile="public.pem",
                                          leeway=0),
        cognito=dict(without(JWT, "secretEnv"), jwksFile="keys/jwks.json", leeway=300),
        partners=API_KEY, vendors={"type": "apiKey", "keysFile": "keys.txt"}),
    "an HTTP API with a jwt authorizer": guarded("http", writers=JWT),
    "an HTTP API declaring an apiKey authorizer no route names": guarded("http", writers=JWT, partners=API_KEY),
    "an empty auth": put("auth", {}),
    "an empty audience string": put("auth", "writers", dict(JWT, audience="")),
    "the smallest capacities": put("database", {"name": "blog", "minCapacity": 0, "maxCapacity": 1}),
    "the largest capacities in halves": put("database", {"minCapacity": 255.5, "maxCapacity": 256}),
    "minCapacity at the default maxCapacity": put("database", "minCapacity", 2),
    "autoPauseSeconds at its limits": put("database", "autoPauseSeconds", 86400),
    "autoPauseSeconds at its floor": put("database", "autoPauseSeconds", 300),
    "an Aurora MySQL 3 engineVersion": put("database", "engineVersion", "8.0.mysql_aurora.3.07.1"),
    "cors exposeHeaders as a list": put("cors", "exposeHeaders", ["X-Total-Count", "ETag"]),
    "cors exposeHeaders as one string": put("cors", "exposeHeaders", "X-Total-Count"),
    "every deploy setting": put("deploy", {"stage": "S" * 127 + "_", "architecture": "arm64"}),
    "x86_64 and a stage with a dash": put("deploy", {"stage": "pre-prod", "architecture": "x86_64"}),
    "an empty deploy": put("deploy", {}),
}


def load_schema():
    with open(SCHEMA_PATH, encoding="utf-8") as file:
        schema = json.load(file)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


class SchemaTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.validator = load_schema()
        cls.workdir = tempfile.TemporaryDirectory(prefix="strata-schema-")

    @classmethod
    def tearDownClass(cls):
        cls.workdir.cleanup()

    def schema_errors(self, document):
        return [error.message for error in self.validator.iter_errors(document)]

    def load_with_blog(self, document, command=("migrate", "status", "--db", "sqlite::memory:")):
        """(exit code, stderr) of the blog binary loading `document` as its strata.json.

        `migrate` loads the file alone; `synth` also checks that each function is built into the app."""
        app_dir = tempfile.mkdtemp(dir=self.workdir.name)
        os.mkdir(os.path.join(app_dir, "migrations"))
        with open(os.path.join(app_dir, "strata.json"), "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
        result = subprocess.run([blog_binary(), "--app", app_dir, *command],
                                capture_output=True, text=True, timeout=30)
        return result.returncode, result.stderr

    def test_every_shipped_project_file_passes_the_schema(self):
        files = glob.glob(os.path.join(SOURCE_DIR, "examples", "*", "strata.json"))
        files += glob.glob(os.path.join(SOURCE_DIR, "tests", "apps", "*", "strata.json"))
        self.assertGreaterEqual(len(files), 2)
        for path in files:
            with self.subTest(path=os.path.relpath(path, SOURCE_DIR)):
                with open(path, encoding="utf-8") as file:
                    self.assertEqual(self.schema_errors(json.load(file)), [])

    def test_the_blog_refers_to_the_schema_in_the_source_tree(self):
        with open(os.path.join(SOURCE_DIR, "examples", "blog", "strata.json"), encoding="utf-8") as file:
            reference = json.load(file)["$schema"]
        self.assertTrue(os.path.samefile(os.path.join(SOURCE_DIR, "examples", "blog", reference), SCHEMA_PATH))

    @unittest.skipUnless(TOOL, "STRATA_TOOL_BIN not set")
    def test_a_scaffolded_project_file_passes_and_points_at_the_schema(self):
        app_dir = os.path.join(self.workdir.name, "scaffolded")
        subprocess.run([TOOL, "new", "todo-app", "--dir", app_dir], check=True, capture_output=True, timeout=30)
        with open(os.path.join(app_dir, "strata.json"), encoding="utf-8") as file:
            document = json.load(file)
        self.assertEqual(self.schema_errors(document), [])
        schema_url = document["$schema"]
        self.assertTrue(schema_url.startswith("file:///"), schema_url)
        with open(schema_url[len("file://"):], encoding="utf-8") as installed, \
                open(SCHEMA_PATH, encoding="utf-8") as source:
            self.assertEqual(installed.read(), source.read())

    def test_schema_and_loader_both_refuse_each_broken_file(self):
        for name, change in INVALID.items():
            with self.subTest(name):
                document = changed(change)
                self.assertNotEqual(self.schema_errors(document), [], "the schema accepts it")
                code, stderr = self.load_with_blog(document)
                self.assertEqual(code, 2, "the loader accepts it: " + stderr)
                self.assertIn("strata.json", stderr)

    def test_the_loader_refuses_what_the_schema_cannot_express(self):
        for name, (change, message) in LOADER_ONLY.items():
            with self.subTest(name):
                document = changed(change)
                self.assertEqual(self.schema_errors(document), [],
                                 "the schema refuses it now: move it to INVALID and off the schema description's list")
                code, stderr = self.load_with_blog(document, ("synth",))
                self.assertEqual(code, 2, "the loader accepts it: " + stderr)
                self.assertIn("strata.json", stderr)
                self.assertIn(message, stderr)

    def test_schema_and_loader_both_refuse_a_document_that_is_not_an_object(self):
        self.assertNotEqual(self.schema_errors([BASE]), [])
        code, stderr = self.load_with_blog([BASE])
        self.assertEqual(code, 2, stderr)

    def test_schema_and_loader_both_accept_each_valid_file(self):
        for name, change in VALID.items():
            with self.subTest(name):
                document = changed(change)
                self.assertEqual(self.schema_errors(document), [])
                code, stderr = self.load_with_blog(document)
                self.assertEqual(code, 0, stderr)


if __name__ == "__main__":
    unittest.main()
