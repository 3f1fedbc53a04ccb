#pragma once
// A database named by URL, from which each thread opens its own Client.
//   sqlite:PATH            an SQLite file (created if missing)
//   sqlite::memory:        a private in-memory database shared by this process's clients
//   mysql://USER:PASSWORD@HOST:PORT/DATABASE[?ssl=required&connect_timeout=S&read_timeout=S]
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "strata/db/client.hpp"

namespace strata::db {

// The URL itself is wrong (unknown scheme, missing path); the message says how to write it.
class UrlError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Database {
 public:
  virtual ~Database() = default;
  // A new connection. Thread-safe; the Client it returns is not.
  virtual std::unique_ptr<Client> connect() = 0;
  // The URL with any password hidden, for logs.
  virtual std::string description() const = 0;
};

// Throws UrlError for a malformed URL and db::Error when the database cannot be opened.
std::unique_ptr<Database> open_database(std::string_view url);

}  // namespace strata::db
