#include "db/sqlite_client.hpp"

#include "db/sql_keyword.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <mutex>
#include <span>

namespace strata::db {
namespace {

constexpr std::size_t kStatementCacheLimit = 256;
constexpr const char* kNestedStatement =
    "a row visitor ran a statement on the connection whose rows it is reading; collect what it needs and run it after";

ErrorKind kind_of(int extended_code) {
  switch (extended_code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return ErrorKind::kUniqueViolation;
    default:
      break;
  }
  switch (extended_code & 0xff) {
    case SQLITE_CONSTRAINT: return ErrorKind::kConstraint;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return ErrorKind::kBusy;
    case SQLITE_FULL: return ErrorKind::kFull;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_READONLY: return ErrorKind::kUnavailable;
    case SQLITE_ERROR: return ErrorKind::kSyntax;
    default: return ErrorKind::kOther;
  }
}

std::string upper(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

// Maps a declared column type to the JDBC code, type name and size the Data API reports.
void apply_declared_type(const char* declared, ColumnMetadata& column) {
  if (!declared) {
    column.type = jdbc::kOther;
    return;
  }
  std::string type = upper(declared);
  std::size_t paren = type.find('(');
  std::string base = type.substr(0, paren);
  while (!base.empty() && base.back() == ' ') base.pop_back();
  column.type_name = base;
  if (paren != std::string::npos) {
    column.precision = std::atoi(type.c_str() + paren + 1);
    std::size_t comma = type.find(',', paren);
    if (comma != std::string::npos) column.scale = std::atoi(type.c_str() + comma + 1);
  }
  auto has = [&base](const char* word) { return base.find(word) != std::string::npos; };
  if (base == "BOOLEAN" || base == "BOOL") {
    column.type = jdbc::kBoolean;
  } else if (base == "BIGINT") {
    column.type = jdbc::kBigInt;
    column.is_signed = true;
  } else if (base == "SMALLINT") {
    column.type = jdbc::kSmallInt;
    column.is_signed = true;
  } else if (base == "TINYINT") {
    column.type = jdbc::kTinyInt;
    column.is_signed = true;
  } else if (has("INT")) {
    column.type = jdbc::kInteger;
    column.is_signed = true;
  } else if (base == "DATETIME" || base == "TIMESTAMP") {
    column.type = jdbc::kTimestamp;
  } else if (base == "DATE") {
    column.type = jdbc::kDate;
  } else if (base == "TIME") {
    column.type = jdbc::kTime;
  } else if (has("CHAR") && !has("VAR")) {
    column.type = jdbc::kChar;
    column.is_case_sensitive = true;
  } else if (has("CHAR")) {
    column.type = jdbc::kVarChar;
    column.is_case_sensitive = true;
  } else if (has("CLOB") || has("TEXT")) {
    column.type = jdbc::kLongVarChar;
    column.is_case_sensitive = true;
  } else if (has("BLOB")) {
    column.type = jdbc::kLongVarBinary;
  } else if (has("REAL") || has("FLOA") || has("DOUB")) {
    column.type = jdbc::kDouble;
    column.is_signed = true;
  } else if (has("DEC") || has("NUMERIC")) {
    column.type = jdbc::kDecimal;
    column.is_signed = true;
  } else {
    column.type = jdbc::kOther;
  }
}

// Before SQLite's first use in the process: no memory statistics, which nothing here
// reads (sqlite3_memory_used, soft heap limits) and which cost a global mutex around
// every allocation and free SQLite makes, a dozen per query. Too late (SQLite already
// in use) leaves them on, which is harmless.
void configure_sqlite_once() {
  static std::once_flag once;
  std::call_once(once, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

}  // namespace

SqliteClient::SqliteClient(const std::string& path) {
  configure_sqlite_once();
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI;
  int code = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (code != SQLITE_OK) {
    std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(code);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(ErrorKind::kUnavailable, code, "cannot open SQLite database " + path + ": " + message);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
  bool in_memory = path == ":memory:" || path.find("mode=memory") != std::string::npos;
  const char* setup = in_memory ? "PRAGMA foreign_keys=ON;"
                                         : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;";
  char* message = nullptr;
  // Switching a new file to WAL returns SQLITE_BUSY without calling the busy handler
  // when another process does the same at that moment: retry within the busy timeout.
  for (int attempt = 0; attempt < 500; ++attempt) {
    sqlite3_free(message);
    message = nullptr;
    code = sqlite3_exec(db_, setup, nullptr, nullptr, &message);
    if ((code & 0xff) != SQLITE_BUSY && (code & 0xff) != SQLITE_LOCKED) break;
    sqlite3_sleep(10);
  }
  if (code != SQLITE_OK) {
    std::string text = message ? message : sqlite3_errstr(code);
    sqlite3_free(message);
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(kind_of(code) == ErrorKind::kSyntax ? ErrorKind::kUnavailable : kind_of(code), code,
                "cannot use SQLite database " + path + ": " + text);
  }
}

SqliteClient::~SqliteClient() {
  clear_cache();
  sqlite3_close(db_);
}

void SqliteClient::clear_cache() {
  for (auto& entry : cache_) sqlite3_finalize(entry.second.statement);
  cache_.clear();
}

void SqliteClient::fail(int code, std::string_view sql) const {
  int extended = sqlite3_extended_errcode(db_);
  if (extended == 0) extended = code;
  (void)sql;
  throw Error(kind_of(extended), extended, sqlite3_errmsg(db_));
}

SqliteClient::CachedStatement& SqliteClient::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end()) return it->second;
  if (cache_.size() >= kStatementCacheLimit) clear_cache();
  sqlite3_stmt* statement = nullptr;
  const char* tail = nullptr;
  int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement,
                                &tail);
  if (code != SQLITE_OK) fail(code, sql);
  if (!statement) throw Error(ErrorKind::kSyntax, SQLITE_MISUSE, "the SQL holds no statement");
  std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
  if (!first_keyword(rest).empty()) {
    sqlite3_finalize(statement);
    throw Error(ErrorKind::kSyntax, SQLITE_MISUSE, "the SQL holds more than one statement; execute them one at a time");
  }
  CachedStatement cached;
  cached.statement = statement;
  cached.keyword = first_keyword(sql);
  return cache_.emplace(std::string(sql), std::move(cached)).first->second;
}

void SqliteClient::bind(CachedStatement& cached, std::string_view sql, const Parameters& parameters) {
  sqlite3_stmt* statement = cached.statement;
  int count = sqlite3_bind_parameter_count(statement);
  std::size_t used = 0;
  for (int index = 1; index <= count; ++index) {
    const char* raw_name = sqlite3_bind_parameter_name(statement, index);
    if (!raw_name || raw_name[0] == '?') {
      throw Error(ErrorKind::kBadParameters, SQLITE_MISUSE,
                  "positional parameters (?) are not supported; name them (:name) in: " + std::string(sql));
    }
    std::string_view name(raw_name + 1);
    auto parameter = std::find_if(parameters.begin(), parameters.end(),
                                  [name](const SqlParameter& candidate) { return candidate.name == name; });
    if (parameter == parameters.end()) {
      throw Error(ErrorKind::kBadParameters, SQLITE_MISUSE,
                  "the SQL uses :" + std::string(name) + " but no parameter of that name was given");
    }
    ++used;
    int code = SQLITE_OK;
    std::visit(
        [&](const auto& value) {
          using T = std::decay_t<decltype(value)>;
          if constexpr (std::is_same_v<T, Null>) {
            code = sqlite3_bind_null(statement, index);
          } else if constexpr (std::is_same_v<T, bool>) {
            code = sqlite3_bind_int(statement, index, value ? 1 : 0);
          } else if constexpr (std::is_same_v<T, std::int64_t>) {
            code = sqlite3_bind_int64(statement, index, value);
          } else if constexpr (std::is_same_v<T, double>) {
            code = sqlite3_bind_double(statement, index, value);
          } else if constexpr (std::is_same_v<T, std::string>) {
            code = sqlite3_bind_text(statement, index, value.data(), static_cast<int>(value.size()), SQLITE_STATIC);
          } else {
            // An empty vector's data() may be null, which SQLite would store as NULL.
            code = value.empty() ? sqlite3_bind_zeroblob(statement, index, 0)
                                 : sqlite3_bind_blob(statement, index, value.data(), static_cast<int>(value.size()),
                                                     SQLITE_STATIC);
          }
        },
        parameter->value.value());
    if (code != SQLITE_OK) fail(code, sql);
  }
  if (used != parameters.size()) {
    for (const SqlParameter& parameter : parameters) {
      std::string marker = ":" + parameter.name;
      if (sqlite3_bind_parameter_index(statement, marker.c_str()) == 0) {
        throw Error(ErrorKind::kBadParameters, SQLITE_MISUSE,
                    "parameter '" + parameter.name + "' was given but the SQL has no :" + parameter.name);
      }
    }
    throw Error(ErrorKind::kBadParameters, SQLITE_MISUSE, "a parameter name was given more than once");
  }
}

void SqliteClient::describe_columns(CachedStatement& cached) {
  sqlite3_stmt* statement = cached.statement;
  int count = sqlite3_column_count(statement);
  cached.columns.clear();
  cached.columns.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    ColumnMetadata column;
    column.label = sqlite3_column_name(statement, i);
    const char* origin = sqlite3_column_origin_name(statement, i);
    column.name = origin ? origin : column.label;
    const char* table = sqlite3_column_table_name(statement, i);
    column.table_name = table ? table : "";
    apply_declared_type(sqlite3_column_decltype(statement, i), column);
    if (table && origin) {
      const char* database = sqlite3_column_database_name(statement, i);
      int not_null = 0, primary_key = 0, autoincrement = 0;
      if (sqlite3_table_column_metadata(db_, database, table, origin, nullptr, nullptr, &not_null, &primary_key,
                                        &autoincrement) == SQLITE_OK) {
        column.nullable = not_null ? 0 : 1;
        // An INTEGER PRIMARY KEY is SQLite's rowid: it is assigned automatically.
        column.is_auto_increment = autoincrement || (primary_key && column.type == jdbc::kInteger);
      }
    }
    cached.columns.push_back(std::move(column));
  }
  cached.columns_id = new_columns_id();
  cached.columns_known = true;
}

StatementOutcome SqliteClient::execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) {
  // The running statement's rows point into SQLite's buffers, which another statement
  // (or a cache eviction) could reset or free.
  if (running_) throw Error(ErrorKind::kOther, SQLITE_MISUSE, kNestedStatement);
  CachedStatement& cached = prepare(sql);
  sqlite3_stmt* statement = cached.statement;
  // Reset even when bind, step or the visitor throws, so the statement never holds a read lock.
  struct Reset {
    sqlite3_stmt* statement;
    bool& running;
    ~Reset() {
      sqlite3_reset(statement);
      sqlite3_clear_bindings(statement);
      running = false;
    }
  } reset{statement, running_};
  running_ = true;
  bind(cached, sql, parameters);

  StatementOutcome outcome;
  sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
  sqlite3_int64 rowid_before = sqlite3_last_insert_rowid(db_);
  int code = sqlite3_step(statement);
  // Describe columns after the first step: a schema change re-prepares the
  // statement inside step, and the cached description must follow it.
  int column_count = sqlite3_column_count(statement);
  if (column_count > 0) {
    int reprepared = sqlite3_stmt_status(statement, SQLITE_STMTSTATUS_REPREPARE, 0);
    if (!cached.columns_known || reprepared != cached.reprepare_count) {
      describe_columns(cached);
      cached.reprepare_count = reprepared;
    }
    visitor.columns(cached.columns);
  }
  // The row's values point into SQLite's own buffers: no copy of any value.
  constexpr int kInline = 32;
  std::array<FieldView, kInline> inline_values;
  std::vector<FieldView> many_values(column_count > kInline ? static_cast<std::size_t>(column_count) : 0);
  std::span<FieldView> values = column_count > kInline ? std::span<FieldView>(many_values)
                                                       : std::span<FieldView>(inline_values.data(), static_cast<std::size_t>(column_count));
  for (; code == SQLITE_ROW; code = sqlite3_step(statement)) {
    for (int i = 0; i < column_count; ++i) {
      FieldView& value = values[static_cast<std::size_t>(i)];
      // The column's own value object: sqlite3_value_* calls take no connection mutex
      // (sqlite3_column_* take it for each call); this connection is one thread's only.
      sqlite3_value* column = sqlite3_column_value(statement, i);
      switch (sqlite3_value_type(column)) {
        case SQLITE_INTEGER: {
          std::int64_t number = sqlite3_value_int64(column);
          if (cached.columns[static_cast<std::size_t>(i)].type == jdbc::kBoolean) {
            value = FieldView(number != 0);
          } else {
            value = FieldView(number);
          }
          break;
        }
        case SQLITE_FLOAT: value = FieldView(sqlite3_value_double(column)); break;
        case SQLITE_TEXT: {
          // sqlite3_value_text before sqlite3_value_bytes: the length of the converted text.
          const char* text = reinterpret_cast<const char*>(sqlite3_value_text(column));
          value = FieldView(std::string_view(text, static_cast<std::size_t>(sqlite3_value_bytes(column))));
          break;
        }
        case SQLITE_BLOB: {
          const auto* data = static_cast<const std::uint8_t*>(sqlite3_value_blob(column));
          value = FieldView(FieldView::Bytes(data, static_cast<std::size_t>(sqlite3_value_bytes(column))));
          break;
        }
        default: value = FieldView(); break;
      }
    }
    visitor.row(Row(cached.columns, values, cached.columns_id));
  }
  if (code != SQLITE_DONE) fail(code, sql);
  if (!sqlite3_stmt_readonly(statement)) {
    const std::string& keyword = cached.keyword;
    bool is_schema_change = keyword == "CREATE" || keyword == "ALTER" || keyword == "DROP";
    if (!is_schema_change && keyword != "BEGIN" && keyword != "COMMIT" && keyword != "ROLLBACK") {
      outcome.number_of_records_updated = sqlite3_total_changes64(db_) - changes_before;
      // An INSERT, or a statement that moved the last rowid (WITH ... INSERT; trigger
      // inserts restore it when they end), generated the row.
      sqlite3_int64 rowid = sqlite3_last_insert_rowid(db_);
      bool inserted = keyword == "INSERT" || keyword == "REPLACE" || rowid != rowid_before;
      if (outcome.number_of_records_updated > 0 && inserted) {
        outcome.generated_fields.emplace_back(static_cast<long long>(rowid));
      }
    }
  }
  return outcome;
}

void SqliteClient::begin() { execute("BEGIN"); }
void SqliteClient::begin_immediate() { execute("BEGIN IMMEDIATE"); }
void SqliteClient::commit() { execute("COMMIT"); }
void SqliteClient::rollback() { execute("ROLLBACK"); }

}  // namespace strata::db
