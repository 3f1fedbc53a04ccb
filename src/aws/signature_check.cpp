#include "aws/signature_check.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>

#include "aws/sigv4.hpp"
#include "core/percent_decode.hpp"

namespace strata::aws {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), ::tolower);
  return text;
}

std::string between(const std::string& text, const std::string& start, char end) {
  std::size_t at = text.find(start);
  if (at == std::string::npos) return {};
  at += start.size();
  return text.substr(at, text.find(end, at) - at);
}

std::optional<std::chrono::system_clock::time_point> parse_amz_date(const std::string& text) {
  std::tm parts{};
  if (text.size() != 16 || !strptime(text.c_str(), "%Y%m%dT%H%M%SZ", &parts)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(timegm(&parts));
}

}  // namespace

std::optional<SignatureFailure> check_signature(const std::string& method, const std::string& target,
                                                const std::vector<std::pair<std::string, std::string>>& headers,
                                                const std::string& body,
                                                const std::map<std::string, std::string>& secrets_by_key) {
  auto header = [&headers](const std::string& name) -> std::optional<std::string> {
    for (const auto& [key, value] : headers) {
      if (lower(key) == name) return value;
    }
    return std::nullopt;
  };
  auto authorization = header("authorization");
  if (!authorization || !authorization->starts_with("AWS4-HMAC-SHA256 ")) {
    return SignatureFailure{"MissingAuthenticationTokenException", "Missing Authentication Token"};
  }
  // Credential=KEY/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=HEX
  std::string credential = between(*authorization, "Credential=", ',');
  std::string signed_headers = between(*authorization, "SignedHeaders=", ',');
  std::vector<std::string> scope;
  for (std::size_t start = 0; start <= credential.size();) {
    std::size_t end = credential.find('/', start);
    if (end == std::string::npos) end = credential.size();
    scope.push_back(credential.substr(start, end - start));
    start = end + 1;
  }
  if (scope.size() != 5 || signed_headers.empty()) {
    return SignatureFailure{"InvalidSignatureException", "Authorization header requires Credential and SignedHeaders"};
  }
  auto secret = secrets_by_key.find(scope[0]);
  if (secret == secrets_by_key.end()) {
    return SignatureFailure{"UnrecognizedClientException", "The security token included in the request is invalid."};
  }
  auto amz_date = header("x-amz-date");
  auto time = amz_date ? parse_amz_date(*amz_date) : std::nullopt;
  if (!time) return SignatureFailure{"InvalidSignatureException", "X-Amz-Date is missing or malformed"};
  auto skew = std::chrono::system_clock::now() - *time;
  if (skew > std::chrono::minutes(15) || skew < -std::chrono::minutes(15)) {
    return SignatureFailure{"InvalidSignatureException", "Signature expired: " + *amz_date + " is more than 15 minutes away"};
  }

  SigningRequest request;
  request.method = method;
  std::string path = target.substr(0, target.find('?'));
  request.path = percent_decode(path, false).value_or(path);
  request.query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
  request.payload = body;
  std::string listed = signed_headers + ";";
  for (const auto& [name, value] : headers) {
    std::string key = lower(name);
    // sign() adds these two itself, from the time and the token.
    if (key == "x-amz-date" || key == "x-amz-security-token") continue;
    if (listed.find(key + ";") == 0 || listed.find(";" + key + ";") != std::string::npos) request.headers.emplace_back(name, value);
  }
  Credentials credentials{scope[0], secret->second, header("x-amz-security-token").value_or("")};
  std::string expected;
  for (const auto& [name, value] : sign(request, credentials, scope[2], scope[3], *time)) {
    if (name == "Authorization") expected = value;
  }
  if (expected != *authorization) {
    return SignatureFailure{"InvalidSignatureException",
                            "The request signature we calculated does not match the signature you provided."};
  }
  return std::nullopt;
}

}  // namespace strata::aws
