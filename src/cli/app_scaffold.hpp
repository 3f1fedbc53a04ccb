#pragma once
// The files `strata new` writes: a working app with one function, its route, a
// migration, a handler test, its CMakeLists.txt, .gitignore and README.
//
// The templates are compiled into the strata tool (raw strings) rather than
// installed as files: the tool then needs nothing beside itself to scaffold, works
// the same from a build tree and from any install prefix, and the templates can never
// be of another version than the tool that fills them in.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::cli {

struct ScaffoldFile {
  std::string path;  // relative to the app's folder, '/'-separated
  std::string content;
};

struct ScaffoldSettings {
  std::string name;        // a valid app name (app_name_problem says nothing)
  std::string schema_url;  // what strata.json's "$schema" points at
  std::string version;     // the SDK's version, MAJOR.MINOR.PATCH
};

// Why `name` cannot name an app (a CMake target, an executable, the project file's
// "name"), or nullopt when it can.
std::optional<std::string> app_name_problem(std::string_view name);

// Every file of a new app, in the order they are written.
std::vector<ScaffoldFile> scaffold_files(const ScaffoldSettings& settings);

}  // namespace strata::cli
