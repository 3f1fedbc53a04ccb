#pragma once
// What a function receives: an API Gateway proxy event, of a REST API (payload
// format 1.0) or an HTTP API (payload format 2.0). One set of fields and
// accessors serves both; names follow the events' keys in snake_case.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "strata/multi_map.hpp"

namespace strata {

// The event format the request arrived in: strata.json "api": {"type": "rest"} gives
// 1.0, {"type": "http"} gives 2.0. Read it only where the two formats differ (below).
enum class PayloadFormat { kV1, kV2 };

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
  std::string domain_prefix;  // the first label of domain_name
  std::string http_method;
  RequestIdentity identity;
  std::string path;  // 1.0: with the stage, e.g. /prod/posts/1; 2.0: as requested
  std::string protocol;
  std::string request_id;
  std::string request_time;  // 09/Apr/2015:12:34:56 +0000 (2.0: "time")
  std::int64_t request_time_epoch = 0;  // milliseconds (2.0: "timeEpoch")
  std::string resource_id;    // 1.0 only
  std::string resource_path;  // the route's template, e.g. /posts/{id}
  std::string stage;          // 2.0: "$default"
  RequestAuthorizer authorizer;
};

struct Request {
  PayloadFormat payload_format = PayloadFormat::kV1;
  std::string resource;  // the route's template, e.g. /posts/{id}
  std::string route_key;  // 2.0: "GET /posts/{id}", or "$default"
  std::string path;      // the path as requested, e.g. /posts/1 (2.0: rawPath)
  std::string raw_query_string;  // 2.0: the query as sent, without '?'
  std::string http_method;
  // 1.0: every header line. 2.0: lower-case names, repeated values joined by commas,
  // and no Cookie header (its cookies are in `cookies`), as HTTP APIs send them.
  MultiMap headers{NameCase::kInsensitive};
  MultiMap query{NameCase::kSensitive};  // every name=value pair, decoded, in order
  MultiMap path_parameters{NameCase::kSensitive};
  MultiMap stage_variables{NameCase::kSensitive};
  // The request's cookies, name → value: 2.0's `cookies`, or 1.0's Cookie headers parsed.
  MultiMap cookies{NameCase::kSensitive};
  RequestContext request_context;
  // Absent when the request had none. Base64 with is_base64_encoded when API Gateway
  // encoded it: a body that is not UTF-8, and in an HTTP API every content type but
  // text/*, JSON, XML and JavaScript. decoded_body() undoes that.
  std::optional<std::string> body;
  bool is_base64_encoded = false;

  // Last value of a header (names compare case-insensitively), query parameter or path parameter.
  std::optional<std::string_view> header(std::string_view name) const { return headers.get(name); }
  std::optional<std::string_view> query_parameter(std::string_view name) const { return query.get(name); }
  std::optional<std::string_view> path_parameter(std::string_view name) const { return path_parameters.get(name); }
  // A claim of the verified token on a route with a JWT authorizer, e.g. claim("sub").
  std::optional<std::string_view> claim(std::string_view name) const { return request_context.authorizer.claim(name); }
  // The value of the last cookie named `name`.
  std::optional<std::string_view> cookie(std::string_view name) const { return cookies.get(name); }
  // The body's bytes as the client sent them (base64-decoded when is_base64_encoded).
  // Throws HttpError(400) if a body marked base64 does not decode.
  std::optional<std::string> decoded_body() const;

  // The proxy event as JSON text: the one Lambda delivered, or, in-process, the one
  // the local gateway would have sent for this request (built on first use).
  const std::string& event() const;
  // Keeps `json` as the event this request was read from (the runtime does).
  void set_event(std::string json) { event_ = std::move(json); }

 private:
  mutable std::optional<std::string> event_;
};

}  // namespace strata
