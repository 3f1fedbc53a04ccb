#pragma once
// The local API Gateway: routes each HTTP request to its function, in-process,
// and turns the function's proxy response back into HTTP.
#include <memory>
#include <unordered_map>
#include <vector>

#include "core/project.hpp"
#include "db/database.hpp"
#include "gateway/cors.hpp"
#include "gateway/router.hpp"
#include "http/server.hpp"
#include "strata/function.hpp"

namespace strata::gateway {

struct GatewayOptions {
  std::string stage = "local";
  std::chrono::milliseconds function_timeout{3000};  // reported to functions as their deadline
  bool access_log = true;
};

class Gateway {
 public:
  // Every route's function must be registered (check_functions first).
  // `project` and `database` must outlive the Gateway.
  Gateway(const Project& project, db::Database& database, unsigned threads, GatewayOptions options = {});
  ~Gateway();

  // Answers one request on the calling event-loop thread.
  void handle(http::Request&& request, http::Reply reply);

 private:
  http::Response dispatch(http::Request& request, const http::Reply& reply, std::string_view& function_name);
  http::Response run_function(const RouteMethod& method, Request&& request, unsigned version, bool keep_alive);
  db::Client& client();
  void drop_client();

  const Project& project_;
  db::Database& database_;
  GatewayOptions options_;
  Router router_;
  Cors cors_;
  std::unordered_map<const RouteMethod*, const Function*> functions_;
  std::vector<std::unique_ptr<db::Client>> clients_;  // one per event loop
};

// A function's proxy response as HTTP, read the way API Gateway reads it.
http::Response to_http_response(Response&& response, unsigned version, bool keep_alive);

}  // namespace strata::gateway
