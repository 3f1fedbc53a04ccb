#pragma once
// `strata data-api`: the local RDS Data API server.
#include <CLI/CLI.hpp>

namespace strata::cli {

void add_data_api_command(CLI::App& app, int& exit_code);

}  // namespace strata::cli
