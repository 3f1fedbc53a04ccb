#include "lambda/proxy_event_v2.hpp"

#include "lambda/event_authorizer.hpp"

#include <strings.h>

#include "core/cookies.hpp"
#include "core/query_string.hpp"
#include "lambda/proxy_json.hpp"
#include "strata/json.hpp"

namespace strata::lambda::v2 {
namespace {

using namespace proxy_json;

// Each name once, its values joined by commas, as 2.0 sends headers and query
// parameters; the key is left out when the map is empty, as AWS leaves it out.
void write_joined_map(json::Writer& writer, const char* key, const MultiMap& map) {
  if (map.empty()) return;
  writer.Key(key);
  writer.StartObject();
  std::string joined;
  for (const auto& [name, values] : grouped(map)) {
    write_string(writer, name);
    joined.clear();
    for (std::string_view value : values) {
      if (!joined.empty()) joined += ',';
      joined.append(value);
    }
    write_string(writer, joined);
  }
  writer.EndObject();
}

void read_string_map(const Value& object, const char* key, MultiMap& into) {
  if (const Value* map = object_member(object, key)) {
    for (const auto& member : map->GetObject()) {
      if (member.value.IsString()) into.add(text_of(member.name), text_of(member.value));
    }
  }
}

bool is_set_cookie(std::string_view name) { return name.size() == 10 && ::strncasecmp(name.data(), "set-cookie", 10) == 0; }

}  // namespace

std::string to_event_json(const Request& request) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  write_member(writer, "version", "2.0");
  write_member(writer, "routeKey", request.route_key);
  write_member(writer, "rawPath", request.path);
  write_member(writer, "rawQueryString", request.raw_query_string);
  if (!request.cookies.empty()) {
    writer.Key("cookies");
    writer.StartArray();
    for (const auto& [name, value] : request.cookies.entries()) write_string(writer, cookie_text(name, value));
    writer.EndArray();
  }
  write_joined_map(writer, "headers", request.headers);
  write_joined_map(writer, "queryStringParameters", request.query);

  const RequestContext& context = request.request_context;
  writer.Key("requestContext");
  writer.StartObject();
  write_member(writer, "accountId", context.account_id);
  write_member(writer, "apiId", context.api_id);
  if (!context.authorizer.empty()) {
    writer.Key("authorizer");
    write_http_jwt_authorizer(writer, context.authorizer);
  }
  write_member(writer, "domainName", context.domain_name);
  write_member(writer, "domainPrefix", context.domain_prefix);
  writer.Key("http");
  writer.StartObject();
  write_member(writer, "method", context.http_method);
  write_member(writer, "path", context.path);
  write_member(writer, "protocol", context.protocol);
  write_member(writer, "sourceIp", context.identity.source_ip);
  write_member(writer, "userAgent", context.identity.user_agent);
  writer.EndObject();
  write_member(writer, "requestId", context.request_id);
  write_member(writer, "routeKey", request.route_key);
  write_member(writer, "stage", context.stage);
  write_member(writer, "time", context.request_time);
  writer.Key("timeEpoch");
  writer.Int64(context.request_time_epoch);
  writer.EndObject();

  if (request.body) write_member(writer, "body", *request.body);
  write_joined_map(writer, "pathParameters", request.path_parameters);
  writer.Key("isBase64Encoded");
  writer.Bool(request.is_base64_encoded);
  write_joined_map(writer, "stageVariables", request.stage_variables);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

Request from_event(const Value& event) {
  Request request;
  request.payload_format = PayloadFormat::kV2;
  request.route_key = string_member(event, "routeKey");
  // "GET /posts/{id}" names the route's template; "$default" none.
  if (std::size_t space = request.route_key.find(' '); space != std::string::npos) {
    request.resource = request.route_key.substr(space + 1);
  }
  request.path = string_member(event, "rawPath");
  request.raw_query_string = string_member(event, "rawQueryString");
  read_string_map(event, "headers", request.headers);
  // The raw query keeps each value apart; the joined map is the fallback.
  if (!request.raw_query_string.empty()) {
    parse_query(request.raw_query_string, request.query);
  } else {
    read_string_map(event, "queryStringParameters", request.query);
  }
  read_string_map(event, "pathParameters", request.path_parameters);
  read_string_map(event, "stageVariables", request.stage_variables);
  auto cookies = event.FindMember("cookies");
  if (cookies != event.MemberEnd() && cookies->value.IsArray()) {
    for (const auto& cookie : cookies->value.GetArray()) {
      if (cookie.IsString()) parse_cookies({cookie.GetString(), cookie.GetStringLength()}, request.cookies);
    }
  }
  auto body = event.FindMember("body");
  if (body != event.MemberEnd() && body->value.IsString()) {
    request.body = std::string(body->value.GetString(), body->value.GetStringLength());
  }
  auto base64 = event.FindMember("isBase64Encoded");
  request.is_base64_encoded = base64 != event.MemberEnd() && base64->value.IsBool() && base64->value.GetBool();

  RequestContext& out = request.request_context;
  out.resource_path = request.resource;
  if (const Value* context = object_member(event, "requestContext")) {
    out.account_id = string_member(*context, "accountId");
    out.api_id = string_member(*context, "apiId");
    out.domain_name = string_member(*context, "domainName");
    out.domain_prefix = string_member(*context, "domainPrefix");
    out.request_id = string_member(*context, "requestId");
    out.stage = string_member(*context, "stage");
    out.request_time = string_member(*context, "time");
    if (const Value* authorizer = object_member(*context, "authorizer")) out.authorizer = read_authorizer(*authorizer);
    auto epoch = context->FindMember("timeEpoch");
    if (epoch != context->MemberEnd() && epoch->value.IsInt64()) out.request_time_epoch = epoch->value.GetInt64();
    if (const Value* http = object_member(*context, "http")) {
      out.http_method = string_member(*http, "method");
      out.path = string_member(*http, "path");
      out.protocol = string_member(*http, "protocol");
      out.identity.source_ip = string_member(*http, "sourceIp");
      out.identity.user_agent = string_member(*http, "userAgent");
    }
  }
  request.http_method = out.http_method;
  return request;
}

std::string to_response_json(const Response& response) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("statusCode");
  writer.Int(response.status_code);
  // 2.0 has no multiValueHeaders: repeated values join with commas, as HTTP allows,
  // except Set-Cookie, whose values go to "cookies" (a comma may sit inside one).
  MultiMap headers(NameCase::kInsensitive);
  std::vector<std::string_view> cookies;
  for (const auto& [name, value] : response.multi_value_headers.entries()) {
    is_set_cookie(name) ? cookies.push_back(value) : headers.add(name, value);
  }
  for (const auto& [name, value] : response.headers.entries()) {
    if (response.multi_value_headers.contains(name)) continue;  // as API Gateway merges the two maps
    is_set_cookie(name) ? cookies.push_back(value) : headers.add(name, value);
  }
  for (const std::string& cookie : response.cookies) cookies.push_back(cookie);
  write_joined_map(writer, "headers", headers);
  if (!cookies.empty()) {
    writer.Key("cookies");
    writer.StartArray();
    for (std::string_view cookie : cookies) write_string(writer, cookie);
    writer.EndArray();
  }
  write_member(writer, "body", response.body);
  writer.Key("isBase64Encoded");
  writer.Bool(response.is_base64_encoded);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::optional<Response> from_response_json(std::string_view json, std::string* why) {
  auto reject = [why](const std::string& reason) -> std::optional<Response> {
    if (why) *why = reason;
    return std::nullopt;
  };
  rapidjson::Document document;
  std::string scratch;
  proxy_json::parse_in_place(document, json, scratch);
  bool full_form = !document.HasParseError() && document.IsObject() && document.HasMember("statusCode");
  if (!full_form) {
    // The simplified form. API Gateway does not check that the result is JSON at all
    // (AWS's own emulator, aws-lambda-dotnet's test tool, records the same); a JSON
    // string gives its text.
    Response response;
    response.headers.add("Content-Type", "application/json");
    if (!document.HasParseError() && document.IsString()) {
      response.body.assign(document.GetString(), document.GetStringLength());
    } else {
      response.body.assign(json);
    }
    return response;
  }
  Response response;
  if (auto wrong = read_status_and_body(document, response)) return reject(*wrong);
  auto headers = document.FindMember("headers");
  if (headers != document.MemberEnd() && !headers->value.IsNull()) {
    if (!headers->value.IsObject()) return reject("the function's response headers are not an object");
    if (auto bad = read_headers(headers->value, response.headers)) return reject("header " + *bad + " is not a string");
  }
  auto cookies = document.FindMember("cookies");
  if (cookies != document.MemberEnd() && !cookies->value.IsNull()) {
    if (!cookies->value.IsArray()) return reject("the function's response cookies are not a list");
    for (const auto& cookie : cookies->value.GetArray()) {
      if (!cookie.IsString()) return reject("the function's response cookies hold a non-string");
      response.cookies.emplace_back(cookie.GetString(), cookie.GetStringLength());
    }
  }
  return response;
}

}  // namespace strata::lambda::v2
