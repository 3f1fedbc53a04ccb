#include "gateway/request_origin.hpp"

namespace strata::gateway {

std::string domain_prefix(std::string_view host) {
  if (host.starts_with('[')) return std::string(host.substr(0, host.find(']') + 1));  // an IPv6 literal
  return std::string(host.substr(0, host.find_first_of(".:")));
}

}  // namespace strata::gateway
