#pragma once
// What a function receives: the fields of an API Gateway REST proxy event
// (payload format 1.0). Names follow the event's keys in snake_case.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/multi_map.hpp"

namespace strata {

struct RequestIdentity {
  std::string source_ip;
  std::string user_agent;
  std::string api_key;     // the x-api-key an apiKey authorizer accepted (identity.apiKey), else empty
  std::string api_key_id;  // a stable id of that key (identity.apiKeyId), else empty
};

// Who the route's authorizer (strata.json "auth") let in; empty on an open route.
// A JWT authorizer fills it from the verified token, the way API Gateway hands it on:
// REST (1.0) requestContext.authorizer {principalId, <claims>}, HTTP API (2.0)
// requestContext.authorizer.jwt {claims, scopes}.
struct RequestAuthorizer {
  std::string principal_id;  // the token's "sub"
  // Every claim as text, as API Gateway passes them: strings as they are, numbers and
  // booleans in their JSON form ("1700000000", "true"), arrays and objects as JSON text.
  std::map<std::string, std::string, std::less<>> claims;
  std::vector<std::string> scopes;  // the token's "scope" (space-separated) or "scp" claim

  bool empty() const { return principal_id.empty() && claims.empty() && scopes.empty(); }
  std::optional<std::string_view> claim(std::string_view name) const {
    auto found = claims.find(name);
    if (found == claims.end()) return std::nullopt;
    return std::string_view(found->second);
  }
};

struct RequestContext {
  std::string account_id;
  std::string api_id;
  std::string domain_name;
  std::string http_method;
  RequestIdentity identity;
  std::string path;  // with the stage, e.g. /prod/posts/1
  std::string protocol;
  std::string request_id;
  std::string request_time;  // 09/Apr/2015:12:34:56 +0000
  std::int64_t request_time_epoch = 0;  // milliseconds
  std::string resource_id;
  std::string resource_path;  // the route's template, e.g. /posts/{id}
  std::string stage;
  RequestAuthorizer authorizer;
};

struct Request {
  std::string resource;  // the route's template, e.g. /posts/{id}
  std::string path;      // the path as requested, e.g. /posts/1
  std::string http_method;
  MultiMap headers{NameCase::kInsensitive};
  MultiMap query{NameCase::kSensitive};
  MultiMap path_parameters{NameCase::kSensitive};
  MultiMap stage_variables{NameCase::kSensitive};
  RequestContext request_context;
  std::optional<std::string> body;  // absent (null in the event) when the request had none
  bool is_base64_encoded = false;

  // Last value of a header (names compare case-insensitively), query parameter or path parameter.
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> query_parameter(std::string_view name) const { return query.get(name); }
  std::optional<std::string_view> path_parameter(std::string_view name) const { return path_parameters.get(name); }
  // A claim of the verified token on a route with a JWT authorizer, e.g. claim("sub").
  std::optional<std::string_view> claim(std::string_view name) const { return request_context.authorizer.claim(name); }
};

}  // namespace strata
