#pragma once
// Handler tests without a server: an app's functions run in-process, routed by its
// strata.json, against a fresh in-memory SQLite database migrated from its own
// migrations folder. A TestApp takes a few milliseconds to make; make one per test.
//
//   #include <gtest/gtest.h>
//   #include <strata/testing.hpp>
//
//   TEST(GetPost, AnswersAPostById) {
//     strata::testing::TestApp app;  // the app of STRATA_APP_DIR (set by strata_add_app's TESTS)
//     auto response = app.get("/posts/1");
//     ASSERT_EQ(response.status(), 200) << response;
//     EXPECT_STREQ(response.json()["slug"].GetString(), "serverless-aurora");
//   }
//
// Not thread-safe: one TestApp per thread.
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "strata/db/client.hpp"
#include "strata/json.hpp"
#include "strata/request.hpp"
#include "strata/response.hpp"

namespace strata::testing {

using NameValues = std::vector<std::pair<std::string, std::string>>;

// A request as a client sends it. `path` may carry a query string (/posts?limit=2);
// `query` entries are percent-encoded and appended to it:
//   app.send(TestRequest("GET", "/posts").with_query("q", "a b").with_header("Accept", "application/json"))
struct TestRequest {
  explicit TestRequest(std::string method_ = "GET", std::string path_ = "/")
      : method(std::move(method_)), path(std::move(path_)) {}

  std::string method;
  std::string path;
  NameValues query;
  NameValues headers;
  std::optional<std::string> body;

  TestRequest& with_query(std::string name, std::string value);
  TestRequest& with_header(std::string name, std::string value);
  // Sets the body and Content-Type: application/json.
  TestRequest& with_json(std::string json_body);
};

// A function's proxy response (or the router's 404/405), as Lambda would return it.
class TestResponse {
 public:
  TestResponse(Response response, std::string function);
  TestResponse(TestResponse&&) noexcept;
  TestResponse& operator=(TestResponse&&) noexcept;
  ~TestResponse();

  int status() const { return response_.status_code; }
  // The last value of a header, from `headers` or `multiValueHeaders` (names compare case-insensitively).
  std::optional<std::string_view> header(std::string_view name) const;
  // The body, base64-decoded when the function encoded it.
  const std::string& body() const { return body_; }
  // The body parsed as JSON, parsed once. Throws std::runtime_error quoting the body if it is not JSON.
  const json::Document& json() const;
  // The function that answered; empty when the router answered (no route, method not allowed).
  const std::string& function() const { return function_; }
  const Response& response() const { return response_; }

 private:
  Response response_;
  std::string function_;
  std::string body_;
  mutable std::unique_ptr<json::Document> json_;
};

// "HTTP 404 from get_post: {"message":"post not found"}": GoogleTest prints it after `<< response`.
std::ostream& operator<<(std::ostream& out, const TestResponse& response);

// Where strata_add_app's TESTS find their app: STRATA_APP_DIR, else the current folder.
inline std::filesystem::path default_app_directory() {
#ifdef STRATA_APP_DIR
  return STRATA_APP_DIR;
#else
  return std::filesystem::current_path();
#endif
}

class TestApp {
 public:
  // Loads `app_directory`/strata.json, checks that every function it names is linked
  // into this binary, and migrates a new in-memory database (private to this TestApp)
  // from the app's migrations folder. Throws what the loader and the migrator throw:
  // the message names the file, line or statement at fault.
  explicit TestApp(std::filesystem::path app_directory = default_app_directory());
  TestApp(const TestApp&) = delete;
  TestApp& operator=(const TestApp&) = delete;
  ~TestApp();

  // Routed as the local gateway routes: path parameters come from the matching route
  // of strata.json, an unknown path answers 404 and a method the route lacks 405.
  TestResponse send(const TestRequest& request);
  TestResponse get(std::string path, NameValues headers = {});
  TestResponse del(std::string path, NameValues headers = {});
  TestResponse post(std::string path, std::string json_body, NameValues headers = {});
  TestResponse put(std::string path, std::string json_body, NameValues headers = {});
  TestResponse patch(std::string path, std::string json_body, NameValues headers = {});

  // Runs `function` with `request` as given (no routing: set path_parameters yourself).
  // Throws std::invalid_argument if no function of that name is linked in.
  TestResponse invoke(std::string_view function, Request request);

  // This test's database: seed rows before a request, check what a request wrote.
  db::Client& db();
  // The app's name in strata.json.
  const std::string& name() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace strata::testing
