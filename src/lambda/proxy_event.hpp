#pragma once
// API Gateway's Lambda proxy integration on the wire: the event a function
// receives and the response it returns, as JSON, for REST APIs (payload 1.0).
// The gateway writes events and reads responses; the runtime reads events and
// writes responses.
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "strata/request.hpp"
#include "strata/response.hpp"

namespace strata::lambda {

// An event that is not an API Gateway proxy event (or not JSON at all).
class EventError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The REST (1.0) proxy event for `request`: absent maps are null, as AWS sends them.
std::string to_event_json(const Request& request);
// Reads a 1.0 event. Throws EventError naming what is missing or malformed.
Request from_event_json(std::string_view json);

std::string to_response_json(const Response& response);
// Reads a proxy response as API Gateway does: nullopt (a 502 there) unless it is a
// JSON object with an integer statusCode, string headers and a string body.
std::optional<Response> from_response_json(std::string_view json, std::string* why = nullptr);

}  // namespace strata::lambda
