#pragma once
// The Lambda zip of an app: `bootstrap`, the app binary, every shared library it
// loads and the dynamic loader itself, the migrations and strata.json. `bootstrap`
// starts the binary through the bundled loader with the bundled libraries, so the
// zip runs on Amazon Linux 2023 whatever glibc it was built with.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/project.hpp"

namespace strata::deploy {

struct PackageResult {
  std::filesystem::path zip;
  std::uintmax_t bytes = 0;
  std::string sha256;                // of the zip: the same inputs give the same zip
  std::vector<std::string> entries;  // names inside the zip
  std::size_t libraries = 0;
};

// A shared library the binary needs: the name the loader looks for and the file.
struct SharedLibrary {
  std::string name;
  std::filesystem::path file;
  bool loader = false;  // the dynamic loader (ld-linux-*.so.*)
};

// What `ldd` says `binary` loads. Throws std::runtime_error naming a library that is not found.
std::vector<SharedLibrary> shared_libraries(const std::filesystem::path& binary);

// Writes out_dir/<app>.zip from `binary` (this app, normally /proc/self/exe).
PackageResult package_app(const Project& project, const std::filesystem::path& binary,
                          const std::filesystem::path& out_dir);

}  // namespace strata::deploy
