#pragma once
// `strata new NAME [--dir PATH]`: scaffolds an app that builds and tests at once.
#include <CLI/CLI.hpp>

namespace strata::cli {

void add_new_command(CLI::App& app, int& exit_code);

}  // namespace strata::cli
