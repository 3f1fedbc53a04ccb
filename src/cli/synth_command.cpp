#include "cli/synth_command.hpp"

#include <fstream>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "core/log.hpp"
#include "deploy/cloudformation_template.hpp"
#include "migrate/migration_script.hpp"

namespace strata::cli {

std::string synthesize_app_template(const Project& project, const SynthRequest& request) {
  deploy::SynthOptions options;
  options.stage = request.stage.empty() ? project.deploy.stage : request.stage;
  options.architecture = deploy::build_architecture();
  if (!project.deploy.architecture.empty() && project.deploy.architecture != options.architecture) {
    // The zip carries this binary: a template for another architecture could not run it.
    throw ProjectError(project.file.string() + ": deploy.architecture: is \"" + project.deploy.architecture +
                       "\" but this app binary is built for " + options.architecture +
                       "; build it for that architecture, or change deploy.architecture");
  }
  options.scripts_hash = migrate::migration_set_hash(project.database.migrations);
  return deploy::synthesize_template(project, options).to_string(request.pretty);
}

void add_synth_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  struct Options {
    std::string out;
    SynthRequest request;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "synth", "Write the app's CloudFormation template (Aurora MySQL Serverless v2 with the Data API, one Lambda per "
               "function, the API, the migration custom resource)");
  command->add_option("--out", options->out, "Write DIR/<app>.template.json instead of printing the template");
  command->add_option("--stage", options->request.stage, "The API stage's name (default: strata.json's deploy.stage, else prod)");
  command->callback([&environment, &exit_code, options] {
    Project project = load_app_project(environment);
    std::string text = synthesize_app_template(project, options->request);
    if (options->out.empty()) {
      std::cout << text;
    } else {
      std::filesystem::create_directories(options->out);
      std::filesystem::path file = std::filesystem::path(options->out) / (project.name + ".template.json");
      std::ofstream(file, std::ios::binary) << text;
      log::notice("synth: wrote " + file.string());
    }
    exit_code = kExitOk;
  });
}

}  // namespace strata::cli
