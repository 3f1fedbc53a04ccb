#include "strata/json.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <variant>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

namespace {

// The escape of each byte JSON escapes (below 0x20, '"' and '\\'), as RapidJSON writes
// them: \" \\ \b \f \n \r \t and \u00XX (upper case); length 0 for a byte written as it is.
// Eight bytes each, so that an escape is copied with one fixed-size store.
struct Escape {
  char text[7];
  std::uint8_t length;
};
constexpr std::size_t kEscapable = '\\' + 1;  // no byte above '\\' is escaped

constexpr std::array<Escape, kEscapable> make_escapes() {
  std::array<Escape, kEscapable> table{};
  constexpr char kHex[] = "0123456789ABCDEF";
  for (std::size_t c = 0; c < 0x20; ++c) {
    table[c] = {{'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15], 0}, 6};
  }
  table['"'] = {{'\\', '"'}, 2};
  table['\\'] = {{'\\', '\\'}, 2};
  table['\b'] = {{'\\', 'b'}, 2};
  table['\f'] = {{'\\', 'f'}, 2};
  table['\n'] = {{'\\', 'n'}, 2};
  table['\r'] = {{'\\', 'r'}, 2};
  table['\t'] = {{'\\', 't'}, 2};
  return table;
}
constexpr std::array<Escape, kEscapable> kEscapes = make_escapes();

// Writes byte `c`, escaped if JSON wants it so; `into` has room for eight bytes.
char* write_byte(unsigned char c, char* into) {
  if (c < kEscapable && kEscapes[c].length) {
    std::memcpy(into, &kEscapes[c], 8);
    return into + kEscapes[c].length;
  }
  *into = static_cast<char>(c);
  return into + 1;
}

// The high bit of each byte of `word` that JSON escapes (below 0x20, '"', '\\'), and of no
// other: each test adds within a byte only (no carry or borrow crosses bytes), so every
// bit is exact and a word dense with escapes is handled without a rescan.
std::uint64_t escape_mask(std::uint64_t word) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL, kLows = 0x7F7F7F7F7F7F7F7FULL;
  std::uint64_t low = word & kLows;
  std::uint64_t control = ~((low + kOnes * 0x60) | word);  // the low seven bits below 0x20, the top one clear
  std::uint64_t quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
  std::uint64_t is_quote = ~(((quote & kLows) + kLows) | quote);  // the byte is zero
  std::uint64_t is_backslash = ~(((backslash & kLows) + kLows) | backslash);
  return (control | is_quote | is_backslash) & ~kLows;
}

// Escapes `length` bytes of `text` into `into`, which has room for 6 * length + 8 bytes,
// and returns the end of what it wrote. Sixteen bytes at a time with SSE2, then eight:
// a block with nothing to escape is stored whole; else the bytes before the escape are
// stored with it (what lies past them is overwritten next) and the escape comes from the
// table, so that a string dense with escapes (a JSON body inside JSON) costs a few
// instructions per escape. Without SSE2, a word's escapes are all written from one scan.
char* escape_into(const char* text, std::size_t length, char* into) {
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time where SSE2 is (every x86-64); scanned again after each escape.
  const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), control = _mm_set1_epi8(0x1F);
  while (i + 16 <= length) {
    __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(into), block);
    __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(block, quote), _mm_cmpeq_epi8(block, backslash)),
                                   _mm_cmpeq_epi8(_mm_max_epu8(block, control), control));  // <= 0x1F
    auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
    if (!mask) {
      i += 16;
      into += 16;
      continue;
    }
    auto at = static_cast<std::size_t>(std::countr_zero(mask));
    into += at;
    const Escape& escape = kEscapes[static_cast<unsigned char>(text[i + at])];
    std::memcpy(into, &escape, 8);
    into += escape.length;
    i += at + 1;
  }
#endif
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= length; i += 8) {
      std::uint64_t word;
      std::memcpy(&word, text + i, 8);
      std::uint64_t mask = escape_mask(word);
      if (!mask) {
        std::memcpy(into, &word, 8);
        into += 8;
        continue;
      }
      unsigned done = 0;  // bytes of the word written
      do {
        unsigned at = static_cast<unsigned>(std::countr_zero(mask)) / 8;
        std::uint64_t rest = word >> (8 * done);
        std::memcpy(into, &rest, 8);
        into += at - done;
        const Escape& escape = kEscapes[static_cast<unsigned char>(text[i + at])];
        std::memcpy(into, &escape, 8);
        into += escape.length;
        done = at + 1;
        mask &= mask - 1;
      } while (mask);
      if (done < 8) {
        std::uint64_t rest = word >> (8 * done);
        std::memcpy(into, &rest, 8);
        into += 8 - done;
      }
    }
  }
  for (; i < length; ++i) into = write_byte(static_cast<unsigned char>(text[i]), into);
  return into;
}

}  // namespace

void write_quoted(rapidjson::StringBuffer& out, const char* text, std::size_t length) {
  out.Put('"');
  // In slices, each given room for its worst case (every byte as \u00XX, and a word's
  // store past the end); the room left over is given back.
  constexpr std::size_t kSlice = 4096;
  std::size_t start = 0;
  do {
    std::size_t end = std::min(length, start + kSlice);
    std::size_t room = (end - start) * 6 + 8;
    char* begin = out.Push(room);
    char* into = escape_into(text + start, end - start, begin);
    out.Pop(static_cast<std::size_t>(begin + room - into));
    start = end;
  } while (start < length);
  out.Put('"');
}

bool Writer::write_string(const char* text, std::size_t length) {
  Prefix(rapidjson::kStringType);
  write_quoted(*os_, text, length);
  return EndValue(true);
}

void write_field(Writer& writer, const db::FieldView& field) {
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
        } else if constexpr (std::is_same_v<T, std::string_view>) {
          writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
        } else {
          std::string encoded = base64::encode(value.data(), value.size());
          writer.String(encoded.data(), static_cast<rapidjson::SizeType>(encoded.size()));
        }
      },
      field.value());
}

void write_field(Writer& writer, const db::Field& field) { write_field(writer, db::FieldView(field)); }

namespace {

void write_key(Writer& writer, const std::string& label) {
  writer.Key(label.data(), static_cast<rapidjson::SizeType>(label.size()));
}

}  // namespace

void write_row_object(Writer& writer, const db::Row& row) {
  const auto& columns = row.columns();
  writer.StartObject();
  for (std::size_t column = 0; column < row.size(); ++column) {
    write_key(writer, columns[column].label);
    write_field(writer, row[column]);
  }
  writer.EndObject();
}

void write_record_object(Writer& writer, const db::ResultSet& result, std::size_t row) {
  const db::Record& record = result.records[row];
  writer.StartObject();
  for (std::size_t column = 0; column < record.size(); ++column) {
    write_key(writer, result.columns[column].label);
    write_field(writer, db::FieldView(record[column]));
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
