#pragma once
// Mints JSON Web Tokens: for `APP token` (local development) and for tests.
// Production tokens come from an identity provider; this signs with the same keys
// the local gateway verifies with.
#include <stdexcept>
#include <string>
#include <string_view>

namespace strata::auth {

// A key that cannot sign: an empty secret, a PEM that is not an RSA private key.
class JwtSigningError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// header.payload.signature for `claims_json` (a JSON object's text), HS256 with `secret`.
std::string sign_hs256(std::string_view claims_json, std::string_view secret);
// The same, RS256 with the RSA private key in `private_key_pem`; `kid` goes into the header when given.
std::string sign_rs256(std::string_view claims_json, std::string_view private_key_pem, std::string_view kid = {});

}  // namespace strata::auth
