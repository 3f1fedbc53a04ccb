#include "aws/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "core/sha256.hpp"

namespace strata::aws {
namespace {

// The headers botocore never signs.
bool unsigned_header(const std::string& name) { return name == "expect" || name == "user-agent" || name == "x-amzn-trace-id"; }

std::string hmac(const std::string& key, const std::string& message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), digest, &length);
  return std::string(reinterpret_cast<char*>(digest), length);
}

std::string hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

// URI-encodes a path, keeping '/' and the unreserved characters.
std::string encode_path(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out.empty() ? "/" : out;
}

std::string canonical_query(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  std::size_t start = 0;
  while (start <= query.size() && !query.empty()) {
    std::size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    std::size_t equals = pair.find('=');
    pairs.emplace_back(pair.substr(0, equals), equals == std::string::npos ? "" : pair.substr(equals + 1));
    start = end + 1;
  }
  std::sort(pairs.begin(), pairs.end());
  std::string out;
  for (const auto& [key, value] : pairs) out += (out.empty() ? "" : "&") + key + "=" + value;
  return out;
}

// Trims and collapses runs of whitespace to one space (SigV4's Trimall).
std::string trim_all(const std::string& value) {
  std::string out;
  bool space = false;
  for (char c : value) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
    } else {
      if (space) out += ' ';
      out += c;
      space = false;
    }
  }
  return out;
}

std::string format_time(std::chrono::system_clock::time_point time, const char* pattern) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[32];
  std::strftime(text, sizeof text, pattern, &parts);
  return text;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> sign(const SigningRequest& request, const Credentials& credentials,
                                                      const std::string& region, const std::string& service,
                                                      std::chrono::system_clock::time_point time) {
  std::string amz_date = format_time(time, "%Y%m%dT%H%M%SZ");
  std::string date = amz_date.substr(0, 8);
  std::vector<std::pair<std::string, std::string>> added{{"X-Amz-Date", amz_date}};
  if (!credentials.session_token.empty()) added.emplace_back("X-Amz-Security-Token", credentials.session_token);

  // Lower-case names, values of a repeated name joined by commas, sorted.
  std::map<std::string, std::vector<std::string>> headers;
  auto add = [&headers](const std::string& name, const std::string& value) {
    std::string lower(name);
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (!unsigned_header(lower)) headers[lower].push_back(trim_all(value));
  };
  for (const auto& [name, value] : request.headers) add(name, value);
  for (const auto& [name, value] : added) add(name, value);

  std::string canonical_headers, signed_headers;
  for (const auto& [name, values] : headers) {
    std::string joined;
    for (const std::string& value : values) joined += (joined.empty() ? "" : ",") + value;
    canonical_headers += name + ":" + joined + "\n";
    signed_headers += (signed_headers.empty() ? "" : ";") + name;
  }
  // The request line carries the path encoded once; every service but S3 signs it
  // encoded once more, as botocore does.
  std::string canonical_path = service == "s3" ? encode_path(request.path) : encode_path(encode_path(request.path));
  std::string canonical_request = request.method + "\n" + canonical_path + "\n" +
                                  canonical_query(request.query) + "\n" + canonical_headers + "\n" + signed_headers +
                                  "\n" + sha256_hex(request.payload);
  std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  std::string string_to_sign = "AWS4-HMAC-SHA256\n" + amz_date + "\n" + scope + "\n" + sha256_hex(canonical_request);
  std::string key = hmac(hmac(hmac(hmac("AWS4" + credentials.secret_access_key, date), region), service), "aws4_request");
  std::string signature = hex(hmac(key, string_to_sign));
  added.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
                                          ", SignedHeaders=" + signed_headers + ", Signature=" + signature);
  return added;
}

}  // namespace strata::aws
