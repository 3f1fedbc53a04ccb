#pragma once
// JSON helpers shared by the payload 1.0 and 2.0 readers and writers.
#include <rapidjson/document.h>

#include <algorithm>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lambda/json_in_place.hpp"
#include "strata/json.hpp"
#include "strata/multi_map.hpp"
#include "strata/response.hpp"

namespace strata::lambda::proxy_json {

using rapidjson::Value;

// Parses `json` into `document`, its strings in `scratch`, which must outlive the
// document: parse_json_in_place (a response's body, escaped inside the JSON, was most of
// serve --lambda's work), else RapidJSON in place in a copy (errors, doubles), which
// copies no string and scans them sixteen bytes at a time (SSE2) in a NUL-terminated
// buffer. As with the sized parse, a NUL byte ends the text.
inline void parse_in_place(rapidjson::Document& document, std::string_view json, std::string& scratch) {
  if (parse_json_in_place(document, json, scratch)) return;
  scratch.assign(json);
  document.ParseInsitu<rapidjson::kParseIterativeFlag>(scratch.data());
}

inline void write_string(json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

inline void write_member(json::Writer& writer, const char* key, std::string_view value) {
  writer.Key(key);
  write_string(writer, value);
}

// Names in first-seen order, each with every value, grouped as `map` compares names.
inline std::vector<std::pair<std::string_view, std::vector<std::string_view>>> grouped(const MultiMap& map) {
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

// The whole string: a decoded query value may hold a NUL (?q=a%00b), which GetString() alone would cut.
inline std::string text_of(const Value& value) { return std::string(value.GetString(), value.GetStringLength()); }

inline std::string string_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsString()) return {};
  return std::string(member->value.GetString(), member->value.GetStringLength());
}

inline const Value* object_member(const Value& object, const char* key) {
  auto member = object.FindMember(key);
  return member != object.MemberEnd() && member->value.IsObject() ? &member->value : nullptr;
}

// API Gateway takes header values of any scalar JSON type and sends their text.
inline std::optional<std::string> scalar_text(const Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  if (value.IsBool()) return value.GetBool() ? "true" : "false";
  if (value.IsInt64()) return std::to_string(value.GetInt64());
  if (value.IsNumber()) return std::to_string(value.GetDouble());
  return std::nullopt;
}

// Adds a response's "headers" object to `into`; the name of the first value that is
// not a scalar (which API Gateway refuses), else nullopt.
inline std::optional<std::string> read_headers(const Value& headers, MultiMap& into) {
  for (const auto& member : headers.GetObject()) {
    auto text = scalar_text(member.value);
    if (!text) return std::string(member.name.GetString(), member.name.GetStringLength());
    into.add(std::string(member.name.GetString(), member.name.GetStringLength()), std::move(*text));
  }
  return std::nullopt;
}

// Reads a proxy response's "statusCode" (an integer from 100 to 599), "body" (a string)
// and "isBase64Encoded" (a boolean; null or absent is false) into `response`. Says what is
// wrong, or nullopt when all is well.
inline std::optional<std::string> read_status_and_body(const Value& document, Response& response) {
  auto status = document.FindMember("statusCode");
  if (status == document.MemberEnd() || !status->value.IsInt() || status->value.GetInt() < 100 ||
      status->value.GetInt() > 599) {
    return "the function's response has no integer statusCode between 100 and 599";
  }
  response.status_code = status->value.GetInt();
  auto body = document.FindMember("body");
  if (body != document.MemberEnd() && !body->value.IsNull()) {
    if (!body->value.IsString()) return "the function's response body is not a string";
    response.body.assign(body->value.GetString(), body->value.GetStringLength());
  }
  auto base64 = document.FindMember("isBase64Encoded");
  if (base64 != document.MemberEnd() && !base64->value.IsNull()) {
    if (!base64->value.IsBool()) return "isBase64Encoded is not a boolean";
    response.is_base64_encoded = base64->value.GetBool();
  }
  return std::nullopt;
}

}  // namespace strata::lambda::proxy_json
