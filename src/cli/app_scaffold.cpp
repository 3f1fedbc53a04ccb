#include "cli/app_scaffold.hpp"

#include <algorithm>
#include <array>
#include <cctype>

#include "strata/json.hpp"

namespace strata::cli {
namespace {

// Raw strings with a delimiter: the C++ templates hold )" themselves.
// @NAME@, @DATABASE@, @SCHEMA@ and @VERSION_MAJOR_MINOR@ are filled in by scaffold_files().

constexpr std::string_view kProjectFile = R"template({
  "$schema": "@SCHEMA@",
  "name": "@NAME@",
  "routes": {
    "messages/{id}": [{"method": "GET", "function": "get_message"}]
  },
  "database": {"name": "@DATABASE@", "migrations": "migrations"},
  "cors": {"origins": ["*"]}
}
)template";

constexpr std::string_view kFunction = R"template(// GET /messages/{id}: one message, or 404.
#include <charconv>

#include <strata/strata.hpp>

namespace {

strata::Response get_message(const strata::Request& request, strata::Context& context) {
  std::string_view text = request.path_parameter("id").value_or("");
  std::int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw strata::HttpError(400, "id must be a positive integer");  // -> 400 {"message": ...}
  }
  auto result = context.db().execute("SELECT id, text FROM messages WHERE id = :id", {{"id", id}});
  if (result.records.empty()) throw strata::HttpError(404, "message " + std::to_string(id) + " not found");

  rapidjson::StringBuffer buffer;
  strata::json::Writer writer(buffer);
  strata::json::write_record_object(writer, result, 0);  // {"id": 1, "text": "..."}
  return strata::Response::json(200, buffer.GetString());
}

// strata.json's routes name functions by this name.
const strata::Register kGetMessage{"get_message", get_message};

}  // namespace
)template";

constexpr std::string_view kMigration = R"template(-- V1: the messages table and a first message. Scripts run once each, in version order:
-- add V2__what_changes.sql for the next change (or: ./build/@NAME@ migrate new "what changes").
CREATE TABLE messages (
    id INTEGER NOT NULL PRIMARY KEY,
    text VARCHAR(200) NOT NULL
);

INSERT INTO messages (id, text) VALUES (1, 'Hello from @NAME@');
)template";

constexpr std::string_view kTest = R"template(// Handler tests: the app's functions in-process, each test on a fresh in-memory
// database migrated from migrations/. No server, a few milliseconds each.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

using strata::testing::TestApp;

TEST(GetMessage, AnswersTheFirstMessage) {
  TestApp app;  // this app's strata.json, routes and migrations
  auto response = app.get("/messages/1");
  ASSERT_EQ(response.status(), 200) << response;
  EXPECT_STREQ(response.json()["text"].GetString(), "Hello from @NAME@");
}

TEST(GetMessage, AnswersAMissingMessageWith404) {
  TestApp app;
  auto response = app.get("/messages/42");
  EXPECT_EQ(response.status(), 404) << response;
  EXPECT_STREQ(response.json()["message"].GetString(), "message 42 not found");
}

TEST(GetMessage, SeesRowsTheTestWrites) {
  TestApp app;
  app.db().execute("INSERT INTO messages (id, text) VALUES (:id, :text)", {{"id", 2}, {"text", "seeded"}});
  EXPECT_STREQ(app.get("/messages/2").json()["text"].GetString(), "seeded");
}
)template";

constexpr std::string_view kCMakeLists = R"template(cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES CXX)

# The Strata SDK: installed by its .deb, or by cmake --install (then pass
# -DCMAKE_PREFIX_PATH=<prefix> when configuring).
find_package(Strata @VERSION_MAJOR_MINOR@ REQUIRED)
enable_testing()

# One executable, ./build/@NAME@, holding every function; @NAME@_tests runs the handler tests (ctest).
strata_add_app(@NAME@
  FUNCTIONS
    functions/get_message.cpp
  TESTS
    tests/get_message_test.cpp
  MIGRATIONS migrations)
)template";

constexpr std::string_view kGitignore = R"template(/build/
# The local SQLite database of `serve` and `migrate`.
/.strata/
)template";

constexpr std::string_view kReadme = R"template(# @NAME@

A Strata app: routes in `strata.json`, one C++ function per file in `functions/`,
SQL migrations in `migrations/`, handler tests in `tests/`.

```sh
cmake -S . -B build && cmake --build build   # builds ./build/@NAME@
ctest --test-dir build                       # the handler tests, in-process
./build/@NAME@ serve                         # http://127.0.0.1:3000, SQLite in .strata/
curl -s localhost:3000/messages/1
./build/@NAME@ serve --watch                 # rebuilt and swapped in on every save, the port stays up
./build/@NAME@ synth                         # the CloudFormation template (Aurora Serverless v2, Lambda, API)
./build/@NAME@ deploy --bucket MY-BUCKET     # zip, upload, deploy with the AWS CLI
./build/@NAME@ --help                        # invoke, migrate, package, serve --lambda, ...
```

To add a route: write `functions/NAME.cpp` (register it with `strata::Register`), list it under
`FUNCTIONS` in `CMakeLists.txt`, and map a path and method to it under `routes` in `strata.json`.
To change the schema: add `migrations/V2__description.sql`; `serve` applies it at start.
)template";

std::string replace_all(std::string_view text, std::string_view from, std::string_view to) {
  std::string out;
  std::size_t start = 0;
  for (std::size_t at = text.find(from); at != std::string_view::npos; at = text.find(from, start)) {
    out.append(text.substr(start, at - start)).append(to);
    start = at + from.size();
  }
  out.append(text.substr(start));
  return out;
}

bool same_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> app_name_problem(std::string_view name) {
  constexpr std::size_t kMaxLength = 40;  // leaves room in Lambda's 64-character function names
  if (name.empty()) return "an app name cannot be empty";
  if (!std::isalpha(static_cast<unsigned char>(name[0]))) return "an app name starts with a letter";
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') {
      return std::string("an app name holds only letters, digits, '_' and '-', not '") + c + "'";
    }
  }
  if (name.size() > kMaxLength) return "an app name has at most " + std::to_string(kMaxLength) + " characters";
  // Target names CMake keeps for itself, and the tool's own name.
  constexpr std::array<std::string_view, 15> kReserved = {
      "all",  "clean",   "help",    "install",        "preinstall",  "test",      "package", "package_source",
      "edit_cache", "rebuild_cache", "list_install_components", "ALL_BUILD", "ZERO_CHECK", "RUN_TESTS", "strata"};
  for (std::string_view reserved : kReserved) {
    if (same_ignoring_case(name, reserved)) {
      // Appended, not "'" + std::string(name): g++ 12 at -O3 takes that for an overlapping memcpy (-Wrestrict).
      std::string problem = "'";
      problem.append(name).append("' is reserved (");
      problem += reserved == "strata" ? "the SDK's own tool" : "a CMake target name";
      return problem + "); choose another name";
    }
  }
  return std::nullopt;
}

std::vector<ScaffoldFile> scaffold_files(const ScaffoldSettings& settings) {
  std::string database = settings.name;  // a database name takes no '-'
  std::replace(database.begin(), database.end(), '-', '_');
  std::string major_minor = settings.version.substr(0, settings.version.rfind('.'));
  auto fill = [&](std::string_view text) {
    std::string out = replace_all(text, "@NAME@", settings.name);
    out = replace_all(out, "@DATABASE@", database);
    std::string quoted_url = json::quote(settings.schema_url);  // "..." with JSON escapes
    out = replace_all(out, "@SCHEMA@", std::string_view(quoted_url).substr(1, quoted_url.size() - 2));
    return replace_all(out, "@VERSION_MAJOR_MINOR@", major_minor);
  };
  return {
      {"strata.json", fill(kProjectFile)},
      {"functions/get_message.cpp", fill(kFunction)},
      {"migrations/V1__init.sql", fill(kMigration)},
      {"tests/get_message_test.cpp", fill(kTest)},
      {"CMakeLists.txt", fill(kCMakeLists)},
      {".gitignore", fill(kGitignore)},
      {"README.md", fill(kReadme)},
  };
}

}  // namespace strata::cli
