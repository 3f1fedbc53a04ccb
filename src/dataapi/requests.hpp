#pragma once
// The Data API's request bodies (rest-json), read and checked member by member
// as the service model in botocore describes them. A malformed body is a
// BadRequestException naming the member.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/db/field.hpp"

namespace strata::dataapi {

struct ResultOptions {
  bool include_metadata = false;
  bool format_json = false;                // formatRecordsAs: JSON
  bool long_as_string = false;             // resultSetOptions.longReturnType: STRING
  bool decimal_as_double_or_long = false;  // resultSetOptions.decimalReturnType: DOUBLE_OR_LONG
};

struct Target {
  std::string resource_arn;
  std::string secret_arn;
  std::string database;
  std::string transaction_id;
};

struct ExecuteRequest {
  Target target;
  std::string sql;
  db::Parameters parameters;
  ResultOptions options;
  bool continue_after_timeout = false;
};

struct BatchRequest {
  Target target;
  std::string sql;
  std::vector<db::Parameters> parameter_sets;
};

struct ExecuteSqlRequest {
  Target target;
  std::vector<std::string> statements;  // sqlStatements split on ';' outside quotes
};

ExecuteRequest read_execute(std::string_view body);
BatchRequest read_batch(std::string_view body);
// BeginTransaction, CommitTransaction, RollbackTransaction; `need_transaction`
// for the last two.
Target read_transaction(std::string_view body, bool need_transaction);
ExecuteSqlRequest read_execute_sql(std::string_view body);

}  // namespace strata::dataapi
