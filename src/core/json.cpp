#include "strata/json.hpp"

#include <rapidjson/error/en.h>
#include <rapidjson/internal/dtoa.h>
#include <rapidjson/internal/itoa.h>

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

// Bytes JSON escapes: below 0x20, '"' and '\\'.
bool needs_escape(unsigned char c) { return c < 0x20 || c == '"' || c == '\\'; }

// Among the bytes of `word` (little-endian), the index of the first that JSON escapes,
// or sizeof word when none is. Such a byte (below 0x20, '"' or '\\') sets its high bit
// in `found` (a byte >= 0x80 never does). A subtraction borrows out of a byte only where
// that byte matched, so every byte below the first match is tested exactly, and the
// lowest bit set (the first byte in memory) is a true match.
template <typename Word>
[[gnu::always_inline]] inline std::size_t first_to_escape(Word word) {
  constexpr Word kOnes = static_cast<Word>(0x0101010101010101ULL), kHighs = static_cast<Word>(0x8080808080808080ULL);
  Word quote = word ^ (kOnes * '"'), backslash = word ^ (kOnes * '\\');
  Word found = ((word - kOnes * 0x20) & ~word) | ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash);
  found &= kHighs;
  return found ? static_cast<std::size_t>(std::countr_zero(found)) / 8 : sizeof word;
}

#if defined(__SSE2__)
// Among 16 bytes, a mask with bit i set where byte i is one JSON escapes.
[[gnu::always_inline]] inline unsigned escape_mask(__m128i bytes) {
  __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1F)), bytes);
  __m128i quote = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'));
  __m128i backslash = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\\'));
  return static_cast<unsigned>(_mm_movemask_epi8(_mm_or_si128(control, _mm_or_si128(quote, backslash))));
}
#endif

// Copies the bytes from `p` that need no escaping to `into` and says how many they were.
// A word at a time (8 bytes, then 4); the last word of a string overlaps the one before
// (its first bytes, already found clean, cannot hold the first match), so only strings
// under 4 bytes go byte by byte. A whole word is stored even when it holds a match: it
// lies within the room for the worst case of the bytes not yet written, and what follows
// the match is overwritten. Inlined: a row's strings are short, and a call cost a fifth
// of their scan.
[[gnu::always_inline]] inline std::size_t copy_clean_run(const char* p, std::size_t length, char* into) {
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    if (length >= 8) {
      for (;; i += 8) {
        if (i + 8 > length) i = length - 8;
        std::uint64_t word;
        std::memcpy(&word, p + i, 8);
        std::memcpy(into + i, &word, 8);
        std::size_t match = first_to_escape(word);
        if (match < 8) return i + match;
        if (i + 8 == length) return length;
      }
    }
    if (length >= 4) {
      for (;; i += 4) {
        if (i + 4 > length) i = length - 4;
        std::uint32_t word;
        std::memcpy(&word, p + i, 4);
        std::memcpy(into + i, &word, 4);
        std::size_t match = first_to_escape(word);
        if (match < 4) return i + match;
        if (i + 4 == length) return length;
      }
    }
  }
  for (; i < length; ++i) {
    if (needs_escape(static_cast<unsigned char>(p[i]))) return i;
    into[i] = p[i];
  }
  return length;
}

// How each byte is written inside a JSON string, as RapidJSON writes it: itself
// (`extra` 0), a backslash and `second` (extra 1: \" \\ \b \f \n \r \t), or \u00XX in
// upper case (extra 5, the other bytes below 0x20).
struct ByteEscape {
  char second;
  std::uint8_t extra;
};
constexpr std::array<ByteEscape, 256> make_byte_escapes() {
  std::array<ByteEscape, 256> table{};
  for (std::size_t c = 0; c < 256; ++c) table[c] = {static_cast<char>(c), c < 0x20 ? std::uint8_t{5} : std::uint8_t{0}};
  table['"'] = {'"', 1};
  table['\\'] = {'\\', 1};
  table['\b'] = {'b', 1};
  table['\f'] = {'f', 1};
  table['\n'] = {'n', 1};
  table['\r'] = {'r', 1};
  table['\t'] = {'t', 1};
  return table;
}
constexpr auto kByteEscapes = make_byte_escapes();

// Writes byte `c` as it appears inside a JSON string at `into` (room for six bytes);
// returns the end. No branch for a plain byte or a two-byte escape: a backslash is
// stored, then the byte itself over it or its escape's letter after it.
[[gnu::always_inline]] inline char* write_byte(unsigned char c, char* into) {
  ByteEscape escape = kByteEscapes[c];
  if (escape.extra == 5) [[unlikely]] {
    constexpr char kHex[] = "0123456789ABCDEF";
    std::memcpy(into, "\\u00", 4);
    into[4] = kHex[c >> 4];
    into[5] = kHex[c & 15];
    return into + 6;
  }
  into[0] = '\\';
  into[escape.extra] = escape.second;
  return into + 1 + escape.extra;
}

// Writes `text` escaped at `into`, which has room for 6 * length bytes; returns the end.
[[gnu::always_inline]] inline char* escape_into(char* into, const char* text, std::size_t length) {
  std::size_t i = 0;
#if defined(__SSE2__)
  // 16 bytes at a time: stored whole when none is escaped, else each byte by write_byte.
  // A body that is itself JSON has an escape every few bytes, and a branch taken at each
  // (one mispredicted per escape) cost more than the bytes around it.
  bool last_clean = false;
  for (; i + 16 <= length; i += 16) {
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + i));
    last_clean = !escape_mask(bytes);
    if (last_clean) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(into), bytes);
      into += 16;
      continue;
    }
    for (std::size_t k = 0; k < 16; ++k) into = write_byte(static_cast<unsigned char>(text[i + k]), into);
  }
  // The rest, as the last 16 bytes: their first ones were just copied as they are, so
  // writing them again changes nothing.
  if (last_clean && i < length) {
    std::size_t rest = length - i;
    __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text + length - 16));
    if (!(escape_mask(bytes) >> (16 - rest))) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(into + rest - 16), bytes);
      return into + rest;
    }
  }
#endif
  while (i < length) {
    std::size_t run = copy_clean_run(text + i, length - i, into);
    into += run;
    i += run;
    if (i < length) into = write_byte(static_cast<unsigned char>(text[i++]), into);
  }
  return into;
}

// Writes `text` quoted and escaped at `into`, which has room for 2 + 6 * length bytes;
// returns the end.
[[gnu::always_inline]] inline char* quote_into(char* into, const char* text, std::size_t length) {
  *into++ = '"';
  into = escape_into(into, text, length);
  *into++ = '"';
  return into;
}

}  // namespace

void write_quoted(rapidjson::StringBuffer& out, const char* text, std::size_t length) {
  // Given room for the worst case (every byte as \u00XX), long strings in slices; the
  // room left over is given back.
  constexpr std::size_t kSlice = 4096;
  if (length <= kSlice) {
    std::size_t room = 2 + length * 6;
    char* begin = out.Push(room);
    out.Pop(static_cast<std::size_t>(begin + room - quote_into(begin, text, length)));
    return;
  }
  out.Put('"');
  for (std::size_t start = 0; start < length; start += kSlice) {
    std::size_t slice = std::min(length - start, kSlice);
    std::size_t room = slice * 6;
    char* begin = out.Push(room);
    out.Pop(static_cast<std::size_t>(begin + room - escape_into(begin, text + start, slice)));
  }
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

// FieldView::Value's alternatives, by index: the row's values are told apart by a switch.
enum ValueIndex : std::size_t { kNullIndex, kBoolIndex, kLongIndex, kDoubleIndex, kStringIndex, kBytesIndex };
template <std::size_t index, typename T>
constexpr bool kIndexHolds = std::is_same_v<std::variant_alternative_t<index, db::FieldView::Value>, T>;
static_assert(kIndexHolds<kNullIndex, db::Null> && kIndexHolds<kBoolIndex, bool> &&
              kIndexHolds<kLongIndex, std::int64_t> && kIndexHolds<kDoubleIndex, double> &&
              kIndexHolds<kStringIndex, std::string_view> && kIndexHolds<kBytesIndex, db::FieldView::Bytes> &&
              std::variant_size_v<db::FieldView::Value> == 6);

// Strings up to this size are written within a row's one reservation, at their worst
// case of 6 bytes a byte; longer ones, and blobs (base64 first), are written apart.
constexpr std::size_t kInRowString = 1024;
// The most bytes RapidJSON's Writer reserves for an integer and for a double.
constexpr std::size_t kInt64Room = 21, kDoubleRoom = 25;

// The most bytes `value` takes written within the row's reservation; 0 when written apart.
std::size_t room_in_row(const db::FieldView::Value& value) {
  switch (value.index()) {
    case kNullIndex: return 4;
    case kBoolIndex: return 5;  // false
    case kLongIndex: return kInt64Room;
    case kDoubleIndex: return kDoubleRoom;
    case kStringIndex: {
      std::size_t size = std::get<std::string_view>(value).size();
      return size <= kInRowString ? 2 + 6 * size : 0;
    }
    default: return 0;
  }
}

// The keys of a row as JSON text with their separators ("id": ,"title": ...); key i
// spans starts[i] to starts[i + 1]. The text is followed by kKeyCopy bytes of padding,
// so that a short key is copied as kKeyCopy bytes whatever its size.
struct RowKeys {
  static constexpr std::size_t kKeyCopy = 16;
  std::uint64_t columns_id = 0;
  std::string text;
  std::vector<std::uint32_t> starts;
};

const RowKeys& keys_of(const db::Row& row) {
  // The keys of the last few column lists this thread wrote: a columns_id stands for
  // the same labels for as long as the process runs.
  static constexpr std::size_t kKept = 8;
  thread_local std::array<RowKeys, kKept> kept;
  thread_local RowKeys unnumbered;
  RowKeys& keys = row.columns_id() ? kept[row.columns_id() % kKept] : unnumbered;
  if (row.columns_id() != 0 && keys.columns_id == row.columns_id()) return keys;
  rapidjson::StringBuffer text;
  keys.starts.assign(1, 0);
  for (std::size_t column = 0; column < row.size(); ++column) {
    if (column > 0) text.Put(',');
    const std::string& label = row.columns()[column].label;
    write_quoted(text, label.data(), label.size());
    text.Put(':');
    keys.starts.push_back(static_cast<std::uint32_t>(text.GetSize()));
  }
  keys.text.assign(text.GetString(), text.GetSize());
  keys.text.append(RowKeys::kKeyCopy, '\0');
  keys.columns_id = row.columns_id();
  return keys;
}

}  // namespace

// The bytes write_field writes for each value, and StartObject/Key/EndObject around
// them, without a call and a separator decision per key and per value.
void Writer::row_object(const db::Row& row) {
  const RowKeys& keys = keys_of(row);
  Prefix(rapidjson::kObjectType);
  // The keys' padding is room enough for the last key's whole copy.
  std::size_t room = 2 + keys.text.size();
  for (const db::FieldView& field : row.values()) room += room_in_row(field.value());
  char* into = os_->Push(room);
  char* end = into + room;
  *into++ = '{';
  for (std::size_t column = 0; column < row.size(); ++column) {
    const char* key = keys.text.data() + keys.starts[column];
    std::size_t key_size = keys.starts[column + 1] - keys.starts[column];
    if (key_size <= RowKeys::kKeyCopy) {
      // A whole kKeyCopy bytes, in two moves rather than a call; the value overwrites the excess.
      std::memcpy(into, key, RowKeys::kKeyCopy);
    } else {
      std::memcpy(into, key, key_size);
    }
    into += key_size;
    const db::FieldView::Value& value = row[column].value();
    switch (value.index()) {
      case kNullIndex:
        std::memcpy(into, "null", 4);
        into += 4;
        break;
      case kBoolIndex:
        if (std::get<bool>(value)) {
          std::memcpy(into, "true", 4);
          into += 4;
        } else {
          std::memcpy(into, "false", 5);
          into += 5;
        }
        break;
      case kLongIndex: into = rapidjson::internal::i64toa(std::get<std::int64_t>(value), into); break;
      case kDoubleIndex: {
        // JSON has no Infinity or NaN: null, as write_field writes them.
        double number = std::get<double>(value);
        if (std::isfinite(number)) {
          into = rapidjson::internal::dtoa(number, into, maxDecimalPlaces_);
        } else {
          std::memcpy(into, "null", 4);
          into += 4;
        }
        break;
      }
      default: {
        bool is_string = value.index() == kStringIndex;
        std::string_view text = is_string ? std::get<std::string_view>(value) : std::string_view();
        if (is_string && text.size() <= kInRowString) {
          into = quote_into(into, text.data(), text.size());
          break;
        }
        // Written apart: the room still reserved is given back and taken again after.
        std::size_t rest = static_cast<std::size_t>(end - into);
        os_->Pop(rest);
        if (is_string) {
          write_quoted(*os_, text.data(), text.size());
        } else {
          db::FieldView::Bytes bytes = std::get<db::FieldView::Bytes>(value);
          std::string encoded = base64::encode(bytes.data(), bytes.size());
          write_quoted(*os_, encoded.data(), encoded.size());
        }
        into = os_->Push(rest);
        end = into + rest;
        break;
      }
    }
  }
  *into++ = '}';
  os_->Pop(static_cast<std::size_t>(end - into));
  EndValue(true);
}

void write_row_object(Writer& writer, const db::Row& row) { writer.row_object(row); }

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
