#include "gateway/rest_request.hpp"

#include <cstdint>

#include "core/cookies.hpp"
#include "core/query_string.hpp"
#include "core/utf8.hpp"
#include "gateway/url.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

namespace {

std::string resource_id(std::string_view resource) {
  std::uint32_t hash = 2166136261u;
  for (char c : resource) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(6, '0');
  for (int i = 5; i >= 0; --i, hash >>= 4) text[static_cast<std::size_t>(i)] = kHex[hash & 15];
  return text;
}

}  // namespace

Request build_rest_request(http::Request& http_request, RouteMatch&& match, const RequestOrigin& origin) {
  Request request;
  Target target = split_target(http_request.target());
  request.resource = match.route->path;
  request.path = std::string(target.path);
  request.http_method = std::string(http_request.method_string());
  for (const auto& field : http_request) {
    request.headers.add(std::string(field.name_string()), std::string(field.value()));
    if (field.name() == bhttp::field::cookie) parse_cookies(field.value(), request.cookies);
  }
  parse_query(target.query, request.query);
  request.path_parameters = std::move(match.path_parameters);

  std::string& body = http_request.body();
  take_body(body, is_utf8(body), request);  // API Gateway base64-encodes what is not UTF-8

  fill_common_context(http_request, origin, request);
  RequestContext& context = request.request_context;
  context.stage = origin.stage;
  context.path = "/" + origin.stage + request.path;
  context.resource_id = resource_id(request.resource);
  return request;
}

}  // namespace strata::gateway
