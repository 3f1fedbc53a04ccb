#pragma once
// SHA-256 in lower-case hex, on OpenSSL.
#include <string>
#include <string_view>

namespace strata {

std::string sha256_hex(std::string_view data);

}  // namespace strata
