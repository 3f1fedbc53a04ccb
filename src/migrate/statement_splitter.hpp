#pragma once
// Splits a migration script into statements the way the engine's own client
// would: quotes and their escapes, comments, MySQL's DELIMITER directive and
// executable comments, and compound bodies (CREATE TRIGGER ... BEGIN ... END;).
#include <string>
#include <string_view>
#include <vector>

namespace strata::migrate {

enum class Dialect { kSqlite, kMysql };

struct Statement {
  std::string text;  // without the delimiter that ended it
  int line = 1;      // 1-based line of its first character in the script
};

// Throws std::runtime_error naming the line for an unterminated quote or comment.
std::vector<Statement> split_statements(std::string_view script, Dialect dialect);

}  // namespace strata::migrate
