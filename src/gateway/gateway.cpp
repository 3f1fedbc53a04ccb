#include "gateway/gateway.hpp"

#include <chrono>

#include "core/base64.hpp"
#include "core/log.hpp"
#include "gateway/rest_request.hpp"
#include "gateway/url.hpp"

namespace strata::gateway {
namespace bhttp = boost::beast::http;

Gateway::Gateway(const Project& project, db::Database& database, unsigned threads, GatewayOptions options)
    : project_(project),
      database_(database),
      options_(std::move(options)),
      router_(project.routes),
      cors_(project.cors),
      clients_(threads) {
  for (const Route& route : project.routes) {
    for (const RouteMethod& method : route.methods) functions_[&method] = find_function(method.function);
  }
}

Gateway::~Gateway() = default;

db::Client& Gateway::client() {
  auto& slot = clients_.at(http::Server::current_thread_index());
  if (!slot) slot = database_.connect();
  return *slot;
}

void Gateway::drop_client() { clients_.at(http::Server::current_thread_index()).reset(); }

http::Response to_http_response(Response&& response, unsigned version, bool keep_alive) {
  http::Response out{static_cast<bhttp::status>(response.status_code), version};
  // API Gateway merges both maps; a name in multiValueHeaders takes its values from there.
  for (const auto& [name, value] : response.multi_value_headers.entries()) out.insert(name, value);
  for (const auto& [name, value] : response.headers.entries()) {
    if (!response.multi_value_headers.contains(name)) out.set(name, value);
  }
  if (out.find(bhttp::field::content_type) == out.end()) out.set(bhttp::field::content_type, "application/json");
  if (response.is_base64_encoded) {
    auto decoded = base64::decode(response.body);
    if (!decoded) {
      return http::json_error(502, "Internal server error", version, keep_alive);
    }
    out.body().assign(decoded->begin(), decoded->end());
  } else {
    out.body() = std::move(response.body);
  }
  out.keep_alive(keep_alive);
  out.prepare_payload();
  return out;
}

http::Response Gateway::run_function(const RouteMethod& method, Request&& request, unsigned version,
                                     bool keep_alive) {
  const Function* function = functions_.at(&method);
  try {
    Context context(request.request_context.request_id, method.function,
                    std::chrono::system_clock::now() + options_.function_timeout, client());
    return to_http_response(invoke_function(*function, request, context), version, keep_alive);
  } catch (const db::Error& error) {
    log::error("function " + method.function + " failed: database error: " + error.what());
    switch (error.kind()) {
      case db::ErrorKind::kUnavailable:
        drop_client();  // reconnect on the next request
        return http::json_error(503, "database unavailable", version, keep_alive);
      case db::ErrorKind::kBusy:
        return http::json_error(503, "database busy; try again", version, keep_alive);
      case db::ErrorKind::kFull:
        return http::json_error(507, "database is out of space", version, keep_alive);
      default:
        return http::json_error(500, "Internal server error", version, keep_alive);
    }
  } catch (const std::exception& error) {
    log::error("function " + method.function + " failed: " + error.what());
    return http::json_error(500, "Internal server error", version, keep_alive);
  }
}

http::Response Gateway::dispatch(http::Request& request, const http::Reply& reply, std::string_view& function_name) {
  unsigned version = request.version();
  bool keep_alive = request.keep_alive();
  Target target = split_target(request.target());
  auto match = router_.match(target.path);
  if (!match) return http::json_error(404, "no route for " + std::string(target.path), version, keep_alive);
  std::string_view method = request.method_string();
  const RouteMethod* route_method = Router::find_method(*match->route, method);
  if (!route_method) {
    if (method == "OPTIONS") return cors_.preflight(request, Router::allowed_methods(*match->route));
    auto response = http::json_error(405, "method " + std::string(method) + " is not allowed on " + match->route->path,
                                     version, keep_alive);
    response.set(bhttp::field::allow, Router::allowed_methods(*match->route));
    return response;
  }
  function_name = route_method->function;
  RequestOrigin origin{reply.remote_address(), options_.stage};
  return run_function(*route_method, build_rest_request(request, std::move(*match), origin), version, keep_alive);
}

void Gateway::handle(http::Request&& request, http::Reply reply) {
  auto started = std::chrono::steady_clock::now();
  std::string_view function_name = "-";
  http::Response response = dispatch(request, reply, function_name);
  cors_.decorate(response, request[bhttp::field::origin]);
  if (options_.access_log) {
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    std::string line;
    line.reserve(96);
    line.append(request.method_string()).append(" ").append(request.target()).append(" ");
    line.append(std::to_string(response.result_int())).append(" ").append(function_name).append(" ");
    line.append(std::to_string(took.count())).append("us");
    log::info(line);
  }
  reply(std::move(response));
}

}  // namespace strata::gateway
