#include "db/named_parameters.hpp"

#include <cctype>

#include "strata/db/error.hpp"

namespace strata::db {
namespace {

bool starts_name(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool in_name(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

}  // namespace

PositionalSql to_positional(std::string_view sql) {
  PositionalSql out;
  out.sql.reserve(sql.size());
  std::size_t i = 0;
  auto copy_until = [&](std::size_t end) {
    out.sql.append(sql.substr(i, end - i));
    i = end;
  };
  while (i < sql.size()) {
    char c = sql[i];
    if (c == '\'' || c == '"' || c == '`') {
      std::size_t j = i + 1;
      while (j < sql.size()) {
        if (sql[j] == '\\' && c != '`') {
          j += 2;
        } else if (sql[j] == c) {
          if (j + 1 < sql.size() && sql[j + 1] == c) {
            j += 2;  // doubled quote
          } else {
            ++j;
            break;
          }
        } else {
          ++j;
        }
      }
      copy_until(std::min(j, sql.size()));
    } else if (c == '#' || (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-' &&
                            (i + 2 == sql.size() || static_cast<unsigned char>(sql[i + 2]) <= ' '))) {
      // MySQL's -- comment needs whitespace (or a control character) after it: 5--:x is arithmetic.
      std::size_t end = sql.find('\n', i);
      copy_until(end == std::string_view::npos ? sql.size() : end);
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      copy_until(end == std::string_view::npos ? sql.size() : end + 2);
    } else if (c == ':' && i + 1 < sql.size() && sql[i + 1] == ':') {
      copy_until(i + 2);  // a :: cast, not a parameter
    } else if (c == ':' && i + 1 < sql.size() && starts_name(sql[i + 1]) && (i == 0 || !in_name(sql[i - 1]))) {
      std::size_t end = i + 1;
      while (end < sql.size() && in_name(sql[end])) ++end;
      out.names.emplace_back(sql.substr(i + 1, end - i - 1));
      out.sql += '?';
      i = end;
    } else {
      out.sql += c;
      ++i;
    }
  }
  return out;
}

std::vector<std::size_t> match_parameters(const PositionalSql& positional, const Parameters& parameters) {
  std::vector<std::size_t> order;
  order.reserve(positional.names.size());
  std::vector<bool> used(parameters.size(), false);
  for (const std::string& name : positional.names) {
    std::size_t index = 0;
    while (index < parameters.size() && parameters[index].name != name) ++index;
    if (index == parameters.size()) {
      throw Error(ErrorKind::kBadParameters, 0, "the SQL uses :" + name + " but no parameter of that name was given");
    }
    used[index] = true;
    order.push_back(index);
  }
  for (std::size_t index = 0; index < parameters.size(); ++index) {
    if (!used[index]) {
      throw Error(ErrorKind::kBadParameters, 0,
                  "parameter '" + parameters[index].name + "' was given but the SQL has no :" + parameters[index].name);
    }
  }
  return order;
}

}  // namespace strata::db
