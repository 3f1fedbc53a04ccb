#include "lambda/runtime.hpp"

#include <cxxabi.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <thread>
#include <typeinfo>

#include "core/database_error_response.hpp"
#include "core/log.hpp"
#include "db/database.hpp"
#include "http/client.hpp"
#include "lambda/proxy_event.hpp"
#include "strata/function.hpp"
#include "strata/json.hpp"

namespace strata::lambda {
namespace {

namespace bhttp = boost::beast::http;

constexpr const char* kBase = "/2018-06-01/runtime";
// Lambda's synchronous response limit.
constexpr std::size_t kMaxResponseBytes = 6 * 1024 * 1024;

std::string environment(const char* name, const char* fallback = "") {
  const char* value = std::getenv(name);
  return value ? value : fallback;
}

std::string error_json(std::string_view message, std::string_view type) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("errorMessage");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.Key("errorType");
  writer.String(type.data(), static_cast<rapidjson::SizeType>(type.size()));
  writer.Key("stackTrace");
  writer.StartArray();
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The exception's C++ type, readable: "std::runtime_error".
std::string type_name_of_current_exception() {
  std::type_info* type = abi::__cxa_current_exception_type();
  if (!type) return "Unknown";
  int status = 0;
  char* name = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string readable = status == 0 && name ? name : type->name();
  std::free(name);
  return readable;
}

class RuntimeApi {
 public:
  explicit RuntimeApi(const std::string& address)
      : client_(address.substr(0, address.rfind(':')), address.substr(address.rfind(':') + 1)) {}

  // Blocks until the next event. Retries a failed poll with backoff; gives up
  // (returns nullopt) when the Runtime API stays unreachable.
  std::optional<http::ClientResponse> next() {
    auto delay = std::chrono::milliseconds(10);
    for (int attempt = 0; attempt < 8; ++attempt) {
      try {
        auto response = client_.request(bhttp::verb::get, std::string(kBase) + "/invocation/next");
        if (response.result_int() == 200) return response;
        log::error("runtime: /next answered " + std::to_string(response.result_int()) + ": " + response.body());
        if (response.result_int() >= 500) return std::nullopt;  // the service wants the runtime to exit
      } catch (const boost::system::system_error& error) {
        log::error(std::string("runtime: cannot reach the Runtime API: ") + error.what());
      }
      std::this_thread::sleep_for(delay);
      delay *= 2;
    }
    return std::nullopt;
  }

  void post(const std::string& target, std::string body, const char* error_type = nullptr) {
    std::vector<std::pair<std::string, std::string>> headers{{"Content-Type", "application/json"}};
    if (error_type) headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);
    try {
      auto response = client_.request(bhttp::verb::post, std::string(kBase) + target, std::move(body), headers);
      if (response.result_int() != 202) {
        log::error("runtime: " + target + " answered " + std::to_string(response.result_int()) + ": " + response.body());
      }
    } catch (const boost::system::system_error& error) {
      log::error("runtime: cannot post " + target + ": " + error.what());
    }
  }

 private:
  http::Client client_;
};

// STRATA_DB, else the Data API from the variables the synthesized template sets
// (as the reference design's functions read them), else a private in-memory database.
std::string database_url() {
  std::string url = environment("STRATA_DB");
  if (!url.empty()) return url;
  std::string cluster = environment("DB_CLUSTER_ARN");
  if (!cluster.empty()) {
    return "data-api://" + cluster + "?secret=" + environment("DB_SECRET_ARN") + "&database=" + environment("DB_NAME");
  }
  log::warn("runtime: no database configured (STRATA_DB or DB_CLUSTER_ARN); using an empty in-memory SQLite");
  return "sqlite::memory:";
}

void init_error(RuntimeApi& api, const std::string& message, const char* type) {
  log::error("runtime: " + message);
  api.post("/init/error", error_json(message, type), type);
}

}  // namespace

int run_runtime(const std::string& runtime_api) {
  log::set_format(log::Format::kJson);
  RuntimeApi api(runtime_api);
  std::string handler = environment("_HANDLER");
  std::string function_name = environment("AWS_LAMBDA_FUNCTION_NAME", handler.c_str());
  const Function* function = find_function(handler);
  if (!function) {
    std::string known;
    for (const auto& name : function_names()) known += (known.empty() ? "" : ", ") + name;
    init_error(api, "_HANDLER '" + handler + "' names no function of this app (it has: " + known + ")",
               "Runtime.InvalidHandler");
    return 1;
  }
  std::unique_ptr<db::Database> database;
  std::unique_ptr<db::Client> client;
  try {
    database = db::open_database(database_url());
    client = database->connect();
  } catch (const db::Error& error) {
    if (!database || error.kind() != db::ErrorKind::kUnavailable) {
      init_error(api, std::string("cannot open the database: ") + error.what(), "Runtime.InitError");
      return 1;
    }
    // A database that is down now may be back for the next invocation, which connects again
    // (and answers 503 meanwhile, as the in-process gateway does), rather than an init error
    // (a 502) for every process started during an outage.
    log::error(std::string("runtime: the database is unavailable; connecting again at each invocation: ") +
               error.what());
  } catch (const std::exception& error) {
    init_error(api, std::string("cannot open the database: ") + error.what(), "Runtime.InitError");
    return 1;
  }

  while (auto next = api.next()) {
    std::string request_id(next->base()["Lambda-Runtime-Aws-Request-Id"]);
    log::set_request_id(request_id);
    InvocationDetails details;
    details.invoked_function_arn = std::string(next->base()["Lambda-Runtime-Invoked-Function-Arn"]);
    details.trace_id = std::string(next->base()["Lambda-Runtime-Trace-Id"]);
    details.client_context = std::string(next->base()["Lambda-Runtime-Client-Context"]);
    details.cognito_identity = std::string(next->base()["Lambda-Runtime-Cognito-Identity"]);
    if (details.trace_id.empty()) {
      ::unsetenv("_X_AMZN_TRACE_ID");
    } else {
      ::setenv("_X_AMZN_TRACE_ID", details.trace_id.c_str(), 1);
    }
    auto deadline = std::chrono::system_clock::time_point(
        std::chrono::milliseconds(std::strtoll(std::string(next->base()["Lambda-Runtime-Deadline-Ms"]).c_str(), nullptr, 10)));
    std::string target = "/invocation/" + request_id;
    try {
      Request request = from_event_json(next->body());
      if (!client) client = database->connect();
      Context context(request_id, function_name, deadline, *client, std::move(details));
      std::string payload = to_response_json(invoke_function(*function, request, context));
      if (payload.size() > kMaxResponseBytes) {
        std::string message = "Response payload size (" + std::to_string(payload.size()) +
                              " bytes) exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) +
                              " bytes).";
        log::error("function " + handler + " failed: " + message);
        api.post(target + "/error", error_json(message, "Function.ResponseSizeTooLarge"), "Function.ResponseSizeTooLarge");
      } else {
        api.post(target + "/response", std::move(payload));
      }
    } catch (const db::Error& error) {
      log::error("function " + handler + " failed: database error: " + error.what());
      if (error.kind() == db::ErrorKind::kUnavailable) client.reset();  // reconnect on the next invocation
      // The same answer the in-process gateway gives; other database errors are the function's.
      if (auto response = database_error_response(error)) {
        api.post(target + "/response", to_response_json(*response));
      } else {
        api.post(target + "/error", error_json(error.what(), type_name_of_current_exception()), "Runtime.Unhandled");
      }
    } catch (const std::exception& error) {
      std::string type = type_name_of_current_exception();
      log::error("function " + handler + " failed: " + type + ": " + error.what());
      api.post(target + "/error", error_json(error.what(), type), "Runtime.Unhandled");
    }
    log::set_request_id({});
  }
  return 1;
}

}  // namespace strata::lambda
