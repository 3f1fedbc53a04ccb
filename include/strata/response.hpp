#pragma once
// What a function returns: the API Gateway proxy response (statusCode, headers,
// multiValueHeaders or cookies, body, isBase64Encoded), written in the payload
// format the request came in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/multi_map.hpp"

namespace strata {

struct Response {
  int status_code = 200;
  MultiMap headers{NameCase::kInsensitive};
  // Sent as separate header lines; API Gateway merges both maps.
  MultiMap multi_value_headers{NameCase::kInsensitive};
  // Set-Cookie values, e.g. "id=1; Path=/; HttpOnly": each becomes its own Set-Cookie
  // line (1.0: multiValueHeaders["Set-Cookie"], 2.0: "cookies").
  std::vector<std::string> cookies;
  std::string body;
  bool is_base64_encoded = false;
  // When set, the function's result is this JSON exactly, as a Lambda function in any
  // language returns it, and the gateway reads it as API Gateway does (every other
  // field is then ignored). See proxy_result().
  std::optional<std::string> proxy_result_json;

  // A response whose body is the given JSON text, with Content-Type application/json.
  static Response json(int status_code, std::string json_body);
  // {"message": "..."} with the given status, the shape API Gateway uses for its own errors.
  static Response error(int status_code, std::string_view message);
  // An empty response, e.g. 204 No Content.
  static Response empty(int status_code);
  // The function's result given as raw JSON, read as API Gateway reads a Lambda result:
  // in an HTTP API a value without statusCode is the simplified form (200, that JSON,
  // content-type application/json; a JSON string gives its text); anything a REST API
  // cannot read as a proxy response is a 502 there.
  static Response proxy_result(std::string json);
};

// Thrown by a function to answer with an error status and {"message": ...}.
// Anything else a function throws is a 500 and a log line naming the function.
class HttpError : public std::exception {
 public:
  HttpError(int status_code, std::string message) : status_code_(status_code), message_(std::move(message)) {}
  int status_code() const { return status_code_; }
  const char* what() const noexcept override { return message_.c_str(); }

 private:
  int status_code_;
  std::string message_;
};

}  // namespace strata
