#pragma once
// What the REST and HTTP API parts of a template share: route paths as API Gateway
// names them, and the permission that lets one API route invoke its function.
#include <string>
#include <string_view>
#include <vector>

#include "deploy/template_builder.hpp"

namespace strata::deploy {

// "/posts/{id}" -> {"posts", "{id}"}; "/" -> {}.
std::vector<std::string> path_segments(const std::string& path);
// "GET" -> "Get", "ANY" -> "Any": a method as part of a logical id.
std::string method_id(std::string method);
// Lets `api` invoke `function` for this method and path only (parameters as wildcards).
void add_invoke_permission(TemplateBuilder& builder, const std::string& id, const std::string& function,
                           const std::string& api, const std::string& method, const std::string& route_path);

}  // namespace strata::deploy
