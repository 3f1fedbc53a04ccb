#include "deploy/lambda_package.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/sha256.hpp"
#include "core/subprocess.hpp"
#include "deploy/zip_archive.hpp"

namespace strata::deploy {
namespace fs = std::filesystem;

namespace {

// Lambda runs `bootstrap`. It starts the app through the loader shipped beside it, so
// neither the system's glibc nor its libraries are used; Amazon Linux keeps its CA
// certificates where Debian's OpenSSL does not look, so it is pointed at them.
std::string bootstrap_script(const std::string& app, const std::string& loader) {
  std::string script = "#!/bin/sh\n"
                       "# Strata: runs " + app + " with the libraries bundled in this zip.\n"
                       "here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
                       "if [ -z \"$SSL_CERT_FILE\" ] && [ -f /etc/pki/tls/certs/ca-bundle.crt ]; then\n"
                       "  export SSL_CERT_FILE=/etc/pki/tls/certs/ca-bundle.crt\n"
                       "fi\n";
  if (loader.empty()) return script + "exec \"$here/bin/" + app + "\" \"$@\"\n";
  return script + "exec \"$here/lib/" + loader + "\" --library-path \"$here/lib\" \"$here/bin/" + app + "\" \"$@\"\n";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

}  // namespace

std::vector<SharedLibrary> shared_libraries(const fs::path& binary) {
  ProcessResult ldd = run_process({"ldd", binary.string()}, true);
  if (ldd.output.find("not a dynamic executable") != std::string::npos ||
      ldd.output.find("statically linked") != std::string::npos) {
    return {};
  }
  if (ldd.exit_code != 0) throw std::runtime_error("ldd " + binary.string() + " failed: " + ldd.output);
  std::vector<SharedLibrary> libraries;
  std::istringstream lines(ldd.output);
  std::string line;
  // Lines look like "\tlibssl.so.3 => /lib/x86_64-linux-gnu/libssl.so.3 (0x...)" or
  // "\t/lib64/ld-linux-x86-64.so.2 (0x...)" for the loader; linux-vdso is the kernel's.
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string first, arrow, target;
    words >> first >> arrow >> target;
    if (first.empty() || first.rfind("linux-vdso", 0) == 0 || first.rfind("linux-gate", 0) == 0) continue;
    if (arrow == "=>") {
      if (target == "not" || target.empty()) throw std::runtime_error(binary.string() + " needs " + first + ", which is not found");
      libraries.push_back({first, fs::canonical(target), false});
    } else if (first.front() == '/') {
      libraries.push_back({fs::path(first).filename().string(), fs::canonical(first), true});
    }
  }
  return libraries;
}

PackageResult package_app(const Project& project, const fs::path& binary, const fs::path& out_dir) {
  fs::create_directories(out_dir);
  std::vector<SharedLibrary> libraries = shared_libraries(binary);

  // Debug information is most of a RelWithDebInfo binary and of no use in Lambda.
  fs::path stripped = out_dir / (project.name + ".stripped");
  fs::path app_binary = binary;
  try {
    if (run_process({"strip", "--strip-debug", "-o", stripped.string(), binary.string()}).exit_code == 0) {
      app_binary = stripped;
    }
  } catch (const std::runtime_error&) {
    // No strip (binutils) here: the zip is larger, and as good.
  }

  PackageResult result;
  result.zip = out_dir / (project.name + ".zip");
  fs::path partial = result.zip;
  partial += ".partial";
  {
    ZipArchive zip(partial);
    std::string loader;
    for (const auto& library : libraries) {
      if (library.loader) loader = library.name;
    }
    auto add = [&](const std::string& name, auto&& add_entry) {
      add_entry();
      result.entries.push_back(name);
    };
    add("bootstrap", [&] { zip.add_text("bootstrap", bootstrap_script(project.name, loader), 0755); });
    add("bin/" + project.name, [&] { zip.add_file("bin/" + project.name, app_binary, 0755); });
    for (const auto& library : libraries) {
      add("lib/" + library.name, [&] { zip.add_file("lib/" + library.name, library.file, 0755); });
    }
    result.libraries = libraries.size();
    add("strata.json", [&] { zip.add_file("strata.json", project.file, 0644); });
    if (fs::is_directory(project.database.migrations)) {
      std::vector<fs::path> scripts;
      for (const auto& entry : fs::directory_iterator(project.database.migrations)) {
        if (entry.is_regular_file()) scripts.push_back(entry.path());
      }
      std::sort(scripts.begin(), scripts.end());
      for (const auto& script : scripts) {
        std::string name = "migrations/" + script.filename().string();
        add(name, [&] { zip.add_file(name, script, 0644); });
      }
    }
    zip.close();
  }
  fs::rename(partial, result.zip);
  fs::remove(stripped);
  result.bytes = fs::file_size(result.zip);
  result.sha256 = sha256_hex(read_file(result.zip));
  return result;
}

}  // namespace strata::deploy
