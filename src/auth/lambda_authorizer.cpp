#include "auth/lambda_authorizer.hpp"

#include <rapidjson/document.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "core/json_locator.hpp"

#include "core/split.hpp"
#include "strata/json.hpp"

namespace strata::auth {
namespace {

void write_string(json::Writer& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/VERB/PATH -> arn:...:API/STAGE/*/*
std::string stage_wide_resource(std::string_view method_arn) {
  std::size_t api_end = method_arn.find('/');
  std::size_t stage_end = api_end == std::string_view::npos ? api_end : method_arn.find('/', api_end + 1);
  if (stage_end == std::string_view::npos) return std::string(method_arn);
  return std::string(method_arn.substr(0, stage_end)) + "/*/*";
}

}  // namespace

JwtVerifier verifier_from_environment(const std::function<const char*(const char*)>& lookup) {
  auto get = [&](const char* name) -> std::string {
    const char* value = lookup ? lookup(name) : std::getenv(name);
    return value ? value : "";
  };
  JwtChecks checks;
  checks.issuer = get("STRATA_AUTH_ISSUER");
  checks.audiences = split_trimmed(get("STRATA_AUTH_AUDIENCE"), ",");
  if (checks.issuer.empty()) throw std::runtime_error("__authorize: STRATA_AUTH_ISSUER is not set");
  if (checks.audiences.empty()) throw std::runtime_error("__authorize: STRATA_AUTH_AUDIENCE is not set");
  if (std::string leeway = get("STRATA_AUTH_LEEWAY"); !leeway.empty()) {
    char* end = nullptr;
    long seconds = std::strtol(leeway.c_str(), &end, 10);
    if (*end != '\0' || seconds < 0 || seconds > 300) {
      throw std::runtime_error("__authorize: STRATA_AUTH_LEEWAY must be a number of seconds from 0 to 300");
    }
    checks.leeway = std::chrono::seconds(seconds);
  }
  std::string secret = get("STRATA_AUTH_SECRET"), pem = get("STRATA_AUTH_PUBLIC_KEY"), jwks = get("STRATA_AUTH_JWKS");
  if (!secret.empty() + !pem.empty() + !jwks.empty() != 1) {
    throw std::runtime_error("__authorize: set exactly one of STRATA_AUTH_SECRET (HS256), STRATA_AUTH_PUBLIC_KEY or "
                             "STRATA_AUTH_JWKS (RS256)");
  }
  try {
    if (!secret.empty()) return JwtVerifier::hs256(std::move(secret), std::move(checks));
    if (!pem.empty()) return JwtVerifier::rs256_pem(pem, std::move(checks));
    return JwtVerifier::rs256_jwks(jwks, std::move(checks));
  } catch (const JwtKeyError& error) {
    throw std::runtime_error(std::string("__authorize: ") + error.what());
  }
}

std::string authorize_token_event(std::string_view event, const JwtVerifier& verifier,
                                  std::chrono::system_clock::time_point now, std::string* why) {
  auto refuse = [why](const std::string& reason) {
    if (why) *why = reason;
    return Unauthorized();
  };
  rapidjson::Document document;
  document.Parse(event.data(), event.size());
  if (document.HasParseError() || !document.IsObject()) throw refuse("the event is not a JSON object");
  auto token = document.FindMember("authorizationToken");
  auto method_arn = document.FindMember("methodArn");
  if (token == document.MemberEnd() || !token->value.IsString()) throw refuse("the event has no authorizationToken");
  std::string arn = method_arn != document.MemberEnd() && method_arn->value.IsString() ? method_arn->value.GetString() : "*";
  std::string_view bare = bearer_token(std::string_view(token->value.GetString(), token->value.GetStringLength()));
  if (bare.empty()) throw refuse("the authorizationToken holds no bearer token");
  RequestAuthorizer claims;
  try {
    claims = verifier.verify(bare, now);
  } catch (const JwtError& error) {
    throw refuse(error.what());
  }

  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("principalId");
  write_string(writer, claims.principal_id.empty() ? "user" : claims.principal_id);
  writer.Key("policyDocument");
  writer.StartObject();
  writer.Key("Version");
  writer.String("2012-10-17");
  writer.Key("Statement");
  writer.StartArray();
  writer.StartObject();
  writer.Key("Action");
  writer.String("execute-api:Invoke");
  writer.Key("Effect");
  writer.String("Allow");
  writer.Key("Resource");
  write_string(writer, stage_wide_resource(arn));
  writer.EndObject();
  writer.EndArray();
  writer.EndObject();
  // API Gateway takes only strings, numbers and booleans here, and hands them on as strings.
  writer.Key("context");
  writer.StartObject();
  for (const auto& [name, value] : claims.claims) {
    if (name == "principalId" || name == "integrationLatency") continue;  // API Gateway's own keys
    write_string(writer, name);
    write_string(writer, value);
  }
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::vector<std::string> authorizer_environment(const Project& project, const AuthorizerConfig& config,
                                                const std::string* hs256_secret) {
  auto fail = [&](const std::string& field, const std::string& message) {
    std::string path = field.empty() ? config.json_path : json_locator::member_path(config.json_path, field);
    std::string where = project.file.string();
    if (auto line = json_locator::line_of(project.source, path)) where += ":" + std::to_string(*line);
    throw ProjectError(where + ": " + path + ": " + message);
  };
  if (config.type != AuthorizerConfig::Type::kJwt) {
    fail("type", "__authorize checks JWTs; API keys are checked by API Gateway itself");
  }
  std::string audiences;
  for (const auto& audience : config.audiences) audiences += (audiences.empty() ? "" : ",") + audience;
  std::vector<std::string> variables = {"STRATA_AUTH_ISSUER=" + config.issuer, "STRATA_AUTH_AUDIENCE=" + audiences,
                                        "STRATA_AUTH_LEEWAY=" + std::to_string(config.leeway_seconds)};
  auto file_text = [&](const std::filesystem::path& file, const char* field) {
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(field, "cannot read " + file.string());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  if (!config.public_key_file.empty()) {
    variables.push_back("STRATA_AUTH_PUBLIC_KEY=" + file_text(config.public_key_file, "publicKeyFile"));
  } else if (!config.jwks_file.empty()) {
    variables.push_back("STRATA_AUTH_JWKS=" + file_text(config.jwks_file, "jwksFile"));
  } else if (hs256_secret) {
    variables.push_back("STRATA_AUTH_SECRET=" + *hs256_secret);
  }
  return variables;
}

}  // namespace strata::auth
