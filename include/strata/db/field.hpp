#pragma once
// A value as the RDS Data API models it: exactly one of isNull, booleanValue,
// longValue, doubleValue, stringValue, blobValue. Results and parameters use it.
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace strata::db {

using Blob = std::vector<std::uint8_t>;
struct Null {
  bool operator==(const Null&) const = default;
};

class Field {
 public:
  using Value = std::variant<Null, bool, std::int64_t, double, std::string, Blob>;

  Field() = default;
  Field(std::nullptr_t) {}
  Field(bool value) : value_(value) {}
  Field(int value) : value_(std::int64_t{value}) {}
  Field(long value) : value_(std::int64_t{value}) {}
  Field(long long value) : value_(std::int64_t{value}) {}
  Field(unsigned value) : value_(std::int64_t{value}) {}
  Field(double value) : value_(value) {}
  Field(std::string value) : value_(std::move(value)) {}
  Field(std::string_view value) : value_(std::string(value)) {}
  Field(const char* value) : value_(std::string(value)) {}
  Field(Blob value) : value_(std::move(value)) {}

  bool is_null() const { return std::holds_alternative<Null>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_long() const { return std::holds_alternative<std::int64_t>(value_); }
  bool is_double() const { return std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string>(value_); }
  bool is_blob() const { return std::holds_alternative<Blob>(value_); }

  // Accessors throw std::bad_variant_access when the field holds another kind.
  bool as_bool() const { return std::get<bool>(value_); }
  std::int64_t as_long() const { return std::get<std::int64_t>(value_); }
  double as_double() const { return std::get<double>(value_); }
  const std::string& as_string() const { return std::get<std::string>(value_); }
  const Blob& as_blob() const { return std::get<Blob>(value_); }

  const Value& value() const { return value_; }
  bool operator==(const Field&) const = default;

 private:
  Value value_;
};

// How the Data API reads a stringValue parameter (SqlParameter.typeHint).
enum class TypeHint { kNone, kDate, kTime, kTimestamp, kDecimal, kJson, kUuid };

// A named parameter: the SQL names it `:name`; `name` has no colon.
struct SqlParameter {
  std::string name;
  Field value;
  TypeHint type_hint = TypeHint::kNone;
};

using Parameters = std::vector<SqlParameter>;

}  // namespace strata::db
