// GET /status?code=N: answers with status code N, even one API Gateway refuses
// (outside 100..599), to test how a proxy response is read. With &base64=bad the
// response claims a base64 body that is not base64.
#include <charconv>
#include <string>

#include <strata/strata.hpp>

namespace {

strata::Response status(const strata::Request& request, strata::Context&) {
  int code = 200;
  if (auto text = request.query_parameter("code")) {
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), code);
    if (error != std::errc() || end != text->data() + text->size()) throw strata::HttpError(400, "code must be an integer");
  }
  strata::Response response;
  response.status_code = code;
  response.headers.add("Content-Type", "text/plain");
  response.body = "status " + std::to_string(code);
  if (request.query_parameter("base64") == "bad") {
    response.body = "this is not base64!";
    response.is_base64_encoded = true;
  }
  return response;
}

const strata::Register kStatus{"status", status};

}  // namespace
