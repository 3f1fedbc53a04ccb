// JWT verification as the gateway and __authorize use it: signatures (HS256, and RS256
// with a key the openssl command generates here), time claims, issuer, audience, and
// the tokens an attacker sends (alg none, algorithm confusion, malformed parts).
#include "auth/jwt_verifier.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "auth/jwt_signer.hpp"
#include "auth/lambda_authorizer.hpp"
#include "core/base64.hpp"
#include "temp_folder.hpp"

namespace strata::auth {
namespace {

using Clock = std::chrono::system_clock;

const Clock::time_point kNow = Clock::time_point(std::chrono::seconds(1'800'000'000));
constexpr const char* kSecret = "a-test-secret-of-more-than-32-bytes!!";

JwtChecks checks() { return {"https://issuer.example", {"blog", "admin"}, std::chrono::seconds(30)}; }

std::string claims(const std::string& extra = "", long long exp_offset = 600) {
  std::string text = "{\"iss\":\"https://issuer.example\",\"aud\":\"blog\",\"sub\":\"user-1\",\"exp\":" +
                     std::to_string(1'800'000'000LL + exp_offset);
  return text + extra + "}";
}

JwtFailure failure_of(const JwtVerifier& verifier, const std::string& token, Clock::time_point now = kNow) {
  try {
    verifier.verify(token, now);
  } catch (const JwtError& error) {
    return error.failure();
  }
  ADD_FAILURE() << "the token was accepted: " << token;
  return JwtFailure::kMalformed;
}

std::string b64(std::string_view text) { return base64::encode_url(text); }

TEST(Base64Url, RoundTripsWithoutPadding) {
  for (std::string text : {"", "f", "fo", "foo", "foob", "\xff\xfe\xfd"}) {
    std::string encoded = base64::encode_url(text);
    EXPECT_EQ(encoded.find_first_of("+/="), std::string::npos) << encoded;
    EXPECT_EQ(base64::decode_url(encoded), text);
  }
  EXPECT_FALSE(base64::decode_url("a"));         // a length no encoding gives
  EXPECT_FALSE(base64::decode_url("ab+/"));      // the standard alphabet's characters
  EXPECT_FALSE(base64::decode_url("YQ=="));      // padding
}

TEST(JwtVerifier, AcceptsAGoodHs256TokenAndKeepsItsClaims) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  auto authorizer = verifier.verify(sign_hs256(claims(",\"admin\":true,\"n\":7,\"groups\":[\"a\",\"b\"],\"scope\":\"read write\""), kSecret), kNow);
  EXPECT_EQ(authorizer.principal_id, "user-1");
  EXPECT_EQ(authorizer.claim("iss"), "https://issuer.example");
  EXPECT_EQ(authorizer.claim("admin"), "true");
  EXPECT_EQ(authorizer.claim("n"), "7");
  EXPECT_EQ(authorizer.claim("groups"), "[\"a\",\"b\"]");
  EXPECT_EQ(authorizer.scopes, (std::vector<std::string>{"read", "write"}));
}

TEST(JwtVerifier, AudienceMayBeAnArrayOrCognitosClientId) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string array = "{\"iss\":\"https://issuer.example\",\"aud\":[\"other\",\"admin\"],\"exp\":1800000600}";
  EXPECT_NO_THROW(verifier.verify(sign_hs256(array, kSecret), kNow));
  std::string client = "{\"iss\":\"https://issuer.example\",\"client_id\":\"blog\",\"exp\":1800000600}";
  EXPECT_NO_THROW(verifier.verify(sign_hs256(client, kSecret), kNow));
  std::string none_ok = "{\"iss\":\"https://issuer.example\",\"aud\":[\"other\"],\"exp\":1800000600}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(none_ok, kSecret)), JwtFailure::kWrongAudience);
}

TEST(JwtVerifier, RefusesAnExpiredTokenPastTheLeeway) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  EXPECT_NO_THROW(verifier.verify(sign_hs256(claims("", -10), kSecret), kNow));  // within the 30 s leeway
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims("", -31), kSecret)), JwtFailure::kExpired);
}

TEST(JwtVerifier, RefusesATokenWithoutExpiry) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string no_exp = "{\"iss\":\"https://issuer.example\",\"aud\":\"blog\"}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(no_exp, kSecret)), JwtFailure::kMalformed);
  std::string text_exp = "{\"iss\":\"https://issuer.example\",\"aud\":\"blog\",\"exp\":\"soon\"}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(text_exp, kSecret)), JwtFailure::kMalformed);
}

TEST(JwtVerifier, RefusesATokenNotYetValid) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims(",\"nbf\":1800000100"), kSecret)), JwtFailure::kNotYetValid);
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims(",\"iat\":1800000100"), kSecret)), JwtFailure::kNotYetValid);
  EXPECT_NO_THROW(verifier.verify(sign_hs256(claims(",\"nbf\":1800000020,\"iat\":1799999000"), kSecret), kNow));
}

TEST(JwtVerifier, RefusesAWrongIssuerOrAudience) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string issuer = "{\"iss\":\"https://issuer.example/\",\"aud\":\"blog\",\"exp\":1800000600}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(issuer, kSecret)), JwtFailure::kWrongIssuer);
  std::string no_issuer = "{\"aud\":\"blog\",\"exp\":1800000600}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(no_issuer, kSecret)), JwtFailure::kWrongIssuer);
  std::string audience = "{\"iss\":\"https://issuer.example\",\"aud\":\"blogs\",\"exp\":1800000600}";
  EXPECT_EQ(failure_of(verifier, sign_hs256(audience, kSecret)), JwtFailure::kWrongAudience);
}

TEST(JwtVerifier, RefusesABadSignature) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims(), "another-secret")), JwtFailure::kBadSignature);
  // The claims changed after signing: a longer expiry.
  std::string token = sign_hs256(claims(), kSecret);
  std::size_t first = token.find('.'), second = token.rfind('.');
  std::string forged = token.substr(0, first + 1) + b64(claims("", 999999)) + token.substr(second);
  EXPECT_EQ(failure_of(verifier, forged), JwtFailure::kBadSignature);
  EXPECT_EQ(failure_of(verifier, token.substr(0, second + 1)), JwtFailure::kBadSignature);  // no signature
}

TEST(JwtVerifier, RefusesAlgNone) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string unsigned_token = b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(claims()) + ".";
  EXPECT_EQ(failure_of(verifier, unsigned_token), JwtFailure::kAlgorithmNotAllowed);
  std::string upper = b64("{\"alg\":\"NONE\"}") + "." + b64(claims()) + ".";
  EXPECT_EQ(failure_of(verifier, upper), JwtFailure::kAlgorithmNotAllowed);
  std::string missing = b64("{\"typ\":\"JWT\"}") + "." + b64(claims()) + ".";
  EXPECT_EQ(failure_of(verifier, missing), JwtFailure::kAlgorithmNotAllowed);
}

TEST(JwtVerifier, RefusesMalformedTokens) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string good = sign_hs256(claims(), kSecret);
  std::string header = good.substr(0, good.find('.'));
  for (const std::string& token : {std::string(""), std::string("abc"), std::string("a.b"), good + ".d", std::string(".."),
                                   b64("{not json") + "." + b64(claims()) + ".c2ln",   // header not JSON
                                   b64("[1,2]") + "." + b64(claims()) + ".c2ln",       // header not an object
                                   header + "." + b64(claims()) + ".a*b"}) {          // signature not base64url
    EXPECT_EQ(failure_of(verifier, token), JwtFailure::kMalformed) << token;
  }
  // Correctly signed, but the payload is not a JSON object.
  EXPECT_EQ(failure_of(verifier, sign_hs256("not json", kSecret)), JwtFailure::kMalformed);
  EXPECT_EQ(failure_of(verifier, sign_hs256("[\"array\"]", kSecret)), JwtFailure::kMalformed);
  // A second "exp" after the first: which one counts is ambiguous, so neither does.
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims(",\"exp\":9999999999"), kSecret)), JwtFailure::kMalformed);
  // A payload that is not base64url under another token's signature: refused at the signature.
  EXPECT_EQ(failure_of(verifier, header + ".!!!." + good.substr(good.rfind('.') + 1)), JwtFailure::kBadSignature);
}

TEST(JwtVerifier, RefusesCriticalHeaderExtensions) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  EXPECT_EQ(failure_of(verifier, b64("{\"alg\":\"HS256\",\"crit\":[\"exp\"]}") + "." + b64(claims()) + ".c2ln"),
            JwtFailure::kMalformed);
}

TEST(BearerToken, TakesTheTokenOfABearerHeader) {
  EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
  EXPECT_EQ(bearer_token("bearer   abc.def.ghi "), "abc.def.ghi");
  EXPECT_EQ(bearer_token("abc.def.ghi"), "abc.def.ghi");  // HTTP APIs take a bare token too
  EXPECT_EQ(bearer_token("Basic dXNlcjpwYXNz"), "");
  EXPECT_EQ(bearer_token("Bearer "), "");
  EXPECT_EQ(bearer_token(""), "");
}

// RS256 with a key pair the openssl command makes, as a user would.
class Rs256 : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = new testing::TempFolder();
    std::string dir = folder_->path().string();
    std::string command = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + dir +
                          "/private.pem 2>/dev/null && openssl pkey -in " + dir + "/private.pem -pubout -out " + dir +
                          "/public.pem && openssl rsa -pubin -in " + dir + "/public.pem -noout -modulus > " + dir +
                          "/modulus.txt 2>/dev/null";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    private_pem_ = new std::string(read("private.pem"));
    public_pem_ = new std::string(read("public.pem"));
    std::string modulus = read("modulus.txt");  // Modulus=HEX
    modulus = modulus.substr(modulus.find('=') + 1);
    while (!modulus.empty() && !std::isxdigit(static_cast<unsigned char>(modulus.back()))) modulus.pop_back();
    std::string bytes;
    for (std::size_t i = 0; i + 1 < modulus.size(); i += 2) {
      bytes += static_cast<char>(std::stoi(modulus.substr(i, 2), nullptr, 16));
    }
    modulus_ = new std::string(base64::encode_url(bytes));
  }
  static void TearDownTestSuite() {
    delete folder_;
    delete private_pem_;
    delete public_pem_;
    delete modulus_;
  }
  static std::string read(const std::string& name) {
    std::ifstream in(folder_->path() / name);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static std::string jwks(const std::string& kid) {
    return "{\"keys\":[{\"kty\":\"EC\",\"kid\":\"ec\",\"crv\":\"P-256\"},{\"kty\":\"RSA\",\"use\":\"sig\",\"alg\":\"RS256\","
           "\"kid\":\"" + kid + "\",\"n\":\"" + *modulus_ + "\",\"e\":\"AQAB\"}]}";
  }

  static testing::TempFolder* folder_;
  static std::string* private_pem_;
  static std::string* public_pem_;
  static std::string* modulus_;
};

testing::TempFolder* Rs256::folder_ = nullptr;
std::string* Rs256::private_pem_ = nullptr;
std::string* Rs256::public_pem_ = nullptr;
std::string* Rs256::modulus_ = nullptr;

TEST_F(Rs256, AcceptsATokenSignedWithThePrivateKey) {
  auto verifier = JwtVerifier::rs256_pem(*public_pem_, checks());
  EXPECT_STREQ(verifier.algorithm(), "RS256");
  EXPECT_EQ(verifier.verify(sign_rs256(claims(), *private_pem_), kNow).principal_id, "user-1");
}

TEST_F(Rs256, AcceptsATokenAgainstAJwksByKid) {
  auto verifier = JwtVerifier::rs256_jwks(jwks("key-1"), checks());
  EXPECT_NO_THROW(verifier.verify(sign_rs256(claims(), *private_pem_, "key-1"), kNow));
  EXPECT_NO_THROW(verifier.verify(sign_rs256(claims(), *private_pem_), kNow));  // no kid: every key is tried
  EXPECT_EQ(failure_of(verifier, sign_rs256(claims(), *private_pem_, "key-2")), JwtFailure::kUnknownKey);
}

TEST_F(Rs256, RefusesAnotherKeysSignatureAndExpiredTokens) {
  testing::TempFolder other;
  std::string command = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                        (other.path() / "other.pem").string() + " 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0);
  std::ifstream in(other.path() / "other.pem");
  std::stringstream other_pem;
  other_pem << in.rdbuf();
  auto verifier = JwtVerifier::rs256_pem(*public_pem_, checks());
  EXPECT_EQ(failure_of(verifier, sign_rs256(claims(), other_pem.str())), JwtFailure::kBadSignature);
  EXPECT_EQ(failure_of(verifier, sign_rs256(claims("", -3600), *private_pem_)), JwtFailure::kExpired);
}

// The algorithm-confusion attack: an HS256 token whose HMAC key is the RSA public key's
// PEM text, which a verifier that trusts the header's "alg" would accept.
TEST_F(Rs256, RefusesAnHs256TokenKeyedWithThePublicKey) {
  auto verifier = JwtVerifier::rs256_pem(*public_pem_, checks());
  EXPECT_EQ(failure_of(verifier, sign_hs256(claims(), *public_pem_)), JwtFailure::kAlgorithmNotAllowed);
  auto hs_verifier = JwtVerifier::hs256(kSecret, checks());
  EXPECT_EQ(failure_of(hs_verifier, sign_rs256(claims(), *private_pem_)), JwtFailure::kAlgorithmNotAllowed);
}

TEST_F(Rs256, RefusesKeysThatAreNotRsaPublicKeys) {
  EXPECT_THROW(JwtVerifier::rs256_pem("not a pem", checks()), JwtKeyError);
  EXPECT_THROW(JwtVerifier::rs256_jwks("{\"keys\":[]}", checks()), JwtKeyError);
  EXPECT_THROW(JwtVerifier::rs256_jwks("{\"keys\":[{\"kty\":\"RSA\",\"n\":\"AQAB\",\"e\":\"AQAB\"}]}", checks()),
               JwtKeyError);  // a 17-bit modulus
  EXPECT_THROW(JwtVerifier::rs256_jwks("[]", checks()), JwtKeyError);
  EXPECT_THROW(JwtVerifier::hs256("", checks()), JwtKeyError);
}

// __authorize, the Lambda TOKEN authorizer, on the same verifier.
TEST(LambdaAuthorizer, AnswersAPolicyWithTheClaimsAsContext) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string event = "{\"type\":\"TOKEN\",\"authorizationToken\":\"Bearer " + sign_hs256(claims(",\"n\":7"), kSecret) +
                      "\",\"methodArn\":\"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/POST/posts\"}";
  std::string answer = authorize_token_event(event, verifier, kNow);
  EXPECT_NE(answer.find("\"principalId\":\"user-1\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"Effect\":\"Allow\""), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"Resource\":\"arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*/*\""), std::string::npos)
      << answer;
  EXPECT_NE(answer.find("\"context\":{"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"n\":\"7\""), std::string::npos) << answer;  // context values are strings
}

TEST(LambdaAuthorizer, SignalsUnauthorizedForMissingOrRefusedTokens) {
  auto verifier = JwtVerifier::hs256(kSecret, checks());
  std::string why;
  for (const std::string& token : {std::string(""), std::string("Bearer "), "Bearer " + sign_hs256(claims("", -100), kSecret),
                                   "Bearer " + sign_hs256(claims(), "wrong")}) {
    std::string event = "{\"type\":\"TOKEN\",\"authorizationToken\":\"" + token + "\",\"methodArn\":\"arn:x\"}";
    try {
      authorize_token_event(event, verifier, kNow, &why);
      ADD_FAILURE() << "accepted " << token;
    } catch (const Unauthorized& error) {
      EXPECT_STREQ(error.what(), "Unauthorized");
      EXPECT_FALSE(why.empty());
    }
  }
  EXPECT_THROW(authorize_token_event("{}", verifier, kNow), Unauthorized);
  EXPECT_THROW(authorize_token_event("not json", verifier, kNow), Unauthorized);
}

TEST(LambdaAuthorizer, ReadsItsSettingsFromTheEnvironment) {
  std::map<std::string, std::string> variables{{"STRATA_AUTH_ISSUER", "https://issuer.example"},
                                               {"STRATA_AUTH_AUDIENCE", "other, blog"},
                                               {"STRATA_AUTH_SECRET", kSecret}};
  auto lookup = [&variables](const char* name) -> const char* {
    auto found = variables.find(name);
    return found == variables.end() ? nullptr : found->second.c_str();
  };
  auto verifier = verifier_from_environment(lookup);
  EXPECT_EQ(verifier.checks().audiences, (std::vector<std::string>{"other", "blog"}));
  EXPECT_NO_THROW(verifier.verify(sign_hs256(claims(), kSecret), kNow));
  variables["STRATA_AUTH_JWKS"] = "{}";
  EXPECT_THROW(verifier_from_environment(lookup), std::runtime_error);  // two key sources
  variables.erase("STRATA_AUTH_JWKS");
  variables.erase("STRATA_AUTH_ISSUER");
  EXPECT_THROW(verifier_from_environment(lookup), std::runtime_error);
}

}  // namespace
}  // namespace strata::auth
