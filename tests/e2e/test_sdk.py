"""The SDK as a user gets it: installed into a prefix, an app made with `strata new` in a
folder outside the source tree, configured with only that prefix on CMAKE_PREFIX_PATH,
built, its own ctest run, served and asked for its route over HTTP; and the .deb.

Needs STRATA_BUILD_DIR (the build tree to install from, CTest sets it).
"""

import http.client
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import time
import unittest

from processes import alive, child_pids, environment_of, terminate, wait_until
from strata_server import SOURCE_DIR, StrataServer

BUILD_DIR = os.environ.get("STRATA_BUILD_DIR")


def project_version():
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as file:
        return re.search(r"project\(Strata VERSION (\d+\.\d+\.\d+)", file.read()).group(1)


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise AssertionError("%s exited %d\n%s\n%s" % (" ".join(command), result.returncode, result.stdout, result.stderr))
    return result


@unittest.skipUnless(BUILD_DIR, "STRATA_BUILD_DIR not set")
class InstalledSdkTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Outside the source and build trees, as a user's folders are.
        cls.workdir = tempfile.mkdtemp(prefix="strata-sdk-")
        cls.prefix = os.path.join(cls.workdir, "prefix")
        run(["cmake", "--install", BUILD_DIR, "--prefix", cls.prefix], timeout=300)
        cls.tool = os.path.join(cls.prefix, "bin", "strata")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.workdir, ignore_errors=True)

    def test_the_prefix_holds_tool_libraries_headers_package_and_schema(self):
        for relative in ("bin/strata", "include/strata/strata.hpp", "include/strata/testing.hpp",
                         "include/strata/version.hpp", "include/strata/db/client.hpp",
                         "share/strata/strata.schema.json"):
            self.assertTrue(os.path.isfile(os.path.join(self.prefix, relative)), relative)
        package = [os.path.join(root, name) for root, _, names in os.walk(self.prefix) for name in names]
        names = {os.path.basename(path) for path in package}
        for name in ("libstrata.a", "libstrata_app_main.a", "StrataConfig.cmake", "StrataConfigVersion.cmake",
                     "StrataTargets.cmake", "StrataApp.cmake"):
            self.assertIn(name, names)
        # Nothing installed points back into the source or build tree.
        for path in package:
            if path.endswith(".cmake") or path.endswith(".hpp"):
                with open(path, encoding="utf-8") as file:
                    text = file.read()
                self.assertNotIn(SOURCE_DIR, text, path)
                self.assertNotIn(os.path.realpath(BUILD_DIR), text, path)

    def test_version_is_the_projects(self):
        self.assertEqual(run([self.tool, "--version"]).stdout.strip(), "strata " + project_version())

    def test_new_refuses_an_existing_folder(self):
        existing = tempfile.mkdtemp(dir=self.workdir)
        result = subprocess.run([self.tool, "new", "todo", "--dir", existing], capture_output=True, text=True)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertIn("already exists", result.stderr)
        self.assertEqual(os.listdir(existing), [])

    def test_new_refuses_invalid_names(self):
        for name, why in (("1todo", "starts with a letter"), ("to do", "only letters, digits"),
                          ("todo.app", "only letters, digits"), ("test", "reserved"), ("strata", "reserved"),
                          ("a" * 41, "at most 40")):
            with self.subTest(name=name):
                target = os.path.join(self.workdir, "refused")
                result = subprocess.run([self.tool, "new", name, "--dir", target], capture_output=True, text=True)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn("invalid app name", result.stderr)
                self.assertIn(why, result.stderr)
                self.assertFalse(os.path.exists(target))

    def test_a_new_app_builds_tests_and_serves_against_the_prefix_alone(self):
        apps = os.path.join(self.workdir, "apps")
        os.mkdir(apps)
        created = run([self.tool, "new", "todo"], cwd=apps)
        self.assertIn("created app todo", created.stdout)
        app_dir = os.path.join(apps, "todo")
        for relative in ("strata.json", "functions/get_message.cpp", "migrations/V1__init.sql",
                         "tests/get_message_test.cpp", "CMakeLists.txt", ".gitignore", "README.md"):
            self.assertTrue(os.path.isfile(os.path.join(app_dir, relative)), relative)
        with open(os.path.join(app_dir, "strata.json"), encoding="utf-8") as file:
            schema_url = json.load(file)["$schema"]
        self.assertEqual(schema_url, "file://" + os.path.join(self.prefix, "share", "strata", "strata.schema.json"))

        build = os.path.join(app_dir, "build")
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        started = time.monotonic()
        run(["cmake", "-S", app_dir, "-B", build, *generator, "-DCMAKE_PREFIX_PATH=" + self.prefix], timeout=300)
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as file:
            cache = file.read()
        self.assertIn("Strata_DIR:PATH=" + os.path.join(self.prefix, "lib", "cmake", "Strata"), cache.replace("/lib64/", "/lib/"))
        self.assertNotIn(SOURCE_DIR, cache)
        run(["cmake", "--build", build, "-j2"], timeout=600)
        built = time.monotonic() - started
        tests = run(["ctest", "--test-dir", build, "--output-on-failure"], timeout=300)
        self.assertIn("100% tests passed", tests.stdout)
        self.assertRegex(tests.stdout, r"todo\.GetMessage\.AnswersTheFirstMessage")
        print("\nconfigure + build of the new app: %.1f s" % built)

        server = StrataServer(os.path.join(build, "todo"), app_dir=app_dir)
        server.start()
        try:
            status, _, body = server.request("GET", "/messages/1")
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body), {"id": 1, "text": "Hello from todo"})
            status, _, body = server.request("GET", "/messages/2")
            self.assertEqual(status, 404, body)
        finally:
            server.stop()

        # The app deploys like the blog: its template names its function, and its zip bundles its libraries.
        template = json.loads(run([os.path.join(build, "todo"), "--app", app_dir, "synth"]).stdout)
        handlers = {r["Properties"]["Handler"] for r in template["Resources"].values() if r["Type"] == "AWS::Lambda::Function"}
        self.assertEqual(handlers, {"get_message", "__migrate"})
        run([os.path.join(build, "todo"), "--app", app_dir, "package", "--out", os.path.join(self.workdir, "todo-zip")],
            timeout=120)
        self.assertTrue(os.path.isfile(os.path.join(self.workdir, "todo-zip", "todo.zip")))

        self.follow_the_readme_tutorial(app_dir, build)

    def follow_the_readme_tutorial(self, app_dir, build):
        """Steps 3 to 5 of the README's "Your own app", with the README's own code: a route and its
        function, a migration, a handler test; then build, test and serve again."""
        tutorial = readme_tutorial()
        function = code_block(tutorial, "cpp", "kCreateMessage")
        with open(os.path.join(app_dir, "functions", "create_message.cpp"), "w", encoding="utf-8") as file:
            file.write(function)
        test = code_block(tutorial, "cpp", "TEST(CreateMessage")
        with open(os.path.join(app_dir, "tests", "create_message_test.cpp"), "w", encoding="utf-8") as file:
            file.write(test)
        routes = json.loads("{" + code_block(tutorial, "json", '"create_message"') + "}")["routes"]
        project_path = os.path.join(app_dir, "strata.json")
        with open(project_path, encoding="utf-8") as file:
            project = json.load(file)
        project["routes"] = routes
        with open(project_path, "w", encoding="utf-8") as file:
            json.dump(project, file, indent=2)
        cmake_path = os.path.join(app_dir, "CMakeLists.txt")
        with open(cmake_path, encoding="utf-8") as file:
            cmake = file.read()
        cmake = cmake.replace("functions/get_message.cpp", "functions/get_message.cpp\n    functions/create_message.cpp")
        cmake = cmake.replace("tests/get_message_test.cpp", "tests/get_message_test.cpp\n    tests/create_message_test.cpp")
        with open(cmake_path, "w", encoding="utf-8") as file:
            file.write(cmake)
        # Step 4: the migration, written by `migrate new` and filled in with the README's statement.
        binary = os.path.join(build, "todo")
        script = run([binary, "migrate", "new", "add author"], cwd=app_dir).stdout.strip()
        self.assertEqual(os.path.basename(script), "V2__add_author.sql")
        statement = re.search(r"\(`(ALTER TABLE [^`]+)`\)", tutorial).group(1)
        with open(script, "a", encoding="utf-8") as file:
            file.write(statement + "\n")

        run(["cmake", "--build", build, "-j2"], timeout=600)
        tests = run(["ctest", "--test-dir", build, "--output-on-failure"], timeout=300)
        self.assertIn("100% tests passed", tests.stdout)
        self.assertIn("todo.CreateMessage.StoresTheText", tests.stdout)

        server = StrataServer(binary, app_dir=app_dir)
        server.start()
        try:
            status, _, body = server.request("POST", "/messages", body=b'{"text":"from the tutorial"}')
            self.assertEqual(status, 201, body)
            created = json.loads(body)["id"]
            status, _, body = server.request("GET", "/messages/%d" % created)
            self.assertEqual(json.loads(body)["text"], "from the tutorial")
            status, _, body = server.request("POST", "/messages", body=b'{}')
            self.assertEqual(status, 400, body)
            columns = [row[1] for row in server.database.query("PRAGMA table_info(messages)")]
            self.assertIn("author", columns)
        finally:
            server.stop()


    def test_the_blog_configures_against_the_prefix_as_a_users_app_does(self):
        # examples/blog/CMakeLists.txt is a user's: alone, it finds the installed SDK. (Building it
        # takes a minute more and proves nothing the new app's build does not.)
        build = os.path.join(self.workdir, "blog-build")
        run(["cmake", "-S", os.path.join(SOURCE_DIR, "examples", "blog"), "-B", build,
             "-DCMAKE_PREFIX_PATH=" + self.prefix], timeout=300)
        with open(os.path.join(build, "CMakeCache.txt"), encoding="utf-8") as file:
            self.assertIn("Strata_DIR:PATH=" + os.path.join(self.prefix, "lib", "cmake", "Strata"),
                          file.read().replace("/lib64/", "/lib/"))
        targets = run(["cmake", "--build", build, "--target", "help"]).stdout
        for target in ("blog", "blog_functions", "blog_tests"):
            self.assertRegex(targets, r"(^|\s)%s(:|\s|$)" % target)

    def test_strata_add_app_refuses_a_migrations_folder_strata_json_does_not_name(self):
        app_dir = os.path.join(self.workdir, "renamed")
        run([self.tool, "new", "renamed", "--dir", app_dir])
        os.mkdir(os.path.join(app_dir, "sql"))
        cmake_path = os.path.join(app_dir, "CMakeLists.txt")
        with open(cmake_path, encoding="utf-8") as file:
            write(cmake_path, file.read().replace("MIGRATIONS migrations", "MIGRATIONS sql"))
        result = subprocess.run(["cmake", "-S", app_dir, "-B", os.path.join(app_dir, "build"),
                                 "-DCMAKE_PREFIX_PATH=" + self.prefix], capture_output=True, text=True, timeout=300)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("database.migrations names %s" % os.path.join(app_dir, "migrations"), " ".join(result.stderr.split()))

    def test_serve_watch_swaps_rebuilds_in_without_failing_a_request(self):
        apps = os.path.join(self.workdir, "watched-apps")
        os.mkdir(apps)
        run([self.tool, "new", "watched"], cwd=apps)
        app_dir = os.path.join(apps, "watched")
        add_slow_function(app_dir)
        build = os.path.join(app_dir, "build")
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        run(["cmake", "-S", app_dir, "-B", build, *generator, "-DCMAKE_PREFIX_PATH=" + self.prefix], timeout=300)
        run(["cmake", "--build", build, "-j2"], timeout=600)
        watch = WatchedServer(os.path.join(build, "watched"), app_dir)
        try:
            loop = RequestLoop(watch.port)
            loop.start()
            function = os.path.join(app_dir, "functions", "get_message.cpp")
            with open(function, encoding="utf-8") as file:
                original = file.read()
            upper = original.replace("SELECT id, text FROM", "SELECT id, upper(text) AS text FROM")
            self.assertNotEqual(upper, original)

            # An edit: once rebuilt, the answer changes; the loop never sees a failure. A slow
            # request in flight during the swap gets its answer from the old process.
            slow = SlowRequest(watch.port, milliseconds=15000)
            slow.start()
            time.sleep(0.5)  # accepted by the old build before the edit
            write(function, upper)
            loop.wait_for_text("HELLO FROM WATCHED", timeout=180)
            watch.wait_for_log(r"swapped in the new build: build \d+\.\d s, start \d+ ms")
            slow.join(timeout=60)
            self.assertEqual(slow.result, (200, {"slept": 15000}))
            # The old process answered it after the swap (the new one logs no such request).
            log = watch.log()
            self.assertLess(log.index("swapped in the new build"), log.index("GET /slow?ms=15000 200 slow"), log)

            # A broken edit: the compiler's error is printed and the last good build keeps answering.
            write(function, upper.replace("namespace {", "namespace { this is not C++;", 1))
            watch.wait_for_log(r"the build failed after .*; the previous build keeps serving", timeout=180)
            self.assertRegex(watch.log(), r"get_message\.cpp:\d+:\d+: error:")
            self.assertEqual(loop.last_text(), "HELLO FROM WATCHED")

            # Fixed again, then a new migration: applied when its swap starts the new process.
            write(function, upper)
            watch.wait_for_log(r"swapped in the new build", count=2, timeout=180)
            write(os.path.join(app_dir, "migrations", "V2__add_author.sql"),
                  "ALTER TABLE messages ADD COLUMN author VARCHAR(50);\n")
            watch.wait_for_log(r"applied V2__add_author\.sql", timeout=180)
            watch.wait_for_log(r"swapped in the new build", count=3, timeout=60)
            loop.stop()
            self.assertEqual(loop.failures, [], "requests failed during the swaps")
            self.assertGreater(loop.count, 50)
            connection = sqlite3.connect(os.path.join(app_dir, ".strata", "watched.db"))
            columns = [row[1] for row in connection.execute("PRAGMA table_info(messages)")]
            connection.close()
            self.assertIn("author", columns)
            self.assertEqual(loop.last_text(), "HELLO FROM WATCHED")
            print("\n" + "\n".join(line for line in watch.log().splitlines() if "serve --watch:" in line))
        finally:
            watch.stop()
        self.assertEqual(watch.exit_code, 0, watch.log())


    def test_serve_watch_with_lambda_swaps_the_function_processes_too(self):
        # serve --watch --lambda: each build runs its functions as processes of its own; a swap
        # brings the new build's up and retires the old build's, never failing a request.
        apps = os.path.join(self.workdir, "lambda-watched-apps")
        os.mkdir(apps)
        run([self.tool, "new", "relay"], cwd=apps)
        app_dir = os.path.join(apps, "relay")
        build = os.path.join(app_dir, "build")
        generator = ["-G", "Ninja"] if shutil.which("ninja") else []
        run(["cmake", "-S", app_dir, "-B", build, *generator, "-DCMAKE_PREFIX_PATH=" + self.prefix], timeout=300)
        run(["cmake", "--build", build, "-j2"], timeout=600)
        watch = WatchedServer(os.path.join(build, "relay"), app_dir, extra=["--lambda"])
        functions_of = lambda build_pid: [pid for pid in child_pids(build_pid) if "_HANDLER" in environment_of(pid)]
        new_functions = []
        try:
            first_build = wait_until(watch.serving_build, timeout=10)
            self.assertIsNotNone(first_build, "no build serving under the watcher")
            loop = RequestLoop(watch.port)
            loop.start()
            loop.wait_for_text("Hello from relay", timeout=30)
            old_functions = functions_of(first_build)
            self.assertTrue(old_functions, "the first build runs no function process")

            function = os.path.join(app_dir, "functions", "get_message.cpp")
            with open(function, encoding="utf-8") as file:
                original = file.read()
            write(function, original.replace("SELECT id, text FROM", "SELECT id, upper(text) AS text FROM"))
            loop.wait_for_text("HELLO FROM RELAY", timeout=180)
            watch.wait_for_log(r"swapped in the new build")
            loop.stop()
            self.assertEqual(loop.failures, [], "requests failed during the swap")
            second_build = wait_until(lambda: watch.serving_build() not in (None, first_build), timeout=30)
            self.assertTrue(second_build, "the new build is not the one serving")
            self.assertTrue(wait_until(lambda: not any(alive(pid) for pid in old_functions), timeout=30),
                            "the old build's function processes outlived the swap")
            new_functions = functions_of(watch.serving_build())
            self.assertTrue(new_functions, "the new build runs no function process")
        finally:
            watch.stop()
        self.assertEqual(watch.exit_code, 0, watch.log())
        self.assertFalse([pid for pid in new_functions if alive(pid)], "function processes outlived serve --watch")


def add_slow_function(app_dir):
    """GET /slow?ms=N: answers after N ms, to be in flight while serve --watch swaps builds."""
    write(os.path.join(app_dir, "functions", "slow.cpp"), r'''
#include <chrono>
#include <string>
#include <thread>

#include <strata/strata.hpp>

namespace {

strata::Response slow(const strata::Request& request, strata::Context&) {
  std::string ms(request.query_parameter("ms").value_or("0"));
  std::this_thread::sleep_for(std::chrono::milliseconds(std::stoi(ms)));
  return strata::Response::json(200, "{\"slept\":" + ms + "}");
}

const strata::Register kSlow{"slow", slow};

}  // namespace
''')
    project_path = os.path.join(app_dir, "strata.json")
    with open(project_path, encoding="utf-8") as file:
        project = json.load(file)
    project["routes"]["slow"] = [{"method": "GET", "function": "slow"}]
    project["functions"] = {"slow": {"timeout": 60}}
    write(project_path, json.dumps(project, indent=2))
    cmake_path = os.path.join(app_dir, "CMakeLists.txt")
    with open(cmake_path, encoding="utf-8") as file:
        cmake = file.read()
    write(cmake_path, cmake.replace("functions/get_message.cpp", "functions/get_message.cpp\n    functions/slow.cpp"))


class SlowRequest(threading.Thread):
    def __init__(self, port, milliseconds):
        super().__init__(daemon=True)
        self.port = port
        self.milliseconds = milliseconds
        self.result = None

    def run(self):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            connection.request("GET", "/slow?ms=%d" % self.milliseconds)
            response = connection.getresponse()
            self.result = (response.status, json.loads(response.read()))
            connection.close()
        except Exception as error:
            self.result = repr(error)


def write(path, text):
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)


class WatchedServer:
    """`APP serve --watch --port 0 [EXTRA...]`, its output in a log file."""

    def __init__(self, binary, app_dir, extra=()):
        self.log_path = os.path.join(app_dir, "watch.log")
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([binary, "--app", app_dir, "serve", "--watch", "--port", "0", *extra],
                                            cwd=app_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self.exit_code = None
        match = self.wait_for_log(r"serve --watch: listening on http://127\.0\.0\.1:(\d+)", timeout=30)
        self.port = int(match.group(1))
        self.wait_for_log(r"serve: %s listening on" % os.path.basename(binary), timeout=60)

    def serving_build(self):
        """The pid of the build now serving: the watcher's child that is not a function process."""
        builds = [pid for pid in child_pids(self.process.pid) if "_HANDLER" not in environment_of(pid)]
        return builds[0] if len(builds) == 1 else None

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as file:
            return file.read()

    def wait_for_log(self, pattern, count=1, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            matches = list(re.finditer(pattern, self.log()))
            if len(matches) >= count:
                return matches[count - 1]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError("no %r (x%d) in the serve --watch output:\n%s" % (pattern, count, self.log()))

    def stop(self):
        terminate(self.process, 60)
        self.exit_code = self.process.returncode


class RequestLoop(threading.Thread):
    """GET /messages/1 in a steady loop, a new connection each time (as curl in a shell loop)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.failures = []
        self.count = 0
        self.texts = []
        self.running = True

    def run(self):
        while self.running:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", "/messages/1")
                response = connection.getresponse()
                body = response.read()
                connection.close()
                if response.status != 200:
                    self.failures.append("HTTP %d: %r" % (response.status, body))
                else:
                    self.texts.append(json.loads(body)["text"])
            except Exception as error:  # a refused or cut connection is exactly what must not happen
                self.failures.append(repr(error))
            self.count += 1
            time.sleep(0.01)

    def last_text(self):
        return self.texts[-1] if self.texts else None

    def wait_for_text(self, text, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.last_text() == text:
                return
            time.sleep(0.05)
        raise AssertionError("the answer never became %r (last: %r)" % (text, self.last_text()))

    def stop(self):
        self.running = False
        self.join(timeout=60)


def readme_tutorial():
    with open(os.path.join(SOURCE_DIR, "README.md"), encoding="utf-8") as file:
        text = file.read()
    start = text.index("## Your own app")
    return text[start:text.index("\n## ", start + 1)]


def code_block(text, language, containing):
    """The one ```language block of `text` that contains `containing`."""
    blocks = [block for block in re.findall(r"```%s\n(.*?)```" % language, text, re.S) if containing in block]
    if len(blocks) != 1:
        raise AssertionError("expected one %s block with %r in the README's tutorial, found %d" % (language, containing, len(blocks)))
    return blocks[0]


@unittest.skipUnless(BUILD_DIR and shutil.which("cpack") and shutil.which("dpkg-deb"), "needs cpack and dpkg-deb")
class DebianPackageTest(unittest.TestCase):
    def test_the_deb_holds_the_sdk_and_depends_on_what_an_app_build_needs(self):
        with tempfile.TemporaryDirectory(prefix="strata-deb-") as workdir:
            run(["cpack", "-G", "DEB", "--config", os.path.join(BUILD_DIR, "CPackConfig.cmake"), "-B", workdir],
                timeout=600)
            debs = [name for name in os.listdir(workdir) if name.endswith(".deb")]
            self.assertEqual(len(debs), 1, os.listdir(workdir))
            deb = os.path.join(workdir, debs[0])
            self.assertRegex(debs[0], r"^strata_%s_\w+\.deb$" % re.escape(project_version()))
            fields = run(["dpkg-deb", "-f", deb, "Package", "Version", "Depends"]).stdout
            self.assertIn("Package: strata", fields)
            self.assertIn("Version: " + project_version(), fields)
            depends = re.search(r"Depends: (.*)", fields).group(1)
            for package in ("g++", "cmake", "make", "pkg-config", "libssl-dev", "libsqlite3-dev", "libmariadb-dev", "libzip-dev",
                            "libboost-dev", "rapidjson-dev", "libcli11-dev", "libgtest-dev"):
                self.assertRegex(depends, r"(^|[ ,|])%s( |,|$)" % re.escape(package))
            # The package's tree works where it lands: unpacked, its tool runs and finds its schema.
            root = os.path.join(workdir, "root")
            run(["dpkg-deb", "-x", deb, root])
            for relative in ("usr/bin/strata", "usr/include/strata/testing.hpp", "usr/include/strata/version.hpp",
                             "usr/share/strata/strata.schema.json"):
                self.assertTrue(os.path.isfile(os.path.join(root, relative)), relative)
            configs = [name for folder, _, names in os.walk(os.path.join(root, "usr", "lib")) for name in names
                       if name == "StrataConfig.cmake"]
            self.assertEqual(configs, ["StrataConfig.cmake"])
            tool = os.path.join(root, "usr", "bin", "strata")
            self.assertEqual(run([tool, "--version"]).stdout.strip(), "strata " + project_version())
            app_dir = os.path.join(workdir, "packaged")
            run([tool, "new", "packaged", "--dir", app_dir])
            with open(os.path.join(app_dir, "strata.json"), encoding="utf-8") as file:
                self.assertEqual(json.load(file)["$schema"],
                                 "file://" + os.path.join(root, "usr", "share", "strata", "strata.schema.json"))
            # Its (debug-stripped) libraries link: the new app builds and passes its tests against it.
            build = os.path.join(app_dir, "build")
            generator = ["-G", "Ninja"] if shutil.which("ninja") else []
            run(["cmake", "-S", app_dir, "-B", build, *generator, "-DCMAKE_PREFIX_PATH=" + os.path.join(root, "usr")],
                timeout=300)
            run(["cmake", "--build", build, "-j2"], timeout=600)
            self.assertIn("100% tests passed", run(["ctest", "--test-dir", build], timeout=300).stdout)


if __name__ == "__main__":
    unittest.main()
