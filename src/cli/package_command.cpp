#include "cli/package_command.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "cli/synth_command.hpp"
#include "core/log.hpp"
#include "core/subprocess.hpp"
#include "deploy/api_authorizers.hpp"
#include "deploy/cloudformation_template.hpp"
#include "deploy/lambda_package.hpp"

namespace strata::cli {
namespace fs = std::filesystem;

namespace {

// Where package and deploy put their files unless told: <app>/.strata/deploy.
fs::path output_directory(const Project& project, const std::string& out) {
  return out.empty() ? project.directory / ".strata" / "deploy" : fs::path(out);
}

std::string megabytes(std::uintmax_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", static_cast<double>(bytes) / 1e6);
  return text;
}

deploy::PackageResult package(const Project& project, const fs::path& out_dir) {
  log::notice("package: bundling " + project.name + " with its shared libraries and loader");
  deploy::PackageResult result = deploy::package_app(project, fs::read_symlink("/proc/self/exe"), out_dir);
  log::notice("package: wrote " + result.zip.string() + " (" + megabytes(result.bytes) + ", " +
              std::to_string(result.entries.size()) + " files, " + std::to_string(result.libraries) + " libraries)");
  return result;
}

// CloudFormation takes a template up to this size in the request; larger ones go through S3.
constexpr std::size_t kInlineTemplateLimit = 51200;

struct DeployOptions {
  std::string out;
  std::string stack;
  std::string bucket;
  std::string region;
  std::string endpoint_url;
  std::string stage;
  bool dry_run = false;
};

// The AWS CLI's own options every call shares.
std::vector<std::string> aws(const DeployOptions& options, std::vector<std::string> arguments) {
  std::vector<std::string> command{"aws"};
  command.insert(command.end(), arguments.begin(), arguments.end());
  if (!options.region.empty()) command.insert(command.end(), {"--region", options.region});
  if (!options.endpoint_url.empty()) command.insert(command.end(), {"--endpoint-url", options.endpoint_url});
  return command;
}

// Prints the command (secrets shown as ***), then runs it unless `dry_run`.
void run_step(const std::vector<std::string>& command, bool dry_run, const std::vector<std::string>& secrets = {}) {
  std::vector<std::string> shown = command;
  for (auto& argument : shown) {
    for (const auto& secret : secrets) {
      for (std::size_t at; !secret.empty() && (at = argument.find(secret)) != std::string::npos;) argument.replace(at, secret.size(), "***");
    }
  }
  std::cout << "$ " << shell_quoted(shown) << std::endl;
  if (dry_run) return;
  ProcessResult result;
  try {
    result = run_process(command);
  } catch (const std::runtime_error&) {
    throw std::runtime_error("deploy: cannot run the AWS CLI (`aws`): install it (Debian: apt-get install awscli)");
  }
  if (result.exit_code != 0) {
    throw std::runtime_error("deploy: `" + shell_quoted(shown) + "` failed with exit code " +
                             std::to_string(result.exit_code));
  }
}

int deploy_app(const AppEnvironment& environment, const DeployOptions& options) {
  Project project = load_app_project(environment);
  fs::path out_dir = output_directory(project, options.out);
  std::string stage = options.stage.empty() ? project.deploy.stage : options.stage;
  std::string stack = options.stack.empty() ? project.name + "-" + stage : options.stack;

  deploy::PackageResult zip = package(project, out_dir);
  fs::path template_file = out_dir / (project.name + ".template.json");
  std::string template_text = synthesize_app_template(project, SynthRequest{stage, false});
  std::ofstream(template_file, std::ios::binary) << template_text;
  log::notice("synth: wrote " + template_file.string());

  // The key names the zip's content: new code gets a new key, and CloudFormation updates the functions.
  std::string key = project.name + "/" + zip.sha256.substr(0, 16) + ".zip";
  run_step(aws(options, {"s3", "cp", zip.zip.string(), "s3://" + options.bucket + "/" + key, "--only-show-errors"}),
           options.dry_run);
  std::vector<std::string> deploy_arguments{
      "cloudformation", "deploy", "--template-file", template_file.string(), "--stack-name", stack,
      "--capabilities", "CAPABILITY_IAM", "--no-fail-on-empty-changeset", "--parameter-overrides",
      std::string(deploy::kCodeBucketParameter) + "=" + options.bucket, std::string(deploy::kCodeKeyParameter) + "=" + key};
  // HS256 authorizers' secrets, from the variables strata.json names, as it is locally.
  std::vector<std::string> secrets;
  for (const AuthorizerConfig* authorizer : deploy::deployed_hs256_authorizers(project)) {
    const char* secret = std::getenv(authorizer->secret_env.c_str());
    if (!secret || !*secret) {
      throw std::runtime_error("deploy: auth." + authorizer->name + " signs with the secret in $" + authorizer->secret_env +
                               ", which is not set: set it to the secret the deployed authorizer should check");
    }
    secrets.emplace_back(secret);
    deploy_arguments.push_back(deploy::secret_parameter(authorizer->name) + "=" + secret);
  }
  if (template_text.size() > kInlineTemplateLimit) {
    // The CLI uploads the template itself (to AWS's S3 endpoint, whatever --endpoint-url says).
    deploy_arguments.insert(deploy_arguments.end(), {"--s3-bucket", options.bucket, "--s3-prefix", project.name + "/templates"});
  }
  run_step(aws(options, deploy_arguments), options.dry_run, secrets);
  run_step(aws(options, {"cloudformation", "describe-stacks", "--stack-name", stack, "--query", "Stacks[0].Outputs",
                         "--output", "table"}),
           options.dry_run);
  if (!options.dry_run) log::notice("deploy: stack " + stack + " is up to date");
  return kExitOk;
}

}  // namespace

void add_package_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  auto out = std::make_shared<std::string>();
  CLI::App* command = app.add_subcommand(
      "package", "Build the Lambda zip: bootstrap, this binary, its shared libraries and loader, the migrations");
  command->add_option("--out", *out, "Write DIR/<app>.zip (default: <app>/.strata/deploy)");
  command->callback([&environment, &exit_code, out] {
    Project project = load_app_project(environment);
    package(project, output_directory(project, *out));
    exit_code = kExitOk;
  });
}

void add_deploy_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  auto options = std::make_shared<DeployOptions>();
  CLI::App* command = app.add_subcommand(
      "deploy", "Package, synth, upload the zip to S3 and deploy the stack with the AWS CLI; prints the stack's outputs");
  command->add_option("--bucket", options->bucket, "S3 bucket for the zip and the template (must exist)")->required();
  command->add_option("--stack", options->stack, "CloudFormation stack name (default: <app>-<stage>)");
  command->add_option("--stage", options->stage, "The API stage's name (default: strata.json's deploy.stage, else prod)");
  command->add_option("--region", options->region, "AWS region (default: the AWS CLI's configuration)");
  command->add_option("--endpoint-url", options->endpoint_url, "Send the AWS CLI's calls here (e.g. a local moto_server)");
  command->add_option("--out", options->out, "Folder for the zip and the template (default: <app>/.strata/deploy)");
  command->add_flag("--dry-run", options->dry_run, "Package and synth, then print the AWS CLI commands instead of running them");
  command->callback([&environment, &exit_code, options] { exit_code = deploy_app(environment, *options); });
}

}  // namespace strata::cli
