#include "db/sql_keyword.hpp"

#include <algorithm>
#include <cctype>

namespace strata::db {
namespace {

// The index of the first character at or after `i` that is neither whitespace nor inside a comment.
std::size_t skip_space_and_comments(std::string_view sql, std::size_t i) {
  while (i < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[i]))) {
      ++i;
    } else if (sql.substr(i, 2) == "--" || sql[i] == '#') {
      i = sql.find('\n', i);
      if (i == std::string_view::npos) return sql.size();
    } else if (sql.substr(i, 2) == "/*") {
      i = sql.find("*/", i + 2);
      if (i == std::string_view::npos) return sql.size();
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

}  // namespace

std::vector<std::string> leading_keywords(std::string_view sql, std::size_t count) {
  std::vector<std::string> keywords;
  std::size_t i = 0;
  while (keywords.size() < count) {
    i = skip_space_and_comments(sql, i);
    std::size_t end = i;
    while (end < sql.size() && std::isalpha(static_cast<unsigned char>(sql[end]))) ++end;
    if (end == i) break;
    std::string keyword(sql.substr(i, end - i));
    std::transform(keyword.begin(), keyword.end(), keyword.begin(), [](unsigned char c) { return std::toupper(c); });
    keywords.push_back(std::move(keyword));
    i = end;
  }
  return keywords;
}

std::string first_keyword(std::string_view sql) {
  std::vector<std::string> keywords = leading_keywords(sql, 1);
  return keywords.empty() ? std::string() : std::move(keywords[0]);
}

}  // namespace strata::db
