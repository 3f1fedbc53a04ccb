#pragma once
// `APP migrate status|up`: the migration engine from the command line.
#include <CLI/CLI.hpp>

#include "cli/app_environment.hpp"
#include "strata/db/client.hpp"

namespace strata::cli {

// Adds the migrate subcommand; sets `exit_code` when it runs.
void add_migrate_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

// Applies pending migrations, printing one line each and a summary to stderr.
// Throws migrate::MigrationError / ScriptError.
void apply_pending_migrations(db::Client& client, const std::filesystem::path& directory);

}  // namespace strata::cli
