#include "lambda/runtime.hpp"

#include <cxxabi.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <cstdlib>
#include <thread>
#include <typeinfo>

#include "core/cors_origin.hpp"
#include "core/database_error_response.hpp"
#include "core/log.hpp"
#include "db/database.hpp"
#include "http/client.hpp"
#include "lambda/event_function.hpp"
#include "lambda/proxy_event.hpp"
#include "lambda/trace_id_environment.hpp"
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
  // (returns nullopt) when the Runtime API stays unreachable. An answer left by
  // answer() goes first, in the same write.
  std::optional<http::ClientResponse> next() {
    auto delay = std::chrono::milliseconds(10);
    for (int attempt = 0; attempt < 8; ++attempt) {
      try {
        auto response = pending_ ? answer_and_poll() : client_.request(bhttp::verb::get, std::string(kBase) + "/invocation/next");
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
    try {
      check_posted(target, client_.request(bhttp::verb::post, std::string(kBase) + target, std::move(body),
                                           post_headers(error_type)));
    } catch (const boost::system::system_error& error) {
      log::error("runtime: cannot post " + target + ": " + error.what());
    }
  }

  // Posts an invocation's answer with the next poll: both requests in one write
  // (pipelined), so that the Runtime API reads them at once instead of waking again
  // for the poll after its 202. Must be followed by next(). Only where the Runtime API
  // says it reads pipelined requests (Strata's local one sets STRATA_RUNTIME_API_PIPELINING):
  // AWS documents no such thing, so there the answer goes alone, as every runtime sends it.
  void answer(const std::string& target, std::string body, const char* error_type = nullptr) {
    if (!pipelining_) return post(target, std::move(body), error_type);
    pending_target_ = target;
    pending_ = client_.make_request(bhttp::verb::post, std::string(kBase) + target, std::move(body),
                                    post_headers(error_type));
  }

 private:
  static http::Headers post_headers(const char* error_type) {
    http::Headers headers{{"Content-Type", "application/json"}};
    if (error_type) headers.emplace_back("Lambda-Runtime-Function-Error-Type", error_type);
    return headers;
  }

  static void check_posted(const std::string& target, const http::ClientResponse& response) {
    if (response.result_int() != 202) {
      log::error("runtime: " + target + " answered " + std::to_string(response.result_int()) + ": " + response.body());
    }
  }

  // The pending answer and GET /next; the poll's answer. A failure to deliver the answer is
  // logged as post() logs it, and the poll is retried alone.
  http::ClientResponse answer_and_poll() {
    std::vector<http::ClientRequest> requests;
    requests.push_back(std::move(*pending_));
    pending_.reset();
    requests.push_back(client_.make_request(bhttp::verb::get, std::string(kBase) + "/invocation/next"));
    std::vector<http::ClientResponse> responses;
    try {
      responses = client_.pipeline(std::move(requests));
    } catch (const boost::system::system_error& error) {
      log::error("runtime: cannot post " + pending_target_ + ": " + error.what());
      throw;
    }
    check_posted(pending_target_, responses.front());
    if (responses.size() == 2) return std::move(responses.back());
    // The answer closed the connection before the poll was read: poll again.
    return client_.request(bhttp::verb::get, std::string(kBase) + "/invocation/next");
  }

  http::Client client_;
  const bool pipelining_ = environment("STRATA_RUNTIME_API_PIPELINING") == "1";
  std::optional<http::ClientRequest> pending_;
  std::string pending_target_;
};

// The configured database, else a private in-memory one.
std::string database_url() {
  std::string url = configured_database_url();
  if (!url.empty()) return url;
  log::warn("runtime: no database configured (STRATA_DB or DB_CLUSTER_ARN); using an empty in-memory SQLite");
  return "sqlite::memory:";
}

// Deployed behind a REST API, whose Lambda proxy adds no CORS headers: the
// template passes strata.json's CORS settings in STRATA_CORS and they are added here.
void add_cors_headers(Response& response, const CorsSettings& cors, std::string_view origin) {
  std::string_view allowed = allowed_cors_origin(cors, origin);
  if (allowed.empty() || response.headers.contains("Access-Control-Allow-Origin")) return;
  response.headers.add("Access-Control-Allow-Origin", std::string(allowed));
  if (allowed != "*") response.headers.add("Vary", "Origin");
  if (cors.allow_credentials) response.headers.add("Access-Control-Allow-Credentials", "true");
  if (!cors.expose_headers.empty()) {
    std::string exposed;
    for (const auto& header : cors.expose_headers) exposed += (exposed.empty() ? "" : ",") + header;
    response.headers.add("Access-Control-Expose-Headers", exposed);
  }
}

void init_error(RuntimeApi& api, const std::string& message, const char* type) {
  log::error("runtime: " + message);
  api.post("/init/error", error_json(message, type), type);
}

// A function's exception, logged and posted as Lambda reports an unhandled error.
void post_unhandled(RuntimeApi& api, const std::string& target, const std::string& handler, const std::exception& error) {
  std::string type = type_name_of_current_exception();
  log::error("function " + handler + " failed: " + type + ": " + error.what());
  api.post(target + "/error", error_json(error.what(), type), "Runtime.Unhandled");
}

std::chrono::system_clock::time_point deadline_of(const http::ClientResponse& next) {
  return std::chrono::system_clock::time_point(
      std::chrono::milliseconds(std::strtoll(std::string(next.base()["Lambda-Runtime-Deadline-Ms"]).c_str(), nullptr, 10)));
}

// The loop of a built-in event function (__migrate, __authorize): no API Gateway
// event, no database opened for it (it opens what it needs, when it needs it).
int run_event_function(RuntimeApi& api, const std::string& handler, const EventFunctionFactory& factory) {
  EventFunction function;
  try {
    function = factory();
  } catch (const std::exception& error) {
    init_error(api, error.what(), "Runtime.InitError");
    return 1;
  }
  while (auto next = api.next()) {
    std::string request_id(next->base()["Lambda-Runtime-Aws-Request-Id"]);
    log::set_request_id(request_id);
    std::string target = "/invocation/" + request_id;
    try {
      EventResult result = function(next->body(), EventInvocation{request_id, deadline_of(*next)});
      api.post(target + "/response", std::move(result.payload));
      if (result.exit_after) {
        log::warn("runtime: " + handler + " left work running; exiting so that it stops");
        return 1;
      }
    } catch (const EventFunctionError& error) {
      api.post(target + "/error", error_json(error.what(), error.type()), "Runtime.Unhandled");
    } catch (const std::exception& error) {
      post_unhandled(api, target, handler, error);
    }
    log::set_request_id({});
  }
  return 1;
}

}  // namespace

int run_runtime(const std::string& runtime_api) {
  log::set_format(log::Format::kJson);
  RuntimeApi api(runtime_api);
  std::string handler = environment("_HANDLER");
  std::string function_name = environment("AWS_LAMBDA_FUNCTION_NAME", handler.c_str());
  const Function* function = find_function(handler);
  if (!function) {
    if (const EventFunctionFactory* event_function = find_event_function(handler)) {
      return run_event_function(api, handler, *event_function);
    }
    std::string known;
    for (const auto& name : function_names()) known += (known.empty() ? "" : ", ") + name;
    init_error(api, "_HANDLER '" + handler + "' names no function of this app (it has: " + known + ")",
               "Runtime.InvalidHandler");
    return 1;
  }
  std::optional<CorsSettings> cors;
  if (std::string variable = environment("STRATA_CORS"); !variable.empty()) {
    cors = parse_cors_variable(variable);
    if (!cors) log::warn("runtime: STRATA_CORS is not {\"origins\": [...]} JSON; no CORS headers will be added");
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
    set_trace_id_environment(details.trace_id);
    auto deadline = deadline_of(*next);
    std::string target = "/invocation/" + request_id;
    PayloadFormat format = PayloadFormat::kV1;  // the answer's format follows the event's
    try {
      Request request = from_event_json(std::move(next->body()));
      format = request.payload_format;
      if (!client) client = database->connect();
      Context context(request_id, function_name, deadline, *client, std::move(details));
      Response response = invoke_function(*function, request, context);
      // An HTTP API (2.0) adds CORS headers itself and ignores a function's.
      if (cors && format == PayloadFormat::kV1) add_cors_headers(response, *cors, request.header("origin").value_or(""));
      std::string payload = to_response_json(response, format);
      if (payload.size() > kMaxResponseBytes) {
        std::string message = "Response payload size (" + std::to_string(payload.size()) +
                              " bytes) exceeded maximum allowed payload size (" + std::to_string(kMaxResponseBytes) +
                              " bytes).";
        log::error("function " + handler + " failed: " + message);
        api.answer(target + "/error", error_json(message, "Function.ResponseSizeTooLarge"), "Function.ResponseSizeTooLarge");
      } else {
        api.answer(target + "/response", std::move(payload));
      }
    } catch (const db::Error& error) {
      log::error("function " + handler + " failed: database error: " + error.what());
      if (error.kind() == db::ErrorKind::kUnavailable) client.reset();  // reconnect on the next invocation
      // The same answer the in-process gateway gives; other database errors are the function's.
      if (auto response = database_error_response(error)) {
        api.answer(target + "/response", to_response_json(*response, format));
      } else {
        api.answer(target + "/error", error_json(error.what(), type_name_of_current_exception()), "Runtime.Unhandled");
      }
    } catch (const std::exception& error) {
      post_unhandled(api, target, handler, error);
    }
    log::set_request_id({});
  }
  return 1;
}

}  // namespace strata::lambda
