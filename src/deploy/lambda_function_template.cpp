#include "deploy/lambda_function_template.hpp"

namespace strata::deploy {
namespace {

JsonTree string_array(std::initializer_list<const char*> items) {
  JsonTree list = JsonTree::array();
  for (const char* item : items) list.push(item);
  return list;
}

void add_function_role(TemplateBuilder& builder, const std::string& id, bool database) {
  JsonTree assume = JsonTree::object(
      {{"Version", "2012-10-17"},
       {"Statement", JsonTree::array({JsonTree::object({{"Effect", "Allow"},
                                                        {"Principal", JsonTree::object({{"Service", "lambda.amazonaws.com"}})},
                                                        {"Action", "sts:AssumeRole"}})})}});
  JsonTree statements = JsonTree::array();
  if (database) {
    statements.push(JsonTree::object({{"Effect", "Allow"},
                                      {"Action", string_array({"rds-data:ExecuteStatement", "rds-data:BatchExecuteStatement",
                                                               "rds-data:BeginTransaction", "rds-data:CommitTransaction",
                                                               "rds-data:RollbackTransaction"})},
                                      {"Resource", cluster_arn()}}));
    statements.push(
        JsonTree::object({{"Effect", "Allow"}, {"Action", "secretsmanager:GetSecretValue"}, {"Resource", secret_arn()}}));
  }
  statements.push(JsonTree::object({{"Effect", "Allow"},
                                    {"Action", string_array({"logs:CreateLogStream", "logs:PutLogEvents"})},
                                    {"Resource", cfn_get_att(id + "LogGroup", "Arn")}}));
  builder.add_resource(
      id + "Role", "AWS::IAM::Role",
      JsonTree::object({{"AssumeRolePolicyDocument", std::move(assume)},
                        {"Policies", JsonTree::array({JsonTree::object(
                                         {{"PolicyName", database ? "data-api-and-logs" : "logs"},
                                          {"PolicyDocument", JsonTree::object({{"Version", "2012-10-17"},
                                                                               {"Statement", std::move(statements)}})}})})}}));
}

}  // namespace

JsonTree cluster_arn() { return cfn_get_att(kClusterId, "DBClusterArn"); }
JsonTree secret_arn() { return cfn_get_att(kClusterId, "MasterUserSecret.SecretArn"); }

void set_policies(JsonTree& resource, const char* policy) {
  resource.set("DeletionPolicy", policy);
  resource.set("UpdateReplacePolicy", policy);
}

void add_lambda_function(TemplateBuilder& builder, const Project& project, const SynthOptions& options,
                         const LambdaSpec& spec) {
  const std::string& id = spec.logical_id;
  // A function's logs outlive its stack, for the post-mortem of a failed deploy.
  set_policies(builder.add_resource(id + "LogGroup", "AWS::Logs::LogGroup", JsonTree::object({{"RetentionInDays", 30}})),
               "Retain");
  add_function_role(builder, id, spec.database);
  JsonTree variables = JsonTree::object();
  if (spec.database) {
    variables.set("DB_CLUSTER_ARN", cluster_arn());
    variables.set("DB_SECRET_ARN", secret_arn());
    variables.set("DB_NAME", project.database.name);
  }
  for (const auto& [name, value] : spec.environment) variables.set(name, value);
  JsonTree properties = JsonTree::object(
      {{"Description", cfn_sub("${AWS::StackName}: " + spec.handler)},
       {"Runtime", "provided.al2023"},
       {"Handler", spec.handler},
       {"Architectures", JsonTree::array({options.architecture})},
       {"MemorySize", spec.memory_mb},
       {"Timeout", spec.timeout_seconds},
       {"Role", cfn_get_att(id + "Role", "Arn")},
       {"Code", JsonTree::object({{"S3Bucket", cfn_ref(kCodeBucketParameter)}, {"S3Key", cfn_ref(kCodeKeyParameter)}})}});
  if (!variables.empty()) properties.set("Environment", JsonTree::object({{"Variables", std::move(variables)}}));
  properties.set("LoggingConfig", JsonTree::object({{"LogGroup", cfn_ref(id + "LogGroup")}}));
  builder.add_resource(id, "AWS::Lambda::Function", std::move(properties));
}

}  // namespace strata::deploy
