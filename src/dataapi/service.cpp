#include "dataapi/service.hpp"

#include <boost/asio/post.hpp>

#include <atomic>
#include <cmath>
#include <random>
#include <set>

#include "aws/signature_check.hpp"
#include "core/log.hpp"
#include "dataapi/api_error.hpp"
#include "dataapi/requests.hpp"
#include "db/mysql_client.hpp"
#include "core/request_id.hpp"
#include "strata/json.hpp"

namespace strata::dataapi {
namespace bhttp = boost::beast::http;

struct Service::Backend {
  std::unique_ptr<db::Database> database;
  std::vector<std::unique_ptr<db::Client>> clients;  // one per event loop
  std::vector<std::string> selected;                 // each client's database (MySQL USE)
};

// One call: answered once, by its worker or (on a timeout with
// continueAfterTimeout) by the watchdog.
struct Service::Call {
  Call(http::Reply reply_to, unsigned http_version, bool keep, std::string what)
      : reply(std::move(reply_to)), version(http_version), keep_alive(keep), target(std::move(what)) {}
  void answer(http::Response&& response) {
    if (answered.exchange(true)) return;
    auto took = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
    log::info("data-api: " + target + " " + std::to_string(response.result_int()) + " " + std::to_string(took.count()) +
              "us");
    reply(std::move(response));
  }
  http::Reply reply;
  unsigned version;
  bool keep_alive;
  std::string target;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  std::atomic<bool> answered{false};
};

// A statement under the timeout.
struct Service::Watch {
  std::shared_ptr<Call> call;
  db::Client* client;
  std::chrono::steady_clock::time_point deadline;
  bool continue_after_timeout;
  std::atomic<bool> fired{false};
};

struct Service::Transaction {
  std::mutex running;  // held while a statement runs
  std::unique_ptr<db::Client> client;
  std::chrono::steady_clock::time_point last_used = std::chrono::steady_clock::now();
  bool ended = false;
};

namespace {

thread_local unsigned worker_index = 0;  // which worker runs this thread, for its clients

std::string new_transaction_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string id(184, 'A');  // the service's ids are long base64 strings
  for (char& c : id) c = kAlphabet[generator() % 64];
  return id;
}

// The Data API's `database` member: MySQL's USE for this call; without it, the
// URL's own database (which `selected` empty stands for).
void select_database(db::Client& client, std::string& selected, const std::string& database) {
  if (database == selected || client.engine() != "mysql") return;
  if (database.empty()) {
    auto* mysql = dynamic_cast<db::MysqlClient*>(&client);
    if (mysql) client.execute("USE `" + mysql->settings().database + "`");
    selected.clear();
    return;
  }
  std::string quoted = "`";
  for (char c : database) quoted += c == '`' ? std::string("``") : std::string(1, c);
  client.execute("USE " + quoted + "`");
  selected = database;
}

// resultSetOptions applied to the values, as the service does before serializing.
void apply_options(db::ResultSet& result, const ResultOptions& options) {
  for (db::Record& record : result.records) {
    for (std::size_t i = 0; i < record.size() && i < result.columns.size(); ++i) {
      db::Field& field = record[i];
      if (options.long_as_string && field.is_long()) {
        field = db::Field(std::to_string(field.as_long()));
      } else if (options.decimal_as_double_or_long && field.is_string() &&
                 result.columns[i].type == db::jdbc::kDecimal) {
        const std::string& text = field.as_string();
        if (text.find_first_of(".eE") == std::string::npos) {
          field = db::Field(static_cast<long long>(std::strtoll(text.c_str(), nullptr, 10)));
        } else {
          field = db::Field(std::strtod(text.c_str(), nullptr));
        }
      }
    }
  }
}

void write_generated(json::Writer& writer, const db::ResultSet& result) {
  writer.Key("generatedFields");
  writer.StartArray();
  for (const db::Field& field : result.generated_fields) {
    writer.StartObject();
    if (field.is_long()) {
      writer.Key("longValue");
      writer.Int64(field.as_long());
    } else if (field.is_string()) {
      writer.Key("stringValue");
      writer.String(field.as_string().c_str());
    } else {
      writer.Key("isNull");
      writer.Bool(true);
    }
    writer.EndObject();
  }
  writer.EndArray();
}

std::string execute_response(db::ResultSet& result, const ResultOptions& options) {
  apply_options(result, options);
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("numberOfRecordsUpdated");
  writer.Int64(result.number_of_records_updated);
  bool has_result_set = !result.columns.empty();
  if (has_result_set && options.format_json) {
    std::set<std::string> labels;
    for (const db::ColumnMetadata& column : result.columns) {
      if (!labels.insert(column.label).second) {
        throw ApiError(400, "UnsupportedResultException",
                       "The result contains two columns labelled " + column.label +
                           ", which formatRecordsAs JSON cannot represent; alias one of them");
      }
    }
    rapidjson::StringBuffer records;
    json::Writer records_writer(records);
    json::write_record_objects(records_writer, result);
    writer.Key("formattedRecords");
    writer.String(records.GetString(), static_cast<rapidjson::SizeType>(records.GetSize()));
  } else if (has_result_set) {
    writer.Key("records");
    json::write_records(writer, result);
    if (options.include_metadata) {
      writer.Key("columnMetadata");
      json::write_column_metadata(writer, result);
    }
  }
  if (!result.generated_fields.empty()) write_generated(writer, result);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

// The deprecated ExecuteSql's Value union.
void write_value(json::Writer& writer, const db::Field& field) {
  writer.StartObject();
  if (field.is_null()) {
    writer.Key("isNull");
    writer.Bool(true);
  } else if (field.is_bool()) {
    writer.Key("bitValue");
    writer.Bool(field.as_bool());
  } else if (field.is_long()) {
    writer.Key("bigIntValue");
    writer.Int64(field.as_long());
  } else if (field.is_double()) {
    writer.Key("doubleValue");
    std::isfinite(field.as_double()) ? writer.Double(field.as_double()) : writer.Null();
  } else {
    writer.Key(field.is_string() ? "stringValue" : "blobValue");
    json::write_field(writer, field);
  }
  writer.EndObject();
}

http::Response json_response(unsigned status, std::string body, unsigned version, bool keep_alive) {
  http::Response response{static_cast<bhttp::status>(status), version};
  response.set(bhttp::field::content_type, "application/json");
  response.set("x-amzn-RequestId", new_request_id());
  response.body() = std::move(body);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  return response;
}

http::Response error_response(const ApiError& error, unsigned version, bool keep_alive) {
  std::string connection;
  if (auto id = error.db_connection_id()) connection = ",\"dbConnectionId\":" + std::to_string(*id);
  http::Response response = json_response(error.status(),
                                          "{\"__type\":" + json::quote(error.type()) + ",\"message\":" +
                                              json::quote(error.what()) + connection + "}",
                                          version, keep_alive);
  response.set("x-amzn-ErrorType", error.type());
  return response;
}

}  // namespace

Service::Service(ServiceOptions options) : options_(std::move(options)) {
  for (const auto& [arn, url] : options_.databases) {
    auto backend = std::make_unique<Backend>();
    backend->database = db::open_database(url);
    backend->clients.resize(options_.workers);
    backend->selected.resize(options_.workers);
    backends_.emplace(arn, std::move(backend));
  }
  for (unsigned i = 0; i < options_.workers; ++i) {
    workers_.emplace_back([this, i] {
      worker_index = i;
      auto guard = boost::asio::make_work_guard(work_);
      work_.run();
    });
  }
  reaper_ = std::thread([this] {
    std::unique_lock lock(reaper_mutex_);
    for (unsigned tick = 0; !stopping_; ++tick) {
      reaper_wake_.wait_for(lock, std::chrono::milliseconds(50));
      if (stopping_) break;
      enforce_statement_timeouts();
      if (tick % 20 == 0) reap_idle_transactions();
    }
  });
}

Service::~Service() {
  {
    std::lock_guard lock(reaper_mutex_);
    stopping_ = true;
  }
  reaper_wake_.notify_all();
  reaper_.join();
  work_.stop();
  for (auto& worker : workers_) worker.join();
}

Service::Backend& Service::backend_for(const std::string& resource_arn) {
  auto found = backends_.find(resource_arn);
  if (found != backends_.end()) return *found->second;
  found = backends_.find("");
  if (found != backends_.end()) return *found->second;
  throw ApiError::bad_request("resourceArn " + resource_arn + " names no database this server serves");
}

db::Client& Service::worker_client(Backend& backend, const std::string& database) {
  unsigned index = worker_index;
  auto& client = backend.clients.at(index);
  if (!client) {
    client = backend.database->connect();
    backend.selected[index].clear();
  }
  select_database(*client, backend.selected[index], database);
  return *client;
}

std::shared_ptr<Service::Transaction> Service::find_transaction(const std::string& id) {
  std::lock_guard lock(transactions_mutex_);
  auto found = transactions_.find(id);
  if (found == transactions_.end()) throw ApiError::transaction_not_found(id);
  return found->second;
}

void Service::reap_idle_transactions() {
  std::vector<std::shared_ptr<Transaction>> idle;
  {
    std::lock_guard lock(transactions_mutex_);
    auto now = std::chrono::steady_clock::now();
    for (auto it = transactions_.begin(); it != transactions_.end();) {
      if (now - it->second->last_used > options_.transaction_idle_timeout) {
        idle.push_back(it->second);
        it = transactions_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (auto& transaction : idle) {
    std::lock_guard running(transaction->running);
    try {
      transaction->client->rollback();
    } catch (const db::Error&) {
      // The connection is gone: the server rolled it back.
    }
    transaction->ended = true;
    log::info("data-api: rolled back a transaction idle for more than " +
              std::to_string(options_.transaction_idle_timeout.count()) + " s");
  }
}

std::string Service::watched(const std::shared_ptr<Call>& call, db::Client& client, bool continue_after_timeout,
                             const std::function<std::string()>& work) {
  auto watch = std::make_shared<Watch>();
  watch->call = call;
  watch->client = &client;
  watch->deadline = std::chrono::steady_clock::now() + options_.statement_timeout;
  watch->continue_after_timeout = continue_after_timeout;
  {
    std::lock_guard lock(watches_mutex_);
    watches_.push_back(watch);
  }
  struct Unwatch {
    Service& service;
    const std::shared_ptr<Watch>& watch;
    ~Unwatch() {
      std::lock_guard lock(service.watches_mutex_);
      std::erase(service.watches_, watch);
    }
  } unwatch{*this, watch};
  try {
    return work();
  } catch (const db::Error&) {
    if (watch->fired) throw ApiError::statement_timeout(client.session_id());
    throw;
  }
}

void Service::enforce_statement_timeouts() {
  std::vector<std::shared_ptr<Watch>> expired;
  {
    std::lock_guard lock(watches_mutex_);
    auto now = std::chrono::steady_clock::now();
    for (auto& watch : watches_) {
      if (!watch->fired && now >= watch->deadline) {
        watch->fired = true;
        expired.push_back(watch);
      }
    }
  }
  for (auto& watch : expired) {
    if (watch->continue_after_timeout) {
      // The call answers now; the statement runs on, and its result is dropped.
      watch->call->answer(error_response(ApiError::statement_timeout(watch->client->session_id()), watch->call->version,
                                         watch->call->keep_alive));
    } else {
      watch->client->interrupt();
    }
  }
}

http::Response Service::dispatch(const http::Request& request, const std::shared_ptr<Call>& call) {
  unsigned version = request.version();
  bool keep_alive = request.keep_alive();
  std::string_view path = request.target();
  path = path.substr(0, path.find('?'));
  if (request.method() != bhttp::verb::post) {
    throw ApiError(404, "NotFoundException", "The Data API takes POST requests only");
  }
  const std::string& body = request.body();

  // Runs `work` on the transaction's own connection, or on this thread's.
  auto with_client = [&](const Target& target, const std::function<std::string(db::Client&)>& work) {
    if (!target.transaction_id.empty()) {
      auto transaction = find_transaction(target.transaction_id);
      std::unique_lock running(transaction->running, std::try_to_lock);
      if (!running.owns_lock()) {
        throw ApiError(400, "DatabaseErrorException", "Transaction is still running a query");
      }
      if (transaction->ended) throw ApiError::transaction_not_found(target.transaction_id);
      transaction->last_used = std::chrono::steady_clock::now();
      std::string out = work(*transaction->client);
      transaction->last_used = std::chrono::steady_clock::now();
      return out;
    }
    return work(worker_client(backend_for(target.resource_arn), target.database));
  };

  std::string out;
  if (path == "/Execute") {
    ExecuteRequest execute = read_execute(body);
    out = with_client(execute.target, [&](db::Client& client) {
      return watched(call, client, execute.continue_after_timeout, [&] {
        db::ResultSet result = client.execute(execute.sql, execute.parameters);
        return execute_response(result, execute.options);
      });
    });
  } else if (path == "/BatchExecute") {
    BatchRequest batch = read_batch(body);
    out = with_client(batch.target, [&](db::Client& client) { return watched(call, client, false, [&] {
      rapidjson::StringBuffer buffer;
      json::Writer writer(buffer);
      writer.StartObject();
      writer.Key("updateResults");
      writer.StartArray();
      auto run = [&](const db::Parameters& parameters) {
        db::ResultSet result = client.execute(batch.sql, parameters);
        writer.StartObject();
        write_generated(writer, result);
        writer.EndObject();
      };
      // Without a transaction of the caller's, the batch is all or nothing.
      std::optional<db::Transaction> own;
      if (batch.target.transaction_id.empty()) own.emplace(client);
      if (batch.parameter_sets.empty()) run({});
      for (const db::Parameters& parameters : batch.parameter_sets) run(parameters);
      if (own) own->commit();
      writer.EndArray();
      writer.EndObject();
      return std::string(buffer.GetString(), buffer.GetSize());
    }); });
  } else if (path == "/BeginTransaction") {
    Target target = read_transaction(body, false);
    Backend& backend = backend_for(target.resource_arn);
    auto transaction = std::make_shared<Transaction>();
    transaction->client = backend.database->connect();
    std::string selected;
    select_database(*transaction->client, selected, target.database);
    transaction->client->begin();
    std::string id = new_transaction_id();
    {
      std::lock_guard lock(transactions_mutex_);
      transactions_.emplace(id, transaction);
    }
    out = "{\"transactionId\":" + json::quote(id) + "}";
  } else if (path == "/CommitTransaction" || path == "/RollbackTransaction") {
    bool commit = path == "/CommitTransaction";
    Target target = read_transaction(body, true);
    auto transaction = find_transaction(target.transaction_id);
    std::unique_lock running(transaction->running, std::try_to_lock);
    if (!running.owns_lock()) throw ApiError(400, "DatabaseErrorException", "Transaction is still running a query");
    {
      std::lock_guard lock(transactions_mutex_);
      transactions_.erase(target.transaction_id);
    }
    transaction->ended = true;
    commit ? transaction->client->commit() : transaction->client->rollback();
    out = commit ? "{\"transactionStatus\":\"Transaction Committed\"}" : "{\"transactionStatus\":\"Rollback Complete\"}";
  } else if (path == "/ExecuteSql") {
    ExecuteSqlRequest execute = read_execute_sql(body);
    out = with_client(execute.target, [&](db::Client& client) {
      rapidjson::StringBuffer buffer;
      json::Writer writer(buffer);
      writer.StartObject();
      writer.Key("sqlStatementResults");
      writer.StartArray();
      for (const std::string& sql : execute.statements) {
        db::ResultSet result = client.execute(sql);
        writer.StartObject();
        writer.Key("numberOfRecordsUpdated");
        writer.Int64(result.number_of_records_updated);
        if (!result.columns.empty()) {
          writer.Key("resultFrame");
          writer.StartObject();
          writer.Key("resultSetMetadata");
          writer.StartObject();
          writer.Key("columnCount");
          writer.Int64(static_cast<std::int64_t>(result.columns.size()));
          writer.Key("columnMetadata");
          json::write_column_metadata(writer, result);
          writer.EndObject();
          writer.Key("records");
          writer.StartArray();
          for (const db::Record& record : result.records) {
            writer.StartObject();
            writer.Key("values");
            writer.StartArray();
            for (const db::Field& field : record) write_value(writer, field);
            writer.EndArray();
            writer.EndObject();
          }
          writer.EndArray();
          writer.EndObject();
        }
        writer.EndObject();
      }
      writer.EndArray();
      writer.EndObject();
      return std::string(buffer.GetString(), buffer.GetSize());
    });
  } else {
    throw ApiError(404, "NotFoundException", "Unknown operation " + std::string(path));
  }
  if (out.size() > options_.max_response_bytes) {
    throw ApiError::bad_request("Database returned more than the allowed response size limit");
  }
  return json_response(200, std::move(out), version, keep_alive);
}

void Service::handle(http::Request&& request, http::Reply reply) {
  auto call = std::make_shared<Call>(std::move(reply), request.version(), request.keep_alive(),
                                     std::string(request.target()));
  boost::asio::post(work_, [this, call, request = std::move(request)]() mutable {
    unsigned version = call->version;
    bool keep_alive = call->keep_alive;
    http::Response response;
    try {
      if (!options_.access_keys.empty()) {
        std::vector<std::pair<std::string, std::string>> headers;
        for (const auto& field : request) headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
        if (auto failure = aws::check_signature(std::string(request.method_string()), std::string(request.target()),
                                                headers, request.body(), options_.access_keys)) {
          throw ApiError(403, failure->type, failure->message);
        }
      }
      response = dispatch(request, call);
    } catch (const ApiError& error) {
      response = error_response(error, version, keep_alive);
    } catch (const db::Error& error) {
      if (error.kind() == db::ErrorKind::kUnavailable) {
        // Reconnect on the next call.
        for (auto& [arn, backend] : backends_) backend->clients.at(worker_index).reset();
      }
      response = error_response(ApiError::from_database(error), version, keep_alive);
    } catch (const std::exception& error) {
      log::error(std::string("data-api: ") + error.what());
      response = error_response(ApiError(500, "InternalServerErrorException", error.what()), version, keep_alive);
    }
    call->answer(std::move(response));
  });
}

}  // namespace strata::dataapi
