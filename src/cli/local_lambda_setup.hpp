#pragma once
// Starting the local Lambda service for an app: `serve --lambda` and `invoke`.
#include <memory>
#include <string>
#include <vector>

#include "core/project.hpp"
#include "lambda/local_lambda.hpp"

namespace strata::cli {

// Throws std::runtime_error when function processes could not share `url`
// (an in-memory SQLite database lives in one process only).
void check_shareable(const std::string& url);

// The URL as the function processes must see it: relative SQLite paths made
// absolute, since they run in the app's folder.
std::string absolute_database_url(const std::string& url);

// Settings of each function the routes name (or of `only`, when given), from strata.json.
std::vector<lambda::FunctionSettings> function_settings(const Project& project, const std::string& only = {});

// Starts warm processes of this binary for the app's functions (or only `only`), each
// also given `extra_environment` (NAME=VALUE); their Runtime API connections run on
// `event_loops` when given (ProcessLaunch).
std::unique_ptr<lambda::LocalLambda> start_local_lambda(const Project& project, const std::string& url,
                                                        const std::string& only = {},
                                                        std::vector<std::string> extra_environment = {},
                                                        http::Server* event_loops = nullptr);

}  // namespace strata::cli
