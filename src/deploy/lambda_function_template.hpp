#pragma once
// One Lambda function of the stack (the app binary with a handler), its log group
// and its role: the Data API on the stack's cluster and its secret when it needs the
// database, and writes to its own log group.
#include <string>
#include <utility>
#include <vector>

#include "deploy/cloudformation_template.hpp"
#include "deploy/template_builder.hpp"

namespace strata::deploy {

// The stack's database: the cluster's logical id, and the values functions are given.
inline constexpr const char* kClusterId = "DatabaseCluster";
JsonTree cluster_arn();
JsonTree secret_arn();

struct LambdaSpec {
  std::string logical_id;
  std::string handler;
  int timeout_seconds = 3;
  int memory_mb = 128;
  bool database = true;  // DB_* variables and the Data API / secret permissions
  std::vector<std::pair<std::string, JsonTree>> environment;  // more variables
};

void add_lambda_function(TemplateBuilder& builder, const Project& project, const SynthOptions& options,
                         const LambdaSpec& spec);

// What CloudFormation does with a stateful resource's data when the stack drops or replaces it.
void set_policies(JsonTree& resource, const char* policy);

}  // namespace strata::deploy
