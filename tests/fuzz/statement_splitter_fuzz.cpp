// Fuzz target: the migration script splitter (src/migrate/statement_splitter).
// Input: one byte choosing the dialect (even: SQLite, odd: MySQL), then the script.
// Invariants, beyond not crashing:
//   - a malformed script is a std::runtime_error naming a line, nothing else;
//   - every statement is a non-empty, trimmed piece of the script, in order, without
//     overlap, and its line is the line where that piece starts;
//   - without DELIMITER directives, what lies between the statements holds no statement
//     (blanks, comments and ';' only), so the statements cover all the script's SQL;
//   - each statement split again on its own (with the byte after it) is exactly itself.
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "fuzz_check.hpp"
#include "migrate/statement_splitter.hpp"

namespace {

using strata::fuzz::check;
using strata::migrate::Dialect;
using strata::migrate::split_statements;
using strata::migrate::Statement;

bool has_delimiter_directive(std::string_view script) {
  std::string upper(script);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper.find("DELIMITER") != std::string::npos;
}

int line_at(std::string_view script, std::size_t position) {
  int line = 1;
  for (std::size_t i = 0; i < position; ++i) line += script[i] == '\n';
  return line;
}

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::vector<Statement> split_or_empty(std::string_view script, Dialect dialect, bool& threw) {
  threw = false;
  try {
    return split_statements(script, dialect);
  } catch (const std::runtime_error& error) {
    check(std::string_view(error.what()).starts_with("line "), "a split error names its line", error.what());
    threw = true;
    return {};
  }
}

// Splits to nothing, without an error.
bool only_blanks_and_comments(std::string_view text, Dialect dialect) {
  bool threw = false;
  return split_or_empty(text, dialect, threw).empty() && !threw;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Dialect dialect = (data[0] & 1) ? Dialect::kMysql : Dialect::kSqlite;
  std::string_view script(reinterpret_cast<const char*>(data) + 1, size - 1);

  bool threw = false;
  std::vector<Statement> statements = split_or_empty(script, dialect, threw);
  if (threw) return 0;

  bool plain = !has_delimiter_directive(script);
  std::size_t covered = 0;  // the end of the previous statement in the script
  for (const Statement& statement : statements) {
    const std::string& text = statement.text;
    check(!text.empty(), "no statement is empty");
    check(!is_blank(text.front()) && !is_blank(text.back()), "statements are trimmed", text);
    // The piece of the script this statement is: the first occurrence after the previous one
    // that starts on the statement's line and, without DELIMITER directives, leaves only
    // blanks, comments and delimiters in between and splits on its own (with the byte after
    // it: "--;" is SQL in MySQL, "--" alone a comment) to exactly itself. The same text may
    // sit in a comment before it.
    auto fits = [&](std::size_t at) {
      if (line_at(script, at) != statement.line) return false;
      if (!plain) return true;
      if (!only_blanks_and_comments(script.substr(covered, at - covered), dialect)) return false;
      bool threw_again = false;
      std::vector<Statement> again = split_or_empty(script.substr(at, text.size() + 1), dialect, threw_again);
      return !threw_again && again.size() == 1 && again[0].text == text && again[0].line == 1;
    };
    std::size_t at = script.find(text, covered);
    while (at != std::string_view::npos && !fits(at)) at = script.find(text, at + 1);
    check(at != std::string_view::npos,
          plain ? "each statement is a piece of the script, in order, on its line, alone between blanks, comments "
                  "and delimiters, and split on its own is itself"
                : "each statement is a piece of the script, in order, on its line",
          text);
    covered = at + text.size();
  }
  if (plain) {
    check(only_blanks_and_comments(script.substr(covered), dialect),
          "after the last statement there are only blanks, comments and delimiters", script.substr(covered));
  }
  return 0;
}
