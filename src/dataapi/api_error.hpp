#pragma once
// An error of the RDS Data API as the service sends it: the HTTP status from the
// service model, the error type (x-amzn-ErrorType and the body's __type) and a message.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "strata/db/error.hpp"

namespace strata::dataapi {

class ApiError : public std::runtime_error {
 public:
  ApiError(unsigned status, std::string type, const std::string& message)
      : std::runtime_error(message), status_(status), type_(std::move(type)) {}
  unsigned status() const { return status_; }
  const std::string& type() const { return type_; }

  static ApiError bad_request(const std::string& message) { return {400, "BadRequestException", message}; }
  static ApiError statement_timeout(std::int64_t connection_id) {
    ApiError error(400, "StatementTimeoutException", "The statement ran past the statement timeout");
    error.db_connection_id_ = connection_id;
    return error;
  }
  std::optional<std::int64_t> db_connection_id() const { return db_connection_id_; }
  static ApiError transaction_not_found(const std::string& id) {
    return {404, "TransactionNotFoundException", "Transaction " + id + " is not found"};
  }
  // A database error in the service's words: "Database error code: N. Message: ...".
  static ApiError from_database(const db::Error& error);

 private:
  unsigned status_;
  std::string type_;
  std::optional<std::int64_t> db_connection_id_;  // StatementTimeoutException's member
};

}  // namespace strata::dataapi
