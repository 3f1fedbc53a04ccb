#pragma once
// Reading a result row by row, without building a ResultSet: Client::for_each_row
// hands each row to a visitor as the engine reads it, its values borrowed from the
// engine's buffers. What a handler that turns rows straight into JSON uses:
//
//   context.db().for_each_row("SELECT id, title FROM posts", {}, [&](const strata::db::Row& row) {
//     strata::json::write_row_object(writer, row);  // {"id": 1, "title": "..."}
//   });
#include <cstdint>
#include <span>
#include <string_view>
#include <variant>
#include <vector>

#include "strata/db/field.hpp"
#include "strata/db/result_set.hpp"

namespace strata::db {

// One value of a row, with the same kinds as Field, but its text and bytes are
// borrowed: valid only until the visitor that received it returns.
class FieldView {
 public:
  using Bytes = std::span<const std::uint8_t>;
  using Value = std::variant<Null, bool, std::int64_t, double, std::string_view, Bytes>;

  FieldView() = default;
  FieldView(Null) {}
  FieldView(bool value) : value_(value) {}
  FieldView(std::int64_t value) : value_(value) {}
  FieldView(double value) : value_(value) {}
  FieldView(std::string_view value) : value_(value) {}
  FieldView(Bytes value) : value_(value) {}
  // A view of `field`, valid while `field` lives.
  explicit FieldView(const Field& field);

  bool is_null() const { return std::holds_alternative<Null>(value_); }
  bool is_bool() const { return std::holds_alternative<bool>(value_); }
  bool is_long() const { return std::holds_alternative<std::int64_t>(value_); }
  bool is_double() const { return std::holds_alternative<double>(value_); }
  bool is_string() const { return std::holds_alternative<std::string_view>(value_); }
  bool is_blob() const { return std::holds_alternative<Bytes>(value_); }

  // Accessors throw std::bad_variant_access when the value holds another kind.
  bool as_bool() const { return std::get<bool>(value_); }
  std::int64_t as_long() const { return std::get<std::int64_t>(value_); }
  double as_double() const { return std::get<double>(value_); }
  std::string_view as_string() const { return std::get<std::string_view>(value_); }
  Bytes as_blob() const { return std::get<Bytes>(value_); }

  const Value& value() const { return value_; }
  // An owning copy, to keep past the visit.
  Field to_field() const;

 private:
  Value value_;
};

// A number no other list of columns in this process was given (never 0), for
// Row's columns_id.
std::uint64_t new_columns_id();

// The row being visited: one value per column, in the statement's column order.
class Row {
 public:
  // `columns_id`: from new_columns_id(), the same for every row visited with these
  // columns as they are (an engine takes a new one when it describes them again), so
  // that a visitor may keep what it derives from them, such as JSON keys; 0: none.
  Row(const std::vector<ColumnMetadata>& columns, std::span<const FieldView> values, std::uint64_t columns_id = 0)
      : columns_(columns), values_(values), columns_id_(columns_id) {}

  std::size_t size() const { return values_.size(); }
  const FieldView& operator[](std::size_t column) const { return values_[column]; }
  std::span<const FieldView> values() const { return values_; }
  // Every column's metadata; columns()[i].label names value i.
  const std::vector<ColumnMetadata>& columns() const { return columns_; }
  std::uint64_t columns_id() const { return columns_id_; }

 private:
  const std::vector<ColumnMetadata>& columns_;
  std::span<const FieldView> values_;
  std::uint64_t columns_id_;
};

// Receives a statement's result as it is read: columns() once before any row when
// the statement yields columns (a SELECT, even of no row), then row() for each row.
// An exception thrown by either stops the statement and propagates to the caller.
class RowVisitor {
 public:
  virtual ~RowVisitor() = default;
  virtual void columns(const std::vector<ColumnMetadata>& columns) { (void)columns; }
  virtual void row(const Row& row) = 0;
};

// What a statement reports besides its rows (ResultSet's other members).
struct StatementOutcome {
  std::int64_t number_of_records_updated = 0;
  std::vector<Field> generated_fields;
};

// Fills a ResultSet: how Client::execute collects every row.
class ResultSetBuilder final : public RowVisitor {
 public:
  explicit ResultSetBuilder(ResultSet& result) : result_(result) {}
  void columns(const std::vector<ColumnMetadata>& columns) override;
  void row(const Row& row) override;

 private:
  ResultSet& result_;
};

// Hands an already built result's rows to `visitor`, as for_each_row would have.
void visit_result(const ResultSet& result, RowVisitor& visitor);

}  // namespace strata::db
