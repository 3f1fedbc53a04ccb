#pragma once
// A response's status line and header fields as HTTP/1.x text, for writing the body
// beside it in one gather write.
#include <string>

#include "http/server.hpp"

namespace strata::http {

// Replaces `out` with the bytes Beast's serializer writes before the body of a response
// that is not chunked: "HTTP/1.1 200 OK\r\n", each field in insertion order, "\r\n".
void serialize_header(const Response& response, std::string& out);

}  // namespace strata::http
