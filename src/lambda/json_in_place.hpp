#pragma once
// A strict JSON reader for the payloads of the local Lambda service (events, proxy
// responses), faster than RapidJSON's on their strings: a response's body is JSON
// inside JSON, a backslash every few bytes, and RapidJSON's reader took about 80
// instructions per escape (most of `serve --lambda`'s parse). Strings are scanned sixteen
// bytes at a time (SSE2; else eight) and unescaped between the escapes into a scratch buffer.
//
// It builds the same document RapidJSON builds, for what it accepts; it accepts only
// what RapidJSON accepts, and declines (returns false) what it leaves to RapidJSON: any
// error, a number with a fraction or exponent or beyond 64 bits, a lone low surrogate.
#include <rapidjson/document.h>

#include <string>
#include <string_view>

namespace strata::lambda {

// Fills `document` from `json`, its strings unescaped into `scratch` (which must
// outlive the document, as in RapidJSON's in-place parse), NUL-terminated. A NUL byte
// outside a string ends the text, as in RapidJSON's parse of a NUL-terminated copy.
// False: nothing usable in `document`; parse with RapidJSON.
bool parse_json_in_place(rapidjson::Document& document, std::string_view json, std::string& scratch);

}  // namespace strata::lambda
