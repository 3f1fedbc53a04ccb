#include "migrate/migrator.hpp"

#include <algorithm>
#include <cstdlib>
#include <map>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"

namespace strata::migrate {
namespace {

std::string installed_by() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "strata";
}

Dialect dialect_of(const db::Client& client) { return client.engine() == "mysql" ? Dialect::kMysql : Dialect::kSqlite; }

std::vector<std::string> split_hashes(const std::string& joined) {
  std::vector<std::string> hashes;
  std::size_t start = 0;
  while (start < joined.size()) {
    std::size_t end = joined.find(',', start);
    if (end == std::string::npos) end = joined.size();
    hashes.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return hashes;
}

std::string join_hashes(const std::vector<Statement>& statements, std::size_t count) {
  std::string joined;
  for (std::size_t i = 0; i < count; ++i) {
    if (i) joined += ',';
    joined += sha256_hex(statements[i].text);
  }
  return joined;
}

// The newest history row of `version`, or nullptr.
const HistoryRow* latest_row(const std::vector<HistoryRow>& history, const std::string& version) {
  const HistoryRow* latest = nullptr;
  for (const HistoryRow& row : history) {
    if (row.version == version) latest = &row;
  }
  return latest;
}

// MySQL's named lock, scoped to the database: released by the server when the
// connection ends, so a killed migrator never leaves it held.
class MysqlLock {
 public:
  MysqlLock(db::Client& client, std::chrono::seconds timeout) : client_(client) {
    auto result = client_.execute("SELECT GET_LOCK(CONCAT('strata_migrate:', DATABASE()), :timeout)",
                                  {{"timeout", static_cast<long long>(timeout.count())}});
    const db::Field& granted = result.records.at(0).at(0);
    if (granted.is_null() || granted.as_long() != 1) {
      throw LockTimeoutError("another migrator has held this database's migration lock for more than " +
                             std::to_string(timeout.count()) + " s; try again when it is done");
    }
  }
  ~MysqlLock() {
    try {
      client_.execute("SELECT RELEASE_LOCK(CONCAT('strata_migrate:', DATABASE()))");
    } catch (const db::Error&) {
      // The connection is gone, and the server released the lock with it.
    }
  }

 private:
  db::Client& client_;
};

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

Migrator::Migrator(db::Client& client, const std::filesystem::path& directory, std::chrono::seconds lock_timeout)
    : client_(client),
      directory_(directory),
      lock_timeout_(lock_timeout),
      scripts_(discover_scripts(directory, client.engine())) {}

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
  bool transactional_ddl = client_.engine() == "sqlite";
  std::optional<MysqlLock> lock;
  if (!transactional_ddl) lock.emplace(client_, lock_timeout_);
  std::vector<AppliedMigration> applied;
  for (const MigrationScript& script : scripts_) {
    std::optional<AppliedMigration> result = transactional_ddl ? apply_in_transaction(script) : apply_resumable(script);
    if (result) {
      if (on_applied) on_applied(*result);
      applied.push_back(std::move(*result));
    }
  }
  return applied;
}

std::vector<Statement> Migrator::split(const MigrationScript& script) const {
  try {
    return split_statements(script.content, dialect_of(client_));
  } catch (const std::runtime_error& error) {
    throw MigrationError((directory_ / script.file_name).string() + ": " + error.what());
  }
}

void Migrator::run_statements(const MigrationScript& script, const std::vector<Statement>& statements,
                              std::size_t first, bool record_failure) {
  for (std::size_t i = first; i < statements.size(); ++i) {
    try {
      client_.execute(statements[i].text);
    } catch (const db::Error& error) {
      std::string where = (directory_ / script.file_name).string() + ":" + std::to_string(statements[i].line);
      if (record_failure) {
        HistoryRow row;
        row.version = script.version.text();
        row.description = script.description;
        row.script = script.file_name;
        row.checksum = script.checksum;
        row.installed_by = installed_by();
        row.installed_on = clock::sql_datetime(std::chrono::system_clock::now());
        row.success = false;
        row.statements_applied = static_cast<std::int64_t>(i);
        row.statement_hashes = join_hashes(statements, i);
        delete_failed_rows(client_, row.version);
        append_history(client_, row);
      }
      throw MigrationError(where + ": migration " + script.version.text() + " failed at statement " +
                           std::to_string(i + 1) + " of " + std::to_string(statements.size()) + ": " + error.what() +
                           (record_failure && i > 0 ? " (statements 1 to " + std::to_string(i) +
                                                          " were applied and stay applied: MySQL commits DDL at once; "
                                                          "fix the failing statement and run up again to resume there)"
                                                    : ""));
    }
  }
}

AppliedMigration Migrator::record_success(const MigrationScript& script, const std::vector<Statement>& statements,
                                          std::chrono::steady_clock::time_point started) {
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
  row.statement_hashes = join_hashes(statements, statements.size());
  append_history(client_, row);
  return {script.version.text(), script.file_name, statements.size(), took};
}

std::optional<AppliedMigration> Migrator::apply_in_transaction(const MigrationScript& script) {
  // BEGIN IMMEDIATE takes the write lock first: a second migrator waits here,
  // then sees the version recorded and skips it.
  client_.execute("BEGIN IMMEDIATE");
  try {
    std::optional<AppliedMigration> result;
    const HistoryRow* latest = nullptr;
    std::vector<HistoryRow> history = read_history(client_);
    latest = latest_row(history, script.version.text());
    if (!latest || !latest->success) {
      auto started = std::chrono::steady_clock::now();
      std::vector<Statement> statements = split(script);
      run_statements(script, statements, 0, false);
      result = record_success(script, statements, started);
    }
    client_.commit();
    return result;
  } catch (...) {
    client_.rollback();
    throw;
  }
}

std::optional<AppliedMigration> Migrator::apply_resumable(const MigrationScript& script) {
  std::vector<HistoryRow> history = read_history(client_);
  const HistoryRow* latest = latest_row(history, script.version.text());
  if (latest && latest->success) return std::nullopt;
  auto started = std::chrono::steady_clock::now();
  std::vector<Statement> statements = split(script);
  std::size_t first = 0;
  if (latest) {
    // A failed earlier attempt: resume only if what already ran is what the file still says.
    std::vector<std::string> ran = split_hashes(latest->statement_hashes);
    auto applied = static_cast<std::size_t>(latest->statements_applied);
    bool unchanged = ran.size() == applied && applied <= statements.size();
    for (std::size_t i = 0; unchanged && i < applied; ++i) unchanged = ran[i] == sha256_hex(statements[i].text);
    if (!unchanged) {
      throw MigrationError((directory_ / script.file_name).string() + ": migration " + script.version.text() +
                           " failed earlier after " + std::to_string(applied) +
                           " statements, and those statements have changed since: the database no longer matches "
                           "the script. Bring the database in line by hand, then run `migrate repair`");
    }
    first = applied;
    if (first > 0) {
      log::info("migrate: resuming " + script.file_name + " at statement " + std::to_string(first + 1) + " of " +
                std::to_string(statements.size()));
    }
  }
  run_statements(script, statements, first, true);
  delete_failed_rows(client_, script.version.text());
  return record_success(script, statements, started);
}

}  // namespace strata::migrate
