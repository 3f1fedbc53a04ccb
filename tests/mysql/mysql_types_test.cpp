// The RDS Data API's MySQL type mapping on a real MariaDB: the Field kind and value
// of each column type at its boundaries, and the ColumnMetadata that describes it.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

#include "mysql_test_support.hpp"

namespace strata::db {
namespace {

using mysql_testing::bytes;
using mysql_testing::MysqlTest;
using namespace std::string_literals;

class MysqlTypesTest : public MysqlTest {
 protected:
  // Creates table t with one column `v` of `type`, stores each literal, and reads them back in order.
  std::vector<Field> round_trip(const std::string& type, const std::vector<std::string>& literals) {
    client().execute("CREATE TABLE t (id INT AUTO_INCREMENT PRIMARY KEY, v " + type + ")");
    for (const std::string& literal : literals) client().execute("INSERT INTO t (v) VALUES (" + literal + ")");
    ResultSet result = client().execute("SELECT v FROM t ORDER BY id");
    last_columns = result.columns;
    std::vector<Field> values;
    for (const Record& record : result.records) values.push_back(record.at(0));
    return values;
  }

  std::vector<ColumnMetadata> last_columns;
};

using Fields = std::vector<Field>;

// ---- integers ----

TEST_F(MysqlTypesTest, TinyIntSignedBoundsAreLongs) {
  EXPECT_EQ(round_trip("TINYINT", {"-128", "127", "0"}), (Fields{Field(-128), Field(127), Field(0)}));
  ASSERT_EQ(last_columns.size(), 1u);
  EXPECT_EQ(last_columns[0].type, jdbc::kTinyInt);
  EXPECT_EQ(last_columns[0].type_name, "TINYINT");
  EXPECT_TRUE(last_columns[0].is_signed);
  EXPECT_EQ(last_columns[0].nullable, 1);
  EXPECT_EQ(last_columns[0].precision, 4);  // display width: "-128"
}

TEST_F(MysqlTypesTest, SmallIntSignedBoundsAreLongs) {
  EXPECT_EQ(round_trip("SMALLINT", {"-32768", "32767"}), (Fields{Field(-32768), Field(32767)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kSmallInt);
  EXPECT_EQ(last_columns.at(0).type_name, "SMALLINT");
  EXPECT_TRUE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 6);
}

TEST_F(MysqlTypesTest, MediumIntSignedBoundsAreLongs) {
  EXPECT_EQ(round_trip("MEDIUMINT", {"-8388608", "8388607"}), (Fields{Field(-8388608), Field(8388607)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kInteger);
  EXPECT_EQ(last_columns.at(0).type_name, "MEDIUMINT");
  EXPECT_TRUE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 9);
}

TEST_F(MysqlTypesTest, IntSignedBoundsAreLongs) {
  EXPECT_EQ(round_trip("INT", {"-2147483648", "2147483647"}), (Fields{Field(-2147483648LL), Field(2147483647)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kInteger);
  EXPECT_EQ(last_columns.at(0).type_name, "INT");
  EXPECT_TRUE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 11);
}

TEST_F(MysqlTypesTest, BigIntSignedBoundsAreLongs) {
  EXPECT_EQ(round_trip("BIGINT", {"-9223372036854775808", "9223372036854775807", "-1"}),
            (Fields{Field(std::numeric_limits<long long>::min()), Field(std::numeric_limits<long long>::max()),
                    Field(-1)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBigInt);
  EXPECT_EQ(last_columns.at(0).type_name, "BIGINT");
  EXPECT_TRUE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 20);
}

TEST_F(MysqlTypesTest, SmallerUnsignedIntegersAtTheirMaximumAreLongs) {
  client().execute(
      "CREATE TABLE u (a TINYINT UNSIGNED, b SMALLINT UNSIGNED, c MEDIUMINT UNSIGNED, d INT UNSIGNED)");
  client().execute("INSERT INTO u VALUES (255, 65535, 16777215, 4294967295)");
  ResultSet result = client().execute("SELECT a, b, c, d FROM u");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(255), Field(65535), Field(16777215), Field(4294967295LL)}));
  ASSERT_EQ(result.columns.size(), 4u);
  EXPECT_EQ(result.columns[0].type_name, "TINYINT UNSIGNED");
  EXPECT_EQ(result.columns[1].type_name, "SMALLINT UNSIGNED");
  EXPECT_EQ(result.columns[2].type_name, "MEDIUMINT UNSIGNED");
  EXPECT_EQ(result.columns[3].type_name, "INT UNSIGNED");
  EXPECT_EQ(result.columns[3].type, jdbc::kBigInt);  // JDBC widens INT UNSIGNED to a long
  for (const ColumnMetadata& column : result.columns) EXPECT_FALSE(column.is_signed) << column.type_name;
}

TEST_F(MysqlTypesTest, BigIntUnsignedBeyondInt64IsAStringAndSmallOnesAreLongs) {
  EXPECT_EQ(round_trip("BIGINT UNSIGNED",
                       {"18446744073709551615", "42", "0", "9223372036854775807", "9223372036854775808"}),
            (Fields{Field("18446744073709551615"), Field(42), Field(0), Field(9223372036854775807LL),
                    Field("9223372036854775808")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBigInt);
  EXPECT_EQ(last_columns.at(0).type_name, "BIGINT UNSIGNED");
  EXPECT_FALSE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 20);
}

// ---- booleans and bits ----

TEST_F(MysqlTypesTest, TinyIntOneIsABoolean) {
  EXPECT_EQ(round_trip("TINYINT(1)", {"1", "0", "TRUE", "FALSE"}),
            (Fields{Field(true), Field(false), Field(true), Field(false)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBit);
  EXPECT_EQ(last_columns.at(0).type_name, "BIT");
  EXPECT_EQ(last_columns.at(0).precision, 1);
}

TEST_F(MysqlTypesTest, BooleanColumnIsABoolean) {
  EXPECT_EQ(round_trip("BOOLEAN NOT NULL", {"TRUE", "FALSE"}), (Fields{Field(true), Field(false)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBit);
  EXPECT_EQ(last_columns.at(0).nullable, 0);
}

TEST_F(MysqlTypesTest, BitOneIsABoolean) {
  EXPECT_EQ(round_trip("BIT(1)", {"b'1'", "b'0'", "1"}), (Fields{Field(true), Field(false), Field(true)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBit);
  EXPECT_EQ(last_columns.at(0).type_name, "BIT");
  EXPECT_EQ(last_columns.at(0).precision, 1);
}

TEST_F(MysqlTypesTest, WiderBitIsItsNumber) {
  EXPECT_EQ(round_trip("BIT(16)", {"b'1010010100000001'", "0"}), (Fields{Field(0xA501), Field(0)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kBit);
  EXPECT_EQ(last_columns.at(0).precision, 16);
}

// ---- floating point and decimals ----

TEST_F(MysqlTypesTest, FloatIsADouble) {
  EXPECT_EQ(round_trip("FLOAT", {"3.25", "-0.5", "0"}), (Fields{Field(3.25), Field(-0.5), Field(0.0)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kReal);
  EXPECT_EQ(last_columns.at(0).type_name, "FLOAT");
  EXPECT_TRUE(last_columns.at(0).is_signed);
}

TEST_F(MysqlTypesTest, DoubleBoundsAreDoubles) {
  EXPECT_EQ(round_trip("DOUBLE", {"1.7976931348623157e308", "-2.2250738585072014e-308", "0.1"}),
            (Fields{Field(1.7976931348623157e308), Field(-2.2250738585072014e-308), Field(0.1)}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kDouble);
  EXPECT_EQ(last_columns.at(0).type_name, "DOUBLE");
}

TEST_F(MysqlTypesTest, WideDecimalIsItsExactText) {
  const std::string big = "12345678901234567890123456789012345.123456789012345678901234567890";
  const std::string lowest = "-99999999999999999999999999999999999.999999999999999999999999999999";
  EXPECT_EQ(round_trip("DECIMAL(65,30)", {"'" + big + "'", "'" + lowest + "'", "0"}),
            (Fields{Field(big), Field(lowest), Field("0.000000000000000000000000000000")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kDecimal);
  EXPECT_EQ(last_columns.at(0).type_name, "DECIMAL");
  EXPECT_TRUE(last_columns.at(0).is_signed);
  EXPECT_EQ(last_columns.at(0).precision, 65);
  EXPECT_EQ(last_columns.at(0).scale, 30);
}

TEST_F(MysqlTypesTest, SmallDecimalPrecisionAndScale) {
  EXPECT_EQ(round_trip("DECIMAL(10,2) UNSIGNED", {"12345678.99", "0.5"}),
            (Fields{Field("12345678.99"), Field("0.50")}));
  EXPECT_EQ(last_columns.at(0).precision, 10);
  EXPECT_EQ(last_columns.at(0).scale, 2);
  EXPECT_FALSE(last_columns.at(0).is_signed);
}

// ---- dates and times ----

TEST_F(MysqlTypesTest, DateIsText) {
  EXPECT_EQ(round_trip("DATE", {"'1000-01-01'", "'9999-12-31'", "'2020-08-28'"}),
            (Fields{Field("1000-01-01"), Field("9999-12-31"), Field("2020-08-28")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kDate);
  EXPECT_EQ(last_columns.at(0).type_name, "DATE");
  EXPECT_EQ(last_columns.at(0).precision, 10);
}

TEST_F(MysqlTypesTest, TimeIsTextUpToItsLimits) {
  EXPECT_EQ(round_trip("TIME", {"'16:08:27'", "'838:59:59'", "'-838:59:59'", "'00:00:00'"}),
            (Fields{Field("16:08:27"), Field("838:59:59"), Field("-838:59:59"), Field("00:00:00")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kTime);
  EXPECT_EQ(last_columns.at(0).type_name, "TIME");
}

TEST_F(MysqlTypesTest, TimeWithMicrosecondsKeepsSignAndFraction) {
  EXPECT_EQ(round_trip("TIME(6)", {"'-00:00:01.5'", "'838:59:59.000000'", "'12:34:56.000789'"}),
            (Fields{Field("-00:00:01.500000"), Field("838:59:59.000000"), Field("12:34:56.000789")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kTime);
  EXPECT_EQ(last_columns.at(0).scale, 6);
}

TEST_F(MysqlTypesTest, DateTimeIsText) {
  EXPECT_EQ(round_trip("DATETIME", {"'2020-08-28 16:08:27'", "'1000-01-01 00:00:00'", "'9999-12-31 23:59:59'"}),
            (Fields{Field("2020-08-28 16:08:27"), Field("1000-01-01 00:00:00"), Field("9999-12-31 23:59:59")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kTimestamp);
  EXPECT_EQ(last_columns.at(0).type_name, "DATETIME");
  EXPECT_EQ(last_columns.at(0).precision, 19);
  EXPECT_EQ(last_columns.at(0).scale, 0);
}

TEST_F(MysqlTypesTest, DateTimeWithMicrosecondsKeepsThem) {
  EXPECT_EQ(round_trip("DATETIME(6)", {"'2020-08-28 16:08:27.988319'", "'2020-08-28 16:08:27.000001'",
                                       "'2020-08-28 16:08:27'"}),
            (Fields{Field("2020-08-28 16:08:27.988319"), Field("2020-08-28 16:08:27.000001"),
                    Field("2020-08-28 16:08:27.000000")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kTimestamp);
  EXPECT_EQ(last_columns.at(0).precision, 26);
  EXPECT_EQ(last_columns.at(0).scale, 6);
}

TEST_F(MysqlTypesTest, DateTimeWithMillisecondsShowsThree) {
  EXPECT_EQ(round_trip("DATETIME(3)", {"'2020-08-28 16:08:27.988'"}), (Fields{Field("2020-08-28 16:08:27.988")}));
  EXPECT_EQ(last_columns.at(0).scale, 3);
}

TEST_F(MysqlTypesTest, TimestampIsTextInUtc) {
  EXPECT_EQ(round_trip("TIMESTAMP NULL", {"'1970-01-01 00:00:01'", "'2038-01-19 03:14:07'", "FROM_UNIXTIME(1598630907)"}),
            (Fields{Field("1970-01-01 00:00:01"), Field("2038-01-19 03:14:07"), Field("2020-08-28 16:08:27")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kTimestamp);
  EXPECT_EQ(last_columns.at(0).type_name, "TIMESTAMP");
  EXPECT_EQ(scalar("SELECT @@session.time_zone"), Field("+00:00"));
}

TEST_F(MysqlTypesTest, ZeroDatesAreText) {
  client().execute("SET SESSION sql_mode = ''");
  client().execute("CREATE TABLE z (d DATE, dt DATETIME, ts TIMESTAMP NULL)");
  client().execute("INSERT INTO z VALUES ('0000-00-00', '0000-00-00 00:00:00', '0000-00-00 00:00:00')");
  ResultSet result = client().execute("SELECT d, dt, ts FROM z");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field("0000-00-00"), Field("0000-00-00 00:00:00"), Field("0000-00-00 00:00:00")}));
}

// ---- text ----

TEST_F(MysqlTypesTest, CharVarcharAndTextKeepFourByteUtf8) {
  const std::string text = "h\xC3\xA9llo \xF0\x9F\x98\x80 \xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x8F\xB3\xEF\xB8\x8F";
  client().execute("CREATE TABLE s (c CHAR(20) NOT NULL, v VARCHAR(30), x TEXT)");
  client().execute("INSERT INTO s VALUES (:c, :v, :x)", {{"c", Field(text)}, {"v", Field(text)}, {"x", Field(text)}});
  ResultSet result = client().execute("SELECT c, v, x FROM s");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(text), Field(text), Field(text)}));
  // and as literals in the SQL text itself
  EXPECT_EQ(scalar("SELECT '" + text + "'"), Field(text));
  EXPECT_EQ(scalar("SELECT CHAR_LENGTH(x) FROM s"), Field(13));
  ASSERT_EQ(result.columns.size(), 3u);
  EXPECT_EQ(result.columns[0].type, jdbc::kChar);
  EXPECT_EQ(result.columns[0].type_name, "CHAR");
  EXPECT_EQ(result.columns[0].precision, 20);
  EXPECT_EQ(result.columns[0].nullable, 0);
  EXPECT_EQ(result.columns[1].type, jdbc::kVarChar);
  EXPECT_EQ(result.columns[1].type_name, "VARCHAR");
  EXPECT_EQ(result.columns[1].precision, 30);
  EXPECT_EQ(result.columns[1].nullable, 1);
  EXPECT_EQ(result.columns[2].type, jdbc::kLongVarChar);
  EXPECT_EQ(result.columns[2].type_name, "TEXT");
  for (const ColumnMetadata& column : result.columns) EXPECT_FALSE(column.is_case_sensitive) << column.name;
}

TEST_F(MysqlTypesTest, JsonIsAString) {
  // MariaDB's JSON is LONGTEXT with a json_valid CHECK: the Data API gives it as a string.
  const std::string json =
      R"({"name": "\u00e9 \\ \"q\"", "emoji": "ð", "list": [1, 2.5, null, true], "nested": {"a": "b"}})";
  client().execute("CREATE TABLE j (id INT PRIMARY KEY, v JSON)");
  client().execute("INSERT INTO j VALUES (1, :v)", {{"v", Field(json)}});
  client().execute("INSERT INTO j VALUES (2, '[\"literal\", {}]')");
  ResultSet result = client().execute("SELECT v FROM j ORDER BY id");
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0][0], Field(json));
  EXPECT_EQ(result.records[1][0], Field(R"(["literal", {}])"));
  EXPECT_EQ(result.columns.at(0).type, jdbc::kLongVarChar);
  EXPECT_EQ(scalar("SELECT JSON_VALUE(v, '$.nested.a') FROM j WHERE id = 1"), Field("b"));
  EXPECT_EQ(scalar("SELECT JSON_VALUE(v, '$.emoji') FROM j WHERE id = 1"), Field("ð"));
  // The CHECK MariaDB attaches to JSON columns rejects what is not JSON.
  auto error = mysql_testing::catch_error([&] { client().execute("INSERT INTO j VALUES (3, '{not json')"); });
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->kind, ErrorKind::kConstraint) << error->message;
}

TEST_F(MysqlTypesTest, EnumIsAString) {
  EXPECT_EQ(round_trip("ENUM('draft', 'published', 'caf\xC3\xA9')", {"'published'", "'draft'", "'caf\xC3\xA9'"}),
            (Fields{Field("published"), Field("draft"), Field("caf\xC3\xA9")}));
  EXPECT_EQ(last_columns.at(0).type, jdbc::kChar);
  EXPECT_EQ(last_columns.at(0).type_name, "ENUM");
}

// ---- binary ----

TEST_F(MysqlTypesTest, BinaryVarbinaryAndBlobAreByteExact) {
  const std::string raw = "\x00\x01\xFF\x00\x7F\x80 \x00"s;
  client().execute("CREATE TABLE b (fixed BINARY(10), var VARBINARY(20), big BLOB)");
  client().execute("INSERT INTO b VALUES (:raw, :raw, :raw)", {{"raw", Field(bytes(raw))}});
  client().execute("INSERT INTO b VALUES (x'00', x'', x'00ff00')");
  ResultSet result = client().execute("SELECT fixed, var, big FROM b");
  ASSERT_EQ(result.records.size(), 2u);
  // BINARY pads with NUL bytes to its width.
  EXPECT_EQ(result.records[0], (Record{Field(bytes(raw + std::string(2, '\0'))), Field(bytes(raw)), Field(bytes(raw))}));
  EXPECT_EQ(result.records[1], (Record{Field(bytes(std::string(10, '\0'))), Field(Blob{}),
                                       Field(bytes(std::string("\x00\xFF\x00", 3)))}));
  ASSERT_EQ(result.columns.size(), 3u);
  EXPECT_EQ(result.columns[0].type, jdbc::kBinary);
  EXPECT_EQ(result.columns[0].type_name, "BINARY");
  EXPECT_EQ(result.columns[0].precision, 10);
  EXPECT_EQ(result.columns[1].type, jdbc::kVarBinary);
  EXPECT_EQ(result.columns[1].type_name, "VARBINARY");
  EXPECT_EQ(result.columns[1].precision, 20);
  EXPECT_EQ(result.columns[2].type, jdbc::kLongVarBinary);
  EXPECT_EQ(result.columns[2].type_name, "BLOB");
  for (const ColumnMetadata& column : result.columns) EXPECT_TRUE(column.is_case_sensitive) << column.name;
}

// ---- NULL ----

TEST_F(MysqlTypesTest, NullOfEveryTypeIsNull) {
  const std::vector<std::string> types = {
      "TINYINT",     "SMALLINT",    "MEDIUMINT",     "INT",       "BIGINT",    "BIGINT UNSIGNED", "TINYINT(1)",
      "BIT(1)",      "BIT(8)",      "FLOAT",         "DOUBLE",    "DECIMAL(65,30)", "DATE",        "TIME",
      "DATETIME",    "DATETIME(6)", "TIMESTAMP NULL", "YEAR",     "CHAR(5)",   "VARCHAR(10)",     "TEXT",
      "MEDIUMTEXT",  "BINARY(4)",   "VARBINARY(4)",  "BLOB",      "JSON",      "ENUM('a','b')",   "SET('x','y')"};
  std::string columns, nulls;
  for (std::size_t i = 0; i < types.size(); ++i) {
    columns += (i ? ", c" : "c") + std::to_string(i) + " " + types[i];
    nulls += i ? ", NULL" : "NULL";
  }
  client().execute("CREATE TABLE n (" + columns + ")");
  client().execute("INSERT INTO n VALUES (" + nulls + ")");
  ResultSet result = client().execute("SELECT * FROM n");
  ASSERT_EQ(result.records.size(), 1u);
  ASSERT_EQ(result.records[0].size(), types.size());
  ASSERT_EQ(result.columns.size(), types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    EXPECT_TRUE(result.records[0][i].is_null()) << types[i];
    EXPECT_EQ(result.columns[i].nullable, 1) << types[i];
  }
  // A bare NULL expression too.
  EXPECT_TRUE(scalar("SELECT NULL").is_null());
}

// ---- long values (beyond the 4096-byte first fetch) ----

TEST_F(MysqlTypesTest, HundredKilobyteTextAndBlobRoundTripExactly) {
  std::string text;
  for (int i = 0; text.size() < 100 * 1024; ++i) text += "line " + std::to_string(i) + " \xF0\x9F\x98\x80 ";
  std::string raw;
  for (std::size_t i = 0; i < 100 * 1024 + 7; ++i) raw += static_cast<char>((i * 131) % 256);
  client().execute("CREATE TABLE big (id INT PRIMARY KEY, body MEDIUMTEXT, data MEDIUMBLOB)");
  client().execute("INSERT INTO big VALUES (1, 'short', x'00')");
  client().execute("INSERT INTO big VALUES (2, :body, :data)", {{"body", Field(text)}, {"data", Field(bytes(raw))}});
  client().execute("INSERT INTO big VALUES (3, 'after', x'0102')");
  ResultSet result = client().execute("SELECT id, body, data FROM big ORDER BY id");
  ASSERT_EQ(result.records.size(), 3u);
  EXPECT_EQ(result.records[0], (Record{Field(1), Field("short"), Field(bytes(std::string(1, '\0')))}));
  ASSERT_TRUE(result.records[1][1].is_string());
  EXPECT_EQ(result.records[1][1].as_string().size(), text.size());
  EXPECT_TRUE(result.records[1][1].as_string() == text) << "the 100 KB text changed";
  ASSERT_TRUE(result.records[1][2].is_blob());
  EXPECT_EQ(result.records[1][2].as_blob().size(), raw.size());
  EXPECT_TRUE(result.records[1][2].as_blob() == bytes(raw)) << "the 100 KB blob changed";
  // A short value after a long one is not padded or cut by the long one's fetch.
  EXPECT_EQ(result.records[2], (Record{Field(3), Field("after"), Field(bytes("\x01\x02"))}));
}

TEST_F(MysqlTypesTest, VarcharJustOverTheFirstFetchBufferRoundTrips) {
  std::string text(4097, 'x');
  text[0] = 'A';
  text[4096] = 'Z';
  EXPECT_EQ(round_trip("VARCHAR(5000)", {"'" + text + "'", "'" + text.substr(0, 4096) + "'"}),
            (Fields{Field(text), Field(text.substr(0, 4096))}));
}

// ---- metadata ----

TEST_F(MysqlTypesTest, MetadataNamesLabelsTablesAndAutoIncrement) {
  client().execute("CREATE TABLE people (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, name VARCHAR(40) NOT NULL)");
  client().execute("INSERT INTO people (name) VALUES ('Ann')");
  ResultSet result = client().execute("SELECT p.id AS ident, p.name, 7 AS seven FROM people AS p");
  ASSERT_EQ(result.columns.size(), 3u);
  EXPECT_EQ(result.columns[0].label, "ident");
  EXPECT_EQ(result.columns[0].name, "id");
  EXPECT_EQ(result.columns[0].table_name, "people");
  EXPECT_TRUE(result.columns[0].is_auto_increment);
  EXPECT_EQ(result.columns[0].nullable, 0);
  EXPECT_EQ(result.columns[0].type, jdbc::kBigInt);
  EXPECT_EQ(result.columns[1].label, "name");
  EXPECT_EQ(result.columns[1].name, "name");
  EXPECT_EQ(result.columns[1].table_name, "people");
  EXPECT_FALSE(result.columns[1].is_auto_increment);
  EXPECT_EQ(result.columns[2].label, "seven");
  EXPECT_EQ(result.columns[2].table_name, "");
  EXPECT_EQ(result.column_index("ident"), 0);
  EXPECT_EQ(result.column_index("id"), -1);
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(1), Field("Ann"), Field(7)}));
}

// ---- parameters of every Field kind ----

TEST_F(MysqlTypesTest, ParametersOfEveryKindRoundTrip) {
  const std::string tricky = "it's \"quoted\" \\back\\slash\\ and a NUL \x00 byte; -- :not_a_parameter"s;
  const std::string raw = "\x00\xFF\x00\x01"s;
  client().execute(
      "CREATE TABLE p (id INT PRIMARY KEY, n INT NULL, b BOOLEAN, lo BIGINT, hi BIGINT, d DOUBLE, s TEXT, x BLOB)");
  client().execute("INSERT INTO p VALUES (1, :n, :b, :lo, :hi, :d, :s, :x)",
                   {{"n", Field()},
                    {"b", Field(true)},
                    {"lo", Field(std::numeric_limits<long long>::min())},
                    {"hi", Field(std::numeric_limits<long long>::max())},
                    {"d", Field(-1.5e-300)},
                    {"s", Field(tricky)},
                    {"x", Field(bytes(raw))}});
  client().execute("INSERT INTO p VALUES (2, :n, :b, 0, 0, :d, :s, :x)",
                   {{"n", Field(nullptr)}, {"b", Field(false)}, {"d", Field(0.1)}, {"s", Field("")}, {"x", Field(bytes("1"))}});
  ResultSet result = client().execute("SELECT n, b, lo, hi, d, s, x FROM p ORDER BY id");
  ASSERT_EQ(result.records.size(), 2u);
  EXPECT_EQ(result.records[0],
            (Record{Field(), Field(true), Field(std::numeric_limits<long long>::min()),
                    Field(std::numeric_limits<long long>::max()), Field(-1.5e-300), Field(tricky), Field(bytes(raw))}));
  EXPECT_EQ(result.records[1], (Record{Field(), Field(false), Field(0), Field(0), Field(0.1), Field(""), Field(bytes("1"))}));

  // Bound values compare as their types in WHERE clauses.
  EXPECT_EQ(scalar("SELECT id FROM p WHERE s = :s AND x = :x AND lo = :lo",
                   {{"s", Field(tricky)}, {"x", Field(bytes(raw))}, {"lo", Field(std::numeric_limits<long long>::min())}}),
            Field(1));
  EXPECT_EQ(scalar("SELECT COUNT(*) FROM p WHERE n IS NULL AND b = :b", {{"b", Field(false)}}), Field(1));
}

TEST_F(MysqlTypesTest, EmptyBlobParameterIsAnEmptyValueNotNull) {
  client().execute("CREATE TABLE e (id INT PRIMARY KEY, x BLOB NULL, s TEXT NULL)");
  client().execute("INSERT INTO e VALUES (1, :x, :s)", {{"x", Field(Blob{})}, {"s", Field("")}});
  ResultSet result = client().execute("SELECT x, x IS NULL, s, s IS NULL FROM e");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(Blob{}), Field(0), Field(""), Field(0)}));
  EXPECT_EQ(scalar("SELECT LENGTH(:x)", {{"x", Field(Blob{})}}), Field(0));
}

TEST_F(MysqlTypesTest, ParametersSelectedBackKeepTheirKind) {
  ResultSet result = client().execute(
      "SELECT :i AS i, :d AS d, :s AS s, :n AS n",
      {{"i", Field(std::numeric_limits<long long>::max())}, {"d", Field(2.5)}, {"s", Field("\xF0\x9F\x98\x80")}, {"n", Field()}});
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0],
            (Record{Field(std::numeric_limits<long long>::max()), Field(2.5), Field("\xF0\x9F\x98\x80"), Field()}));
}

// ---- the text protocol path maps types the same way ----

TEST_F(MysqlTypesTest, TextProtocolResultsUseTheSameMapping) {
  client().execute(
      "CREATE TABLE m (i INT, u BIGINT UNSIGNED, f TINYINT(1), bt BIT(1), d DOUBLE, dc DECIMAL(5,2), dt DATETIME(6), "
      "s VARCHAR(10), x VARBINARY(4))");
  client().execute(
      "INSERT INTO m VALUES (-7, 18446744073709551615, 1, b'1', 2.5, '-1.25', '2020-08-28 16:08:27.988319', 'h\xC3\xA9', "
      "x'00ff')");
  ResultSet result = client().execute_text("SELECT i, u, f, bt, d, dc, dt, s, x FROM m");
  ASSERT_EQ(result.records.size(), 1u);
  EXPECT_EQ(result.records[0], (Record{Field(-7), Field("18446744073709551615"), Field(true), Field(true), Field(2.5),
                                       Field("-1.25"), Field("2020-08-28 16:08:27.988319"), Field("h\xC3\xA9"),
                                       Field(bytes(std::string("\x00\xFF", 2)))}));
  ResultSet prepared = client().execute("SELECT i, u, f, bt, d, dc, dt, s, x FROM m");
  EXPECT_EQ(prepared.records, result.records);
  ASSERT_EQ(prepared.columns.size(), result.columns.size());
  for (std::size_t i = 0; i < result.columns.size(); ++i) {
    EXPECT_EQ(prepared.columns[i].type, result.columns[i].type) << i;
    EXPECT_EQ(prepared.columns[i].type_name, result.columns[i].type_name) << i;
  }
}

}  // namespace
}  // namespace strata::db
