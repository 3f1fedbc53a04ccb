#include "strata/json.hpp"

#include <rapidjson/error/en.h>

#include <cmath>
#include <variant>

#include "core/base64.hpp"
#include "strata/response.hpp"

namespace strata::json {

Document parse_object(const std::optional<std::string>& body) {
  if (!body || body->empty()) throw HttpError(400, "request body is required: a JSON object");
  Document document;
  // Depth is bounded by the body limit; kParseIterativeFlag keeps deep nesting off the stack.
  document.Parse<rapidjson::kParseIterativeFlag>(body->data(), body->size());
  if (document.HasParseError()) {
    throw HttpError(400, std::string("request body is not valid JSON: ") +
                             rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
                             std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) throw HttpError(400, "request body must be a JSON object");
  return document;
}

Document parse_object(const Request& request) { return parse_object(request.decoded_body()); }

std::optional<std::string_view> optional_string(const Value& object, const char* field) {
  auto member = object.FindMember(field);
  if (member == object.MemberEnd() || member->value.IsNull()) return std::nullopt;
  if (!member->value.IsString()) throw HttpError(400, std::string(field) + " must be a string");
  return std::string_view(member->value.GetString(), member->value.GetStringLength());
}

void write_field(Writer& writer, const db::Field& field) {
  std::visit(
      [&writer](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, db::Null>) {
          writer.Null();
        } else if constexpr (std::is_same_v<T, bool>) {
          writer.Bool(value);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          writer.Int64(value);
        } else if constexpr (std::is_same_v<T, double>) {
          // JSON has no Infinity or NaN (RapidJSON would write nothing): null.
          std::isfinite(value) ? writer.Double(value) : writer.Null();
        } else if constexpr (std::is_same_v<T, std::string>) {
          writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
        } else {
          std::string encoded = base64::encode(value.data(), value.size());
          writer.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
        }
      },
      field.value());
}

void write_record_object(Writer& writer, const db::ResultSet& result, std::size_t row) {
  const db::Record& record = result.records[row];
  writer.StartObject();
  for (std::size_t column = 0; column < record.size(); ++column) {
    const std::string& label = result.columns[column].label;
    writer.Key(label.data(), static_cast<rapidjson::SizeType>(label.size()));
    write_field(writer, record[column]);
  }
  writer.EndObject();
}

void write_record_objects(Writer& writer, const db::ResultSet& result) {
  writer.StartArray();
  for (std::size_t row = 0; row < result.records.size(); ++row) write_record_object(writer, result, row);
  writer.EndArray();
}

namespace {

void write_typed_field(Writer& writer, const db::Field& field) {
  writer.StartObject();
  std::visit(
      [&writer](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, db::Null>) {
          writer.Key("isNull");
          writer.Bool(true);
        } else if constexpr (std::is_same_v<T, bool>) {
          writer.Key("booleanValue");
          writer.Bool(value);
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          writer.Key("longValue");
          writer.Int64(value);
        } else if constexpr (std::is_same_v<T, double>) {
          if (std::isfinite(value)) {
            writer.Key("doubleValue");
            writer.Double(value);
          } else {
            writer.Key("isNull");
            writer.Bool(true);
          }
        } else if constexpr (std::is_same_v<T, std::string>) {
          writer.Key("stringValue");
          writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
        } else {
          writer.Key("blobValue");
          std::string encoded = base64::encode(value.data(), value.size());
          writer.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
        }
      },
      field.value());
  writer.EndObject();
}

void write_string_member(Writer& writer, const char* key, const std::string& value) {
  writer.Key(key);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

}  // namespace

void write_records(Writer& writer, const db::ResultSet& result) {
  writer.StartArray();
  for (const db::Record& record : result.records) {
    writer.StartArray();
    for (const db::Field& field : record) write_typed_field(writer, field);
    writer.EndArray();
  }
  writer.EndArray();
}

void write_column_metadata(Writer& writer, const db::ResultSet& result) {
  writer.StartArray();
  for (const db::ColumnMetadata& column : result.columns) {
    writer.StartObject();
    writer.Key("arrayBaseColumnType");
    writer.Int(column.array_base_column_type);
    writer.Key("isAutoIncrement");
    writer.Bool(column.is_auto_increment);
    writer.Key("isCaseSensitive");
    writer.Bool(column.is_case_sensitive);
    writer.Key("isCurrency");
    writer.Bool(column.is_currency);
    writer.Key("isSigned");
    writer.Bool(column.is_signed);
    write_string_member(writer, "label", column.label);
    write_string_member(writer, "name", column.name);
    writer.Key("nullable");
    writer.Int(column.nullable);
    writer.Key("precision");
    writer.Int(column.precision);
    writer.Key("scale");
    writer.Int(column.scale);
    write_string_member(writer, "schemaName", column.schema_name);
    write_string_member(writer, "tableName", column.table_name);
    writer.Key("type");
    writer.Int(column.type);
    write_string_member(writer, "typeName", column.type_name);
    writer.EndObject();
  }
  writer.EndArray();
}

std::string quote(std::string_view value) {
  rapidjson::StringBuffer buffer;
  Writer writer(buffer);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace strata::json
