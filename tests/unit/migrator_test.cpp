// The migrator on SQLite: applying scripts once, in order, and reporting their state.
#include "migrate/migrator.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "db/sqlite_client.hpp"
#include "field_printer.hpp"
#include "temp_folder.hpp"

namespace strata::migrate {
namespace {

using strata::testing::TempFolder;

class MigratorTest : public ::testing::Test {
 protected:
  bool table_exists(const std::string& name) {
    auto result = client.execute("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :name",
                                 {{"name", db::Field(name)}});
    return result.records.at(0).at(0).as_long() > 0;
  }

  std::vector<std::string> history_versions() {
    ensure_history_table(client);
    std::vector<std::string> versions;
    for (const HistoryRow& row : read_history(client)) versions.push_back(row.version);
    return versions;
  }

  // The state of every script, as "version:state".
  std::vector<std::string> states() {
    Migrator migrator(client, folder.path());
    std::vector<std::string> result;
    for (const MigrationStatus& entry : migrator.status()) result.push_back(entry.version + ":" + state_name(entry.state));
    return result;
  }

  std::vector<std::string> up() {
    Migrator migrator(client, folder.path());
    std::vector<std::string> applied;
    for (const AppliedMigration& migration : migrator.up()) applied.push_back(migration.script);
    return applied;
  }

  TempFolder folder;
  db::SqliteClient client{":memory:"};
};

using Strings = std::vector<std::string>;

TEST_F(MigratorTest, UpAppliesScriptsInVersionOrder) {
  folder.write("v10.sql", "INSERT INTO log (step) VALUES ('ten');");
  folder.write("v2.sql", "INSERT INTO log (step) VALUES ('two');");
  folder.write("V1__create_log.sql", "CREATE TABLE log (id INTEGER PRIMARY KEY, step TEXT);");
  EXPECT_EQ(up(), (Strings{"V1__create_log.sql", "v2.sql", "v10.sql"}));
  auto steps = client.execute("SELECT step FROM log ORDER BY id");
  ASSERT_EQ(steps.records.size(), 2u);
  EXPECT_EQ(steps.records[0][0], db::Field("two"));
  EXPECT_EQ(steps.records[1][0], db::Field("ten"));
}

TEST_F(MigratorTest, UpRecordsEachScriptInTheHistoryTable) {
  folder.write("V1__create_posts.sql", "CREATE TABLE posts (id INTEGER PRIMARY KEY);\nCREATE INDEX posts_id ON posts (id);\n");
  folder.write("v2.sql", "INSERT INTO posts (id) VALUES (1);");
  up();
  ensure_history_table(client);
  auto history = read_history(client);
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0].installed_rank, 1);
  EXPECT_EQ(history[0].version, "1");
  EXPECT_EQ(history[0].description, "create posts");
  EXPECT_EQ(history[0].script, "V1__create_posts.sql");
  EXPECT_TRUE(history[0].success);
  EXPECT_EQ(history[0].statements_applied, 2);
  EXPECT_EQ(history[0].checksum, discover_scripts(folder.path(), "sqlite").at(0).checksum);
  EXPECT_EQ(history[0].installed_on.size(), 19u) << history[0].installed_on;
  EXPECT_EQ(history[1].installed_rank, 2);
  EXPECT_EQ(history[1].version, "2");
  EXPECT_EQ(history[1].statements_applied, 1);
}

TEST_F(MigratorTest, UpReportsEachAppliedScript) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n");
  Migrator migrator(client, folder.path());
  std::vector<std::string> seen;
  auto applied = migrator.up([&seen](const AppliedMigration& migration) { seen.push_back(migration.version); });
  EXPECT_EQ(seen, Strings{"1"});
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(applied[0].version, "1");
  EXPECT_EQ(applied[0].script, "v1.sql");
  EXPECT_EQ(applied[0].statements, 2u);
}

TEST_F(MigratorTest, SecondUpAppliesNothing) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("v2.sql", "INSERT INTO a VALUES (1);");
  EXPECT_EQ(up().size(), 2u);
  EXPECT_EQ(up(), Strings{});
  EXPECT_EQ(history_versions(), (Strings{"1", "2"}));
  EXPECT_EQ(client.execute("SELECT COUNT(*) FROM a").records[0][0], db::Field(1));
}

TEST_F(MigratorTest, UpAppliesOnlyScriptsAddedSince) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  up();
  folder.write("v2.sql", "INSERT INTO a VALUES (2);");
  EXPECT_EQ(up(), Strings{"v2.sql"});
  EXPECT_EQ(history_versions(), (Strings{"1", "2"}));
}

TEST_F(MigratorTest, UpWithNoScriptsCreatesOnlyTheHistoryTable) {
  EXPECT_EQ(up(), Strings{});
  EXPECT_TRUE(table_exists(kHistoryTable));
  EXPECT_EQ(history_versions(), Strings{});
}

TEST_F(MigratorTest, TriggerScriptIsAppliedWhole) {
  folder.write("v1.sql",
               "CREATE TABLE a (id INTEGER);\n"
               "CREATE TABLE audit (id INTEGER);\n"
               "CREATE TRIGGER a_audit AFTER INSERT ON a\n"
               "BEGIN\n"
               "  INSERT INTO audit VALUES (new.id);\n"
               "  INSERT INTO audit VALUES (new.id * 10);\n"
               "END;\n"
               "INSERT INTO a VALUES (4);\n");
  up();
  EXPECT_EQ(client.execute("SELECT SUM(id) FROM audit").records[0][0], db::Field(44));
}

TEST_F(MigratorTest, StatusBeforeUpIsPending) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER);");
  EXPECT_EQ(states(), (Strings{"1:pending", "2:pending"}));
}

TEST_F(MigratorTest, StatusAfterUpIsApplied) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER);");
  up();
  folder.write("v3.sql", "CREATE TABLE c (id INTEGER);");
  EXPECT_EQ(states(), (Strings{"1:applied", "2:applied", "3:pending"}));
}

TEST_F(MigratorTest, StatusOfAnAppliedEntryCarriesItsHistoryRow) {
  folder.write("V1__first.sql", "CREATE TABLE a (id INTEGER);");
  up();
  Migrator migrator(client, folder.path());
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].description, "first");
  EXPECT_EQ(status[0].script, "V1__first.sql");
  ASSERT_TRUE(status[0].applied.has_value());
  EXPECT_EQ(status[0].applied->installed_rank, 1);
}

TEST_F(MigratorTest, StatusOfAScriptEditedAfterApplyIsModified) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER);");
  up();
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER, name TEXT);");
  EXPECT_EQ(states(), (Strings{"1:applied", "2:modified"}));
}

TEST_F(MigratorTest, StatusIgnoresLineEndingChanges) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\nCREATE TABLE b (id INTEGER);\n");
  up();
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\r\nCREATE TABLE b (id INTEGER);\r\n");
  EXPECT_EQ(states(), Strings{"1:applied"});
}

TEST_F(MigratorTest, StatusOfAScriptDeletedAfterApplyIsMissing) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("V2__second.sql", "CREATE TABLE b (id INTEGER);");
  folder.write("v3.sql", "CREATE TABLE c (id INTEGER);");
  up();
  std::filesystem::remove(folder.path() / "V2__second.sql");
  Migrator migrator(client, folder.path());
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 3u);
  EXPECT_EQ(status[1].version, "2");
  EXPECT_EQ(status[1].state, State::kMissing);
  EXPECT_EQ(status[1].script, "V2__second.sql");
  EXPECT_EQ(status[1].description, "second");
  EXPECT_EQ(states(), (Strings{"1:applied", "2:missing", "3:applied"}));
}

TEST_F(MigratorTest, StatusListsVersionsNumerically) {
  folder.write("v10.sql", "SELECT 1;");
  folder.write("v9.sql", "SELECT 1;");
  up();
  std::filesystem::remove(folder.path() / "v9.sql");
  folder.write("v1.10.sql", "SELECT 1;");
  folder.write("v1.9.sql", "SELECT 1;");
  EXPECT_EQ(states(), (Strings{"1.9:pending", "1.10:pending", "9:missing", "10:applied"}));
}

TEST_F(MigratorTest, StateNamesAreLowerCaseWords) {
  EXPECT_STREQ(state_name(State::kApplied), "applied");
  EXPECT_STREQ(state_name(State::kPending), "pending");
  EXPECT_STREQ(state_name(State::kFailed), "failed");
  EXPECT_STREQ(state_name(State::kModified), "modified");
  EXPECT_STREQ(state_name(State::kMissing), "missing");
}

constexpr std::string_view kBrokenScript =
    "-- creates a table, then fails\n"
    "CREATE TABLE kept_nowhere (id INTEGER);\n"
    "\n"
    "INSERT INTO kept_nowhere VALUES (1);\n"
    "INSERT INTO no_such_table VALUES (1);\n"
    "CREATE TABLE never_reached (id INTEGER);\n";

TEST_F(MigratorTest, FailingStatementNamesTheScriptAndLine) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("V2__broken.sql", kBrokenScript);
  Migrator migrator(client, folder.path());
  try {
    migrator.up();
    FAIL() << "up() did not throw";
  } catch (const MigrationError& error) {
    std::string message = error.what();
    std::string where = (folder.path() / "V2__broken.sql").string() + ":5: ";
    EXPECT_EQ(message.rfind(where, 0), 0u) << message;
    EXPECT_NE(message.find("no_such_table"), std::string::npos) << message;
  }
}

TEST_F(MigratorTest, FailingScriptLeavesNothingBehind) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("V2__broken.sql", kBrokenScript);
  Migrator migrator(client, folder.path());
  EXPECT_THROW(migrator.up(), MigrationError);
  EXPECT_FALSE(table_exists("kept_nowhere"));
  EXPECT_FALSE(table_exists("never_reached"));
  // The script before it stays applied; the failed one left no history row.
  EXPECT_TRUE(table_exists("a"));
  EXPECT_EQ(history_versions(), Strings{"1"});
  EXPECT_EQ(states(), (Strings{"1:applied", "2:pending"}));
}

TEST_F(MigratorTest, InvalidSqlInTheMiddleIsReportedWithItsLine) {
  folder.write("v1.sql",
               "CREATE TABLE first_table (id INTEGER);\n"
               "CREATE TABLEX oops (id INTEGER);\n"
               "CREATE TABLE third_table (id INTEGER);\n");
  Migrator migrator(client, folder.path());
  try {
    migrator.up();
    FAIL() << "up() did not throw";
  } catch (const MigrationError& error) {
    std::string message = error.what();
    EXPECT_EQ(message.rfind((folder.path() / "v1.sql").string() + ":2: ", 0), 0u) << message;
  }
  EXPECT_FALSE(table_exists("first_table"));
  EXPECT_EQ(history_versions(), Strings{});
}

TEST_F(MigratorTest, LaterScriptsAreNotAppliedAfterAFailure) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\nSELECT * FROM missing;\n");
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER);");
  Migrator migrator(client, folder.path());
  EXPECT_THROW(migrator.up(), MigrationError);
  EXPECT_FALSE(table_exists("b"));
  EXPECT_EQ(history_versions(), Strings{});
}

TEST_F(MigratorTest, FixedScriptAppliesAfterAFailure) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\nSELECT * FROM missing;\n");
  EXPECT_THROW(up(), MigrationError);
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\n");
  EXPECT_EQ(up(), Strings{"v1.sql"});
  EXPECT_TRUE(table_exists("a"));
}

TEST_F(MigratorTest, UnterminatedQuoteIsAMigrationErrorNamingTheScript) {
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);\nINSERT INTO a VALUES ('oops);\n");
  Migrator migrator(client, folder.path());
  try {
    migrator.up();
    FAIL() << "up() did not throw";
  } catch (const MigrationError& error) {
    std::string message = error.what();
    EXPECT_NE(message.find("v1.sql"), std::string::npos) << message;
    EXPECT_NE(message.find("line 2"), std::string::npos) << message;
  }
  EXPECT_FALSE(table_exists("a"));
}

TEST_F(MigratorTest, MigrationsOnAFileDatabaseSurviveReopening) {
  TempFolder data;
  std::string path = (data.path() / "app.db").string();
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  {
    db::SqliteClient file_client(path);
    Migrator migrator(file_client, folder.path());
    EXPECT_EQ(migrator.up().size(), 1u);
  }
  db::SqliteClient reopened(path);
  Migrator migrator(reopened, folder.path());
  EXPECT_TRUE(migrator.up().empty());
  auto status = migrator.status();
  ASSERT_EQ(status.size(), 1u);
  EXPECT_EQ(status[0].state, State::kApplied);
}

TEST_F(MigratorTest, AVersionAnotherConnectionAppliedDuringUpIsNotRunAgain) {
  // up reads the history once; a second migrator on another connection applies v2
  // while the first is between v1 and v2 (as two deploys starting together may).
  TempFolder data;
  std::string path = (data.path() / "app.db").string();
  folder.write("v1.sql", "CREATE TABLE a (id INTEGER);");
  folder.write("v2.sql", "CREATE TABLE b (id INTEGER); INSERT INTO b VALUES (2);");
  folder.write("v3.sql", "CREATE TABLE c (id INTEGER);");
  db::SqliteClient first(path), second(path);
  Migrator other(second, folder.path());
  Strings applied_by_other;
  Migrator migrator(first, folder.path());
  Strings applied;
  migrator.up([&](const AppliedMigration& migration) {
    applied.push_back(migration.script);
    if (migration.script == "v1.sql") {
      for (const AppliedMigration& theirs : other.up({}, Version::parse("2"))) applied_by_other.push_back(theirs.script);
    }
  });
  EXPECT_EQ(applied_by_other, (Strings{"v2.sql"}));
  EXPECT_EQ(applied, (Strings{"v1.sql", "v3.sql"})) << "v2 ran again, or v3 did not run";
  EXPECT_EQ(second.execute("SELECT COUNT(*) FROM b").records.at(0).at(0).as_long(), 1);
  std::vector<HistoryRow> rows = read_history(second);
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ(rows[i].installed_rank, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(rows[i].version, std::to_string(i + 1));
  }
}

}  // namespace
}  // namespace strata::migrate
