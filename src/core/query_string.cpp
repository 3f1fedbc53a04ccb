#include "core/query_string.hpp"

#include "core/percent_decode.hpp"

namespace strata {
namespace {

// Calls visit(name, value) for each pair, raw; stops when it returns false.
template <typename Visit>
void for_each_pair(std::string_view query, Visit visit) {
  while (!query.empty()) {
    std::size_t end = query.find('&');
    std::string_view pair = query.substr(0, end);
    query = end == std::string_view::npos ? std::string_view() : query.substr(end + 1);
    if (pair.empty()) continue;
    std::size_t equals = pair.find('=');
    std::string_view value = equals == std::string_view::npos ? std::string_view() : pair.substr(equals + 1);
    if (!visit(pair.substr(0, equals), value)) return;
  }
}

std::string decoded(std::string_view text, bool plus_is_space) {
  auto value = percent_decode(text, plus_is_space);
  return value ? std::move(*value) : std::string(text);
}

}  // namespace

void parse_query(std::string_view query, MultiMap& into) {
  for_each_pair(query, [&into](std::string_view name, std::string_view value) {
    into.add(decoded(name, true), decoded(value, true));
    return true;
  });
}

std::string query_value(std::string_view query, std::string_view name) {
  std::string found;
  for_each_pair(query, [&](std::string_view key, std::string_view value) {
    if (key != name) return true;
    found = decoded(value, false);
    return false;
  });
  return found;
}

}  // namespace strata
