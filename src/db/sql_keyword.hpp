#pragma once
// The first keyword of an SQL statement, after whitespace and comments, in upper
// case (INSERT, SELECT, CREATE ...): what executors need to know of a statement.
#include <string>
#include <string_view>

namespace strata::db {

std::string first_keyword(std::string_view sql);

}  // namespace strata::db
