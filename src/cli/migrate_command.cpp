#include "cli/migrate_command.hpp"

#include <cstdio>
#include <iostream>
#include <memory>

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
  std::printf("%-10s %-9s %-40s %-20s %s\n", "VERSION", "STATE", "SCRIPT", "APPLIED AT", "TOOK");
  for (const auto& entry : report) {
    std::printf("%-10s %-9s %-40s %-20s %s\n", entry.version.c_str(), migrate::state_name(entry.state),
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
    writer.Key("success");
    entry.applied ? writer.Bool(entry.applied->success) : writer.Null();
    writer.EndObject();
  }
  writer.EndArray();
  std::printf("%s\n", buffer.GetString());
}

std::optional<migrate::Version> parse_target(const std::string& text) {
  if (text.empty()) return std::nullopt;
  auto version = migrate::Version::parse(text);
  if (!version) throw CLI::ValidationError("--target", "'" + text + "' is not a version like 3 or 1.2");
  return version;
}

struct MigrateOptions {
  bool json = false;
  std::string target;
  std::string baseline_version;
  std::string description;
  unsigned lock_timeout_seconds = 60;
};

// Runs `body` with a Migrator on the target's database.
int with_migrator(const std::function<MigrationTarget()>& resolve, const MigrateOptions& options,
                  const std::function<int(migrate::Migrator&, db::Client&)>& body) {
  MigrationTarget target = resolve();
  auto database = db::open_database(target.database_url);
  auto client = database->connect();
  migrate::Migrator migrator(*client, target.directory, std::chrono::seconds(options.lock_timeout_seconds));
  return body(migrator, *client);
}

void report_applied(const migrate::AppliedMigration& migration) {
  log::notice("migrate: applied " + migration.script + " (" + std::to_string(migration.statements) +
              " statements) in " + milliseconds(migration.took.count()));
}

void report_summary(const migrate::Migrator& migrator, std::size_t applied, std::chrono::microseconds took) {
  std::string version = migrator.scripts().empty() ? "none" : migrator.scripts().back().version.text();
  if (applied == 0) {
    log::notice("migrate: database is up to date (scripts up to version " + version + ")");
  } else {
    log::notice("migrate: " + std::to_string(applied) + " migration" + (applied == 1 ? "" : "s") + " applied in " +
                milliseconds(took.count()) + "; scripts up to version " + version);
  }
}

}  // namespace

void apply_pending_migrations(db::Client& client, const std::filesystem::path& directory) {
  auto started = std::chrono::steady_clock::now();
  migrate::Migrator migrator(client, directory);
  auto applied = migrator.up(report_applied);
  report_summary(migrator, applied.size(),
                 std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
}

void add_migrate_command(CLI::App& app, std::function<MigrationTarget()> resolve, int& exit_code) {
  auto options = std::make_shared<MigrateOptions>();
  CLI::App* migrate = app.add_subcommand("migrate", "Migrate the database: status, up, plan, validate, repair, baseline, new, hash");
  migrate->require_subcommand(1);
  migrate->fallthrough();
  migrate->footer(kExitCodesHelp);
  migrate->add_option("--lock-timeout", options->lock_timeout_seconds,
                      "Seconds to wait for another migrator of the same database (MySQL GET_LOCK; SQLite's write lock)")
      ->capture_default_str();

  auto add = [&](const char* name, const char* description) {
    CLI::App* command = migrate->add_subcommand(name, description);
    command->fallthrough();
    return command;
  };

  CLI::App* status = add("status", "List every script and applied version: applied, pending, failed, modified, missing, baseline");
  status->add_flag("--json", options->json, "Print a JSON array instead of a table");
  status->callback([resolve, options, &exit_code] {
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      auto report = migrator.status();
      options->json ? print_status_json(report) : print_status_table(report);
      return kExitOk;
    });
  });

  CLI::App* up = add("up", "Apply pending migrations in version order, each once; refuses while validate fails");
  up->add_option("--target", options->target, "Stop after this version");
  up->callback([resolve, options, &exit_code] {
    auto target = parse_target(options->target);
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      auto started = std::chrono::steady_clock::now();
      auto applied = migrator.up(report_applied, target);
      report_summary(migrator, applied.size(),
                     std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started));
      return kExitOk;
    });
  });

  CLI::App* plan = add("plan", "Print what up would run, statement by statement, without touching the database");
  plan->add_option("--target", options->target, "Stop after this version");
  plan->callback([resolve, options, &exit_code] {
    auto target = parse_target(options->target);
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      auto planned = migrator.plan(target);
      if (planned.empty()) std::printf("nothing to apply\n");
      for (const auto& migration : planned) {
        std::printf("-- %s (version %s)%s\n", migration.script.c_str(), migration.version.c_str(),
                    migration.first ? (", resuming at statement " + std::to_string(migration.first + 1)).c_str() : "");
        for (std::size_t i = migration.first; i < migration.statements.size(); ++i) {
          std::printf("-- statement %zu, line %d\n%s;\n", i + 1, migration.statements[i].line,
                      migration.statements[i].text.c_str());
        }
      }
      return kExitOk;
    });
  });

  CLI::App* validate = add("validate", "Check the scripts against the history: edited, missing, failed, out of order");
  validate->callback([resolve, options, &exit_code] {
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      auto problems = migrator.validate();
      for (const auto& problem : problems) std::printf("%s\n", problem.message.c_str());
      if (problems.empty()) std::printf("valid: %zu scripts agree with the history\n", migrator.scripts().size());
      return problems.empty() ? kExitOk : kExitValidation;
    });
  });

  CLI::App* repair = add("repair", "After a human fixed things: remove failed rows, re-record checksums of edited scripts");
  repair->callback([resolve, options, &exit_code] {
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      auto changes = migrator.repair();
      for (const auto& change : changes) std::printf("%s\n", change.c_str());
      if (changes.empty()) std::printf("nothing to repair\n");
      return kExitOk;
    });
  });

  CLI::App* baseline = add("baseline", "Adopt an existing database: record VERSION as applied without running anything");
  baseline->add_option("--version", options->baseline_version, "The version the database already has")->required();
  baseline->callback([resolve, options, &exit_code] {
    auto version = migrate::Version::parse(options->baseline_version);
    if (!version) throw CLI::ValidationError("--version", "'" + options->baseline_version + "' is not a version");
    exit_code = with_migrator(resolve, *options, [&](migrate::Migrator& migrator, db::Client&) {
      migrator.baseline(*version);
      std::printf("baselined at version %s: scripts up to it will not run\n", version->text().c_str());
      return kExitOk;
    });
  });

  CLI::App* create = add("new", "Create the next script, V<N>__description.sql");
  create->add_option("description", options->description, "What the migration does, e.g. \"add tags\"")->required();
  create->callback([resolve, options, &exit_code] {
    std::printf("%s\n", migrate::create_next_script(resolve().directory, options->description).string().c_str());
    exit_code = kExitOk;
  });

  CLI::App* hash = add("hash", "Print the SHA-256 over the migration set that deploys use to notice a change");
  hash->callback([resolve, &exit_code] {
    std::printf("%s\n", migrate::migration_set_hash(resolve().directory).c_str());
    exit_code = kExitOk;
  });
}

}  // namespace strata::cli
