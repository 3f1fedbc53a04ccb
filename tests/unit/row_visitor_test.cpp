// Client::for_each_row on SQLite: rows handed over as they are read, the same values
// execute() collects, and what a visitor may and may not do.
#include "db/sqlite_client.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "field_printer.hpp"
#include "strata/json.hpp"
#include "row_recorder.hpp"

namespace strata::db {
namespace {

class RowVisitorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    client.execute(
        "CREATE TABLE things (id INTEGER PRIMARY KEY, flag BOOLEAN, ratio REAL, name TEXT, data BLOB, note TEXT)");
    client.execute("INSERT INTO things VALUES (1, 1, 2.5, 'one', x'00ff10', NULL)");
    client.execute("INSERT INTO things VALUES (2, 0, -0.25, 'two \"quoted\"', x'', 'a\nb')");
    client.execute("INSERT INTO things VALUES (3, NULL, NULL, '', NULL, 'caf\xc3\xa9')");
  }

  SqliteClient client{":memory:"};
};

TEST_F(RowVisitorTest, RowsAreTheValuesExecuteCollects) {
  const char* sql = "SELECT id, flag, ratio, name, data, note FROM things WHERE id >= :from ORDER BY id";
  Recorder recorder;
  client.for_each_row(sql, {{"from", 1}}, recorder);
  ResultSet result = client.execute(sql, {{"from", 1}});
  ASSERT_EQ(recorder.rows.size(), 3u);
  EXPECT_EQ(recorder.rows, result.records);
  EXPECT_EQ(recorder.labels, (std::vector<std::string>{"id", "flag", "ratio", "name", "data", "note"}));
  EXPECT_EQ(recorder.columns_calls, 1);
  // The kinds as the Data API gives them: a BOOLEAN column as booleans, an empty blob as a blob.
  EXPECT_EQ(recorder.rows[0][1], Field(true));
  EXPECT_EQ(recorder.rows[1][4], Field(Blob{}));
  EXPECT_EQ(recorder.rows[0][4], Field(Blob{0x00, 0xff, 0x10}));
}

TEST_F(RowVisitorTest, ASelectOfNoRowStillDescribesItsColumns) {
  Recorder recorder;
  StatementOutcome outcome = client.for_each_row("SELECT id, name FROM things WHERE id > 99", {}, recorder);
  EXPECT_EQ(recorder.columns_calls, 1);
  EXPECT_EQ(recorder.labels, (std::vector<std::string>{"id", "name"}));
  EXPECT_TRUE(recorder.rows.empty());
  EXPECT_EQ(outcome.number_of_records_updated, 0);
}

TEST_F(RowVisitorTest, AWriteReportsItsOutcomeAndNoColumns) {
  Recorder recorder;
  StatementOutcome outcome =
      client.for_each_row("INSERT INTO things (name) VALUES (:name)", {{"name", "four"}}, recorder);
  EXPECT_EQ(recorder.columns_calls, 0);
  EXPECT_EQ(outcome.number_of_records_updated, 1);
  EXPECT_EQ(outcome.generated_fields, std::vector<Field>{Field(4)});
}

TEST_F(RowVisitorTest, ACallableSeesEachRowInOrder) {
  std::vector<std::int64_t> ids;
  std::vector<std::string> names;
  client.for_each_row("SELECT id, name FROM things ORDER BY id DESC", {}, [&](const Row& row) {
    ids.push_back(row[0].as_long());
    names.emplace_back(row[1].as_string());
    EXPECT_EQ(row.columns().at(1).label, "name");
  });
  EXPECT_EQ(ids, (std::vector<std::int64_t>{3, 2, 1}));
  EXPECT_EQ(names, (std::vector<std::string>{"", "two \"quoted\"", "one"}));
}

TEST_F(RowVisitorTest, AVisitorThatThrowsStopsTheStatementAndLeavesTheConnectionUsable) {
  int seen = 0;
  EXPECT_THROW(client.for_each_row("SELECT id FROM things ORDER BY id", {},
                                   [&](const Row&) {
                                     if (++seen == 2) throw std::runtime_error("enough");
                                   }),
               std::runtime_error);
  EXPECT_EQ(seen, 2);
  // The statement was reset: no read transaction is left open, so a write commits.
  client.execute("INSERT INTO things (name) VALUES ('five')");
  EXPECT_EQ(client.execute("SELECT COUNT(*) FROM things").records.at(0).at(0), Field(4));
  seen = 0;
  client.for_each_row("SELECT id FROM things ORDER BY id", {}, [&](const Row&) { ++seen; });
  EXPECT_EQ(seen, 4);
}

TEST_F(RowVisitorTest, AStatementRunFromInsideAVisitorIsRefused) {
  std::string message;
  try {
    client.for_each_row("SELECT id FROM things", {}, [&](const Row& row) {
      client.execute("DELETE FROM things WHERE id = :id", {{"id", row[0].as_long()}});
    });
  } catch (const Error& error) {
    message = error.what();
  }
  EXPECT_NE(message.find("row visitor ran a statement"), std::string::npos) << message;
  EXPECT_EQ(client.execute("SELECT COUNT(*) FROM things").records.at(0).at(0), Field(3));
}

TEST_F(RowVisitorTest, AnErrorOfTheStatementIsADbError) {
  Recorder recorder;
  EXPECT_THROW(client.for_each_row("SELECT nope FROM things", {}, recorder), Error);
  EXPECT_THROW(client.for_each_row("SELECT id FROM things WHERE id = :id", {}, recorder), Error);
  EXPECT_TRUE(recorder.rows.empty());
}

TEST_F(RowVisitorTest, RowObjectsAreTheJsonOfRecordObjects) {
  const char* sql = "SELECT id, flag, ratio, name, data, note FROM things ORDER BY id";
  rapidjson::StringBuffer streamed;
  json::Writer stream_writer(streamed);
  stream_writer.StartArray();
  client.for_each_row(sql, {}, [&](const Row& row) { json::write_row_object(stream_writer, row); });
  stream_writer.EndArray();
  rapidjson::StringBuffer collected;
  json::Writer collect_writer(collected);
  json::write_record_objects(collect_writer, client.execute(sql));
  EXPECT_EQ(std::string(streamed.GetString()), std::string(collected.GetString()));
  EXPECT_EQ(std::string(streamed.GetString()),
            R"([{"id":1,"flag":true,"ratio":2.5,"name":"one","data":"AP8Q","note":null},)"
            R"({"id":2,"flag":false,"ratio":-0.25,"name":"two \"quoted\"","data":"","note":"a\nb"},)"
            R"({"id":3,"flag":null,"ratio":null,"name":"","data":null,"note":"café"}])");
}

TEST(FieldView, ViewsAndCopiesEveryKind) {
  for (const Field& field : {Field(), Field(false), Field(-7), Field(0.5), Field("text"), Field(Blob{1, 2})}) {
    FieldView view(field);
    EXPECT_EQ(view.to_field(), field);
  }
  EXPECT_EQ(FieldView(std::string_view("abc")).as_string(), "abc");
  EXPECT_TRUE(FieldView().is_null());
}

}  // namespace
}  // namespace strata::db
