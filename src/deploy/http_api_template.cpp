#include "deploy/http_api_template.hpp"

#include <algorithm>
#include <set>

#include "deploy/api_authorizers.hpp"
#include "deploy/api_routes.hpp"

namespace strata::deploy {
namespace {

constexpr const char* kApi = "HttpApi";

JsonTree string_list(const std::vector<std::string>& values) {
  JsonTree list = JsonTree::array();
  for (const auto& value : values) list.push(value);
  return list;
}

JsonTree cors_configuration(const Project& project) {
  const CorsSettings& cors = project.cors;
  bool any_origin = std::find(cors.origins.begin(), cors.origins.end(), "*") != cors.origins.end();
  if (any_origin && cors.allow_credentials) {
    throw ProjectError(project.file.string() + ": cors: an HTTP API cannot allow credentials from every origin "
                                               "(\"*\"); list the origins in cors.origins");
  }
  JsonTree configuration = JsonTree::object({{"AllowOrigins", string_list(cors.origins)},
                                             {"AllowHeaders", string_list(cors.headers)},
                                             {"AllowMethods", string_list(cors.methods)},
                                             {"MaxAge", cors.max_age_seconds}});
  if (cors.allow_credentials) configuration.set("AllowCredentials", true);
  // A function's own CORS headers are dropped by an HTTP API: what scripts may read is declared here.
  if (!cors.expose_headers.empty()) configuration.set("ExposeHeaders", string_list(cors.expose_headers));
  return configuration;
}

}  // namespace

void add_http_api(TemplateBuilder& builder, const Project& project, const std::vector<FunctionResource>& functions) {
  builder.add_resource(kApi, "AWS::ApiGatewayV2::Api",
                       JsonTree::object({{"Name", cfn_sub("${AWS::StackName}-" + project.name)},
                                         {"ProtocolType", "HTTP"},
                                         {"CorsConfiguration", cors_configuration(project)}}));
  for (const auto& function : functions) {
    builder.add_resource(function.logical_id + "Integration", "AWS::ApiGatewayV2::Integration",
                         JsonTree::object({{"ApiId", cfn_ref(kApi)},
                                           {"IntegrationType", "AWS_PROXY"},
                                           {"IntegrationUri", cfn_get_att(function.logical_id, "Arn")},
                                           {"PayloadFormatVersion", "2.0"}}));
  }
  auto function_id = [&](const std::string& name) {
    for (const auto& function : functions) {
      if (function.name == name) return function.logical_id;
    }
    throw std::logic_error("no function resource for " + name);
  };
  MethodGuards guards = add_http_authorizers(builder, project, kApi);
  std::set<std::string> ids;
  for (const auto& route : project.routes) {
    for (const auto& method : route.methods) {
      std::string function = function_id(method.function);
      std::string base = "Route" + (route.path == "/" ? std::string("Root") : pascal_case(route.path)) + method_id(method.method);
      std::string id = base;
      for (int n = 2; !ids.insert(id).second; ++n) id = base + std::to_string(n);
      JsonTree properties = JsonTree::object({{"ApiId", cfn_ref(kApi)},
                                              {"RouteKey", method.method + " " + route.path},
                                              {"Target", cfn_sub("integrations/${" + function + "Integration}")}});
      if (!method.authorizer.empty()) {
        for (const auto& [name, value] : guards.at(method.authorizer)) properties.set(name, value);
      }
      builder.add_resource(id, "AWS::ApiGatewayV2::Route", std::move(properties));
      add_invoke_permission(builder, id + "Permission", function, kApi, method.method, route.path);
    }
  }
  // The stage goes live once the migrations have run: no request meets an old schema.
  builder.add_resource("HttpApiStage", "AWS::ApiGatewayV2::Stage",
                       JsonTree::object({{"ApiId", cfn_ref(kApi)}, {"StageName", "$default"}, {"AutoDeploy", true}}),
                       {"Migrations"});
  builder.add_output("ApiUrl", "The API's base URL", cfn_get_att(kApi, "ApiEndpoint"));
}

}  // namespace strata::deploy
