#pragma once
// The local API Gateway: routes each HTTP request to its function and turns the
// function's proxy response back into HTTP. Functions run in-process by default,
// or (with a LocalLambda) as warm processes behind the Lambda Runtime API, when
// the Lambda Invoke API is served on the same port too.
#include <chrono>
#include <memory>
#include <unordered_map>
#include <vector>

#include "auth/authorizer.hpp"
#include "core/project.hpp"
#include "db/database.hpp"
#include "gateway/cors.hpp"
#include "gateway/router.hpp"
#include "gateway/url.hpp"
#include "http/server.hpp"
#include "lambda/local_lambda.hpp"
#include "strata/function.hpp"

namespace strata::gateway {

struct GatewayOptions {
  std::string stage = "local";
  std::chrono::milliseconds function_timeout{3000};  // reported to in-process functions as their deadline
  bool access_log = true;
  // The checks of strata.json "auth"; required (else the constructor throws) when a route names one.
  const auth::AuthorizerSet* authorizers = nullptr;
};

class Gateway {
 public:
  // In-process: every route's function must be registered (check_functions first).
  // With `lambda`, functions run in its processes instead. `project`, `database`
  // and `lambda` must outlive the Gateway.
  Gateway(const Project& project, db::Database& database, unsigned threads, GatewayOptions options = {},
          lambda::LocalLambda* lambda = nullptr);
  ~Gateway();

  // Answers one request; in-process functions run on the calling event-loop thread.
  void handle(http::Request&& request, http::Reply reply);
  // For the answers the HTTP server makes itself (413, 431, 400): CORS and the access log.
  void on_server_response(const http::Request* header, http::Response& response);

 private:
  struct Exchange;

  void route(http::Request& request, const std::shared_ptr<Exchange>& exchange);
  // Runs the route's authorizer, if it has one. A refused request is answered here
  // (false); an admitted one leaves who was let in in `verdict`.
  bool authorize(const http::Request& request, const RouteMethod& route_method, const Target& target,
                 Exchange& exchange, auth::Verdict& verdict);
  void route_http_api(http::Request& request, Target target, const std::shared_ptr<Exchange>& exchange);
  // A function's response as HTTP, as this API type reads and decorates it.
  http::Response function_response(Response&& response, unsigned version, bool keep_alive) const;
  http::Response run_in_process(const RouteMethod& method, Request&& request, const Exchange& exchange);
  void run_in_lambda(const RouteMethod& method, Request&& request, const std::shared_ptr<Exchange>& exchange);
  void serve_invoke_api(http::Request& request, const std::shared_ptr<Exchange>& exchange);
  void finish(Exchange& exchange, http::Response&& response);
  db::Client& client();
  void drop_client();

  const Project& project_;
  db::Database& database_;
  GatewayOptions options_;
  Router router_;
  Cors cors_;
  lambda::LocalLambda* lambda_;
  std::unordered_map<const RouteMethod*, const Function*> functions_;
  std::unordered_map<const RouteMethod*, const auth::Authorizer*> authorizers_;  // protected routes only
  std::vector<std::unique_ptr<db::Client>> clients_;  // one per event loop
};

// A function's proxy response as HTTP, read the way API Gateway of type `api` reads it.
http::Response to_http_response(Response&& response, unsigned version, bool keep_alive, ApiType api = ApiType::kRest);

}  // namespace strata::gateway
