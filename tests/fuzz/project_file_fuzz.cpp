// Fuzz target: the project-file loader, strata::parse_project (src/core/project), with
// check_functions and the JSON locator that gives its errors a line.
// Invariants, beyond not crashing:
//   - a bad file is a ProjectError that starts with the file's name, nothing else;
//   - a project that loads is valid: a name of letters, digits, '_' and '-' starting with a
//     letter; route paths that start with '/', have no empty segment, no trailing '/' and
//     appear once; one known method each at most once per route; function settings in
//     Lambda's ranges;
//   - check_functions, when it refuses a function a route names, points at its line.
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "core/project.hpp"
#include "fuzz_check.hpp"

namespace {

using strata::fuzz::check;

const std::set<std::string, std::less<>> kMethods = {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "ANY"};
constexpr std::string_view kFile = "/fuzz/app/strata.json";

void check_valid(const strata::Project& project) {
  const std::string& name = project.name;
  check(!name.empty() && std::isalpha(static_cast<unsigned char>(name[0])) &&
            std::all_of(name.begin(), name.end(),
                        [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-'; }),
        "the app's name is valid", name);
  std::set<std::string> paths;
  for (const strata::Route& route : project.routes) {
    check(route.path.starts_with("/"), "a route path starts with /", route.path);
    check(route.path == "/" || !route.path.ends_with("/"), "a route path has no trailing /", route.path);
    check(route.path.find("//") == std::string::npos, "a route path has no empty segment", route.path);
    check(paths.insert(route.path).second, "each route path appears once", route.path);
    check(!route.methods.empty(), "a route has a method");
    std::set<std::string> methods;
    for (const strata::RouteMethod& method : route.methods) {
      check(kMethods.count(method.method) == 1, "a route's method is known", method.method);
      check(methods.insert(method.method).second, "a method appears once per route", method.method);
      check(!method.function.empty(), "a route names a function");
    }
  }
  for (const auto& [function, config] : project.functions) {
    check(config.timeout_seconds >= 1 && config.timeout_seconds <= 900, "timeout is 1..900 s", function);
    check(config.memory_mb >= 128 && config.memory_mb <= 10240, "memory is 128..10240 MB", function);
    check(config.warm >= 0 && config.max_concurrency >= 0, "process counts are not negative", function);
  }
  check(!project.cors.origins.empty(), "CORS has an origin");
  check(project.cors.max_age_seconds >= 0, "CORS max age is not negative");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  strata::Project project;
  try {
    project = strata::parse_project(text, std::string(kFile));
  } catch (const strata::ProjectError& error) {
    check(std::string_view(error.what()).starts_with(kFile), "an error names the file", error.what());
    return 0;
  }
  check_valid(project);

  // Refuse every function: the first route's (or "functions" entry's) error names its line.
  try {
    strata::check_functions(project, [](std::string_view) { return false; });
  } catch (const strata::ProjectError& error) {
    std::string_view message(error.what());
    check(message.starts_with(std::string(kFile) + ":") && message.size() > kFile.size() + 1 &&
              std::isdigit(static_cast<unsigned char>(message[kFile.size() + 1])),
          "an unknown function's error names its line", message);
    return 0;
  }
  check(project.routes.empty() && project.functions.empty(), "a project naming functions refuses unknown ones");
  return 0;
}
