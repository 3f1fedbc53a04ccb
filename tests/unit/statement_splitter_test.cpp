// Splitting migration scripts into statements as the engines' own clients do.
#include "migrate/statement_splitter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace strata::migrate {
namespace {

std::vector<std::string> texts(const std::vector<Statement>& statements) {
  std::vector<std::string> result;
  for (const Statement& statement : statements) result.push_back(statement.text);
  return result;
}

std::vector<int> lines(const std::vector<Statement>& statements) {
  std::vector<int> result;
  for (const Statement& statement : statements) result.push_back(statement.line);
  return result;
}

std::vector<std::string> sqlite(std::string_view script) { return texts(split_statements(script, Dialect::kSqlite)); }
std::vector<std::string> mysql(std::string_view script) { return texts(split_statements(script, Dialect::kMysql)); }

using Texts = std::vector<std::string>;

// The message of the std::runtime_error splitting throws, or "(no error)".
std::string split_error(std::string_view script, Dialect dialect) {
  try {
    split_statements(script, dialect);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(no error)";
}

// ---- Both dialects ---------------------------------------------------------

class BothDialects : public ::testing::TestWithParam<Dialect> {
 protected:
  std::vector<Statement> split(std::string_view script) const { return split_statements(script, GetParam()); }
};

TEST_P(BothDialects, PlainStatementsAreSplitWithTheirLines) {
  auto statements = split(
      "CREATE TABLE a (id INTEGER);\n"
      "\n"
      "INSERT INTO a VALUES (1);\n"
      "INSERT INTO a\n"
      "  VALUES (2);\n");
  EXPECT_EQ(texts(statements), (Texts{"CREATE TABLE a (id INTEGER)", "INSERT INTO a VALUES (1)",
                                      "INSERT INTO a\n  VALUES (2)"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 3, 4}));
}

TEST_P(BothDialects, LastStatementNeedsNoSemicolon) {
  EXPECT_EQ(texts(split("SELECT 1;\nSELECT 2\n")), (Texts{"SELECT 1", "SELECT 2"}));
}

TEST_P(BothDialects, EmptyStatementsAreDropped) {
  auto statements = split(";;\nSELECT 1;;  ;\n\n;SELECT 2;\n");
  EXPECT_EQ(texts(statements), (Texts{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{2, 4}));
}

TEST_P(BothDialects, EmptyScriptHasNoStatements) {
  EXPECT_TRUE(split("").empty());
  EXPECT_TRUE(split("  \n\t\n").empty());
}

TEST_P(BothDialects, ScriptOfOnlyCommentsHasNoStatements) {
  EXPECT_TRUE(split("-- nothing here\n/* nor ; here */\n").empty());
}

TEST_P(BothDialects, SemicolonInSingleQuotesDoesNotSplit) {
  EXPECT_EQ(texts(split("INSERT INTO a VALUES ('x;y');SELECT 2;")), (Texts{"INSERT INTO a VALUES ('x;y')", "SELECT 2"}));
}

TEST_P(BothDialects, SemicolonInDoubleQuotesDoesNotSplit) {
  EXPECT_EQ(texts(split("SELECT \"a;b\" FROM t; SELECT 2;")), (Texts{"SELECT \"a;b\" FROM t", "SELECT 2"}));
}

TEST_P(BothDialects, SemicolonInBackticksDoesNotSplit) {
  EXPECT_EQ(texts(split("SELECT `a;b` FROM t; SELECT 2;")), (Texts{"SELECT `a;b` FROM t", "SELECT 2"}));
}

TEST_P(BothDialects, DoubledQuoteIsAnEscapedQuote) {
  EXPECT_EQ(texts(split("INSERT INTO a VALUES ('it''s; fine');\nSELECT \"say \"\"hi;\"\"\";\nSELECT 3;")),
            (Texts{"INSERT INTO a VALUES ('it''s; fine')", "SELECT \"say \"\"hi;\"\"\"", "SELECT 3"}));
}

TEST_P(BothDialects, EmptyStringLiteralIsClosed) {
  EXPECT_EQ(texts(split("SELECT '';SELECT 2;")), (Texts{"SELECT ''", "SELECT 2"}));
}

TEST_P(BothDialects, QuotedTextSpanningLinesKeepsLineNumbers) {
  auto statements = split("INSERT INTO a VALUES ('line one;\nline two');\nSELECT 2;");
  EXPECT_EQ(texts(statements), (Texts{"INSERT INTO a VALUES ('line one;\nline two')", "SELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 3}));
}

TEST_P(BothDialects, DashDashCommentWithSpaceHidesSemicolons) {
  auto statements = split("SELECT 1 -- not here; nor here\n;\nSELECT 2;");
  EXPECT_EQ(texts(statements), (Texts{"SELECT 1 -- not here; nor here", "SELECT 2"}));
}

TEST_P(BothDialects, BlockCommentHidesSemicolons) {
  EXPECT_EQ(texts(split("SELECT /* ; */ 1;\nSELECT 2;")), (Texts{"SELECT /* ; */ 1", "SELECT 2"}));
}

TEST_P(BothDialects, LeadingCommentsAreNotPartOfTheStatementOrItsLine) {
  auto statements = split(
      "-- Create the table\n"
      "/* a block\n"
      "   comment; */\n"
      "CREATE TABLE a (id INT);\n"
      "-- and fill it\n"
      "INSERT INTO a VALUES (1);\n");
  EXPECT_EQ(texts(statements), (Texts{"CREATE TABLE a (id INT)", "INSERT INTO a VALUES (1)"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{4, 6}));
}

TEST_P(BothDialects, CrlfLineEndingsAreTrimmed) {
  auto statements = split("SELECT 1;\r\nSELECT 2;\r\n");
  EXPECT_EQ(texts(statements), (Texts{"SELECT 1", "SELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 2}));
}

TEST_P(BothDialects, UnterminatedSingleQuoteNamesItsLine) {
  std::string error = split_error("SELECT 1;\nSELECT 2;\nINSERT INTO a VALUES ('oops);\nSELECT 4;\n", GetParam());
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
  EXPECT_NE(error.find("never closed"), std::string::npos) << error;
}

TEST_P(BothDialects, UnterminatedDoubleQuoteNamesItsLine) {
  std::string error = split_error("SELECT 1;\nSELECT \"oops;\n", GetParam());
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

TEST_P(BothDialects, UnterminatedBlockCommentNamesItsLine) {
  std::string error = split_error("SELECT 1;\n\n/* forever ;\nSELECT 2;\n", GetParam());
  EXPECT_NE(error.find("line 3"), std::string::npos) << error;
}

INSTANTIATE_TEST_SUITE_P(StatementSplitter, BothDialects, ::testing::Values(Dialect::kSqlite, Dialect::kMysql),
                         [](const ::testing::TestParamInfo<Dialect>& param_info) {
                           return param_info.param == Dialect::kSqlite ? std::string("Sqlite") : std::string("Mysql");
                         });

// ---- SQLite ------------------------------------------------------------------

TEST(SqliteSplitter, BackslashIsNotAnEscape) {
  EXPECT_EQ(sqlite("INSERT INTO a VALUES ('C:\\');\nINSERT INTO a VALUES ('b');"),
            (Texts{"INSERT INTO a VALUES ('C:\\')", "INSERT INTO a VALUES ('b')"}));
}

TEST(SqliteSplitter, DashDashCommentNeedsNoSpace) {
  EXPECT_EQ(sqlite("SELECT 1 --no space; still a comment\n;SELECT 2;"),
            (Texts{"SELECT 1 --no space; still a comment", "SELECT 2"}));
}

TEST(SqliteSplitter, HashIsNotAComment) {
  EXPECT_EQ(sqlite("SELECT 1 # x;\nSELECT 2;"), (Texts{"SELECT 1 # x", "SELECT 2"}));
}

TEST(SqliteSplitter, SemicolonInBracketedIdentifierDoesNotSplit) {
  EXPECT_EQ(sqlite("SELECT [a;b] FROM t;SELECT 2;"), (Texts{"SELECT [a;b] FROM t", "SELECT 2"}));
}

TEST(SqliteSplitter, TriggerBodyIsOneStatement) {
  auto statements = split_statements(
      "CREATE TABLE a (id INTEGER);\n"
      "CREATE TRIGGER a_log AFTER INSERT ON a\n"
      "BEGIN\n"
      "  INSERT INTO log VALUES (new.id);\n"
      "  UPDATE counts SET n = n + 1;\n"
      "END;\n"
      "INSERT INTO a VALUES (1);\n",
      Dialect::kSqlite);
  EXPECT_EQ(texts(statements),
            (Texts{"CREATE TABLE a (id INTEGER)",
                   "CREATE TRIGGER a_log AFTER INSERT ON a\nBEGIN\n  INSERT INTO log VALUES (new.id);\n"
                   "  UPDATE counts SET n = n + 1;\nEND",
                   "INSERT INTO a VALUES (1)"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 2, 7}));
}

TEST(SqliteSplitter, TriggerWithCaseExpressionIsOneStatement) {
  EXPECT_EQ(sqlite("CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a BEGIN\n"
                   "  SELECT CASE WHEN new.x < 0 THEN RAISE(ABORT, 'negative; no') END;\n"
                   "  UPDATE b SET y = 1;\n"
                   "END;\nSELECT 2;"),
            (Texts{"CREATE TEMP TRIGGER IF NOT EXISTS t BEFORE UPDATE ON a BEGIN\n"
                   "  SELECT CASE WHEN new.x < 0 THEN RAISE(ABORT, 'negative; no') END;\n"
                   "  UPDATE b SET y = 1;\nEND",
                   "SELECT 2"}));
}

TEST(SqliteSplitter, BeginTransactionIsItsOwnStatement) {
  EXPECT_EQ(sqlite("BEGIN TRANSACTION;\nINSERT INTO a VALUES (1);\nEND;\nSELECT 2;"),
            (Texts{"BEGIN TRANSACTION", "INSERT INTO a VALUES (1)", "END", "SELECT 2"}));
}

TEST(SqliteSplitter, CaseExpressionOutsideATriggerDoesNotHoldTheStatementOpen) {
  EXPECT_EQ(sqlite("SELECT CASE WHEN 1 THEN 'a' END;\nSELECT 2;"),
            (Texts{"SELECT CASE WHEN 1 THEN 'a' END", "SELECT 2"}));
}

// ---- MySQL -------------------------------------------------------------------

TEST(MysqlSplitter, BackslashEscapesAQuote) {
  EXPECT_EQ(mysql("INSERT INTO a VALUES ('it\\'s; fine');\nSELECT \"a\\\";b\";\nSELECT 3;"),
            (Texts{"INSERT INTO a VALUES ('it\\'s; fine')", "SELECT \"a\\\";b\"", "SELECT 3"}));
}

TEST(MysqlSplitter, EscapedBackslashBeforeTheClosingQuote) {
  EXPECT_EQ(mysql("INSERT INTO a VALUES ('C:\\\\');\nSELECT 2;"), (Texts{"INSERT INTO a VALUES ('C:\\\\')", "SELECT 2"}));
}

TEST(MysqlSplitter, BackslashIsLiteralInBackticks) {
  EXPECT_EQ(mysql("SELECT `a\\`;\nSELECT 2;"), (Texts{"SELECT `a\\`", "SELECT 2"}));
}

TEST(MysqlSplitter, HashStartsAComment) {
  auto statements = split_statements("# set up; the table\nCREATE TABLE a (id INT); # trailing; comment\nSELECT 2;",
                                     Dialect::kMysql);
  EXPECT_EQ(texts(statements), (Texts{"CREATE TABLE a (id INT)", "SELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{2, 3}));
}

TEST(MysqlSplitter, DashDashWithoutSpaceIsNotAComment) {
  EXPECT_EQ(mysql("SELECT 5--1;\nSELECT 2;"), (Texts{"SELECT 5--1", "SELECT 2"}));
}

// Found by fuzzing (tests/fuzz): the re-scan that trims a statement took "--x" for a comment.
TEST(MysqlSplitter, DashDashWithoutSpaceStartingAStatementIsKept) {
  auto statements = split_statements("SELECT 1;\n--1;\n--x\nSELECT 2;", Dialect::kMysql);
  EXPECT_EQ(texts(statements), (Texts{"SELECT 1", "--1", "--x\nSELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 2, 3}));
}

TEST(MysqlSplitter, DashDashWithTabIsAComment) {
  EXPECT_EQ(mysql("SELECT 1 --\tcomment; here\n;\nSELECT 2;"), (Texts{"SELECT 1 --\tcomment; here", "SELECT 2"}));
}

TEST(MysqlSplitter, ExecutableCommentIsKeptInTheStatement) {
  auto statements = split_statements(
      "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\n"
      "/*!40101 SET NAMES utf8mb4 */;\n"
      "CREATE TABLE a (id INT) /*!50100 ENGINE=InnoDB */;\n",
      Dialect::kMysql);
  EXPECT_EQ(texts(statements), (Texts{"/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */",
                                      "/*!40101 SET NAMES utf8mb4 */", "CREATE TABLE a (id INT) /*!50100 ENGINE=InnoDB */"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 2, 3}));
}

TEST(MysqlSplitter, DelimiterDirectiveWithTrigger) {
  auto statements = split_statements(
      "CREATE TABLE a (id INT);\n"
      "DELIMITER $$\n"
      "CREATE TRIGGER a_ins BEFORE INSERT ON a FOR EACH ROW\n"
      "BEGIN\n"
      "  IF NEW.id < 0 THEN\n"
      "    SET NEW.id = 0;\n"
      "  END IF;\n"
      "END $$\n"
      "DELIMITER ;\n"
      "INSERT INTO a VALUES (1);\n",
      Dialect::kMysql);
  EXPECT_EQ(texts(statements),
            (Texts{"CREATE TABLE a (id INT)",
                   "CREATE TRIGGER a_ins BEFORE INSERT ON a FOR EACH ROW\nBEGIN\n  IF NEW.id < 0 THEN\n"
                   "    SET NEW.id = 0;\n  END IF;\nEND",
                   "INSERT INTO a VALUES (1)"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{1, 3, 10}));
}

TEST(MysqlSplitter, DelimiterDirectiveWithProcedureHoldingIfAndCase) {
  auto statements = split_statements(
      "DELIMITER //\n"
      "CREATE PROCEDURE grade(IN score INT, OUT letter CHAR(1))\n"
      "BEGIN\n"
      "  IF score IS NULL THEN\n"
      "    SET letter = NULL;\n"
      "  ELSE\n"
      "    CASE\n"
      "      WHEN score >= 90 THEN SET letter = 'A';\n"
      "      ELSE SET letter = 'F';\n"
      "    END CASE;\n"
      "  END IF;\n"
      "END//\n"
      "DELIMITER ;\n"
      "CALL grade(95, @g);\n",
      Dialect::kMysql);
  ASSERT_EQ(statements.size(), 2u) << ::testing::PrintToString(texts(statements));
  EXPECT_EQ(statements[0].text,
            "CREATE PROCEDURE grade(IN score INT, OUT letter CHAR(1))\nBEGIN\n  IF score IS NULL THEN\n"
            "    SET letter = NULL;\n  ELSE\n    CASE\n      WHEN score >= 90 THEN SET letter = 'A';\n"
            "      ELSE SET letter = 'F';\n    END CASE;\n  END IF;\nEND");
  EXPECT_EQ(statements[0].line, 2);
  EXPECT_EQ(statements[1].text, "CALL grade(95, @g)");
  EXPECT_EQ(statements[1].line, 14);
}

TEST(MysqlSplitter, CompoundBodyWithoutDelimiterDirectiveIsOneStatement) {
  EXPECT_EQ(mysql("CREATE PROCEDURE p()\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < 3 DO\n    SET i = i + 1;\n"
                  "  END WHILE;\n  CASE i WHEN 3 THEN SELECT 'three'; ELSE SELECT 'other'; END CASE;\nEND;\nSELECT 2;"),
            (Texts{"CREATE PROCEDURE p()\nBEGIN\n  DECLARE i INT DEFAULT 0;\n  WHILE i < 3 DO\n    SET i = i + 1;\n"
                   "  END WHILE;\n  CASE i WHEN 3 THEN SELECT 'three'; ELSE SELECT 'other'; END CASE;\nEND",
                   "SELECT 2"}));
}

TEST(MysqlSplitter, DelimiterDirectlyAfterEndClosesTheStatement) {
  auto statements = split_statements(
      "DELIMITER $$\n"
      "CREATE PROCEDURE p()\n"
      "BEGIN\n"
      "  SELECT 1;\n"
      "END$$\n"
      "DELIMITER ;\n"
      "SELECT 2;\n",
      Dialect::kMysql);
  EXPECT_EQ(texts(statements), (Texts{"CREATE PROCEDURE p()\nBEGIN\n  SELECT 1;\nEND", "SELECT 2"}));
  EXPECT_EQ(lines(statements), (std::vector<int>{2, 7}));
}

TEST(MysqlSplitter, CustomDelimiterDirectlyAfterAWordEndsTheStatement) {
  EXPECT_EQ(mysql("DELIMITER $$\nSELECT 1$$\nSELECT abc$$\nDELIMITER ;\n"), (Texts{"SELECT 1", "SELECT abc"}));
}

TEST(MysqlSplitter, SemicolonIsPlainTextUnderAnotherDelimiter) {
  EXPECT_EQ(mysql("DELIMITER //\nSELECT 1; SELECT 2//\nDELIMITER ;\nSELECT 3;"), (Texts{"SELECT 1; SELECT 2", "SELECT 3"}));
}

TEST(MysqlSplitter, DelimiterWithoutAValueIsAnError) {
  std::string error = split_error("SELECT 1;\nDELIMITER \n", Dialect::kMysql);
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

TEST(MysqlSplitter, UnterminatedQuoteAfterBackslashEscapeNamesItsLine) {
  std::string error = split_error("SELECT 1;\nSELECT 'oops\\';\n", Dialect::kMysql);
  EXPECT_NE(error.find("line 2"), std::string::npos) << error;
}

}  // namespace
}  // namespace strata::migrate
