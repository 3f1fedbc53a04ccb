#include "strata/db/row.hpp"

#include <atomic>

#include "strata/db/client.hpp"

namespace strata::db {

std::uint64_t new_columns_id() {
  static std::atomic<std::uint64_t> last{0};
  return ++last;
}

FieldView::FieldView(const Field& field) {
  std::visit(
      [this](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, std::string>) {
          value_ = std::string_view(value);
        } else if constexpr (std::is_same_v<T, Blob>) {
          value_ = Bytes(value.data(), value.size());
        } else {
          value_ = value;
        }
      },
      field.value());
}

Field FieldView::to_field() const {
  return std::visit(
      [](const auto& value) -> Field {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, Null>) {
          return Field();
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          return Field(static_cast<long long>(value));
        } else if constexpr (std::is_same_v<T, Bytes>) {
          return Field(Blob(value.begin(), value.end()));
        } else {
          return Field(value);
        }
      },
      value_);
}

void ResultSetBuilder::columns(const std::vector<ColumnMetadata>& columns) { result_.columns = columns; }

void ResultSetBuilder::row(const Row& row) {
  Record record;
  record.reserve(row.size());
  for (const FieldView& value : row.values()) record.push_back(value.to_field());
  result_.records.push_back(std::move(record));
}

void visit_result(const ResultSet& result, RowVisitor& visitor) {
  if (!result.columns.empty()) visitor.columns(result.columns);
  std::vector<FieldView> values;
  std::uint64_t columns_id = new_columns_id();
  for (const Record& record : result.records) {
    values.clear();
    for (const Field& field : record) values.emplace_back(field);
    visitor.row(Row(result.columns, values, columns_id));
  }
}

ResultSet Client::execute(std::string_view sql, const Parameters& parameters) {
  ResultSet result;
  ResultSetBuilder builder(result);
  StatementOutcome outcome = execute_rows(sql, parameters, builder);
  result.number_of_records_updated = outcome.number_of_records_updated;
  result.generated_fields = std::move(outcome.generated_fields);
  return result;
}

}  // namespace strata::db
