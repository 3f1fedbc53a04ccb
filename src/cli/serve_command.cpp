#include "cli/serve_command.hpp"

#include <unistd.h>

#include <filesystem>
#include <memory>

#include "auth/authorizer.hpp"
#include "cli/exit_codes.hpp"
#include "cli/migrate_command.hpp"
#include "core/log.hpp"
#include "db/database.hpp"
#include "cli/local_lambda_setup.hpp"
#include "cli/stop_on_signal.hpp"
#include "dev/watch_server.hpp"
#include "gateway/gateway.hpp"

namespace strata::cli {
namespace {

struct ServeOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 3000;
  unsigned threads = 0;
  std::size_t body_limit = 6 * 1024 * 1024;
  unsigned read_timeout_ms = 15000;
  bool quiet = false;
  bool lambda = false;
  bool watch = false;
  int listen_fd = -1;  // serve --watch's socket, handed to each build it starts
  int ready_fd = -1;   // written to once serving, for serve --watch
};

// serve --watch: this process watches and rebuilds; each build serves as a child
// with the same options on the socket this process keeps.
int serve_watching(const AppEnvironment& environment, const ServeOptions& options) {
  dev::WatchSettings settings;
  settings.app_directory = std::filesystem::absolute(environment.app_directory).lexically_normal();
  // "app/" and "." normalize with a trailing separator: drop it.
  if (!settings.app_directory.has_filename()) settings.app_directory = settings.app_directory.parent_path();
  settings.host = options.host;
  settings.port = options.port;
  auto& arguments = settings.serve_arguments;
  if (!environment.database_url.empty()) arguments.insert(arguments.end(), {"--db", environment.database_url});
  if (options.threads) arguments.insert(arguments.end(), {"--threads", std::to_string(options.threads)});
  arguments.insert(arguments.end(), {"--body-limit", std::to_string(options.body_limit), "--read-timeout-ms",
                                     std::to_string(options.read_timeout_ms)});
  if (options.quiet) arguments.push_back("--quiet");
  if (options.lambda) arguments.push_back("--lambda");
  return dev::watch_and_serve(settings);
}

int serve(const AppEnvironment& environment, const ServeOptions& options) {
  if (options.watch) return serve_watching(environment, options);
  StopOnSignal::block_stop_signals();
  log::set_quiet(options.quiet);
  Project project = load_app_project(environment);
  std::string url = resolve_database_url(environment, project);
  if (options.lambda) check_shareable(url);  // before migrating anything
  // Keys before anything listens: a protected route is never served without its check.
  std::vector<std::string> auth_notes;
  auth::AuthorizerSet authorizers(project, auth::KeySourceOptions{development_auth_folder(project)}, &auth_notes);
  auto database = db::open_database(url);
  {
    auto client = database->connect();
    apply_pending_migrations(*client, project.database.migrations);
  }

  http::ServerOptions server_options;
  server_options.host = options.host;
  server_options.port = options.port;
  server_options.threads = options.threads;
  server_options.body_limit = options.body_limit;
  server_options.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  server_options.listen_fd = options.listen_fd;
  std::unique_ptr<gateway::Gateway> gateway;
  server_options.on_server_response = [&gateway](const http::Request* header, http::Response& response) {
    if (gateway) gateway->on_server_response(header, response);
  };

  http::Server server(server_options, [&gateway](http::Request&& request, http::Reply reply) {
    gateway->handle(std::move(request), std::move(reply));
  });
  // The functions' Runtime API connections on the gateway's event loops: no hop between
  // threads for an event or its answer.
  std::unique_ptr<lambda::LocalLambda> local_lambda;
  if (options.lambda) {
    local_lambda = start_local_lambda(project, url, {}, {}, &server);
  }
  gateway::GatewayOptions gateway_options;
  gateway_options.authorizers = &authorizers;
  // Quiet drops info lines anyway: the access log's lines are then not even written.
  gateway_options.access_log = !options.quiet;
  gateway = std::make_unique<gateway::Gateway>(project, *database, server.threads(), gateway_options,
                                               local_lambda.get());
  server.listen();
  std::size_t routes = 0;
  for (const Route& route : project.routes) routes += route.methods.size();
  // Always printed, even with --quiet: scripts read the port from this line.
  std::string host = options.host.find(':') != std::string::npos ? "[" + options.host + "]" : options.host;
  log::notice("serve: " + project.name + " listening on http://" + host + ":" +
                           std::to_string(server.port()) + " (" + std::to_string(routes) + " routes, " +
                           (project.api == ApiType::kHttp ? "HTTP API, " : "") + "database " +
                           database->description() + ", " + std::to_string(server.threads()) + " threads)");
  for (const std::string& note : auth_notes) log::notice("serve: " + note);
  if (options.listen_fd < 0 && options.host != "127.0.0.1" && options.host != "::1" && options.host != "localhost") {
    log::warn("serve: listening on " + options.host + ", reachable from other machines");
  }
  if (options.ready_fd >= 0) {
    // Migrated and listening: serve --watch may now retire the previous build.
    [[maybe_unused]] auto written = ::write(options.ready_fd, "1", 1);
    ::close(options.ready_fd);
  }
  {
    // Under serve --watch a stop is a swap: answer what was accepted first.
    auto drain = options.listen_fd >= 0 ? std::chrono::milliseconds(30000) : std::chrono::milliseconds(0);
    StopOnSignal stop_on_signal(server, "serve", drain);
    server.run();
  }
  if (local_lambda) local_lambda->stop();
  return kExitOk;
}

}  // namespace

void add_serve_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  auto options = std::make_shared<ServeOptions>();
  CLI::App* command = app.add_subcommand("serve", "Migrate the database, then serve the app's routes over HTTP");
  command->fallthrough();
  command->add_option("--host", options->host, "Address to listen on (loopback only unless told otherwise)")
      ->capture_default_str();
  command->add_option("--port", options->port, "Port to listen on; 0 picks a free one")->capture_default_str();
  command->add_option("--db", environment.database_url,
                      "Database URL: sqlite:PATH or mysql://USER:PASSWORD@HOST:PORT/DATABASE (default: $STRATA_DB, else "
                      "sqlite:<app>/.strata/<database>.db)");
  command->add_option("--threads", options->threads, "Event loops (default: one per core this process may run on)");
  command->add_option("--body-limit", options->body_limit, "Largest request body in bytes (413 beyond)")
      ->capture_default_str();
  command->add_option("--read-timeout-ms", options->read_timeout_ms,
                      "Close a connection whose request has not fully arrived within this time")
      ->capture_default_str();
  command->add_flag("--lambda", options->lambda,
                    "Run each function as warm processes of this binary behind a local Lambda Runtime API, and "
                    "answer the Lambda Invoke API on the same port");
  command->add_flag("--quiet", options->quiet, "No access log and no info lines (warnings and errors still print)");
  command->add_flag("--watch", options->watch,
                    "Rebuild the app on every edit of its sources, strata.json, migrations or CMake files (in the "
                    "build folder this binary came from) and swap the new build in behind the same socket");
  // serve --watch starts each build with these; not for people.
  command->add_option("--listen-fd", options->listen_fd)->group("");
  command->add_option("--ready-fd", options->ready_fd)->group("");
  command->callback([&environment, &exit_code, options] { exit_code = serve(environment, *options); });
}

}  // namespace strata::cli
