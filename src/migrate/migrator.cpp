#include "migrate/migrator.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>

#include "core/clock.hpp"
#include "core/sha256.hpp"
#include "migrate/statement_splitter.hpp"

namespace strata::migrate {
namespace {

std::string installed_by() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "strata";
}

Dialect dialect_of(const db::Client& client) { return client.engine() == "mysql" ? Dialect::kMysql : Dialect::kSqlite; }

}  // namespace

const char* state_name(State state) {
  switch (state) {
    case State::kApplied: return "applied";
    case State::kPending: return "pending";
    case State::kFailed: return "failed";
    case State::kModified: return "modified";
    case State::kMissing: return "missing";
  }
  return "unknown";
}

Migrator::Migrator(db::Client& client, const std::filesystem::path& directory)
    : client_(client), directory_(directory), scripts_(discover_scripts(directory, client.engine())) {}

std::vector<MigrationStatus> Migrator::status() {
  ensure_history_table(client_);
  std::vector<HistoryRow> history = read_history(client_);
  // The latest row per version decides its state.
  std::map<std::string, const HistoryRow*> latest;
  for (const HistoryRow& row : history) latest[row.version] = &row;

  std::vector<MigrationStatus> report;
  for (const MigrationScript& script : scripts_) {
    MigrationStatus entry{script.version.text(), script.description, script.file_name, State::kPending, std::nullopt};
    auto found = latest.find(script.version.text());
    if (found != latest.end()) {
      const HistoryRow& row = *found->second;
      entry.applied = row;
      entry.state = !row.success ? State::kFailed : row.checksum == script.checksum ? State::kApplied : State::kModified;
      latest.erase(found);
    }
    report.push_back(std::move(entry));
  }
  for (const auto& [version, row] : latest) {
    report.push_back({version, row->description, row->script, row->success ? State::kMissing : State::kFailed, *row});
  }
  std::sort(report.begin(), report.end(), [](const MigrationStatus& a, const MigrationStatus& b) {
    auto va = Version::parse(a.version), vb = Version::parse(b.version);
    return va && vb ? *va < *vb : a.version < b.version;
  });
  return report;
}

std::vector<AppliedMigration> Migrator::up(const std::function<void(const AppliedMigration&)>& on_applied) {
  ensure_history_table(client_);
  std::vector<AppliedMigration> applied;
  for (const MigrationScript& script : scripts_) {
    std::optional<AppliedMigration> result;
    if (client_.engine() == "sqlite") {
      // BEGIN IMMEDIATE takes the write lock first: a second migrator waits here,
      // then sees the version recorded and skips it.
      client_.execute("BEGIN IMMEDIATE");
      try {
        bool done = false;
        for (const HistoryRow& row : read_history(client_)) {
          if (row.version == script.version.text() && row.success) done = true;
        }
        if (!done) result = apply(script);
        client_.commit();
      } catch (...) {
        client_.rollback();
        throw;
      }
    } else {
      throw MigrationError("migrations on " + std::string(client_.engine()) + " are not supported yet");
    }
    if (result) {
      if (on_applied) on_applied(*result);
      applied.push_back(std::move(*result));
    }
  }
  return applied;
}

AppliedMigration Migrator::apply(const MigrationScript& script) {
  auto started = std::chrono::steady_clock::now();
  std::vector<Statement> statements;
  try {
    statements = split_statements(script.content, dialect_of(client_));
  } catch (const std::runtime_error& error) {
    throw MigrationError((directory_ / script.file_name).string() + ": " + error.what());
  }
  std::string hashes;
  for (const Statement& statement : statements) {
    try {
      client_.execute(statement.text);
    } catch (const db::Error& error) {
      throw MigrationError((directory_ / script.file_name).string() + ":" + std::to_string(statement.line) +
                           ": migration " + script.version.text() + " failed: " + error.what());
    }
    if (!hashes.empty()) hashes += ',';
    hashes += sha256_hex(statement.text);
  }
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  HistoryRow row;
  row.version = script.version.text();
  row.description = script.description;
  row.script = script.file_name;
  row.checksum = script.checksum;
  row.installed_by = installed_by();
  row.installed_on = clock::sql_datetime(std::chrono::system_clock::now());
  row.execution_time_us = took.count();
  row.success = true;
  row.statements_applied = static_cast<std::int64_t>(statements.size());
  row.statement_hashes = hashes;
  append_history(client_, row);
  return {script.version.text(), script.file_name, statements.size(), took};
}

}  // namespace strata::migrate
