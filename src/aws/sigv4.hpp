#pragma once
// AWS Signature Version 4 for one HTTP request, computed as botocore's SigV4Auth
// computes it (canonical request → string to sign → HMAC-SHA256 key chain).
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace strata::aws {

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // empty unless temporary credentials
};

struct SigningRequest {
  std::string method;  // POST
  std::string path;    // /Execute, decoded (the request line sends it percent-encoded once)
  std::string query;   // a=1&b=2, as sent
  std::vector<std::pair<std::string, std::string>> headers;  // must include Host
  std::string payload;
};

// The headers to add: X-Amz-Date, X-Amz-Security-Token (with a session token)
// and Authorization. `time` is the signing time (UTC).
std::vector<std::pair<std::string, std::string>> sign(const SigningRequest& request, const Credentials& credentials,
                                                      const std::string& region, const std::string& service,
                                                      std::chrono::system_clock::time_point time);

}  // namespace strata::aws
