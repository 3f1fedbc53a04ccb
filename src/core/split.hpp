#pragma once
// Splitting a list written as text ("a, b", "h1,h2", keys one per line).
#include <string>
#include <string_view>
#include <vector>

namespace strata {

// The non-empty pieces of `text` between any of `separators`, each without surrounding whitespace.
std::vector<std::string> split_trimmed(std::string_view text, std::string_view separators);

}  // namespace strata
