#include "gateway/http_api_request.hpp"

#include <algorithm>
#include <cctype>
#include <utility>
#include <vector>

#include "core/cookies.hpp"
#include "core/query_string.hpp"
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

  // An HTTP API passes text types as text, everything else base64-encoded.
  std::string& body = http_request.body();
  take_body(body, is_text_content_type(http_request[bhttp::field::content_type]) && is_utf8(body), request);

  fill_common_context(http_request, origin, request);
  RequestContext& context = request.request_context;
  context.path = request.path;
  context.stage = "$default";
  return request;
}

}  // namespace strata::gateway
