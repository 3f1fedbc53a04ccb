#include "dataapi/api_error.hpp"

namespace strata::dataapi {

ApiError ApiError::from_database(const db::Error& error) {
  std::string message = error.what();
  // The MySQL executor prefixes "MySQL error N: "; the service states the code itself.
  if (message.starts_with("MySQL error ")) {
    std::size_t colon = message.find(": ");
    if (colon != std::string::npos) message = message.substr(colon + 2);
  }
  switch (error.kind()) {
    case db::ErrorKind::kBadParameters:
      return bad_request(message);
    case db::ErrorKind::kUnavailable:
      return {504, "DatabaseUnavailableException", "The database is not available: " + message};
    default:
      return {400, "DatabaseErrorException",
              "Database error code: " + std::to_string(error.code()) + ". Message: " + message};
  }
}

}  // namespace strata::dataapi
