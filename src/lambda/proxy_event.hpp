#pragma once
// API Gateway's Lambda proxy integration on the wire: the event a function
// receives and the response it returns, as JSON, for REST APIs (payload 1.0) and
// HTTP APIs (payload 2.0, in proxy_event_v2.cpp). The gateway writes events and
// reads responses; the runtime reads events and writes responses.
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

// The proxy event for `request` in its payload_format. 1.0: absent maps are null;
// 2.0: absent fields are left out, as AWS sends them.
std::string to_event_json(const Request& request);
// Reads a 1.0 or a 2.0 event ("version": "2.0" tells). Throws EventError naming
// what is missing or malformed. The request keeps `json` as its event().
Request from_event_json(std::string json);

// The function's result in `format`: a 1.0 response sends cookies as
// multiValueHeaders Set-Cookie, a 2.0 response as "cookies". A response made with
// Response::proxy_result() is sent as given.
std::string to_response_json(const Response& response, PayloadFormat format = PayloadFormat::kV1);
// Reads a function's result as API Gateway does for `format`: nullopt (a 502 in a REST
// API, a 500 in an HTTP API) unless it is a proxy response API Gateway accepts; `why`
// then says what is wrong. 2.0 also takes the simplified form (any JSON value without
// statusCode: 200, that JSON as the body).
std::optional<Response> from_response_json(std::string_view json, PayloadFormat format = PayloadFormat::kV1,
                                           std::string* why = nullptr);

}  // namespace strata::lambda
