#pragma once
// The HTTP API (payload 2.0) part of the template: one AWS_PROXY integration per
// function, one route per route key, CORS answered by API Gateway itself from
// strata.json, a $default stage that deploys itself, invoke permissions.
#include <vector>

#include "core/project.hpp"
#include "deploy/rest_api_template.hpp"
#include "deploy/template_builder.hpp"

namespace strata::deploy {

// Adds the API; outputs its URL as ApiUrl. Throws ProjectError for CORS settings an
// HTTP API cannot express (credentials with every origin).
void add_http_api(TemplateBuilder& builder, const Project& project, const std::vector<FunctionResource>& functions);

}  // namespace strata::deploy
