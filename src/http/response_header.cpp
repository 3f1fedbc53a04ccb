#include "http/response_header.hpp"

#include <charconv>

namespace strata::http {

void serialize_header(const Response& response, std::string& out) {
  out.clear();
  out.append(response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  char status[16];
  auto end = std::to_chars(status, status + sizeof status, response.result_int()).ptr;
  out.append(status, static_cast<std::size_t>(end - status)).push_back(' ');
  out.append(response.reason());
  out.append("\r\n");
  for (const auto& field : response.base()) {
    out.append(field.name_string()).append(": ").append(field.value()).append("\r\n");
  }
  out.append("\r\n");
}

}  // namespace strata::http
