#include "core/database_error_response.hpp"

namespace strata {

std::optional<Response> database_error_response(const db::Error& error) {
  switch (error.kind()) {
    case db::ErrorKind::kUnavailable: return Response::error(503, "database unavailable");
    case db::ErrorKind::kBusy: return Response::error(503, "database busy; try again");
    case db::ErrorKind::kFull: return Response::error(507, "database is out of space");
    default: return std::nullopt;
  }
}

}  // namespace strata
