#include "cli/new_command.hpp"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/app_scaffold.hpp"
#include "cli/exit_codes.hpp"
#include "strata/version.hpp"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

struct NewOptions {
  std::string name;
  std::string directory;  // default: ./NAME
};

// The installed schema sits at ../share/strata/ beside the tool's bin/ folder (in a
// build tree too: the build copies it there). A file URL, as editors resolve "$schema".
std::string schema_url() {
  std::error_code error;
  fs::path tool = fs::read_symlink("/proc/self/exe", error);
  fs::path schema = (tool.parent_path() / ".." / "share" / "strata" / "strata.schema.json").lexically_normal();
  if (error || !fs::is_regular_file(schema, error)) {
    std::cerr << "warning: strata new: no JSON Schema at " << schema.string()
              << " (is the SDK installed whole?); $schema points there anyway\n";
  }
  return "file://" + schema.string();
}

int create_app(const NewOptions& options) {
  if (auto problem = app_name_problem(options.name)) {
    std::cerr << "error: strata new: invalid app name \"" << options.name << "\": " << *problem << '\n';
    return kExitUsage;
  }
  fs::path directory = fs::absolute(options.directory.empty() ? fs::path(options.name) : fs::path(options.directory))
                           .lexically_normal();
  std::error_code error;
  if (fs::exists(fs::symlink_status(directory, error))) {
    std::cerr << "error: strata new: " << directory.string()
              << " already exists; strata new never writes into an existing folder (choose another NAME or --dir)\n";
    return kExitUsage;
  }
  auto files = scaffold_files({options.name, schema_url(), kVersion});
  try {
    for (const ScaffoldFile& file : files) {
      fs::path path = directory / file.path;
      fs::create_directories(path.parent_path());
      std::ofstream out(path, std::ios::binary);
      out << file.content;
      if (!out.flush()) throw std::runtime_error(path.string() + ": cannot write");
    }
  } catch (const std::exception& failure) {
    fs::remove_all(directory, error);  // nothing half-made is left behind
    std::cerr << "error: strata new: " << failure.what() << '\n';
    return kExitError;
  }
  fs::path shown = fs::proximate(directory, fs::current_path(), error);
  std::cout << "created app " << options.name << " in " << directory.string() << ":\n";
  for (const ScaffoldFile& file : files) std::cout << "  " << file.path << '\n';
  std::cout << "next:\n"
            << "  cd " << shown.string() << "\n"
            << "  cmake -S . -B build && cmake --build build && ctest --test-dir build\n"
            << "  ./build/" << options.name << " serve --watch\n";
  return kExitOk;
}

}  // namespace

void add_new_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<NewOptions>();
  CLI::App* command = app.add_subcommand(
      "new", "Create a new app: strata.json, a function and its route, a migration, a handler test, CMakeLists.txt");
  command->add_option("NAME", options->name, "The app's name: a letter, then letters, digits, '_' or '-'")->required();
  command->add_option("--dir", options->directory, "The folder to create for the app (default: ./NAME); must not exist");
  command->callback([options, &exit_code] { exit_code = create_app(*options); });
}

}  // namespace strata::cli
