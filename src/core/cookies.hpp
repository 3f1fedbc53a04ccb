#pragma once
// Request cookies: the Cookie header's "a=1; b=2" form and HTTP APIs' "cookies" list.
#include <string>
#include <string_view>

#include "strata/multi_map.hpp"

namespace strata {

// Adds each "name=value" of a Cookie header value (or one entry of a 2.0 event's
// "cookies") to `into`. A piece without '=' is a cookie with an empty name, as
// RFC 6265bis reads it; empty pieces are skipped.
void parse_cookies(std::string_view header_value, MultiMap& into);

// The "name=value" text of one cookie (just the value when the name is empty).
std::string cookie_text(std::string_view name, std::string_view value);

}  // namespace strata
