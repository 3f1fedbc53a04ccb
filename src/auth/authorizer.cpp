#include "auth/authorizer.hpp"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "core/base64.hpp"
#include "core/json_locator.hpp"
#include "core/sha256.hpp"
#include "core/split.hpp"

namespace strata::auth {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void config_error(const Project& project, const AuthorizerConfig& config, const std::string& field,
                               const std::string& message) {
  std::string path = field.empty() ? config.json_path : json_locator::member_path(config.json_path, field);
  std::string where = project.file.string();
  if (auto line = json_locator::line_of(project.source, path)) where += ":" + std::to_string(*line);
  throw ProjectError(where + ": " + path + ": " + message);
}

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return std::string(text);
}

// Non-empty trimmed entries of `text` split at any of `separators`, but for # comments.
std::vector<std::string> split_keys(std::string_view text, const char* separators) {
  std::vector<std::string> keys = split_trimmed(text, separators);
  std::erase_if(keys, [](const std::string& key) { return key[0] == '#'; });
  return keys;
}

std::optional<std::string> environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value || !*value) return std::nullopt;
  return std::string(value);
}

// A random value kept in `file` (created 0600 on first use): the same across runs, so
// tokens minted by `APP token` keep working with the next `serve`.
std::string development_value(const fs::path& file) {
  std::error_code ignored;
  fs::create_directories(file.parent_path(), ignored);
  ::chmod(file.parent_path().c_str(), 0700);
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw std::runtime_error("no random bytes for a development secret");
  std::string value = base64::encode_url(std::string_view(reinterpret_cast<const char*>(bytes), sizeof bytes));
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd >= 0) {
    std::string line = value + "\n";
    bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write " + file.string());
    return value;
  }
  if (errno != EEXIST) throw std::runtime_error("cannot create " + file.string() + ": " + std::strerror(errno));
  auto existing = read_file(file);
  std::string kept = existing ? trimmed(*existing) : "";
  if (kept.empty()) throw std::runtime_error(file.string() + " is empty: delete it to get a new development secret");
  return kept;
}

std::string key_id(std::string_view key) { return sha256_hex(key).substr(0, 10); }

}  // namespace

Authorizer::Authorizer(std::string name, JwtVerifier verifier) : name_(std::move(name)), jwt_(std::move(verifier)) {}
Authorizer::Authorizer(std::string name, std::vector<std::string> api_keys)
    : name_(std::move(name)), api_keys_(std::move(api_keys)) {}

Verdict Authorizer::check(std::optional<std::string_view> authorization, std::optional<std::string_view> api_key,
                          std::chrono::system_clock::time_point now) const {
  Verdict verdict;
  if (jwt_) {
    std::string_view token = authorization ? bearer_token(*authorization) : std::string_view();
    if (token.empty()) {
      verdict.denial = Denial::kNoToken;
      verdict.reason = authorization ? "the Authorization header holds no bearer token" : "no Authorization header";
      return verdict;
    }
    try {
      verdict.authorizer = jwt_->verify(token, now);
    } catch (const JwtError& error) {
      verdict.denial = Denial::kBadToken;
      verdict.reason = error.what();
    }
    return verdict;
  }
  if (!api_key || api_key->empty()) {
    verdict.denial = Denial::kNoApiKey;
    verdict.reason = "no x-api-key header";
    return verdict;
  }
  // Compares every key in constant time, so the answer's timing says nothing of how close a guess was.
  bool known = false;
  for (const std::string& key : api_keys_) {
    known |= key.size() == api_key->size() && CRYPTO_memcmp(key.data(), api_key->data(), key.size()) == 0;
  }
  if (!known) {
    verdict.denial = Denial::kBadApiKey;
    verdict.reason = "the x-api-key is not one of the keys";
    return verdict;
  }
  verdict.api_key = std::string(*api_key);
  verdict.api_key_id = key_id(*api_key);
  return verdict;
}

Secret hs256_secret(const Project& project, const AuthorizerConfig& config, const KeySourceOptions& options) {
  if (auto value = environment(config.secret_env)) return {*value, "$" + config.secret_env, false};
  if (options.development_folder.empty()) {
    config_error(project, config, "secretEnv", "the environment variable " + config.secret_env +
                                                   " that holds the HS256 secret is not set");
  }
  fs::path file = options.development_folder / (config.name + ".secret");
  return {development_value(file), file.string(), true};
}

Authorizer load_authorizer(const Project& project, const AuthorizerConfig& config, const KeySourceOptions& options,
                           std::string* note) {
  std::string said;
  auto say = [&](const std::string& text) { said = "auth " + config.name + ": " + text; };
  if (config.type == AuthorizerConfig::Type::kApiKey) {
    std::vector<std::string> keys;
    if (!config.keys_file.empty()) {
      auto text = read_file(config.keys_file);
      if (!text) config_error(project, config, "keysFile", "cannot read " + config.keys_file.string());
      keys = split_keys(*text, "\n");
      say("x-api-key, " + std::to_string(keys.size()) + " keys from " + config.keys_file.string());
    } else if (auto value = environment(config.keys_env)) {
      keys = split_keys(*value, ",");
      say("x-api-key, " + std::to_string(keys.size()) + " keys from $" + config.keys_env);
    } else if (!options.development_folder.empty()) {
      fs::path file = options.development_folder / (config.name + ".keys");
      keys = {development_value(file)};
      say("$" + config.keys_env + " is not set; using the development key in " + file.string() +
          " (send it as x-api-key)");
    } else {
      config_error(project, config, "keysEnv", "the environment variable " + config.keys_env + " is not set");
    }
    if (keys.empty()) config_error(project, config, "", "the API key source holds no key");
    if (note) *note = said;
    return Authorizer(config.name, std::move(keys));
  }

  JwtChecks checks{config.issuer, config.audiences, std::chrono::seconds(config.leeway_seconds)};
  try {
    if (!config.secret_env.empty()) {
      Secret secret = hs256_secret(project, config, options);
      say(secret.development ? "$" + config.secret_env + " is not set; HS256 tokens are checked with the development "
                                   "secret in " + secret.origin + " (mint one with `" + project.name + " token`)"
                             : "HS256 tokens, secret from " + secret.origin);
      // RFC 7518 section 3.2: an HS256 key must have at least 256 bits; a shorter one can be guessed offline.
      if (secret.value.size() < 32) said += "; warning: the secret is shorter than the 32 bytes HS256 needs";
      if (note) *note = said;
      return Authorizer(config.name, JwtVerifier::hs256(std::move(secret.value), std::move(checks)));
    }
    const fs::path& file = config.public_key_file.empty() ? config.jwks_file : config.public_key_file;
    const char* field = config.public_key_file.empty() ? "jwksFile" : "publicKeyFile";
    auto text = read_file(file);
    if (!text) config_error(project, config, field, "cannot read " + file.string());
    say("RS256 tokens, key from " + file.string());
    if (note) *note = said;
    return Authorizer(config.name, config.public_key_file.empty() ? JwtVerifier::rs256_jwks(*text, std::move(checks))
                                                                  : JwtVerifier::rs256_pem(*text, std::move(checks)));
  } catch (const JwtKeyError& error) {
    config_error(project, config, config.public_key_file.empty() ? (config.jwks_file.empty() ? "secretEnv" : "jwksFile")
                                                                 : "publicKeyFile",
                 error.what());
  }
}

const AuthorizerConfig& find_jwt_authorizer(const Project& project, const std::string& name) {
  std::string names;
  const AuthorizerConfig* only = nullptr;
  int count = 0;
  for (const auto& [each, config] : project.authorizers) {
    if (config.type != AuthorizerConfig::Type::kJwt) continue;
    names += (names.empty() ? "" : ", ") + each;
    only = &config;
    ++count;
  }
  if (!name.empty()) {
    auto found = project.authorizers.find(name);
    if (found == project.authorizers.end() || found->second.type != AuthorizerConfig::Type::kJwt) {
      throw std::runtime_error(project.file.string() + " declares no jwt authorizer named '" + name + "'" +
                               (names.empty() ? "" : " (it has: " + names + ")"));
    }
    return found->second;
  }
  if (count == 0) throw std::runtime_error(project.file.string() + " declares no jwt authorizer in \"auth\"");
  if (count > 1) throw std::runtime_error("several jwt authorizers (" + names + "): pick one with --authorizer");
  return *only;
}

AuthorizerSet::AuthorizerSet(const Project& project, const KeySourceOptions& options, std::vector<std::string>* notes) {
  for (const auto& [name, config] : project.authorizers) {
    std::string note;
    authorizers_.emplace(name, load_authorizer(project, config, options, &note));
    if (notes) notes->push_back(std::move(note));
  }
}

const Authorizer* AuthorizerSet::find(std::string_view name) const {
  auto found = authorizers_.find(name);
  return found == authorizers_.end() ? nullptr : &found->second;
}

}  // namespace strata::auth
