#include "lambda/proxy_event.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <algorithm>
#include <vector>

#include "strata/json.hpp"

namespace strata::lambda {
namespace {

using rapidjson::Value;

void write_string(json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// Names in first-seen order, each with every value, grouped as `map` compares names.
std::vector<std::pair<std::string_view, std::vector<std::string_view>>> grouped(const MultiMap& map) {
  std::vector<std::pair<std::string_view, std::vector<std::string_view>>> groups;
  for (const auto& entry : map.entries()) {
    // Not a structured binding: clang before 16 cannot capture one in the lambda.
    const std::string& name = entry.first;
    const std::string& value = entry.second;
    auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return map.same_name(g.first, name); });
    if (group == groups.end()) {
      groups.push_back({name, {value}});
    } else {
      group->second.push_back(value);
    }
  }
  return groups;
}

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

void write_member(json::Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  write_string(writer, value);
}

std::string string_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsString()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

const Value* object_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  return member != object.MemberEnd() && member->value.IsObject() ? &member->value : nullptr;
}

// The whole string: a decoded query value may hold a NUL (?q=a%00b), which GetString() alone would cut.
std::string text_of(const Value& value) { return std::string(value.GetString(), value.GetStringLength()); }

// Fills `into` from a multi-value map if the event has one, else from the single-value map.
void read_map(const Value& event, const char* multi_key, const char* single_key, MultiMap& into) {
  if (const Value* multi = object_member(event, multi_key)) {
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
  writer.EndObject();
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

Request from_event_json(std::string_view json) {
  rapidjson::Document event;
  event.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (event.HasParseError()) {
    throw EventError(std::string("the event is not JSON: ") + rapidjson::GetParseError_En(event.GetParseError()) +
                     " at offset " + std::to_string(event.GetErrorOffset()));
  }
  if (!event.IsObject()) throw EventError("the event is not a JSON object");
  if (!event.HasMember("httpMethod") || !event["httpMethod"].IsString()) {
    throw EventError("the event is not an API Gateway proxy event: it has no httpMethod");
  }
  Request request;
  request.resource = string_member(event, "resource");
  request.path = string_member(event, "path");
  request.http_method = string_member(event, "httpMethod");
  read_map(event, "multiValueHeaders", "headers", request.headers);
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
    }
  }
  return request;
}

std::string to_response_json(const Response& response) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("statusCode");
  writer.Int(response.status_code);
  write_single_map(writer, "headers", response.headers, false);
  write_multi_map(writer, "multiValueHeaders", response.multi_value_headers, false);
  write_member(writer, "body", response.body);
  writer.Key("isBase64Encoded");
  writer.Bool(response.is_base64_encoded);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

// API Gateway takes header values of any scalar JSON type and sends their text.
std::optional<std::string> scalar_text(const Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsNumber()) return std::to_string(value.GetDouble());
  return std::nullopt;
}

}  // namespace

std::optional<Response> from_response_json(std::string_view json, std::string* why) {
  auto reject = [why](const std::string& reason) -> std::optional<Response> {
    if (why) *why = reason;
    return std::nullopt;
  };
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (document.HasParseError()) return reject("the function's response is not JSON");
  if (!document.IsObject()) return reject("the function's response is not a JSON object");
  auto status = document.FindMember("statusCode");
  if (status == document.MemberEnd() || !status->value.IsInt() || status->value.GetInt() < 100 ||
      status->value.GetInt() > 599) {
    return reject("the function's response has no statusCode between 100 and 599");
  }
  Response response;
  response.status_code = status->value.GetInt();
  if (const Value* headers = object_member(document, "headers")) {
    for (const auto& member : headers->GetObject()) {
      auto text = scalar_text(member.value);
      if (!text) return reject(std::string("header ") + member.name.GetString() + " is not a string");
      response.headers.add(text_of(member.name), *text);
    }
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
  auto body = document.FindMember("body");
  if (body != document.MemberEnd() && !body->value.IsNull()) {
    if (!body->value.IsString()) return reject("the function's response body is not a string");
    response.body.assign(body->value.GetString(), body->value.GetStringLength());
  }
  auto base64 = document.FindMember("isBase64Encoded");
  if (base64 != document.MemberEnd()) {
    if (!base64->value.IsBool()) return reject("isBase64Encoded is not a boolean");
    response.is_base64_encoded = base64->value.GetBool();
  }
  return response;
}

}  // namespace strata::lambda
