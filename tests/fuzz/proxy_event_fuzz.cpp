// Fuzz target: the API Gateway REST (1.0) proxy event reader, which turns the event a
// function receives into a Request (src/lambda/proxy_event, used by the Lambda runtime).
// Invariants, beyond not crashing:
//   - anything but an event is an EventError, nothing else;
//   - event → Request → event → Request → event is a fixed point after the first step
//     (what the gateway writes, the runtime reads back unchanged);
//   - strings arrive whole, embedded NULs included: httpMethod, path, body, and each
//     header, query and path parameter of the single-value maps.
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "lambda/proxy_event.hpp"

namespace {

using rapidjson::Value;
using strata::fuzz::check;

std::string_view text_of(const Value& value) { return {value.GetString(), value.GetStringLength()}; }

bool has_entry(const strata::MultiMap& map, std::string_view name, std::string_view value) {
  for (const auto& [entry_name, entry_value] : map.entries()) {
    if (entry_name == name && entry_value == value) return true;
  }
  return false;
}

// Every string member of event[single] is an entry of `map`, unless event[multi] (which wins) is an object.
void check_single_map(const Value& event, const char* multi, const char* single, const strata::MultiMap& map) {
  if (*multi && event.HasMember(multi) && event[multi].IsObject()) return;
  if (!event.HasMember(single) || !event[single].IsObject()) return;
  for (const auto& member : event[single].GetObject()) {
    if (!member.value.IsString()) continue;
    check(has_entry(map, text_of(member.name), text_of(member.value)), "a map's names and values arrive whole",
          std::string(single) + "." + std::string(text_of(member.name)));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  strata::Request request;
  try {
    request = strata::lambda::from_event_json(std::string(json));
  } catch (const strata::lambda::EventError&) {
    return 0;
  }
  // The invariants below are those of payload format 1.0 (a REST API's events).
  if (request.payload_format != strata::PayloadFormat::kV1) return 0;
  std::string first = strata::lambda::to_event_json(request);
  std::string second = strata::lambda::to_event_json(strata::lambda::from_event_json(first));
  check(first == second, "event -> Request -> event is a fixed point", first + "\n  then\n  " + second);

  rapidjson::Document event;
  event.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  check(!event.HasParseError() && event.IsObject(), "an event that was read is a JSON object");
  check(request.http_method == text_of(event["httpMethod"]), "httpMethod arrives whole");
  if (event.HasMember("path") && event["path"].IsString()) {
    check(request.path == text_of(event["path"]), "path arrives whole");
  }
  if (event.HasMember("body") && event["body"].IsString()) {
    check(request.body && *request.body == text_of(event["body"]), "body arrives whole");
  } else {
    check(!request.body, "a body that is not a string is absent");
  }
  check_single_map(event, "multiValueHeaders", "headers", request.headers);
  check_single_map(event, "multiValueQueryStringParameters", "queryStringParameters", request.query);
  check_single_map(event, "", "pathParameters", request.path_parameters);
  check_single_map(event, "", "stageVariables", request.stage_variables);
  return 0;
}
