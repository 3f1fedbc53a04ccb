#include "gateway/url.hpp"

#include "core/percent_decode.hpp"

namespace strata::gateway {
Target split_target(std::string_view target) {
  std::size_t mark = target.find('?');
  if (mark == std::string_view::npos) return {target, {}};
  return {target.substr(0, mark), target.substr(mark + 1)};
}

void parse_query(std::string_view query, MultiMap& into) {
  while (!query.empty()) {
    std::size_t end = query.find('&');
    std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    std::string_view name = pair.substr(0, equals);
    std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    auto decoded_name = percent_decode(name, true);
    auto decoded_value = percent_decode(value, true);
    into.add(decoded_name ? std::move(*decoded_name) : std::string(name),
             decoded_value ? std::move(*decoded_value) : std::string(value));
  }
}

}  // namespace strata::gateway
