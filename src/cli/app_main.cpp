// main() of every Strata app: strata_add_app links this with the app's functions.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>

#include "cli/app_environment.hpp"
#include "cli/exit_codes.hpp"
#include "cli/migrate_command.hpp"
#include "cli/serve_command.hpp"
#include "core/project.hpp"
#include "db/database.hpp"
#include "migrate/migration_script.hpp"
#include "migrate/migrator.hpp"
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
  add_migrate_command(app, environment, exit_code);
  CLI::App* functions = app.add_subcommand("functions", "List the functions built into this app");
  functions->callback([] {
    for (const auto& function : strata::function_names()) std::cout << function << '\n';
  });

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForAllHelp& help) {
    return app.exit(help);
  } catch (const CLI::CallForVersion& version) {
    return app.exit(version);
  } catch (const CLI::ParseError& error) {
    app.exit(error);
    return kExitUsage;
  }
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace strata;
  try {
    return run(argc, argv);
  } catch (const ProjectError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitUsage;
  } catch (const db::UrlError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitUsage;
  } catch (const migrate::MigrationError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitMigrationFailed;
  } catch (const migrate::LockTimeoutError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitLockTimeout;
  } catch (const migrate::ScriptError& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitValidation;
  } catch (const std::exception& error) {
    std::cerr << "error: " << error.what() << '\n';
    return cli::kExitError;
  }
}
