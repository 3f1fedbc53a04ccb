#include "strata/testing.hpp"

namespace strata::testing {

TestRequest& TestRequest::with_query(std::string name, std::string value) {
  query.emplace_back(std::move(name), std::move(value));
  return *this;
}

TestRequest& TestRequest::with_header(std::string name, std::string value) {
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

TestRequest& TestRequest::with_json(std::string json_body) {
  body = std::move(json_body);
  return with_header("Content-Type", "application/json");
}

}  // namespace strata::testing
