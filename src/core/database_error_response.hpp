#pragma once
// The answer a function's unhandled database error gets, the same in-process and
// in Lambda: 503 while the database is unreachable or busy, 507 when it is full.
#include <optional>

#include "strata/db/error.hpp"
#include "strata/response.hpp"

namespace strata {

// nullopt for the errors that are the function's own bug (a 500 or a Lambda error).
std::optional<Response> database_error_response(const db::Error& error);

}  // namespace strata
