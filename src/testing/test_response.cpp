#include <rapidjson/error/en.h>

#include <stdexcept>

#include "core/base64.hpp"
#include "strata/testing.hpp"

namespace strata::testing {

TestResponse::TestResponse(Response response, std::string function)
    : response_(std::move(response)), function_(std::move(function)) {
  if (!response_.is_base64_encoded) {
    body_ = response_.body;
  } else if (auto decoded = base64::decode(response_.body)) {
    body_.assign(decoded->begin(), decoded->end());
  } else {
    throw std::runtime_error("function " + function_ + " answered isBase64Encoded with a body that is not base64");
  }
}

TestResponse::TestResponse(TestResponse&&) noexcept = default;
TestResponse& TestResponse::operator=(TestResponse&&) noexcept = default;
TestResponse::~TestResponse() = default;

std::optional<std::string_view> TestResponse::header(std::string_view name) const {
  // API Gateway merges both maps; a name in multiValueHeaders takes its values from there.
  if (auto value = response_.multi_value_headers.get(name)) return value;
  return response_.headers.get(name);
}

const json::Document& TestResponse::json() const {
  if (!json_) {
    auto document = std::make_unique<json::Document>();
    document->Parse(body_.data(), body_.size());
    if (document->HasParseError()) {
      throw std::runtime_error("the response body is not JSON (" + std::string(rapidjson::GetParseError_En(document->GetParseError())) +
                               " at offset " + std::to_string(document->GetErrorOffset()) + "): " + body_);
    }
    json_ = std::move(document);
  }
  return *json_;
}

std::ostream& operator<<(std::ostream& out, const TestResponse& response) {
  out << "HTTP " << response.status();
  if (!response.function().empty()) out << " from " << response.function();
  return out << ": " << response.body();
}

}  // namespace strata::testing
