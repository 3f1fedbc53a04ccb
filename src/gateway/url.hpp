#pragma once
// Request targets as API Gateway reads them: the path, and the query string
// split into decoded name/value pairs.
#include <optional>
#include <string>
#include <string_view>

#include "strata/multi_map.hpp"

namespace strata::gateway {

struct Target {
  std::string_view path;   // as requested, still encoded
  std::string_view query;  // after '?', without it
};
Target split_target(std::string_view target);

// Adds every name=value pair of `query` to `into`, decoded. Pairs that do not
// decode are kept as they are, as API Gateway does.
void parse_query(std::string_view query, MultiMap& into);

}  // namespace strata::gateway
