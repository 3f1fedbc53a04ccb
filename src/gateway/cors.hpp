#pragma once
// CORS as the project file sets it: preflight answers and the headers added to
// every response, as API Gateway's CORS support (and its OPTIONS mock) gives them.
#include <string_view>

#include "core/project.hpp"
#include "http/server.hpp"

namespace strata::gateway {

class Cors {
 public:
  // `settings` must outlive this object.
  explicit Cors(const CorsSettings& settings) : settings_(settings) {}

  // Adds Access-Control-Allow-Origin (and Vary, Credentials) for `origin`.
  void decorate(http::Response& response, std::string_view origin) const;
  // 204 for an OPTIONS request on a known resource whose methods are `route_methods`
  // (decorate() adds the origin headers, as to every response).
  http::Response preflight(const http::Request& request, std::string_view route_methods) const;

 private:
  const CorsSettings& settings_;
};

}  // namespace strata::gateway
