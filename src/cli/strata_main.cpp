// The `strata` tool: what needs no app code. `strata migrate --db URL --dir PATH ...`,
// `strata data-api`, `strata new NAME`.
#include <CLI/CLI.hpp>

#include <iostream>

#include "cli/data_api_command.hpp"
#include "cli/exit_codes.hpp"
#include "cli/migrate_command.hpp"
#include "cli/new_command.hpp"
#include "cli/run_main.hpp"
#include "strata/version.hpp"

int main(int argc, char** argv) {
  using namespace strata::cli;
  return run_main([&] {
    CLI::App app{"strata: tools for Strata apps and their databases", "strata"};
    app.set_version_flag("--version", std::string("strata ") + strata::kVersion);
    app.require_subcommand(1);
    app.footer(kExitCodesHelp);
    int exit_code = kExitOk;
    auto target = std::make_shared<MigrationTarget>();
    add_migrate_command(app, [target] { return *target; }, exit_code);
    CLI::App* migrate = app.get_subcommand("migrate");
    migrate->add_option("--db", target->database_url,
                        "Database URL: sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE (default: $STRATA_DB)")
        ->envname("STRATA_DB")
        ->required();
    migrate->add_option("--dir", target->directory, "The migrations folder")->required();
    add_data_api_command(app, exit_code);
    add_new_command(app, exit_code);
    return parse_and_run(app, argc, argv, exit_code);
  });
}
