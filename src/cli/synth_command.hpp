#pragma once
// `APP synth`: the CloudFormation template of the whole app, from strata.json.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <string>

#include "cli/app_environment.hpp"

namespace strata::cli {

struct SynthRequest {
  std::string stage;   // empty: strata.json's deploy.stage
  bool pretty = true;  // indented for people; compact keeps a deploy under CloudFormation's inline limit
};

// The template's text for the app; throws ProjectError when strata.json's
// architecture is not the one this binary was built for.
std::string synthesize_app_template(const Project& project, const SynthRequest& request);

void add_synth_command(CLI::App& app, AppEnvironment& environment, int& exit_code);

}  // namespace strata::cli
