// The migrator on a real MariaDB: order, scripts with quotes, comments, DELIMITER,
// triggers and procedures, engine variants, resuming a half-applied migration,
// concurrent migrators, and the blog example's own migrations.
#include "migrate/migrator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/sha256.hpp"
#include "migrate/history.hpp"
#include "mysql_test_support.hpp"

namespace strata::migrate {
namespace {

using mysql_testing::MysqlTest;
using mysql_testing::TempFolder;
using Strings = std::vector<std::string>;

class MysqlMigratorTest : public MysqlTest {
 protected:
  Strings up(db::Client& target) {
    Migrator migrator(target, folder.path());
    Strings applied;
    for (const AppliedMigration& migration : migrator.up()) applied.push_back(migration.script);
    return applied;
  }
  Strings up() { return up(client()); }

  // The MigrationError that up throws; a test failure (and "") when it throws none.
  std::string up_error(const std::string& why_it_must_fail) {
    try {
      up();
    } catch (const MigrationError& error) {
      return error.what();
    }
    ADD_FAILURE() << "up did not fail, but " << why_it_must_fail;
    return "";
  }

  // "version:state" of every script.
  Strings states() {
    Migrator migrator(client(), folder.path());
    Strings result;
    for (const MigrationStatus& entry : migrator.status()) result.push_back(entry.version + ":" + state_name(entry.state));
    return result;
  }

  std::vector<HistoryRow> history() { return read_history(client()); }

  bool table_exists(const std::string& name) {
    return scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = :name",
                  {{"name", db::Field(name)}})
               .as_long() == 1;
  }

  Strings column_strings(const std::string& sql) {
    Strings values;
    for (const db::Record& record : client().execute(sql).records) values.push_back(record.at(0).as_string());
    return values;
  }

  TempFolder folder;
};

TEST_F(MysqlMigratorTest, AppliesScriptsInNumericVersionOrder) {
  folder.write("v10.sql", "INSERT INTO log (step) VALUES ('ten');");
  folder.write("v2.sql", "INSERT INTO log (step) VALUES ('two');");
  folder.write("V1__create_log.sql", "CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, step VARCHAR(10));");
  EXPECT_EQ(up(), (Strings{"V1__create_log.sql", "v2.sql", "v10.sql"}));
  EXPECT_EQ(column_strings("SELECT step FROM log ORDER BY id"), (Strings{"two", "ten"}));
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].version, "1");
  EXPECT_EQ(rows[0].description, "create log");
  EXPECT_EQ(rows[1].version, "2");
  EXPECT_EQ(rows[2].version, "10");
  for (const HistoryRow& row : rows) {
    EXPECT_TRUE(row.success) << row.version;
    EXPECT_EQ(row.statements_applied, 1) << row.version;
    EXPECT_EQ(row.installed_on.size(), 19u) << row.installed_on;
  }
  EXPECT_EQ(states(), (Strings{"1:applied", "2:applied", "10:applied"}));
  EXPECT_TRUE(up().empty()) << "a second up applied something again";
  EXPECT_EQ(count("log"), 2);
}

TEST_F(MysqlMigratorTest, StatusBeforeAnyMigrationIsPending) {
  folder.write("v1.sql", "CREATE TABLE a (id INT);");
  folder.write("v2.sql", "CREATE TABLE b (id INT);");
  EXPECT_EQ(states(), (Strings{"1:pending", "2:pending"}));
  EXPECT_FALSE(table_exists("a"));
}

TEST_F(MysqlMigratorTest, ScriptWithQuotesCommentsDelimiterTriggerAndProcedure) {
  folder.write("v1.sql", R"sql(-- Notes; with a semicolon in a comment
CREATE TABLE notes (
  id INT AUTO_INCREMENT PRIMARY KEY,
  body VARCHAR(200) NOT NULL, # a hash comment; too
  body_length INT NULL
);
/* a block comment; with ' and " in it */
INSERT INTO notes (body) VALUES ('it''s; a \'test\' -- not a comment'), ("double; \"quoted\" /* not a comment */");

DELIMITER $$
CREATE TRIGGER notes_length BEFORE INSERT ON notes FOR EACH ROW
BEGIN
  IF NEW.body = '' THEN
    SET NEW.body = '(empty; really)';
  END IF;
  SET NEW.body_length = CHAR_LENGTH(NEW.body);
END$$

CREATE PROCEDURE count_notes(OUT total INT)
BEGIN
  DECLARE n INT DEFAULT 0;
  SELECT COUNT(*) INTO n FROM notes;
  SET total = n;
END$$
DELIMITER ;

INSERT INTO notes (body) VALUES ('after; the trigger');
INSERT INTO notes (body) VALUES ('');
)sql");
  EXPECT_EQ(up(), (Strings{"v1.sql"}));
  ASSERT_EQ(history().size(), 1u);
  EXPECT_EQ(history()[0].statements_applied, 6);

  db::ResultSet notes = client().execute("SELECT body, body_length FROM notes ORDER BY id");
  ASSERT_EQ(notes.records.size(), 4u);
  EXPECT_EQ(notes.records[0], (db::Record{db::Field("it's; a 'test' -- not a comment"), db::Field()}));
  EXPECT_EQ(notes.records[1], (db::Record{db::Field("double; \"quoted\" /* not a comment */"), db::Field()}));
  EXPECT_EQ(notes.records[2], (db::Record{db::Field("after; the trigger"), db::Field(18)}));
  EXPECT_EQ(notes.records[3], (db::Record{db::Field("(empty; really)"), db::Field(15)}));

  EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA = DATABASE() AND "
                   "TRIGGER_NAME = 'notes_length'"),
            db::Field(1));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.ROUTINES WHERE ROUTINE_SCHEMA = DATABASE() AND "
                   "ROUTINE_NAME = 'count_notes' AND ROUTINE_TYPE = 'PROCEDURE'"),
            db::Field(1));
  client().execute("CALL count_notes(@total)");
  EXPECT_EQ(scalar("SELECT @total"), db::Field(4));
  // The trigger keeps working for later inserts.
  client().execute("INSERT INTO notes (body) VALUES ('x')");
  EXPECT_EQ(scalar("SELECT body_length FROM notes WHERE body = 'x'"), db::Field(1));
}

TEST_F(MysqlMigratorTest, MysqlVariantRunsAndSqliteVariantDoesNot) {
  folder.write("v1.sql", "CREATE TABLE engines (name VARCHAR(20));");
  folder.write("v2.sql", "INSERT INTO engines VALUES ('every');");
  folder.write("v3.mysql.sql", "INSERT INTO engines VALUES ('mysql');");
  // Would fail on MySQL if it ran: SQLite-only syntax.
  folder.write("v3.sqlite.sql", "INSERT INTO engines VALUES ('sqlite');\nCREATE TABLE only_sqlite (x) WITHOUT ROWID;");
  EXPECT_EQ(up(), (Strings{"v1.sql", "v2.sql", "v3.mysql.sql"}));
  EXPECT_EQ(column_strings("SELECT name FROM engines ORDER BY name"), (Strings{"every", "mysql"}));
  EXPECT_FALSE(table_exists("only_sqlite"));
  ASSERT_EQ(history().size(), 3u);
  EXPECT_EQ(history()[2].script, "v3.mysql.sql");
}

// Three statements, the second wrong (on line 4), as the failing-migration tests start.
constexpr const char* kCreateA = "CREATE TABLE a (id INT PRIMARY KEY);";
constexpr const char* kBrokenInsert = "INSERT INTO no_such_table VALUES (1);";
constexpr const char* kFixedInsert = "INSERT INTO a VALUES (1);";
constexpr const char* kCreateC = "CREATE TABLE c (id INT PRIMARY KEY);";

std::string three_statements(const std::string& first, const std::string& second) {
  return first + "\n-- the second statement\n\n" + second + "\n" + kCreateC + "\n";
}

class MysqlFailedMigrationTest : public MysqlMigratorTest {
 protected:
  // v1 succeeds; v2 fails at its statement 2 of 3.
  void fail_v2() {
    folder.write("v1.sql", "CREATE TABLE log (id INT);");
    folder.write("v2.sql", three_statements(kCreateA, kBrokenInsert));
    failure = up_error("the migration is broken");
  }
  std::string failure;
};

TEST_F(MysqlFailedMigrationTest, FailureNamesFileLineAndStatementAndIsRecorded) {
  fail_v2();
  EXPECT_NE(failure.find((folder.path() / "v2.sql").string() + ":4"), std::string::npos) << failure;
  EXPECT_NE(failure.find("statement 2 of 3"), std::string::npos) << failure;
  EXPECT_NE(failure.find("no_such_table"), std::string::npos) << failure;

  EXPECT_TRUE(table_exists("a")) << "MySQL committed statement 1";
  EXPECT_FALSE(table_exists("c"));
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].version, "1");
  EXPECT_TRUE(rows[0].success);
  EXPECT_EQ(rows[1].version, "2");
  EXPECT_FALSE(rows[1].success);
  EXPECT_EQ(rows[1].statements_applied, 1);
  EXPECT_FALSE(has_statement_in_flight(rows[1])) << "the failed INSERT is recorded as not run";
  EXPECT_EQ(rows[1].script, "v2.sql");
  EXPECT_EQ(states(), (Strings{"1:applied", "2:failed"}));
}

TEST_F(MysqlFailedMigrationTest, FixingTheFailedStatementResumesThere) {
  fail_v2();
  // Statement 1 unchanged (re-running CREATE TABLE a would fail: it exists), statement 2 fixed.
  folder.write("v2.sql", three_statements(kCreateA, kFixedInsert));
  EXPECT_EQ(up(), (Strings{"v2.sql"}));
  EXPECT_EQ(count("a"), 1);
  EXPECT_TRUE(table_exists("c"));
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 2u) << "the failed row must give way to the successful one";
  EXPECT_EQ(rows[1].version, "2");
  EXPECT_TRUE(rows[1].success);
  EXPECT_EQ(rows[1].statements_applied, 3);
  EXPECT_EQ(rows[1].checksum, discover_scripts(folder.path(), "mysql").at(1).checksum);
  EXPECT_EQ(states(), (Strings{"1:applied", "2:applied"}));
  EXPECT_TRUE(up().empty());
}

TEST_F(MysqlFailedMigrationTest, RunningUpAgainUnfixedFailsAgainAtTheSameStatement) {
  fail_v2();
  std::string error = up_error("the migration is still broken");
  EXPECT_NE(error.find("statement 2 of 3"), std::string::npos) << error;
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 2u) << "one failed row per version, not one per attempt";
  EXPECT_FALSE(rows[1].success);
  EXPECT_EQ(rows[1].statements_applied, 1);
}

TEST_F(MysqlFailedMigrationTest, ChangingAnAppliedStatementRefusesAndPointsAtRepair) {
  fail_v2();
  folder.write("v2.sql", three_statements("CREATE TABLE a (id INT PRIMARY KEY, extra INT);", kFixedInsert));
  std::string error = up_error("statement 1, already applied, has changed");
  EXPECT_NE(error.find("repair"), std::string::npos) << error;
  EXPECT_NE(error.find("v2.sql"), std::string::npos) << error;
  EXPECT_EQ(count("a"), 0);
  EXPECT_FALSE(table_exists("c"));
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_FALSE(rows[1].success);
  EXPECT_EQ(states(), (Strings{"1:applied", "2:failed"}));
}

TEST_F(MysqlFailedMigrationTest, FailureAtTheFirstStatementLeavesNothingApplied) {
  folder.write("v1.sql", "CREATE TABLE oops (id INT PRIMARY KEY,);\nCREATE TABLE fine (id INT);\n");
  std::string error = up_error("the migration is broken");
  EXPECT_NE(error.find("v1.sql:1"), std::string::npos) << error;
  EXPECT_NE(error.find("statement 1 of 2"), std::string::npos) << error;
  EXPECT_FALSE(table_exists("fine"));
  folder.write("v1.sql", "CREATE TABLE oops (id INT PRIMARY KEY);\nCREATE TABLE fine (id INT);\n");
  EXPECT_EQ(up(), (Strings{"v1.sql"}));
  EXPECT_TRUE(table_exists("oops"));
  EXPECT_TRUE(table_exists("fine"));
  ASSERT_EQ(history().size(), 1u);
  EXPECT_TRUE(history()[0].success);
}

// A migrator SIGKILLed while MySQL ran a statement leaves the row it wrote just before:
// statements done, and the running one's hash (tests/e2e/test_migrate_cli.py kills real ones).
class MysqlCutMigrationTest : public MysqlMigratorTest {
 protected:
  static constexpr const char* kFirst = "CREATE TABLE a (id INT PRIMARY KEY)";
  static constexpr const char* kSecond = "CREATE TABLE b (id INT)";

  void write_cut_row(const std::string& running) {
    ensure_history_table(client());
    HistoryRow row;
    row.version = "1";
    row.description = "";
    row.script = "v1.sql";
    row.checksum = discover_scripts(folder.path(), "mysql").at(0).checksum;
    row.installed_by = "test";
    row.installed_on = "2026-11-27 12:00:00";
    row.statements_applied = 0;
    row.statement_hashes = sha256_hex(running);
    row.installed_rank = 1;  // the history's only row
    append_history(client(), row);
  }
};

TEST_F(MysqlCutMigrationTest, RunningStatementThatTookEffectIsCountedAndTheRestRuns) {
  folder.write("v1.sql", std::string(kFirst) + ";\n" + kSecond + ";\nINSERT INTO a VALUES (7);\n");
  write_cut_row(kFirst);
  client().execute(kFirst);  // MySQL finished it after the migrator died
  ASSERT_EQ(states(), (Strings{"1:failed"}));
  Migrator migrator(client(), folder.path());
  std::vector<Problem> problems = migrator.validate();
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_NE(problems[0].message.find("cut off during statement 1"), std::string::npos) << problems[0].message;

  EXPECT_EQ(up(), (Strings{"v1.sql"}));
  EXPECT_TRUE(table_exists("b"));
  EXPECT_EQ(count("a"), 1) << "the INSERT ran once";
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_TRUE(rows[0].success);
  EXPECT_EQ(rows[0].statements_applied, 3);
  EXPECT_FALSE(has_statement_in_flight(rows[0]));
}

TEST_F(MysqlCutMigrationTest, RunningStatementThatNeverStartedRunsNow) {
  folder.write("v1.sql", std::string(kFirst) + ";\n" + kSecond + ";\n");
  write_cut_row(kFirst);
  EXPECT_EQ(up(), (Strings{"v1.sql"}));
  EXPECT_TRUE(table_exists("a"));
  EXPECT_TRUE(table_exists("b"));
  EXPECT_EQ(states(), (Strings{"1:applied"}));
}

TEST_F(MysqlCutMigrationTest, RunningStatementFailingOtherwiseIsAFailureThatSaysSo) {
  folder.write("v1.sql", "INSERT INTO no_such_table VALUES (1);\n" + std::string(kSecond) + ";\n");
  write_cut_row("INSERT INTO no_such_table VALUES (1)");
  std::string error = up_error("the running statement fails for another reason than having run");
  EXPECT_NE(error.find("statement 1 of 2"), std::string::npos) << error;
  EXPECT_NE(error.find("was running when an earlier migrator stopped"), std::string::npos) << error;
  EXPECT_FALSE(table_exists("b"));
  EXPECT_TRUE(history().empty()) << "nothing of v1 ran: no row";
}

TEST_F(MysqlCutMigrationTest, RunningStatementEditedSinceRefusesAndPointsAtRepair) {
  folder.write("v1.sql", "CREATE TABLE a (id BIGINT PRIMARY KEY);\n" + std::string(kSecond) + ";\n");
  write_cut_row(kFirst);
  std::string error = up_error("the running statement was edited, and its first version may have taken effect");
  EXPECT_NE(error.find("running"), std::string::npos) << error;
  EXPECT_NE(error.find("repair"), std::string::npos) << error;
  EXPECT_FALSE(table_exists("b"));
}

// What the migrator sent, in order, as the server's general log recorded it.
class MysqlMigratorStatementLogTest : public MysqlMigratorTest {
 protected:
  Strings logged_up() {
    std::int64_t thread = scalar("SELECT CONNECTION_ID()").as_long();
    client().execute("SET GLOBAL log_output = 'TABLE'");
    client().execute("SET GLOBAL general_log = 1");
    try {
      up();
    } catch (...) {
      client().execute("SET GLOBAL general_log = 0");
      throw;
    }
    client().execute("SET GLOBAL general_log = 0");
    // A CSV table: read in the order written.
    Strings sent;
    for (const db::Record& record :
         client().execute("SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log WHERE thread_id = :thread "
                          "AND command_type IN ('Query', 'Execute')",
                          {{"thread", thread}}).records) {
      sent.push_back(record.at(0).as_string());
    }
    return sent;
  }

  // What was sent after the first statement starting with `from` and before the first starting with `to`.
  static Strings sent_between(const Strings& sent, const std::string& from, const std::string& to) {
    auto starting = [&](const std::string& prefix) {
      return std::find_if(sent.begin(), sent.end(), [&](const std::string& text) { return text.rfind(prefix, 0) == 0; });
    };
    auto first = starting(from), last = starting(to);
    if (first == sent.end() || last == sent.end() || last < first) {
      ADD_FAILURE() << "expected \"" << from << "\" then \"" << to << "\" to be sent";
      return {};
    }
    return Strings(first + 1, last);
  }
};

TEST_F(MysqlMigratorStatementLogTest, TheCommitEndingADataStatementCarriesTheNextInFlightRow) {
  // Resumable at one commit per statement, as the mariadb client piping the scripts pays:
  // an INSERT commits with its row and the row marking the next CREATE in flight (the
  // next script's, or its own script's), which then needs no commit of its own.
  folder.write("v1.sql", "CREATE TABLE t1 (id INT);\nINSERT INTO t1 VALUES (1);\n");
  folder.write("v2.sql", "CREATE TABLE t2 (id INT);\nINSERT INTO t2 VALUES (2);\nCREATE TABLE t2b (id INT);\n");
  folder.write("v3.sql", "CREATE TABLE t3 (id INT);\nINSERT INTO t3 VALUES (3);\n");
  Strings sent = logged_up();
  struct Step {
    std::string insert, create;
  };
  for (const Step& step : {Step{"INSERT INTO t1 ", "CREATE TABLE t2 "}, Step{"INSERT INTO t2 ", "CREATE TABLE t2b "}}) {
    Strings between = sent_between(sent, step.insert, step.create);
    EXPECT_EQ(std::count(between.begin(), between.end(), "COMMIT"), 1) << "after " << step.insert;
    ASSERT_FALSE(between.empty());
    EXPECT_EQ(between.back(), "COMMIT") << step.create << "runs right after the commit";
    auto marked = std::find_if(between.begin(), between.end(), [](const std::string& text) {
      return text.find("strata_schema_history") != std::string::npos && text.find("'2'") != std::string::npos;
    });
    EXPECT_NE(marked, between.end()) << step.create << "is marked in flight in that commit";
  }
  Strings after_ddl = sent_between(sent, "CREATE TABLE t2b ", "CREATE TABLE t3 ");
  EXPECT_EQ(std::count(after_ddl.begin(), after_ddl.end(), "COMMIT"), 1)
      << "after a CREATE, v2's success row and v3's in-flight row share one commit";
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 3u);
  for (const HistoryRow& row : rows) {
    EXPECT_TRUE(row.success) << row.version;
    EXPECT_FALSE(has_statement_in_flight(row)) << row.version;
  }
}

TEST_F(MysqlMigratorTest, RecordingAScriptReadsNoMoreOfTheHistoryAsItGrows) {
  // The history has no index on version: a row found by version is a scan of the whole
  // table (and, in an UPDATE, a lock on every row), which makes up quadratic in scripts.
  // Rows read in table order (Handler_read_rnd_next) on the migrator's own session
  // must grow with the scripts, not with their square.
  auto scans_for = [&](int scripts) {
    client().execute("DROP TABLE IF EXISTS strata_schema_history");
    std::string dir = "run" + std::to_string(scripts);
    std::filesystem::create_directories(folder.path() / dir);
    for (int i = 1; i <= scripts; ++i) {
      // As the benchmark's: the CREATE's in-flight row is updated when the INSERT commits.
      std::string table = dir + "_t" + std::to_string(i);
      folder.write(dir + "/v" + std::to_string(i) + ".sql",
                   "CREATE TABLE " + table + " (id INT);\nINSERT INTO " + table + " VALUES (1);\n");
    }
    auto read_rnd_next = [&] {
      return std::stoll(scalar("SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS"
                               " WHERE VARIABLE_NAME = 'HANDLER_READ_RND_NEXT'")
                            .as_string());
    };
    long long before = read_rnd_next();
    Migrator migrator(client(), folder.path() / dir);
    EXPECT_EQ(migrator.up().size(), static_cast<std::size_t>(scripts));
    return read_rnd_next() - before;
  };
  long long small = scans_for(20), large = scans_for(200);
  // Ten times the scripts: about ten times the scans when linear, a hundred times when quadratic.
  EXPECT_LT(large, small * 20) << "20 scripts: " << small << " rows scanned; 200 scripts: " << large;
}

TEST_F(MysqlMigratorTest, ConcurrentMigratorsApplyEachVersionOnce) {
  folder.write("v1.sql", "CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, version VARCHAR(10) NOT NULL);\n"
                         "INSERT INTO log (version) VALUES ('1');");
  folder.write("v2.sql", "SELECT SLEEP(1);\nINSERT INTO log (version) VALUES ('2');");
  folder.write("v3.sql", "INSERT INTO log (version) VALUES ('3');");
  auto first = database().connect();
  auto second = database().connect();
  std::mutex mutex;
  Strings applied;
  std::vector<std::string> errors;
  auto run = [&](db::Client& target) {
    try {
      Migrator migrator(target, folder.path());
      for (const AppliedMigration& migration : migrator.up()) {
        std::lock_guard<std::mutex> lock(mutex);
        applied.push_back(migration.version);
      }
    } catch (const std::exception& error) {
      std::lock_guard<std::mutex> lock(mutex);
      errors.push_back(error.what());
    }
  };
  std::thread a([&] { run(*first); });
  std::thread b([&] { run(*second); });
  a.join();
  b.join();
  EXPECT_TRUE(errors.empty()) << errors.front();
  std::sort(applied.begin(), applied.end());
  EXPECT_EQ(applied, (Strings{"1", "2", "3"}));
  EXPECT_EQ(column_strings("SELECT version FROM log ORDER BY id"), (Strings{"1", "2", "3"}));
  std::vector<HistoryRow> rows = history();
  ASSERT_EQ(rows.size(), 3u);
  for (const HistoryRow& row : rows) EXPECT_TRUE(row.success) << row.version;
}

TEST_F(MysqlMigratorTest, MigratorWhoseConnectionDropsDoesNotRunAlongsideTheNextLockHolder) {
  // A holds the migration lock and is inside v1 when its connection is killed: the
  // server releases A's lock and B, waiting for it, starts v1. A must not carry on
  // (on a fresh connection, without the lock) and apply v1 a second time.
  client().execute("CREATE TABLE log (id INT AUTO_INCREMENT PRIMARY KEY, version VARCHAR(10) NOT NULL)");
  folder.write("v1.sql", "SELECT SLEEP(2);\nINSERT INTO log (version) VALUES ('1');");
  auto a_client = database().connect();
  auto b_client = database().connect();
  std::int64_t a_id = connection_id(*a_client);
  std::int64_t b_id = connection_id(*b_client);
  auto watcher = database().connect();
  auto running = [&](std::int64_t id, const std::string& pattern) {
    for (int i = 0; i < 500; ++i) {
      auto found = watcher->execute(
          "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = :id AND INFO LIKE :pattern",
          {{"id", db::Field(static_cast<long long>(id))}, {"pattern", db::Field(pattern)}});
      if (found.records.at(0).at(0).as_long() == 1) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  std::mutex mutex;
  Strings errors;
  auto run = [&](db::Client& target) {
    try {
      Migrator(target, folder.path()).up();
    } catch (const std::exception& error) {
      std::lock_guard<std::mutex> lock(mutex);
      errors.push_back(error.what());
    }
  };
  std::thread a([&] { run(*a_client); });
  bool a_sleeping = running(a_id, "SELECT SLEEP%");
  std::thread b([&] { run(*b_client); });
  bool b_waiting = running(b_id, "%GET_LOCK%");
  if (a_sleeping && b_waiting) watcher->execute("KILL " + std::to_string(a_id));
  a.join();
  b.join();
  ASSERT_TRUE(a_sleeping) << "migrator A was never seen inside v1";
  ASSERT_TRUE(b_waiting) << "migrator B was never seen waiting for the lock";
  EXPECT_EQ(count("log"), 1) << "v1 ran twice: the killed migrator went on without its lock";
  std::int64_t successes = 0;
  for (const HistoryRow& row : history()) successes += row.success ? 1 : 0;
  EXPECT_EQ(successes, 1) << "v1 is recorded as applied more than once";
}

TEST_F(MysqlMigratorTest, SecondMigratorGivesUpWhenTheLockIsHeldTooLong) {
  folder.write("v1.sql", "CREATE TABLE a (id INT);");
  // Another session holds this database's migration lock.
  auto holder = database().connect();
  ASSERT_EQ(holder->execute("SELECT GET_LOCK(CONCAT('strata_migrate:', LEFT(SHA2(DATABASE(), 256), 40)), 0)").records.at(0).at(0),
            db::Field(1));
  Migrator migrator(client(), folder.path(), std::chrono::seconds(1));
  auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(migrator.up(), LockTimeoutError);
  EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(900));
  EXPECT_FALSE(table_exists("a"));
  // Once the holder lets go (here: its connection ends), up runs.
  holder.reset();
  EXPECT_EQ(up(), (Strings{"v1.sql"}));
  EXPECT_TRUE(table_exists("a"));
}

TEST_F(MysqlMigratorTest, BlogMigrationsApplyOnceOnMysql) {
  std::filesystem::path blog = mysql_testing::source_dir() / "examples" / "blog" / "migrations";
  ASSERT_TRUE(std::filesystem::is_directory(blog)) << blog << " not found; set STRATA_SOURCE_DIR";
  Migrator migrator(client(), blog);
  Strings applied;
  for (const AppliedMigration& migration : migrator.up()) applied.push_back(migration.script);
  EXPECT_EQ(applied, (Strings{"v1.sql", "v2.sql", "v3.mysql.sql"}));
  for (const char* table : {"users", "posts", "comments"}) EXPECT_TRUE(table_exists(table)) << table;
  EXPECT_EQ(scalar("SELECT slug FROM posts WHERE id = 1"), db::Field("serverless-aurora"));
  // v3.mysql.sql made the ids AUTO_INCREMENT.
  db::ResultSet insert = client().execute(
      "INSERT INTO posts (user_id, title, slug, description, hits) VALUES ('u', 'Second', 'second', 'd', 0)");
  EXPECT_EQ(insert.generated_fields, (std::vector<db::Field>{db::Field(2)}));
  db::ResultSet comment = client().execute("INSERT INTO comments (comment_text, post_id) VALUES ('nice', 2)");
  EXPECT_EQ(comment.generated_fields, (std::vector<db::Field>{db::Field(1)}));
  EXPECT_EQ(scalar("SELECT @@FOREIGN_KEY_CHECKS"), db::Field(1));

  Migrator again(client(), blog);
  EXPECT_TRUE(again.up().empty()) << "a second up applied something again";
  Strings report;
  for (const MigrationStatus& entry : again.status()) report.push_back(entry.version + ":" + state_name(entry.state));
  EXPECT_EQ(report, (Strings{"1:applied", "2:applied", "3:applied"}));
  EXPECT_EQ(history().size(), 3u);
}

}  // namespace
}  // namespace strata::migrate
