// The verified claims in REST (1.0) proxy events: written as API Gateway hands on a
// Lambda TOKEN authorizer's answer, and read back from each of API Gateway's forms.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "lambda/event_authorizer.hpp"
#include "lambda/proxy_event.hpp"

namespace strata::lambda {
namespace {

Request protected_request() {
  Request request;
  request.resource = "/posts";
  request.path = "/posts";
  request.http_method = "POST";
  request.request_context.authorizer.principal_id = "user-1";
  request.request_context.authorizer.claims = {{"sub", "user-1"}, {"exp", "1800000000"}, {"scope", "a b"}};
  request.request_context.authorizer.scopes = {"a", "b"};
  return request;
}

TEST(ProxyEventAuthorizer, IsWrittenAsARestLambdaAuthorizersContext) {
  rapidjson::Document event;
  std::string json = to_event_json(protected_request());
  event.Parse(json.c_str());
  const auto& authorizer = event["requestContext"]["authorizer"];
  ASSERT_TRUE(authorizer.IsObject()) << json;
  EXPECT_STREQ(authorizer["principalId"].GetString(), "user-1");
  EXPECT_EQ(authorizer["integrationLatency"].GetInt(), 0);
  EXPECT_STREQ(authorizer["exp"].GetString(), "1800000000");  // context values arrive as strings
  EXPECT_STREQ(authorizer["sub"].GetString(), "user-1");
}

TEST(ProxyEventAuthorizer, IsLeftOutOnAnOpenRoute) {
  Request request = protected_request();
  request.request_context.authorizer = {};
  rapidjson::Document event;
  std::string json = to_event_json(request);
  event.Parse(json.c_str());
  EXPECT_FALSE(event["requestContext"].HasMember("authorizer")) << json;
}

TEST(ProxyEventAuthorizer, RoundTripsThroughTheEvent) {
  Request read = from_event_json(to_event_json(protected_request()));
  const RequestAuthorizer& authorizer = read.request_context.authorizer;
  EXPECT_EQ(authorizer.principal_id, "user-1");
  EXPECT_EQ(authorizer.claims, protected_request().request_context.authorizer.claims);
  EXPECT_EQ(authorizer.scopes, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(read.claim("exp"), "1800000000");
}

TEST(ProxyEventAuthorizer, ReadsCognitoAndHttpApiJwtForms) {
  rapidjson::Document cognito;
  cognito.Parse(R"({"claims": {"sub": "c-1", "email": "a@b.c", "email_verified": "true"}})");
  RequestAuthorizer read = read_authorizer(cognito);
  EXPECT_EQ(read.principal_id, "c-1");
  EXPECT_EQ(read.claim("email"), "a@b.c");
  rapidjson::Document jwt;
  jwt.Parse(R"({"jwt": {"claims": {"sub": "j-1", "iat": 1700000000}, "scopes": ["posts/write"]}})");
  read = read_authorizer(jwt);
  EXPECT_EQ(read.principal_id, "j-1");
  EXPECT_EQ(read.claim("iat"), "1700000000");
  EXPECT_EQ(read.scopes, (std::vector<std::string>{"posts/write"}));
}

TEST(ProxyEventAuthorizer, HttpApiJwtFormRoundTrips) {
  RequestAuthorizer authorizer = protected_request().request_context.authorizer;
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  write_http_jwt_authorizer(writer, authorizer);
  rapidjson::Document written;
  written.Parse(buffer.GetString());
  EXPECT_STREQ(written["jwt"]["claims"]["exp"].GetString(), "1800000000") << buffer.GetString();
  EXPECT_EQ(written["jwt"]["scopes"].Size(), 2u);
  RequestAuthorizer read = read_authorizer(written);
  EXPECT_EQ(read.claims, authorizer.claims);
  EXPECT_EQ(read.scopes, authorizer.scopes);
  EXPECT_EQ(read.principal_id, "user-1");
  authorizer.scopes.clear();
  rapidjson::StringBuffer without;
  json::Writer second(without);
  write_http_jwt_authorizer(second, authorizer);
  EXPECT_NE(std::string(without.GetString()).find("\"scopes\":null"), std::string::npos) << without.GetString();
}

}  // namespace
}  // namespace strata::lambda
