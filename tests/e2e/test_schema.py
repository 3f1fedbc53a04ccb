"""The JSON Schema of strata.json and the loader agree.

Every project file this repository ships, and the one `strata new` writes, passes the
schema (checked with the jsonschema package, a real validator). A set of broken files
is fed to both the schema and the loader (the blog binary's `migrate status`, which
loads strata.json first): both must refuse each one, and both must accept each of a
set of unusual but valid files.
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
    "unknown field in a route method": add_route("tags", [{"method": "GET", "function": "get_posts", "auth": "x"}]),
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

    def load_with_blog(self, document):
        """(exit code, stderr) of the blog binary loading `document` as its strata.json."""
        app_dir = tempfile.mkdtemp(dir=self.workdir.name)
        os.mkdir(os.path.join(app_dir, "migrations"))
        with open(os.path.join(app_dir, "strata.json"), "w", encoding="utf-8") as file:
            json.dump(document, file, indent=2)
        result = subprocess.run([blog_binary(), "--app", app_dir, "migrate", "status", "--db", "sqlite::memory:"],
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
