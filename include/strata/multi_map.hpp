#pragma once
// An ordered list of (name, value) pairs where a name may repeat, as HTTP
// headers and query strings do. API Gateway derives both its single-value map
// (the last value of each name) and its multi-value map from such a list.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace strata {

enum class NameCase { kSensitive, kInsensitive };

class MultiMap {
 public:
  using Entry = std::pair<std::string, std::string>;

  explicit MultiMap(NameCase name_case = NameCase::kSensitive) : name_case_(name_case) {}

  void add(std::string name, std::string value) { entries_.emplace_back(std::move(name), std::move(value)); }
  // The last value given for `name`, as API Gateway's single-value maps keep it.
  std::optional<std::string_view> get(std::string_view name) const;
  std::vector<std::string_view> get_all(std::string_view name) const;
  bool contains(std::string_view name) const { return get(name).has_value(); }

  const std::vector<Entry>& entries() const { return entries_; }
  bool empty() const { return entries_.empty(); }
  std::size_t size() const { return entries_.size(); }
  void clear() { entries_.clear(); }
  bool same_name(std::string_view a, std::string_view b) const;

 private:
  std::vector<Entry> entries_;
  NameCase name_case_;
};

}  // namespace strata
