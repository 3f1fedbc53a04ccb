#pragma once
// %XX decoding for URLs: request paths and queries, database URLs.
#include <optional>
#include <string>
#include <string_view>

namespace strata {

// In a query string '+' is a space too (plus_is_space). nullopt for a malformed escape.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace strata
