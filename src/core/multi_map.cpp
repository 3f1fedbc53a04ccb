#include "strata/multi_map.hpp"

#include <strings.h>

namespace strata {

bool MultiMap::same_name(std::string_view a, std::string_view b) const {
  if (a.size() != b.size()) return false;
  if (name_case_ == NameCase::kSensitive) return a == b;
  return ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> MultiMap::get(std::string_view name) const {
  for (auto it = entries_.rbegin(); it != entries_.rend(); ++it) {
    if (same_name(it->first, name)) return std::string_view(it->second);
  }
  return std::nullopt;
}

std::vector<std::string_view> MultiMap::get_all(std::string_view name) const {
  std::vector<std::string_view> values;
  for (const auto& [key, value] : entries_) {
    if (same_name(key, name)) values.emplace_back(value);
  }
  return values;
}

}  // namespace strata
