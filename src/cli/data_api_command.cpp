#include "cli/data_api_command.hpp"

#include <sched.h>

#include "aws/credentials.hpp"
#include "cli/exit_codes.hpp"
#include "cli/stop_on_signal.hpp"
#include "core/log.hpp"
#include "dataapi/service.hpp"
#include "db/database.hpp"

namespace strata::cli {
namespace {

struct DataApiOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  std::vector<std::string> databases;
  unsigned threads = 0;
  unsigned transaction_idle_timeout = 180;
  unsigned statement_timeout_ms = 45000;
  unsigned workers = 8;
  std::string auth = "none";
  std::string credentials_file;
  bool quiet = false;
};

// Every thread of the server, made after this, under batch scheduling. Each call passes from
// an event loop to a worker and its answer back; with a core busy, each hand-over woke the
// other thread at once (wakeup preemption): two context switches a call. A batch thread runs
// until it waits, so a loop hands over every call it has read, and a worker hands back every
// answer it has ready: 0.4 switches a call under wrk -c32 on one core, 15% more calls.
void schedule_as_batch() {
  sched_param none{};
  if (sched_setscheduler(0, SCHED_BATCH, &none) != 0) log::warn("data-api: batch scheduling refused; serving without it");
}

int run_data_api(const DataApiOptions& options) {
  StopOnSignal::block_stop_signals();
  schedule_as_batch();
  log::set_quiet(options.quiet);
  dataapi::ServiceOptions service_options;
  for (const std::string& entry : options.databases) {
    // ARN=URL, or a URL alone for every ARN. An ARN holds ':' but never '=' before its URL.
    std::size_t equals = entry.find('=');
    bool has_arn = equals != std::string::npos && entry.starts_with("arn:");
    std::string arn = has_arn ? entry.substr(0, equals) : "";
    std::string url = has_arn ? entry.substr(equals + 1) : entry;
    if (!service_options.databases.emplace(arn, url).second) {
      throw db::UrlError(arn.empty() ? "--db without an ARN is given twice; write --db ARN=URL for each database"
                                     : "--db " + arn + " is given twice");
    }
  }
  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  server_options.body_limit = 4 * 1024 * 1024;  // the Data API's request limit
  service_options.workers = std::max(1u, options.workers);
  service_options.statement_timeout = std::chrono::milliseconds(options.statement_timeout_ms);
  service_options.transaction_idle_timeout = std::chrono::seconds(options.transaction_idle_timeout);
  if (options.auth == "sigv4") {
    if (options.credentials_file.empty()) throw CLI::ValidationError("--auth sigv4", "needs --credentials FILE");
    service_options.access_keys = aws::read_access_keys(options.credentials_file);
  }

  std::unique_ptr<dataapi::Service> service;
  http::Server server(server_options, [&service](http::Request&& request, http::Reply reply) {
    service->handle(std::move(request), std::move(reply));
  });
  service = std::make_unique<dataapi::Service>(service_options);
  server.listen();
  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  std::string served;
  for (const auto& [arn, url] : service_options.databases) {
    served += (served.empty() ? "" : ", ") + (arn.empty() ? std::string("every ARN") : arn) + " -> " +
              db::open_database(url)->description();
  }
  bool signed_only = !service_options.access_keys.empty();
  log::notice("data-api: listening on http://" + host + ":" + std::to_string(server.port()) + " (" + served + "); " +
              (signed_only ? "every request must be SigV4-signed by one of " +
                                 std::to_string(service_options.access_keys.size()) + " access keys"
                           : "no request signing checked, so it answers loopback clients only unless told otherwise"));
  if (!signed_only && options.host != "127.0.0.1" && options.host != "::1" && options.host != "localhost") {
    log::warn("data-api: listening on " + options.host + ", reachable from other machines, with no authentication");
  }
  StopOnSignal stop_on_signal(server, "data-api");
  server.run();
  // The service goes first: a call still on one of its workers holds a reply, whose
  // connection belongs to the server (AddressSanitizer saw it freed with the server before).
  service.reset();
  return kExitOk;
}

}  // namespace

void add_data_api_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<DataApiOptions>();
  CLI::App* command = app.add_subcommand(
      "data-api", "Serve the RDS Data API (ExecuteStatement, BatchExecuteStatement, transactions) on a database");
  command->add_option("--host", options->host, "Address to listen on")->capture_default_str();
  command->add_option("--port", options->port, "Port to listen on; 0 picks a free one")->capture_default_str();
  command->add_option("--db", options->databases,
                      "Database URL for every resourceArn, or ARN=URL (repeatable) to serve several; an unknown ARN is "
                      "then a BadRequestException")
      ->required();
  command->add_option("--threads", options->threads, "HTTP event loops (default: one per core this process may run on)");
  command->add_option("--workers", options->workers, "Threads that run statements (connections per database)")
      ->capture_default_str();
  command->add_option("--statement-timeout-ms", options->statement_timeout_ms,
                      "A statement still running after this fails with StatementTimeoutException (the Data API's 45 s)")
      ->capture_default_str();
  command->add_option("--transaction-idle-timeout", options->transaction_idle_timeout,
                      "Seconds after which an idle transaction is rolled back")
      ->capture_default_str();
  command->add_option("--auth", options->auth, "none, or sigv4: refuse requests not signed by a key of --credentials")
      ->check(CLI::IsMember({"none", "sigv4"}))
      ->capture_default_str();
  command->add_option("--credentials", options->credentials_file,
                      "With --auth sigv4: an AWS shared-credentials file whose profiles' keys may sign requests");
  command->add_flag("--quiet", options->quiet, "No request log");
  command->callback([options, &exit_code] { exit_code = run_data_api(*options); });
}

}  // namespace strata::cli
