#pragma once
// The REST API (payload 1.0) part of the template: a resource per path segment, a
// method per route with an AWS_PROXY integration, an OPTIONS method per resource
// answering CORS as strata.json says, a deployment, a stage, invoke permissions.
#include <string>
#include <vector>

#include "core/project.hpp"
#include "deploy/cloudformation_template.hpp"
#include "deploy/template_builder.hpp"

namespace strata::deploy {

// A function of the routes and the logical id of its AWS::Lambda::Function.
struct FunctionResource {
  std::string name;
  std::string logical_id;
};

// Adds the API; `functions` holds every function the routes name. Outputs the API's URL as ApiUrl.
void add_rest_api(TemplateBuilder& builder, const Project& project, const std::vector<FunctionResource>& functions,
                  const SynthOptions& options);

}  // namespace strata::deploy
