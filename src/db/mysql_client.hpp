#pragma once
// The MySQL / MariaDB / Aurora MySQL executor, on MariaDB Connector/C: server-side
// prepared statements cached by SQL text, results in the Data API's shape with
// its MySQL type mapping.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <unordered_map>

#include "db/named_parameters.hpp"
#include "strata/db/client.hpp"

struct st_mysql;
struct st_mysql_stmt;

namespace strata::db {

// mysql://USER:PASSWORD@HOST:PORT/DATABASE?ssl=required&connect_timeout=5&read_timeout=30
struct MysqlSettings {
  std::string user;
  std::string password;
  std::string host = "127.0.0.1";
  unsigned port = 3306;
  std::string database;
  bool ssl_required = false;
  bool ssl_verify = false;  // ssl=verify: also check the server's certificate
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds read_timeout{60};

  // Throws UrlError (db/database.hpp) saying what is wrong; never echoes the password.
  static MysqlSettings parse(std::string_view url);
  // The URL with the password replaced by ***.
  std::string description() const;
};

// How a MySQL error number is classified (also for errors the Data API relays).
ErrorKind mysql_error_kind(unsigned code);

class MysqlClient final : public Client {
 public:
  // Connects at once; throws Error(kUnavailable) when the server cannot be reached.
  explicit MysqlClient(MysqlSettings settings);
  ~MysqlClient() override;
  MysqlClient(const MysqlClient&) = delete;
  MysqlClient& operator=(const MysqlClient&) = delete;

  void begin() override;
  void commit() override;
  void rollback() override;
  std::string_view engine() const override { return "mysql"; }
  // KILL QUERY from a connection of its own: the running statement fails with 1317.
  void interrupt() override;
  std::int64_t session_id() const override { return thread_id_; }

  // Runs SQL that takes no parameters through the text protocol: for statements
  // the binary protocol refuses (CREATE TRIGGER, CREATE PROCEDURE, ...).
  ResultSet execute_text(std::string_view sql);
  const MysqlSettings& settings() const { return settings_; }
  // Changes each time the connection is closed (and so each reconnect).
  std::uint64_t connection_generation() const override { return generation_; }

 protected:
  // A statement that fails because the connection dropped is retried once on a new
  // connection when it is safe: a read outside a transaction, before any row was visited.
  StatementOutcome execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) override;

 private:
  struct CachedStatement;

  void connect();
  void disconnect();
  void reconnect_if_closed();
  StatementOutcome run(std::string_view sql, const Parameters& parameters, RowVisitor& visitor);
  StatementOutcome run_text(std::string_view sql, RowVisitor& visitor);
  StatementOutcome run_prepared(CachedStatement& cached, const Parameters& parameters, RowVisitor& visitor);
  CachedStatement* prepare(std::string_view sql);
  [[noreturn]] void fail(unsigned code, const std::string& message);

  MysqlSettings settings_;
  st_mysql* mysql_ = nullptr;
  bool in_transaction_ = false;
  bool running_ = false;         // a statement's rows are being visited
  bool lost_ = false;            // the connection broke; closed once the stack unwinds
  bool schema_changed_ = false;  // this client ran DDL: cached statements are stale
  std::uint64_t generation_ = 0;
  std::atomic<std::int64_t> thread_id_{0};  // CONNECTION_ID(), read by interrupt() on another thread
  std::unordered_map<std::string, std::unique_ptr<CachedStatement>> cache_;
};

}  // namespace strata::db
