#pragma once
// Payload format 2.0, the HTTP API's Lambda proxy integration: events as AWS
// sends them (absent fields left out, headers and query values joined by commas,
// cookies apart) and responses as API Gateway reads them (the full form, with
// "cookies", or the simplified form: any JSON value without statusCode).
// proxy_event.hpp chooses between 1.0 and 2.0; use that.
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

#include "strata/request.hpp"
#include "strata/response.hpp"

namespace strata::lambda::v2 {

std::string to_event_json(const Request& request);
// `event` is a parsed JSON object whose "version" is "2.0".
Request from_event(const rapidjson::Value& event);

std::string to_response_json(const Response& response);
std::optional<Response> from_response_json(std::string_view json, std::string* why);

}  // namespace strata::lambda::v2
