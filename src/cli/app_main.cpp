// main() of every Strata app: strata_add_app links this with the app's functions.
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/app_environment.hpp"
#include "cli/exit_codes.hpp"
#include "cli/invoke_command.hpp"
#include "cli/migrate_command.hpp"
#include "cli/run_main.hpp"
#include "cli/package_command.hpp"
#include "cli/serve_command.hpp"
#include "cli/synth_command.hpp"
#include "cli/token_command.hpp"
#include "deploy/builtin_functions.hpp"
#include "lambda/runtime.hpp"
#include "strata/function.hpp"
#include "strata/version.hpp"

namespace {

int run(int argc, char** argv) {
  using namespace strata::cli;
  std::string name = std::filesystem::path(argv[0]).filename().string();
  CLI::App app{name + ": a Strata app (routes in strata.json, functions built in)", name};
  app.set_version_flag("--version", std::string("strata ") + strata::kVersion);
  app.require_subcommand(1);
  app.footer(kExitCodesHelp);
  AppEnvironment environment;
  app.add_option("--app", environment.app_directory, "The app's folder, holding strata.json (default: the current folder)")
      ->check(CLI::ExistingDirectory);

  int exit_code = kExitOk;
  add_serve_command(app, environment, exit_code);
  add_invoke_command(app, environment, exit_code);
  add_token_command(app, environment, exit_code);
  add_migrate_command(
      app,
      [&environment] {
        // Migrations run no function: a route to a function not built yet must not block `migrate new`.
        strata::Project project = strata::load_project(environment.app_directory);
        return MigrationTarget{project.database.migrations, resolve_database_url(environment, project)};
      },
      exit_code);
  add_synth_command(app, environment, exit_code);
  add_package_command(app, environment, exit_code);
  add_deploy_command(app, environment, exit_code);
  app.get_subcommand("migrate")->add_option(
      "--db", environment.database_url,
      "Database URL: sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE (default: $STRATA_DB, else "
      "sqlite:<app>/.strata/<database>.db)");
  CLI::App* functions = app.add_subcommand("functions", "List the functions built into this app");
  functions->callback([] {
    for (const auto& function : strata::function_names()) std::cout << function << '\n';
  });

  return parse_and_run(app, argc, argv, exit_code);
}

}  // namespace

int main(int argc, char** argv) {
  strata::deploy::register_builtin_functions();
  // Started by Lambda (or by serve --lambda): be the custom runtime.
  if (const char* runtime_api = std::getenv("AWS_LAMBDA_RUNTIME_API"); runtime_api && *runtime_api) {
    return strata::lambda::run_runtime(runtime_api);
  }
  return strata::cli::run_main([&] { return run(argc, argv); });
}
