#include "gateway/http_api_request.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <utility>
#include <vector>

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

std::string lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// HTTP APIs send each header once, its repeated values joined by commas, under a
// lower-case name; cookies travel apart, in the event's "cookies".
void add_headers(const http::Request& http_request, Request& request) {
  std::vector<std::pair<std::string, std::string>> joined;
  for (const auto& field : http_request) {
    if (field.name() == bhttp::field::cookie) {
      parse_cookies(field.value(), request.cookies);
      continue;
    }
    std::string name = lower(field.name_string());
    auto same = std::find_if(joined.begin(), joined.end(), [&](const auto& entry) { return entry.first == name; });
    if (same == joined.end()) {
      joined.emplace_back(std::move(name), std::string(field.value()));
    } else {
      same->second.append(",").append(field.value());
    }
  }
  for (auto& [name, value] : joined) request.headers.add(std::move(name), std::move(value));
}

}  // namespace

bool is_text_content_type(std::string_view content_type) {
  std::string type = lower(content_type.substr(0, content_type.find(';')));
  type.erase(std::remove_if(type.begin(), type.end(), [](char c) { return c == ' ' || c == '\t'; }), type.end());
  return type.starts_with("text/") || type == "application/json" || type == "application/xml" ||
         type == "application/javascript";
}

Request build_http_api_request(http::Request& http_request, RouteMatch&& match, const RouteMethod& method,
                               const RequestOrigin& origin) {
  Request request;
  request.payload_format = PayloadFormat::kV2;
  Target target = split_target(http_request.target());
  request.resource = match.route->path;
  request.route_key = method.method + " " + match.route->path;
  request.path = std::string(target.path);
  request.raw_query_string = std::string(target.query);
  request.http_method = std::string(http_request.method_string());
  add_headers(http_request, request);
  parse_query(target.query, request.query);
  request.path_parameters = std::move(match.path_parameters);

  std::string& body = http_request.body();
  if (!body.empty()) {
    if (is_text_content_type(http_request[bhttp::field::content_type]) && is_utf8(body)) {
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
  context.path = request.path;
  context.protocol = http_request.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  context.request_id = new_request_id();
  context.request_time = clock::api_gateway_time(now);
  context.request_time_epoch = clock::epoch_milliseconds(now);
  context.resource_path = request.resource;
  context.stage = "$default";
  return request;
}

}  // namespace strata::gateway
