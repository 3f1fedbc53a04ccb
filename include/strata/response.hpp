#pragma once
// What a function returns: the API Gateway proxy response (statusCode, headers,
// multiValueHeaders, body, isBase64Encoded).
#include <string>
#include <string_view>

#include "strata/multi_map.hpp"

namespace strata {

struct Response {
  int status_code = 200;
  MultiMap headers{NameCase::kInsensitive};
  // Sent as separate header lines; API Gateway merges both maps.
  MultiMap multi_value_headers{NameCase::kInsensitive};
  std::string body;
  bool is_base64_encoded = false;

  // A response whose body is the given JSON text, with Content-Type application/json.
  static Response json(int status_code, std::string json_body);
  // {"message": "..."} with the given status, the shape API Gateway uses for its own errors.
  static Response error(int status_code, std::string_view message);
  // An empty response, e.g. 204 No Content.
  static Response empty(int status_code);
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
