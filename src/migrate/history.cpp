#include "migrate/history.hpp"

#include <algorithm>

namespace strata::migrate {

bool has_statement_in_flight(const HistoryRow& row) {
  if (row.success || row.statement_hashes.empty()) return false;
  auto hashes = std::count(row.statement_hashes.begin(), row.statement_hashes.end(), ',') + 1;
  return hashes == row.statements_applied + 1;
}

bool history_table_exists(db::Client& client) {
  const char* sql = client.engine() == "mysql"
                        ? "SELECT 1 FROM information_schema.tables WHERE table_schema = DATABASE()"
                          " AND table_name = 'strata_schema_history'"
                        : "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'strata_schema_history'";
  return !client.execute(sql).records.empty();
}

void ensure_history_table(db::Client& client) {
  client.execute(
      "CREATE TABLE IF NOT EXISTS strata_schema_history ("
      " installed_rank INTEGER NOT NULL PRIMARY KEY,"
      " version VARCHAR(50) NOT NULL,"
      " description VARCHAR(200) NOT NULL,"
      " script VARCHAR(1000) NOT NULL,"
      " checksum CHAR(64) NOT NULL,"
      " installed_by VARCHAR(100) NOT NULL,"
      " installed_on DATETIME NOT NULL,"
      " execution_time_us BIGINT NOT NULL,"
      " success BOOLEAN NOT NULL,"
      " statements_applied INTEGER NOT NULL,"
      " statement_hashes TEXT NOT NULL)");
}

namespace {

constexpr const char* kColumns =
    "SELECT installed_rank, version, description, script, checksum, installed_by, installed_on,"
    " execution_time_us, success, statements_applied, statement_hashes FROM strata_schema_history";

HistoryRow to_row(const db::Record& record) {
  HistoryRow row;
  row.installed_rank = record[0].as_long();
  row.version = record[1].as_string();
  row.description = record[2].as_string();
  row.script = record[3].as_string();
  row.checksum = record[4].as_string();
  row.installed_by = record[5].as_string();
  row.installed_on = record[6].as_string();
  row.execution_time_us = record[7].as_long();
  row.success = record[8].is_bool() ? record[8].as_bool() : record[8].as_long() != 0;
  row.statements_applied = record[9].as_long();
  row.statement_hashes = record[10].as_string();
  return row;
}

}  // namespace

std::vector<HistoryRow> read_history(db::Client& client) {
  if (!history_table_exists(client)) return {};
  db::ResultSet result = client.execute(std::string(kColumns) + " ORDER BY installed_rank");
  std::vector<HistoryRow> rows;
  rows.reserve(result.records.size());
  for (const db::Record& record : result.records) rows.push_back(to_row(record));
  return rows;
}

namespace {

// A row's fields as the named parameters of the statements below.
db::Parameters row_parameters(const HistoryRow& row) {
  return {{"installed_rank", row.installed_rank},
          {"version", row.version},
          {"description", row.description},
          {"script", row.script},
          {"checksum", row.checksum},
          {"installed_by", row.installed_by},
          {"installed_on", row.installed_on},
          {"execution_time_us", row.execution_time_us},
          {"success", row.success},
          {"statements_applied", row.statements_applied},
          {"statement_hashes", row.statement_hashes}};
}

}  // namespace

void append_history(db::Client& client, const HistoryRow& row) {
  client.execute(
      "INSERT INTO strata_schema_history (installed_rank, version, description, script, checksum, installed_by,"
      " installed_on, execution_time_us, success, statements_applied, statement_hashes)"
      " VALUES (:installed_rank, :version, :description, :script, :checksum, :installed_by,"
      " :installed_on, :execution_time_us, :success, :statements_applied, :statement_hashes)",
      row_parameters(row));
}

std::int64_t delete_failed_rows(db::Client& client, const std::string& version) {
  return client
      .execute("DELETE FROM strata_schema_history WHERE version = :version AND success = :failed",
               {{"version", version}, {"failed", false}})
      .number_of_records_updated;
}

void update_failed_row(db::Client& client, const HistoryRow& row) {
  db::ResultSet result = client.execute(
      "UPDATE strata_schema_history SET description = :description, script = :script, checksum = :checksum,"
      " installed_by = :installed_by, installed_on = :installed_on, execution_time_us = :execution_time_us,"
      " success = :success, statements_applied = :statements_applied, statement_hashes = :statement_hashes"
      " WHERE installed_rank = :installed_rank AND version = :version AND success = :failed",
      [&row] {
        db::Parameters parameters = row_parameters(row);
        parameters.push_back({"failed", false});
        return parameters;
      }());
  // (Matched rows, not changed ones, on MySQL as on SQLite: an update to the same values counts.)
  if (result.number_of_records_updated == 0) {
    throw db::Error(db::ErrorKind::kOther, 0,
                    "the history row of version " + row.version + " (" + row.script +
                        ") vanished while it ran: was the history edited, or another migrator run without the lock?");
  }
}

void update_checksum(db::Client& client, const std::string& version, const std::string& checksum) {
  client.execute("UPDATE strata_schema_history SET checksum = :checksum WHERE version = :version AND success = :ok",
                 {{"checksum", checksum}, {"version", version}, {"ok", true}});
}

}  // namespace strata::migrate
