#include "migrate/migration_script.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

#include "core/sha256.hpp"

namespace strata::migrate {
namespace fs = std::filesystem;

std::optional<Version> Version::parse(std::string_view text) {
  Version version;
  std::uint64_t part = 0;
  bool digits = false;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (part > (UINT64_MAX - 9) / 10) return std::nullopt;
      part = part * 10 + static_cast<std::uint64_t>(c - '0');
      digits = true;
    } else if (c == '.' && digits) {
      version.parts_.push_back(part);
      part = 0;
      digits = false;
    } else {
      return std::nullopt;
    }
  }
  if (!digits) return std::nullopt;
  version.parts_.push_back(part);
  version.text_ = std::string(text);
  return version;
}

std::strong_ordering Version::operator<=>(const Version& other) const {
  std::size_t count = std::max(parts_.size(), other.parts_.size());
  for (std::size_t i = 0; i < count; ++i) {
    // A missing part sorts before any present one: 1 < 1.0.
    if (i >= parts_.size()) return std::strong_ordering::less;
    if (i >= other.parts_.size()) return std::strong_ordering::greater;
    if (auto order = parts_[i] <=> other.parts_[i]; order != 0) return order;
  }
  return std::strong_ordering::equal;
}

std::optional<MigrationScript> parse_script_name(const std::string& file_name) {
  std::string_view name(file_name);
  if (!name.ends_with(".sql") || name.size() < 6 || (name[0] != 'v' && name[0] != 'V')) return std::nullopt;
  name.remove_suffix(4);
  name.remove_prefix(1);
  std::string engine;
  for (const char* variant : {"mysql", "sqlite"}) {
    std::string suffix = std::string(".") + variant;
    if (name.ends_with(suffix)) {
      engine = variant;
      name.remove_suffix(suffix.size());
      break;  // one engine at most: v1.sqlite.mysql.sql is no migration name
    }
  }
  std::string description;
  std::size_t separator = name.find("__");
  std::string_view version_text = name.substr(0, separator);
  if (separator != std::string_view::npos) {
    description = std::string(name.substr(separator + 2));
    if (description.empty()) return std::nullopt;
    std::replace(description.begin(), description.end(), '_', ' ');
  }
  auto version = Version::parse(version_text);
  if (!version) return std::nullopt;
  return MigrationScript{*version, description, file_name, engine, {}, {}};
}

std::string normalize_script(std::string_view content) {
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  std::string normalized;
  normalized.reserve(content.size());
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] == '\r') {
      normalized += '\n';
      if (i + 1 < content.size() && content[i + 1] == '\n') ++i;
    } else {
      normalized += content[i];
    }
  }
  return normalized;
}

namespace {

// Every engine's scripts, read, in version then name order.
std::vector<MigrationScript> all_scripts(const fs::path& directory) {
  std::vector<MigrationScript> scripts = discover_scripts(directory, "mysql");
  for (MigrationScript& script : discover_scripts(directory, "sqlite")) {
    if (script.engine == "sqlite") scripts.push_back(std::move(script));
  }
  std::sort(scripts.begin(), scripts.end(), [](const MigrationScript& a, const MigrationScript& b) {
    if (a.version != b.version) return a.version < b.version;
    return a.file_name < b.file_name;
  });
  return scripts;
}

}  // namespace

fs::path create_next_script(const fs::path& directory, std::string_view description) {
  std::string name;
  for (char c : description) {
    bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (c >= 'A' && c <= 'Z') {
      name += static_cast<char>(c - 'A' + 'a');
    } else if (word) {
      name += c;
    } else if (!name.empty() && name.back() != '_') {
      name += '_';
    }
  }
  while (!name.empty() && name.back() == '_') name.pop_back();
  if (name.empty()) throw ScriptError("a migration needs a description of letters or digits, e.g. \"add tags\"");
  std::error_code error;
  fs::create_directories(directory, error);
  std::uint64_t next = 1;
  for (const MigrationScript& script : all_scripts(directory)) {
    auto major = Version::parse(script.version.text().substr(0, script.version.text().find('.')));
    std::uint64_t value = std::stoull(major->text());
    next = std::max(next, value + 1);
  }
  fs::path path = directory / ("V" + std::to_string(next) + "__" + name + ".sql");
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << "-- V" << next << ": " << description << "\n";
  if (!out) throw ScriptError(path.string() + ": cannot write");
  return path;
}

std::string migration_set_hash(const fs::path& directory) {
  std::string manifest;
  for (const MigrationScript& script : all_scripts(directory)) {
    manifest += script.file_name;
    manifest += '\0';
    manifest += script.checksum;
    manifest += '\n';
  }
  return sha256_hex(manifest);
}

std::vector<MigrationScript> discover_scripts(const fs::path& directory, std::string_view engine) {
  std::error_code error;
  if (!fs::is_directory(directory, error)) {
    throw ScriptError(directory.string() + ": migrations folder not found");
  }
  std::map<Version, std::vector<MigrationScript>> by_version;
  for (const auto& entry : fs::directory_iterator(directory)) {
    if (!entry.is_regular_file()) continue;
    std::string file_name = entry.path().filename().string();
    if (entry.path().extension() != ".sql") continue;
    auto script = parse_script_name(file_name);
    if (!script) {
      throw ScriptError((directory / file_name).string() +
                        ": not a migration name; expected v<N>.sql or V<N>__description.sql "
                        "(N like 3 or 1.2), optionally with .mysql or .sqlite before .sql");
    }
    by_version[script->version].push_back(std::move(*script));
  }
  std::vector<MigrationScript> scripts;
  for (auto& [version, files] : by_version) {
    std::sort(files.begin(), files.end(),
              [](const MigrationScript& a, const MigrationScript& b) { return a.file_name < b.file_name; });
    for (std::size_t i = 0; i + 1 < files.size(); ++i) {
      for (std::size_t j = i + 1; j < files.size(); ++j) {
        if (files[i].engine == files[j].engine) {
          throw ScriptError(directory.string() + ": version " + version.text() + " has two scripts: " +
                            files[i].file_name + " and " + files[j].file_name);
        }
        if (files[i].engine.empty() || files[j].engine.empty()) {
          throw ScriptError(directory.string() + ": version " + version.text() + " has both a script for every engine and an engine variant: " +
                            files[i].file_name + " and " + files[j].file_name + "; keep one form");
        }
      }
    }
    for (auto& file : files) {
      if (!file.engine.empty() && file.engine != engine) continue;
      std::ifstream in(directory / file.file_name, std::ios::binary);
      if (!in) throw ScriptError((directory / file.file_name).string() + ": cannot read");
      std::stringstream content;
      content << in.rdbuf();
      file.content = content.str();
      file.checksum = sha256_hex(normalize_script(file.content));
      scripts.push_back(std::move(file));
    }
  }
  return scripts;
}

}  // namespace strata::migrate
