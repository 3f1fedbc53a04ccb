#pragma once
// Request targets as API Gateway reads them: the path and the query string.
#include <string_view>

namespace strata::gateway {

struct Target {
  std::string_view path;   // as requested, still encoded
  std::string_view query;  // after '?', without it
};
Target split_target(std::string_view target);

}  // namespace strata::gateway
