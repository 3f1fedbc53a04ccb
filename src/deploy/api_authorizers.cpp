#include "deploy/api_authorizers.hpp"

#include <set>

#include "auth/lambda_authorizer.hpp"
#include "core/log.hpp"
#include "deploy/lambda_function_template.hpp"

namespace strata::deploy {
namespace {

// The authorizers some route uses, in name order.
std::vector<const AuthorizerConfig*> used_authorizers(const Project& project) {
  std::set<std::string> used;
  for (const auto& route : project.routes) {
    for (const auto& method : route.methods) {
      if (!method.authorizer.empty()) used.insert(method.authorizer);
    }
  }
  std::vector<const AuthorizerConfig*> configs;
  for (const auto& name : used) configs.push_back(&project.authorizers.at(name));
  return configs;
}

JsonTree audience_list(const AuthorizerConfig& config) {
  JsonTree list = JsonTree::array();
  for (const auto& audience : config.audiences) list.push(audience);
  return list;
}

void add_token_authorizer(TemplateBuilder& builder, const Project& project, const SynthOptions& options,
                          const AuthorizerConfig& config, const std::string& api, MethodGuards& guards) {
  std::string id = pascal_case(config.name) + "Authorizer";
  LambdaSpec spec{id + "Function", std::string(auth::kAuthorizerFunction), 10, 128, false, {}};
  for (const std::string& variable : auth::authorizer_environment(project, config)) {
    std::size_t equals = variable.find('=');
    spec.environment.emplace_back(variable.substr(0, equals), variable.substr(equals + 1));
  }
  if (!config.secret_env.empty()) {
    builder.add_parameter(secret_parameter(config.name),
                          "HS256 secret of the authorizer " + config.name + " (deploy passes $" + config.secret_env + ")",
                          true);
    spec.environment.emplace_back("STRATA_AUTH_SECRET", cfn_ref(secret_parameter(config.name)));
  }
  add_lambda_function(builder, project, options, spec);
  builder.add_resource(
      id, "AWS::ApiGateway::Authorizer",
      JsonTree::object({{"RestApiId", cfn_ref(api)},
                        {"Name", config.name},
                        {"Type", "TOKEN"},
                        {"IdentitySource", "method.request.header.Authorization"},
                        {"AuthorizerResultTtlInSeconds", 300},
                        {"AuthorizerUri", cfn_sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                                                  "functions/${" + id + "Function.Arn}/invocations")}}));
  builder.add_resource(id + "Permission", "AWS::Lambda::Permission",
                       JsonTree::object({{"Action", "lambda:InvokeFunction"},
                                         {"FunctionName", cfn_get_att(id + "Function", "Arn")},
                                         {"Principal", "apigateway.amazonaws.com"},
                                         {"SourceArn", cfn_sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::"
                                                               "AccountId}:${" + api + "}/authorizers/${" + id + "}")}}));
  guards[config.name] = {{"AuthorizationType", "CUSTOM"}, {"AuthorizerId", cfn_ref(id)}};
}

// An API key made by API Gateway (read it with `aws apigateway get-api-key --include-value`)
// and the usage plan that ties it to the stage.
void add_api_key(TemplateBuilder& builder, const AuthorizerConfig& config, const std::string& api,
                 const std::string& stage, MethodGuards& guards) {
  std::string id = pascal_case(config.name);
  builder.add_resource(id + "ApiKey", "AWS::ApiGateway::ApiKey",
                       JsonTree::object({{"Enabled", true}, {"Name", cfn_sub("${AWS::StackName}-" + config.name)}}));
  builder.add_resource(
      id + "UsagePlan", "AWS::ApiGateway::UsagePlan",
      JsonTree::object({{"UsagePlanName", cfn_sub("${AWS::StackName}-" + config.name)},
                        {"ApiStages", JsonTree::array({JsonTree::object({{"ApiId", cfn_ref(api)}, {"Stage", cfn_ref(stage)}})})}}));
  builder.add_resource(id + "UsagePlanKey", "AWS::ApiGateway::UsagePlanKey",
                       JsonTree::object({{"KeyId", cfn_ref(id + "ApiKey")},
                                         {"KeyType", "API_KEY"},
                                         {"UsagePlanId", cfn_ref(id + "UsagePlan")}}));
  builder.add_output(id + "ApiKeyId", "The API key of the authorizer " + config.name +
                                          " (aws apigateway get-api-key --include-value --api-key ID)",
                     cfn_ref(id + "ApiKey"));
  guards[config.name] = {{"AuthorizationType", "NONE"}, {"ApiKeyRequired", true}};
}

}  // namespace

std::string secret_parameter(const std::string& authorizer_name) { return pascal_case(authorizer_name) + "AuthSecret"; }

std::vector<const AuthorizerConfig*> deployed_hs256_authorizers(const Project& project) {
  std::vector<const AuthorizerConfig*> hs256;
  if (project.api == ApiType::kHttp) return hs256;  // native JWT authorizers hold no secret
  for (const AuthorizerConfig* config : used_authorizers(project)) {
    if (config->type == AuthorizerConfig::Type::kJwt && !config->secret_env.empty()) hs256.push_back(config);
  }
  return hs256;
}

MethodGuards add_rest_authorizers(TemplateBuilder& builder, const Project& project, const SynthOptions& options,
                                  const std::string& api, const std::string& stage) {
  MethodGuards guards;
  for (const AuthorizerConfig* config : used_authorizers(project)) {
    if (config->type == AuthorizerConfig::Type::kJwt) {
      add_token_authorizer(builder, project, options, *config, api, guards);
    } else {
      add_api_key(builder, *config, api, stage, guards);
    }
  }
  return guards;
}

MethodGuards add_http_authorizers(TemplateBuilder& builder, const Project& project, const std::string& api) {
  MethodGuards guards;
  for (const AuthorizerConfig* config : used_authorizers(project)) {
    if (!config->secret_env.empty()) {
      log::warn("synth: auth." + config->name + " checks HS256 tokens with a secret locally; an HTTP API's JWT "
                "authorizer checks RS256 tokens against the keys " + config->issuer +
                " publishes (/.well-known/openid-configuration), so give it tokens from that issuer");
    }
    std::string id = pascal_case(config->name) + "Authorizer";
    builder.add_resource(id, "AWS::ApiGatewayV2::Authorizer",
                         JsonTree::object({{"ApiId", cfn_ref(api)},
                                           {"Name", config->name},
                                           {"AuthorizerType", "JWT"},
                                           {"IdentitySource", JsonTree::array({"$request.header.Authorization"})},
                                           {"JwtConfiguration", JsonTree::object({{"Issuer", config->issuer},
                                                                                  {"Audience", audience_list(*config)}})}}));
    guards[config->name] = {{"AuthorizationType", "JWT"}, {"AuthorizerId", cfn_ref(id)}};
  }
  return guards;
}

}  // namespace strata::deploy
