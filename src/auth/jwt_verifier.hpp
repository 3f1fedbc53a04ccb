#pragma once
// Verifies JSON Web Tokens (RFC 7519) the way API Gateway's JWT authorizers do:
// the signature (HS256 with a shared secret, or RS256 with an RSA public key from a
// PEM file or a JWKS), then exp, nbf and iat with a small leeway, iss exactly, and
// aud (a string or an array) or, failing that, Cognito's client_id.
// A verifier is immutable once built and may be used from any number of threads.
#include <chrono>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "strata/request.hpp"

namespace strata::auth {

// Why a token was refused. Every kind is a 401 for the caller; the kind and the
// message are for the logs and the www-authenticate description.
enum class JwtFailure {
  kMalformed,             // not three base64url parts of JSON objects
  kAlgorithmNotAllowed,   // "none", or not the algorithm the key is for (HS256 against an RSA key)
  kUnknownKey,            // a "kid" no key of the JWKS has
  kBadSignature,
  kExpired,
  kNotYetValid,           // nbf (or iat) in the future
  kWrongIssuer,
  kWrongAudience,
};

class JwtError : public std::runtime_error {
 public:
  JwtError(JwtFailure failure, const std::string& message) : std::runtime_error(message), failure_(failure) {}
  JwtFailure failure() const { return failure_; }

 private:
  JwtFailure failure_;
};

// A key that cannot be used: a PEM that is not an RSA public key, a JWKS without RSA keys.
class JwtKeyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct JwtChecks {
  std::string issuer;                   // required: the "iss" a token must carry, exactly
  std::vector<std::string> audiences;   // required: "aud" (or "client_id") must hold one of them
  std::chrono::seconds leeway{30};      // clock skew allowed on exp, nbf and iat
};

class JwtVerifier {
 public:
  // HS256 with a shared secret (at least 32 bytes is advised; any non-empty secret is taken).
  static JwtVerifier hs256(std::string secret, JwtChecks checks);
  // RS256 with the RSA public key in `pem` ("BEGIN PUBLIC KEY" or "BEGIN RSA PUBLIC KEY").
  static JwtVerifier rs256_pem(std::string_view pem, JwtChecks checks);
  // RS256 with the RSA keys of a JSON Web Key Set ({"keys": [{"kty": "RSA", "kid", "n", "e"}, ...]});
  // a token's "kid" picks its key.
  static JwtVerifier rs256_jwks(std::string_view jwks, JwtChecks checks);

  ~JwtVerifier();
  JwtVerifier(JwtVerifier&&) noexcept;
  JwtVerifier& operator=(JwtVerifier&&) noexcept;

  // The token's claims, or JwtError saying why it is refused. `token` is the bare
  // token (no "Bearer ").
  RequestAuthorizer verify(std::string_view token,
                           std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  const char* algorithm() const;  // "HS256" or "RS256"
  const JwtChecks& checks() const;

 private:
  struct Keys;
  JwtVerifier(std::unique_ptr<Keys> keys, JwtChecks checks);
  std::unique_ptr<Keys> keys_;
  JwtChecks checks_;
};

// The scopes that claims (as RequestAuthorizer keeps them) grant: "scope" split at spaces,
// else "scp" (a JSON array of strings, as Okta and Azure AD write it).
std::vector<std::string> scopes_of(const std::map<std::string, std::string, std::less<>>& claims);

// The token in an Authorization header value: "Bearer <token>" (any case of
// "Bearer"), or a bare token as HTTP APIs also accept. Empty when there is none.
std::string_view bearer_token(std::string_view authorization);

}  // namespace strata::auth
