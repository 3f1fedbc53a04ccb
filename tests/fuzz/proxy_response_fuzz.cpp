// Fuzz target: the proxy response reader, which turns what a function returns into the
// HTTP response the gateway sends (src/lambda/proxy_event, used by `serve --lambda`).
// Invariants, beyond not crashing:
//   - a response it refuses comes with a reason (the 502's log line), and it throws nothing;
//   - an accepted response has a status code of 100..599;
//   - response → JSON → response → JSON is a fixed point (what the runtime writes, the
//     gateway reads back unchanged), and the body arrives whole.
#include <rapidjson/document.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "lambda/proxy_event.hpp"

using strata::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view json(reinterpret_cast<const char*>(data), size);
  std::string why;
  auto response = strata::lambda::from_response_json(json, strata::PayloadFormat::kV1, &why);
  if (!response) {
    check(!why.empty(), "a refused response says why");
    return 0;
  }
  check(response->status_code >= 100 && response->status_code <= 599, "the status code is 100..599");
  std::string first = strata::lambda::to_response_json(*response);
  auto again = strata::lambda::from_response_json(first, strata::PayloadFormat::kV1, &why);
  check(again.has_value(), "the JSON of an accepted response is accepted", why);
  std::string second = strata::lambda::to_response_json(*again);
  check(first == second, "response -> JSON -> response is a fixed point", first + "\n  then\n  " + second);

  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (document.HasMember("body") && document["body"].IsString()) {
    check(response->body == std::string_view(document["body"].GetString(), document["body"].GetStringLength()),
          "the body arrives whole");
  }
  return 0;
}
