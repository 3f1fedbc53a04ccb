#pragma once
// The history table, strata_schema_history: one row per migration that ran (or failed).
#include <cstdint>
#include <string>
#include <vector>

#include "strata/db/client.hpp"

namespace strata::migrate {

inline constexpr const char* kHistoryTable = "strata_schema_history";

struct HistoryRow {
  std::int64_t installed_rank = 0;
  std::string version;
  std::string description;
  std::string script;
  std::string checksum;
  std::string installed_by;
  std::string installed_on;  // UTC, YYYY-MM-DD HH:MM:SS
  std::int64_t execution_time_us = 0;
  bool success = false;
  // Statements of the script that completed, and the SHA-256 of each, comma
  // separated: what lets a half-applied MySQL migration resume safely. While a
  // statement that commits by itself runs, its hash follows those of the completed
  // ones (one hash more than statements_applied): it may or may not have taken effect.
  std::int64_t statements_applied = 0;
  std::string statement_hashes;
};

// Whether `row` records a statement that was running when its migrator stopped.
bool has_statement_in_flight(const HistoryRow& row);

// The script name a baseline row carries instead of a file name.
inline constexpr const char* kBaselineScript = "<< baseline >>";

bool history_table_exists(db::Client& client);
// Creates the table if it does not exist yet.
void ensure_history_table(db::Client& client);
// Every row, in installed_rank order; none when the table does not exist.
std::vector<HistoryRow> read_history(db::Client& client);
// Appends `row` at its installed_rank. A migrator under its lock counts the ranks
// itself (one query less per row), so that its updates find their row by its key.
void append_history(db::Client& client, const HistoryRow& row);
// Removes the failed rows of `version` (a retry succeeded, or repair). Returns how many.
std::int64_t delete_failed_rows(db::Client& client, const std::string& version);
// Rewrites the failed (in-progress) row at row.installed_rank with `row`'s fields:
// found by its key, not by version (no index), so that up stays linear in scripts.
// Throws db::Error if it is gone or no longer failed (the history changed under the migrator).
void update_failed_row(db::Client& client, const HistoryRow& row);
// Re-records the checksum of the successful row of `version`.
void update_checksum(db::Client& client, const std::string& version, const std::string& checksum);

}  // namespace strata::migrate
