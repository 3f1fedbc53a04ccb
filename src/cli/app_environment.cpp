#include "cli/app_environment.hpp"

#include <cstdlib>

#include "strata/function.hpp"

namespace strata::cli {

Project load_app_project(const AppEnvironment& environment) {
  Project project = load_project(environment.app_directory);
  check_functions(project, [](std::string_view name) { return find_function(name) != nullptr; });
  return project;
}

std::string resolve_database_url(const AppEnvironment& environment, const Project& project) {
  if (!environment.database_url.empty()) return environment.database_url;
  if (const char* url = std::getenv("STRATA_DB"); url && *url) return url;
  return "sqlite:" + (project.directory / ".strata" / (project.database.name + ".db")).string();
}

std::filesystem::path development_auth_folder(const Project& project) { return project.directory / ".strata" / "auth"; }

}  // namespace strata::cli
