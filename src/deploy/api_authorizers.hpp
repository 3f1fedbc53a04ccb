#pragma once
// strata.json's authorizers as API Gateway enforces them once deployed.
//   REST API: a jwt authorizer is a Lambda TOKEN authorizer running __authorize (the
//   same verifier as the local gateway); an apiKey authorizer is ApiKeyRequired on the
//   method, with an API key and a usage plan.
//   HTTP API: a jwt authorizer is a native JWT authorizer (issuer, audience); HTTP APIs
//   have no API keys (the project file refuses them there).
#include <map>
#include <string>
#include <vector>

#include "core/project.hpp"
#include "deploy/cloudformation_template.hpp"
#include "deploy/template_builder.hpp"

namespace strata::deploy {

// The template parameter that carries an HS256 authorizer's secret (NoEcho): `deploy`
// fills it from the environment variable strata.json names.
std::string secret_parameter(const std::string& authorizer_name);
// The HS256 jwt authorizers the routes use, each needing its secret at deploy time.
std::vector<const AuthorizerConfig*> deployed_hs256_authorizers(const Project& project);

// How a method of the REST API is guarded: its properties (AuthorizationType,
// AuthorizerId, ApiKeyRequired) by authorizer name.
using MethodGuards = std::map<std::string, std::vector<std::pair<std::string, JsonTree>>>;

// Adds the REST API's authorizers (and their Lambda functions, keys, usage plans);
// `api` and `stage` are the logical ids of the RestApi and its Stage.
MethodGuards add_rest_authorizers(TemplateBuilder& builder, const Project& project, const SynthOptions& options,
                                  const std::string& api, const std::string& stage);
// Adds the HTTP API's native JWT authorizers; returns each route's extra properties by authorizer name.
MethodGuards add_http_authorizers(TemplateBuilder& builder, const Project& project, const std::string& api);

}  // namespace strata::deploy
