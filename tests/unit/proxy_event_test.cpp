// Proxy events and responses on the wire, payload formats 1.0 and 2.0.
#include "lambda/proxy_event.hpp"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "core/cookies.hpp"
#include "gateway/http_api_request.hpp"

namespace strata {
namespace {

rapidjson::Document parsed(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.data(), json.size());
  EXPECT_FALSE(document.HasParseError()) << json;
  return document;
}

Request v2_get(std::string path) {
  Request request;
  request.payload_format = PayloadFormat::kV2;
  request.route_key = "GET " + path;
  request.resource = path;
  request.path = path;
  request.http_method = "GET";
  request.headers.add("host", "localhost");
  request.request_context.http_method = "GET";
  request.request_context.stage = "$default";
  return request;
}

TEST(ProxyEventV2, AbsentFieldsAreLeftOutAsAwsLeavesThemOut) {
  auto event = parsed(lambda::to_event_json(v2_get("/posts")));
  EXPECT_STREQ(event["version"].GetString(), "2.0");
  EXPECT_STREQ(event["rawQueryString"].GetString(), "");
  for (const char* absent : {"cookies", "queryStringParameters", "pathParameters", "body", "stageVariables",
                             "multiValueHeaders", "httpMethod"}) {
    EXPECT_FALSE(event.HasMember(absent)) << absent;
  }
  EXPECT_FALSE(event["isBase64Encoded"].GetBool());
  EXPECT_STREQ(event["requestContext"]["http"]["method"].GetString(), "GET");
  EXPECT_STREQ(event["requestContext"]["routeKey"].GetString(), "GET /posts");
}

TEST(ProxyEventV2, RepeatedQueryValuesAndCookiesAreWrittenAsHttpApisSendThem) {
  Request request = v2_get("/posts");
  request.raw_query_string = "a=1&a=2&b=x%20y";
  request.query.add("a", "1");
  request.query.add("a", "2");
  request.query.add("b", "x y");
  request.cookies.add("session", "abc");
  request.cookies.add("", "flag");
  auto event = parsed(lambda::to_event_json(request));
  EXPECT_STREQ(event["queryStringParameters"]["a"].GetString(), "1,2");
  EXPECT_STREQ(event["queryStringParameters"]["b"].GetString(), "x y");
  ASSERT_EQ(event["cookies"].Size(), 2u);
  EXPECT_STREQ(event["cookies"][0].GetString(), "session=abc");
  EXPECT_STREQ(event["cookies"][1].GetString(), "flag");
}

TEST(ProxyEventV2, ReadingAnEventGivesTheSameAccessorsAsTheGatewayBuilt) {
  Request request = v2_get("/posts/7");
  request.route_key = "GET /posts/{id}";
  request.resource = "/posts/{id}";
  request.raw_query_string = "tag=a&tag=b";
  request.query.add("tag", "a");
  request.query.add("tag", "b");
  request.path_parameters.add("id", "7");
  request.cookies.add("session", "abc");
  request.body = "aGk=";
  request.is_base64_encoded = true;
  std::string json = lambda::to_event_json(request);
  Request read = lambda::from_event_json(json);
  EXPECT_EQ(read.payload_format, PayloadFormat::kV2);
  EXPECT_EQ(read.resource, "/posts/{id}");
  EXPECT_EQ(read.route_key, "GET /posts/{id}");
  EXPECT_EQ(read.http_method, "GET");
  EXPECT_EQ(read.query.get_all("tag"), (std::vector<std::string_view>{"a", "b"}));  // from rawQueryString
  EXPECT_EQ(read.path_parameter("id"), "7");
  EXPECT_EQ(read.cookie("session"), "abc");
  EXPECT_EQ(read.decoded_body(), "hi");
  EXPECT_EQ(read.event(), json);  // the event as delivered
}

TEST(ProxyEventV1, CookieHeaderIsParsedIntoCookiesAndTheEventHasNoCookiesKey) {
  Request request;
  request.http_method = "GET";
  request.headers.add("Cookie", "a=1; b=2");
  std::string json = lambda::to_event_json(request);
  EXPECT_FALSE(parsed(json).HasMember("cookies"));
  Request read = lambda::from_event_json(json);
  EXPECT_EQ(read.payload_format, PayloadFormat::kV1);
  EXPECT_EQ(read.cookie("a"), "1");
  EXPECT_EQ(read.cookie("b"), "2");
}

TEST(ProxyResponse, CookiesAreSetCookieValuesIn1AndCookiesIn2) {
  Response response = Response::json(200, "{}");
  response.cookies = {"a=1; Path=/", "b=2, with a comma"};
  auto v1 = parsed(lambda::to_response_json(response, PayloadFormat::kV1));
  ASSERT_EQ(v1["multiValueHeaders"]["Set-Cookie"].Size(), 2u);
  EXPECT_STREQ(v1["multiValueHeaders"]["Set-Cookie"][1].GetString(), "b=2, with a comma");
  EXPECT_FALSE(v1.HasMember("cookies"));
  auto v2 = parsed(lambda::to_response_json(response, PayloadFormat::kV2));
  ASSERT_EQ(v2["cookies"].Size(), 2u);
  EXPECT_STREQ(v2["cookies"][0].GetString(), "a=1; Path=/");
  EXPECT_FALSE(v2.HasMember("multiValueHeaders"));
}

TEST(ProxyResponse, V2JoinsRepeatedHeadersButMovesSetCookieToCookies) {
  Response response;
  response.multi_value_headers.add("X-Echo", "one");
  response.multi_value_headers.add("X-Echo", "two");
  response.headers.add("Set-Cookie", "c=3");
  auto v2 = parsed(lambda::to_response_json(response, PayloadFormat::kV2));
  EXPECT_STREQ(v2["headers"]["X-Echo"].GetString(), "one,two");
  EXPECT_FALSE(v2["headers"].HasMember("Set-Cookie"));
  EXPECT_STREQ(v2["cookies"][0].GetString(), "c=3");
}

struct SimplifiedCase {
  const char* result;
  const char* body;
};

TEST(ProxyResponse, V2ReadsAResultWithoutStatusCodeAsTheSimplifiedForm) {
  // As AWS's own emulator (aws-lambda-dotnet's test tool) records HTTP APIs reading them.
  for (SimplifiedCase c : {SimplifiedCase{R"({"message": "hi"})", R"({"message": "hi"})"},
                           SimplifiedCase{R"("Hello from Lambda!")", "Hello from Lambda!"},
                           SimplifiedCase{"[1, 2]", "[1, 2]"}, SimplifiedCase{"42", "42"},
                           SimplifiedCase{"true", "true"}, SimplifiedCase{R"({"name": "x", "age":)", R"({"name": "x", "age":)"},
                           SimplifiedCase{R"("")", ""}}) {
    auto response = lambda::from_response_json(c.result, PayloadFormat::kV2);
    ASSERT_TRUE(response) << c.result;
    EXPECT_EQ(response->status_code, 200) << c.result;
    EXPECT_EQ(response->body, c.body) << c.result;
    EXPECT_EQ(response->headers.get("content-type"), "application/json") << c.result;
    EXPECT_FALSE(response->is_base64_encoded);
    // A REST API reads none of these.
    EXPECT_FALSE(lambda::from_response_json(c.result, PayloadFormat::kV1)) << c.result;
  }
}

TEST(ProxyResponse, V2ReadsTheFullFormWithCookies) {
  auto response = lambda::from_response_json(
      R"({"statusCode": 201, "headers": {"X-A": 1}, "cookies": ["a=1", "b=2"], "body": "made", "isBase64Encoded": false})",
      PayloadFormat::kV2);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status_code, 201);
  EXPECT_EQ(response->headers.get("X-A"), "1");
  EXPECT_EQ(response->cookies, (std::vector<std::string>{"a=1", "b=2"}));
  EXPECT_EQ(response->body, "made");
}

TEST(ProxyResponse, V2RefusesAFullFormItCannotRead) {
  for (const char* bad : {R"({"statusCode": 200.5, "body": "x"})", R"({"statusCode": "200"})",
                          R"({"statusCode": 200, "cookies": "a=1"})", R"({"statusCode": 200, "body": 5})",
                          R"({"statusCode": 700})"}) {
    std::string why;
    EXPECT_FALSE(lambda::from_response_json(bad, PayloadFormat::kV2, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

TEST(ProxyResponse, ProxyResultIsSentAsGiven) {
  EXPECT_EQ(lambda::to_response_json(Response::proxy_result(R"("text")"), PayloadFormat::kV2), R"("text")");
}

TEST(Cookies, CookieHeaderPiecesAreSplitAndTrimmed) {
  MultiMap cookies;
  parse_cookies(" a=1;b = 2 ;; flag; c=x=y", cookies);
  ASSERT_EQ(cookies.size(), 4u);
  EXPECT_EQ(cookies.get("a"), "1");
  EXPECT_EQ(cookies.get("b"), "2");
  EXPECT_EQ(cookies.get(""), "flag");
  EXPECT_EQ(cookies.get("c"), "x=y");
  EXPECT_EQ(cookie_text("", "flag"), "flag");
  EXPECT_EQ(cookie_text("a", "1"), "a=1");
}

TEST(Request, DecodedBodyUndoesBase64AndRefusesBadBase64) {
  Request request;
  EXPECT_EQ(request.decoded_body(), std::nullopt);
  request.body = "plain";
  EXPECT_EQ(request.decoded_body(), "plain");
  request.body = "AAEC/w==";
  request.is_base64_encoded = true;
  EXPECT_EQ(request.decoded_body(), std::string("\x00\x01\x02\xff", 4));
  request.body = "not base64!";
  EXPECT_THROW(request.decoded_body(), HttpError);
}

TEST(HttpApiRequest, OnlyTextContentTypesTravelAsText) {
  for (const char* text : {"text/plain", "text/html; charset=utf-8", "application/json", "Application/JSON ; charset=UTF-8",
                           "application/xml", "application/javascript"}) {
    EXPECT_TRUE(gateway::is_text_content_type(text)) << text;
  }
  for (const char* binary : {"", "application/octet-stream", "application/x-www-form-urlencoded", "image/png",
                             "multipart/form-data; boundary=x", "application/problem+json"}) {
    EXPECT_FALSE(gateway::is_text_content_type(binary)) << binary;
  }
}

}  // namespace
}  // namespace strata
