// GET /result?kind=K: returns a raw Lambda result (Response::proxy_result), to test
// how the gateway reads it: the 2.0 simplified forms, a full 2.0 response with
// cookies, and results API Gateway refuses.
#include <map>
#include <string>

#include <strata/strata.hpp>

namespace {

const std::map<std::string, std::string, std::less<>> kResults = {
    {"object", R"({"message": "Hello from Lambda!"})"},
    {"string", R"("Hello from Lambda!")"},
    {"array", "[1, 2, 3]"},
    {"number", "42"},
    {"invalid", R"({"name": "John Doe", "age":)"},
    {"full", R"({"statusCode": 201, "headers": {"Content-Type": "text/plain", "X-Kind": "full"},)"
             R"( "cookies": ["a=1; Path=/", "b=2; Secure"], "body": "made", "isBase64Encoded": false})"},
    {"binary", R"({"statusCode": 200, "headers": {"Content-Type": "application/octet-stream"},)"
               R"( "body": "AAEC/w==", "isBase64Encoded": true})"},
    {"float_status", R"({"statusCode": 200.5, "body": "Hello"})"},
    {"untyped", R"({"statusCode": 200, "body": "plain"})"},
};

strata::Response result(const strata::Request& request, strata::Context&) {
  auto kind = request.query_parameter("kind").value_or("");
  auto found = kResults.find(kind);
  if (found == kResults.end()) throw strata::HttpError(400, "unknown kind");
  return strata::Response::proxy_result(found->second);
}

const strata::Register kResult{"result", result};

}  // namespace
