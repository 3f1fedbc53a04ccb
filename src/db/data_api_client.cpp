#include "db/data_api_client.hpp"

#include <rapidjson/document.h>

#include <cstdlib>
#include <thread>

#include "aws/credentials.hpp"
#include "core/base64.hpp"
#include "core/log.hpp"
#include "core/query_string.hpp"
#include "db/database.hpp"
#include "db/mysql_client.hpp"
#include "strata/json.hpp"

namespace strata::db {
namespace {

namespace bhttp = boost::beast::http;
using rapidjson::Value;

void write_parameter_value(json::Writer& writer, const Field& field) {
  writer.StartObject();
  if (field.is_null()) {
    writer.Key("isNull");
    writer.Bool(true);
  } else if (field.is_bool()) {
    writer.Key("booleanValue");
    writer.Bool(field.as_bool());
  } else if (field.is_long()) {
    writer.Key("longValue");
    writer.Int64(field.as_long());
  } else if (field.is_double()) {
    writer.Key("doubleValue");
    writer.Double(field.as_double());
  } else if (field.is_string()) {
    writer.Key("stringValue");
    writer.String(field.as_string().c_str(), static_cast<rapidjson::SizeType>(field.as_string().size()));
  } else {
    writer.Key("blobValue");
    json::write_field(writer, field);
  }
  writer.EndObject();
}

Field read_field(const Value& value) {
  if (!value.IsObject() || value.MemberCount() == 0) return Field();
  const auto& only = *value.MemberBegin();
  std::string_view kind = only.name.GetString();
  const Value& content = only.value;
  if (kind == "booleanValue" && content.IsBool()) return Field(content.GetBool());
  if (kind == "longValue" && content.IsInt64()) return Field(static_cast<long long>(content.GetInt64()));
  if (kind == "doubleValue" && content.IsNumber()) return Field(content.GetDouble());
  if (kind == "stringValue" && content.IsString()) return Field(std::string(content.GetString(), content.GetStringLength()));
  if (kind == "blobValue" && content.IsString()) {
    auto bytes = base64::decode(std::string_view(content.GetString(), content.GetStringLength()));
    return bytes ? Field(std::move(*bytes)) : Field();
  }
  return Field();
}

std::string text_member(const Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsString() ? found->value.GetString() : "";
}

int int_member(const Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsInt() ? found->value.GetInt() : 0;
}

bool bool_member(const Value& object, const char* name) {
  auto found = object.FindMember(name);
  return found != object.MemberEnd() && found->value.IsBool() && found->value.GetBool();
}

ResultSet read_result(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.data(), body.size());
  if (document.HasParseError() || !document.IsObject()) {
    throw Error(ErrorKind::kOther, 0, "the Data API answered with something that is not JSON");
  }
  ResultSet result;
  if (auto columns = document.FindMember("columnMetadata"); columns != document.MemberEnd() && columns->value.IsArray()) {
    for (const Value& column : columns->value.GetArray()) {
      ColumnMetadata metadata;
      metadata.name = text_member(column, "name");
      metadata.label = text_member(column, "label");
      if (metadata.label.empty()) metadata.label = metadata.name;
      metadata.type = int_member(column, "type");
      metadata.type_name = text_member(column, "typeName");
      metadata.schema_name = text_member(column, "schemaName");
      metadata.table_name = text_member(column, "tableName");
      metadata.is_auto_increment = bool_member(column, "isAutoIncrement");
      metadata.is_signed = bool_member(column, "isSigned");
      metadata.is_currency = bool_member(column, "isCurrency");
      metadata.is_case_sensitive = bool_member(column, "isCaseSensitive");
      metadata.nullable = int_member(column, "nullable");
      metadata.precision = int_member(column, "precision");
      metadata.scale = int_member(column, "scale");
      result.columns.push_back(std::move(metadata));
    }
  }
  if (auto records = document.FindMember("records"); records != document.MemberEnd() && records->value.IsArray()) {
    for (const Value& row : records->value.GetArray()) {
      Record record;
      if (row.IsArray()) {
        for (const Value& field : row.GetArray()) record.push_back(read_field(field));
      }
      result.records.push_back(std::move(record));
    }
  }
  if (auto updated = document.FindMember("numberOfRecordsUpdated"); updated != document.MemberEnd() && updated->value.IsInt64()) {
    result.number_of_records_updated = updated->value.GetInt64();
  }
  if (auto generated = document.FindMember("generatedFields"); generated != document.MemberEnd() && generated->value.IsArray()) {
    for (const Value& field : generated->value.GetArray()) result.generated_fields.push_back(read_field(field));
  }
  return result;
}

}  // namespace

DataApiSettings DataApiSettings::parse(std::string_view url) {
  const char* shape = "; expected data-api://CLUSTER_ARN?secret=SECRET_ARN&database=NAME[&endpoint=URL]";
  if (!url.starts_with("data-api://")) throw UrlError(std::string("not a data-api URL") + shape);
  std::string_view rest = url.substr(11);
  std::size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  DataApiSettings settings;
  settings.cluster_arn = std::string(rest.substr(0, question));
  settings.secret_arn = query_value(query, "secret");
  settings.database = query_value(query, "database");
  settings.endpoint = query_value(query, "endpoint");
  settings.region = query_value(query, "region");
  if (!settings.cluster_arn.starts_with("arn:")) throw UrlError("data-api URL names no cluster ARN" + std::string(shape));
  if (settings.secret_arn.empty()) throw UrlError("data-api URL names no secret ARN (secret=...)" + std::string(shape));
  if (settings.region.empty()) settings.region = aws::resolve_region().value_or("");
  if (settings.region.empty()) {
    // arn:aws:rds:REGION:ACCOUNT:cluster:NAME
    std::size_t start = 0;
    for (int field = 0; field < 3 && start != std::string::npos; ++field) start = settings.cluster_arn.find(':', start + 1);
    if (start != std::string::npos) {
      settings.region = settings.cluster_arn.substr(start + 1, settings.cluster_arn.find(':', start + 1) - start - 1);
    }
  }
  // As the AWS SDKs and CLI do: a service-specific endpoint, then the global one.
  for (const char* variable : {"AWS_ENDPOINT_URL_RDS_DATA", "AWS_ENDPOINT_URL"}) {
    const char* value = std::getenv(variable);
    if (settings.endpoint.empty() && value && *value) settings.endpoint = value;
  }
  if (settings.endpoint.empty()) settings.endpoint = "https://rds-data." + settings.region + ".amazonaws.com";
  if (!http::parse_url(settings.endpoint)) throw UrlError("data-api endpoint '" + settings.endpoint + "' is not an http(s) URL");
  return settings;
}

std::string DataApiSettings::description() const {
  return "data-api://" + cluster_arn + "?database=" + database + "&endpoint=" + endpoint;
}

DataApiClient::DataApiClient(DataApiSettings settings)
    : settings_(std::move(settings)), credentials_(aws::resolve_credentials()), endpoint_(*http::parse_url(settings_.endpoint)) {
  http_ = std::make_unique<http::Client>(endpoint_.host, endpoint_.port, endpoint_.tls, std::chrono::seconds(50));
}

DataApiClient::~DataApiClient() = default;

std::string DataApiClient::call(const std::string& operation, const std::string& body) {
  std::string path = (endpoint_.path == "/" ? "" : endpoint_.path) + operation;
  auto resuming_until = std::chrono::steady_clock::now() + settings_.resume_wait;
  auto delay = std::chrono::milliseconds(100);
  for (int attempt = 1;; ++attempt) {
    aws::SigningRequest signing{"POST", path, "", {{"Host", http_->host_header()}, {"Content-Type", "application/json"}}, body};
    http::Headers headers{{"Content-Type", "application/json"}};
    for (auto& header : aws::sign(signing, credentials_, settings_.region, "rds-data", std::chrono::system_clock::now())) {
      headers.push_back(std::move(header));
    }
    http::ClientResponse response;
    try {
      response = http_->request(bhttp::verb::post, path, body, headers);
    } catch (const boost::system::system_error& error) {
      throw Error(ErrorKind::kUnavailable, 0, "cannot reach the Data API at " + settings_.endpoint + ": " + error.what());
    }
    if (response.result_int() == 200) return response.body();

    std::string type(response["x-amzn-ErrorType"]);
    type = type.substr(0, type.find(':'));
    std::string message;
    rapidjson::Document error;
    error.Parse(response.body().data(), response.body().size());
    if (!error.HasParseError() && error.IsObject()) {
      if (type.empty()) type = text_member(error, "__type");
      message = text_member(error, "message");
      if (message.empty()) message = text_member(error, "Message");
    }
    if (type.find('#') != std::string::npos) type = type.substr(type.find('#') + 1);
    bool resuming = type == "DatabaseResumingException";
    bool throttled = response.result_int() == 429 || type == "ThrottlingException" || response.result_int() == 503;
    if ((resuming && std::chrono::steady_clock::now() + delay < resuming_until) || (throttled && attempt < 6)) {
      log::info("data-api client: " + type + ", retrying in " + std::to_string(delay.count()) + " ms");
      std::this_thread::sleep_for(delay);
      delay = std::min(delay * 2, std::chrono::milliseconds(5000));
      continue;
    }
    if (type == "DatabaseErrorException") {
      // "Database error code: 1062. Message: Duplicate entry ..."
      unsigned code = 0;
      std::string text = message;
      if (message.starts_with("Database error code: ")) {
        code = static_cast<unsigned>(std::strtoul(message.c_str() + 21, nullptr, 10));
        std::size_t at = message.find("Message: ");
        if (at != std::string::npos) text = message.substr(at + 9);
      }
      throw Error(code ? mysql_error_kind(code) : ErrorKind::kOther, static_cast<int>(code), text);
    }
    ErrorKind kind = resuming || throttled || response.result_int() >= 500 || response.result_int() == 403
                         ? ErrorKind::kUnavailable
                         : ErrorKind::kOther;
    throw Error(kind, 0, "Data API " + (type.empty() ? std::to_string(response.result_int()) : type) + ": " + message);
  }
}

StatementOutcome DataApiClient::execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("resourceArn");
  writer.String(settings_.cluster_arn.c_str());
  writer.Key("secretArn");
  writer.String(settings_.secret_arn.c_str());
  if (!settings_.database.empty()) {
    writer.Key("database");
    writer.String(settings_.database.c_str());
  }
  writer.Key("sql");
  writer.String(sql.data(), static_cast<rapidjson::SizeType>(sql.size()));
  writer.Key("includeResultMetadata");
  writer.Bool(true);
  if (!transaction_id_.empty()) {
    writer.Key("transactionId");
    writer.String(transaction_id_.c_str());
  }
  if (!parameters.empty()) {
    writer.Key("parameters");
    writer.StartArray();
    for (const SqlParameter& parameter : parameters) {
      writer.StartObject();
      writer.Key("name");
      writer.String(parameter.name.c_str());
      writer.Key("value");
      write_parameter_value(writer, parameter.value);
      writer.EndObject();
    }
    writer.EndArray();
  }
  writer.EndObject();
  ResultSet result = read_result(call("/Execute", std::string(buffer.GetString(), buffer.GetSize())));
  visit_result(result, visitor);
  return {result.number_of_records_updated, std::move(result.generated_fields)};
}

void DataApiClient::begin() {
  std::string body = "{\"resourceArn\":" + json::quote(settings_.cluster_arn) + ",\"secretArn\":" +
                     json::quote(settings_.secret_arn) +
                     (settings_.database.empty() ? "" : ",\"database\":" + json::quote(settings_.database)) + "}";
  rapidjson::Document answer;
  std::string text = call("/BeginTransaction", body);
  answer.Parse(text.data(), text.size());
  if (answer.HasParseError() || !answer.IsObject() || text_member(answer, "transactionId").empty()) {
    throw Error(ErrorKind::kOther, 0, "BeginTransaction answered without a transactionId");
  }
  transaction_id_ = text_member(answer, "transactionId");
}

void DataApiClient::commit() {
  std::string id = std::exchange(transaction_id_, {});
  call("/CommitTransaction", "{\"resourceArn\":" + json::quote(settings_.cluster_arn) + ",\"secretArn\":" +
                                 json::quote(settings_.secret_arn) + ",\"transactionId\":" + json::quote(id) + "}");
}

void DataApiClient::rollback() {
  std::string id = std::exchange(transaction_id_, {});
  call("/RollbackTransaction", "{\"resourceArn\":" + json::quote(settings_.cluster_arn) + ",\"secretArn\":" +
                                   json::quote(settings_.secret_arn) + ",\"transactionId\":" + json::quote(id) + "}");
}

}  // namespace strata::db
