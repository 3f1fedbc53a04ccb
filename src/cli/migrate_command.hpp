#pragma once
// `migrate status|up|plan|validate|repair|baseline|new|hash`: the migration engine
// from the command line, in an app (`blog migrate ...`) and in the `strata` tool.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <string>

#include "strata/db/client.hpp"

namespace strata::cli {

// Where a migrate command finds its scripts and its database.
struct MigrationTarget {
  std::filesystem::path directory;
  std::string database_url;
};

// Adds the migrate subcommand to `app`; `resolve` is called when a command runs
// (after parsing). Sets `exit_code`.
void add_migrate_command(CLI::App& app, std::function<MigrationTarget()> resolve, int& exit_code);

// Applies pending migrations, printing one line each and a summary to stderr.
// Throws migrate::MigrationError, ValidationError, LockTimeoutError, ScriptError.
void apply_pending_migrations(db::Client& client, const std::filesystem::path& directory);

}  // namespace strata::cli
