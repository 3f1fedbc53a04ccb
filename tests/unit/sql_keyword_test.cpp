// The leading keywords executors decide by: past whitespace and every comment form, upper-cased.
#include "db/sql_keyword.hpp"

#include <gtest/gtest.h>

namespace strata::db {
namespace {

using Words = std::vector<std::string>;

TEST(SqlKeyword, FirstKeywordSkipsWhitespaceAndComments) {
  EXPECT_EQ(first_keyword("  -- note\n# more\n/* block */ insert into t values (1)"), "INSERT");
  EXPECT_EQ(first_keyword("select 1"), "SELECT");
  EXPECT_EQ(first_keyword("-- only a comment"), "");
  EXPECT_EQ(first_keyword("/* unterminated"), "");
  EXPECT_EQ(first_keyword(""), "");
}

TEST(SqlKeyword, LeadingKeywordsStopAtCountOrAtAnythingElse) {
  EXPECT_EQ(leading_keywords("create or replace view v as select 1", 3), (Words{"CREATE", "OR", "REPLACE"}));
  EXPECT_EQ(leading_keywords("CREATE /* c */ OR\n-- d\nREPLACE TABLE t (id INT)", 4),
            (Words{"CREATE", "OR", "REPLACE", "TABLE"}));
  EXPECT_EQ(leading_keywords("CREATE TABLE t (id INT)", 5), (Words{"CREATE", "TABLE", "T"}));
  EXPECT_EQ(leading_keywords("DROP TABLE `t`", 3), (Words{"DROP", "TABLE"}));
  EXPECT_EQ(leading_keywords("  ", 2), Words{});
}

}  // namespace
}  // namespace strata::db
