#pragma once
// `APP token`: mints a JWT that the app's JWT authorizer accepts, for local use.
#include <CLI/CLI.hpp>

#include "cli/app_environment.hpp"

namespace strata::cli {

void add_token_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

}  // namespace strata::cli
