#include "strata/response.hpp"

#include "strata/json.hpp"

namespace strata {

Response Response::json(int status_code, std::string json_body) {
  Response response;
  response.status_code = status_code;
  response.headers.add("Content-Type", "application/json");
  response.body = std::move(json_body);
  return response;
}

Response Response::error(int status_code, std::string_view message) {
  return json(status_code, "{\"message\":" + json::quote(message) + "}");
}

Response Response::empty(int status_code) {
  Response response;
  response.status_code = status_code;
  return response;
}

Response Response::proxy_result(std::string json) {
  Response response;
  response.proxy_result_json = std::move(json);
  return response;
}

}  // namespace strata
