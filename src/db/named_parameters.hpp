#pragma once
// Translates `:name` placeholders to the positional `?` that MySQL's prepared
// statements take. Quotes, comments and `::` casts are left alone; values are
// never spliced into the SQL.
#include <string>
#include <string_view>
#include <vector>

#include "strata/db/field.hpp"

namespace strata::db {

struct PositionalSql {
  std::string sql;                 // with each :name replaced by ?
  std::vector<std::string> names;  // the name of each ?, in order (a name may repeat)
};

PositionalSql to_positional(std::string_view sql);

// For each ? of `positional`, the index into `parameters` of its value. Throws
// db::Error(kBadParameters) for a name the SQL uses that is not given, or a given
// name the SQL does not use.
std::vector<std::size_t> match_parameters(const PositionalSql& positional, const Parameters& parameters);

}  // namespace strata::db
