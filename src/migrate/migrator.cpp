#include "migrate/migrator.hpp"

#include <algorithm>
#include <cstdlib>
#include <exception>
#include <map>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "core/sha256.hpp"
#include "core/split.hpp"
#include "db/sql_keyword.hpp"

namespace strata::migrate {
namespace {

std::string installed_by() {
  if (const char* user = std::getenv("USER"); user && *user) return user;
  return "strata";
}

Dialect dialect_of(const db::Client& client) { return client.engine() == "mysql" ? Dialect::kMysql : Dialect::kSqlite; }

std::string join_hashes(const std::vector<Statement>& statements, std::size_t count) {
  std::string joined;
  for (std::size_t i = 0; i < count; ++i) {
    if (i) joined += ',';
    joined += sha256_hex(statements[i].text);
  }
  return joined;
}

// Data statements run in a transaction with their history row: they and their record commit together.
bool is_data_statement(const std::string& sql) {
  std::string keyword = db::first_keyword(sql);
  return keyword == "INSERT" || keyword == "UPDATE" || keyword == "DELETE" || keyword == "REPLACE";
}

// MySQL's answers to a schema change run a second time: "already exists" to a create,
// "does not exist" to a drop. To a statement that was in flight when its migrator
// stopped, they say it took effect then. (Not "no such table" or "unknown column":
// those come from typos as often as from a rename that ran.)
bool says_already_applied(const db::Error& error) {
  switch (error.code()) {
    case 1007:  // ER_DB_CREATE_EXISTS
    case 1008:  // ER_DB_DROP_EXISTS
    case 1050:  // ER_TABLE_EXISTS_ERROR (tables, views, a rename's target)
    case 1051:  // ER_BAD_TABLE_ERROR (DROP TABLE)
    case 1060:  // ER_DUP_FIELDNAME (ADD COLUMN)
    case 1061:  // ER_DUP_KEYNAME (CREATE INDEX, ADD INDEX)
    case 1091:  // ER_CANT_DROP_FIELD_OR_KEY (DROP COLUMN, DROP INDEX)
    case 1304:  // ER_SP_ALREADY_EXISTS
    case 1305:  // ER_SP_DOES_NOT_EXIST
    case 1359:  // ER_TRG_ALREADY_EXISTS
    case 1360:  // ER_TRG_DOES_NOT_EXIST
    case 1826:  // ER_FK_DUP_NAME
      return true;
    default:
      return false;
  }
}

constexpr const char* kRanWhenCut =
    " (it was running when an earlier migrator stopped, and may have taken effect then)";

// The newest history row of `version`, or nullptr.
const HistoryRow* latest_row(const std::vector<HistoryRow>& history, const std::string& version) {
  const HistoryRow* latest = nullptr;
  for (const HistoryRow& row : history) {
    if (row.version == version) latest = &row;
  }
  return latest;
}

}  // namespace

// MySQL's named lock, scoped to the database: released by the server when the
// connection ends, so a killed migrator never leaves it held. The name hashes the
// database's so that it stays within MySQL 8's 64 characters.
class Migrator::MysqlLock {
 private:
  static constexpr std::string_view kName = "CONCAT('strata_migrate:', LEFT(SHA2(DATABASE(), 256), 40))";


 public:
  MysqlLock(db::Client& client, std::chrono::seconds timeout) : client_(client) {
    generation_ = client_.connection_generation();
    auto result = client_.execute("SELECT GET_LOCK(" + std::string(kName) + ", :timeout)",
                                  {{"timeout", static_cast<long long>(timeout.count())}});
    const db::Field& granted = result.records.at(0).at(0);
    if (granted.is_null() || granted.as_long() != 1) {
      throw LockTimeoutError("another migrator has held this database's migration lock for more than " +
                             std::to_string(timeout.count()) + " s; try again when it is done");
    }
  }
  ~MysqlLock() {
    try {
      client_.execute("SELECT RELEASE_LOCK(" + std::string(kName) + ")");
    } catch (const db::Error&) {
      // The connection is gone, and the server released the lock with it.
    }
  }

  // A dropped connection loses the lock (the server releases it with the
  // connection) while another migrator may take it; the client reconnects by
  // itself for reads. Same connection, same lock: nothing may run or be recorded
  // once it changed. Throws MigrationError.
  void check_held() const {
    if (client_.connection_generation() != generation_) lost();
  }

 private:
  [[noreturn]] static void lost() {
    throw MigrationError("lost the migration lock (the database connection dropped); stopped without recording "
                         "anything more. Run up again: it resumes or finds the work done");
  }

  db::Client& client_;
  std::uint64_t generation_ = 0;
};


const char* state_name(State state) {
  switch (state) {
    case State::kApplied: return "applied";
    case State::kPending: return "pending";
    case State::kFailed: return "failed";
    case State::kModified: return "modified";
    case State::kMissing: return "missing";
    case State::kBaseline: return "baseline";
  }
  return "unknown";
}

Migrator::~Migrator() = default;

Migrator::Migrator(db::Client& client, const std::filesystem::path& directory, std::chrono::seconds lock_timeout)
    : client_(client),
      directory_(directory),
      lock_timeout_(lock_timeout),
      scripts_(discover_scripts(directory, client.engine())) {
  if (client_.engine() == "sqlite") {
    // SQLite's write lock is the migration lock: wait for it as long as asked.
    client_.execute("PRAGMA busy_timeout = " + std::to_string(lock_timeout_.count() * 1000));
  }
}

namespace {

// The version a baseline row adopted, if any.
std::optional<Version> baseline_version(const std::vector<HistoryRow>& history) {
  std::optional<Version> baseline;
  for (const HistoryRow& row : history) {
    if (row.script == kBaselineScript && row.success) baseline = Version::parse(row.version);
  }
  return baseline;
}

}  // namespace

std::vector<MigrationStatus> Migrator::status() { return status_of(read_history(client_)); }

std::vector<MigrationStatus> Migrator::status_of(const std::vector<HistoryRow>& history) const {
  std::optional<Version> baseline = baseline_version(history);
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
      if (row.script == kBaselineScript) {
        entry.state = State::kBaseline;
      } else {
        entry.state = !row.success ? State::kFailed : row.checksum == script.checksum ? State::kApplied : State::kModified;
      }
      latest.erase(found);
    } else if (baseline && script.version <= *baseline) {
      entry.state = State::kBaseline;
    }
    report.push_back(std::move(entry));
  }
  for (const auto& [version, row] : latest) {
    State state = row->script == kBaselineScript ? State::kBaseline : row->success ? State::kMissing : State::kFailed;
    report.push_back({version, row->description, row->script, state, *row});
  }
  std::sort(report.begin(), report.end(), [](const MigrationStatus& a, const MigrationStatus& b) {
    auto va = Version::parse(a.version), vb = Version::parse(b.version);
    return va && vb ? *va < *vb : a.version < b.version;
  });
  return report;
}

std::vector<Problem> Migrator::validate() { return problems_of(status()); }

std::vector<Problem> Migrator::problems_of(const std::vector<MigrationStatus>& report) const {
  std::optional<Version> newest_script;
  for (const MigrationScript& script : scripts_) newest_script = script.version;
  std::optional<Version> newest_applied;
  for (const MigrationStatus& entry : report) {
    if (entry.state == State::kApplied || entry.state == State::kModified) newest_applied = Version::parse(entry.version);
  }
  std::vector<Problem> problems;
  for (const MigrationStatus& entry : report) {
    auto version = Version::parse(entry.version);
    switch (entry.state) {
      case State::kModified:
        problems.push_back({Problem::Kind::kModified, entry.version, entry.script,
                            entry.script + " was applied with checksum " + entry.applied->checksum.substr(0, 12) +
                                "…, but the file has changed since"});
        break;
      case State::kMissing:
        // Above every script the database is simply ahead (a rolled-back deploy): not a problem.
        if (newest_script && version && *version < *newest_script) {
          problems.push_back({Problem::Kind::kMissing, entry.version, entry.script,
                              "version " + entry.version + " was applied from " + entry.script +
                                  ", which is no longer in the migrations folder"});
        }
        break;
      case State::kFailed:
        problems.push_back({Problem::Kind::kFailed, entry.version, entry.script,
                            has_statement_in_flight(*entry.applied)
                                ? entry.script + " was cut off during statement " +
                                      std::to_string(entry.applied->statements_applied + 1) +
                                      " (a migrator stopped); run up to resume"
                                : entry.script + " failed after " + std::to_string(entry.applied->statements_applied) +
                                      " statements; fix it and run up to resume, or repair"});
        break;
      case State::kPending:
        if (newest_applied && version && *version < *newest_applied) {
          problems.push_back({Problem::Kind::kOutOfOrder, entry.version, entry.script,
                              entry.script + " is pending but version " + newest_applied->text() +
                                  " is already applied: it would run out of order"});
        }
        break;
      default:
        break;
    }
  }
  return problems;
}

void Migrator::refuse_on_problems(const std::vector<Problem>& problems) const {
  std::string message;
  for (const Problem& problem : problems) {
    if (problem.kind == Problem::Kind::kFailed) continue;  // up resumes these itself
    message += "\n  " + problem.message;
  }
  if (!message.empty()) {
    throw ValidationError("refusing to migrate " + directory_.string() + ": validate fails:" + message +
                          "\n(run `migrate validate` for the list, `migrate repair` once the database is right)");
  }
}

std::vector<PlannedMigration> Migrator::plan(const std::optional<Version>& target) {
  std::vector<HistoryRow> history = read_history(client_);
  refuse_on_problems(problems_of(status_of(history)));
  std::optional<Version> baseline = baseline_version(history);
  std::vector<PlannedMigration> planned;
  for (const MigrationScript& script : scripts_) {
    if (target && *target < script.version) break;
    if (baseline && script.version <= *baseline) continue;
    const HistoryRow* latest = latest_row(history, script.version.text());
    if (latest && latest->success) continue;
    std::vector<Statement> statements = split(script);
    std::size_t first = latest ? resume_point(script, statements, *latest).first : 0;
    planned.push_back({script.version.text(), script.file_name, std::move(statements), first});
  }
  return planned;
}

std::vector<AppliedMigration> Migrator::up(const std::function<void(const AppliedMigration&)>& on_applied,
                                           const std::optional<Version>& target) {
  if (client_.engine() == "sqlite" || client_.keeps_session()) {
    inside_run_transaction_ = false;
    return run_up(on_applied, target);
  }
  // The Data API: calls share no session, but a transaction pins one connection.
  // One for the whole run lets the migration lock be held and a script's session
  // settings (SET FOREIGN_KEY_CHECKS = 0) hold; MySQL commits the DDL as it goes.
  client_.begin();
  inside_run_transaction_ = true;
  try {
    auto applied = run_up(on_applied, target);
    client_.commit();
    return applied;
  } catch (const MigrationError&) {
    client_.commit();  // keep the failed row
    throw;
  } catch (...) {
    rollback_quietly();
    throw;
  }
}

std::vector<AppliedMigration> Migrator::run_up(const std::function<void(const AppliedMigration&)>& on_applied,
                                               const std::optional<Version>& target) {
  ensure_history_table(client_);
  bool transactional_ddl = client_.engine() == "sqlite";
  if (!transactional_ddl) lock_ = std::make_unique<MysqlLock>(client_, lock_timeout_);
  struct Release {
    std::unique_ptr<MysqlLock>& lock;
    ~Release() { lock.reset(); }
  } release{lock_};
  // One read of the history serves the checks and the run (under the lock it stays
  // true; on SQLite while no other connection commits, which apply_in_transaction checks).
  if (transactional_ddl) history_data_version_ = sqlite_data_version();  // before the read: a commit after it shows
  std::vector<HistoryRow> history = read_history(client_);
  std::vector<MigrationStatus> report = status_of(history);
  refuse_on_problems(problems_of(report));
  std::optional<Version> baseline = baseline_version(history);
  remember(history);
  for (const MigrationStatus& entry : report) {
    if (entry.state == State::kMissing) {
      log::info("migrate: version " + entry.version + " is recorded as applied but no script has it; the database is "
                "ahead of its scripts, left alone");
    }
  }
  std::vector<const MigrationScript*> candidates;
  for (const MigrationScript& script : scripts_) {
    if (target && *target < script.version) break;
    if (baseline && script.version <= *baseline) continue;
    candidates.push_back(&script);
  }
  std::vector<AppliedMigration> applied;
  auto report_applied = [&](AppliedMigration result) {
    if (on_applied) on_applied(result);
    applied.push_back(std::move(result));
  };
  if (transactional_ddl) {
    for (const MigrationScript* script : candidates) {
      if (std::optional<AppliedMigration> result = apply_in_transaction(*script)) report_applied(std::move(*result));
    }
    return applied;
  }
  carried_success_.reset();
  try {
    // Scripts are prepared one ahead, so that the commit ending a script can carry the
    // in-flight row of the next one's first statement (one commit less per script).
    // A script that cannot be prepared fails at its turn, after those before it ran.
    std::size_t next_index = 0;
    auto prepare_next = [&]() -> std::optional<TrackedScript> {
      while (next_index < candidates.size()) {
        if (auto tracked = track(*candidates[next_index++])) return tracked;
      }
      return std::nullopt;
    };
    std::optional<TrackedScript> next;
    std::exception_ptr next_error;
    auto advance = [&] {
      next.reset();
      try {
        next = prepare_next();
      } catch (const MigrationError&) {
        next_error = std::current_exception();
      }
    };
    advance();
    while (next) {
      TrackedScript current = std::move(*next);
      advance();
      report_applied(run_tracked(current, next ? &*next : nullptr));
    }
    if (next_error) std::rethrow_exception(next_error);
  } catch (...) {
    try {
      finish_carried_success();
    } catch (const std::exception& error) {
      log::info(std::string("migrate: could not record the last migration that succeeded: ") + error.what());
    }
    throw;
  }
  finish_carried_success();
  return applied;
}

std::vector<Statement> Migrator::split(const MigrationScript& script) const {
  try {
    // Split what the checksum covers: no BOM, \n line endings (so a CRLF checkout
    // neither breaks MySQL's parser nor changes the statements' hashes).
    return split_statements(normalize_script(script.content), dialect_of(client_));
  } catch (const std::runtime_error& error) {
    throw MigrationError((directory_ / script.file_name).string() + ": " + error.what());
  }
}

HistoryRow Migrator::history_row(const MigrationScript& script, const std::vector<Statement>& statements,
                                 std::size_t applied, bool success, bool in_flight) const {
  HistoryRow row;
  row.version = script.version.text();
  row.description = script.description;
  row.script = script.file_name;
  row.checksum = script.checksum;
  row.installed_by = installed_by();
  row.installed_on = clock::sql_datetime(std::chrono::system_clock::now());
  row.success = success;
  row.statements_applied = static_cast<std::int64_t>(applied);
  row.statement_hashes = join_hashes(statements, applied + (in_flight ? 1 : 0));
  return row;
}

MigrationError Migrator::statement_error(const MigrationScript& script, const std::vector<Statement>& statements,
                                         std::size_t i, const std::string& what) const {
  std::string where = (directory_ / script.file_name).string() + ":" + std::to_string(statements[i].line);
  return MigrationError(where + ": migration " + script.version.text() + " failed at statement " +
                        std::to_string(i + 1) + " of " + std::to_string(statements.size()) + ": " + what);
}

void Migrator::execute_statement(const MigrationScript& script, const std::vector<Statement>& statements,
                                 std::size_t i, const std::string& note) {
  try {
    client_.execute(statements[i].text);
  } catch (const db::Error& error) {
    throw statement_error(script, statements, i, error.what() + note);
  }
  if (lock_) lock_->check_held();
}

void Migrator::write_row(HistoryRow row, std::optional<std::int64_t>& row_rank) {
  if (lock_) lock_->check_held();
  if (row_rank) {
    row.installed_rank = *row_rank;
    update_failed_row(client_, row);
  } else {
    row.installed_rank = next_rank_;
    append_history(client_, row);
    row_rank = next_rank_++;
  }
}

AppliedMigration Migrator::record_success(const MigrationScript& script, const std::vector<Statement>& statements,
                                          std::chrono::steady_clock::time_point started,
                                          std::optional<std::int64_t>& row_rank) {
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  HistoryRow row = history_row(script, statements, statements.size(), true);
  row.execution_time_us = took.count();
  write_row(row, row_rank);
  return {script.version.text(), script.file_name, statements.size(), took};
}

void Migrator::record_failure(const MigrationScript& script, const std::vector<Statement>& statements, std::size_t i,
                              std::optional<std::int64_t> row_rank) {
  if (!row_rank) return;
  try {
    // Without the lock (the connection dropped), the row is another migrator's now.
    if (lock_) lock_->check_held();
    // The failed statement did not take effect (MySQL's DDL is atomic): the row stops marking it in flight,
    // so that the next up runs it again as any other.
    if (i == 0) {
      delete_failed_rows(client_, script.version.text());
    } else {
      write_row(history_row(script, statements, i, false), row_rank);
    }
  } catch (const std::exception& error) {
    // The connection went with the statement: the row still marks it in flight, which the next up handles.
    log::info("migrate: could not record the failure of " + script.file_name + ": " + error.what());
  }
}

void Migrator::run_again_after_cut(const MigrationScript& script, const std::vector<Statement>& statements,
                                   std::size_t i, const std::string& note) {
  try {
    client_.execute(statements[i].text);
  } catch (const db::Error& error) {
    if (!says_already_applied(error)) {
      throw statement_error(script, statements, i, error.what() + note);
    }
    log::info("migrate: " + script.file_name + ": statement " + std::to_string(i + 1) + " (line " +
              std::to_string(statements[i].line) + ") was running when an earlier migrator stopped and took effect "
              "then (MySQL answers now: " + error.what() + "); counted as applied");
  }
  if (lock_) lock_->check_held();
}

AppliedMigration Migrator::run_tracked(TrackedScript& tracked, TrackedScript* next) {
  // The history row follows the work so that a migrator killed at any instant leaves
  // a row saying exactly what may have run: before a statement that commits by itself
  // (DDL, and everything through the Data API, whose one transaction DDL ends), the
  // row records the statements done and this one in flight; a data statement commits
  // in one transaction with its row, when the client keeps a session of its own, and
  // that commit carries the in-flight row of the statement after it, if that one
  // commits by itself (in this script or the next one's first).
  const MigrationScript& script = *tracked.script;
  const std::vector<Statement>& statements = tracked.statements;
  const ResumePoint from = tracked.from;
  std::optional<std::int64_t>& row_rank = tracked.row_rank;
  if (from.first > 0 || from.in_flight) {
    log::info("migrate: resuming " + script.file_name + " at statement " + std::to_string(from.first + 1) + " of " +
              std::to_string(statements.size()) + (from.in_flight ? ", which was running when a migrator stopped" : ""));
  }
  auto started = std::chrono::steady_clock::now();
  bool own_transactions = !inside_run_transaction_;
  for (std::size_t i = from.first; i < statements.size(); ++i) {
    bool last = i + 1 == statements.size();
    bool resumed_in_flight = from.in_flight && i == from.first;
    std::string note = resumed_in_flight ? kRanWhenCut : "";
    if (i > 0) {
      note += " (statements 1 to " + std::to_string(i) +
              " were applied and stay applied: MySQL commits DDL at once; fix the failing statement and run up "
              "again to resume there)";
    }
    try {
      if (own_transactions && is_data_statement(statements[i].text)) {
        std::optional<AppliedMigration> done;
        client_.begin();
        try {
          write_carried_success();
          execute_statement(script, statements, i, note);
          if (last) {
            done = record_success(script, statements, started, row_rank);
            if (next) write_in_flight_row_ahead(*next);
          } else {
            bool next_commits_itself = !is_data_statement(statements[i + 1].text);
            write_row(history_row(script, statements, i + 1, false, next_commits_itself), row_rank);
            if (next_commits_itself) tracked.in_flight_row_written = i + 1;
          }
          client_.commit();
        } catch (...) {
          rollback_quietly();
          throw;
        }
        carried_success_.reset();
        if (done) return std::move(*done);
      } else if (resumed_in_flight) {
        run_again_after_cut(script, statements, i, note);
      } else {
        if (tracked.in_flight_row_written != i) {
          write_in_flight_row(history_row(script, statements, i, false, true), row_rank);
        }
        execute_statement(script, statements, i, note);
      }
    } catch (const MigrationError&) {
      record_failure(script, statements, i, row_rank);
      throw;
    }
  }
  if (!own_transactions || !row_rank) return record_success(script, statements, started, row_rank);
  // The success row waits for the next script's first row, to share its commit (one
  // fsync less per script); the row as it stands marks the last statement in flight,
  // which its next run would count as done. up writes it at the end in any case.
  auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
  carried_success_ = history_row(script, statements, statements.size(), true);
  carried_success_->execution_time_us = took.count();
  carried_success_->installed_rank = *row_rank;
  return AppliedMigration{script.version.text(), script.file_name, statements.size(), took};
}

void Migrator::write_in_flight_row_ahead(TrackedScript& next) {
  std::size_t first = next.from.first;
  if (next.from.in_flight || first >= next.statements.size() || is_data_statement(next.statements[first].text)) return;
  write_row(history_row(*next.script, next.statements, first, false, true), next.row_rank);
  next.in_flight_row_written = first;
}

void Migrator::rollback_quietly() {
  try {
    client_.rollback();
  } catch (const db::Error&) {
    // Gone with its connection: the server rolled it back.
  }
}

void Migrator::write_carried_success() {
  if (!carried_success_) return;
  // At its in-flight row's rank (run_tracked carries no other).
  std::optional<std::int64_t> row_rank = carried_success_->installed_rank;
  write_row(*carried_success_, row_rank);
}

void Migrator::write_in_flight_row(const HistoryRow& row, std::optional<std::int64_t>& row_rank) {
  if (!carried_success_) return write_row(row, row_rank);
  client_.begin();
  try {
    write_carried_success();
    write_row(row, row_rank);
    client_.commit();
  } catch (...) {
    rollback_quietly();
    throw;
  }
  carried_success_.reset();
}

void Migrator::finish_carried_success() {
  write_carried_success();
  carried_success_.reset();
}

std::optional<AppliedMigration> Migrator::apply_in_transaction(const MigrationScript& script) {
  // BEGIN IMMEDIATE takes the write lock first: a second migrator waits here,
  // then sees the version recorded and skips it.
  try {
    client_.execute("BEGIN IMMEDIATE");
  } catch (const db::Error& error) {
    if (error.kind() != db::ErrorKind::kBusy) throw;
    throw LockTimeoutError("another migrator has held this database's write lock for more than " +
                           std::to_string(lock_timeout_.count()) + " s; try again when it is done");
  }
  try {
    std::optional<AppliedMigration> result;
    // The history up read holds while no other connection has committed since: no
    // query per script (a version's rows are a scan of the history, which made up
    // quadratic). After another's commit (a second migrator) it is read again, here
    // under the write lock.
    if (std::int64_t version = sqlite_data_version(); version != history_data_version_) {
      remember(read_history(client_));
      history_data_version_ = version;
    }
    auto latest = latest_rows_.find(script.version.text());
    if (latest == latest_rows_.end() || !latest->second.success) {
      auto started = std::chrono::steady_clock::now();
      std::vector<Statement> statements = split(script);
      for (std::size_t i = 0; i < statements.size(); ++i) execute_statement(script, statements, i);
      std::optional<std::int64_t> row_rank;
      result = record_success(script, statements, started, row_rank);
    }
    client_.commit();
    return result;
  } catch (...) {
    client_.rollback();
    throw;
  }
}

void Migrator::remember(const std::vector<HistoryRow>& history) {
  latest_rows_.clear();
  next_rank_ = 1;
  for (const HistoryRow& row : history) {
    latest_rows_[row.version] = row;
    next_rank_ = std::max(next_rank_, row.installed_rank + 1);
  }
}

std::int64_t Migrator::sqlite_data_version() {
  return client_.execute("PRAGMA data_version").records.at(0).at(0).as_long();
}

Migrator::ResumePoint Migrator::resume_point(const MigrationScript& script, const std::vector<Statement>& statements,
                                             const HistoryRow& failed) const {
  // Resume only if what already ran (or may have) is what the file still says.
  std::vector<std::string> ran = split_trimmed(failed.statement_hashes, ",");
  auto applied = static_cast<std::size_t>(failed.statements_applied);
  bool in_flight = has_statement_in_flight(failed);
  bool unchanged = ran.size() == applied + (in_flight ? 1 : 0) && ran.size() <= statements.size();
  for (std::size_t i = 0; unchanged && i < ran.size(); ++i) unchanged = ran[i] == sha256_hex(statements[i].text);
  if (!unchanged) {
    std::string what = in_flight ? std::to_string(applied) + " statements, with statement " +
                                       std::to_string(applied + 1) + " running,"
                                 : std::to_string(applied) + " statements,";
    throw MigrationError((directory_ / script.file_name).string() + ": migration " + script.version.text() +
                         (in_flight ? " was cut off earlier after " : " failed earlier after ") + what +
                         " and those statements have changed since: the database no longer matches "
                         "the script. Bring the database in line by hand, then run `migrate repair`");
  }
  return {applied, in_flight};
}

std::vector<std::string> Migrator::repair() {
  ensure_history_table(client_);
  // (Through the Data API, without a session, repair runs unlocked: it only rewrites history rows.)
  if (client_.engine() != "sqlite" && client_.keeps_session()) lock_ = std::make_unique<MysqlLock>(client_, lock_timeout_);
  struct Release {
    std::unique_ptr<MysqlLock>& lock;
    ~Release() { lock.reset(); }
  } release{lock_};
  std::vector<std::string> changes;
  for (const MigrationStatus& entry : status()) {
    if (entry.state == State::kFailed) {
      delete_failed_rows(client_, entry.version);
      changes.push_back("removed the failed row of version " + entry.version + " (" + entry.script + ")");
    } else if (entry.state == State::kModified) {
      auto script = std::find_if(scripts_.begin(), scripts_.end(),
                                 [&](const MigrationScript& candidate) { return candidate.version.text() == entry.version; });
      update_checksum(client_, entry.version, script->checksum);
      changes.push_back("re-recorded the checksum of version " + entry.version + " (" + entry.script + "): " +
                        entry.applied->checksum.substr(0, 12) + "… -> " + script->checksum.substr(0, 12) + "…");
    }
  }
  return changes;
}

void Migrator::baseline(const Version& version) {
  ensure_history_table(client_);
  if (!read_history(client_).empty()) {
    throw ValidationError("refusing to baseline: the database already has a migration history");
  }
  HistoryRow row;
  row.version = version.text();
  row.description = "baseline";
  row.script = kBaselineScript;
  row.checksum = "";
  row.installed_by = installed_by();
  row.installed_on = clock::sql_datetime(std::chrono::system_clock::now());
  row.success = true;
  row.installed_rank = 1;  // the first row: the history is empty
  append_history(client_, row);
}

std::optional<Migrator::TrackedScript> Migrator::track(const MigrationScript& script) const {
  // Under the lock the history read at the start of up stays true: no query per script.
  std::optional<HistoryRow> latest;
  if (auto found = latest_rows_.find(script.version.text()); found != latest_rows_.end()) latest = found->second;
  if (latest && latest->success) return std::nullopt;
  TrackedScript tracked;
  tracked.script = &script;
  tracked.statements = split(script);
  if (latest) {
    tracked.from = resume_point(script, tracked.statements, *latest);
    tracked.row_rank = latest->installed_rank;
  }
  return tracked;
}

}  // namespace strata::migrate
