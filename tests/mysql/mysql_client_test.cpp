// MysqlClient on a real MariaDB: writes and what they report, errors and their
// kinds, transactions, connecting, dropped connections, statements MySQL cannot
// prepare, and the connection URL.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "db/database.hpp"
#include "mysql_test_support.hpp"

namespace strata::db {
namespace {

using mysql_testing::catch_error;
using mysql_testing::MysqlTest;

// The suite must fail, never skip, without a server.
TEST(MysqlTestEnvironment, UrlFileIsSetAndNamesAServer) {
  std::string url;
  try {
    url = mysql_testing::server_url();
  } catch (const std::exception& error) {
    FAIL() << error.what();
  }
  EXPECT_TRUE(url.starts_with("mysql://")) << "the URL file does not hold a mysql:// URL";
}

class MysqlClientTest : public MysqlTest {
 protected:
  void SetUp() override {
    MysqlTest::SetUp();
    if (HasFatalFailure()) return;
    client().execute(
        "CREATE TABLE users (id BIGINT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(100) NOT NULL UNIQUE,"
        " name VARCHAR(100), age INT CHECK (age >= 0)) ENGINE=InnoDB");
  }

  Field insert_user(const std::string& email, const std::string& name) {
    ResultSet result = client().execute("INSERT INTO users (email, name) VALUES (:email, :name)",
                                        {{"email", Field(email)}, {"name", Field(name)}});
    EXPECT_EQ(result.number_of_records_updated, 1);
    EXPECT_EQ(result.generated_fields.size(), 1u);
    return result.generated_fields.empty() ? Field() : result.generated_fields[0];
  }
};

TEST_F(MysqlClientTest, EngineIsMysql) { EXPECT_EQ(client().engine(), "mysql"); }

// ---- writes ----

TEST_F(MysqlClientTest, InsertReportsOneRecordAndItsAutoIncrementId) {
  EXPECT_EQ(insert_user("ann@example.com", "Ann"), Field(1));
  EXPECT_EQ(insert_user("bob@example.com", "Bob"), Field(2));
  client().execute("ALTER TABLE users AUTO_INCREMENT = 9000000000");
  EXPECT_EQ(insert_user("cy@example.com", "Cy"), Field(9000000000LL));
  EXPECT_EQ(scalar("SELECT name FROM users WHERE id = 9000000000"), Field("Cy"));
}

TEST_F(MysqlClientTest, MultiRowInsertCountsEveryRow) {
  ResultSet result = client().execute(
      "INSERT INTO users (email, name) VALUES ('a@x', 'A'), ('b@x', 'B'), ('c@x', 'C')");
  EXPECT_EQ(result.number_of_records_updated, 3);
  // MySQL reports the first id of a multi-row insert.
  EXPECT_EQ(result.generated_fields, (std::vector<Field>{Field(1)}));
  EXPECT_TRUE(result.records.empty());
  EXPECT_TRUE(result.columns.empty());
  EXPECT_EQ(count("users"), 3);
}

TEST_F(MysqlClientTest, DataChangeWithoutParametersRunsUnpreparedInOneRoundTrip) {
  // A migration's INSERT runs once: preparing it would cost a round trip more.
  auto prepared = [&] {  // (this query is prepared once, then cached)
    return std::stoll(client().execute("SHOW SESSION STATUS LIKE 'Com_stmt_prepare'").records.at(0).at(1).as_string());
  };
  std::int64_t before = prepared();
  ResultSet inserted = client().execute("INSERT INTO users (email, name) VALUES ('a@x', 'A')");
  EXPECT_EQ(inserted.number_of_records_updated, 1);
  EXPECT_EQ(inserted.generated_fields, (std::vector<Field>{Field(1)}));
  EXPECT_EQ(client().execute("UPDATE users SET age = 3").number_of_records_updated, 1);
  ResultSet returned = client().execute("DELETE FROM users WHERE id = 1 RETURNING id, email");
  EXPECT_EQ(returned.records, (std::vector<Record>{Record{Field(1), Field("a@x")}})) << "rows typed as prepared ones";
  EXPECT_EQ(prepared() - before, 0) << "none of them was prepared";
  insert_user("bob@example.com", "Bob");  // with parameters: prepared, and its id reported
  EXPECT_EQ(prepared() - before, 1);
}

TEST_F(MysqlClientTest, InsertWithoutAutoIncrementHasNoGeneratedFields) {
  client().execute("CREATE TABLE plain (code VARCHAR(10) PRIMARY KEY)");
  ResultSet result = client().execute("INSERT INTO plain VALUES (:code)", {{"code", Field("x")}});
  EXPECT_EQ(result.number_of_records_updated, 1);
  EXPECT_TRUE(result.generated_fields.empty());
}

TEST_F(MysqlClientTest, UpdateCountsMatchedRowsEvenWhenUnchanged) {
  insert_user("ann@example.com", "Ann");
  insert_user("bob@example.com", "Bob");
  ResultSet same = client().execute("UPDATE users SET name = :name WHERE email = :email",
                                    {{"name", Field("Ann")}, {"email", Field("ann@example.com")}});
  EXPECT_EQ(same.number_of_records_updated, 1) << "CLIENT_FOUND_ROWS: a matched row counts even when unchanged";
  EXPECT_TRUE(same.generated_fields.empty());
  ResultSet both = client().execute("UPDATE users SET name = 'Same'");
  EXPECT_EQ(both.number_of_records_updated, 2);
  ResultSet none = client().execute("UPDATE users SET name = 'x' WHERE id = 999");
  EXPECT_EQ(none.number_of_records_updated, 0);
}

TEST_F(MysqlClientTest, DeleteCountsDeletedRows) {
  insert_user("ann@example.com", "Ann");
  insert_user("bob@example.com", "Bob");
  insert_user("cy@example.com", "Cy");
  EXPECT_EQ(client().execute("DELETE FROM users WHERE id > :id", {{"id", Field(1)}}).number_of_records_updated, 2);
  EXPECT_EQ(client().execute("DELETE FROM users WHERE id > 100").number_of_records_updated, 0);
  EXPECT_EQ(count("users"), 1);
}

TEST_F(MysqlClientTest, SelectReportsNoUpdatedRecords) {
  insert_user("ann@example.com", "Ann");
  ResultSet result = client().execute("SELECT id, email FROM users");
  EXPECT_EQ(result.number_of_records_updated, 0);
  EXPECT_TRUE(result.generated_fields.empty());
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(1), Field("ann@example.com")}));
}

TEST_F(MysqlClientTest, EmptyResultStillDescribesItsColumns) {
  ResultSet result = client().execute("SELECT id, email FROM users WHERE id < 0");
  EXPECT_TRUE(result.records.empty());
  ASSERT_EQ(result.columns.size(), 2u);
  EXPECT_EQ(result.columns[1].label, "email");
}

TEST_F(MysqlClientTest, ManyDistinctStatementsOutgrowTheStatementCache) {
  // More distinct statements than the cache holds: each still runs and answers correctly.
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(scalar("SELECT " + std::to_string(i) + " + :one", {{"one", Field(1)}}), Field(i + 1)) << i;
  }
  EXPECT_EQ(scalar("SELECT 5 + :one", {{"one", Field(1)}}), Field(6));
}

TEST_F(MysqlClientTest, InsertAfterACommentStillReportsItsId) {
  ResultSet block = client().execute("/* sign-up */ INSERT INTO users (email) VALUES ('a@x')");
  EXPECT_EQ(block.number_of_records_updated, 1);
  EXPECT_EQ(block.generated_fields, (std::vector<Field>{Field(1)}));
  ResultSet line = client().execute("-- sign-up\ninsert into users (email) values ('b@x')");
  EXPECT_EQ(line.generated_fields, (std::vector<Field>{Field(2)}));
  ResultSet replace = client().execute("REPLACE INTO users (email) VALUES ('c@x')");
  EXPECT_EQ(replace.generated_fields, (std::vector<Field>{Field(3)}));
}

TEST_F(MysqlClientTest, CachedStatementSeesAnAddedColumn) {
  insert_user("ann@example.com", "Ann");
  ASSERT_EQ(client().execute("SELECT * FROM users").columns.size(), 4u);
  database().connect()->execute("ALTER TABLE users ADD COLUMN score DOUBLE NOT NULL DEFAULT 2.5");
  auto error = catch_error([&] {
    ResultSet wider = client().execute("SELECT * FROM users");
    ASSERT_EQ(wider.columns.size(), 5u);
    ASSERT_EQ(wider.records.size(), 1u);
    EXPECT_EQ(wider.records[0], (Record{Field(1), Field("ann@example.com"), Field("Ann"), Field(), Field(2.5)}));
  });
  EXPECT_FALSE(error.has_value()) << "SELECT * after ALTER TABLE ADD COLUMN: " << error->message;
  // Whatever happened, the connection must still work.
  auto next = catch_error([&] { EXPECT_EQ(scalar("SELECT COUNT(*) FROM users"), Field(1)); });
  EXPECT_FALSE(next.has_value()) << "the next statement failed too: " << next->message;
}

TEST_F(MysqlClientTest, OwnSchemaChangesReachCachedStatements) {
  // The same connection alters a table and replaces a view that cached statements read.
  insert_user("ann@example.com", "Ann");
  ASSERT_EQ(client().execute("SELECT * FROM users").columns.size(), 4u);
  client().execute("ALTER TABLE users ADD COLUMN score DOUBLE NOT NULL DEFAULT 2.5");
  EXPECT_EQ(client().execute("SELECT * FROM users").columns.size(), 5u);

  client().execute("CREATE OR REPLACE VIEW user_view AS SELECT id FROM users");
  ASSERT_EQ(client().execute("SELECT * FROM user_view").columns.size(), 1u);
  client().execute("CREATE OR REPLACE VIEW user_view AS SELECT id, email FROM users");
  ResultSet wider = client().execute("SELECT * FROM user_view");
  ASSERT_EQ(wider.columns.size(), 2u);
  EXPECT_EQ(wider.records.at(0), (Record{Field(1), Field("ann@example.com")}));

  // A plain CREATE (made once, run as text) leaves the cache be and works as any statement.
  client().execute("CREATE TABLE audit (id INT)");
  EXPECT_EQ(client().execute("INSERT INTO audit VALUES (1)").number_of_records_updated, 1);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM audit"), Field(1));
}

TEST_F(MysqlClientTest, SchemaChangeWithParametersIsRefused) {
  try {
    client().execute("CREATE TABLE t_:name (id INT)", {{"name", Field("x")}});
    FAIL() << "a schema change took parameters";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBadParameters) << error.what();
  }
}

// ---- errors ----

TEST_F(MysqlClientTest, DuplicateKeyIsAUniqueViolation) {
  insert_user("ann@example.com", "Ann");
  auto error = catch_error([&] { insert_user("ann@example.com", "Other Ann"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kUniqueViolation);
  EXPECT_EQ(error->code, 1062);
  EXPECT_NE(error->message.find("Duplicate entry"), std::string::npos) << error->message;
  EXPECT_EQ(count("users"), 1);
  auto primary = catch_error([&] { client().execute("INSERT INTO users (id, email) VALUES (1, 'new@x')"); });
  ASSERT_TRUE(primary.has_value());
  EXPECT_EQ(primary->kind, ErrorKind::kUniqueViolation);
  EXPECT_EQ(primary->code, 1062);
}

TEST_F(MysqlClientTest, ForeignKeyFailuresAreConstraintErrors) {
  client().execute(
      "CREATE TABLE posts (id INT PRIMARY KEY, user_id BIGINT NOT NULL,"
      " FOREIGN KEY (user_id) REFERENCES users (id)) ENGINE=InnoDB");
  auto missing_parent = catch_error([&] { client().execute("INSERT INTO posts VALUES (1, 42)"); });
  ASSERT_TRUE(missing_parent.has_value());
  EXPECT_EQ(missing_parent->kind, ErrorKind::kConstraint) << missing_parent->message;
  EXPECT_EQ(missing_parent->code, 1452);

  insert_user("ann@example.com", "Ann");
  client().execute("INSERT INTO posts VALUES (1, 1)");
  auto referenced = catch_error([&] { client().execute("DELETE FROM users WHERE id = 1"); });
  ASSERT_TRUE(referenced.has_value());
  EXPECT_EQ(referenced->kind, ErrorKind::kConstraint) << referenced->message;
  EXPECT_EQ(referenced->code, 1451);
  EXPECT_EQ(count("users"), 1);
}

TEST_F(MysqlClientTest, NotNullAndCheckFailuresAreConstraintErrors) {
  auto not_null = catch_error([&] { client().execute("INSERT INTO users (email) VALUES (:e)", {{"e", Field()}}); });
  ASSERT_TRUE(not_null.has_value());
  EXPECT_EQ(not_null->kind, ErrorKind::kConstraint) << not_null->message;
  EXPECT_EQ(not_null->code, 1048);
  auto check = catch_error([&] { client().execute("INSERT INTO users (email, age) VALUES ('a@x', -1)"); });
  ASSERT_TRUE(check.has_value());
  EXPECT_EQ(check->kind, ErrorKind::kConstraint) << check->message;
  EXPECT_EQ(check->code, 4025);
  EXPECT_EQ(count("users"), 0);
}

TEST_F(MysqlClientTest, SyntaxErrorCarriesTheServersMessage) {
  auto error = catch_error([&] { client().execute("SELEC id FROM users"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kSyntax);
  EXPECT_EQ(error->code, 1064);
  EXPECT_NE(error->message.find("You have an error in your SQL syntax"), std::string::npos) << error->message;
  EXPECT_NE(error->message.find("SELEC id"), std::string::npos) << error->message;
  // The client is still usable.
  EXPECT_EQ(scalar("SELECT 1"), Field(1));
}

TEST_F(MysqlClientTest, UnknownTableAndColumnAreSyntaxErrors) {
  auto table = catch_error([&] { client().execute("SELECT * FROM no_such_table"); });
  ASSERT_TRUE(table.has_value());
  EXPECT_EQ(table->kind, ErrorKind::kSyntax);
  EXPECT_EQ(table->code, 1146);
  EXPECT_NE(table->message.find("no_such_table"), std::string::npos) << table->message;
  auto column = catch_error([&] { client().execute("SELECT no_such_column FROM users"); });
  ASSERT_TRUE(column.has_value());
  EXPECT_EQ(column->kind, ErrorKind::kSyntax);
  EXPECT_EQ(column->code, 1054);
}

TEST_F(MysqlClientTest, LockWaitTimeoutIsBusy) {
  insert_user("ann@example.com", "Ann");
  auto other = database().connect();
  other->execute("SET SESSION innodb_lock_wait_timeout = 1");
  client().begin();
  client().execute("UPDATE users SET name = 'mine' WHERE id = 1");
  auto error = catch_error([&] { other->execute("UPDATE users SET name = 'theirs' WHERE id = 1"); });
  client().rollback();
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kBusy) << error->message;
  EXPECT_EQ(error->code, 1205);
}

// ---- transactions ----

TEST_F(MysqlClientTest, TransactionRollsBackOnScopeExit) {
  auto observer = database().connect();
  {
    Transaction transaction(client());
    insert_user("ann@example.com", "Ann");
    EXPECT_EQ(count("users"), 1);
    EXPECT_EQ(observer->execute("SELECT COUNT(*) FROM users").records.at(0).at(0), Field(0))
        << "another connection sees an uncommitted row";
  }
  EXPECT_EQ(count("users"), 0);
  EXPECT_EQ(observer->execute("SELECT COUNT(*) FROM users").records.at(0).at(0), Field(0));
}

TEST_F(MysqlClientTest, TransactionCommitKeepsItsWrites) {
  auto observer = database().connect();
  {
    Transaction transaction(client());
    insert_user("ann@example.com", "Ann");
    insert_user("bob@example.com", "Bob");
    transaction.commit();
  }
  EXPECT_EQ(observer->execute("SELECT COUNT(*) FROM users").records.at(0).at(0), Field(2));
}

TEST_F(MysqlClientTest, TransactionRollsBackWhenAStatementThrows) {
  try {
    Transaction transaction(client());
    insert_user("ann@example.com", "Ann");
    insert_user("ann@example.com", "Duplicate");  // throws
    transaction.commit();
    FAIL() << "the duplicate insert did not throw";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUniqueViolation);
  }
  EXPECT_EQ(count("users"), 0) << "the first insert of the failed transaction was kept";
}

TEST_F(MysqlClientTest, ExplicitBeginCommitAndRollback) {
  client().begin();
  insert_user("ann@example.com", "Ann");
  client().rollback();
  EXPECT_EQ(count("users"), 0);
  client().begin();
  insert_user("bob@example.com", "Bob");
  client().commit();
  EXPECT_EQ(count("users"), 1);
}

// ---- statements MySQL cannot prepare ----

TEST_F(MysqlClientTest, TriggersAndProceduresAreCreatedThroughExecute) {
  client().execute(
      "CREATE TRIGGER users_lower BEFORE INSERT ON users FOR EACH ROW\n"
      "BEGIN\n"
      "  SET NEW.email = LOWER(NEW.email);\n"
      "  IF NEW.name IS NULL THEN SET NEW.name = 'anonymous'; END IF;\n"
      "END");
  client().execute(
      "CREATE PROCEDURE count_users(IN minimum BIGINT, OUT total BIGINT)\n"
      "BEGIN\n"
      "  SELECT COUNT(*) INTO total FROM users WHERE id >= minimum;\n"
      "END");
  client().execute("INSERT INTO users (email) VALUES ('ANN@Example.COM')");
  insert_user("bob@example.com", "Bob");
  ResultSet rows = client().execute("SELECT email, name FROM users ORDER BY id");
  ASSERT_EQ(rows.records.size(), 2u);
  EXPECT_EQ(rows.records[0], (Record{Field("ann@example.com"), Field("anonymous")}));
  client().execute("CALL count_users(:minimum, @total)", {{"minimum", Field(2)}});
  EXPECT_EQ(scalar("SELECT @total"), Field(1));
}

TEST_F(MysqlClientTest, ProcedureReturningRowsLeavesTheConnectionUsable) {
  insert_user("ann@example.com", "Ann");
  insert_user("bob@example.com", "Bob");
  client().execute("CREATE PROCEDURE list_users() BEGIN SELECT name FROM users ORDER BY id; END");
  ResultSet result = client().execute("CALL list_users()");
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0][0], Field("Ann"));
  EXPECT_EQ(result.records[1][0], Field("Bob"));
  // The CALL's trailing status result must not be left unread for the next statement
  // ("Commands out of sync" on every statement after it).
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto next = catch_error([&] { EXPECT_EQ(scalar("SELECT COUNT(*) FROM users"), Field(2)); });
    EXPECT_FALSE(next.has_value()) << "statement " << attempt + 1 << " after the CALL failed: " << next->message;
  }
  auto again = catch_error([&] { EXPECT_EQ(client().execute("CALL list_users()").records.size(), 2u); });
  EXPECT_FALSE(again.has_value()) << again->message;
}

TEST_F(MysqlClientTest, ProcedureReturningRowsThroughTheTextProtocol) {
  insert_user("ann@example.com", "Ann");
  client().execute("CREATE PROCEDURE list_users() BEGIN SELECT name FROM users ORDER BY id; END");
  ResultSet result = client().execute_text("CALL list_users()");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field("Ann"));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM users"), Field(1));
}

TEST_F(MysqlClientTest, StatementsTheBinaryProtocolRefusesFallBackToText) {
  // PREPARE / EXECUTE cannot themselves be prepared: execute() runs them as text.
  client().execute("PREPARE pick FROM 'SELECT name FROM users WHERE id = ?'");
  insert_user("ann@example.com", "Ann");
  client().execute("SET @wanted = 1");
  ResultSet result = client().execute("EXECUTE pick USING @wanted");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field("Ann"));
  client().execute("DEALLOCATE PREPARE pick");
  // Such a statement cannot take parameters.
  auto error = catch_error([&] { client().execute("PREPARE other FROM :sql", {{"sql", Field("SELECT 1")}}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kBadParameters);
}

TEST_F(MysqlClientTest, ExecuteTextRunsStatementsAndReportsCounts) {
  ResultSet insert = client().execute_text("INSERT INTO users (email, name) VALUES ('a@x', 'A'), ('b@x', 'B')");
  EXPECT_EQ(insert.number_of_records_updated, 2);
  ResultSet rows = client().execute_text("SELECT id, name FROM users ORDER BY id");
  ASSERT_EQ(rows.records.size(), 2u);
  EXPECT_EQ(rows.records[1], (Record{Field(2), Field("B")}));
  auto error = catch_error([&] { client().execute_text("INSERT INTO users (email) VALUES ('a@x')"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kUniqueViolation);
}

// ---- dropped connections ----

TEST_F(MysqlClientTest, KilledConnectionRetriesASelectOnce) {
  insert_user("ann@example.com", "Ann");
  std::int64_t before = connection_id(client());
  kill_connection(before);
  ResultSet result = client().execute("SELECT name FROM users");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field("Ann"));
  EXPECT_NE(connection_id(client()), before) << "the SELECT ran on a new connection";
}

TEST_F(MysqlClientTest, KilledConnectionRetriesACachedSelect) {
  std::int64_t before = connection_id(client());
  kill_connection(before);
  // The very statement whose prepared handle died with the connection.
  std::int64_t after = connection_id(client());
  EXPECT_NE(after, before);
  EXPECT_EQ(scalar("SELECT @@session.time_zone"), Field("+00:00")) << "the new connection is set up like the first";
}

TEST_F(MysqlClientTest, InsertOnAConnectionClosedWhileIdleReconnectsFirst) {
  // The server closed the idle connection (a restart, wait_timeout, KILL): nothing was
  // sent on it, so the client reconnects before sending, and the write happens once.
  std::int64_t before = connection_id(client());
  kill_connection(before);
  auto error = catch_error([&] { insert_user("ann@example.com", "Ann"); });
  EXPECT_FALSE(error.has_value()) << error->message;
  EXPECT_EQ(count("users"), 1);
  EXPECT_NE(connection_id(client()), before);
}

TEST_F(MysqlClientTest, KilledConnectionInsideATransactionIsNotRetried) {
  client().begin();
  insert_user("ann@example.com", "Ann");
  kill_connection(connection_id(client()));
  auto error = catch_error([&] { client().execute("SELECT COUNT(*) FROM users"); });
  ASSERT_TRUE(error.has_value()) << "a read inside a transaction that died must fail, not run outside it";
  EXPECT_EQ(error->kind, ErrorKind::kUnavailable) << error->message;
  // The server rolled the transaction back; the client works again outside one.
  EXPECT_EQ(count("users"), 0);
  insert_user("bob@example.com", "Bob");
  EXPECT_EQ(count("users"), 1);
}

TEST_F(MysqlClientTest, ConnectionKilledDuringARunningSelectRetriesIt) {
  auto victim = database().connect();
  std::int64_t id = connection_id(*victim);
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    // Wait until the victim's SELECT is sleeping on the server, then kill its connection.
    auto watcher = database().connect();
    for (int i = 0; i < 200; ++i) {
      auto state = watcher->execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id AND INFO LIKE 'SELECT SLEEP%'",
                                    {{"id", Field(static_cast<long long>(id))}});
      if (state.records.at(0).at(0).as_long() == 1) {
        watcher->execute("KILL " + std::to_string(id));
        killed = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::optional<ResultSet> result;
  std::string failure;
  try {
    result = victim->execute("SELECT SLEEP(1) AS slept, 'done' AS word");
  } catch (const Error& error) {
    failure = error.what();
  }
  killer.join();
  ASSERT_TRUE(killed.load()) << "the SELECT was never seen running";
  ASSERT_TRUE(result.has_value()) << "a SELECT whose connection died mid-result was not retried: " << failure;
  ASSERT_EQ(result->records.size(), 1u);
  EXPECT_EQ(result->records[0], (Record{Field(0), Field("done")}));
  EXPECT_NE(connection_id(*victim), id);
}

TEST_F(MysqlClientTest, ConnectionKilledWhileStreamingALargeResultRetriesTheSelect) {
  // About 60 KB of rows reach the client at once; the last row comes a second later.
  // The connection dies while the client is reading rows (store_result), not executing.
  const std::string sql =
      "SELECT seq, REPEAT('x', 2000) AS pad, IF(seq = 30, SLEEP(1), 0) AS slept FROM seq_1_to_30 ORDER BY seq";
  auto victim = database().connect();
  std::int64_t id = connection_id(*victim);
  std::atomic<bool> killed{false};
  std::thread killer([&] {
    auto watcher = database().connect();
    for (int i = 0; i < 300; ++i) {
      auto state = watcher->execute(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id AND INFO LIKE 'SELECT seq%'",
          {{"id", Field(static_cast<long long>(id))}});
      if (state.records.at(0).at(0).as_long() == 1) {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        watcher->execute("KILL " + std::to_string(id));
        killed = true;
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  std::optional<ResultSet> result;
  std::string failure;
  try {
    result = victim->execute(sql);
  } catch (const Error& error) {
    failure = error.what();
  }
  killer.join();
  ASSERT_TRUE(killed.load()) << "the SELECT was never seen running";
  ASSERT_TRUE(result.has_value()) << "a SELECT whose connection died mid-result was not retried: " << failure;
  ASSERT_EQ(result->records.size(), 30u);
  EXPECT_EQ(result->records[29][0], Field(30));
  EXPECT_EQ(result->records[29][1], Field(std::string(2000, 'x')));
  EXPECT_EQ(result->records[29][2], Field(0));
  EXPECT_NE(connection_id(*victim), id);
}

// ---- connecting ----

TEST(MysqlConnectTest, BadPasswordIsUnavailableAndHidesThePassword) {
  MysqlSettings settings;
  try {
    settings = mysql_testing::server_settings();
  } catch (const std::exception& error) {
    FAIL() << error.what();
  }
  settings.password = "wrong-Secret-Pw-83142";
  try {
    MysqlClient client(settings);
    FAIL() << "connected with a wrong password";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable) << error.what();
    EXPECT_EQ(error.code(), 1045) << error.what();
    EXPECT_EQ(std::string(error.what()).find("wrong-Secret-Pw-83142"), std::string::npos) << error.what();
  }
}

TEST(MysqlConnectTest, UnreachablePortIsUnavailableAndHidesThePassword) {
  // A port nothing listens on: bind one, note it, close it.
  int sock = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  socklen_t length = sizeof address;
  ASSERT_EQ(::getsockname(sock, reinterpret_cast<sockaddr*>(&address), &length), 0);
  unsigned port = ntohs(address.sin_port);
  ::close(sock);

  const std::string password = "unreachable-Secret-Pw-5521";
  std::string url = "mysql://strata:" + password + "@127.0.0.1:" + std::to_string(port) + "/strata_test?connect_timeout=2";
  auto started = std::chrono::steady_clock::now();
  try {
    auto database = open_database(url);
    EXPECT_EQ(database->description().find(password), std::string::npos);
    database->connect();
    FAIL() << "connected to a port nothing listens on";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable) << error.what();
    EXPECT_EQ(std::string(error.what()).find(password), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(std::to_string(port)), std::string::npos) << error.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(MysqlConnectTest, UnknownDatabaseIsUnavailable) {
  MysqlSettings settings;
  try {
    settings = mysql_testing::server_settings();
  } catch (const std::exception& error) {
    FAIL() << error.what();
  }
  settings.database = "strata_no_such_database_" + mysql_testing::random_suffix();
  try {
    MysqlClient client(settings);
    FAIL() << "connected to a database that does not exist";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUnavailable) << error.what();
    EXPECT_EQ(error.code(), 1049) << error.what();
    EXPECT_EQ(std::string(error.what()).find(settings.password), std::string::npos) << error.what();
  }
}

TEST(MysqlConnectTest, OpenDatabaseConnectsWithTheTestUrl) {
  std::unique_ptr<Database> database;
  try {
    database = open_database(mysql_testing::server_url());
  } catch (const std::exception& error) {
    FAIL() << error.what();
  }
  auto client = database->connect();
  EXPECT_EQ(client->engine(), "mysql");
  EXPECT_EQ(client->execute("SELECT DATABASE()").records.at(0).at(0), Field("strata_test"));
  std::string password = mysql_testing::server_settings().password;
  EXPECT_EQ(database->description().find(password), std::string::npos) << database->description();
  EXPECT_NE(database->description().find("***"), std::string::npos) << database->description();
}

// ---- the connection URL ----

TEST(MysqlSettingsTest, ParsesEveryPart) {
  MysqlSettings settings =
      MysqlSettings::parse("mysql://app:s3cret@db.example.com:3307/blog?ssl=required&connect_timeout=7&read_timeout=9");
  EXPECT_EQ(settings.user, "app");
  EXPECT_EQ(settings.password, "s3cret");
  EXPECT_EQ(settings.host, "db.example.com");
  EXPECT_EQ(settings.port, 3307u);
  EXPECT_EQ(settings.database, "blog");
  EXPECT_TRUE(settings.ssl_required);
  EXPECT_FALSE(settings.ssl_verify);
  EXPECT_EQ(settings.connect_timeout, std::chrono::seconds(7));
  EXPECT_EQ(settings.read_timeout, std::chrono::seconds(9));
}

TEST(MysqlSettingsTest, DefaultsPortAndSsl) {
  MysqlSettings settings = MysqlSettings::parse("mysql://app:pw@localhost/blog");
  EXPECT_EQ(settings.host, "localhost");
  EXPECT_EQ(settings.port, 3306u);
  EXPECT_FALSE(settings.ssl_required);
  EXPECT_FALSE(settings.ssl_verify);
  EXPECT_EQ(settings.connect_timeout, std::chrono::seconds(5));
  EXPECT_EQ(settings.read_timeout, std::chrono::seconds(60));
}

TEST(MysqlSettingsTest, SslValues) {
  EXPECT_TRUE(MysqlSettings::parse("mysql://u:p@h/d?ssl=true").ssl_required);
  MysqlSettings verify = MysqlSettings::parse("mysql://u:p@h/d?ssl=verify");
  EXPECT_TRUE(verify.ssl_required);
  EXPECT_TRUE(verify.ssl_verify);
  EXPECT_FALSE(MysqlSettings::parse("mysql://u:p@h/d?ssl=disabled").ssl_required);
  EXPECT_FALSE(MysqlSettings::parse("mysql://u:p@h/d?ssl=false").ssl_required);
  try {
    MysqlSettings::parse("mysql://u:p@h/d?ssl=sometimes");
    FAIL() << "ssl=sometimes was accepted";
  } catch (const UrlError& error) {
    EXPECT_NE(std::string(error.what()).find("sometimes"), std::string::npos) << error.what();
  }
}

TEST(MysqlSettingsTest, PercentEncodedUserAndPasswordAreDecoded) {
  MysqlSettings settings = MysqlSettings::parse("mysql://us%65r:p%40ss%3Aw%2Fo%25rd%3F@h:3306/d");
  EXPECT_EQ(settings.user, "user");
  EXPECT_EQ(settings.password, "p@ss:w/o%rd?");
  EXPECT_EQ(settings.database, "d");
  // An unencoded @ in the password still splits at the last one.
  EXPECT_EQ(MysqlSettings::parse("mysql://u:a@b@h/d").password, "a@b");
  EXPECT_EQ(MysqlSettings::parse("mysql://u:a@b@h/d").host, "h");
}

TEST(MysqlSettingsTest, UserWithoutPassword) {
  MysqlSettings settings = MysqlSettings::parse("mysql://reader@h:3310/d");
  EXPECT_EQ(settings.user, "reader");
  EXPECT_EQ(settings.password, "");
  EXPECT_EQ(settings.description(), "mysql://reader@h:3310/d");
}

TEST(MysqlSettingsTest, BadUrlsAreRefusedWithoutEchoingThePassword) {
  const std::string password = "Hidden-Pw-9912";
  const std::vector<std::string> bad = {
      "mysql://u:" + password + "@h:3306",               // no database
      "mysql://u:" + password + "@h:3306/",              // empty database
      "mysql://u:" + password + "@h:port/d",             // port not a number
      "mysql://u:" + password + "@h:0/d",                // port zero
      "mysql://u:" + password + "@h:65536/d",            // port too big
      "mysql://u:" + password + "@h:/d",                 // empty port
      "mysql://u:" + password + "@h:33a/d",              // trailing garbage
      "mysql://u:" + password + "%zz@h/d",               // malformed escape
      "mysql://u:" + password + "@h/d?ssl=maybe",        // unknown ssl value
      "mysql://u:" + password + "@h/d?connect_timeout=0",
      "mysql://u:" + password + "@h/d?read_timeout=soon",
      "postgres://u:" + password + "@h/d",  // not mysql
  };
  for (const std::string& url : bad) {
    try {
      MysqlSettings::parse(url);
      ADD_FAILURE() << "accepted " << url;
    } catch (const UrlError& error) {
      EXPECT_EQ(std::string(error.what()).find(password), std::string::npos) << error.what();
      EXPECT_FALSE(std::string(error.what()).empty());
    }
  }
}

TEST(MysqlSettingsTest, BracketedIpv6HostTakesItsPort) {
  MysqlSettings settings = MysqlSettings::parse("mysql://u:p@[::1]:3307/d");
  EXPECT_EQ(settings.port, 3307u);
  EXPECT_EQ(settings.host, "::1");
  EXPECT_EQ(settings.database, "d");
}

TEST(MysqlSettingsTest, DescriptionHidesThePassword) {
  MysqlSettings settings = MysqlSettings::parse("mysql://app:Very%40Secret@db:3307/blog?ssl=required");
  EXPECT_EQ(settings.description(), "mysql://app:***@db:3307/blog?ssl=required");
  EXPECT_EQ(settings.description().find("Secret"), std::string::npos);
  EXPECT_EQ(MysqlSettings::parse("mysql://app:pw@db/blog").description(), "mysql://app:***@db:3306/blog");
}

TEST(MysqlSettingsTest, DescriptionKeepsTheSslMode) {
  EXPECT_EQ(MysqlSettings::parse("mysql://app:pw@db/blog?ssl=verify").description(),
            "mysql://app:***@db:3306/blog?ssl=verify");
}

TEST(MysqlSettingsTest, OpenDatabaseRefusesABadMysqlUrl) {
  EXPECT_THROW(open_database("mysql://u:p@h:99999/d"), UrlError);
  EXPECT_THROW(open_database("mysql://u:p@h"), UrlError);
}

}  // namespace
}  // namespace strata::db
