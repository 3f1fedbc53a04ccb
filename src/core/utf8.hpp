#pragma once
// UTF-8 validation: what may travel in a proxy event's body as a JSON string.
#include <string_view>

namespace strata {

// Strict (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool is_utf8(std::string_view text);

}  // namespace strata
