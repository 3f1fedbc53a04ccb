#include "gateway/rest_request.hpp"

#include <chrono>
#include <cstdio>

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "core/cookies.hpp"
#include "core/query_string.hpp"
#include "core/request_id.hpp"
#include "core/utf8.hpp"
#include "gateway/url.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

namespace {

std::string resource_id(std::string_view resource) {
  std::uint32_t hash = 2166136261u;
  for (char c : resource) hash = (hash ^ static_cast<unsigned char>(c)) * 16777619u;
  char text[16];
  std::snprintf(text, sizeof text, "%06x", hash & 0xffffff);
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
  if (!body.empty()) {
    if (is_utf8(body)) {
      request.body = std::move(body);
    } else {
      request.body = base64::encode(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
      request.is_base64_encoded = true;
    }
  }

  RequestContext& context = request.request_context;
  auto now = std::chrono::system_clock::now();
  context.account_id = "123456789012";
  context.api_id = "local";
  context.domain_name = std::string(http_request[bhttp::field::host]);
  context.domain_prefix = domain_prefix(context.domain_name);
  context.http_method = request.http_method;
  context.identity.source_ip = origin.source_ip;
  context.identity.user_agent = std::string(http_request[bhttp::field::user_agent]);
  context.stage = origin.stage;
  context.path = "/" + origin.stage + request.path;
  context.protocol = http_request.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  context.request_id = new_request_id();
  context.request_time = clock::api_gateway_time(now);
  context.request_time_epoch = clock::epoch_milliseconds(now);
  context.resource_path = request.resource;
  context.resource_id = resource_id(request.resource);
  return request;
}

}  // namespace strata::gateway
