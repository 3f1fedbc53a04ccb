#pragma once
// The standard AWS credential chain and region lookup, as the SDKs and the CLI
// resolve them: environment variables, then the shared credentials and config
// files for AWS_PROFILE (or "default").
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

#include "aws/sigv4.hpp"

namespace strata::aws {

class CredentialsError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws CredentialsError saying where it looked when nothing has keys.
Credentials resolve_credentials();
// Every profile of a shared-credentials file (INI, as ~/.aws/credentials): access
// key id -> secret access key. Throws CredentialsError when the file cannot be read.
std::map<std::string, std::string> read_access_keys(const std::string& path);

// AWS_REGION, AWS_DEFAULT_REGION, then the profile's region in the config file.
std::optional<std::string> resolve_region();

}  // namespace strata::aws
