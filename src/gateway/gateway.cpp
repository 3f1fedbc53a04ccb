#include "gateway/gateway.hpp"

#include <chrono>

#include "core/base64.hpp"
#include "core/database_error_response.hpp"
#include "core/log.hpp"
#include "core/request_id.hpp"
#include "gateway/gateway_errors.hpp"
#include "gateway/http_api_request.hpp"
#include "gateway/rest_request.hpp"
#include "gateway/url.hpp"
#include "lambda/proxy_event.hpp"
#include "strata/json.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

namespace {

// A request path fit for a JSON message: bytes outside printable ASCII as %XX
// (a raw non-UTF-8 byte would make the body invalid JSON).
std::string printable_path(std::string_view path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

constexpr std::string_view kInvokePrefix = "/2015-03-31/functions/";
constexpr std::size_t kMaxInvokePayload = 6 * 1024 * 1024;

}  // namespace

// What answering a request needs once its function is done, possibly on another thread.
struct Gateway::Exchange {
  explicit Exchange(http::Reply reply_to) : reply(std::move(reply_to)) {}
  http::Reply reply;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::string method;
  std::string target;
  std::string origin;
  unsigned version = 11;
  bool keep_alive = true;
  std::string function = "-";
  // An HTTP API names every answer in an apigw-requestid header: the function's
  // requestContext.requestId, or an id of its own for the API's own answers.
  bool http_api = false;
  std::string request_id;
};

Gateway::Gateway(const Project& project, db::Database& database, unsigned threads, GatewayOptions options,
                 lambda::LocalLambda* lambda)
    : project_(project),
      database_(database),
      options_(std::move(options)),
      router_(project.routes),
      cors_(project.cors, project.api),
      lambda_(lambda),
      clients_(threads) {
  for (const Route& route : project.routes) {
    for (const RouteMethod& method : route.methods) {
      functions_[&method] = find_function(method.function);
      if (method.authorizer.empty()) continue;
      // Fail closed: a protected route is never served without its check.
      const auth::Authorizer* authorizer = options_.authorizers ? options_.authorizers->find(method.authorizer) : nullptr;
      if (!authorizer) throw std::logic_error("the gateway has no authorizer '" + method.authorizer + "' for " + route.path);
      authorizers_[&method] = authorizer;
    }
  }
}

Gateway::~Gateway() = default;

db::Client& Gateway::client() {
  auto& slot = clients_.at(http::Server::current_thread_index());
  if (!slot) slot = database_.connect();
  return *slot;
}

void Gateway::drop_client() { clients_.at(http::Server::current_thread_index()).reset(); }

http::Response to_http_response(Response&& response, unsigned version, bool keep_alive, ApiType api) {
  if (response.proxy_result_json) {
    // A result given as raw JSON: read as API Gateway reads what Lambda returns.
    std::string why;
    PayloadFormat format = api == ApiType::kHttp ? PayloadFormat::kV2 : PayloadFormat::kV1;
    auto read = lambda::from_response_json(*response.proxy_result_json, format, &why);
    if (!read) {
      log::error("a function returned a malformed proxy response: " + why);
      return function_failed(api, true, version, keep_alive);
    }
    response = std::move(*read);
  }
  if (response.status_code < 100 || response.status_code > 599) {
    // API Gateway's answer to a proxy response it cannot read.
    log::error("a function returned statusCode " + std::to_string(response.status_code) + ", outside 100..599");
    return function_failed(api, true, version, keep_alive);
  }
  http::Response out{static_cast<bhttp::status>(response.status_code), version};
  // API Gateway merges both maps; a name in multiValueHeaders takes its values from there.
  for (const auto& [name, value] : response.multi_value_headers.entries()) out.insert(name, value);
  for (const auto& [name, value] : response.headers.entries()) {
    if (!response.multi_value_headers.contains(name)) out.set(name, value);
  }
  for (const std::string& cookie : response.cookies) out.insert(bhttp::field::set_cookie, cookie);
  if (out.find(bhttp::field::content_type) == out.end()) {
    // What each API type assumes when a function names none (aws-lambda-dotnet's emulator
    // records the HTTP API's).
    out.set(bhttp::field::content_type, api == ApiType::kHttp ? "text/plain; charset=utf-8" : "application/json");
  }
  if (response.is_base64_encoded) {
    auto decoded = base64::decode(response.body);
    if (!decoded) {
      return function_failed(api, true, version, keep_alive);
    }
    out.body().assign(decoded->begin(), decoded->end());
  } else {
    out.body() = std::move(response.body);
  }
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

http::Response Gateway::run_in_process(const RouteMethod& method, Request&& request, const Exchange& exchange) {
  const Function* function = functions_.at(&method);
  unsigned version = exchange.version;
  bool keep_alive = exchange.keep_alive;
  try {
    Context context(request.request_context.request_id, method.function,
                    std::chrono::system_clock::now() + options_.function_timeout, client());
    return function_response(invoke_function(*function, request, context), version, keep_alive);
  } catch (const db::Error& error) {
    log::error("function " + method.function + " failed: database error: " + error.what());
    if (error.kind() == db::ErrorKind::kUnavailable) drop_client();  // reconnect on the next request
    if (auto response = database_error_response(error)) return function_response(std::move(*response), version, keep_alive);
    return function_failed(project_.api, false, version, keep_alive);
  } catch (const std::exception& error) {
    log::error("function " + method.function + " failed: " + error.what());
    return function_failed(project_.api, false, version, keep_alive);
  }
}

http::Response Gateway::function_response(Response&& response, unsigned version, bool keep_alive) const {
  http::Response out = to_http_response(std::move(response), version, keep_alive, project_.api);
  cors_.drop_function_headers(out);
  return out;
}

void Gateway::run_in_lambda(const RouteMethod& method, Request&& request, const std::shared_ptr<Exchange>& exchange) {
  lambda::FunctionPool* pool = lambda_->function(method.function);
  lambda::Invocation invocation;
  invocation.request_id = new_request_id();
  invocation.payload = lambda::to_event_json(request);
  std::string function = method.function;
  PayloadFormat format = request.payload_format;
  invocation.done = [this, exchange, function, format](lambda::InvokeResult result) {
    using Kind = lambda::InvokeResult::Kind;
    unsigned version = exchange->version;
    bool keep_alive = exchange->keep_alive;
    if (result.kind == Kind::kTimeout) {
      return finish(*exchange, function_timed_out(project_.api, version, keep_alive));
    }
    if (result.kind != Kind::kSuccess) {
      log::error("function " + function + " failed (" + result.error_type + "): " + result.payload);
      return finish(*exchange, function_failed(project_.api, true, version, keep_alive));
    }
    std::string why;
    auto response = lambda::from_response_json(result.payload, format, &why);
    if (!response) {
      log::error("function " + function + " returned a malformed proxy response: " + why);
      return finish(*exchange, function_failed(project_.api, true, version, keep_alive));
    }
    finish(*exchange, function_response(std::move(*response), version, keep_alive));
  };
  pool->invoke(std::move(invocation));
}

// The Lambda Invoke API (POST /2015-03-31/functions/{name}/invocations), as the
// AWS CLI and SDKs call it with --endpoint-url.
void Gateway::serve_invoke_api(http::Request& request, const std::shared_ptr<Exchange>& exchange) {
  unsigned version = exchange->version;
  bool keep_alive = exchange->keep_alive;
  auto service_error = [&](unsigned status, const std::string& type, const std::string& message) {
    http::Response response{static_cast<bhttp::status>(status), version};
    response.set(bhttp::field::content_type, "application/json");
    response.set("x-amzn-ErrorType", type);
    response.set("x-amzn-RequestId", new_request_id());
    response.body() = "{\"Type\":\"User\",\"Message\":" + json::quote(message) + "}";
    response.keep_alive(keep_alive);
    response.prepare_payload();
    finish(*exchange, std::move(response));
  };
  std::string_view path = split_target(request.target()).path;
  std::string_view rest = path.substr(kInvokePrefix.size());
  std::size_t slash = rest.find('/');
  if (request.method() != bhttp::verb::post || slash == std::string_view::npos || rest.substr(slash) != "/invocations") {
    return service_error(404, "ResourceNotFoundException", "no such Lambda API resource: " + std::string(path));
  }
  std::string name(rest.substr(0, slash));
  // A function may be named by its ARN too: ...:function:NAME
  if (std::size_t colon = name.rfind(':'); colon != std::string::npos) name = name.substr(colon + 1);
  exchange->function = name;
  lambda::FunctionPool* pool = lambda_->function(name);
  if (!pool) return service_error(404, "ResourceNotFoundException", "Function not found: " + name);
  if (request.body().size() > kMaxInvokePayload) {
    return service_error(413, "RequestTooLargeException", "Request must be smaller than 6291456 bytes for the InvokeFunction operation");
  }
  std::string payload = request.body().empty() ? "{}" : std::move(request.body());
  rapidjson::Document check;
  check.Parse(payload.data(), payload.size());
  if (check.HasParseError()) {
    return service_error(400, "InvalidRequestContentException", "Could not parse request body into json");
  }
  std::string type(request["X-Amz-Invocation-Type"]);
  if (type.empty()) type = "RequestResponse";
  if (type == "DryRun") {
    http::Response response{bhttp::status::no_content, version};
    response.keep_alive(keep_alive);
    return finish(*exchange, std::move(response));
  }
  if (type != "RequestResponse" && type != "Event") {
    return service_error(400, "InvalidParameterValueException", "unknown X-Amz-Invocation-Type " + type);
  }
  lambda::Invocation invocation;
  invocation.request_id = new_request_id();
  invocation.payload = std::move(payload);
  std::string request_id = invocation.request_id;
  if (type == "Event") {
    invocation.done = [name](lambda::InvokeResult result) {
      if (result.kind != lambda::InvokeResult::Kind::kSuccess) {
        log::error("function " + name + " failed in an Event invocation: " + result.payload);
      }
    };
    pool->invoke(std::move(invocation));
    http::Response response{bhttp::status::accepted, version};
    response.set("x-amzn-RequestId", request_id);
    response.keep_alive(keep_alive);
    response.prepare_payload();
    return finish(*exchange, std::move(response));
  }
  invocation.done = [this, exchange, request_id](lambda::InvokeResult result) {
    http::Response response{bhttp::status::ok, exchange->version};
    response.set(bhttp::field::content_type, "application/json");
    response.set("x-amzn-RequestId", request_id);
    response.set("X-Amz-Executed-Version", "$LATEST");
    if (result.kind != lambda::InvokeResult::Kind::kSuccess) {
      response.set("X-Amz-Function-Error", "Unhandled");
      if (result.payload.empty()) {
        result.payload = "{\"errorMessage\":\"the function did not answer\",\"errorType\":" + json::quote(result.error_type) + "}";
      }
    }
    response.body() = std::move(result.payload);
    response.keep_alive(exchange->keep_alive);
    response.prepare_payload();
    finish(*exchange, std::move(response));
  };
  pool->invoke(std::move(invocation));
}

bool Gateway::authorize(const http::Request& request, const RouteMethod& route_method, const Target& target,
                        Exchange& exchange, auth::Verdict& verdict) {
  auto protected_route = authorizers_.find(&route_method);
  if (protected_route == authorizers_.end()) return true;
  auto header = [&request](std::string_view name) -> std::optional<std::string_view> {
    auto found = request.find(name);
    if (found == request.end()) return std::nullopt;
    return found->value();
  };
  verdict = protected_route->second->check(header("authorization"), header("x-api-key"));
  if (!verdict.denial) return true;
  log::info("auth " + protected_route->second->name() + " refused " + std::string(request.method_string()) + " " +
            printable_path(target.path) + ": " + verdict.reason);
  // Each API flavour words its refusals its own way.
  auto flavor = project_.api == ApiType::kHttp ? auth::ApiFlavor::kHttp : auth::ApiFlavor::kRest;
  auth::DenialAnswer answer = auth::denial_answer(*verdict.denial, flavor, verdict.reason);
  auto response = http::json_error(answer.status, answer.message, exchange.version, exchange.keep_alive);
  if (!answer.www_authenticate.empty()) response.set(bhttp::field::www_authenticate, answer.www_authenticate);
  finish(exchange, std::move(response));
  return false;
}

void Gateway::route(http::Request& request, const std::shared_ptr<Exchange>& exchange) {
  unsigned version = exchange->version;
  bool keep_alive = exchange->keep_alive;
  Target target = split_target(request.target());
  if (lambda_ && target.path.starts_with(kInvokePrefix)) return serve_invoke_api(request, exchange);
  if (project_.api == ApiType::kHttp) return route_http_api(request, target, exchange);
  auto match = router_.match(target.path);
  if (!match) return finish(*exchange, http::json_error(404, "no route for " + printable_path(target.path), version, keep_alive));
  std::string_view method = request.method_string();
  const RouteMethod* route_method = Router::find_method(*match->route, method);
  if (!route_method) {
    if (method == "OPTIONS") return finish(*exchange, cors_.preflight(request, Router::allowed_methods(*match->route)));
    auto response = http::json_error(405, "method " + std::string(method) + " is not allowed on " + match->route->path,
                                     version, keep_alive);
    response.set(bhttp::field::allow, Router::allowed_methods(*match->route));
    return finish(*exchange, std::move(response));
  }
  exchange->function = route_method->function;
  auth::Verdict verdict;
  if (!authorize(request, *route_method, target, *exchange, verdict)) return;
  RequestOrigin origin{exchange->reply.remote_address(), options_.stage};
  Request function_request = build_rest_request(request, std::move(*match), origin);
  function_request.request_context.authorizer = std::move(verdict.authorizer);
  function_request.request_context.identity.api_key = std::move(verdict.api_key);
  function_request.request_context.identity.api_key_id = std::move(verdict.api_key_id);
  if (lambda_) return run_in_lambda(*route_method, std::move(function_request), exchange);
  finish(*exchange, run_in_process(*route_method, std::move(function_request), *exchange));
}

// An HTTP API's routing: preflights answered from `cors` before any route is looked
// at, and one 404 {"message":"Not Found"} for every request no route key matches
// (an HTTP API has no 405: "GET /posts" and "POST /posts" are separate routes).
void Gateway::route_http_api(http::Request& request, Target target, const std::shared_ptr<Exchange>& exchange) {
  unsigned version = exchange->version;
  bool keep_alive = exchange->keep_alive;
  exchange->http_api = true;
  auto match = router_.match(target.path);
  if (Cors::is_preflight(request)) {
    if (!cors_.allows(request[bhttp::field::origin])) {
      http::Response response{bhttp::status::no_content, version};
      response.keep_alive(keep_alive);
      return finish(*exchange, std::move(response));
    }
    std::string methods = match ? Router::allowed_methods(*match->route)
                                : std::string(request[bhttp::field::access_control_request_method]);
    return finish(*exchange, cors_.preflight(request, methods));
  }
  const RouteMethod* route_method = match ? Router::find_method(*match->route, request.method_string(), true) : nullptr;
  if (!route_method) return finish(*exchange, http::json_error(404, "Not Found", version, keep_alive));
  exchange->function = route_method->function;
  auth::Verdict verdict;
  if (!authorize(request, *route_method, target, *exchange, verdict)) return;
  RequestOrigin origin{exchange->reply.remote_address(), options_.stage};
  Request function_request = build_http_api_request(request, std::move(*match), *route_method, origin);
  function_request.request_context.authorizer = std::move(verdict.authorizer);
  exchange->request_id = function_request.request_context.request_id;
  if (lambda_) return run_in_lambda(*route_method, std::move(function_request), exchange);
  finish(*exchange, run_in_process(*route_method, std::move(function_request), *exchange));
}

namespace {

void access_log(std::string_view method, std::string_view target, unsigned status, std::string_view function,
                std::chrono::microseconds took) {
  std::string line;
  line.reserve(96);
  line.append(method).append(" ").append(target).append(" ");
  line.append(std::to_string(status)).append(" ").append(function).append(" ");
  line.append(std::to_string(took.count())).append("us");
  log::info(line);
}

}  // namespace

void Gateway::finish(Exchange& exchange, http::Response&& response) {
  cors_.decorate(response, exchange.origin);
  if (exchange.http_api) response.set("apigw-requestid", exchange.request_id.empty() ? new_request_id() : exchange.request_id);
  if (options_.access_log) {
    access_log(exchange.method, exchange.target, response.result_int(), exchange.function,
               std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - exchange.started));
  }
  exchange.reply(std::move(response));
}

void Gateway::on_server_response(const http::Request* header, http::Response& response) {
  cors_.decorate(response, header ? (*header)[bhttp::field::origin] : std::string_view());
  if (options_.access_log) {
    access_log(header ? header->method_string() : "-", header ? header->target() : "-", response.result_int(), "-",
               std::chrono::microseconds(0));
  }
}

void Gateway::handle(http::Request&& request, http::Reply reply) {
  auto exchange = std::make_shared<Exchange>(std::move(reply));
  if (options_.access_log) {  // kept for the log line only
    exchange->method = std::string(request.method_string());
    exchange->target = std::string(request.target());
  }
  exchange->origin = std::string(request[bhttp::field::origin]);
  exchange->version = request.version();
  exchange->keep_alive = request.keep_alive();
  route(request, exchange);
}

}  // namespace strata::gateway
