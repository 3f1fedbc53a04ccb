#pragma once
// Applies an app's migration scripts to a database, each exactly once, in order,
// recording each in strata_schema_history.
#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "migrate/history.hpp"
#include "migrate/migration_script.hpp"
#include "migrate/statement_splitter.hpp"
#include "strata/db/client.hpp"

namespace strata::migrate {

// A migration failed: names the script, the statement's line and the database's message.
class MigrationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Another migrator held the database's migration lock for longer than the wait allowed.
class LockTimeoutError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The scripts and the history disagree (validate fails): nothing was run.
class ValidationError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class State {
  kApplied,   // ran, and the script on disk still has the recorded checksum
  kPending,   // on disk, not yet run
  kFailed,    // recorded as failed (MySQL: DDL committed part of it)
  kModified,  // ran, but the script changed since
  kMissing,   // ran, but its script is gone
  kBaseline,  // adopted by `baseline`: at or below the baseline version, never run here
};
const char* state_name(State state);

struct MigrationStatus {
  std::string version;
  std::string description;
  std::string script;
  State state = State::kPending;
  std::optional<HistoryRow> applied;
};

// Something `validate` objects to; `up` refuses while any remains (a failed MySQL
// migration excepted: up resumes it when it safely can).
struct Problem {
  enum class Kind { kModified, kMissing, kFailed, kOutOfOrder };
  Kind kind;
  std::string version;
  std::string script;
  std::string message;
};

// What `up` would run for one migration, statement by statement.
struct PlannedMigration {
  std::string version;
  std::string script;
  std::vector<Statement> statements;
  std::size_t first = 0;  // > 0 when resuming a failed MySQL migration
};

struct AppliedMigration {
  std::string version;
  std::string script;
  std::size_t statements = 0;
  std::chrono::microseconds took{0};
};

class Migrator {
 public:
  // `client` must outlive the Migrator. Reads the scripts that apply to the client's engine.
  Migrator(db::Client& client, const std::filesystem::path& directory,
           std::chrono::seconds lock_timeout = std::chrono::seconds(60));
  ~Migrator();

  // Reads only: a database never migrated reports every script pending.
  std::vector<MigrationStatus> status();
  std::vector<Problem> validate();
  // What up would run, without touching the database. Throws MigrationError like up
  // would refuse.
  std::vector<PlannedMigration> plan(const std::optional<Version>& target = std::nullopt);
  // Applies every pending script in version order, each in one transaction where
  // the engine allows it. Calls `on_applied` after each. Throws MigrationError,
  // LockTimeoutError.
  //
  // MySQL commits DDL as it goes, so a failure there leaves part of a migration
  // applied: the history then records a failed row with how many statements ran
  // and a hash of each. The next up resumes at the failed statement when the
  // statements before it are unchanged, and refuses (pointing at repair) otherwise.
  // A migrator killed mid-statement leaves that statement recorded as in flight;
  // the next up runs it again and counts MySQL's "already exists / does not exist"
  // answer to it as its having taken effect (data statements commit with their row).
  // Versions recorded as applied that are higher than every script (a deploy rolled
  // back to older scripts) are left alone. With `target`, stops after that version.
  std::vector<AppliedMigration> up(const std::function<void(const AppliedMigration&)>& on_applied = {},
                                   const std::optional<Version>& target = std::nullopt);
  // Removes failed rows and re-records the checksums of edited applied scripts;
  // returns one line per change.
  std::vector<std::string> repair();
  // Adopts an existing database: records `version` as applied without running
  // anything; scripts up to it are then never run. Refuses a database with history.
  void baseline(const Version& version);

  const std::vector<MigrationScript>& scripts() const { return scripts_; }

 private:
  std::vector<MigrationStatus> status_of(const std::vector<HistoryRow>& history) const;
  std::vector<Problem> problems_of(const std::vector<MigrationStatus>& report) const;
  // Throws MigrationError naming every problem that up must not run past.
  void refuse_on_problems(const std::vector<Problem>& problems) const;
  std::optional<AppliedMigration> apply_in_transaction(const MigrationScript& script);
  // Where a failed or cut MySQL migration resumes.
  struct ResumePoint {
    std::size_t first = 0;   // the first statement to run
    bool in_flight = false;  // that statement was running when a migrator stopped
  };
  // A MySQL script up is about to run: its statements, where it starts, whether it has a row.
  struct TrackedScript {
    const MigrationScript* script = nullptr;
    std::vector<Statement> statements;
    ResumePoint from;
    std::optional<std::int64_t> row_rank;  // installed_rank of its history row (a failed one, or written by this up)
    // The statement whose in-flight row an earlier commit wrote already.
    std::size_t in_flight_row_written = static_cast<std::size_t>(-1);
  };
  // The script's statements and resume point, or nothing if it is applied. Throws MigrationError.
  std::optional<TrackedScript> track(const MigrationScript& script) const;
  // up's work, once the client keeps one session (up pins one for the Data API).
  std::vector<AppliedMigration> run_up(const std::function<void(const AppliedMigration&)>& on_applied,
                                       const std::optional<Version>& target);
  // Where a failed or cut MySQL migration resumes; throws MigrationError if what ran has changed.
  ResumePoint resume_point(const MigrationScript& script, const std::vector<Statement>& statements,
                           const HistoryRow& failed) const;
  std::vector<Statement> split(const MigrationScript& script) const;
  // "<file>:<line>: migration V failed at statement i+1 of N: <what>"
  MigrationError statement_error(const MigrationScript& script, const std::vector<Statement>& statements,
                                 std::size_t i, const std::string& what) const;
  // Runs statement i; a db::Error becomes a MigrationError naming file, line and statement.
  void execute_statement(const MigrationScript& script, const std::vector<Statement>& statements, std::size_t i,
                         const std::string& note = "");
  // Runs statements [from.first, end) of a MySQL migration, its history row following
  // each one, and records its success. `next`: the script up runs after it, if any.
  AppliedMigration run_tracked(TrackedScript& tracked, TrackedScript* next);
  // In the caller's transaction: the in-flight row of next's first statement, if that one commits by itself.
  void write_in_flight_row_ahead(TrackedScript& next);
  // Runs statement i again, the one a migrator was running when it stopped: MySQL's
  // "already exists" (says_already_applied) means it took effect then.
  void run_again_after_cut(const MigrationScript& script, const std::vector<Statement>& statements, std::size_t i,
                           const std::string& note);
  // After statement i failed: the row records statements [0, i) done, or goes if there are none.
  void record_failure(const MigrationScript& script, const std::vector<Statement>& statements, std::size_t i,
                      std::optional<std::int64_t> row_rank);
  // Writes the script's row at `row_rank`, or appends it at next_rank_ when it has none (and sets it).
  void write_row(HistoryRow row, std::optional<std::int64_t>& row_rank);
  // write_row, committed together with carried_success_ if there is one.
  void write_in_flight_row(const HistoryRow& row, std::optional<std::int64_t>& row_rank);
  // Writes carried_success_, if any, in the caller's transaction.
  void write_carried_success();
  // Writes carried_success_, if any, on its own.
  void finish_carried_success();
  void rollback_quietly();
  AppliedMigration record_success(const MigrationScript& script, const std::vector<Statement>& statements,
                                  std::chrono::steady_clock::time_point started, std::optional<std::int64_t>& row_rank);
  // `in_flight`: statement `applied` is about to run (see HistoryRow::statement_hashes).
  HistoryRow history_row(const MigrationScript& script, const std::vector<Statement>& statements, std::size_t applied,
                         bool success, bool in_flight = false) const;

  // latest_rows_ and next_rank_ from the whole history.
  void remember(const std::vector<HistoryRow>& history);
  std::int64_t sqlite_data_version();

  class MysqlLock;

  db::Client& client_;
  std::filesystem::path directory_;
  std::chrono::seconds lock_timeout_;
  std::unique_ptr<MysqlLock> lock_;  // held during up and repair on MySQL
  std::map<std::string, HistoryRow> latest_rows_;  // by version, as up read them under the lock
  std::int64_t next_rank_ = 1;                      // the installed_rank of the next row appended
  // SQLite's PRAGMA data_version when the history was read: it changes with another connection's commit.
  std::int64_t history_data_version_ = 0;
  // up runs inside one transaction of its own (the Data API's), so statements open none.
  bool inside_run_transaction_ = false;
  // The success row of the script up finished last, not written yet (see run_tracked), at its rank.
  std::optional<HistoryRow> carried_success_;
  std::vector<MigrationScript> scripts_;
};

}  // namespace strata::migrate
