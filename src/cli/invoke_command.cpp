#include "cli/invoke_command.hpp"

#include <fstream>
#include <future>
#include <iostream>
#include <sstream>

#include "auth/authorizer.hpp"
#include "auth/lambda_authorizer.hpp"
#include "cli/exit_codes.hpp"
#include "cli/local_lambda_setup.hpp"
#include "cli/migrate_command.hpp"
#include "db/database.hpp"
#include "core/log.hpp"
#include "core/request_id.hpp"
#include "strata/function.hpp"

namespace strata::cli {
namespace {

std::string read_event(const std::string& source) {
  if (source.empty()) return "{}";
  std::stringstream content;
  if (source == "-") {
    content << std::cin.rdbuf();
  } else {
    std::ifstream in(source, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the event file " + source);
    content << in.rdbuf();
  }
  return content.str();
}

// __authorize gets the settings a deploy would give it, from the jwt authorizer of strata.json
// (its HS256 secret as serve finds it: the variable, else the development secret).
std::vector<std::string> authorizer_settings(const Project& project, const std::string& authorizer) {
  const AuthorizerConfig& config = auth::find_jwt_authorizer(project, authorizer);
  if (config.secret_env.empty()) return auth::authorizer_environment(project, config);
  std::string secret = auth::hs256_secret(project, config, auth::KeySourceOptions{development_auth_folder(project)}).value;
  return auth::authorizer_environment(project, config, &secret);
}

int invoke(const AppEnvironment& environment, const std::string& function, const std::string& event_source,
           const std::string& authorizer) {
  Project project = load_app_project(environment);
  std::vector<std::string> extra_environment;
  if (function == auth::kAuthorizerFunction) {
    extra_environment = authorizer_settings(project, authorizer);
  } else if (!authorizer.empty()) {
    throw std::runtime_error("--authorizer is for invoking " + std::string(auth::kAuthorizerFunction) + " only");
  } else if (!find_function(function)) {
    throw std::runtime_error("no function named '" + function + "' is built into this app (see `functions`)");
  }
  std::string event = read_event(event_source);
  std::string url = resolve_database_url(environment, project);
  {
    // As serve does: the function finds the schema its migrations describe.
    auto database = db::open_database(url);
    auto client = database->connect();
    apply_pending_migrations(*client, project.database.migrations);
  }
  auto service = start_local_lambda(project, url, function, std::move(extra_environment));
  std::promise<lambda::InvokeResult> outcome;
  lambda::Invocation invocation;
  invocation.request_id = new_request_id();
  invocation.payload = std::move(event);
  invocation.done = [&outcome](lambda::InvokeResult result) { outcome.set_value(std::move(result)); };
  service->function(function)->invoke(std::move(invocation));
  lambda::InvokeResult result = outcome.get_future().get();
  service->stop();
  std::cout << result.payload << std::endl;
  if (result.kind == lambda::InvokeResult::Kind::kSuccess) return kExitOk;
  log::error("invoke: " + function + " failed (" + result.error_type + ")");
  return kExitError;
}

}  // namespace

void add_invoke_command(CLI::App& app, AppEnvironment& environment, int& exit_code) {
  struct Options {
    std::string function;
    std::string event;
    std::string authorizer;
  };
  auto options = std::make_shared<Options>();
  CLI::App* command = app.add_subcommand(
      "invoke", "Apply pending migrations, run one invocation of FUNCTION in a Lambda process of this binary, print its "
      "response (exit 1 if the function failed)");
  command->fallthrough();
  command->add_option("function", options->function, "The function's name")->required();
  command->add_option("--event", options->event, "The event: a JSON file, or - for standard input (default: {})");
  command->add_option("--db", environment.database_url, "Database URL (default: $STRATA_DB, else the app's SQLite file)");
  command->add_option("--authorizer", options->authorizer,
                      "With FUNCTION __authorize (the built-in Lambda TOKEN authorizer): the jwt authorizer of "
                      "strata.json whose settings it gets (default: the only one)");
  command->callback([&environment, &exit_code, options] {
    exit_code = invoke(environment, options->function, options->event, options->authorizer);
  });
}

}  // namespace strata::cli
