// What the auth check adds to a protected request: verifying one token (signature,
// claims, the claims map the handler gets), HS256 and RS256 (2048-bit key).
//   strata_micro_benchmarks --benchmark_filter=Jwt
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "auth/jwt_signer.hpp"
#include "auth/jwt_verifier.hpp"

namespace {

using strata::auth::JwtChecks;
using strata::auth::JwtVerifier;

const std::string kClaims =
    R"({"iss":"https://blog.example.com","aud":"blog","sub":"bench","iat":1700000000,"exp":4102444800,"scope":"posts/write"})";

JwtChecks checks() { return {"https://blog.example.com", {"blog"}, std::chrono::seconds(30)}; }

void JwtVerifyHs256(benchmark::State& state) {
  const std::string secret = "strata-bench-secret-not-for-production-0123456789";
  JwtVerifier verifier = JwtVerifier::hs256(secret, checks());
  std::string token = strata::auth::sign_hs256(kClaims, secret);
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(token));
}
BENCHMARK(JwtVerifyHs256);

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

void JwtVerifyRs256(benchmark::State& state) {
  // A key pair from the openssl command, as a user's identity provider would have.
  std::string dir = "/tmp/strata-jwt-bench-" + std::to_string(::getpid());
  std::string command = "mkdir -p " + dir + " && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                        dir + "/k.pem 2>/dev/null && openssl pkey -in " + dir + "/k.pem -pubout -out " + dir + "/p.pem";
  if (std::system(command.c_str()) != 0) {
    state.SkipWithError("openssl could not make a key");
    return;
  }
  JwtVerifier verifier = JwtVerifier::rs256_pem(read(dir + "/p.pem"), checks());
  std::string token = strata::auth::sign_rs256(kClaims, read(dir + "/k.pem"));
  std::system(("rm -rf " + dir).c_str());
  for (auto _ : state) benchmark::DoNotOptimize(verifier.verify(token));
}
BENCHMARK(JwtVerifyRs256);

}  // namespace

BENCHMARK_MAIN();
