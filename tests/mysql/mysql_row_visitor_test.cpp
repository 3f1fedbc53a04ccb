// Client::for_each_row on a real MariaDB: rows handed over as they are read through
// both protocols, the same values execute() collects, and what a visitor may not do.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "mysql_test_support.hpp"
#include "strata/json.hpp"
#include "../unit/row_recorder.hpp"

namespace strata::db {
namespace {

using mysql_testing::MysqlTest;

class MysqlRowVisitorTest : public MysqlTest {
 protected:
  void SetUp() override {
    MysqlTest::SetUp();
    if (HasFatalFailure()) return;
    client().execute(
        "CREATE TABLE things (id BIGINT PRIMARY KEY, flag BOOLEAN, big BIGINT UNSIGNED, ratio DOUBLE,"
        " price DECIMAL(8,2), name VARCHAR(5000), data VARBINARY(100), note TEXT, bits BIT(12))");
    client().execute(
        "INSERT INTO things VALUES (1, TRUE, 18446744073709551615, 2.5, 12.30, 'one', x'00ff10', NULL, b'101010101010')");
    // A name longer than the first fetch buffer, so that it is fetched again whole.
    client().execute("INSERT INTO things VALUES (2, FALSE, 7, -0.25, -1.05, REPEAT('x', 4500), x'', 'a\\nb', NULL)");
    client().execute("INSERT INTO things VALUES (3, NULL, NULL, NULL, NULL, '', NULL, 'caf\xc3\xa9', b'1')");
  }
};

TEST_F(MysqlRowVisitorTest, PreparedRowsAreTheValuesExecuteCollects) {
  const char* sql = "SELECT id, flag, big, ratio, price, name, data, note, bits FROM things WHERE id >= :from ORDER BY id";
  Recorder recorder;
  client().for_each_row(sql, {{"from", 1}}, recorder);
  ResultSet result = client().execute(sql, {{"from", 1}});
  ASSERT_EQ(recorder.rows.size(), 3u);
  EXPECT_EQ(recorder.rows, result.records);
  EXPECT_EQ(recorder.columns_calls, 1);
  EXPECT_EQ(recorder.labels.at(5), "name");
  EXPECT_EQ(recorder.rows[0][1], Field(true));
  EXPECT_EQ(recorder.rows[0][2], Field("18446744073709551615"));  // beyond int64: a string, as the Data API gives it
  EXPECT_EQ(recorder.rows[0][4], Field("12.30"));
  EXPECT_EQ(recorder.rows[0][8], Field(0xAAA));
  EXPECT_EQ(recorder.rows[1][5], Field(std::string(4500, 'x')));
  EXPECT_EQ(recorder.rows[1][6], Field(Blob{}));
}

TEST_F(MysqlRowVisitorTest, TextProtocolRowsAreTheValuesExecuteTextCollects) {
  // SHOW cannot be prepared everywhere; execute_text always takes the text protocol.
  ResultSet result = client().execute_text("SELECT id, flag, big, ratio, price, name, note FROM things ORDER BY id");
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0][1], Field(true));
  EXPECT_EQ(result.records[0][2], Field("18446744073709551615"));
  EXPECT_EQ(result.records[0][3], Field(2.5));
  EXPECT_EQ(result.records[1][0], Field(2));
  EXPECT_EQ(result.records[1][5], Field(std::string(4500, 'x')));
  EXPECT_EQ(result.records[2][6], Field("caf\xc3\xa9"));
}

TEST_F(MysqlRowVisitorTest, ASelectOfNoRowStillDescribesItsColumnsAndAWriteReportsItsOutcome) {
  Recorder recorder;
  client().for_each_row("SELECT id, name FROM things WHERE id > 99", {}, recorder);
  EXPECT_EQ(recorder.columns_calls, 1);
  EXPECT_EQ(recorder.labels, (std::vector<std::string>{"id", "name"}));
  EXPECT_TRUE(recorder.rows.empty());
  Recorder writes;
  StatementOutcome outcome = client().for_each_row("UPDATE things SET note = 'n' WHERE id <= 2", {}, writes);
  EXPECT_EQ(writes.columns_calls, 0);
  EXPECT_EQ(outcome.number_of_records_updated, 2);
}

TEST_F(MysqlRowVisitorTest, AStatementRunFromInsideAVisitorIsRefusedAndTheConnectionStaysUsable) {
  std::string message;
  try {
    client().for_each_row("SELECT id FROM things", {}, [&](const Row& row) {
      client().execute("DELETE FROM things WHERE id = :id", {{"id", row[0].as_long()}});
    });
  } catch (const Error& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("row visitor ran a statement"), std::string::npos) << message;
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM things"), Field(3));
  int seen = 0;
  EXPECT_THROW(client().for_each_row("SELECT id FROM things ORDER BY id", {},
                                     [&](const Row&) {
                                       if (++seen == 1) throw std::runtime_error("stop");
                                     }),
               std::runtime_error);
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM things"), Field(3));
}

TEST_F(MysqlRowVisitorTest, RowObjectsAreTheJsonOfRecordObjects) {
  const char* sql = "SELECT id, flag, ratio, price, data, note FROM things ORDER BY id";
  rapidjson::StringBuffer streamed;
  json::Writer stream_writer(streamed);
  stream_writer.StartArray();
  client().for_each_row(sql, {}, [&](const Row& row) { json::write_row_object(stream_writer, row); });
  stream_writer.EndArray();
  rapidjson::StringBuffer collected;
  json::Writer collect_writer(collected);
  json::write_record_objects(collect_writer, client().execute(sql));
  EXPECT_EQ(std::string(streamed.GetString()), std::string(collected.GetString()));
  EXPECT_EQ(std::string(streamed.GetString()),
            R"([{"id":1,"flag":true,"ratio":2.5,"price":"12.30","data":"AP8Q","note":null},)"
            R"({"id":2,"flag":false,"ratio":-0.25,"price":"-1.05","data":"","note":"a\nb"},)"
            R"({"id":3,"flag":null,"ratio":null,"price":null,"data":null,"note":"café"}])");
}

}  // namespace
}  // namespace strata::db
