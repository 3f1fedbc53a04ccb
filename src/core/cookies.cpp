#include "core/cookies.hpp"

namespace strata {
namespace {

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

void parse_cookies(std::string_view header_value, MultiMap& into) {
  while (!header_value.empty()) {
    std::size_t end = header_value.find(';');
    std::string_view piece = trimmed(header_value.substr(0, end));
    header_value = end == std::string_view::npos ? std::string_view() : header_value.substr(end + 1);
    if (piece.empty()) continue;
    std::size_t equals = piece.find('=');
    if (equals == std::string_view::npos) {
      into.add(std::string(), std::string(piece));
    } else {
      into.add(std::string(trimmed(piece.substr(0, equals))), std::string(trimmed(piece.substr(equals + 1))));
    }
  }
}

std::string cookie_text(std::string_view name, std::string_view value) {
  if (name.empty()) return std::string(value);
  std::string text;
  text.reserve(name.size() + 1 + value.size());
  text.append(name).append("=").append(value);
  return text;
}

}  // namespace strata
