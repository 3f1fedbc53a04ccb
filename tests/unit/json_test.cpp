// JSON helpers for functions: reading request bodies and writing Data API results.
#include "strata/json.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <functional>
#include <limits>
#include <string>

#include "strata/response.hpp"

namespace strata::json {
namespace {

std::string written(const std::function<void(Writer&)>& write) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  write(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

db::ColumnMetadata column(std::string label, std::string name = "") {
  db::ColumnMetadata metadata;
  metadata.name = name.empty() ? label : std::move(name);
  metadata.label = std::move(label);
  return metadata;
}

// One row with one value of every kind.
db::ResultSet every_kind() {
  db::ResultSet result;
  for (const char* label : {"n", "b", "l", "d", "s", "x"}) result.columns.push_back(column(label));
  result.records.push_back(
      {db::Field(nullptr), db::Field(true), db::Field(42), db::Field(2.5), db::Field("hi \"there\""),
       db::Field(db::Blob{'M', 'a', 'n', 0})});
  return result;
}

// The HttpError that `call` throws, as "STATUS: message".
std::string http_error(const std::function<void()>& call) {
  try {
    call();
  } catch (const HttpError& error) {
    return std::to_string(error.status_code()) + ": " + error.what();
  }
  return "(no error)";
}

TEST(JsonWrite, RecordObjectsAreKeyedByColumnLabel) {
  db::ResultSet result;
  result.columns = {column("post_id", "id"), column("title")};
  result.records = {{db::Field(1), db::Field("First")}, {db::Field(2), db::Field("Second")}};
  EXPECT_EQ(written([&](Writer& w) { write_record_objects(w, result); }),
            R"([{"post_id":1,"title":"First"},{"post_id":2,"title":"Second"}])");
}

TEST(JsonWrite, RecordObjectsWriteEveryFieldKind) {
  EXPECT_EQ(written([](Writer& w) { write_record_objects(w, every_kind()); }),
            R"([{"n":null,"b":true,"l":42,"d":2.5,"s":"hi \"there\"","x":"TWFuAA=="}])");
}

TEST(JsonWrite, RecordObjectsOfAnEmptyResultIsAnEmptyArray) {
  db::ResultSet result;
  result.columns = {column("id")};
  EXPECT_EQ(written([&](Writer& w) { write_record_objects(w, result); }), "[]");
}

TEST(JsonWrite, SingleRecordObject) {
  db::ResultSet result;
  result.columns = {column("id"), column("ok")};
  result.records = {{db::Field(1), db::Field(false)}, {db::Field(2), db::Field(true)}};
  EXPECT_EQ(written([&](Writer& w) { write_record_object(w, result, 1); }), R"({"id":2,"ok":true})");
}

TEST(JsonWrite, LongValuesKeepAllSixtyFourBits) {
  db::ResultSet result;
  result.columns = {column("big"), column("small")};
  result.records = {{db::Field(std::numeric_limits<long long>::max()), db::Field(std::numeric_limits<long long>::min())}};
  EXPECT_EQ(written([&](Writer& w) { write_record_objects(w, result); }),
            R"([{"big":9223372036854775807,"small":-9223372036854775808}])");
}

TEST(JsonWrite, StringsWithNulAndControlCharactersAreEscaped) {
  db::ResultSet result;
  result.columns = {column("s")};
  result.records = {{db::Field(std::string("a\0b\n", 4))}};
  EXPECT_EQ(written([&](Writer& w) { write_record_objects(w, result); }), R"([{"s":"a\u0000b\n"}])");
}

TEST(JsonWrite, RecordsUseTheDataApiTypedForm) {
  EXPECT_EQ(written([](Writer& w) { write_records(w, every_kind()); }),
            R"([[{"isNull":true},{"booleanValue":true},{"longValue":42},{"doubleValue":2.5},)"
            R"({"stringValue":"hi \"there\""},{"blobValue":"TWFuAA=="}]])");
}

TEST(JsonWrite, RecordsWriteOneArrayPerRow) {
  db::ResultSet result;
  result.columns = {column("id")};
  result.records = {{db::Field(1)}, {db::Field(2)}};
  EXPECT_EQ(written([&](Writer& w) { write_records(w, result); }), R"([[{"longValue":1}],[{"longValue":2}]])");
}

TEST(JsonWrite, RecordsOfAnEmptyResultIsAnEmptyArray) {
  EXPECT_EQ(written([](Writer& w) { write_records(w, db::ResultSet{}); }), "[]");
}

TEST(JsonWrite, EmptyBlobIsAnEmptyBase64String) {
  db::ResultSet result;
  result.columns = {column("x")};
  result.records = {{db::Field(db::Blob{})}};
  EXPECT_EQ(written([&](Writer& w) { write_records(w, result); }), R"([[{"blobValue":""}]])");
  EXPECT_EQ(written([&](Writer& w) { write_record_objects(w, result); }), R"([{"x":""}])");
}

TEST(JsonWrite, NonFiniteDoubleStillGivesValidJson) {
  db::ResultSet result;
  result.columns = {column("x")};
  result.records = {{db::Field(std::numeric_limits<double>::infinity())}};
  for (const std::string& text : {written([&](Writer& w) { write_records(w, result); }),
                                  written([&](Writer& w) { write_record_objects(w, result); })}) {
    rapidjson::Document parsed;
    parsed.Parse(text.c_str());
    EXPECT_FALSE(parsed.HasParseError()) << text;
  }
}

TEST(JsonWrite, ColumnMetadataUsesTheDataApiFieldNames) {
  db::ResultSet result;
  db::ColumnMetadata id;
  id.name = "id";
  id.label = "post_id";
  id.type = db::jdbc::kVarChar;
  id.type_name = "VARCHAR";
  id.schema_name = "main";
  id.table_name = "posts";
  id.is_auto_increment = true;
  id.is_signed = true;
  id.is_currency = false;
  id.is_case_sensitive = true;
  id.nullable = 0;
  id.precision = 250;
  id.scale = 3;
  id.array_base_column_type = 0;
  result.columns.push_back(id);
  EXPECT_EQ(written([&](Writer& w) { write_column_metadata(w, result); }),
            R"([{"arrayBaseColumnType":0,"isAutoIncrement":true,"isCaseSensitive":true,"isCurrency":false,)"
            R"("isSigned":true,"label":"post_id","name":"id","nullable":0,"precision":250,"scale":3,)"
            R"("schemaName":"main","tableName":"posts","type":12,"typeName":"VARCHAR"}])");
}

TEST(JsonWrite, ColumnMetadataWritesOneObjectPerColumn) {
  db::ResultSet result;
  result.columns = {column("a"), column("b")};
  rapidjson::Document parsed;
  parsed.Parse(written([&](Writer& w) { write_column_metadata(w, result); }).c_str());
  ASSERT_TRUE(parsed.IsArray());
  ASSERT_EQ(parsed.Size(), 2u);
  EXPECT_STREQ(parsed[0]["label"].GetString(), "a");
  EXPECT_STREQ(parsed[1]["label"].GetString(), "b");
  EXPECT_EQ(parsed[1]["type"].GetInt(), db::jdbc::kOther);
  EXPECT_EQ(parsed[1]["nullable"].GetInt(), 2);
}

TEST(JsonWrite, QuoteEscapesForJson) {
  EXPECT_EQ(quote("say \"hi\"\\\n"), R"("say \"hi\"\\\n")");
  EXPECT_EQ(quote(""), R"("")");
}

TEST(JsonParse, ObjectBodyIsParsed) {
  Document document = parse_object(std::string(R"({"title": "Hello", "n": 3})"));
  ASSERT_TRUE(document.IsObject());
  EXPECT_STREQ(document["title"].GetString(), "Hello");
  EXPECT_EQ(document["n"].GetInt(), 3);
}

TEST(JsonParse, AbsentBodyIsABadRequest) {
  EXPECT_EQ(http_error([] { parse_object(std::nullopt); }), "400: request body is required: a JSON object");
}

TEST(JsonParse, EmptyBodyIsABadRequest) {
  EXPECT_EQ(http_error([] { parse_object(std::string()); }), "400: request body is required: a JSON object");
}

TEST(JsonParse, InvalidJsonIsABadRequestNamingTheOffset) {
  std::string error = http_error([] { parse_object(std::string(R"({"title": })")); });
  EXPECT_EQ(error.rfind("400: request body is not valid JSON: ", 0), 0u) << error;
  EXPECT_NE(error.find("at offset 10"), std::string::npos) << error;
}

TEST(JsonParse, NonObjectBodyIsABadRequest) {
  EXPECT_EQ(http_error([] { parse_object(std::string("[1, 2]")); }), "400: request body must be a JSON object");
  EXPECT_EQ(http_error([] { parse_object(std::string("\"text\"")); }), "400: request body must be a JSON object");
}

TEST(JsonParse, OptionalStringReturnsThePresentString) {
  Document document = parse_object(std::string(R"({"title": "Hello", "empty": ""})"));
  EXPECT_EQ(optional_string(document, "title"), "Hello");
  EXPECT_EQ(optional_string(document, "empty"), "");
}

TEST(JsonParse, OptionalStringOfAnAbsentFieldIsNullopt) {
  Document document = parse_object(std::string(R"({"title": "Hello"})"));
  EXPECT_EQ(optional_string(document, "body"), std::nullopt);
}

TEST(JsonParse, OptionalStringOfNullIsNullopt) {
  Document document = parse_object(std::string(R"({"body": null})"));
  EXPECT_EQ(optional_string(document, "body"), std::nullopt);
}

TEST(JsonParse, OptionalStringOfAnotherTypeIsABadRequestNamingTheField) {
  Document document = parse_object(std::string(R"({"title": 5, "tags": ["a"]})"));
  EXPECT_EQ(http_error([&] { optional_string(document, "title"); }), "400: title must be a string");
  EXPECT_EQ(http_error([&] { optional_string(document, "tags"); }), "400: tags must be a string");
}

TEST(JsonParse, OptionalStringKeepsEmbeddedNul) {
  Document document = parse_object(std::string(R"({"s": "a\u0000b"})"));
  auto value = optional_string(document, "s");
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, std::string_view("a\0b", 3));
}

}  // namespace
}  // namespace strata::json

namespace strata::json {
namespace {

// `text` as a JSON string the plain way, byte by byte, with RapidJSON's escapes: a
// backslash before '"' and itself, \b \f \n \r \t, \u00XX (upper case) for the other
// bytes below 0x20, the rest as they are.
std::string reference_quoted(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", c);
          out += escaped;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string strata_written(const std::string& text) {
  return written([&](Writer& w) {
    w.StartObject();
    w.Key(text.data(), static_cast<rapidjson::SizeType>(text.size()));
    w.String(text);
    w.EndObject();
  });
}

// Writes `text` as a key and a value, checks the bytes, and that a JSON parser reads `text` back.
void expect_written_right(const std::string& text, const std::string& where) {
  std::string quoted = reference_quoted(text);
  std::string json = strata_written(text);
  ASSERT_EQ(json, "{" + quoted + ":" + quoted + "}") << where;
  Document document;
  document.Parse(json.data(), json.size());
  ASSERT_FALSE(document.HasParseError()) << where;
  const Value& value = document.MemberBegin()->value;
  ASSERT_EQ(std::string(value.GetString(), value.GetStringLength()), text) << where;
}

TEST(JsonWriter, EveryByteIsEscapedAsJsonRequires) {
  for (int byte = 0; byte < 256; ++byte) {
    // At every offset of the eight-byte scan, and past two words.
    for (std::size_t offset = 0; offset < 20; ++offset) {
      std::string text = std::string(offset, 'a') + static_cast<char>(byte) + "tail";
      expect_written_right(text, "byte " + std::to_string(byte) + " at offset " + std::to_string(offset));
      if (HasFatalFailure()) return;
    }
  }
}

// RapidJSON's own Writer, built with RAPIDJSON_SSE2 as here, leaves 0x1A..0x1F unescaped
// in the 16-byte blocks it scans with SSE2 (it tests c <= 0x19): invalid JSON.
TEST(JsonWriter, EveryLengthAndPositionIsScanned) {
  // Strings are scanned 16 bytes at a time (with SSE2), then eight, then four, the last word
  // overlapping the one before; a clean tail after a clean block as the last 16 bytes.
  for (std::size_t length = 0; length <= 40; ++length) {
    expect_written_right(std::string(length, 'a'), "clean, length " + std::to_string(length));
    for (std::size_t position = 0; position < length; ++position) {
      for (char c : {'"', '\\', '\0', '\x1f', '\n', '\x7f'}) {
        std::string text(length, '\xc3');
        text[position] = c;
        EXPECT_EQ(strata_written(text), "{" + reference_quoted(text) + ":" + reference_quoted(text) + "}")
            << "byte " << int(c) << " at " << position << " of " << length;
      }
    }
    if (HasFailure()) return;
  }
}

TEST(JsonWriter, ControlBytesUpTo0x1FAreEscapedInLongStrings) {
  std::string text(64, 'x');
  for (char c = 0x1A; c <= 0x1F; ++c) text[static_cast<std::size_t>(16 + c)] = c;
  expect_written_right(text, "0x1A..0x1F in a long string");
}

TEST(JsonWriter, LongStringsAreEscapedAcrossTheWritersSlices) {
  // The writer takes 4096 input bytes at a time: escapes on and around each boundary.
  std::string text;
  for (std::size_t i = 0; i < 13000; ++i) text += (i % 4096 < 3 || i % 4096 > 4092 || i % 97 == 0) ? '"' : 'x';
  text += std::string(5000, '\x01');
  expect_written_right(text, "a long string");
}

TEST(JsonWriter, MixedStringsAreEscapedAsJsonRequires) {
  std::uint32_t state = 12345;
  const std::string alphabet = std::string("ab\"\\\n\t\x01\x1f\x7f\xc3\xa9/ ", 13) + std::string(1, '\0');
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    std::size_t length = (state = state * 1103515245u + 12345u) >> 16 & 63;
    for (std::size_t i = 0; i < length; ++i) {
      state = state * 1103515245u + 12345u;
      text += alphabet[(state >> 16) % alphabet.size()];
    }
    // Invalid UTF-8 is passed through as RapidJSON's Writer does, so the parse check is skipped for it.
    EXPECT_EQ(strata_written(text), "{" + reference_quoted(text) + ":" + reference_quoted(text) + "}") << round;
  }
  EXPECT_EQ(strata_written(""), R"({"":""})");
}

TEST(JsonWriter, NullTerminatedAndStdStringOverloadsAgree) {
  EXPECT_EQ(written([](Writer& w) {
              w.StartObject();
              w.Key("k");
              w.String("v\"1");
              w.Key(std::string("k2"));
              w.String(std::string("v2"));
              w.EndObject();
            }),
            R"({"k":"v\"1","k2":"v2"})");
}

TEST(JsonWriter, DocumentsAcceptedByTheWriterComeOutAsRapidJsonWritesThem) {
  // No string here is long enough for RapidJSON's SSE2 scan, which would differ (above).
  Document document;
  document.Parse(R"({"a":["x\ny",1,2.5,null,true,{"q\"":"\u0001"}],"b":"é"})");
  ASSERT_FALSE(document.HasParseError());
  rapidjson::StringBuffer theirs;
  rapidjson::Writer<rapidjson::StringBuffer> their_writer(theirs);
  document.Accept(their_writer);
  EXPECT_EQ(written([&](Writer& w) { document.Accept(w); }), std::string(theirs.GetString(), theirs.GetSize()));
}

// What write_row_object must write: the record-object form, written key by key.
std::string reference_row_object(const db::Row& row) {
  return written([&](Writer& w) {
    w.StartObject();
    for (std::size_t column = 0; column < row.size(); ++column) {
      w.Key(row.columns()[column].label);
      write_field(w, row[column]);
    }
    w.EndObject();
  });
}

TEST(JsonRowObject, EveryKindIsWrittenAsWriteFieldWritesIt) {
  std::vector<db::ColumnMetadata> columns;
  for (const char* label : {"n", "t", "f", "max", "min", "d", "inf", "nan", "s", "empty", "long", "blob", "no_bytes",
                            "k\"e\\y\n\x01", "", "é"}) {
    columns.push_back(column(label));
  }
  // A string too long for the row's one reservation, with escapes on both sides of its first kilobyte.
  std::string long_text(5000, 'y');
  long_text[1023] = '"';
  long_text[1024] = '\x01';
  long_text[4999] = '\\';
  const std::uint8_t blob[] = {'M', 'a', 'n', 0};
  std::vector<db::FieldView> values = {
      db::FieldView(), db::FieldView(true), db::FieldView(false),
      db::FieldView(std::numeric_limits<std::int64_t>::max()), db::FieldView(std::numeric_limits<std::int64_t>::min()),
      db::FieldView(0.1), db::FieldView(std::numeric_limits<double>::infinity()),
      db::FieldView(std::numeric_limits<double>::quiet_NaN()), db::FieldView(std::string_view("hi \"there\"\n")),
      db::FieldView(std::string_view()), db::FieldView(std::string_view(long_text)), db::FieldView(db::FieldView::Bytes(blob)),
      db::FieldView(db::FieldView::Bytes()), db::FieldView(std::string_view("caf\xc3\xa9")),
      db::FieldView(std::string_view("\x1a\x1b")), db::FieldView(std::int64_t{0})};
  db::Row row(columns, values, db::new_columns_id());
  std::string json = written([&](Writer& w) {
    w.StartArray();
    write_row_object(w, row);
    write_row_object(w, row);
    w.EndArray();
  });
  std::string one = reference_row_object(row);
  EXPECT_EQ(json, "[" + one + "," + one + "]");
  rapidjson::Document parsed;
  parsed.Parse(json.data(), json.size());
  ASSERT_FALSE(parsed.HasParseError()) << json;
  EXPECT_EQ(parsed[0]["long"].GetStringLength(), long_text.size());
  std::string start = R"([{"n":null,"t":true,"f":false,"max":9223372036854775807,"min":-9223372036854775808,)"
                      R"("d":0.1,"inf":null,"nan":null,"s":"hi \"there\"\n","empty":"",)";
  EXPECT_EQ(json.substr(0, start.size()), start);
  EXPECT_NE(json.find(R"("blob":"TWFuAA==","no_bytes":"","k\"e\\y\n\u0001":"café","":"\u001A\u001B","é":0})"),
            std::string::npos)
      << json;
}

TEST(JsonRowObject, AnEmptyRowIsAnEmptyObject) {
  std::vector<db::ColumnMetadata> columns;
  db::Row row(columns, {}, db::new_columns_id());
  EXPECT_EQ(written([&](Writer& w) { write_row_object(w, row); }), "{}");
}

TEST(JsonRowObject, KeysFollowTheColumnsOfEachRow) {
  // Keys are quoted once per columns_id: rows of two statements in turn on one writer, and
  // rows without an id, whose labels may change from one row to the next.
  std::vector<db::ColumnMetadata> posts = {column("id"), column("title")}, counts = {column("count")};
  std::vector<db::FieldView> post = {db::FieldView(std::int64_t{1}), db::FieldView(std::string_view("t"))};
  std::vector<db::FieldView> count = {db::FieldView(std::int64_t{2})};
  std::uint64_t posts_id = db::new_columns_id(), counts_id = db::new_columns_id();
  std::vector<db::ColumnMetadata> changing = {column("first")};
  EXPECT_EQ(written([&](Writer& w) {
              w.StartArray();
              write_row_object(w, db::Row(posts, post, posts_id));
              write_row_object(w, db::Row(counts, count, counts_id));
              write_row_object(w, db::Row(posts, post, posts_id));
              write_row_object(w, db::Row(changing, count));
              changing[0].label = "second";
              write_row_object(w, db::Row(changing, count));
              w.EndArray();
            }),
            R"([{"id":1,"title":"t"},{"count":2},{"id":1,"title":"t"},{"first":2},{"second":2}])");
  // More column lists in turn than a thread keeps the keys of.
  std::vector<std::vector<db::ColumnMetadata>> lists;
  std::vector<std::uint64_t> ids;
  std::string expected = "[";
  for (int list = 0; list < 20; ++list) {
    lists.push_back({column("column_" + std::to_string(list))});
    ids.push_back(db::new_columns_id());
  }
  for (int round = 0; round < 2; ++round) {
    for (int list = 0; list < 20; ++list) expected += R"({"column_)" + std::to_string(list) + R"(":2},)";
  }
  expected.back() = ']';
  EXPECT_EQ(written([&](Writer& w) {
              w.StartArray();
              for (int round = 0; round < 2; ++round) {
                for (std::size_t list = 0; list < lists.size(); ++list) {
                  write_row_object(w, db::Row(lists[list], count, ids[list]));
                }
              }
              w.EndArray();
            }),
            expected);
}

}  // namespace
}  // namespace strata::json
