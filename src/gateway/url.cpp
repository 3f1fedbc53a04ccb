#include "gateway/url.hpp"

namespace strata::gateway {

Target split_target(std::string_view target) {
  std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}};
  return {target.substr(0, mark), target.substr(mark + 1)};
}

}  // namespace strata::gateway
