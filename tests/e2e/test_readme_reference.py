"""The README's reference of strata.json fields and the JSON Schema cannot drift apart.

The reference table (the one under "### strata.json" whose header is `field | meaning | default`) must
document every leaf field of schema/strata.schema.json, and name nothing the schema lacks. Field paths
read `database.name`; the placeholder of a map key is its propertyNames title (routes.PATH,
functions.NAME) and `[]` marks an array's items.
"""

import json
import os
import re
import unittest

from strata_server import SOURCE_DIR

SCHEMA_PATH = os.path.join(SOURCE_DIR, "schema", "strata.schema.json")
README_PATH = os.path.join(SOURCE_DIR, "README.md")


def resolve(schema, node):
    while "$ref" in node:
        node = schema["$defs"][node["$ref"].split("/")[-1]]
    return node


def schema_fields(schema):
    """({every field path}, {leaf field paths})."""
    every, leaves = set(), set()

    def walk(node, path):
        node = resolve(schema, node)
        children = False
        for key, child in node.get("properties", {}).items():
            children = True
            visit(child, path + ("." if path else "") + key)
        additional = node.get("additionalProperties")
        if isinstance(additional, dict):
            children = True
            key = node.get("propertyNames", {}).get("title", "KEY")
            visit(additional, path + "." + key)
        items = node.get("items")
        if isinstance(items, dict) and resolve(schema, items).get("properties"):
            children = True
            walk(items, path + "[]")
        return children

    def visit(node, path):
        every.add(path)
        if not walk(node, path):
            leaves.add(path)

    walk(schema, "")
    return every, leaves


def readme_fields():
    with open(README_PATH, encoding="utf-8") as file:
        text = file.read()
    section = text[text.index("### strata.json"):]
    table = section[section.index("| field | meaning | default |"):]
    rows = []
    for line in table.splitlines()[2:]:
        if not line.startswith("|"):
            break
        match = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if not match:
            raise AssertionError("a reference row without a `field`: " + line)
        rows.append(match.group(1))
    return rows


class ReadmeReferenceTest(unittest.TestCase):
    def setUp(self):
        with open(SCHEMA_PATH, encoding="utf-8") as file:
            self.every, self.leaves = schema_fields(json.load(file))
        self.rows = readme_fields()

    def test_the_walk_finds_the_fields_it_should(self):
        # Guards the test itself: a walk that found nothing would pass the checks below vacuously.
        self.assertIn("routes.PATH[].function", self.leaves)
        self.assertIn("functions.NAME.timeout", self.leaves)
        self.assertIn("cors.origins", self.leaves)
        # An authorizer's fields sit beside its per-type rules (allOf): the walk must still reach them.
        self.assertIn("auth.NAME.jwksFile", self.leaves)
        self.assertIn("auth.NAME", self.every)
        self.assertIn("routes", self.every)
        self.assertNotIn("routes", self.leaves)

    def test_every_schema_field_is_documented(self):
        self.assertEqual(sorted(self.leaves - set(self.rows)), [], "schema fields missing from the README table")

    def test_every_documented_field_is_in_the_schema(self):
        self.assertEqual(sorted(set(self.rows) - self.every), [], "README rows the schema does not have")

    def test_each_field_is_documented_once(self):
        self.assertEqual(len(self.rows), len(set(self.rows)))


if __name__ == "__main__":
    unittest.main()
