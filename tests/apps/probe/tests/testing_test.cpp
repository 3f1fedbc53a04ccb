// strata/testing.hpp itself, on the probe app: what a function sees of a TestRequest,
// and what a test sees of each way a function can answer.
#include <gtest/gtest.h>
#include <strata/testing.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>

using strata::testing::TestApp;
using strata::testing::TestRequest;

TEST(TestingEcho, FillsPathParametersFromTheRoute) {
  TestApp app;
  auto response = app.get("/echo/a%20b/c/d");
  ASSERT_EQ(response.status(), 200) << response;
  const auto& event = response.json();
  EXPECT_STREQ(event["resource"].GetString(), "/echo/{first}/{rest+}");
  EXPECT_STREQ(event["pathParameters"]["first"].GetString(), "a b");
  EXPECT_STREQ(event["pathParameters"]["rest"].GetString(), "c/d");
  EXPECT_STREQ(event["requestContext"]["resourcePath"].GetString(), "/echo/{first}/{rest+}");
  EXPECT_EQ(response.function(), "echo");
}

TEST(TestingEcho, EncodesQueryValuesAndKeepsRepeatedNames) {
  TestApp app;
  auto response = app.send(TestRequest("GET", "/echo?x=1").with_query("q", "a b&c=d").with_query("x", "2"));
  ASSERT_EQ(response.status(), 200) << response;
  const auto& event = response.json();
  EXPECT_STREQ(event["queryStringParameters"]["q"].GetString(), "a b&c=d");
  EXPECT_STREQ(event["queryStringParameters"]["x"].GetString(), "2");
  ASSERT_EQ(event["multiValueQueryStringParameters"]["x"].Size(), 2u);
  EXPECT_STREQ(event["multiValueQueryStringParameters"]["x"][0].GetString(), "1");
}

TEST(TestingEcho, PassesHeadersAndAJsonBody) {
  TestApp app;
  auto response = app.post("/echo", R"({"a":1})", {{"X-Trace", "t-1"}});
  ASSERT_EQ(response.status(), 200) << response;
  const auto& event = response.json();
  EXPECT_STREQ(event["httpMethod"].GetString(), "POST");
  EXPECT_STREQ(event["body"].GetString(), R"({"a":1})");
  EXPECT_STREQ(event["headers"]["X-Trace"].GetString(), "t-1");
  EXPECT_STREQ(event["headers"]["Content-Type"].GetString(), "application/json");
  EXPECT_FALSE(event["isBase64Encoded"].GetBool());
}

TEST(TestingEcho, GivesTheFunctionItsConfiguredDeadline) {
  TestApp app;
  auto remaining = app.get("/echo").json()["remainingMs"].GetInt64();
  EXPECT_GT(remaining, 2000);  // probe's echo has Lambda's default 3 s
  EXPECT_LE(remaining, 3000);
}

TEST(TestingEcho, ReadsMultiValueHeaders) {
  TestApp app;
  EXPECT_EQ(app.get("/echo").header("x-echo"), "two");
}

TEST(TestingResponse, DecodesABase64Body) {
  TestApp app;
  auto response = app.get("/binary");
  ASSERT_EQ(response.status(), 200);
  EXPECT_EQ(response.body(), std::string("\x00\x01\x02\xff", 4));
  EXPECT_TRUE(response.response().is_base64_encoded);
}

TEST(TestingResponse, AnExceptionIsA500AsUnderServe) {
  TestApp app;
  auto response = app.get("/throws");
  EXPECT_EQ(response.status(), 500);
  EXPECT_STREQ(response.json()["message"].GetString(), "Internal server error");
  EXPECT_EQ(response.function(), "throws");
}

TEST(TestingResponse, JsonOfABodyThatIsNotJsonThrowsQuotingIt) {
  TestApp app;
  auto response = app.get("/big?bytes=5");
  ASSERT_EQ(response.status(), 200) << response;
  try {
    response.json();
    FAIL() << "json() accepted " << response.body();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("xxxxx"), std::string::npos) << error.what();
  }
}

TEST(TestingRouter, AnswersAnUnknownPathWith404) {
  TestApp app;
  auto response = app.get("/nowhere");
  EXPECT_EQ(response.status(), 404);
  EXPECT_TRUE(response.function().empty());
}

TEST(TestingInvoke, RefusesAFunctionThatIsNotLinkedIn) {
  TestApp app;
  EXPECT_THROW(app.invoke("no_such_function", strata::Request{}), std::invalid_argument);
}

TEST(TestingApp, EachAppHasItsOwnDatabase) {
  TestApp first;
  TestApp second;
  first.db().execute("CREATE TABLE scratch (id INTEGER)");
  EXPECT_THROW(second.db().execute("SELECT id FROM scratch"), strata::db::Error);
  EXPECT_EQ(first.name(), "probe");
}

TEST(TestingApp, MigratesFromTheAppsMigrationsFolder) {
  TestApp app;
  auto history = app.db().execute("SELECT version FROM strata_schema_history");
  ASSERT_EQ(history.records.size(), 1u);
}

TEST(TestingApp, NamesTheProjectFileThatIsMissing) {
  auto folder = std::filesystem::temp_directory_path() / "strata-testing-no-project";
  std::filesystem::create_directories(folder);
  try {
    TestApp app(folder);
    FAIL() << "a folder without strata.json was accepted";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("strata.json"), std::string::npos) << error.what();
  }
}

TEST(TestingApp, RefusesAProjectNamingAFunctionNotLinkedIn) {
  auto folder = std::filesystem::temp_directory_path() / "strata-testing-unknown-function";
  std::filesystem::create_directories(folder / "migrations");
  std::ofstream(folder / "strata.json") << R"({"name": "x", "routes": {"a": [{"method": "GET", "function": "nope"}]}})";
  try {
    TestApp app(folder);
    FAIL() << "a route to a missing function was accepted";
  } catch (const std::exception& error) {
    EXPECT_NE(std::string(error.what()).find("no function named 'nope'"), std::string::npos) << error.what();
  }
}
