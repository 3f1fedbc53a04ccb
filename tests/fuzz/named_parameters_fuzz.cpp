// Fuzz target: the :name → ? translation for MySQL (src/db/named_parameters).
// Invariants, beyond not crashing:
//   - each name found is a valid name that the SQL holds as ":name", in order;
//   - the positional SQL is the input with each ":name" replaced by "?" (so its length
//     is the input's minus the names' lengths), and everything else left as it was;
//   - match_parameters, given exactly the names used, maps each ? to its own name, and
//     refuses a parameter the SQL does not use with db::Error(kBadParameters).
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <string_view>

#include "db/named_parameters.hpp"
#include "fuzz_check.hpp"
#include "strata/db/error.hpp"

namespace {

using strata::fuzz::check;

bool valid_name(std::string_view name) {
  if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_')) return false;
  return std::all_of(name.begin(), name.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view sql(reinterpret_cast<const char*>(data), size);
  strata::db::PositionalSql positional = strata::db::to_positional(sql);

  // Walk input and output together: equal bytes are copied text; where they differ the
  // input must hold the next ":name" (maximal: no name character follows) and the output a
  // "?". The walk is unambiguous because ':' is never '?'.
  std::size_t in = 0, out = 0, next = 0;
  const std::string& result = positional.sql;
  while (in < sql.size() && out < result.size()) {
    if (sql[in] == result[out]) {
      ++in;
      ++out;
      continue;
    }
    check(next < positional.names.size(), "the output differs from the input only at placeholders");
    const std::string& name = positional.names[next++];
    check(valid_name(name), "a parameter name is letters, digits and '_', not starting with a digit", name);
    check(sql.substr(in).starts_with(":" + name) && result[out] == '?', "each :name becomes ?, in order", name);
    in += name.size() + 1;
    check(in == sql.size() || !(std::isalnum(static_cast<unsigned char>(sql[in])) || sql[in] == '_'),
          "a name runs to its last name character", name);
    ++out;
  }
  check(in == sql.size() && out == result.size() && next == positional.names.size(),
        "the output is the input with each :name replaced by ?");

  // Given exactly the names used (each once), every ? maps to the parameter of its name.
  strata::db::Parameters parameters;
  for (const std::string& name : positional.names) {
    bool seen = std::any_of(parameters.begin(), parameters.end(), [&](const auto& p) { return p.name == name; });
    if (!seen) parameters.push_back({name, strata::db::Field(static_cast<long long>(parameters.size()))});
  }
  std::vector<std::size_t> order = strata::db::match_parameters(positional, parameters);
  check(order.size() == positional.names.size(), "one value per ?");
  for (std::size_t i = 0; i < order.size(); ++i) {
    check(parameters[order[i]].name == positional.names[i], "each ? gets the value of its own name");
  }
  parameters.push_back({"never_used_by_the_fuzz_input_x", strata::db::Field()});
  bool refused = false;
  try {
    strata::db::match_parameters(positional, parameters);
  } catch (const strata::db::Error& error) {
    refused = error.kind() == strata::db::ErrorKind::kBadParameters;
  }
  check(refused || sql.find(":never_used_by_the_fuzz_input_x") != std::string_view::npos,
        "a parameter the SQL does not use is refused");
  return 0;
}
