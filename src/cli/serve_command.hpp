#pragma once
// `APP serve`: migrate the database, then serve the routes on localhost.
#include <CLI/CLI.hpp>

#include "cli/app_environment.hpp"

namespace strata::cli {

void add_serve_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

}  // namespace strata::cli
