// The SQLite executor: named parameters, Data API results, errors, transactions.
#include "db/sqlite_client.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "field_printer.hpp"

namespace strata::db {
namespace {

// The kind of the db::Error that `call` throws; fails the test when it throws nothing.
std::optional<ErrorKind> error_kind(const std::function<void()>& call, std::string* message = nullptr) {
  try {
    call();
  } catch (const Error& error) {
    if (message) *message = error.what();
    return error.kind();
  }
  return std::nullopt;
}

class SqliteClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(250) NOT NULL UNIQUE, name TEXT)");
  }

  std::int64_t count_users() { return client.execute("SELECT COUNT(*) AS n FROM users").records.at(0).at(0).as_long(); }

  SqliteClient client{":memory:"};
};

TEST_F(SqliteClientTest, EngineIsSqlite) { EXPECT_EQ(client.engine(), "sqlite"); }

TEST_F(SqliteClientTest, SqliteKeepsNoMemoryStatistics) {
  // Configured before SQLite's first use: statistics cost a global mutex per allocation.
  client.execute("INSERT INTO users (email, name) VALUES ('a@example.com', 'A')");
  EXPECT_EQ(client.execute("SELECT * FROM users").records.size(), 1u);
  EXPECT_EQ(sqlite3_memory_used(), 0);
}

TEST_F(SqliteClientTest, NamedParametersAreBound) {
  client.execute("INSERT INTO users (email, name) VALUES (:email, :name)",
                 {{"email", Field("ann@example.com")}, {"name", Field("Ann")}});
  ResultSet result = client.execute("SELECT name FROM users WHERE email = :email", {{"email", Field("ann@example.com")}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field("Ann"));
}

TEST_F(SqliteClientTest, ParameterUsedTwiceInTheSqlIsGivenOnce) {
  ResultSet result = client.execute("SELECT :x + :x AS doubled", {{"x", Field(21)}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field(42));
}

TEST_F(SqliteClientTest, ParameterValuesAreNeverSplicedIntoTheSql) {
  std::string hostile = "x'); DROP TABLE users; --";
  client.execute("INSERT INTO users (email) VALUES (:email)", {{"email", Field(hostile)}});
  ResultSet result = client.execute("SELECT email FROM users");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field(hostile));
}

TEST_F(SqliteClientTest, NullParameterIsBoundAsNull) {
  client.execute("INSERT INTO users (email, name) VALUES (:email, :name)",
                 {{"email", Field("a@example.com")}, {"name", Field(nullptr)}});
  ResultSet result = client.execute("SELECT name, name IS NULL AS missing FROM users");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_TRUE(result.records[0][0].is_null());
  EXPECT_EQ(result.records[0][1], Field(1));
}

TEST_F(SqliteClientTest, ParameterMissingFromTheCallIsBadParameters) {
  std::string message;
  auto kind = error_kind(
      [&] { client.execute("INSERT INTO users (email, name) VALUES (:email, :name)", {{"email", Field("a@b.c")}}); },
      &message);
  EXPECT_EQ(kind, ErrorKind::kBadParameters);
  EXPECT_NE(message.find(":name"), std::string::npos) << message;
  EXPECT_EQ(count_users(), 0);
}

TEST_F(SqliteClientTest, ParameterTheSqlLacksIsBadParameters) {
  std::string message;
  auto kind = error_kind(
      [&] {
        client.execute("INSERT INTO users (email) VALUES (:email)", {{"email", Field("a@b.c")}, {"nmae", Field("Ann")}});
      },
      &message);
  EXPECT_EQ(kind, ErrorKind::kBadParameters);
  EXPECT_NE(message.find("nmae"), std::string::npos) << message;
  EXPECT_EQ(count_users(), 0);
}

TEST_F(SqliteClientTest, ParameterForSqlWithoutParametersIsBadParameters) {
  EXPECT_EQ(error_kind([&] { client.execute("SELECT 1", {{"x", Field(1)}}); }), ErrorKind::kBadParameters);
}

TEST_F(SqliteClientTest, ParameterGivenTwiceIsBadParameters) {
  EXPECT_EQ(error_kind([&] { client.execute("SELECT :x", {{"x", Field(1)}, {"x", Field(2)}}); }),
            ErrorKind::kBadParameters);
}

TEST_F(SqliteClientTest, PositionalParameterIsRejected) {
  std::string message;
  auto kind = error_kind([&] { client.execute("SELECT * FROM users WHERE id = ?", {{"id", Field(1)}}); }, &message);
  EXPECT_EQ(kind, ErrorKind::kBadParameters);
  EXPECT_NE(message.find("positional"), std::string::npos) << message;
}

TEST_F(SqliteClientTest, NumberedPositionalParameterIsRejected) {
  EXPECT_EQ(error_kind([&] { client.execute("SELECT ?1", {}); }), ErrorKind::kBadParameters);
}

TEST_F(SqliteClientTest, FailedBindDoesNotLeaveTheStatementUnusable) {
  const char* sql = "SELECT :a AS a";
  EXPECT_EQ(error_kind([&] { client.execute(sql, {}); }), ErrorKind::kBadParameters);
  ResultSet result = client.execute(sql, {{"a", Field(7)}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field(7));
}

TEST_F(SqliteClientTest, TwoStatementsInOneCallAreRejected) {
  std::string message;
  auto kind = error_kind(
      [&] { client.execute("INSERT INTO users (email) VALUES ('a@b.c'); INSERT INTO users (email) VALUES ('d@e.f')"); },
      &message);
  ASSERT_TRUE(kind.has_value());
  EXPECT_NE(message.find("more than one statement"), std::string::npos) << message;
  EXPECT_EQ(count_users(), 0);
}

TEST_F(SqliteClientTest, TrailingSemicolonAndCommentAreOneStatement) {
  ResultSet result = client.execute("SELECT 1 AS one; -- done");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field(1));
}

TEST_F(SqliteClientTest, SyntaxErrorIsKindSyntax) {
  EXPECT_EQ(error_kind([&] { client.execute("SELEC 1"); }), ErrorKind::kSyntax);
}

TEST_F(SqliteClientTest, UniqueViolationIsKindUniqueViolation) {
  client.execute("INSERT INTO users (email) VALUES ('a@b.c')");
  std::string message;
  auto kind = error_kind([&] { client.execute("INSERT INTO users (email) VALUES ('a@b.c')"); }, &message);
  EXPECT_EQ(kind, ErrorKind::kUniqueViolation);
  EXPECT_NE(message.find("UNIQUE"), std::string::npos) << message;
}

TEST_F(SqliteClientTest, PrimaryKeyViolationIsKindUniqueViolation) {
  client.execute("INSERT INTO users (id, email) VALUES (1, 'a@b.c')");
  EXPECT_EQ(error_kind([&] { client.execute("INSERT INTO users (id, email) VALUES (1, 'd@e.f')"); }),
            ErrorKind::kUniqueViolation);
}

TEST_F(SqliteClientTest, NotNullViolationIsKindConstraint) {
  EXPECT_EQ(error_kind([&] { client.execute("INSERT INTO users (name) VALUES ('Ann')"); }), ErrorKind::kConstraint);
}

TEST_F(SqliteClientTest, ForeignKeysAreEnforced) {
  client.execute("CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id))");
  EXPECT_EQ(error_kind([&] { client.execute("INSERT INTO posts (user_id) VALUES (99)"); }), ErrorKind::kConstraint);
}

TEST_F(SqliteClientTest, InsertReportsOneRecordUpdatedAndTheGeneratedKey) {
  client.execute("INSERT INTO users (id, email) VALUES (41, 'x@example.com')");
  ResultSet result = client.execute("INSERT INTO users (email) VALUES (:email)", {{"email", Field("y@example.com")}});
  EXPECT_EQ(result.number_of_records_updated, 1);
  ASSERT_EQ(result.generated_fields.size(), 1u);
  EXPECT_EQ(result.generated_fields[0], Field(42));
  EXPECT_TRUE(result.columns.empty());
  EXPECT_TRUE(result.records.empty());
}

TEST_F(SqliteClientTest, MultiRowInsertReportsEveryRow) {
  ResultSet result = client.execute("INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x')");
  EXPECT_EQ(result.number_of_records_updated, 3);
}

TEST_F(SqliteClientTest, UpdateReportsRecordsUpdatedAndNoGeneratedFields) {
  client.execute("INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x')");
  ResultSet result = client.execute("UPDATE users SET name = 'n' WHERE email <> :email", {{"email", Field("b@x")}});
  EXPECT_EQ(result.number_of_records_updated, 2);
  EXPECT_TRUE(result.generated_fields.empty());
}

TEST_F(SqliteClientTest, DeleteReportsRecordsUpdated) {
  client.execute("INSERT INTO users (email) VALUES ('a@x'), ('b@x'), ('c@x')");
  ResultSet result = client.execute("DELETE FROM users WHERE email IN ('a@x', 'c@x')");
  EXPECT_EQ(result.number_of_records_updated, 2);
  EXPECT_TRUE(result.generated_fields.empty());
  EXPECT_EQ(count_users(), 1);
}

TEST_F(SqliteClientTest, InsertWithCommonTableExpressionReportsRecordsUpdated) {
  ResultSet result = client.execute(
      "WITH names(n) AS (VALUES ('a'), ('b')) INSERT INTO users (email) SELECT n || '@x' FROM names");
  EXPECT_EQ(count_users(), 2);
  EXPECT_EQ(result.number_of_records_updated, 2);
}

TEST_F(SqliteClientTest, LowerCaseStatementAfterACommentReportsRecordsUpdated) {
  client.execute("INSERT INTO users (email) VALUES ('a@x')");
  ResultSet result = client.execute("-- rename\n/* all */ update users set name = 'n'");
  EXPECT_EQ(result.number_of_records_updated, 1);
}

TEST_F(SqliteClientTest, UpdateMatchingNothingReportsZero) {
  ResultSet result = client.execute("UPDATE users SET name = 'n'");
  EXPECT_EQ(result.number_of_records_updated, 0);
}

TEST_F(SqliteClientTest, SelectReportsNoRecordsUpdated) {
  client.execute("INSERT INTO users (email) VALUES ('a@x')");
  ResultSet result = client.execute("SELECT * FROM users");
  EXPECT_EQ(result.number_of_records_updated, 0);
  EXPECT_TRUE(result.generated_fields.empty());
}

TEST_F(SqliteClientTest, ColumnMetadataGivesLabelAndOriginalName) {
  ResultSet result = client.execute("SELECT id AS user_id, email FROM users");
  ASSERT_EQ(result.columns.size(), 2u);
  EXPECT_EQ(result.columns[0].label, "user_id");
  EXPECT_EQ(result.columns[0].name, "id");
  EXPECT_EQ(result.columns[1].label, "email");
  EXPECT_EQ(result.columns[1].name, "email");
  EXPECT_EQ(result.column_index("user_id"), 0);
  EXPECT_EQ(result.column_index("id"), -1);
}

TEST_F(SqliteClientTest, ColumnMetadataGivesTableName) {
  ResultSet result = client.execute("SELECT u.email FROM users AS u");
  ASSERT_EQ(result.columns.size(), 1u);
  EXPECT_EQ(result.columns[0].table_name, "users");
}

TEST_F(SqliteClientTest, ColumnMetadataOfVarcharGivesTypeAndPrecision) {
  ResultSet result = client.execute("SELECT email FROM users");
  ASSERT_EQ(result.columns.size(), 1u);
  const ColumnMetadata& email = result.columns[0];
  EXPECT_EQ(email.type_name, "VARCHAR");
  EXPECT_EQ(email.type, jdbc::kVarChar);
  EXPECT_EQ(email.precision, 250);
  EXPECT_TRUE(email.is_case_sensitive);
}

TEST_F(SqliteClientTest, ColumnMetadataGivesNullability) {
  ResultSet result = client.execute("SELECT email, name FROM users");
  ASSERT_EQ(result.columns.size(), 2u);
  EXPECT_EQ(result.columns[0].nullable, 0);
  EXPECT_EQ(result.columns[1].nullable, 1);
}

TEST_F(SqliteClientTest, IntegerPrimaryKeyIsAutoIncrement) {
  ResultSet result = client.execute("SELECT id, email FROM users");
  ASSERT_EQ(result.columns.size(), 2u);
  EXPECT_TRUE(result.columns[0].is_auto_increment);
  EXPECT_EQ(result.columns[0].type, jdbc::kInteger);
  EXPECT_EQ(result.columns[0].type_name, "INTEGER");
  EXPECT_TRUE(result.columns[0].is_signed);
  EXPECT_FALSE(result.columns[1].is_auto_increment);
}

TEST_F(SqliteClientTest, TextPrimaryKeyIsNotAutoIncrement) {
  client.execute("CREATE TABLE tags (name TEXT PRIMARY KEY)");
  ResultSet result = client.execute("SELECT name FROM tags");
  ASSERT_EQ(result.columns.size(), 1u);
  EXPECT_FALSE(result.columns[0].is_auto_increment);
}

TEST_F(SqliteClientTest, ExpressionColumnHasNoTable) {
  ResultSet result = client.execute("SELECT 1 + 1 AS two");
  ASSERT_EQ(result.columns.size(), 1u);
  EXPECT_EQ(result.columns[0].label, "two");
  EXPECT_EQ(result.columns[0].name, "two");
  EXPECT_EQ(result.columns[0].table_name, "");
  EXPECT_EQ(result.columns[0].type, jdbc::kOther);
  EXPECT_EQ(result.columns[0].nullable, 2);
}

TEST_F(SqliteClientTest, DeclaredTypesMapToJdbcTypes) {
  client.execute(
      "CREATE TABLE kinds (a BIGINT, b SMALLINT, c DOUBLE, d DECIMAL(10,2), e DATETIME, f DATE, g BLOB, h CHAR(3), "
      "i TEXT, j BOOLEAN)");
  ResultSet result = client.execute("SELECT * FROM kinds");
  ASSERT_EQ(result.columns.size(), 10u);
  EXPECT_EQ(result.columns[0].type, jdbc::kBigInt);
  EXPECT_EQ(result.columns[1].type, jdbc::kSmallInt);
  EXPECT_EQ(result.columns[2].type, jdbc::kDouble);
  EXPECT_EQ(result.columns[3].type, jdbc::kDecimal);
  EXPECT_EQ(result.columns[3].precision, 10);
  EXPECT_EQ(result.columns[3].scale, 2);
  EXPECT_EQ(result.columns[4].type, jdbc::kTimestamp);
  EXPECT_EQ(result.columns[5].type, jdbc::kDate);
  EXPECT_EQ(result.columns[6].type, jdbc::kLongVarBinary);
  EXPECT_EQ(result.columns[7].type, jdbc::kChar);
  EXPECT_EQ(result.columns[7].precision, 3);
  EXPECT_EQ(result.columns[8].type, jdbc::kLongVarChar);
  EXPECT_EQ(result.columns[9].type, jdbc::kBoolean);
  EXPECT_EQ(result.columns[9].type_name, "BOOLEAN");
}

TEST_F(SqliteClientTest, BooleanColumnGivesBooleanValues) {
  client.execute("CREATE TABLE flags (id INTEGER PRIMARY KEY, on_off BOOLEAN)");
  client.execute("INSERT INTO flags (on_off) VALUES (:a), (:b), (NULL)", {{"a", Field(true)}, {"b", Field(false)}});
  ResultSet result = client.execute("SELECT on_off FROM flags ORDER BY id");
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0][0], Field(true));
  EXPECT_EQ(result.records[1][0], Field(false));
  EXPECT_TRUE(result.records[2][0].is_null());
}

TEST_F(SqliteClientTest, IntegerColumnGivesLongValues) {
  client.execute("INSERT INTO users (id, email) VALUES (9000000000, 'a@x')");
  ResultSet result = client.execute("SELECT id FROM users");
  ASSERT_EQ(result.records.size(), 1u);
  ASSERT_TRUE(result.records[0][0].is_long());
  EXPECT_EQ(result.records[0][0].as_long(), 9000000000);
}

TEST_F(SqliteClientTest, RealValuesRoundTripAsDoubles) {
  ResultSet result = client.execute("SELECT :x AS x", {{"x", Field(0.1)}});
  ASSERT_EQ(result.records.size(), 1u);
  ASSERT_TRUE(result.records[0][0].is_double());
  EXPECT_EQ(result.records[0][0].as_double(), 0.1);
}

TEST_F(SqliteClientTest, TextWithNulRoundTrips) {
  std::string text("a\0b", 3);
  ResultSet result = client.execute("SELECT :t AS t", {{"t", Field(text)}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0][0], Field(text));
}

TEST_F(SqliteClientTest, BlobWithNulBytesRoundTrips) {
  client.execute("CREATE TABLE files (id INTEGER PRIMARY KEY, data BLOB)");
  Blob data{0x00, 0x01, 0xFF, 0x00, 'x', 0x00};
  client.execute("INSERT INTO files (data) VALUES (:data)", {{"data", Field(data)}});
  ResultSet result = client.execute("SELECT data, length(data) AS size FROM files");
  ASSERT_EQ(result.records.size(), 1u);
  ASSERT_TRUE(result.records[0][0].is_blob());
  EXPECT_EQ(result.records[0][0].as_blob(), data);
  EXPECT_EQ(result.records[0][1], Field(6));
}

TEST_F(SqliteClientTest, EmptyBlobRoundTripsAsEmptyBlob) {
  ResultSet result = client.execute("SELECT :data AS data", {{"data", Field(Blob{})}});
  ASSERT_EQ(result.records.size(), 1u);
  ASSERT_TRUE(result.records[0][0].is_blob()) << "an empty blob came back as another kind (NULL?)";
  EXPECT_TRUE(result.records[0][0].as_blob().empty());
}

TEST_F(SqliteClientTest, TransactionRollsBackOnDestructionWithoutCommit) {
  {
    Transaction transaction(client);
    client.execute("INSERT INTO users (email) VALUES ('a@x')");
    EXPECT_EQ(count_users(), 1);
  }
  EXPECT_EQ(count_users(), 0);
}

TEST_F(SqliteClientTest, TransactionKeepsCommittedWork) {
  {
    Transaction transaction(client);
    client.execute("INSERT INTO users (email) VALUES ('a@x')");
    transaction.commit();
  }
  EXPECT_EQ(count_users(), 1);
}

TEST_F(SqliteClientTest, TransactionRollsBackWhenAnExceptionLeavesTheScope) {
  try {
    Transaction transaction(client);
    client.execute("INSERT INTO users (email) VALUES ('a@x')");
    client.execute("INSERT INTO users (email) VALUES ('a@x')");  // unique violation
    transaction.commit();
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kUniqueViolation);
  }
  EXPECT_EQ(count_users(), 0);
  // The connection is usable for a new transaction.
  Transaction again(client);
  client.execute("INSERT INTO users (email) VALUES ('b@x')");
  again.commit();
  EXPECT_EQ(count_users(), 1);
}

TEST_F(SqliteClientTest, ExplicitBeginAndRollback) {
  client.begin();
  client.execute("INSERT INTO users (email) VALUES ('a@x')");
  client.rollback();
  EXPECT_EQ(count_users(), 0);
  client.begin();
  client.execute("INSERT INTO users (email) VALUES ('a@x')");
  client.commit();
  EXPECT_EQ(count_users(), 1);
}

TEST_F(SqliteClientTest, StatementCacheSeesAnAddedColumn) {
  client.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
  client.execute("INSERT INTO notes (body) VALUES ('first')");
  ResultSet before = client.execute("SELECT * FROM notes");
  ASSERT_EQ(before.columns.size(), 2u);

  client.execute("ALTER TABLE notes ADD COLUMN pinned BOOLEAN NOT NULL DEFAULT 1");
  ResultSet after = client.execute("SELECT * FROM notes");
  ASSERT_EQ(after.columns.size(), 3u);
  EXPECT_EQ(after.columns[2].label, "pinned");
  EXPECT_EQ(after.columns[2].type, jdbc::kBoolean);
  ASSERT_EQ(after.records.size(), 1u);
  ASSERT_EQ(after.records[0].size(), 3u);
  EXPECT_EQ(after.records[0][1], Field("first"));
  EXPECT_EQ(after.records[0][2], Field(true));
}

TEST_F(SqliteClientTest, StatementCacheSeesAColumnTypeChangeAfterDropAndCreate) {
  client.execute("CREATE TABLE t (v TEXT)");
  ResultSet before = client.execute("SELECT v FROM t");
  ASSERT_EQ(before.columns.size(), 1u);
  EXPECT_EQ(before.columns[0].type, jdbc::kLongVarChar);

  client.execute("DROP TABLE t");
  client.execute("CREATE TABLE t (v BOOLEAN)");
  client.execute("INSERT INTO t (v) VALUES (1)");
  ResultSet after = client.execute("SELECT v FROM t");
  ASSERT_EQ(after.columns.size(), 1u);
  EXPECT_EQ(after.columns[0].type, jdbc::kBoolean);
  ASSERT_EQ(after.records.size(), 1u);
  EXPECT_EQ(after.records[0][0], Field(true));
}

TEST(SqliteClient, UnopenableFileIsKindUnavailable) {
  EXPECT_EQ(error_kind([] { SqliteClient client("/nonexistent-dir-for-strata-tests/sub/db.sqlite"); }),
            ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace strata::db
