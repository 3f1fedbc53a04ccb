#include "gateway/common_request.hpp"

#include <chrono>
#include <cstdint>

#include "core/base64.hpp"
#include "core/clock.hpp"
#include "core/request_id.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

std::string domain_prefix(std::string_view host) {
  if (host.starts_with('[')) return std::string(host.substr(0, host.find(']') + 1));  // an IPv6 literal
  return std::string(host.substr(0, host.find_first_of(".:")));
}

void take_body(std::string& body, bool as_text, Request& request) {
  if (body.empty()) return;
  if (as_text) {
    request.body = std::move(body);
  } else {
    request.body = base64::encode(reinterpret_cast<const std::uint8_t*>(body.data()), body.size());
    request.is_base64_encoded = true;
  }
}

void fill_common_context(const http::Request& http_request, const RequestOrigin& origin, Request& request) {
  RequestContext& context = request.request_context;
  auto now = std::chrono::system_clock::now();
  context.account_id = "123456789012";
  context.api_id = "local";
  context.domain_name = std::string(http_request[bhttp::field::host]);
  context.domain_prefix = domain_prefix(context.domain_name);
  context.http_method = request.http_method;
  context.identity.source_ip = origin.source_ip;
  context.identity.user_agent = std::string(http_request[bhttp::field::user_agent]);
  context.protocol = http_request.version() == 10 ? "HTTP/1.0" : "HTTP/1.1";
  context.request_id = new_request_id();
  context.request_time = clock::api_gateway_time(now);
  context.request_time_epoch = clock::epoch_milliseconds(now);
  context.resource_path = request.resource;
}

}  // namespace strata::gateway
