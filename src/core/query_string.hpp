#pragma once
// name=value&... query strings: request targets and database URLs.
#include <string>
#include <string_view>

#include "strata/multi_map.hpp"

namespace strata {

// Adds every name=value pair of `query` to `into`, %-decoded with '+' as a space
// (form encoding, as API Gateway decodes). Pairs that do not decode are kept as they are.
void parse_query(std::string_view query, MultiMap& into);

// The %-decoded value of the first pair named `name` ('+' stays '+': a database
// URL's ARNs may hold one), or "" when absent.
std::string query_value(std::string_view query, std::string_view name);

}  // namespace strata
