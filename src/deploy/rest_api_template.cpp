#include "deploy/rest_api_template.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "core/sha256.hpp"
#include "deploy/api_authorizers.hpp"
#include "deploy/api_routes.hpp"

namespace strata::deploy {
namespace {

constexpr const char* kApi = "Api";

// "{proxy+}" -> "ProxyAll", "{id}" -> "Id", "my-posts" -> "MyPosts".
std::string segment_id(const std::string& segment) {
  if (segment.size() > 2 && segment.front() == '{') {
    bool greedy = segment[segment.size() - 2] == '+';
    return pascal_case(segment.substr(1, segment.size() - (greedy ? 3 : 2))) + (greedy ? "All" : "");
  }
  return pascal_case(segment);
}

// The AWS::ApiGateway::Resource of every path prefix the routes use, by path.
class ResourceTree {
 public:
  explicit ResourceTree(TemplateBuilder& builder) : builder_(builder) {}

  // The resource id of `path` ("/" is the API's root), creating its ancestors first.
  JsonTree resource_id(const std::string& path) {
    if (path == "/") return cfn_get_att(kApi, "RootResourceId");
    return cfn_ref(logical_id(path));
  }

  // The logical id of the resource for `path` (not "/").
  std::string logical_id(const std::string& path) {
    if (auto found = ids_.find(path); found != ids_.end()) return found->second;
    std::vector<std::string> segments = path_segments(path);
    std::string parent = path.substr(0, path.rfind('/'));
    if (parent.empty()) parent = "/";
    JsonTree parent_id = resource_id(parent);
    std::string base = (parent == "/" ? std::string("ApiResource") : name_of(parent)) + segment_id(segments.back());
    // "/my-posts" and "/my_posts" would share an id: number the later one.
    std::string id = base;
    for (int n = 2; taken_.count(id); ++n) id = base + std::to_string(n);
    taken_.insert(id);
    builder_.add_resource(id, "AWS::ApiGateway::Resource",
                          JsonTree::object({{"RestApiId", cfn_ref(kApi)}, {"ParentId", std::move(parent_id)},
                                            {"PathPart", segments.back()}}));
    ids_.emplace(path, id);
    return id;
  }

  // What the methods of `path` are named after: "ApiResourcePostsId", or "ApiRoot".
  std::string name_of(const std::string& path) { return path == "/" ? "ApiRoot" : logical_id(path); }

 private:
  TemplateBuilder& builder_;
  std::map<std::string, std::string> ids_;
  std::set<std::string> taken_;
};

std::string quoted(const std::string& value) { return "'" + value + "'"; }

std::string join(const std::vector<std::string>& values) {
  std::string joined;
  for (const auto& value : values) joined += (joined.empty() ? "" : ",") + value;
  return joined;
}

// OPTIONS answered by API Gateway itself (a MOCK integration), with the headers the
// local gateway sends for a preflight. Several origins need the request's Origin
// echoed when it is one of them: a mapping template does that.
JsonTree cors_preflight_method(const CorsSettings& cors, JsonTree resource_id, const std::vector<std::string>& route_methods) {
  bool all_methods = std::find(cors.methods.begin(), cors.methods.end(), "*") != cors.methods.end();
  std::vector<std::string> methods = all_methods ? route_methods : cors.methods;
  if (all_methods) methods.push_back("OPTIONS");
  bool any_origin = std::find(cors.origins.begin(), cors.origins.end(), "*") != cors.origins.end();
  JsonTree parameters = JsonTree::object();
  JsonTree declared = JsonTree::object();
  auto header = [&](const std::string& name, const std::string& value) {
    parameters.set("method.response.header." + name, quoted(value));
    declared.set("method.response.header." + name, true);
  };
  header("Access-Control-Allow-Methods", join(methods));
  header("Access-Control-Allow-Headers", join(cors.headers));
  header("Access-Control-Max-Age", std::to_string(cors.max_age_seconds));
  if (cors.allow_credentials) header("Access-Control-Allow-Credentials", "true");
  JsonTree integration_response = JsonTree::object({{"StatusCode", "204"}});
  if (any_origin && !cors.allow_credentials) {
    header("Access-Control-Allow-Origin", "*");
  } else {
    // Echo the Origin when it is allowed (with credentials, "*" is not allowed by browsers).
    declared.set("method.response.header.Access-Control-Allow-Origin", true);
    declared.set("method.response.header.Vary", true);
    std::string condition;
    for (const auto& origin : cors.origins) {
      if (origin == "*") continue;
      condition += (condition.empty() ? "" : " || ") + std::string("$origin == \"") + origin + "\"";
    }
    if (any_origin) condition = "$origin != \"\"";
    integration_response.set(
        "ResponseTemplates",
        JsonTree::object({{"application/json",
                           "#set($origin = $input.params().header.get(\"Origin\"))\n"
                           "#if($origin == \"\")#set($origin = $input.params().header.get(\"origin\"))#end\n"
                           "#if(" + condition + ")\n"
                           "#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n"
                           "#set($context.responseOverride.header.Vary = \"Origin\")\n"
                           "#end\n"}}));
  }
  integration_response.set("ResponseParameters", std::move(parameters));
  return JsonTree::object(
      {{"RestApiId", cfn_ref(kApi)},
       {"ResourceId", std::move(resource_id)},
       {"HttpMethod", "OPTIONS"},
       {"AuthorizationType", "NONE"},
       {"Integration", JsonTree::object({{"Type", "MOCK"},
                                         {"RequestTemplates", JsonTree::object({{"application/json", "{\"statusCode\": 204}"}})},
                                         {"IntegrationResponses", JsonTree::array({std::move(integration_response)})}})},
       {"MethodResponses", JsonTree::array({JsonTree::object({{"StatusCode", "204"}, {"ResponseParameters", std::move(declared)}})})}});
}

// API Gateway's own answers (401, 403, 429, 5xx) get no CORS headers unless told: a
// browser would then see a CORS failure instead of the refusal. The local gateway adds them.
void add_cors_gateway_responses(TemplateBuilder& builder, const CorsSettings& cors) {
  bool any_origin = std::find(cors.origins.begin(), cors.origins.end(), "*") != cors.origins.end();
  // One origin is named; several (or any, with credentials) echo the request's Origin.
  std::string origin = any_origin && !cors.allow_credentials ? "'*'"
                       : cors.origins.size() == 1 && !any_origin ? quoted(cors.origins.front())
                                                                 : "method.request.header.Origin";
  for (const char* type : {"DEFAULT_4XX", "DEFAULT_5XX"}) {
    JsonTree parameters = JsonTree::object({{"gatewayresponse.header.Access-Control-Allow-Origin", origin}});
    if (cors.allow_credentials) parameters.set("gatewayresponse.header.Access-Control-Allow-Credentials", "'true'");
    builder.add_resource(std::string("ApiResponse") + (type[8] == '4' ? "4xx" : "5xx"), "AWS::ApiGateway::GatewayResponse",
                         JsonTree::object({{"RestApiId", cfn_ref(kApi)},
                                           {"ResponseType", type},
                                           {"ResponseParameters", std::move(parameters)}}));
  }
}

// What makes a new deployment necessary: the deployment's logical id carries a hash
// of it, so a changed API is redeployed and an unchanged one is left alone.
std::string api_fingerprint(const Project& project) {
  std::string text;
  for (const auto& route : project.routes) {
    for (const auto& method : route.methods) {
      text += method.method + " " + route.path + " " + method.function + " " + method.authorizer + "\n";
    }
  }
  const CorsSettings& cors = project.cors;
  text += "cors " + join(cors.origins) + ";" + join(cors.headers) + ";" + join(cors.methods) + ";" +
          (cors.allow_credentials ? "credentials" : "") + ";" + std::to_string(cors.max_age_seconds);
  return sha256_hex(text).substr(0, 10);
}

}  // namespace

void add_rest_api(TemplateBuilder& builder, const Project& project, const std::vector<FunctionResource>& functions,
                  const SynthOptions& options) {
  const std::string& stage = options.stage;
  builder.add_resource(kApi, "AWS::ApiGateway::RestApi",
                       JsonTree::object({{"Name", cfn_sub("${AWS::StackName}-" + project.name)},
                                         {"EndpointConfiguration", JsonTree::object({{"Types", JsonTree::array({"REGIONAL"})}})}}));
  auto function_id = [&](const std::string& name) {
    for (const auto& function : functions) {
      if (function.name == name) return function.logical_id;
    }
    throw std::logic_error("no function resource for " + name);
  };

  MethodGuards guards = add_rest_authorizers(builder, project, options, kApi, "ApiStage");
  add_cors_gateway_responses(builder, project.cors);
  ResourceTree tree(builder);
  std::vector<std::string> methods;
  std::set<std::string> permissions;
  for (const auto& route : project.routes) {
    std::string owner = tree.name_of(route.path);
    std::vector<std::string> route_methods;
    bool has_options = false;
    for (const auto& method : route.methods) {
      std::string function = function_id(method.function);
      std::string id = owner + method_id(method.method);
      JsonTree properties = JsonTree::object({{"RestApiId", cfn_ref(kApi)},
                                              {"ResourceId", tree.resource_id(route.path)},
                                              {"HttpMethod", method.method},
                                              {"AuthorizationType", "NONE"}});
      if (!method.authorizer.empty()) {
        for (const auto& [name, value] : guards.at(method.authorizer)) properties.set(name, value);
      }
      properties.set("Integration",
                     JsonTree::object({{"Type", "AWS_PROXY"},
                                       {"IntegrationHttpMethod", "POST"},
                                       {"Uri", cfn_sub("arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/"
                                                       "functions/${" + function + ".Arn}/invocations")}}));
      builder.add_resource(id, "AWS::ApiGateway::Method", std::move(properties));
      methods.push_back(id);
      route_methods.push_back(method.method == "ANY" ? "*" : method.method);
      has_options = has_options || method.method == "OPTIONS";
      // Only this API, this method and this path may invoke the function.
      std::string permission = id + "Permission";
      if (permissions.insert(permission).second) {
        add_invoke_permission(builder, permission, function, kApi, method.method, route.path);
      }
    }
    if (!has_options) {
      std::string id = owner + "Options";
      builder.add_resource(id, "AWS::ApiGateway::Method",
                           cors_preflight_method(project.cors, tree.resource_id(route.path), route_methods));
      methods.push_back(id);
    }
  }

  std::string deployment = "ApiDeployment" + api_fingerprint(project);
  builder.add_resource(deployment, "AWS::ApiGateway::Deployment",
                       JsonTree::object({{"RestApiId", cfn_ref(kApi)}, {"Description", "Routes of " + project.name}}),
                       methods);
  // The stage goes live once the migrations have run: no request meets an old schema.
  builder.add_resource("ApiStage", "AWS::ApiGateway::Stage",
                       JsonTree::object({{"RestApiId", cfn_ref(kApi)}, {"DeploymentId", cfn_ref(deployment)}, {"StageName", stage}}),
                       {"Migrations"});
  builder.add_output("ApiUrl", "The API's base URL",
                     cfn_sub("https://${" + std::string(kApi) + "}.execute-api.${AWS::Region}.${AWS::URLSuffix}/" + stage + "/"));
}

}  // namespace strata::deploy
