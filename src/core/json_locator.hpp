#pragma once
// Finds where in a JSON text a value lives, so errors about a parsed document can
// name a line. Paths are written as the project-file errors print them:
// routes["posts/{id}"][0].method
#include <optional>
#include <string>
#include <string_view>

namespace strata::json_locator {

// 1-based line of the value (or member key) at `path`, or nullopt.
std::optional<int> line_of(std::string_view text, std::string_view path);
// 1-based line and column of byte `offset`.
std::pair<int, int> line_and_column(std::string_view text, std::size_t offset);

// Appends a member or index to a path in the printed form: `.key` for an
// identifier, `["key"]` otherwise (key_path always brackets, for map-like objects
// whose keys are data, such as routes).
std::string member_path(std::string_view parent, std::string_view key);
std::string key_path(std::string_view parent, std::string_view key);
std::string index_path(std::string_view parent, std::size_t index);

}  // namespace strata::json_locator
