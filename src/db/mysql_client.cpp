#include "db/mysql_client.hpp"

#include <mysql.h>
#include <mysqld_error.h>
#include <errmsg.h>

#include <poll.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>

#include "db/database.hpp"
#include "core/percent_decode.hpp"
#include "core/query_string.hpp"
#include "db/sql_keyword.hpp"

namespace strata::db {
namespace {

// Statements that change the schema: run as text, never prepared (see prepare()).
bool is_schema_change(const std::string& keyword) {
  return keyword == "CREATE" || keyword == "ALTER" || keyword == "DROP" || keyword == "RENAME" || keyword == "TRUNCATE";
}

bool is_insert(const std::string& keyword) { return keyword == "INSERT" || keyword == "REPLACE"; }

bool is_data_change(const std::string& keyword) {
  return is_insert(keyword) || keyword == "UPDATE" || keyword == "DELETE";
}

// Whether `sql`, run on this connection, may change what cached statements resolved: the
// columns of an existing table or view, or the database (USE). A plain CREATE makes
// something new that no cached statement can name.
bool makes_cached_statements_stale(std::string_view sql) {
  std::string keyword = first_keyword(sql);
  if (keyword == "CREATE") return leading_keywords(sql, 3) == std::vector<std::string>{"CREATE", "OR", "REPLACE"};
  return keyword == "USE" || is_schema_change(keyword);
}

constexpr std::size_t kStatementCacheLimit = 256;
constexpr unsigned kBinaryCharset = 63;
constexpr const char* kNestedStatement =
    "a row visitor ran a statement on the connection whose rows it is reading; collect what it needs and run it after";

// How a column's values become Data API fields.
enum class ValueKind { kLong, kUnsignedLong, kBool, kBits, kDouble, kString, kBlob, kNull };

ValueKind value_kind(const MYSQL_FIELD& field) {
  bool is_unsigned = field.flags & UNSIGNED_FLAG;
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      return field.length == 1 ? ValueKind::kBool : ValueKind::kLong;  // TINYINT(1) is BOOLEAN
    case MYSQL_TYPE_SHORT:
    case MYSQL_TYPE_INT24:
    case MYSQL_TYPE_LONG:
    case MYSQL_TYPE_YEAR:
      return ValueKind::kLong;
    case MYSQL_TYPE_LONGLONG:
      return is_unsigned ? ValueKind::kUnsignedLong : ValueKind::kLong;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      return ValueKind::kDouble;
    case MYSQL_TYPE_BIT:
      return field.length == 1 ? ValueKind::kBool : ValueKind::kBits;
    case MYSQL_TYPE_NULL:
      return ValueKind::kNull;
    case MYSQL_TYPE_STRING:
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
    case MYSQL_TYPE_GEOMETRY:
      return field.charsetnr == kBinaryCharset && !(field.flags & (ENUM_FLAG | SET_FLAG)) ? ValueKind::kBlob
                                                                                           : ValueKind::kString;
    default:
      return ValueKind::kString;  // DECIMAL, dates and times, JSON: text, as the Data API gives them
  }
}

unsigned max_bytes_per_char(unsigned charset) {
  const MARIADB_CHARSET_INFO* info = mariadb_get_charset_by_nr(charset);
  return info && info->char_maxlen ? info->char_maxlen : 1;
}

// ColumnMetadata as the Data API fills it from JDBC's view of a MySQL column.
ColumnMetadata describe(const MYSQL_FIELD& field) {
  ColumnMetadata column;
  column.label = field.name ? field.name : "";
  column.name = field.org_name && *field.org_name ? field.org_name : column.label;
  column.table_name = field.org_table && *field.org_table ? field.org_table : (field.table ? field.table : "");
  column.nullable = (field.flags & NOT_NULL_FLAG) ? 0 : 1;
  column.is_auto_increment = field.flags & AUTO_INCREMENT_FLAG;
  bool is_unsigned = field.flags & UNSIGNED_FLAG;
  bool binary = field.charsetnr == kBinaryCharset;
  auto integer = [&](int type, const char* name) {
    column.type = type;
    column.type_name = std::string(name) + (is_unsigned ? " UNSIGNED" : "");
    column.is_signed = !is_unsigned;
    column.precision = static_cast<int>(field.length);
  };
  auto text = [&](int text_type, const char* text_name, int binary_type, const char* binary_name) {
    column.type = binary ? binary_type : text_type;
    column.type_name = binary ? binary_name : text_name;
    column.is_case_sensitive = binary;
    column.precision = static_cast<int>(field.length / (binary ? 1 : max_bytes_per_char(field.charsetnr)));
  };
  switch (field.type) {
    case MYSQL_TYPE_TINY:
      if (field.length == 1) {
        column.type = jdbc::kBit;
        column.type_name = "BIT";
        column.precision = 1;
      } else {
        integer(jdbc::kTinyInt, "TINYINT");
      }
      break;
    case MYSQL_TYPE_SHORT: integer(jdbc::kSmallInt, "SMALLINT"); break;
    case MYSQL_TYPE_INT24: integer(jdbc::kInteger, "MEDIUMINT"); break;
    case MYSQL_TYPE_LONG: integer(is_unsigned ? jdbc::kBigInt : jdbc::kInteger, "INT"); break;
    case MYSQL_TYPE_LONGLONG: integer(jdbc::kBigInt, "BIGINT"); break;
    case MYSQL_TYPE_YEAR:
      column.type = jdbc::kDate;
      column.type_name = "YEAR";
      column.precision = 4;
      break;
    case MYSQL_TYPE_FLOAT:
    case MYSQL_TYPE_DOUBLE:
      column.type = field.type == MYSQL_TYPE_FLOAT ? jdbc::kReal : jdbc::kDouble;
      column.type_name = field.type == MYSQL_TYPE_FLOAT ? "FLOAT" : "DOUBLE";
      column.is_signed = !is_unsigned;
      column.precision = static_cast<int>(field.length);
      column.scale = field.decimals >= 31 ? 0 : static_cast<int>(field.decimals);  // 31: "not fixed"
      break;
    case MYSQL_TYPE_DECIMAL:
    case MYSQL_TYPE_NEWDECIMAL:
      column.type = jdbc::kDecimal;
      column.type_name = "DECIMAL";
      column.is_signed = !is_unsigned;
      column.scale = static_cast<int>(field.decimals);
      column.precision = static_cast<int>(field.length) - (field.decimals > 0 ? 1 : 0) - (is_unsigned ? 0 : 1);
      break;
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      column.type = jdbc::kDate;
      column.type_name = "DATE";
      column.precision = 10;
      break;
    case MYSQL_TYPE_TIME:
      column.type = jdbc::kTime;
      column.type_name = "TIME";
      column.precision = static_cast<int>(field.length);
      column.scale = static_cast<int>(field.decimals);
      break;
    case MYSQL_TYPE_DATETIME:
    case MYSQL_TYPE_TIMESTAMP:
      column.type = jdbc::kTimestamp;
      column.type_name = field.type == MYSQL_TYPE_DATETIME ? "DATETIME" : "TIMESTAMP";
      column.precision = static_cast<int>(field.length);
      column.scale = static_cast<int>(field.decimals);
      break;
    case MYSQL_TYPE_BIT:
      column.type = jdbc::kBit;
      column.type_name = "BIT";
      column.precision = static_cast<int>(field.length);
      break;
    case MYSQL_TYPE_JSON:
      column.type = jdbc::kLongVarChar;
      column.type_name = "JSON";
      break;
    case MYSQL_TYPE_STRING:
      if (field.flags & ENUM_FLAG) {
        column.type = jdbc::kChar;
        column.type_name = "ENUM";
      } else if (field.flags & SET_FLAG) {
        column.type = jdbc::kChar;
        column.type_name = "SET";
      } else {
        text(jdbc::kChar, "CHAR", jdbc::kBinary, "BINARY");
      }
      break;
    case MYSQL_TYPE_VAR_STRING:
    case MYSQL_TYPE_VARCHAR:
      text(jdbc::kVarChar, "VARCHAR", jdbc::kVarBinary, "VARBINARY");
      break;
    case MYSQL_TYPE_TINY_BLOB:
    case MYSQL_TYPE_MEDIUM_BLOB:
    case MYSQL_TYPE_LONG_BLOB:
    case MYSQL_TYPE_BLOB:
      text(jdbc::kLongVarChar, "TEXT", jdbc::kLongVarBinary, "BLOB");
      break;
    case MYSQL_TYPE_NULL:
      column.type = jdbc::kNull;
      column.type_name = "NULL";
      break;
    default:
      column.type = jdbc::kOther;
      column.type_name = "OTHER";
      break;
  }
  return column;
}

// A value sent as text (text protocol, or a binary-protocol column bound as a string),
// viewed where it lies; numbers are parsed into the view.
FieldView view_of_text(ValueKind kind, const char* data, std::size_t length) {
  auto integer = [&]() {
    long long value = 0;
    std::from_chars(data, data + length, value);
    return value;
  };
  switch (kind) {
    case ValueKind::kLong:
      return FieldView(static_cast<std::int64_t>(integer()));
    case ValueKind::kUnsignedLong: {
      unsigned long long value = 0;
      std::from_chars(data, data + length, value);
      // Beyond int64 the Data API answers with a string.
      if (value > static_cast<unsigned long long>(INT64_MAX)) return FieldView(std::string_view(data, length));
      return FieldView(static_cast<std::int64_t>(value));
    }
    case ValueKind::kBool:
      // BIT(1) arrives as one raw byte; TINYINT(1) as text digits.
      if (length == 1 && (data[0] == 0 || data[0] == 1)) return FieldView(data[0] == 1);
      return FieldView(integer() != 0);
    case ValueKind::kBits: {
      std::int64_t value = 0;
      for (std::size_t i = 0; i < length; ++i) value = (value << 8) | static_cast<unsigned char>(data[i]);
      return FieldView(value);
    }
    case ValueKind::kDouble:
      return FieldView(std::strtod(std::string(data, length).c_str(), nullptr));
    case ValueKind::kBlob:
      return FieldView(FieldView::Bytes(reinterpret_cast<const std::uint8_t*>(data), length));
    case ValueKind::kNull:
      return FieldView();
    case ValueKind::kString:
      break;
  }
  return FieldView(std::string_view(data, length));
}

}  // namespace

ErrorKind mysql_error_kind(unsigned code) {
  switch (code) {
    case ER_DUP_ENTRY:
    case ER_DUP_ENTRY_WITH_KEY_NAME:
      return ErrorKind::kUniqueViolation;
    case ER_ROW_IS_REFERENCED:
    case ER_NO_REFERENCED_ROW:
    case ER_ROW_IS_REFERENCED_2:
    case ER_NO_REFERENCED_ROW_2:
    case ER_BAD_NULL_ERROR:
    case 4025:  // ER_CONSTRAINT_FAILED (CHECK)
      return ErrorKind::kConstraint;
    case ER_PARSE_ERROR:
    case ER_NO_SUCH_TABLE:
    case ER_BAD_FIELD_ERROR:
    case ER_WRONG_VALUE_COUNT_ON_ROW:
      return ErrorKind::kSyntax;
    case ER_LOCK_WAIT_TIMEOUT:
    case ER_LOCK_DEADLOCK:
      return ErrorKind::kBusy;
    case ER_RECORD_FILE_FULL:
    case ER_DISK_FULL:
      return ErrorKind::kFull;
    case CR_CONNECTION_ERROR:
    case CR_CONN_HOST_ERROR:
    case CR_SERVER_GONE_ERROR:
    case CR_SERVER_LOST:
    case CR_SERVER_LOST_EXTENDED:
    case ER_CONNECTION_KILLED:
    case ER_SERVER_SHUTDOWN:
    case ER_CON_COUNT_ERROR:
    case ER_ACCESS_DENIED_ERROR:
    case ER_BAD_DB_ERROR:
    case 4031:  // MySQL 8: disconnected by the server for idling
      return ErrorKind::kUnavailable;
    default:
      return ErrorKind::kOther;
  }
}

namespace {

bool connection_lost(unsigned code) {
  return code == CR_SERVER_GONE_ERROR || code == CR_COMMANDS_OUT_OF_SYNC || code == CR_SERVER_LOST || code == CR_SERVER_LOST_EXTENDED ||
         code == ER_CONNECTION_KILLED || code == ER_SERVER_SHUTDOWN || code == 4031;
}

// A read that may run twice without changing anything.
bool safe_to_retry(std::string_view sql) {
  std::size_t i = 0;
  while (i < sql.size() && (std::isspace(static_cast<unsigned char>(sql[i])) || sql[i] == '(')) ++i;
  std::string word;
  while (i < sql.size() && std::isalpha(static_cast<unsigned char>(sql[i]))) word += static_cast<char>(std::toupper(sql[i++]));
  return word == "SELECT" || word == "SHOW" || word == "EXPLAIN" || word == "DESCRIBE";
}

std::chrono::seconds seconds_option(std::string_view query, std::string_view name, std::chrono::seconds fallback) {
  std::string text = query_value(query, name);
  if (text.empty()) return fallback;
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || value <= 0) {
    throw UrlError("mysql URL option " + std::string(name) + " must be a positive number of seconds, got '" + text + "'");
  }
  return std::chrono::seconds(value);
}

}  // namespace

MysqlSettings MysqlSettings::parse(std::string_view url) {
  constexpr std::string_view kScheme = "mysql://";
  const char* kShape = "; expected mysql://USER:PASSWORD@HOST:PORT/DATABASE";
  if (!url.starts_with(kScheme)) throw UrlError(std::string("not a mysql URL") + kShape);
  std::string_view rest = url.substr(kScheme.size());
  std::size_t question = rest.find('?');
  std::string_view query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
  rest = rest.substr(0, question);
  MysqlSettings settings;
  std::size_t at = rest.rfind('@');
  if (at != std::string_view::npos) {
    std::string_view credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    std::size_t colon = credentials.find(':');
    auto user = percent_decode(credentials.substr(0, colon), false);
    auto password = colon == std::string_view::npos ? std::optional<std::string>("")
                                                    : percent_decode(credentials.substr(colon + 1), false);
    if (!user || !password) throw UrlError(std::string("mysql URL has a malformed %-escape in its user or password") + kShape);
    settings.user = *user;
    settings.password = *password;
  }
  std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos || slash + 1 == rest.size()) {
    throw UrlError(std::string("mysql URL names no database") + kShape);
  }
  settings.database = std::string(rest.substr(slash + 1));
  std::string_view host_port = rest.substr(0, slash);
  if (host_port.starts_with("[")) {
    // [IPv6]:port
    std::size_t close = host_port.find(']');
    if (close == std::string_view::npos) throw UrlError(std::string("mysql URL has an unclosed [ in its host") + kShape);
    std::string_view after = host_port.substr(close + 1);
    settings.host = std::string(host_port.substr(1, close - 1));
    host_port = after.starts_with(":") ? host_port.substr(close + 1) : std::string_view();
  }
  std::size_t colon = host_port.rfind(':');
  if (colon != std::string_view::npos) {
    std::string port(host_port.substr(colon + 1));
    char* end = nullptr;
    long value = std::strtol(port.c_str(), &end, 10);
    if (port.empty() || *end != '\0' || value <= 0 || value > 65535) {
      throw UrlError("mysql URL port '" + port + "' is not a port number" + kShape);
    }
    settings.port = static_cast<unsigned>(value);
    host_port = host_port.substr(0, colon);
  }
  if (!host_port.empty() && settings.host == "127.0.0.1") settings.host = std::string(host_port);
  std::string ssl = query_value(query, "ssl");
  if (ssl == "required" || ssl == "true") {
    settings.ssl_required = true;
  } else if (ssl == "verify") {
    settings.ssl_required = settings.ssl_verify = true;
  } else if (!ssl.empty() && ssl != "disabled" && ssl != "false") {
    throw UrlError("mysql URL option ssl must be required, verify or disabled, got '" + ssl + "'");
  }
  settings.connect_timeout = seconds_option(query, "connect_timeout", settings.connect_timeout);
  settings.read_timeout = seconds_option(query, "read_timeout", settings.read_timeout);
  return settings;
}

std::string MysqlSettings::description() const {
  return "mysql://" + (user.empty() ? "" : user + (password.empty() ? "" : ":***") + "@") + host + ":" +
         std::to_string(port) + "/" + database + (ssl_verify ? "?ssl=verify" : ssl_required ? "?ssl=required" : "");
}

struct MysqlClient::CachedStatement {
  MYSQL_STMT* statement = nullptr;
  PositionalSql positional;
  bool is_insert = false;
  ~CachedStatement() {
    if (statement) mysql_stmt_close(statement);
  }
};

MysqlClient::MysqlClient(MysqlSettings settings) : settings_(std::move(settings)) { connect(); }

MysqlClient::~MysqlClient() { disconnect(); }

void MysqlClient::connect() {
  disconnect();
  mysql_ = mysql_init(nullptr);
  if (!mysql_) throw Error(ErrorKind::kUnavailable, CR_OUT_OF_MEMORY, "cannot allocate a MySQL connection");
  unsigned connect_timeout = static_cast<unsigned>(settings_.connect_timeout.count());
  unsigned read_timeout = static_cast<unsigned>(settings_.read_timeout.count());
  mysql_optionsv(mysql_, MYSQL_OPT_CONNECT_TIMEOUT, &connect_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_READ_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql_, MYSQL_OPT_WRITE_TIMEOUT, &read_timeout);
  mysql_optionsv(mysql_, MYSQL_SET_CHARSET_NAME, "utf8mb4");
  if (settings_.ssl_required) {
    my_bool enforce = 1;
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_ENFORCE, &enforce);
    my_bool verify = settings_.ssl_verify ? 1 : 0;
    mysql_optionsv(mysql_, MYSQL_OPT_SSL_VERIFY_SERVER_CERT, &verify);
  }
  // FOUND_ROWS: an UPDATE counts the rows it matched, as the Data API (JDBC) does.
  if (!mysql_real_connect(mysql_, settings_.host.c_str(), settings_.user.c_str(), settings_.password.c_str(),
                          settings_.database.c_str(), settings_.port, nullptr, CLIENT_FOUND_ROWS | CLIENT_MULTI_RESULTS)) {
    unsigned code = mysql_errno(mysql_);
    std::string message = "cannot connect to MySQL at " + settings_.host + ":" + std::to_string(settings_.port) +
                          ": " + mysql_error(mysql_);
    disconnect();
    throw Error(ErrorKind::kUnavailable, code, message);
  }
  thread_id_ = static_cast<std::int64_t>(mysql_thread_id(mysql_));
  // TIMESTAMP values in UTC, as the Data API returns them.
  if (mysql_query(mysql_, "SET time_zone = '+00:00'") != 0) fail(mysql_errno(mysql_), mysql_error(mysql_));
}

void MysqlClient::interrupt() {
  std::int64_t id = thread_id_;
  if (id == 0) return;
  try {
    MysqlClient killer(settings_);
    killer.execute_text("KILL QUERY " + std::to_string(id));
  } catch (const Error&) {
    // The statement's connection or the server is gone: nothing left to stop.
  }
}

void MysqlClient::disconnect() {
  lost_ = false;
  ++generation_;
  cache_.clear();
  if (mysql_) mysql_close(mysql_);
  mysql_ = nullptr;
  in_transaction_ = false;
}

void MysqlClient::fail(unsigned code, const std::string& message) {
  // Closing here would free handles that callers up the stack still release:
  // mark the connection, and let the public entry point close it after unwinding.
  if (connection_lost(code)) lost_ = true;
  throw Error(mysql_error_kind(code), static_cast<int>(code), "MySQL error " + std::to_string(code) + ": " + message);
}

MysqlClient::CachedStatement* MysqlClient::prepare(std::string_view sql) {
  std::string key(sql);
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second.get();
  // A schema change runs once (a migration's CREATE TABLE): as text, in one round trip, never
  // cached. So does a data change without parameters (a migration's INSERT): prepared, it
  // would cost a round trip more, and a cached one would save nothing (an execute is one too).
  std::string keyword = first_keyword(sql);
  if (is_schema_change(keyword)) return nullptr;
  PositionalSql positional = to_positional(sql);
  // (A '?' anywhere sends it the prepared way, which refuses positional parameters by name.)
  if (positional.names.empty() && is_data_change(keyword) && sql.find('?') == std::string_view::npos) return nullptr;
  if (cache_.size() >= kStatementCacheLimit) cache_.clear();
  auto cached = std::make_unique<CachedStatement>();
  cached->positional = std::move(positional);
  cached->statement = mysql_stmt_init(mysql_);
  if (!cached->statement) fail(mysql_errno(mysql_), mysql_error(mysql_));
  const std::string& text = cached->positional.sql;
  if (mysql_stmt_prepare(cached->statement, text.data(), text.size()) != 0) {
    unsigned code = mysql_stmt_errno(cached->statement);
    if (code == ER_UNSUPPORTED_PS) return nullptr;
    fail(code, mysql_stmt_error(cached->statement));
  }
  if (mysql_stmt_param_count(cached->statement) != cached->positional.names.size()) {
    throw Error(ErrorKind::kBadParameters, 0, "positional parameters (?) are not supported; name them (:name)");
  }
  cached->is_insert = is_insert(keyword);
  return cache_.emplace(std::move(key), std::move(cached)).first->second.get();
}

// An idle connection the server closed (a restart, wait_timeout) reads as ready:
// nothing is in flight on it, so reconnecting before sending is safe for writes too.
void MysqlClient::reconnect_if_closed() {
  if (!mysql_ || in_transaction_) return;
  pollfd descriptor{static_cast<int>(mysql_get_socket(mysql_)), POLLIN, 0};
  if (::poll(&descriptor, 1, 0) > 0 && (descriptor.revents & (POLLIN | POLLHUP | POLLERR))) disconnect();
}

StatementOutcome MysqlClient::execute_rows(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) {
  // The running statement's rows point into its buffers, which another statement (or a
  // cache eviction, or a reconnect) could free.
  if (running_) throw Error(ErrorKind::kOther, 0, kNestedStatement);
  struct Running {
    bool& running;
    ~Running() { running = false; }
  } running{running_};
  running_ = true;
  reconnect_if_closed();
  if (!mysql_) connect();
  bool was_in_transaction = in_transaction_;
  // A retry must not hand the visitor what it has already seen.
  struct Counting final : RowVisitor {
    explicit Counting(RowVisitor& to) : visitor(to) {}
    void columns(const std::vector<ColumnMetadata>& columns) override {
      visited = true;
      visitor.columns(columns);
    }
    void row(const Row& row) override {
      visited = true;
      visitor.row(row);
    }
    RowVisitor& visitor;
    bool visited = false;
  } counting{visitor};
  try {
    return run(sql, parameters, counting);
  } catch (const Error& error) {
    if (counting.visited) {
      if (lost_) disconnect();
      throw;
    }
    if (static_cast<unsigned>(error.code()) == CR_NEW_STMT_METADATA && !lost_) {
      // Another connection changed the table under a cached statement: prepare it anew.
      cache_.erase(std::string(sql));
      return run(sql, parameters, counting);
    }
    if (!lost_) throw;
    disconnect();
    // The connection dropped (server restart, idle timeout): one retry on a new
    // connection, only for a read outside a transaction, which cannot apply twice.
    if (was_in_transaction || !safe_to_retry(sql)) throw;
    connect();
    return run(sql, parameters, counting);
  }
}

StatementOutcome MysqlClient::run(std::string_view sql, const Parameters& parameters, RowVisitor& visitor) {
  if (schema_changed_) {
    cache_.clear();
    schema_changed_ = false;
  }
  CachedStatement* cached = prepare(sql);
  if (!cached) {
    if (!parameters.empty()) {
      throw Error(ErrorKind::kBadParameters, ER_UNSUPPORTED_PS,
                  "this statement runs unprepared (a schema change, or one MySQL cannot prepare), so it cannot "
                  "take parameters");
    }
    return run_text(sql, visitor);
  }
  return run_prepared(*cached, parameters, visitor);
}

StatementOutcome MysqlClient::run_prepared(CachedStatement& cached, const Parameters& parameters, RowVisitor& visitor) {
  MYSQL_STMT* statement = cached.statement;
  std::vector<std::size_t> order = match_parameters(cached.positional, parameters);

  // Parameter buffers; each MYSQL_BIND points into these, sized before any pointer is taken.
  std::vector<MYSQL_BIND> binds(order.size());
  std::vector<long long> integers(order.size());
  std::vector<double> doubles(order.size());
  std::vector<char> booleans(order.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    MYSQL_BIND& bind = binds[i];
    std::memset(&bind, 0, sizeof bind);
    const Field::Value& value = parameters[order[i]].value.value();
    if (std::holds_alternative<Null>(value)) {
      bind.buffer_type = MYSQL_TYPE_NULL;
    } else if (auto* flag = std::get_if<bool>(&value)) {
      booleans[i] = *flag ? 1 : 0;
      bind.buffer_type = MYSQL_TYPE_TINY;
      bind.buffer = &booleans[i];
    } else if (auto* number = std::get_if<std::int64_t>(&value)) {
      integers[i] = *number;
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &integers[i];
    } else if (auto* real = std::get_if<double>(&value)) {
      doubles[i] = *real;
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &doubles[i];
    } else if (auto* text = std::get_if<std::string>(&value)) {
      bind.buffer_type = MYSQL_TYPE_STRING;
      bind.buffer = const_cast<char*>(text->data());
      bind.buffer_length = text->size();
    } else {
      const Blob& blob = std::get<Blob>(value);
      bind.buffer_type = MYSQL_TYPE_BLOB;
      // Connector/C sends a null buffer as NULL: an empty blob needs a real address.
      static std::uint8_t empty_blob = 0;
      bind.buffer = blob.empty() ? &empty_blob : const_cast<std::uint8_t*>(blob.data());
      bind.buffer_length = blob.size();
    }
  }
  if (!binds.empty() && mysql_stmt_bind_param(statement, binds.data()) != 0) {
    fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));
  }
  if (mysql_stmt_execute(statement) != 0) fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));

  StatementOutcome result;
  MYSQL_RES* metadata = mysql_stmt_result_metadata(statement);
  if (!metadata) {
    result.number_of_records_updated = static_cast<std::int64_t>(mysql_stmt_affected_rows(statement));
    my_ulonglong id = mysql_stmt_insert_id(statement);
    if (cached.is_insert && id != 0) result.generated_fields.emplace_back(static_cast<long long>(id));
    return result;
  }
  struct FreeMetadata {
    MYSQL_RES* metadata;
    MYSQL_STMT* statement;
    ~FreeMetadata() {
      mysql_stmt_free_result(statement);
      // A CALL answers with more results (at least a status): read them, or the
      // connection is out of sync for the next statement.
      while (mysql_stmt_more_results(statement) && mysql_stmt_next_result(statement) == 0) {
        mysql_stmt_free_result(statement);
      }
      mysql_free_result(metadata);
    }
  } free_metadata{metadata, statement};

  unsigned count = mysql_num_fields(metadata);
  MYSQL_FIELD* fields = mysql_fetch_fields(metadata);
  std::vector<ValueKind> kinds(count);
  std::vector<ColumnMetadata> columns;
  columns.reserve(count);
  for (unsigned i = 0; i < count; ++i) {
    kinds[i] = value_kind(fields[i]);
    columns.push_back(describe(fields[i]));
  }
  std::uint64_t columns_id = new_columns_id();
  // Every row is read before the visitor sees anything: a connection lost meanwhile
  // can still be retried (execute_rows).
  if (mysql_stmt_store_result(statement) != 0) fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));

  // Integers and floats bind natively; everything else as bytes, grown on truncation.
  std::vector<MYSQL_BIND> outputs(count);
  std::vector<long long> output_integers(count);
  std::vector<double> output_doubles(count);
  std::vector<std::string> buffers(count);
  std::vector<unsigned long> lengths(count);
  std::vector<my_bool> nulls(count), errors(count);
  for (unsigned i = 0; i < count; ++i) {
    MYSQL_BIND& bind = outputs[i];
    std::memset(&bind, 0, sizeof bind);
    bind.length = &lengths[i];
    bind.is_null = &nulls[i];
    bind.error = &errors[i];
    if (kinds[i] == ValueKind::kLong || (kinds[i] == ValueKind::kBool && fields[i].type == MYSQL_TYPE_TINY)) {
      bind.buffer_type = MYSQL_TYPE_LONGLONG;
      bind.buffer = &output_integers[i];
    } else if (kinds[i] == ValueKind::kDouble) {
      bind.buffer_type = MYSQL_TYPE_DOUBLE;
      bind.buffer = &output_doubles[i];
    } else {
      buffers[i].resize(std::clamp<std::size_t>(fields[i].length, 16, 4096));
      bind.buffer_type = MYSQL_TYPE_STRING;
      bind.buffer = buffers[i].data();
      bind.buffer_length = buffers[i].size();
    }
  }
  if (mysql_stmt_bind_result(statement, outputs.data()) != 0) fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));

  visitor.columns(columns);
  std::vector<FieldView> values(count);
  std::vector<std::string> wholes(count);  // values longer than their buffer, this row
  while (true) {
    int code = mysql_stmt_fetch(statement);
    if (code == MYSQL_NO_DATA) break;
    if (code == 1) fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));
    for (unsigned i = 0; i < count; ++i) {
      if (nulls[i]) {
        values[i] = FieldView();
        continue;
      }
      MYSQL_BIND& bind = outputs[i];
      if (bind.buffer_type == MYSQL_TYPE_LONGLONG) {
        std::int64_t value = output_integers[i];
        values[i] = kinds[i] == ValueKind::kBool ? FieldView(value != 0) : FieldView(value);
      } else if (bind.buffer_type == MYSQL_TYPE_DOUBLE) {
        values[i] = FieldView(output_doubles[i]);
      } else if (code == MYSQL_DATA_TRUNCATED && errors[i]) {
        // Longer than the buffer: fetch the whole value into a bigger one.
        std::string& whole = wholes[i];
        whole.assign(lengths[i], '\0');
        MYSQL_BIND column;
        std::memset(&column, 0, sizeof column);
        column.buffer_type = MYSQL_TYPE_STRING;
        column.buffer = whole.data();
        column.buffer_length = whole.size();
        column.length = &lengths[i];
        if (mysql_stmt_fetch_column(statement, &column, i, 0) != 0) {
          fail(mysql_stmt_errno(statement), mysql_stmt_error(statement));
        }
        values[i] = view_of_text(kinds[i], whole.data(), whole.size());
      } else {
        values[i] = view_of_text(kinds[i], buffers[i].data(), std::min<std::size_t>(lengths[i], buffers[i].size()));
      }
    }
    visitor.row(Row(columns, values, columns_id));
  }
  return result;
}

ResultSet MysqlClient::execute_text(std::string_view sql) {
  if (running_) throw Error(ErrorKind::kOther, 0, kNestedStatement);
  reconnect_if_closed();
  if (!mysql_) connect();
  ResultSet result;
  ResultSetBuilder builder(result);
  try {
    StatementOutcome outcome = run_text(sql, builder);
    result.number_of_records_updated = outcome.number_of_records_updated;
  } catch (const Error&) {
    if (lost_) disconnect();
    throw;
  }
  return result;
}

StatementOutcome MysqlClient::run_text(std::string_view sql, RowVisitor& visitor) {
  if (makes_cached_statements_stale(sql)) schema_changed_ = true;
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) fail(mysql_errno(mysql_), mysql_error(mysql_));
  StatementOutcome result;
  bool first = true;
  while (true) {
    MYSQL_RES* rows = mysql_store_result(mysql_);
    if (rows) {
      if (first) {
        unsigned count = mysql_num_fields(rows);
        MYSQL_FIELD* fields = mysql_fetch_fields(rows);
        std::vector<ValueKind> kinds(count);
        std::vector<ColumnMetadata> columns;
        for (unsigned i = 0; i < count; ++i) {
          kinds[i] = value_kind(fields[i]);
          columns.push_back(describe(fields[i]));
        }
        visitor.columns(columns);
        std::uint64_t columns_id = new_columns_id();
        std::vector<FieldView> values(count);
        while (MYSQL_ROW row = mysql_fetch_row(rows)) {
          unsigned long* lengths = mysql_fetch_lengths(rows);
          for (unsigned i = 0; i < count; ++i) {
            values[i] = row[i] ? view_of_text(kinds[i], row[i], lengths[i]) : FieldView();
          }
          visitor.row(Row(columns, values, columns_id));
        }
      }
      mysql_free_result(rows);
    } else if (mysql_field_count(mysql_) != 0) {
      fail(mysql_errno(mysql_), mysql_error(mysql_));
    } else if (first) {
      result.number_of_records_updated = static_cast<std::int64_t>(mysql_affected_rows(mysql_));
      // As a prepared INSERT reports it: the AUTO_INCREMENT value it generated.
      my_ulonglong id = mysql_insert_id(mysql_);
      if (id != 0 && is_insert(first_keyword(sql))) result.generated_fields.emplace_back(static_cast<long long>(id));
    }
    first = false;
    int next = mysql_next_result(mysql_);
    if (next == -1) break;
    if (next > 0) fail(mysql_errno(mysql_), mysql_error(mysql_));
  }
  return result;
}

void MysqlClient::begin() {
  execute_text("START TRANSACTION");
  in_transaction_ = true;
}

void MysqlClient::commit() {
  in_transaction_ = false;
  execute_text("COMMIT");
}

void MysqlClient::rollback() {
  in_transaction_ = false;
  execute_text("ROLLBACK");
}

}  // namespace strata::db
