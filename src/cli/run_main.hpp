#pragma once
// What every Strata executable's main() shares: CLI11 parsing with Strata's exit
// codes, and each error kind turned into one line on stderr and its exit code.
#include <CLI/CLI.hpp>

#include <functional>

namespace strata::cli {

// Parses; a usage error prints CLI11's message and gives kExitUsage; help and
// version print and give 0. Otherwise the exit code the commands set.
int parse_and_run(CLI::App& app, int argc, char** argv, const int& exit_code);

// Runs `body`, mapping the exceptions that escape it to a message and an exit code.
int run_main(const std::function<int()>& body);

}  // namespace strata::cli
