#pragma once
// What API Gateway answers when an authorizer refuses a request: the one place
// these answers live, for REST APIs (payload 1.0) and HTTP APIs (payload 2.0).
#include <string>
#include <string_view>

namespace strata::auth {

enum class Denial {
  kNoToken,     // no Authorization header (or no token in it)
  kBadToken,    // a token that fails verification: malformed, badly signed, expired, wrong iss or aud
  kNoApiKey,    // no x-api-key header
  kBadApiKey,   // an x-api-key that is not one of the keys
};

enum class ApiFlavor { kRest, kHttp };

struct DenialAnswer {
  unsigned status;
  std::string message;          // the body is {"message": message}
  std::string www_authenticate;  // a WWW-Authenticate header, when API Gateway sends one
};

// REST: an API key missing or wrong is 403 {"message":"Forbidden"} (API Gateway's
// INVALID_API_KEY / MISSING_AUTHENTICATION_TOKEN responses). A JWT route is a Lambda
// TOKEN authorizer there: a missing token is 401 {"message":"Unauthorized"} without
// calling it, and a token it refuses is the error "Unauthorized", again 401 (Strata's
// authorizer never answers a Deny policy, which would be 403 "User is not authorized to
// access this resource with an explicit deny").
// HTTP APIs: the native JWT authorizer answers 401 {"message":"Unauthorized"}, with
// `WWW-Authenticate: Bearer scope="" error="invalid_token" error_description="..."`
// for a refused token (as observed in aws/serverless-application-model#1300).
// `reason` is the verifier's message, used only in that description.
DenialAnswer denial_answer(Denial denial, ApiFlavor flavor, std::string_view reason = {});

}  // namespace strata::auth
