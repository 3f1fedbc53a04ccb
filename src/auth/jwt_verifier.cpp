#include "auth/jwt_verifier.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/param_build.h>
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cctype>
#include <cmath>

#include "core/base64.hpp"
#include "strata/json.hpp"

namespace strata::auth {
namespace {

using rapidjson::Value;

struct PkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// RSA keys below this size are refused: they can be factored.
constexpr int kMinimumRsaBits = 2048;

[[noreturn]] void refuse(JwtFailure failure, const std::string& message) { throw JwtError(failure, message); }

Pkey checked_rsa(Pkey key, const std::string& what) {
  if (!key || !EVP_PKEY_is_a(key.get(), "RSA")) throw JwtKeyError(what + " is not an RSA public key");
  if (EVP_PKEY_get_bits(key.get()) < kMinimumRsaBits) {
    throw JwtKeyError(what + " is an RSA key of " + std::to_string(EVP_PKEY_get_bits(key.get())) +
                      " bits; at least " + std::to_string(kMinimumRsaBits) + " are needed");
  }
  return key;
}

// "BEGIN PUBLIC KEY" (SubjectPublicKeyInfo) or "BEGIN RSA PUBLIC KEY" (PKCS#1).
Pkey rsa_from_pem(std::string_view pem) {
  EVP_PKEY* key = nullptr;
  OSSL_DECODER_CTX* decoder =
      OSSL_DECODER_CTX_new_for_pkey(&key, "PEM", nullptr, "RSA", EVP_PKEY_PUBLIC_KEY, nullptr, nullptr);
  if (!decoder) throw JwtKeyError("cannot set up an RSA key decoder");
  const auto* data = reinterpret_cast<const unsigned char*>(pem.data());
  std::size_t length = pem.size();
  int decoded = OSSL_DECODER_from_data(decoder, &data, &length);
  OSSL_DECODER_CTX_free(decoder);
  if (decoded != 1) {
    EVP_PKEY_free(key);
    throw JwtKeyError("the PEM text holds no RSA public key (expected -----BEGIN PUBLIC KEY-----)");
  }
  return checked_rsa(Pkey(key), "the PEM key");
}

struct BignumFree {
  void operator()(BIGNUM* number) const { BN_free(number); }
};

Pkey rsa_from_modulus(std::string_view n_base64url, std::string_view e_base64url, const std::string& what) {
  auto n_bytes = base64::decode_url(n_base64url);
  auto e_bytes = base64::decode_url(e_base64url);
  if (!n_bytes || !e_bytes || n_bytes->empty() || e_bytes->empty()) {
    throw JwtKeyError(what + ": \"n\" and \"e\" must be base64url numbers");
  }
  std::unique_ptr<BIGNUM, BignumFree> n(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(n_bytes->data()), static_cast<int>(n_bytes->size()), nullptr));
  std::unique_ptr<BIGNUM, BignumFree> e(
      BN_bin2bn(reinterpret_cast<const unsigned char*>(e_bytes->data()), static_cast<int>(e_bytes->size()), nullptr));
  OSSL_PARAM_BLD* builder = OSSL_PARAM_BLD_new();
  OSSL_PARAM* params = nullptr;
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* context = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  bool built = builder && n && e && context && OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_N, n.get()) &&
               OSSL_PARAM_BLD_push_BN(builder, OSSL_PKEY_PARAM_RSA_E, e.get()) &&
               (params = OSSL_PARAM_BLD_to_param(builder)) != nullptr && EVP_PKEY_fromdata_init(context) == 1 &&
               EVP_PKEY_fromdata(context, &key, EVP_PKEY_PUBLIC_KEY, params) == 1;
  EVP_PKEY_CTX_free(context);
  OSSL_PARAM_free(params);
  OSSL_PARAM_BLD_free(builder);
  if (!built) {
    EVP_PKEY_free(key);
    throw JwtKeyError(what + ": not a usable RSA key");
  }
  return checked_rsa(Pkey(key), what);
}

std::string string_member(const Value& object, const char* key) {
  auto found = object.FindMember(key);
  if (found == object.MemberEnd() || !found->value.IsString()) return {};
  return std::string(found->value.GetString(), found->value.GetStringLength());
}

// A base64url part holding a JSON object.
rapidjson::Document json_part(std::string_view part, const char* name) {
  auto text = base64::decode_url(part);
  if (!text) refuse(JwtFailure::kMalformed, std::string("the token's ") + name + " is not base64url");
  rapidjson::Document document;
  document.Parse(text->data(), text->size());
  if (document.HasParseError() || !document.IsObject()) {
    refuse(JwtFailure::kMalformed, std::string("the token's ") + name + " is not a JSON object");
  }
  // Two values for one name leave it open which one a check read: refuse (RFC 7519 section 4).
  std::vector<std::string_view> names;
  for (const auto& member : document.GetObject()) names.emplace_back(member.name.GetString(), member.name.GetStringLength());
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    refuse(JwtFailure::kMalformed, std::string("the token's ") + name + " names a member twice");
  }
  return document;
}

// A claim's text as API Gateway passes claims on: strings as they are, anything else as JSON.
std::string claim_text(const Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// A NumericDate claim (seconds since the epoch), if present; malformed unless a number.
std::optional<double> date_claim(const Value& claims, const char* name) {
  auto found = claims.FindMember(name);
  if (found == claims.MemberEnd()) return std::nullopt;
  if (!found->value.IsNumber() || !std::isfinite(found->value.GetDouble())) {
    refuse(JwtFailure::kMalformed, std::string("the token's \"") + name + "\" is not a number of seconds");
  }
  return found->value.GetDouble();
}

void split_scopes(std::string_view text, std::vector<std::string>& scopes) {
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start) scopes.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

struct JwtVerifier::Keys {
  std::string hmac_secret;  // HS256 when not empty
  struct Rsa {
    std::string kid;
    Pkey key;
  };
  std::vector<Rsa> rsa;  // RS256 otherwise
};

JwtVerifier::JwtVerifier(std::unique_ptr<Keys> keys, JwtChecks checks) : keys_(std::move(keys)), checks_(std::move(checks)) {}
JwtVerifier::~JwtVerifier() = default;
JwtVerifier::JwtVerifier(JwtVerifier&&) noexcept = default;
JwtVerifier& JwtVerifier::operator=(JwtVerifier&&) noexcept = default;

JwtVerifier JwtVerifier::hs256(std::string secret, JwtChecks checks) {
  if (secret.empty()) throw JwtKeyError("the HS256 secret is empty");
  auto keys = std::make_unique<Keys>();
  keys->hmac_secret = std::move(secret);
  return JwtVerifier(std::move(keys), std::move(checks));
}

JwtVerifier JwtVerifier::rs256_pem(std::string_view pem, JwtChecks checks) {
  auto keys = std::make_unique<Keys>();
  keys->rsa.push_back({"", rsa_from_pem(pem)});
  return JwtVerifier(std::move(keys), std::move(checks));
}

JwtVerifier JwtVerifier::rs256_jwks(std::string_view jwks, JwtChecks checks) {
  rapidjson::Document document;
  document.Parse(jwks.data(), jwks.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("keys") || !document["keys"].IsArray()) {
    throw JwtKeyError("a JWKS must be a JSON object with a \"keys\" array");
  }
  auto keys = std::make_unique<Keys>();
  const Value& list = document["keys"];
  for (rapidjson::SizeType i = 0; i < list.Size(); ++i) {
    const Value& key = list[i];
    if (!key.IsObject() || string_member(key, "kty") != "RSA") continue;  // EC and symmetric keys are not for RS256
    std::string use = string_member(key, "use");
    std::string alg = string_member(key, "alg");
    if ((!use.empty() && use != "sig") || (!alg.empty() && alg != "RS256")) continue;
    std::string what = "JWKS key " + std::to_string(i);
    keys->rsa.push_back({string_member(key, "kid"), rsa_from_modulus(string_member(key, "n"), string_member(key, "e"), what)});
  }
  if (keys->rsa.empty()) throw JwtKeyError("the JWKS holds no RSA signing key (kty RSA, use sig, alg RS256)");
  return JwtVerifier(std::move(keys), std::move(checks));
}

const char* JwtVerifier::algorithm() const { return keys_->hmac_secret.empty() ? "RS256" : "HS256"; }
const JwtChecks& JwtVerifier::checks() const { return checks_; }

RequestAuthorizer JwtVerifier::verify(std::string_view token, std::chrono::system_clock::time_point now) const {
  std::size_t first = token.find('.');
  std::size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
  if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
    refuse(JwtFailure::kMalformed, "the token is not three dot-separated parts");
  }
  std::string_view signed_part = token.substr(0, second);
  rapidjson::Document header = json_part(token.substr(0, first), "header");
  std::string algorithm = string_member(header, "alg");
  // Only the algorithm the configured key is for: never "none", never HS256 signed
  // with an RSA public key's bytes (the algorithm-confusion attack).
  if (algorithm != this->algorithm()) {
    refuse(JwtFailure::kAlgorithmNotAllowed, "the token is signed with \"" + algorithm + "\"; this authorizer takes " +
                                                 this->algorithm() + " only");
  }
  if (header.HasMember("crit")) refuse(JwtFailure::kMalformed, "the token names critical header extensions (crit)");
  auto signature = base64::decode_url(token.substr(second + 1));
  if (!signature) refuse(JwtFailure::kMalformed, "the token's signature is not base64url");

  if (!keys_->hmac_secret.empty()) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(EVP_sha256(), keys_->hmac_secret.data(), static_cast<int>(keys_->hmac_secret.size()),
         reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size(), digest, &length);
    if (signature->size() != length || CRYPTO_memcmp(signature->data(), digest, length) != 0) {
      refuse(JwtFailure::kBadSignature, "the token's signature does not match");
    }
  } else {
    std::string kid = string_member(header, "kid");
    bool verified = false, known = false;
    for (const auto& rsa : keys_->rsa) {
      if (!kid.empty() && !rsa.kid.empty() && rsa.kid != kid) continue;
      known = true;
      EVP_MD_CTX* context = EVP_MD_CTX_new();
      verified = context && EVP_DigestVerifyInit(context, nullptr, EVP_sha256(), nullptr, rsa.key.get()) == 1 &&
                 EVP_DigestVerify(context, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                                  reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
      EVP_MD_CTX_free(context);
      if (verified) break;
    }
    if (!known) refuse(JwtFailure::kUnknownKey, "no key has the token's kid \"" + kid + "\"");
    if (!verified) refuse(JwtFailure::kBadSignature, "the token's signature does not match");
  }

  // Only a token whose signature holds has claims worth reading.
  rapidjson::Document claims = json_part(token.substr(first + 1, second - first - 1), "payload");
  double seconds_now = std::chrono::duration<double>(now.time_since_epoch()).count();
  double leeway = static_cast<double>(checks_.leeway.count());
  auto expires = date_claim(claims, "exp");
  if (!expires) refuse(JwtFailure::kMalformed, "the token has no expiry (exp)");
  if (seconds_now - leeway >= *expires) refuse(JwtFailure::kExpired, "the token has expired");
  if (auto not_before = date_claim(claims, "nbf"); not_before && seconds_now + leeway < *not_before) {
    refuse(JwtFailure::kNotYetValid, "the token is not valid yet (nbf)");
  }
  if (auto issued = date_claim(claims, "iat"); issued && seconds_now + leeway < *issued) {
    refuse(JwtFailure::kNotYetValid, "the token was issued in the future (iat)");
  }
  auto issuer = claims.FindMember("iss");
  if (issuer == claims.MemberEnd() || !issuer->value.IsString() || claim_text(issuer->value) != checks_.issuer) {
    refuse(JwtFailure::kWrongIssuer, "the token's issuer is not " + checks_.issuer);
  }
  auto expected = [this](const Value& value) {
    return value.IsString() && std::find(checks_.audiences.begin(), checks_.audiences.end(), claim_text(value)) !=
                                   checks_.audiences.end();
  };
  bool audience_ok = false;
  auto audience = claims.FindMember("aud");
  if (audience != claims.MemberEnd()) {
    if (audience->value.IsArray()) {
      audience_ok = std::any_of(audience->value.Begin(), audience->value.End(), expected);
    } else {
      audience_ok = expected(audience->value);
    }
  } else if (auto client = claims.FindMember("client_id"); client != claims.MemberEnd()) {
    audience_ok = expected(client->value);  // Cognito access tokens carry client_id instead of aud
  }
  if (!audience_ok) refuse(JwtFailure::kWrongAudience, "the token is not meant for this API (aud)");

  RequestAuthorizer authorizer;
  for (const auto& member : claims.GetObject()) {
    if (member.value.IsNull()) continue;
    authorizer.claims.emplace(std::string(member.name.GetString(), member.name.GetStringLength()),
                              claim_text(member.value));
  }
  authorizer.principal_id = std::string(authorizer.claim("sub").value_or(""));
  authorizer.scopes = scopes_of(authorizer.claims);
  return authorizer;
}

std::vector<std::string> scopes_of(const std::map<std::string, std::string, std::less<>>& claims) {
  std::vector<std::string> scopes;
  if (auto scope = claims.find("scope"); scope != claims.end()) {
    split_scopes(scope->second, scopes);
  } else if (auto scp = claims.find("scp"); scp != claims.end()) {
    rapidjson::Document list;
    list.Parse(scp->second.data(), scp->second.size());
    if (!list.HasParseError() && list.IsArray()) {
      for (const auto& each : list.GetArray()) {
        if (each.IsString()) scopes.emplace_back(each.GetString(), each.GetStringLength());
      }
    } else {
      split_scopes(scp->second, scopes);  // a plain string
    }
  }
  return scopes;
}

std::string_view bearer_token(std::string_view authorization) {
  auto trim = [](std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
  };
  authorization = trim(authorization);
  auto is_scheme_only = [](std::string_view text) {
    return text.size() == 6 && std::equal(text.begin(), text.end(), "bearer", [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (is_scheme_only(authorization)) return {};
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() > kScheme.size() &&
      std::equal(kScheme.begin(), kScheme.end(), authorization.begin(),
                 [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
    authorization = trim(authorization.substr(kScheme.size()));
  }
  if (authorization.find(' ') != std::string_view::npos) return {};  // another scheme, e.g. "Basic abc"
  return authorization;
}

}  // namespace strata::auth
