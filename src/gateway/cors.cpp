#include "gateway/cors.hpp"

#include <strings.h>

#include <algorithm>
#include <iterator>

#include "core/cors_origin.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

namespace {

std::string join(const std::vector<std::string>& values) {
  std::string joined;
  for (const std::string& value : values) {
    if (!joined.empty()) joined += ',';
    joined += value;
  }
  return joined;
}

}  // namespace

void Cors::decorate(http::Response& response, std::string_view origin) const {
  if (api_ == ApiType::kHttp && origin.empty()) return;  // an HTTP API answers CORS requests only
  std::string_view allowed = allowed_cors_origin(settings_, origin);
  if (allowed.empty()) return;
  response.set(bhttp::field::access_control_allow_origin, allowed);
  if (allowed != "*") response.set(bhttp::field::vary, "Origin");
  if (settings_.allow_credentials) response.set(bhttp::field::access_control_allow_credentials, "true");
  if (!settings_.expose_headers.empty()) {
    response.set(bhttp::field::access_control_expose_headers, join(settings_.expose_headers));
  }
}

http::Response Cors::preflight(const http::Request& request, std::string_view route_methods) const {
  http::Response response{bhttp::status::no_content, request.version()};
  bool all_methods = std::find(settings_.methods.begin(), settings_.methods.end(), "*") != settings_.methods.end();
  response.set(bhttp::field::access_control_allow_methods,
               all_methods ? std::string(route_methods) : join(settings_.methods));
  std::string headers = join(settings_.headers);
  if (headers == "*") {
    // Echo what the browser asked for.
    headers = std::string(request[bhttp::field::access_control_request_headers]);
  }
  if (!headers.empty()) response.set(bhttp::field::access_control_allow_headers, headers);
  response.set(bhttp::field::access_control_max_age, std::to_string(settings_.max_age_seconds));
  response.keep_alive(request.keep_alive());
  response.prepare_payload();
  return response;
}

bool Cors::allows(std::string_view origin) const { return !allowed_cors_origin(settings_, origin).empty(); }

bool Cors::is_preflight(const http::Request& request) {
  return request.method() == bhttp::verb::options && request.find(bhttp::field::origin) != request.end() &&
         request.find(bhttp::field::access_control_request_method) != request.end();
}

void Cors::drop_function_headers(http::Response& response) const {
  if (api_ != ApiType::kHttp) return;
  for (auto field = response.begin(); field != response.end();) {
    std::string_view name = field->name_string();
    bool cors = name.size() > 15 && ::strncasecmp(name.data(), "access-control-", 15) == 0;
    field = cors ? response.erase(field) : std::next(field);
  }
}

}  // namespace strata::gateway
