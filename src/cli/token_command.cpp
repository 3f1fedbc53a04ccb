#include "cli/token_command.hpp"

#include <rapidjson/document.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>

#include "auth/authorizer.hpp"
#include "auth/jwt_signer.hpp"
#include "cli/exit_codes.hpp"
#include "strata/json.hpp"

namespace strata::cli {
namespace {

struct TokenOptions {
  std::string authorizer;
  std::string subject = "developer";
  long long ttl_seconds = 3600;
  std::vector<std::string> claims;  // k=v
  std::string private_key_file;
  std::string kid;
};

// "k=v": v as JSON when it is a JSON number, boolean, array or object, else as a string.
void write_claim(json::Writer& writer, const std::string& claim) {
  std::size_t equals = claim.find('=');
  if (equals == std::string::npos || equals == 0) throw CLI::ValidationError("--claim", "expected NAME=VALUE, got " + claim);
  std::string name = claim.substr(0, equals), value = claim.substr(equals + 1);
  writer.Key(name.c_str(), static_cast<rapidjson::SizeType>(name.size()));
  rapidjson::Document parsed;
  parsed.Parse(value.c_str(), value.size());
  if (!parsed.HasParseError() && !parsed.IsString() && !parsed.IsNull()) {
    parsed.Accept(writer);
  } else {
    writer.String(value.c_str(), static_cast<rapidjson::SizeType>(value.size()));
  }
}

int mint(const AppEnvironment& environment, const TokenOptions& options) {
  // Only strata.json is needed: no database, no function check.
  Project project = load_project(environment.app_directory);
  const AuthorizerConfig& config = auth::find_jwt_authorizer(project, options.authorizer);
  auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("iss");
  writer.String(config.issuer.c_str());
  writer.Key("aud");
  if (config.audiences.size() == 1) {
    writer.String(config.audiences[0].c_str());
  } else {
    writer.StartArray();
    for (const auto& audience : config.audiences) writer.String(audience.c_str());
    writer.EndArray();
  }
  writer.Key("sub");
  writer.String(options.subject.c_str());
  writer.Key("iat");
  writer.Int64(now);
  writer.Key("exp");
  writer.Int64(now + options.ttl_seconds);
  for (const auto& claim : options.claims) write_claim(writer, claim);
  writer.EndObject();
  std::string claims(buffer.GetString(), buffer.GetSize());

  if (!config.secret_env.empty()) {
    auth::Secret secret = auth::hs256_secret(project, config, auth::KeySourceOptions{development_auth_folder(project)});
    if (secret.development) std::cerr << "token: signed with the development secret in " << secret.origin << '\n';
    std::cout << auth::sign_hs256(claims, secret.value) << std::endl;
    return kExitOk;
  }
  if (options.private_key_file.empty()) {
    throw std::runtime_error("token: authorizer '" + config.name + "' checks RS256 tokens against a public key; give the "
                             "matching private key with --private-key FILE (or get a token from your identity provider)");
  }
  std::ifstream in(options.private_key_file, std::ios::binary);
  if (!in) throw std::runtime_error("token: cannot read " + options.private_key_file);
  std::stringstream pem;
  pem << in.rdbuf();
  std::cout << auth::sign_rs256(claims, pem.str(), options.kid) << std::endl;
  return kExitOk;
}

}  // namespace

void add_token_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  auto options = std::make_shared<TokenOptions>();
  CLI::App* command = app.add_subcommand(
      "token", "Print a JWT that the app's jwt authorizer accepts (HS256 with its secret: $secretEnv, else the "
               "development secret serve uses), for calling protected routes locally");
  command->fallthrough();
  command->add_option("--authorizer", options->authorizer, "The authorizer's name in strata.json \"auth\" (default: the only jwt one)");
  command->add_option("--sub", options->subject, "The token's subject (sub)")->capture_default_str();
  command->add_option("--ttl", options->ttl_seconds, "Seconds until it expires (exp); negative gives an expired token")
      ->capture_default_str();
  command->add_option("--claim", options->claims, "Another claim, NAME=VALUE (VALUE as JSON when it is a number, "
                                                   "boolean, array or object); repeatable");
  command->add_option("--private-key", options->private_key_file, "RS256: the RSA private key (PEM) to sign with")
      ->check(CLI::ExistingFile);
  command->add_option("--kid", options->kid, "RS256: the key id to put in the header");
  command->callback([&environment, &exit_code, options] { exit_code = mint(environment, *options); });
}

}  // namespace strata::cli
