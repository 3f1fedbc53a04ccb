// TestApp: the app's routes and functions in-process, over a private in-memory database.
#include <chrono>
#include <stdexcept>

#include "core/database_error_response.hpp"
#include "core/log.hpp"
#include "core/project.hpp"
#include "core/request_id.hpp"
#include "db/database.hpp"
#include "gateway/rest_request.hpp"
#include "gateway/router.hpp"
#include "migrate/migrator.hpp"
#include "strata/function.hpp"
#include "strata/testing.hpp"

namespace strata::testing {
namespace {

// Query values as a browser would send them: everything but unreserved characters as %XX.
std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string target_of(const TestRequest& request) {
  std::string target = request.path.empty() || request.path[0] != '/' ? "/" + request.path : request.path;
  char separator = target.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [name, value] : request.query) {
    target += separator;
    target += percent_encode(name) + "=" + percent_encode(value);
    separator = '&';
  }
  return target;
}

TestRequest with_body(std::string method, std::string path, std::optional<std::string> json_body, NameValues headers) {
  TestRequest request(std::move(method), std::move(path));
  request.headers = std::move(headers);
  if (json_body) request.with_json(std::move(*json_body));
  return request;
}

}  // namespace

struct TestApp::State {
  Project project;
  std::unique_ptr<db::Database> database;
  std::unique_ptr<db::Client> client;
  std::unique_ptr<gateway::Router> router;
};

TestApp::TestApp(std::filesystem::path app_directory) : state_(std::make_unique<State>()) {
  state_->project = load_project(app_directory);
  check_functions(state_->project, [](std::string_view name) { return find_function(name) != nullptr; });
  state_->database = db::open_database("sqlite::memory:");
  state_->client = state_->database->connect();
  migrate::Migrator(*state_->client, state_->project.database.migrations).up();
  state_->router = std::make_unique<gateway::Router>(state_->project.routes);
}

TestApp::~TestApp() = default;

db::Client& TestApp::db() { return *state_->client; }

const std::string& TestApp::name() const { return state_->project.name; }

TestResponse TestApp::get(std::string path, NameValues headers) {
  return send(with_body("GET", std::move(path), std::nullopt, std::move(headers)));
}

TestResponse TestApp::del(std::string path, NameValues headers) {
  return send(with_body("DELETE", std::move(path), std::nullopt, std::move(headers)));
}

TestResponse TestApp::post(std::string path, std::string json_body, NameValues headers) {
  return send(with_body("POST", std::move(path), std::move(json_body), std::move(headers)));
}

TestResponse TestApp::put(std::string path, std::string json_body, NameValues headers) {
  return send(with_body("PUT", std::move(path), std::move(json_body), std::move(headers)));
}

TestResponse TestApp::patch(std::string path, std::string json_body, NameValues headers) {
  return send(with_body("PATCH", std::move(path), std::move(json_body), std::move(headers)));
}

TestResponse TestApp::send(const TestRequest& request) {
  // The request goes through the gateway's own event builder, so a function sees
  // exactly what `serve` would hand it.
  std::string target = target_of(request);
  http::Request http_request;
  http_request.method_string(request.method);
  http_request.target(target);
  http_request.version(11);
  http_request.set(boost::beast::http::field::host, "localhost");
  for (const auto& [name, value] : request.headers) http_request.insert(name, value);
  if (request.body) http_request.body() = *request.body;
  http_request.prepare_payload();

  std::string path = target.substr(0, target.find('?'));
  auto match = state_->router->match(path);
  if (!match) return TestResponse(Response::error(404, "no route for " + path), "");
  const RouteMethod* method = gateway::Router::find_method(*match->route, request.method);
  if (!method) {
    Response response = Response::error(405, "method " + request.method + " is not allowed on " + match->route->path);
    response.headers.add("Allow", gateway::Router::allowed_methods(*match->route));
    return TestResponse(std::move(response), "");
  }
  Request function_request = gateway::build_rest_request(http_request, std::move(*match), {"127.0.0.1", "local"});
  return invoke(method->function, std::move(function_request));
}

TestResponse TestApp::invoke(std::string_view function_name, Request request) {
  const Function* function = find_function(function_name);
  if (!function) throw std::invalid_argument("no function named '" + std::string(function_name) + "' is linked into this test");
  std::string name(function_name);
  if (request.request_context.request_id.empty()) request.request_context.request_id = new_request_id();
  auto timeout = std::chrono::seconds(function_config(state_->project, name).timeout_seconds);
  Context context(request.request_context.request_id, name, std::chrono::system_clock::now() + timeout, db());
  // What the gateway answers for each way a function can end.
  try {
    return TestResponse(invoke_function(*function, request, context), name);
  } catch (const db::Error& error) {
    log::error("function " + name + " failed: database error: " + error.what());
    if (auto response = database_error_response(error)) return TestResponse(std::move(*response), name);
    return TestResponse(Response::error(500, "Internal server error"), name);
  } catch (const std::exception& error) {
    log::error("function " + name + " failed: " + error.what());
    return TestResponse(Response::error(500, "Internal server error"), name);
  }
}

}  // namespace strata::testing
