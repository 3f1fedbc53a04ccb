#pragma once
// The first keywords of an SQL statement, after whitespace and comments, in upper
// case (INSERT, SELECT, CREATE ...): what executors need to know of a statement.
#include <string>
#include <string_view>
#include <vector>

namespace strata::db {

std::string first_keyword(std::string_view sql);
// Up to `count` leading words, stopping at the first thing that is not one
// ("CREATE OR REPLACE VIEW v" gives CREATE, OR, REPLACE, VIEW, V).
std::vector<std::string> leading_keywords(std::string_view sql, std::size_t count);

}  // namespace strata::db
