#pragma once
// The built-in function __authorize, in every app binary: a Lambda TOKEN authorizer
// for REST APIs, with the same JWT checks the local gateway makes. A deploy points
// a REST API's authorizer at it and sets its settings as environment variables:
//   STRATA_AUTH_ISSUER     the "iss" tokens must carry (required)
//   STRATA_AUTH_AUDIENCE   accepted audiences, comma-separated (required)
//   STRATA_AUTH_SECRET     HS256: the shared secret; or
//   STRATA_AUTH_PUBLIC_KEY RS256: the RSA public key, PEM text; or
//   STRATA_AUTH_JWKS       RS256: a JSON Web Key Set, JSON text  (exactly one of the three)
//   STRATA_AUTH_LEEWAY     seconds of clock skew allowed on exp/nbf/iat (default 30)
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jwt_verifier.hpp"
#include "core/project.hpp"

namespace strata::auth {

inline constexpr std::string_view kAuthorizerFunction = "__authorize";

// Thrown for a token the authorizer refuses; its message is exactly "Unauthorized",
// the error API Gateway turns into 401 {"message":"Unauthorized"}.
class Unauthorized : public std::runtime_error {
 public:
  Unauthorized() : std::runtime_error("Unauthorized") {}
};

// The verifier the STRATA_AUTH_* variables describe, read through `lookup` (getenv by
// default). Throws std::runtime_error naming a missing or unusable variable.
JwtVerifier verifier_from_environment(const std::function<const char*(const char*)>& lookup = nullptr);

// Answers one TOKEN authorizer event ({"type": "TOKEN", "authorizationToken": "Bearer ...",
// "methodArn": "arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH"}) with the output
// API Gateway expects: principalId (the token's sub), a policy allowing execute-api:Invoke
// on every method of the API's stage (a cached answer then serves the caller's other
// routes too), and the claims as the context map (values all strings). Throws
// Unauthorized for a missing or refused token; `why` gets the verifier's reason.
std::string authorize_token_event(std::string_view event, const JwtVerifier& verifier,
                                  std::chrono::system_clock::time_point now = std::chrono::system_clock::now(),
                                  std::string* why = nullptr);

// The STRATA_AUTH_* variables (NAME=VALUE) that make __authorize check what the jwt
// authorizer `config` of strata.json checks: issuer, audiences, leeway, and the RS256 key's
// text read from its file. STRATA_AUTH_SECRET is added only when `hs256_secret` is given:
// a template sets it from a secret store, never from strata.json. Throws ProjectError for
// an apiKey authorizer (REST APIs check API keys themselves) or an unreadable key file.
std::vector<std::string> authorizer_environment(const Project& project, const AuthorizerConfig& config,
                                                const std::string* hs256_secret = nullptr);

}  // namespace strata::auth
