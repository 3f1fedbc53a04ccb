#pragma once
// What every app command starts from: the project file and the database URL.
#include <filesystem>
#include <string>

#include "core/project.hpp"

namespace strata::cli {

struct AppEnvironment {
  std::filesystem::path app_directory = ".";  // --app DIR
  std::string database_url;                   // --db URL, else $STRATA_DB, else the default
};

// Loads strata.json and checks that every route's function is built into this binary.
Project load_app_project(const AppEnvironment& environment);
// The database URL to use: --db, then STRATA_DB, then sqlite:<app>/.strata/<database>.db
std::string resolve_database_url(const AppEnvironment& environment, const Project& project);
// Where local commands keep development secrets of strata.json "auth" whose variable is
// unset: <app>/.strata/auth (beside the SQLite file, ignored by git).
std::filesystem::path development_auth_folder(const Project& project);

}  // namespace strata::cli
