#include "cli/migrate_command.hpp"

#include <cstdio>
#include <iostream>

#include "cli/exit_codes.hpp"
#include "core/log.hpp"
#include "db/database.hpp"
#include "migrate/migrator.hpp"
#include "strata/json.hpp"

namespace strata::cli {
namespace {

std::string milliseconds(std::int64_t microseconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f ms", static_cast<double>(microseconds) / 1000.0);
  return text;
}

void print_status_table(const std::vector<migrate::MigrationStatus>& report) {
  std::printf("%-10s %-9s %-36s %-20s %s\n", "VERSION", "STATE", "SCRIPT", "APPLIED AT", "TOOK");
  for (const auto& entry : report) {
    std::printf("%-10s %-9s %-36s %-20s %s\n", entry.version.c_str(), migrate::state_name(entry.state),
                entry.script.c_str(), entry.applied ? entry.applied->installed_on.c_str() : "-",
                entry.applied ? milliseconds(entry.applied->execution_time_us).c_str() : "-");
  }
}

void print_status_json(const std::vector<migrate::MigrationStatus>& report) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartArray();
  for (const auto& entry : report) {
    writer.StartObject();
    writer.Key("version");
    writer.String(entry.version.c_str());
    writer.Key("description");
    writer.String(entry.description.c_str());
    writer.Key("script");
    writer.String(entry.script.c_str());
    writer.Key("state");
    writer.String(migrate::state_name(entry.state));
    writer.Key("appliedAt");
    entry.applied ? writer.String(entry.applied->installed_on.c_str()) : writer.Null();
    writer.Key("executionTimeUs");
    entry.applied ? writer.Int64(entry.applied->execution_time_us) : writer.Null();
    writer.Key("checksum");
    entry.applied ? writer.String(entry.applied->checksum.c_str()) : writer.Null();
    writer.EndObject();
  }
  writer.EndArray();
  std::printf("%s\n", buffer.GetString());
}

// Runs `body` with a connection to the app's database, mapping errors to exit codes.
int with_database(AppEnvironment& environment, const std::function<int(db::Client&, const Project&)>& body) {
  Project project = load_app_project(environment);
  auto database = db::open_database(resolve_database_url(environment, project));
  auto client = database->connect();
  return body(*client, project);
}

}  // namespace

void apply_pending_migrations(db::Client& client, const std::filesystem::path& directory) {
  auto started = std::chrono::steady_clock::now();
  migrate::Migrator migrator(client, directory);
  auto applied = migrator.up([](const migrate::AppliedMigration& migration) {
    log::info("migrate: applied " + migration.script + " (" + std::to_string(migration.statements) +
              " statements) in " + milliseconds(migration.took.count()));
  });
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  std::string version = migrator.scripts().empty() ? "none" : migrator.scripts().back().version.text();
  if (applied.empty()) {
    log::info("migrate: database is up to date (version " + version + ")");
  } else {
    log::info("migrate: " + std::to_string(applied.size()) + " migration" + (applied.size() == 1 ? "" : "s") +
              " applied in " + milliseconds(took.count()) + "; database is at version " + version);
  }
}

void add_migrate_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  CLI::App* migrate = app.add_subcommand("migrate", "Migrate the app's database (status, up)");
  migrate->require_subcommand(1);
  migrate->fallthrough();
  migrate->footer(kExitCodesHelp);
  migrate->add_option("--db", environment.database_url,
                      "Database URL: sqlite:PATH (default: $STRATA_DB, else sqlite:<app>/.strata/<database>.db)");

  CLI::App* status = migrate->add_subcommand("status", "List every script and applied version with its state");
  status->fallthrough();
  auto as_json = std::make_shared<bool>(false);
  status->add_flag("--json", *as_json, "Print the status as a JSON array");
  status->callback([&environment, &exit_code, as_json] {
    exit_code = with_database(environment, [as_json](db::Client& client, const Project& project) {
      migrate::Migrator migrator(client, project.database.migrations);
      auto report = migrator.status();
      *as_json ? print_status_json(report) : print_status_table(report);
      return kExitOk;
    });
  });

  CLI::App* up = migrate->add_subcommand("up", "Apply pending migrations in version order");
  up->fallthrough();
  up->callback([&environment, &exit_code] {
    exit_code = with_database(environment, [](db::Client& client, const Project& project) {
      apply_pending_migrations(client, project.database.migrations);
      return kExitOk;
    });
  });
}

}  // namespace strata::cli
