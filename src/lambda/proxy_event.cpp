#include "lambda/proxy_event.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <vector>

#include "core/cookies.hpp"
#include "lambda/event_authorizer.hpp"
#include "lambda/proxy_event_v2.hpp"
#include "lambda/proxy_json.hpp"
#include "strata/json.hpp"

namespace strata::lambda {
namespace {

using rapidjson::Value;
using namespace proxy_json;

// The event's maps are null when empty, as AWS sends them; a response's are {}.
void write_single_map(json::Writer& writer, const char* key, const MultiMap& map, bool null_when_empty = true) {
  writer.Key(key);
  if (map.empty() && null_when_empty) return (void)writer.Null();
  writer.StartObject();
  for (const auto& [name, values] : grouped(map)) {
    write_string(writer, name);
    write_string(writer, values.back());
  }
  writer.EndObject();
}

void write_multi_map(json::Writer& writer, const char* key, const MultiMap& map, bool null_when_empty = true) {
  writer.Key(key);
  if (map.empty() && null_when_empty) return (void)writer.Null();
  writer.StartObject();
  for (const auto& [name, values] : grouped(map)) {
    write_string(writer, name);
    writer.StartArray();
    for (std::string_view value : values) write_string(writer, value);
    writer.EndArray();
  }
  writer.EndObject();
}

// Fills `into` from a multi-value map if the event has one, else from the single-value map.
// multi_key "" means the map has no multi-value form (an event member named "" is not one).
void read_map(const Value& event, const char* multi_key, const char* single_key, MultiMap& into) {
  if (const Value* multi = *multi_key ? object_member(event, multi_key) : nullptr) {
    for (const auto& member : multi->GetObject()) {
      if (!member.value.IsArray()) continue;
      for (const auto& value : member.value.GetArray()) {
        if (value.IsString()) into.add(text_of(member.name), text_of(value));
      }
    }
    return;
  }
  if (const Value* single = object_member(event, single_key)) {
    for (const auto& member : single->GetObject()) {
      if (member.value.IsString()) into.add(text_of(member.name), text_of(member.value));
    }
  }
}

}  // namespace

std::string to_event_json(const Request& request) {
  if (request.payload_format == PayloadFormat::kV2) return v2::to_event_json(request);
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  write_member(writer, "resource", request.resource);
  write_member(writer, "path", request.path);
  write_member(writer, "httpMethod", request.http_method);
  write_single_map(writer, "headers", request.headers);
  write_multi_map(writer, "multiValueHeaders", request.headers);
  write_single_map(writer, "queryStringParameters", request.query);
  write_multi_map(writer, "multiValueQueryStringParameters", request.query);
  write_single_map(writer, "pathParameters", request.path_parameters);
  write_single_map(writer, "stageVariables", request.stage_variables);

  const RequestContext& context = request.request_context;
  writer.Key("requestContext");
  writer.StartObject();
  write_member(writer, "accountId", context.account_id);
  write_member(writer, "apiId", context.api_id);
  write_member(writer, "domainName", context.domain_name);
  write_member(writer, "domainPrefix", context.domain_prefix);
  // One id serves both: a local request has no separate edge id.
  write_member(writer, "extendedRequestId", context.request_id);
  write_member(writer, "httpMethod", context.http_method);
  writer.Key("identity");
  writer.StartObject();
  for (const char* absent : {"accessKey", "accountId", "caller", "cognitoAuthenticationProvider",
                             "cognitoAuthenticationType", "cognitoIdentityId", "cognitoIdentityPoolId", "principalOrgId",
                             "user", "userArn"}) {
    writer.Key(absent);
    writer.Null();
  }
  write_member(writer, "sourceIp", context.identity.source_ip);
  write_member(writer, "userAgent", context.identity.user_agent);
  if (!context.identity.api_key.empty()) {
    write_member(writer, "apiKey", context.identity.api_key);
    write_member(writer, "apiKeyId", context.identity.api_key_id);
  }
  writer.EndObject();
  if (!context.authorizer.empty()) {
    writer.Key("authorizer");
    write_rest_authorizer(writer, context.authorizer);
  }
  write_member(writer, "path", context.path);
  write_member(writer, "protocol", context.protocol);
  write_member(writer, "requestId", context.request_id);
  write_member(writer, "requestTime", context.request_time);
  writer.Key("requestTimeEpoch");
  writer.Int64(context.request_time_epoch);
  write_member(writer, "resourceId", context.resource_id);
  write_member(writer, "resourcePath", context.resource_path);
  write_member(writer, "stage", context.stage);
  writer.EndObject();

  writer.Key("body");
  request.body ? write_string(writer, *request.body) : (void)writer.Null();
  writer.Key("isBase64Encoded");
  writer.Bool(request.is_base64_encoded);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Request from_event_json(std::string json) {
  rapidjson::Document event;
  std::string scratch;
  parse_in_place(event, json, scratch);
  if (event.HasParseError()) {
    throw EventError(std::string("the event is not JSON: ") + rapidjson::GetParseError_En(event.GetParseError()) +
                     " at offset " + std::to_string(event.GetErrorOffset()));
  }
  if (!event.IsObject()) throw EventError("the event is not a JSON object");
  if (string_member(event, "version") == "2.0") {
    Request request = v2::from_event(event);
    request.set_event(std::move(json));
    return request;
  }
  if (!event.HasMember("httpMethod") || !event["httpMethod"].IsString()) {
    throw EventError("the event is not an API Gateway proxy event: it has no httpMethod");
  }
  Request request;
  request.resource = string_member(event, "resource");
  request.path = string_member(event, "path");
  request.http_method = string_member(event, "httpMethod");
  read_map(event, "multiValueHeaders", "headers", request.headers);
  for (std::string_view value : request.headers.get_all("Cookie")) parse_cookies(value, request.cookies);
  read_map(event, "multiValueQueryStringParameters", "queryStringParameters", request.query);
  read_map(event, "", "pathParameters", request.path_parameters);
  read_map(event, "", "stageVariables", request.stage_variables);
  if (event.HasMember("body") && event["body"].IsString()) {
    request.body = std::string(event["body"].GetString(), event["body"].GetStringLength());
  }
  request.is_base64_encoded = event.HasMember("isBase64Encoded") && event["isBase64Encoded"].IsBool() &&
                              event["isBase64Encoded"].GetBool();
  if (const Value* context = object_member(event, "requestContext")) {
    RequestContext& out = request.request_context;
    out.account_id = string_member(*context, "accountId");
    out.api_id = string_member(*context, "apiId");
    out.domain_name = string_member(*context, "domainName");
    out.domain_prefix = string_member(*context, "domainPrefix");
    out.http_method = string_member(*context, "httpMethod");
    out.path = string_member(*context, "path");
    out.protocol = string_member(*context, "protocol");
    out.request_id = string_member(*context, "requestId");
    out.request_time = string_member(*context, "requestTime");
    auto epoch = context->FindMember("requestTimeEpoch");
    if (epoch != context->MemberEnd() && epoch->value.IsInt64()) out.request_time_epoch = epoch->value.GetInt64();
    out.resource_id = string_member(*context, "resourceId");
    out.resource_path = string_member(*context, "resourcePath");
    out.stage = string_member(*context, "stage");
    if (const Value* identity = object_member(*context, "identity")) {
      out.identity.source_ip = string_member(*identity, "sourceIp");
      out.identity.user_agent = string_member(*identity, "userAgent");
      out.identity.api_key = string_member(*identity, "apiKey");
      out.identity.api_key_id = string_member(*identity, "apiKeyId");
    }
    if (const Value* authorizer = object_member(*context, "authorizer")) out.authorizer = read_authorizer(*authorizer);
  }
  request.set_event(std::move(json));
  return request;
}

std::string to_response_json(const Response& response, PayloadFormat format) {
  if (response.proxy_result_json) return *response.proxy_result_json;
  if (format == PayloadFormat::kV2) return v2::to_response_json(response);
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("statusCode");
  writer.Int(response.status_code);
  write_single_map(writer, "headers", response.headers, false);
  if (response.cookies.empty()) {
    write_multi_map(writer, "multiValueHeaders", response.multi_value_headers, false);
  } else {
    // 1.0 has no "cookies": each becomes a Set-Cookie value of multiValueHeaders.
    MultiMap headers = response.multi_value_headers;
    for (const std::string& cookie : response.cookies) headers.add("Set-Cookie", cookie);
    write_multi_map(writer, "multiValueHeaders", headers, false);
  }
  write_member(writer, "body", response.body);
  writer.Key("isBase64Encoded");
  writer.Bool(response.is_base64_encoded);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Response> from_response_json(std::string_view json, PayloadFormat format, std::string* why) {
  if (format == PayloadFormat::kV2) return v2::from_response_json(json, why);
  auto reject = [why](const std::string& reason) -> std::optional<Response> {
    if (why) *why = reason;
    return std::nullopt;
  };
  rapidjson::Document document;
  std::string scratch;
  parse_in_place(document, json, scratch);
  if (document.HasParseError()) return reject("the function's response is not JSON");
  if (!document.IsObject()) return reject("the function's response is not a JSON object");
  Response response;
  if (auto wrong = read_status_and_body(document, response)) return reject(*wrong);
  if (const Value* headers = object_member(document, "headers")) {
    if (auto bad = read_headers(*headers, response.headers)) return reject("header " + *bad + " is not a string");
  }
  if (const Value* headers = object_member(document, "multiValueHeaders")) {
    for (const auto& member : headers->GetObject()) {
      if (!member.value.IsArray()) return reject(std::string("multiValueHeaders.") + member.name.GetString() + " is not a list");
      for (const auto& value : member.value.GetArray()) {
        auto text = scalar_text(value);
        if (!text) return reject(std::string("multiValueHeaders.") + member.name.GetString() + " holds a non-string");
        response.multi_value_headers.add(text_of(member.name), *text);
      }
    }
  }
  return response;
}

}  // namespace strata::lambda

namespace strata {

// Here, beside the event writers, so that the public Request needs no more of them.
const std::string& Request::event() const {
  if (!event_) event_ = lambda::to_event_json(*this);
  return *event_;
}

}  // namespace strata
