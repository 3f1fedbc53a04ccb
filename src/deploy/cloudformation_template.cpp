#include "deploy/cloudformation_template.hpp"

#include <set>
#include <stdexcept>

#include "core/cors_origin.hpp"
#include "deploy/http_api_template.hpp"
#include "deploy/lambda_function_template.hpp"
#include "deploy/rest_api_template.hpp"
#include "deploy/template_builder.hpp"

namespace strata::deploy {
namespace {

constexpr const char* kCluster = kClusterId;
constexpr const char* kInstance = "DatabaseInstance";
// Long enough for a large migration, short of Lambda's 15-minute limit; the custom
// resource's ServiceTimeout leaves CloudFormation a little more than this.
constexpr int kMigrateTimeoutSeconds = 600;

void add_network(TemplateBuilder& builder) {
  builder.add_resource("Vpc", "AWS::EC2::VPC",
                       JsonTree::object({{"CidrBlock", "10.0.0.0/16"},
                                         {"EnableDnsSupport", true},
                                         {"EnableDnsHostnames", true},
                                         {"Tags", JsonTree::array({JsonTree::object(
                                                      {{"Key", "Name"}, {"Value", cfn_sub("${AWS::StackName}")}})})}}));
  // Private subnets in two zones, as Aurora's subnet group requires; nothing routes to the internet.
  const char* cidrs[] = {"10.0.0.0/24", "10.0.1.0/24"};
  for (int zone = 0; zone < 2; ++zone) {
    builder.add_resource(
        std::string("PrivateSubnet") + static_cast<char>('A' + zone), "AWS::EC2::Subnet",
        JsonTree::object({{"VpcId", cfn_ref("Vpc")},
                          {"CidrBlock", cidrs[zone]},
                          {"AvailabilityZone",
                           JsonTree::object({{"Fn::Select", JsonTree::array({zone, JsonTree::object({{"Fn::GetAZs", ""}})})}})},
                          {"MapPublicIpOnLaunch", false}}));
  }
  builder.add_resource("DatabaseSubnetGroup", "AWS::RDS::DBSubnetGroup",
                       JsonTree::object({{"DBSubnetGroupDescription", cfn_sub("Private subnets of ${AWS::StackName}'s database")},
                                         {"SubnetIds", JsonTree::array({cfn_ref("PrivateSubnetA"), cfn_ref("PrivateSubnetB")})}}));
  // No ingress: the functions reach the database through the Data API, not the VPC.
  builder.add_resource("DatabaseSecurityGroup", "AWS::EC2::SecurityGroup",
                       JsonTree::object({{"GroupDescription", "The database cluster; reached only through the Data API"},
                                         {"VpcId", cfn_ref("Vpc")}}));
}

void add_database(TemplateBuilder& builder, const DatabaseSettings& database) {
  JsonTree scaling = JsonTree::object({{"MinCapacity", database.min_capacity}, {"MaxCapacity", database.max_capacity}});
  if (database.min_capacity == 0) scaling.set("SecondsUntilAutoPause", database.auto_pause_seconds);
  JsonTree& cluster = builder.add_resource(
      kCluster, "AWS::RDS::DBCluster",
      JsonTree::object({{"Engine", "aurora-mysql"},
                        {"EngineVersion", database.engine_version},
                        {"DatabaseName", database.name},
                        {"MasterUsername", "strata_admin"},
                        {"ManageMasterUserPassword", true},
                        {"EnableHttpEndpoint", true},
                        {"ServerlessV2ScalingConfiguration", std::move(scaling)},
                        {"DBSubnetGroupName", cfn_ref("DatabaseSubnetGroup")},
                        {"VpcSecurityGroupIds", JsonTree::array({cfn_get_att("DatabaseSecurityGroup", "GroupId")})},
                        {"StorageEncrypted", true},
                        {"BackupRetentionPeriod", 7}}));
  // A stack deleted or a cluster replaced by mistake leaves a snapshot, not nothing.
  set_policies(cluster, "Snapshot");
  // The instance holds no data of its own: the cluster's volume (and snapshot) does.
  set_policies(builder.add_resource(kInstance, "AWS::RDS::DBInstance",
                                    JsonTree::object({{"DBClusterIdentifier", cfn_ref(kCluster)},
                                                      {"DBInstanceClass", "db.serverless"},
                                                      {"Engine", "aurora-mysql"}})),
               "Delete");
}

// The functions the routes name, in the order they first appear, each with its logical id.
std::vector<FunctionResource> function_resources(const Project& project) {
  std::vector<FunctionResource> functions;
  std::set<std::string> seen, ids;
  for (const auto& route : project.routes) {
    for (const auto& method : route.methods) {
      if (!seen.insert(method.function).second) continue;
      std::string id = pascal_case(method.function) + "Function";
      // get_posts and getPosts would share an id: number the later one.
      for (int n = 2; !ids.insert(id).second; ++n) id = pascal_case(method.function) + std::to_string(n) + "Function";
      functions.push_back({method.function, id});
    }
  }
  return functions;
}

}  // namespace

std::string build_architecture() {
#if defined(__aarch64__)
  return "arm64";
#else
  return "x86_64";
#endif
}

JsonTree synthesize_template(const Project& project, const SynthOptions& options) {
  TemplateBuilder builder("Strata app " + project.name + ": Aurora MySQL (Serverless v2, Data API), Lambda functions on "
                          "provided.al2023, REST API, migrations as a custom resource");
  builder.add_parameter(kCodeBucketParameter, "S3 bucket holding the app's Lambda zip");
  builder.add_parameter(kCodeKeyParameter, "S3 key of the app's Lambda zip");
  add_network(builder);
  add_database(builder, project.database);

  std::vector<FunctionResource> functions = function_resources(project);
  for (const auto& function : functions) {
    FunctionConfig config = function_config(project, function.name);
    LambdaSpec spec{function.logical_id, function.name, config.timeout_seconds, config.memory_mb, true, {}};
    // A REST API's proxy adds no CORS headers: the runtime does, from these settings.
    if (project.api == ApiType::kRest) spec.environment.emplace_back("STRATA_CORS", cors_variable(project.cors));
    add_lambda_function(builder, project, options, spec);
  }

  // The migrations: a Lambda outside the VPC (the Data API needs none) behind a
  // custom resource whose ScriptsHash changes with any script, so every deploy that
  // adds or edits one sends an Update and the migrations run.
  add_lambda_function(builder, project, options, LambdaSpec{"MigrateFunction", kMigrateHandler, kMigrateTimeoutSeconds, 256, true, {}});
  builder.add_resource("Migrations", "Custom::StrataMigrations",
                       JsonTree::object({{"ServiceToken", cfn_get_att("MigrateFunction", "Arn")},
                                         {"ServiceTimeout", kMigrateTimeoutSeconds + 60},
                                         {"ScriptsHash", options.scripts_hash},
                                         {"DatabaseName", project.database.name}}),
                       {kInstance});

  if (project.api == ApiType::kHttp) {
    add_http_api(builder, project, functions);
  } else {
    add_rest_api(builder, project, functions, options);
  }

  builder.add_output("ClusterArn", "The Aurora cluster, for the Data API's resourceArn", cluster_arn());
  builder.add_output("SecretArn", "The master user's secret, for the Data API's secretArn", secret_arn());
  builder.add_output("DatabaseName", "The app's database", project.database.name);
  return builder.document();
}

}  // namespace strata::deploy
