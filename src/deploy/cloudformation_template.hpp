#pragma once
// The whole app as one CloudFormation template: the Aurora MySQL cluster (Serverless
// v2, Data API on) in a VPC of its own, one Lambda function per function in the
// routes, the API, and the migration custom resource.
#include <string>

#include "core/project.hpp"
#include "deploy/json_tree.hpp"

namespace strata::deploy {

struct SynthOptions {
  std::string stage;          // the API stage's name
  std::string architecture;   // x86_64 or arm64: what the packaged binary runs on
  std::string scripts_hash;   // migrate::migration_set_hash of the migrations folder
};

// Parameters the template takes: where `package` put the zip.
inline constexpr const char* kCodeBucketParameter = "CodeBucket";
inline constexpr const char* kCodeKeyParameter = "CodeKey";
// The Lambda handler of the migration custom resource (a built-in function of every app).
inline constexpr const char* kMigrateHandler = "__migrate";

JsonTree synthesize_template(const Project& project, const SynthOptions& options);

// The architecture this binary was built for, as Lambda names it.
std::string build_architecture();

}  // namespace strata::deploy
