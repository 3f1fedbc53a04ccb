#include "migrate/statement_splitter.hpp"

#include <cctype>
#include <stdexcept>

namespace strata::migrate {
namespace {

bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$'; }

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(a[i])) != std::toupper(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

class Splitter {
 public:
  Splitter(std::string_view script, Dialect dialect) : script_(script), dialect_(dialect) {}

  std::vector<Statement> run() {
    while (position_ < script_.size()) {
      if (at_line_start() && directive()) continue;
      char c = script_[position_];
      if (c == '\'' || c == '"' || c == '`') {
        quoted(c);
      } else if (c == '[' && dialect_ == Dialect::kSqlite) {
        bracketed();
      } else if (starts_line_comment()) {
        skip_to_line_end();
      } else if (c == '/' && peek(1) == '*') {
        block_comment();
      } else if (at_delimiter() && (body_depth_ == 0 || delimiter_ != ";")) {
        finish(position_);
        position_ += delimiter_.size();
        start_ = position_;
      } else if (is_word_char(c) && (position_ == 0 || !is_word_char(script_[position_ - 1]))) {
        word();
      } else {
        advance();
      }
    }
    finish(script_.size());
    return std::move(statements_);
  }

 private:
  bool at_delimiter() const { return script_.compare(position_, delimiter_.size(), delimiter_) == 0; }

  char peek(std::size_t ahead) const {
    return position_ + ahead < script_.size() ? script_[position_ + ahead] : '\0';
  }
  void advance() {
    if (script_[position_] == '\n') ++line_;
    ++position_;
  }
  bool at_line_start() const {
    std::size_t i = position_;
    while (i > 0 && (script_[i - 1] == ' ' || script_[i - 1] == '\t')) --i;
    return i == 0 || script_[i - 1] == '\n';
  }

  // MySQL client's DELIMITER directive, on a line of its own, outside any statement.
  bool directive() {
    std::size_t i = position_;
    while (i < script_.size() && (script_[i] == ' ' || script_[i] == '\t')) ++i;
    if (script_.size() - i < 10 || !iequals(script_.substr(i, 9), "DELIMITER") || !std::isspace(static_cast<unsigned char>(script_[i + 9]))) {
      return false;
    }
    if (has_content(start_, position_)) return false;
    std::size_t end = script_.find('\n', i);
    if (end == std::string_view::npos) end = script_.size();
    std::string_view rest = script_.substr(i + 9, end - i - 9);
    std::size_t first = rest.find_first_not_of(" \t\r");
    std::size_t last = rest.find_last_not_of(" \t\r");
    if (first == std::string_view::npos) {
      throw std::runtime_error("line " + std::to_string(line_) + ": DELIMITER needs a delimiter, e.g. DELIMITER $$");
    }
    delimiter_ = std::string(rest.substr(first, last - first + 1));
    position_ = end;
    start_ = position_;
    return true;
  }

  bool has_content(std::size_t from, std::size_t to) const {
    // Only whitespace and comments since the last statement: re-scan cheaply.
    std::size_t i = from;
    while (i < to) {
      char c = script_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        ++i;
      } else if (line_comment_at(i)) {
        while (i < to && script_[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < to && script_[i + 1] == '*' && !(i + 2 < to && script_[i + 2] == '!')) {
        std::size_t end = script_.find("*/", i + 2);
        i = end == std::string_view::npos ? to : end + 2;
      } else {
        return true;
      }
    }
    return false;
  }

  void quoted(char quote) {
    int opened_at = line_;
    advance();
    while (position_ < script_.size()) {
      char c = script_[position_];
      if (c == '\\' && dialect_ == Dialect::kMysql && quote != '`') {
        advance();
        if (position_ < script_.size()) advance();
        continue;
      }
      advance();
      if (c == quote) {
        if (peek(0) == quote) {  // doubled quote: an escaped quote
          advance();
          continue;
        }
        return;
      }
    }
    throw std::runtime_error("line " + std::to_string(opened_at) + ": quote " + std::string(1, quote) + " is never closed");
  }

  void bracketed() {
    while (position_ < script_.size() && script_[position_] != ']') advance();
    if (position_ < script_.size()) advance();
  }

  bool starts_line_comment() const { return line_comment_at(position_); }

  // One rule for the scan and the re-scans (has_content, statement_line), so that what the
  // scan took for SQL is never dropped or cut as a comment: in MySQL "--x" is two minus signs.
  bool line_comment_at(std::size_t i) const {
    auto at = [this](std::size_t j) { return j < script_.size() ? script_[j] : '\0'; };
    char c = at(i);
    if (c == '#') return dialect_ == Dialect::kMysql;
    if (c != '-' || at(i + 1) != '-') return false;
    // MySQL needs whitespace (or the end) after "--"; SQLite does not.
    char after = at(i + 2);
    return dialect_ == Dialect::kSqlite || after == '\0' || std::isspace(static_cast<unsigned char>(after));
  }

  void skip_to_line_end() {
    while (position_ < script_.size() && script_[position_] != '\n') advance();
  }

  void block_comment() {
    int opened_at = line_;
    std::size_t end = script_.find("*/", position_ + 2);
    if (end == std::string_view::npos) {
      throw std::runtime_error("line " + std::to_string(opened_at) + ": comment /* is never closed");
    }
    while (position_ < end + 2) advance();
  }

  // Tracks compound bodies: inside CREATE TRIGGER/PROCEDURE/FUNCTION/EVENT, a
  // BEGIN (or CASE) opens a block that END closes; ';' inside does not end it.
  void word() {
    std::size_t begin = position_;
    // A custom delimiter may follow a word directly (END$$).
    while (position_ < script_.size() && is_word_char(script_[position_]) && !at_delimiter()) ++position_;
    std::string_view text = script_.substr(begin, position_ - begin);
    if (words_in_statement_ < 4) {
      ++words_in_statement_;
      if (iequals(text, "TRIGGER") || iequals(text, "PROCEDURE") || iequals(text, "FUNCTION") || iequals(text, "EVENT")) {
        compound_ = first_word_is_create_;
      }
      if (words_in_statement_ == 1) first_word_is_create_ = iequals(text, "CREATE");
    }
    if (!compound_) return;
    if (iequals(text, "BEGIN") || iequals(text, "CASE")) {
      ++body_depth_;
    } else if (iequals(text, "END") && body_depth_ > 0) {
      std::size_t next = position_;
      while (next < script_.size() && std::isspace(static_cast<unsigned char>(script_[next]))) ++next;
      std::size_t next_end = next;
      while (next_end < script_.size() && is_word_char(script_[next_end]) &&
             script_.compare(next_end, delimiter_.size(), delimiter_) != 0) {
        ++next_end;
      }
      std::string_view following = script_.substr(next, next_end - next);
      // END IF / END LOOP / END WHILE / END REPEAT close blocks that were not counted.
      if (!(iequals(following, "IF") || iequals(following, "LOOP") || iequals(following, "WHILE") ||
            iequals(following, "REPEAT"))) {
        --body_depth_;
      }
      // END CASE closes the CASE counted above; its CASE must not open another.
      if (iequals(following, "CASE")) {
        while (position_ < next_end) advance();
      }
    }
  }

  void finish(std::size_t end) {
    std::string_view text = script_.substr(start_, end - start_);
    if (has_content(start_, end)) {
      // Skip leading whitespace and comments so the line points at the statement itself.
      std::size_t first = start_;
      int line = statement_line(first);
      std::size_t last = text.find_last_not_of(" \t\r\n");
      statements_.push_back({std::string(script_.substr(first, start_ + last + 1 - first)), line});
    }
    words_in_statement_ = 0;
    compound_ = false;
    first_word_is_create_ = false;
    body_depth_ = 0;
  }

  // Moves `first` past leading whitespace and comments and returns its line.
  int statement_line(std::size_t& first) const {
    int line = 1;
    for (std::size_t i = 0; i < start_; ++i) line += script_[i] == '\n';
    std::size_t i = start_;
    while (i < script_.size()) {
      char c = script_[i];
      if (std::isspace(static_cast<unsigned char>(c))) {
        line += c == '\n';
        ++i;
      } else if (line_comment_at(i)) {
        while (i < script_.size() && script_[i] != '\n') ++i;
      } else if (c == '/' && i + 1 < script_.size() && script_[i + 1] == '*' && !(i + 2 < script_.size() && script_[i + 2] == '!')) {
        std::size_t end = script_.find("*/", i + 2);
        for (std::size_t j = i; j < end; ++j) line += script_[j] == '\n';
        i = end + 2;
      } else {
        break;
      }
    }
    first = i;
    return line;
  }

  std::string_view script_;
  Dialect dialect_;
  std::string delimiter_ = ";";
  std::size_t position_ = 0;
  std::size_t start_ = 0;
  int line_ = 1;
  int words_in_statement_ = 0;
  bool first_word_is_create_ = false;
  bool compound_ = false;
  int body_depth_ = 0;
  std::vector<Statement> statements_;
};

}  // namespace

std::vector<Statement> split_statements(std::string_view script, Dialect dialect) {
  return Splitter(script, dialect).run();
}

}  // namespace strata::migrate
