#pragma once
// CORS as the project file sets it: preflight answers and the headers added to
// every response, as API Gateway's CORS support (and its OPTIONS mock) gives them.
// An HTTP API differs (AWS's "Configure CORS for HTTP APIs"): it answers every
// preflight itself, adds the headers only to requests that carry an Origin, and
// drops the CORS headers a function returns.
#include <string_view>

#include "core/project.hpp"
#include "http/server.hpp"

namespace strata::gateway {

class Cors {
 public:
  // `settings` must outlive this object.
  Cors(const CorsSettings& settings, ApiType api) : settings_(settings), api_(api) {}

  // Adds Access-Control-Allow-Origin (and Vary, Credentials, Expose-Headers) for `origin`.
  void decorate(http::Response& response, std::string_view origin) const;
  // 204 for an OPTIONS request on a known resource whose methods are `route_methods`
  // (decorate() adds the origin headers, as to every response).
  http::Response preflight(const http::Request& request, std::string_view route_methods) const;

  // HTTP APIs: an OPTIONS request with Origin and Access-Control-Request-Method,
  // which the API answers itself whatever the routes say.
  static bool is_preflight(const http::Request& request);
  // HTTP APIs: removes the Access-Control-* headers of a function's response.
  void drop_function_headers(http::Response& response) const;
  bool allows(std::string_view origin) const;

 private:
  const CorsSettings& settings_;
  ApiType api_;
};

}  // namespace strata::gateway
