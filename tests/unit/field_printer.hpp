#pragma once
// Readable GoogleTest output for db::Field: `Field(true)` instead of a byte dump.
#include <ostream>
#include <variant>

#include "strata/db/field.hpp"

namespace strata::db {

inline void PrintTo(const Field& field, std::ostream* out) {
  std::visit(
      [out](const auto& value) {
        using T = std::decay_t<decltype(value)>;
        if constexpr (std::is_same_v<T, Null>) {
          *out << "Field(null)";
        } else if constexpr (std::is_same_v<T, bool>) {
          *out << "Field(" << (value ? "true" : "false") << ")";
        } else if constexpr (std::is_same_v<T, std::int64_t>) {
          *out << "Field(long " << value << ")";
        } else if constexpr (std::is_same_v<T, double>) {
          *out << "Field(double " << value << ")";
        } else if constexpr (std::is_same_v<T, std::string>) {
          *out << "Field(string \"" << value << "\")";
        } else {
          *out << "Field(blob of " << value.size() << " bytes)";
        }
      },
      field.value());
}

}  // namespace strata::db
