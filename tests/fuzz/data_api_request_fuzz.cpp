// Fuzz target: the Data API request bodies (src/dataapi/requests), as `strata data-api`
// reads them. Input: one byte choosing the operation (E ExecuteStatement, B BatchExecuteStatement,
// T BeginTransaction, C CommitTransaction, S ExecuteSql; any other byte by its value modulo 5),
// then the JSON body.
// Invariants, beyond not crashing:
//   - a bad body is an ApiError with a 4xx status and a message, nothing else;
//   - a request that is read has the members the service requires (resourceArn and secretArn
//     of the model's 11 to 100 characters; sql may be empty, as its model allows), and parameters with names;
//   - ExecuteSql's statements are non-blank.
#include <cstdint>
#include <string>
#include <string_view>

#include "dataapi/api_error.hpp"
#include "dataapi/requests.hpp"
#include "fuzz_check.hpp"

namespace {

using strata::fuzz::check;
namespace dataapi = strata::dataapi;

void check_target(const dataapi::Target& target) {
  auto arn = [](const std::string& text) { return text.size() >= 11 && text.size() <= 100; };
  check(arn(target.resource_arn) && arn(target.secret_arn), "resource and secret ARNs of 11 to 100 characters");
}

void check_parameters(const strata::db::Parameters& parameters) {
  for (const auto& parameter : parameters) check(!parameter.name.empty(), "a parameter has a name");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  try {
    static constexpr std::string_view kOperations = "EBTCS";
    std::size_t operation = kOperations.find(static_cast<char>(data[0]));
    switch (operation != std::string_view::npos ? operation : data[0] % 5) {
      case 0: {
        dataapi::ExecuteRequest request = dataapi::read_execute(body);
        check_target(request.target);
        check_parameters(request.parameters);
        break;
      }
      case 1: {
        dataapi::BatchRequest request = dataapi::read_batch(body);
        check_target(request.target);
        for (const auto& set : request.parameter_sets) check_parameters(set);
        break;
      }
      case 2:
        check_target(dataapi::read_transaction(body, false));
        break;
      case 3: {
        dataapi::Target target = dataapi::read_transaction(body, true);
        check_target(target);
        check(!target.transaction_id.empty(), "Commit and Rollback need a transactionId");
        break;
      }
      case 4: {
        dataapi::ExecuteSqlRequest request = dataapi::read_execute_sql(body);
        check_target(request.target);
        for (const std::string& statement : request.statements) {
          check(statement.find_first_not_of(" \t\r\n") != std::string::npos, "no ExecuteSql statement is blank");
        }
        break;
      }
    }
  } catch (const dataapi::ApiError& error) {
    check(error.status() >= 400 && error.status() < 500, "a bad request is a 4xx", error.what());
    check(*error.what() != '\0', "a bad request says what is wrong");
  }
  return 0;
}
