#pragma once
// The RDS Data API's ExecuteStatement result: every executor produces this shape.
#include <cstdint>
#include <string>
#include <vector>

#include "strata/db/field.hpp"

namespace strata::db {

// java.sql.Types codes, as the Data API reports them in ColumnMetadata.type.
namespace jdbc {
inline constexpr int kBit = -7, kTinyInt = -6, kSmallInt = 5, kInteger = 4, kBigInt = -5, kReal = 7,
                     kDouble = 8, kDecimal = 3, kChar = 1, kVarChar = 12, kLongVarChar = -1, kDate = 91,
                     kTime = 92, kTimestamp = 93, kBinary = -2, kVarBinary = -3, kLongVarBinary = -4,
                     kBoolean = 16, kNull = 0, kOther = 1111;
}  // namespace jdbc

struct ColumnMetadata {
  std::string name;
  std::string label;
  int type = jdbc::kOther;
  std::string type_name;
  std::string schema_name;
  std::string table_name;
  bool is_auto_increment = false;
  bool is_signed = false;
  bool is_currency = false;
  bool is_case_sensitive = false;
  int nullable = 2;  // 0 no nulls, 1 nullable, 2 unknown
  int precision = 0;
  int scale = 0;
  int array_base_column_type = 0;
};

using Record = std::vector<Field>;

struct ResultSet {
  std::vector<ColumnMetadata> columns;
  std::vector<Record> records;
  std::int64_t number_of_records_updated = 0;
  std::vector<Field> generated_fields;

  // Index of the column labelled `label`, or -1.
  int column_index(std::string_view label) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
      if (columns[i].label == label) return static_cast<int>(i);
    }
    return -1;
  }
};

}  // namespace strata::db
