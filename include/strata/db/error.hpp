#pragma once
// Errors raised by executors. The kind lets callers react (409 on a unique
// violation, 503 when the database is unreachable) without parsing messages.
#include <stdexcept>
#include <string>

namespace strata::db {

enum class ErrorKind {
  kUniqueViolation,   // a UNIQUE or PRIMARY KEY constraint rejected the write
  kConstraint,        // another constraint (foreign key, NOT NULL, CHECK)
  kBadParameters,     // the call's parameters don't match the SQL's :names
  kSyntax,            // the SQL itself is wrong
  kUnavailable,       // cannot reach or open the database
  kBusy,              // locked by another writer past the busy timeout
  kFull,              // no space left for the database
  kOther,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorKind kind, int code, const std::string& message)
      : std::runtime_error(message), kind_(kind), code_(code) {}
  ErrorKind kind() const { return kind_; }
  // The engine's own error number (SQLite extended result code, MySQL errno), or 0.
  int code() const { return code_; }

 private:
  ErrorKind kind_;
  int code_;
};

}  // namespace strata::db
