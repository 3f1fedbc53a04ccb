#pragma once
// `APP invoke FUNCTION [--event FILE|-]`: one invocation through the local
// Runtime API, exactly as `serve --lambda` runs it; prints the response.
#include <CLI/CLI.hpp>

#include "cli/app_environment.hpp"

namespace strata::cli {

void add_invoke_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

}  // namespace strata::cli
