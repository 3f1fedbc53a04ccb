#pragma once
// A connection to one database. Not thread-safe: each thread that queries holds
// its own Client (the gateway gives every event loop one).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>

#include "strata/db/error.hpp"
#include "strata/db/field.hpp"
#include "strata/db/result_set.hpp"
#include "strata/db/row.hpp"

namespace strata::db {

class Client {
 public:
  virtual ~Client() = default;

  // Runs one statement and collects its whole result. Parameters are bound by name
  // (`:name` in the SQL), never spliced into it; a name the SQL uses that `parameters`
  // lacks, or the reverse, is an Error of kind kBadParameters. Throws db::Error.
  ResultSet execute(std::string_view sql, const Parameters& parameters = {});

  // Runs one statement like execute(), but hands each row to `visitor` as it is read
  // (see strata/db/row.hpp) instead of building a ResultSet: no copy of any value.
  StatementOutcome for_each_row(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) {
    return execute_rows(sql, parameters, visitor);
  }
  // The same with a callable taking `const Row&`.
  template <typename OnRow>
    requires std::is_invocable_v<OnRow&, const Row&>
  StatementOutcome for_each_row(std::string_view sql, const Parameters& parameters, OnRow&& on_row) {
    struct Visitor final : RowVisitor {
      explicit Visitor(OnRow& f) : function(f) {}
      void row(const Row& row) override { function(row); }
      OnRow& function;
    } visitor{on_row};
    return execute_rows(sql, parameters, visitor);
  }

  virtual void begin() = 0;
  virtual void commit() = 0;
  virtual void rollback() = 0;

  // "sqlite" or "mysql": picks engine-specific migration variants.
  virtual std::string_view engine() const = 0;
  // False when statements outside a transaction may run on different connections
  // (the Data API): session state such as named locks and variables does not carry.
  virtual bool keeps_session() const { return true; }
  // Changes whenever the client reconnects (session state such as locks is then
  // gone); constant for clients that never reconnect by themselves.
  virtual std::uint64_t connection_generation() const { return 0; }
  // Asks the statement running on this client (on another thread) to stop; it then
  // fails with a db::Error. Thread-safe; does nothing where the engine cannot.
  virtual void interrupt() {}
  // The server's id for this connection (MySQL's CONNECTION_ID()), or 0.
  virtual std::int64_t session_id() const { return 0; }

 protected:
  // The one way each engine runs a statement; execute() and for_each_row() call it.
  virtual StatementOutcome execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) = 0;
};

// Begins on construction; rolls back on destruction unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Client& client) : client_(client) { client_.begin(); }
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!done_) {
      try {
        client_.rollback();
      } catch (const Error&) {
        // The connection is gone; the server rolled the transaction back itself.
      }
    }
  }
  void commit() {
    client_.commit();
    done_ = true;
  }

 private:
  Client& client_;
  bool done_ = false;
};

}  // namespace strata::db
