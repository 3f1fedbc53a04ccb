#include "cli/run_main.hpp"

#include <iostream>

#include "aws/credentials.hpp"
#include "cli/exit_codes.hpp"
#include "core/project.hpp"
#include "db/database.hpp"
#include "migrate/migration_script.hpp"
#include "migrate/migrator.hpp"

namespace strata::cli {

int parse_and_run(CLI::App& app, int argc, char** argv, const int& exit_code) {
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

int run_main(const std::function<int()>& body) {
  auto fail = [](const std::exception& error, int code) {
    std::cerr << "error: " << error.what() << '\n';
    return code;
  };
  try {
    return body();
  } catch (const ProjectError& error) {
    return fail(error, kExitUsage);
  } catch (const db::UrlError& error) {
    return fail(error, kExitUsage);
  } catch (const migrate::MigrationError& error) {
    return fail(error, kExitMigrationFailed);
  } catch (const migrate::LockTimeoutError& error) {
    return fail(error, kExitLockTimeout);
  } catch (const migrate::ValidationError& error) {
    return fail(error, kExitValidation);
  } catch (const migrate::ScriptError& error) {
    return fail(error, kExitValidation);
  } catch (const aws::CredentialsError& error) {
    return fail(error, kExitUsage);
  } catch (const std::exception& error) {
    return fail(error, kExitError);
  }
}

}  // namespace strata::cli
