#include "dataapi/requests.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <cctype>
#include <regex>

#include "core/base64.hpp"
#include "dataapi/api_error.hpp"
#include "migrate/statement_splitter.hpp"

namespace strata::dataapi {
namespace {

using rapidjson::Value;

rapidjson::Document parse(std::string_view body) {
  rapidjson::Document document;
  document.Parse<rapidjson::kParseIterativeFlag>(body.data(), body.size());
  if (document.HasParseError()) {
    throw ApiError::bad_request(std::string("The request body is not valid JSON: ") +
                                rapidjson::GetParseError_En(document.GetParseError()) + " at offset " +
                                std::to_string(document.GetErrorOffset()));
  }
  if (!document.IsObject()) throw ApiError::bad_request("The request body must be a JSON object");
  return document;
}

const Value* member(const Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found == object.MemberEnd() || found->value.IsNull() ? nullptr : &found->value;
}

std::string string_member(const Value& object, const char* name, bool required) {
  const Value* value = member(object, name);
  if (!value) {
    if (required) throw ApiError::bad_request(std::string("Parameter ") + name + " is required");
    return {};
  }
  if (!value->IsString()) throw ApiError::bad_request(std::string("Parameter ") + name + " must be a string");
  return std::string(value->GetString(), value->GetStringLength());
}

bool bool_member(const Value& object, const char* name) {
  const Value* value = member(object, name);
  if (!value) return false;
  if (!value->IsBool()) throw ApiError::bad_request(std::string("Parameter ") + name + " must be a boolean");
  return value->GetBool();
}

// An ARN member, of the length the service model's Arn shape allows (11 to 100).
std::string arn_member(const Value& object, const char* name) {
  std::string arn = string_member(object, name, true);
  if (arn.size() < 11 || arn.size() > 100) {
    throw ApiError::bad_request(std::string("Parameter ") + name + " must be an ARN of 11 to 100 characters, got " +
                                std::to_string(arn.size()));
  }
  return arn;
}

Target read_target(const Value& object, const char* resource_name = "resourceArn",
                   const char* secret_name = "secretArn") {
  Target target;
  target.resource_arn = arn_member(object, resource_name);
  target.secret_arn = arn_member(object, secret_name);
  target.database = string_member(object, "database", false);
  target.transaction_id = string_member(object, "transactionId", false);
  if (member(object, "schema")) {
    // Aurora MySQL has no schemas apart from databases; the service refuses the member.
    throw ApiError(400, "ValidationException", "The schema parameter isn't supported for Aurora MySQL");
  }
  return target;
}

// Checks a string that a typeHint says is a DATE, TIME, TIMESTAMP, DECIMAL, JSON or UUID.
void check_hinted(const std::string& name, const std::string& hint, const std::string& text) {
  static const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  static const std::regex time(R"(\d{2}:\d{2}:\d{2}(\.\d{1,6})?)");
  static const std::regex timestamp(R"(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?)");
  static const std::regex decimal(R"([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?)");
  static const std::regex uuid(R"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})");
  bool valid = true;
  const char* expected = "";
  if (hint == "DATE") {
    valid = std::regex_match(text, date);
    expected = "YYYY-MM-DD";
  } else if (hint == "TIME") {
    valid = std::regex_match(text, time);
    expected = "HH:MM:SS[.FFF]";
  } else if (hint == "TIMESTAMP") {
    valid = std::regex_match(text, timestamp);
    expected = "YYYY-MM-DD HH:MM:SS[.FFF]";
  } else if (hint == "DECIMAL") {
    valid = std::regex_match(text, decimal);
    expected = "a decimal number";
  } else if (hint == "UUID") {
    valid = std::regex_match(text, uuid);
    expected = "a UUID";
  } else if (hint == "JSON") {
    rapidjson::Document document;
    document.Parse(text.data(), text.size());
    valid = !document.HasParseError();
    expected = "JSON";
  } else {
    throw ApiError::bad_request("Parameter " + name + " has an unknown typeHint " + hint +
                                "; expected DATE, TIME, TIMESTAMP, DECIMAL, JSON or UUID");
  }
  if (valid && (hint == "DATE" || hint == "TIMESTAMP")) {
    // The pattern is not enough: 2024-13-45 is no date.
    int year = std::stoi(text.substr(0, 4)), month = std::stoi(text.substr(5, 2)), day = std::stoi(text.substr(8, 2));
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    valid = month >= 1 && month <= 12 && day >= 1 && day <= kDays[month - 1] && !(month == 2 && day == 29 && !leap);
  }
  if (valid && (hint == "TIME" || hint == "TIMESTAMP")) {
    std::size_t at = hint == "TIME" ? 0 : 11;
    valid = std::stoi(text.substr(at, 2)) < 24 && std::stoi(text.substr(at + 3, 2)) < 60 &&
            std::stoi(text.substr(at + 6, 2)) < 60;
  }
  if (!valid) throw ApiError::bad_request("Parameter " + name + " with typeHint " + hint + " must be " + expected);
}

db::Field read_field(const Value& value, const std::string& where) {
  if (!value.IsObject() || value.MemberCount() != 1) {
    throw ApiError::bad_request(where + " must be a Field with exactly one member set");
  }
  const auto& only = *value.MemberBegin();
  std::string_view kind(only.name.GetString(), only.name.GetStringLength());
  const Value& content = only.value;
  auto wrong = [&](const char* expected) {
    return ApiError::bad_request(where + "." + std::string(kind) + " must be " + expected);
  };
  if (kind == "isNull") {
    if (!content.IsBool()) throw wrong("a boolean");
    return db::Field();
  }
  if (kind == "booleanValue") {
    if (!content.IsBool()) throw wrong("a boolean");
    return db::Field(content.GetBool());
  }
  if (kind == "longValue") {
    if (!content.IsInt64()) throw wrong("an integer");
    return db::Field(static_cast<long long>(content.GetInt64()));
  }
  if (kind == "doubleValue") {
    if (!content.IsNumber()) throw wrong("a number");
    return db::Field(content.GetDouble());
  }
  if (kind == "stringValue") {
    if (!content.IsString()) throw wrong("a string");
    return db::Field(std::string(content.GetString(), content.GetStringLength()));
  }
  if (kind == "blobValue") {
    if (!content.IsString()) throw wrong("base64 text");
    auto bytes = base64::decode(std::string_view(content.GetString(), content.GetStringLength()));
    if (!bytes) throw wrong("base64 text");
    return db::Field(std::move(*bytes));
  }
  if (kind == "arrayValue") throw ApiError::bad_request(where + ": array parameters are not supported");
  throw ApiError::bad_request(where + " has an unknown Field member " + std::string(kind));
}

db::Parameters read_parameters(const Value* list, const std::string& where) {
  db::Parameters parameters;
  if (!list) return parameters;
  if (!list->IsArray()) throw ApiError::bad_request(where + " must be a list");
  for (rapidjson::SizeType i = 0; i < list->Size(); ++i) {
    const Value& item = (*list)[i];
    std::string item_where = where + "[" + std::to_string(i) + "]";
    if (!item.IsObject()) throw ApiError::bad_request(item_where + " must be an object");
    db::SqlParameter parameter;
    parameter.name = string_member(item, "name", false);
    if (parameter.name.empty()) throw ApiError::bad_request(item_where + ".name is required");
    if (parameter.name.front() == ':') parameter.name.erase(0, 1);
    // ":" alone names nothing a statement could refer to.
    if (parameter.name.empty()) throw ApiError::bad_request(item_where + ".name is required");
    const Value* value = member(item, "value");
    if (!value) throw ApiError::bad_request("Parameter " + parameter.name + " has no value");
    parameter.value = read_field(*value, "Parameter " + parameter.name + " value");
    std::string hint = string_member(item, "typeHint", false);
    if (!hint.empty()) {
      if (!parameter.value.is_string()) {
        throw ApiError::bad_request("Parameter " + parameter.name + " has typeHint " + hint + " but no stringValue");
      }
      check_hinted(parameter.name, hint, parameter.value.as_string());
    }
    parameters.push_back(std::move(parameter));
  }
  return parameters;
}

}  // namespace

namespace {

// Aurora Serverless v2's Data API runs one statement per call and says so.
void require_one_statement(const std::string& sql) {
  std::vector<migrate::Statement> statements;
  try {
    statements = migrate::split_statements(sql, migrate::Dialect::kMysql);
  } catch (const std::runtime_error&) {
    return;  // unbalanced quotes: let the database word the error
  }
  if (statements.size() > 1) {
    throw ApiError(400, "ValidationException", "Multistatements aren't supported.");
  }
}

}  // namespace

ExecuteRequest read_execute(std::string_view body) {
  rapidjson::Document document = parse(body);
  ExecuteRequest request;
  request.target = read_target(document);
  request.sql = string_member(document, "sql", true);
  require_one_statement(request.sql);
  request.parameters = read_parameters(member(document, "parameters"), "parameters");
  request.options.include_metadata = bool_member(document, "includeResultMetadata");
  request.continue_after_timeout = bool_member(document, "continueAfterTimeout");
  std::string format = string_member(document, "formatRecordsAs", false);
  if (!format.empty() && format != "NONE" && format != "JSON") {
    throw ApiError::bad_request("formatRecordsAs must be NONE or JSON, not " + format);
  }
  request.options.format_json = format == "JSON";
  if (const Value* options = member(document, "resultSetOptions")) {
    if (!options->IsObject()) throw ApiError::bad_request("resultSetOptions must be an object");
    std::string decimal = string_member(*options, "decimalReturnType", false);
    std::string integer = string_member(*options, "longReturnType", false);
    if (!decimal.empty() && decimal != "STRING" && decimal != "DOUBLE_OR_LONG") {
      throw ApiError::bad_request("resultSetOptions.decimalReturnType must be STRING or DOUBLE_OR_LONG");
    }
    if (!integer.empty() && integer != "STRING" && integer != "LONG") {
      throw ApiError::bad_request("resultSetOptions.longReturnType must be STRING or LONG");
    }
    request.options.decimal_as_double_or_long = decimal == "DOUBLE_OR_LONG";
    request.options.long_as_string = integer == "STRING";
  }
  return request;
}

BatchRequest read_batch(std::string_view body) {
  rapidjson::Document document = parse(body);
  BatchRequest request;
  request.target = read_target(document);
  request.sql = string_member(document, "sql", true);
  require_one_statement(request.sql);
  if (const Value* sets = member(document, "parameterSets")) {
    if (!sets->IsArray()) throw ApiError::bad_request("parameterSets must be a list of parameter lists");
    for (rapidjson::SizeType i = 0; i < sets->Size(); ++i) {
      request.parameter_sets.push_back(read_parameters(&(*sets)[i], "parameterSets[" + std::to_string(i) + "]"));
    }
  }
  return request;
}

Target read_transaction(std::string_view body, bool need_transaction) {
  rapidjson::Document document = parse(body);
  Target target = read_target(document);
  if (need_transaction && target.transaction_id.empty()) throw ApiError::bad_request("Parameter transactionId is required");
  return target;
}

ExecuteSqlRequest read_execute_sql(std::string_view body) {
  rapidjson::Document document = parse(body);
  ExecuteSqlRequest request;
  request.target = read_target(document, "dbClusterOrInstanceArn", "awsSecretStoreArn");
  std::string sql = string_member(document, "sqlStatements", true);
  // Several statements separated by ';' (outside quotes).
  std::string current;
  char quote = 0;
  for (char c : sql) {
    if (quote) {
      if (c == quote) quote = 0;
    } else if (c == '\'' || c == '"' || c == '`') {
      quote = c;
    } else if (c == ';') {
      if (current.find_first_not_of(" \t\r\n") != std::string::npos) request.statements.push_back(current);
      current.clear();
      continue;
    }
    current += c;
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) request.statements.push_back(current);
  return request;
}

}  // namespace strata::dataapi
