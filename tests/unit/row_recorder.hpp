#pragma once
// A RowVisitor for tests: everything it saw, the column labels (of the last columns()
// call) and each row as Fields.
#include <string>
#include <utility>
#include <vector>

#include "strata/db/result_set.hpp"
#include "strata/db/row.hpp"

namespace strata::db {

struct Recorder final : RowVisitor {
  void columns(const std::vector<ColumnMetadata>& columns) override {
    ++columns_calls;
    labels.clear();
    for (const ColumnMetadata& column : columns) labels.push_back(column.label);
  }
  void row(const Row& row) override {
    Record record;
    for (const FieldView& value : row.values()) record.push_back(value.to_field());
    rows.push_back(std::move(record));
  }
  int columns_calls = 0;
  std::vector<std::string> labels;
  std::vector<Record> rows;
};

}  // namespace strata::db
