#pragma once
// The embedded SQLite executor: one connection, prepared statements cached by SQL text.
#include <sqlite3.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "strata/db/client.hpp"

namespace strata::db {

class SqliteClient final : public Client {
 public:
  // Opens (creating if needed) the database file at `path`, or an in-memory
  // database for ":memory:". WAL journal, foreign keys on, 5 s busy timeout.
  explicit SqliteClient(const std::string& path);
  ~SqliteClient() override;
  SqliteClient(const SqliteClient&) = delete;
  SqliteClient& operator=(const SqliteClient&) = delete;

  void begin() override;
  void commit() override;
  void rollback() override;
  std::string_view engine() const override { return "sqlite"; }
  void interrupt() override { sqlite3_interrupt(db_); }

  // BEGIN IMMEDIATE: takes the write lock now, so two migrators serialize.
  void begin_immediate();
  sqlite3* handle() const { return db_; }

 protected:
  StatementOutcome execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) override;

 private:
  struct CachedStatement {
    sqlite3_stmt* statement = nullptr;
    std::vector<ColumnMetadata> columns;  // filled on first use
    std::uint64_t columns_id = 0;  // new_columns_id() each time columns is filled
    bool columns_known = false;
    int reprepare_count = 0;  // SQLITE_STMTSTATUS_REPREPARE when columns were described
    std::string keyword;  // first keyword: INSERT, SELECT, CREATE, ...
  };

  CachedStatement& prepare(std::string_view sql);
  void bind(CachedStatement& cached, std::string_view sql, const Parameters& parameters);
  void describe_columns(CachedStatement& cached);
  void clear_cache();
  [[noreturn]] void fail(int code, std::string_view sql) const;

  sqlite3* db_ = nullptr;
  // Looked up by the caller's string_view: no key is built for a statement already cached.
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, CachedStatement, TextHash, std::equal_to<>> cache_;
  bool running_ = false;  // a statement is stepping, its rows being visited
};

}  // namespace strata::db
