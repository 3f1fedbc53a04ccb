#pragma once
// JSON for functions, on RapidJSON: reading request bodies and writing results.
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "strata/db/result_set.hpp"
#include "strata/db/row.hpp"
#include "strata/request.hpp"

namespace strata::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

// Appends `text` as a JSON string, quoted and escaped (every byte below 0x20 escaped,
// which RapidJSON's SSE2 writer gets wrong for 0x1A-0x1F).
void write_quoted(rapidjson::StringBuffer& out, const char* text, std::size_t length);

// RapidJSON's Writer into a StringBuffer, used the same way, whose strings and keys are
// written faster: scanned eight bytes at a time for the few bytes JSON must escape and
// copied in runs, where RapidJSON's own goes byte by byte (about 20 instructions a
// byte on short strings). The output is the same byte for byte: \" \\ \b \f \n \r \t,
// \u00XX (upper case) for the other bytes below 0x20, every other byte as it is.
class Writer : public rapidjson::Writer<rapidjson::StringBuffer> {
  using Base = rapidjson::Writer<rapidjson::StringBuffer>;

 public:
  using Base::Base;

  bool String(const char* text, rapidjson::SizeType length, bool copy = false) {
    (void)copy;
    return write_string(text, length);
  }
  bool String(const char* text) { return write_string(text, std::strlen(text)); }
  bool String(const std::string& text) { return write_string(text.data(), text.size()); }
  bool Key(const char* text, rapidjson::SizeType length, bool copy = false) { return String(text, length, copy); }
  bool Key(const char* text) { return write_string(text, std::strlen(text)); }
  bool Key(const std::string& text) { return write_string(text.data(), text.size()); }

  // A row being visited as an object keyed by column label (what write_row_object
  // writes), in one reservation of the buffer: its keys are quoted once for all the
  // rows with the same Row::columns_id, on each thread.
  void row_object(const db::Row& row);

 private:
  bool write_string(const char* text, std::size_t length);
};

// Parses a request body that must be a JSON object; throws HttpError(400)
// saying what is wrong (absent body, invalid JSON at offset N, not an object).
Document parse_object(const std::optional<std::string>& body);
// The same for a request's body, base64-decoded first when API Gateway encoded it.
Document parse_object(const Request& request);

// A string member of `object`: absent or null gives nullopt; any other
// non-string value throws HttpError(400) naming the field.
std::optional<std::string_view> optional_string(const Value& object, const char* field);

// Writes one field as JSON: null, true/false, a number, a string, a blob as base64.
void write_field(Writer& writer, const db::Field& field);
void write_field(Writer& writer, const db::FieldView& field);
// Writes a row being visited (Client::for_each_row) as an object keyed by column
// label, the same JSON as write_record_object, without building a ResultSet.
void write_row_object(Writer& writer, const db::Row& row);
// Writes record `row` of `result` as an object keyed by column label (the Data
// API's formatRecordsAs: JSON form of one row).
void write_record_object(Writer& writer, const db::ResultSet& result, std::size_t row);
// All records as an array of such objects.
void write_record_objects(Writer& writer, const db::ResultSet& result);
// The records in the Data API's own form: [[{"longValue": 1}, {"stringValue": ...}], ...]
void write_records(Writer& writer, const db::ResultSet& result);
// columnMetadata in the Data API's form.
void write_column_metadata(Writer& writer, const db::ResultSet& result);

// `value` quoted and escaped as a JSON string.
std::string quote(std::string_view value);

}  // namespace strata::json
