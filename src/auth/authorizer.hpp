#pragma once
// The authorizers strata.json "auth" declares, ready to check requests: a JWT
// verifier or a set of API keys each, with their secrets read from where the
// project file says (an environment variable, a PEM or JWKS file, a keys file).
// Built once at start; read-only after, so any thread may check requests.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/denial.hpp"
#include "auth/jwt_verifier.hpp"
#include "core/project.hpp"
#include "strata/request.hpp"

namespace strata::auth {

// The outcome of checking one request.
struct Verdict {
  std::optional<Denial> denial;  // empty: let it through
  std::string reason;            // why it was denied, for the log
  RequestAuthorizer authorizer;  // jwt: the verified claims
  std::string api_key;           // apiKey: the accepted key, and its id
  std::string api_key_id;
};

class Authorizer {
 public:
  Authorizer(std::string name, JwtVerifier verifier);
  Authorizer(std::string name, std::vector<std::string> api_keys);

  // `authorization` and `api_key` are the request's Authorization and x-api-key headers.
  Verdict check(std::optional<std::string_view> authorization, std::optional<std::string_view> api_key,
                std::chrono::system_clock::time_point now = std::chrono::system_clock::now()) const;

  const std::string& name() const { return name_; }
  const JwtVerifier* jwt() const { return jwt_ ? &*jwt_ : nullptr; }

 private:
  std::string name_;
  std::optional<JwtVerifier> jwt_;
  std::vector<std::string> api_keys_;
};

// Where an authorizer's secret came from, said at start.
struct KeySourceOptions {
  // Local serving: an HS256 secret or API keys whose environment variable is unset come
  // from a development file in this folder (<folder>/<name>.secret or .keys, created with
  // a random value and mode 0600 on first use). Empty: an unset variable is an error.
  std::filesystem::path development_folder;
};

// The HS256 secret of a jwt authorizer with secretEnv: the variable's value, else the
// development secret (see KeySourceOptions). `origin` says which, for messages.
struct Secret {
  std::string value;
  std::string origin;  // "$BLOG_JWT_SECRET" or the development file's path
  bool development = false;
};
Secret hs256_secret(const Project& project, const AuthorizerConfig& config, const KeySourceOptions& options);

// Builds the authorizer strata.json declares. Throws ProjectError (naming the file,
// line and JSON path) for a key that cannot be read or used.
Authorizer load_authorizer(const Project& project, const AuthorizerConfig& config, const KeySourceOptions& options,
                           std::string* note = nullptr);

// The jwt authorizer named `name`, or, with `name` empty, the project's only one. Throws
// std::runtime_error naming the choices when there is none or more than one.
const AuthorizerConfig& find_jwt_authorizer(const Project& project, const std::string& name);

class AuthorizerSet {
 public:
  AuthorizerSet() = default;
  // Every authorizer of the project; `notes` gets one line per authorizer saying where its keys come from.
  AuthorizerSet(const Project& project, const KeySourceOptions& options, std::vector<std::string>* notes = nullptr);
  const Authorizer* find(std::string_view name) const;
  bool empty() const { return authorizers_.empty(); }

 private:
  std::map<std::string, Authorizer, std::less<>> authorizers_;
};

}  // namespace strata::auth
