#include "deploy/migration_resource.hpp"

#include <rapidjson/document.h>

#include <algorithm>
#include <cstdlib>
#include <future>
#include <memory>
#include <thread>

#include "core/log.hpp"
#include "db/database.hpp"
#include "deploy/cloudformation_template.hpp"
#include "deploy/json_tree.hpp"
#include "http/client.hpp"
#include "strata/json.hpp"
#include "migrate/migrator.hpp"

namespace strata::deploy {
namespace {

namespace bhttp = boost::beast::http;
using Clock = std::chrono::system_clock;

// CloudFormation refuses a response body over 4 KB; the reason is what grows.
constexpr std::size_t kMaxReasonBytes = 3000;

struct CustomResourceEvent {
  std::string request_type;
  std::string response_url;
  std::string stack_id;
  std::string request_id;
  std::string logical_resource_id;
  std::string physical_resource_id;  // Update and Delete only
};

std::string member_string(const rapidjson::Value& object, const char* key) {
  return std::string(json::optional_string(object, key).value_or(""));
}

CustomResourceEvent parse_event(std::string_view text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  if (document.HasParseError() || !document.IsObject()) {
    throw std::runtime_error("__migrate: the event is not a JSON object (is this a CloudFormation custom resource?)");
  }
  CustomResourceEvent event;
  event.request_type = member_string(document, "RequestType");
  event.response_url = member_string(document, "ResponseURL");
  event.stack_id = member_string(document, "StackId");
  event.request_id = member_string(document, "RequestId");
  event.logical_resource_id = member_string(document, "LogicalResourceId");
  event.physical_resource_id = member_string(document, "PhysicalResourceId");
  for (auto [field, value] : {std::pair{"RequestType", &event.request_type}, {"ResponseURL", &event.response_url},
                              {"StackId", &event.stack_id}, {"RequestId", &event.request_id},
                              {"LogicalResourceId", &event.logical_resource_id}}) {
    if (value->empty()) throw std::runtime_error(std::string("__migrate: the event has no ") + field);
  }
  return event;
}

struct Outcome {
  bool success = false;
  std::string reason;
  JsonTree data = JsonTree::object();
};

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// Runs the engine: every pending script, unless the database is ahead of the scripts
// (CloudFormation rolling back an update to older scripts), when nothing runs.
Outcome migrate() {
  std::string url = lambda::configured_database_url();
  if (url.empty()) throw std::runtime_error("no database configured: DB_CLUSTER_ARN (or STRATA_DB) is not set");
  auto database = db::open_database(url);
  auto client = database->connect();
  migrate::Migrator migrator(*client, deployed_migrations_directory());
  Outcome outcome;
  outcome.success = true;
  std::optional<migrate::Version> highest_script;
  for (const auto& script : migrator.scripts()) {
    if (!highest_script || script.version > *highest_script) highest_script = script.version;
  }
  std::optional<migrate::Version> highest_applied;
  for (const auto& status : migrator.status()) {
    if (status.applied && status.applied->success) {
      auto version = migrate::Version::parse(status.version);
      if (version && (!highest_applied || *version > *highest_applied)) highest_applied = version;
    }
  }
  if (highest_applied && (!highest_script || *highest_applied > *highest_script)) {
    outcome.reason = "the database is at version " + highest_applied->text() +
                     ", ahead of these scripts (a rollback to older scripts): nothing was run";
    outcome.data.set("Applied", "");
    outcome.data.set("Version", highest_applied->text());
    log::info("__migrate: " + outcome.reason);
    return outcome;
  }
  std::string applied;
  auto migrations = migrator.up([&](const migrate::AppliedMigration& migration) {
    log::info("__migrate: applied " + migration.script + " (" + std::to_string(migration.took.count() / 1000) + " ms)");
    applied += (applied.empty() ? "" : ",") + migration.version;
  });
  outcome.reason = migrations.empty() ? "no pending migration" : "applied " + applied;
  outcome.data.set("Applied", applied);
  outcome.data.set("Count", std::to_string(migrations.size()));
  outcome.data.set("Version", highest_script ? highest_script->text() : "");
  return outcome;
}

// How long before the deadline the answer must leave: a tenth of the time, 1 to 10 s.
Clock::duration answer_margin(Clock::time_point deadline) {
  auto left = deadline - Clock::now();
  return std::clamp<Clock::duration>(left / 10, std::chrono::seconds(1), std::chrono::seconds(10));
}

std::string response_body(const CustomResourceEvent& event, const std::string& physical_id, const Outcome& outcome) {
  std::string reason = outcome.reason;
  if (reason.size() > kMaxReasonBytes) reason = reason.substr(0, kMaxReasonBytes) + "...";
  JsonTree body = JsonTree::object({{"Status", outcome.success ? "SUCCESS" : "FAILED"},
                                    {"Reason", reason},
                                    {"PhysicalResourceId", physical_id},
                                    {"StackId", event.stack_id},
                                    {"RequestId", event.request_id},
                                    {"LogicalResourceId", event.logical_resource_id},
                                    {"NoEcho", false},
                                    {"Data", outcome.data}});
  return body.to_string(false);
}

// PUT to the pre-signed URL with no Content-Type (the signature does not cover one).
// Retried: an answer lost makes CloudFormation wait until ServiceTimeout.
void send_response(const std::string& response_url, const std::string& body) {
  auto url = http::parse_url(response_url);
  if (!url) throw std::runtime_error("__migrate: ResponseURL is not an http(s) URL: " + response_url);
  std::string last_error;
  for (int attempt = 0; attempt < 5; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200 << attempt));
    try {
      http::Client client(url->host, url->port, url->tls, std::chrono::seconds(10));
      auto response = client.request(bhttp::verb::put, url->path, body);
      if (response.result_int() >= 200 && response.result_int() < 300) return;
      last_error = "HTTP " + std::to_string(response.result_int()) + ": " + response.body().substr(0, 500);
    } catch (const std::exception& error) {
      last_error = error.what();
    }
    log::warn("__migrate: answering CloudFormation failed (" + last_error + "); retrying");
  }
  throw std::runtime_error("__migrate: could not answer CloudFormation at its ResponseURL: " + last_error);
}

}  // namespace

std::filesystem::path deployed_migrations_directory() {
  std::string explicit_directory = environment("STRATA_MIGRATIONS");
  if (!explicit_directory.empty()) return explicit_directory;
  std::string task_root = environment("LAMBDA_TASK_ROOT");
  return std::filesystem::path(task_root.empty() ? "." : task_root) / "migrations";
}

lambda::EventResult handle_migration_event(std::string_view text, const lambda::EventInvocation& invocation) {
  CustomResourceEvent event = parse_event(text);
  // Stable across updates: a new id would make CloudFormation delete the old resource.
  std::string physical_id =
      event.physical_resource_id.empty() ? event.logical_resource_id + "-strata-migrations" : event.physical_resource_id;
  log::info("__migrate: " + event.request_type + " for " + event.logical_resource_id + " of " + event.stack_id);

  Outcome outcome;
  bool gave_up = false;
  if (event.request_type == "Delete") {
    // Deleting the stack deletes the cluster (or snapshots it); the schema is not ours to undo.
    outcome.success = true;
    outcome.reason = "nothing to do on Delete";
  } else if (event.request_type != "Create" && event.request_type != "Update") {
    outcome.reason = "unknown RequestType '" + event.request_type + "'";
  } else {
    // The engine runs on its own thread so that the answer leaves in time even if it hangs.
    auto task = std::make_shared<std::packaged_task<Outcome()>>(migrate);
    std::future<Outcome> result = task->get_future();
    std::thread([task] { (*task)(); }).detach();
    auto answer_by = invocation.deadline - answer_margin(invocation.deadline);
    if (result.wait_until(answer_by) == std::future_status::ready) {
      try {
        outcome = result.get();
      } catch (const std::exception& error) {
        outcome.reason = std::string("migration failed: ") + error.what();
      }
    } else {
      gave_up = true;
      outcome.reason = "the migration did not finish before the function's timeout; the database keeps what "
                       "committed (`migrate status` shows it) and the next deploy resumes";
    }
  }
  if (!outcome.success) log::error("__migrate: " + outcome.reason);
  std::string body = response_body(event, physical_id, outcome);
  send_response(event.response_url, body);
  return {body, gave_up};
}

}  // namespace strata::deploy
