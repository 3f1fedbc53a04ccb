// `:name` placeholders: their translation to MySQL's positional `?`, matching the
// call's parameters to them, and both through MysqlClient against a real server.
#include "db/named_parameters.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mysql_test_support.hpp"

namespace strata::db {
namespace {

using mysql_testing::catch_error;
using mysql_testing::MysqlTest;
using Names = std::vector<std::string>;

struct Translation {
  std::string sql;
  Names names;
  bool operator==(const Translation&) const = default;
};

void PrintTo(const Translation& translation, std::ostream* out) {
  *out << '"' << translation.sql << "\" names [";
  for (std::size_t i = 0; i < translation.names.size(); ++i) *out << (i ? ", " : "") << translation.names[i];
  *out << ']';
}

Translation translate(std::string_view sql) {
  PositionalSql positional = to_positional(sql);
  return {positional.sql, positional.names};
}

// ---- to_positional ----

TEST(ToPositionalTest, EachNameBecomesAQuestionMark) {
  EXPECT_EQ(translate("SELECT * FROM t WHERE a = :a and b = :b"),
            (Translation{"SELECT * FROM t WHERE a = ? and b = ?", {"a", "b"}}));
}

TEST(ToPositionalTest, NamesWithDigitsAndUnderscores) {
  EXPECT_EQ(translate("VALUES (:_x, :user_id2, :A)"), (Translation{"VALUES (?, ?, ?)", {"_x", "user_id2", "A"}}));
  EXPECT_EQ(translate(":first"), (Translation{"?", {"first"}}));
  EXPECT_EQ(translate("x=:last"), (Translation{"x=?", {"last"}}));
}

TEST(ToPositionalTest, ANameUsedTwiceIsListedTwice) {
  EXPECT_EQ(translate("SELECT :x + :y + :x"), (Translation{"SELECT ? + ? + ?", {"x", "y", "x"}}));
}

TEST(ToPositionalTest, QuotedTextIsLeftAlone) {
  EXPECT_EQ(translate("SELECT ':x', \":x\", `:x`, :y"), (Translation{"SELECT ':x', \":x\", `:x`, ?", {"y"}}));
}

TEST(ToPositionalTest, BackslashEscapesDoNotEndAQuote) {
  EXPECT_EQ(translate(R"(SELECT 'it\'s :x', :y)"), (Translation{R"(SELECT 'it\'s :x', ?)", {"y"}}));
  EXPECT_EQ(translate(R"(SELECT "say \":x\"", :y)"), (Translation{R"(SELECT "say \":x\"", ?)", {"y"}}));
  // An escaped backslash does end before the closing quote.
  EXPECT_EQ(translate(R"(SELECT 'dir\\', :y)"), (Translation{R"(SELECT 'dir\\', ?)", {"y"}}));
}

TEST(ToPositionalTest, DoubledQuotesDoNotEndAQuote) {
  EXPECT_EQ(translate("SELECT 'it''s :x', :y"), (Translation{"SELECT 'it''s :x', ?", {"y"}}));
  EXPECT_EQ(translate("SELECT `we``ird :x`, :y"), (Translation{"SELECT `we``ird :x`, ?", {"y"}}));
}

TEST(ToPositionalTest, BackticksDoNotTakeBackslashEscapes) {
  // In an identifier a backslash is an ordinary character: the backtick after it closes it.
  EXPECT_EQ(translate("SELECT `a\\` + :y"), (Translation{"SELECT `a\\` + ?", {"y"}}));
}

TEST(ToPositionalTest, CommentsAreLeftAlone) {
  EXPECT_EQ(translate("SELECT 1 -- :x is not here\n, :y"), (Translation{"SELECT 1 -- :x is not here\n, ?", {"y"}}));
  EXPECT_EQ(translate("SELECT 1 # :x\n, :y"), (Translation{"SELECT 1 # :x\n, ?", {"y"}}));
  EXPECT_EQ(translate("SELECT /* :x ' \" */ :y"), (Translation{"SELECT /* :x ' \" */ ?", {"y"}}));
  EXPECT_EQ(translate("SELECT :y -- :x"), (Translation{"SELECT ? -- :x", {"y"}}));
  EXPECT_EQ(translate("SELECT :y /* :x"), (Translation{"SELECT ? /* :x", {"y"}}));
}

TEST(ToPositionalTest, DoubleDashWithoutASpaceIsNotAMysqlComment) {
  // MySQL starts a comment at "-- " only: "5--:x" is 5 minus minus :x.
  EXPECT_EQ(translate("SELECT 5--:x"), (Translation{"SELECT 5--?", {"x"}}));
}

TEST(ToPositionalTest, DoubleColonIsLeftAlone) {
  EXPECT_EQ(translate("SELECT a::text"), (Translation{"SELECT a::text", {}}));
  EXPECT_EQ(translate("SELECT :a::int"), (Translation{"SELECT ?::int", {"a"}}));
}

TEST(ToPositionalTest, ColonsInsideWordsAndNumbersAreNotParameters) {
  EXPECT_EQ(translate("SELECT a:b, 12:30, x: y"), (Translation{"SELECT a:b, 12:30, x: y", {}}));
  EXPECT_EQ(translate("SET @a := :v"), (Translation{"SET @a := ?", {"v"}}));
  EXPECT_EQ(translate("SELECT @a:=1"), (Translation{"SELECT @a:=1", {}}));
  EXPECT_EQ(translate("label: LOOP"), (Translation{"label: LOOP", {}}));
  EXPECT_EQ(translate("SELECT :"), (Translation{"SELECT :", {}}));
}

TEST(ToPositionalTest, UnterminatedQuoteKeepsTheRestVerbatim) {
  EXPECT_EQ(translate("SELECT :a, 'open :b"), (Translation{"SELECT ?, 'open :b", {"a"}}));
}

TEST(ToPositionalTest, QuestionMarksArePassedThrough) {
  EXPECT_EQ(translate("SELECT ?, :a"), (Translation{"SELECT ?, ?", {"a"}}));
}

// ---- match_parameters ----

TEST(MatchParametersTest, OrdersValuesByPlaceholder) {
  PositionalSql positional = to_positional("SELECT :b, :a, :b");
  Parameters parameters = {{"a", Field(1)}, {"b", Field(2)}};
  EXPECT_EQ(match_parameters(positional, parameters), (std::vector<std::size_t>{1, 0, 1}));
}

TEST(MatchParametersTest, NoPlaceholdersAndNoParameters) {
  EXPECT_TRUE(match_parameters(to_positional("SELECT 1"), {}).empty());
}

TEST(MatchParametersTest, AMissingNameIsBadParameters) {
  try {
    match_parameters(to_positional("SELECT :a, :b"), {{"a", Field(1)}});
    FAIL() << "accepted without :b";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBadParameters);
    EXPECT_NE(std::string(error.what()).find("b"), std::string::npos) << error.what();
  }
}

TEST(MatchParametersTest, AnUnusedNameIsBadParameters) {
  try {
    match_parameters(to_positional("SELECT :a"), {{"a", Field(1)}, {"extra", Field(2)}});
    FAIL() << "accepted an unused parameter";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::kBadParameters);
    EXPECT_NE(std::string(error.what()).find("extra"), std::string::npos) << error.what();
  }
}

TEST(MatchParametersTest, ANameOnlyInsideAQuoteIsUnused) {
  auto error = catch_error([] { match_parameters(to_positional("SELECT ':a'"), {{"a", Field(1)}}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kBadParameters);
}

// ---- through MysqlClient ----

class MysqlNamedParametersTest : public MysqlTest {
 protected:
  void SetUp() override {
    MysqlTest::SetUp();
    if (HasFatalFailure()) return;
    client().execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, body TEXT, n INT)");
  }
};

TEST_F(MysqlNamedParametersTest, BindsByName) {
  client().execute("INSERT INTO t (n, body) VALUES (:n, :body)", {{"body", Field("first")}, {"n", Field(7)}});
  EXPECT_EQ(scalar("SELECT body FROM t WHERE n = :n", {{"n", Field(7)}}), Field("first"));
}

TEST_F(MysqlNamedParametersTest, ANameUsedTwiceIsGivenOnce) {
  EXPECT_EQ(scalar("SELECT :x + :x * :y", {{"x", Field(20)}, {"y", Field(2)}}), Field(60));
}

TEST_F(MysqlNamedParametersTest, AMissingNameIsBadParameters) {
  auto error = catch_error([&] { client().execute("INSERT INTO t (body, n) VALUES (:body, :n)", {{"body", Field("x")}}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kBadParameters);
  EXPECT_NE(error->message.find(":n"), std::string::npos) << error->message;
  EXPECT_EQ(count("t"), 0);
  // The same statement with every parameter then works.
  client().execute("INSERT INTO t (body, n) VALUES (:body, :n)", {{"body", Field("x")}, {"n", Field(1)}});
  EXPECT_EQ(count("t"), 1);
}

TEST_F(MysqlNamedParametersTest, AGivenNameTheSqlLacksIsBadParameters) {
  auto error = catch_error(
      [&] { client().execute("INSERT INTO t (body) VALUES (:body)", {{"body", Field("x")}, {"bdy", Field("y")}}); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kBadParameters);
  EXPECT_NE(error->message.find("bdy"), std::string::npos) << error->message;
  EXPECT_EQ(count("t"), 0);
  // Parameters given to a statement that has none.
  auto none = catch_error([&] { client().execute("SELECT 1", {{"x", Field(1)}}); });
  ASSERT_TRUE(none.has_value());
  EXPECT_EQ(none->kind, ErrorKind::kBadParameters);
}

TEST_F(MysqlNamedParametersTest, PositionalQuestionMarkIsBadParameters) {
  auto alone = catch_error([&] { client().execute("INSERT INTO t (body) VALUES (?)"); });
  ASSERT_TRUE(alone.has_value());
  EXPECT_EQ(alone->kind, ErrorKind::kBadParameters) << alone->message;
  auto mixed = catch_error([&] { client().execute("INSERT INTO t (body, n) VALUES (?, :n)", {{"n", Field(1)}}); });
  ASSERT_TRUE(mixed.has_value());
  EXPECT_EQ(mixed->kind, ErrorKind::kBadParameters) << mixed->message;
  EXPECT_EQ(count("t"), 0);
  // A question mark inside a string is just text.
  EXPECT_EQ(scalar("SELECT '?'"), Field("?"));
}

TEST_F(MysqlNamedParametersTest, ValuesAreNeverSplicedIntoTheSql) {
  const std::string hostile = "'; DROP TABLE t; --";
  client().execute("INSERT INTO t (body) VALUES (:body)", {{"body", Field(hostile)}});
  const std::string sneaky = "x\\'); DROP TABLE t; -- :body";
  client().execute("INSERT INTO t (body) VALUES (:body)", {{"body", Field(sneaky)}});
  ResultSet result = client().execute("SELECT body FROM t ORDER BY id");
  ASSERT_EQ(result.records.size(), 2u) << "the table did not survive";
  EXPECT_EQ(result.records[0][0], Field(hostile));
  EXPECT_EQ(result.records[1][0], Field(sneaky));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM t WHERE body = :body", {{"body", Field(hostile)}}), Field(1));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 't'"),
            Field(1));
}

TEST_F(MysqlNamedParametersTest, PlaceholdersInsideQuotesAndCommentsReachTheServerAsText) {
  ResultSet result = client().execute(
      "SELECT ':a' AS quoted, \":a\" AS double_quoted, :a AS bound /* :a */ -- :a\n", {{"a", Field("value")}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(":a"), Field(":a"), Field("value")}));
  ResultSet escaped = client().execute(R"(SELECT 'it\'s :a' AS s, :a AS bound)", {{"a", Field(1)}});
  ASSERT_EQ(escaped.records.size(), 1u);
  EXPECT_EQ(escaped.records[0], (Record{Field("it's :a"), Field(1)}));
}

TEST_F(MysqlNamedParametersTest, AssignmentOperatorIsNotAParameter) {
  EXPECT_EQ(scalar("SELECT @total := :start + 1", {{"start", Field(41)}}), Field(42));
  EXPECT_EQ(scalar("SELECT @total"), Field(42));
}

}  // namespace
}  // namespace strata::db
