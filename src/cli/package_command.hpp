#pragma once
// `APP package`: the Lambda zip of this app. `APP deploy`: package, synth, upload and
// deploy with the AWS CLI.
#include <CLI/CLI.hpp>

#include "cli/app_environment.hpp"

namespace strata::cli {

void add_package_command(CLI::App& app, AppEnvironment& environment, int& exit_code);
void add_deploy_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

}  // namespace strata::cli
