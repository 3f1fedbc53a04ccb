#pragma once
// Which origin a response allows, by the project's CORS settings: the rule the local
// gateway applies, and the deployed runtime too (a REST API's Lambda proxy passes
// the function's headers through, so there the function's side must add them).
#include <optional>
#include <string>
#include <string_view>

#include "core/project.hpp"

namespace strata {

// The value of Access-Control-Allow-Origin for a request from `origin`, or empty
// when that origin is not allowed.
std::string_view allowed_cors_origin(const CorsSettings& settings, std::string_view origin);

// The settings as the STRATA_CORS variable of a deployed function carries them
// ({"origins": [...], "allowCredentials": bool, "exposeHeaders": [...]}), and back; nullopt for text that is not such JSON.
std::string cors_variable(const CorsSettings& settings);
std::optional<CorsSettings> parse_cors_variable(std::string_view text);

}  // namespace strata
