#include "cli/local_lambda_setup.hpp"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "core/log.hpp"
#include "core/usable_cores.hpp"

namespace strata::cli {

void check_shareable(const std::string& url) {
  if (url == "sqlite::memory:" || url == "sqlite://:memory:") {
    throw std::runtime_error("--lambda runs each function in processes of its own, which cannot share an in-memory "
                             "SQLite database: give a file (--db sqlite:PATH) or a MySQL URL");
  }
}

std::string absolute_database_url(const std::string& url) {
  if (!url.starts_with("sqlite:") || url.starts_with("sqlite://")) return url;
  std::filesystem::path path = url.substr(7);
  if (path.empty() || path.is_absolute() || path == ":memory:") return url;
  return "sqlite:" + std::filesystem::absolute(path).lexically_normal().string();
}

std::vector<lambda::FunctionSettings> function_settings(const Project& project, const std::string& only) {
  unsigned cores = usable_cores();
  std::vector<lambda::FunctionSettings> settings;
  auto add = [&](const std::string& name) {
    if (std::any_of(settings.begin(), settings.end(), [&](const auto& s) { return s.name == name; })) return;
    FunctionConfig config = function_config(project, name);
    lambda::FunctionSettings function;
    function.name = name;
    function.timeout = std::chrono::seconds(config.timeout_seconds);
    function.memory_mb = static_cast<unsigned>(config.memory_mb);
    function.warm = config.warm > 0 ? static_cast<unsigned>(config.warm) : cores;
    function.max_processes = std::max(function.warm, config.max_concurrency > 0
                                                        ? static_cast<unsigned>(config.max_concurrency)
                                                        : 4 * cores);
    settings.push_back(function);
  };
  if (!only.empty()) {
    add(only);
    return settings;
  }
  for (const Route& route : project.routes) {
    for (const RouteMethod& method : route.methods) add(method.function);
  }
  return settings;
}

std::unique_ptr<lambda::LocalLambda> start_local_lambda(const Project& project, const std::string& url,
                                                        const std::string& only,
                                                        std::vector<std::string> extra_environment,
                                                        http::Server* event_loops) {
  check_shareable(url);
  lambda::ProcessLaunch launch;
  launch.executable = std::filesystem::read_symlink("/proc/self/exe");
  launch.directory = project.directory;
  launch.database_url = absolute_database_url(url);
  launch.extra_environment = std::move(extra_environment);
  launch.event_loops = event_loops;
  auto service = std::make_unique<lambda::LocalLambda>(function_settings(project, only), launch);
  service->start();
  return service;
}

}  // namespace strata::cli
