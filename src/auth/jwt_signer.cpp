#include "auth/jwt_signer.hpp"

#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <memory>
#include <vector>

#include "core/base64.hpp"
#include "strata/json.hpp"

namespace strata::auth {
namespace {

std::string header_json(const char* algorithm, std::string_view kid) {
  std::string header = std::string("{\"alg\":\"") + algorithm + "\",\"typ\":\"JWT\"";
  if (!kid.empty()) header += ",\"kid\":" + json::quote(kid);
  return header + "}";
}

}  // namespace

std::string sign_hs256(std::string_view claims_json, std::string_view secret) {
  if (secret.empty()) throw JwtSigningError("the HS256 secret is empty");
  std::string signing_input = base64::encode_url(header_json("HS256", {})) + "." + base64::encode_url(claims_json);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), digest, &length);
  return signing_input + "." + base64::encode_url(std::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string sign_rs256(std::string_view claims_json, std::string_view private_key_pem, std::string_view kid) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* decoder =
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA", EVP_PKEY_KEYPAIR, nullptr, nullptr);
  const auto* data = reinterpret_cast<const unsigned char*>(private_key_pem.data());
  std::size_t size = private_key_pem.size();
  bool decoded = decoder && OSSL_DECODER_from_data(decoder, &data, &size) == 1;
  OSSL_DECODER_CTX_free(decoder);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> owned(key, EVP_PKEY_free);
  if (!decoded || !key) throw JwtSigningError("the PEM text holds no RSA private key");

  std::string signing_input = base64::encode_url(header_json("RS256", kid)) + "." + base64::encode_url(claims_json);
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  std::size_t length = 0;
  std::vector<unsigned char> signature;
  bool signed_ok = context && EVP_DigestSignInit(context, nullptr, EVP_sha256(), nullptr, key) == 1 &&
                   EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(signing_input.data()),
                                  signing_input.size()) == 1;
  if (signed_ok) {
    signature.resize(length);
    signed_ok = EVP_DigestSign(context, signature.data(), &length,
                               reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size()) == 1;
  }
  EVP_MD_CTX_free(context);
  if (!signed_ok) throw JwtSigningError("RS256 signing failed");
  return signing_input + "." + base64::encode_url(std::string_view(reinterpret_cast<const char*>(signature.data()), length));
}

}  // namespace strata::auth
