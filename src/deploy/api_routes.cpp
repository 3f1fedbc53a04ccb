#include "deploy/api_routes.hpp"

#include <algorithm>
#include <cctype>

namespace strata::deploy {

std::vector<std::string> path_segments(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 1;
  while (start < path.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

std::string method_id(std::string method) {
  std::transform(method.begin() + 1, method.end(), method.begin() + 1, ::tolower);
  return method;
}

void add_invoke_permission(TemplateBuilder& builder, const std::string& id, const std::string& function,
                           const std::string& api, const std::string& method, const std::string& route_path) {
  // arn:...:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH, e.g. .../*/GET/posts/*/comments
  std::string path;
  for (const auto& segment : path_segments(route_path)) {
    path += '/';
    if (segment.front() == '{') {
      path += '*';
    } else {
      path += segment;
    }
  }
  if (path.empty()) path.push_back('/');
  builder.add_resource(
      id, "AWS::Lambda::Permission",
      JsonTree::object({{"Action", "lambda:InvokeFunction"},
                        {"FunctionName", cfn_get_att(function, "Arn")},
                        {"Principal", "apigateway.amazonaws.com"},
                        {"SourceArn", cfn_sub("arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${" +
                                              api + "}/*/" + (method == "ANY" ? std::string("*") : method) + path)}}));
}

}  // namespace strata::deploy
