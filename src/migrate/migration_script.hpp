#pragma once
// Migration scripts on disk: v<N>.sql or V<N>__description.sql, N an integer or
// dotted (1.2), optionally for one engine only (v3.mysql.sql, v3.sqlite.sql).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace strata::migrate {

// A script set that cannot be trusted: a misnamed .sql file, two files for one version.
class ScriptError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Version {
 public:
  // nullopt unless `text` is digits separated by single dots.
  static std::optional<Version> parse(std::string_view text);
  const std::string& text() const { return text_; }
  // Numeric, part by part: 2 < 10, 1.2 < 1.10, 1 < 1.0.1.
  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

 private:
  std::vector<std::uint64_t> parts_;
  std::string text_;
};

struct MigrationScript {
  Version version;
  std::string description;
  std::string file_name;  // e.g. V2__posts.sql
  std::string engine;     // "" for every engine, else "mysql" or "sqlite"
  std::string content;    // as read from disk
  std::string checksum;   // SHA-256 of the normalized content
};

// Parses a file name; nullopt when it is not a migration name. Reads nothing.
std::optional<MigrationScript> parse_script_name(const std::string& file_name);

// Line endings normalized to \n and a UTF-8 BOM dropped: a CRLF checkout is no edit.
std::string normalize_script(std::string_view content);

// Every migration script in `directory` for `engine`, in version order.
// Throws ScriptError for a .sql file whose name is not a migration name, for two
// files of one version, and for a version that has both a plain file and a variant.
std::vector<MigrationScript> discover_scripts(const std::filesystem::path& directory, std::string_view engine);

// Writes the next script, V<N>__<description>.sql with N one past the highest
// version, and returns its path. Throws ScriptError for an empty description.
std::filesystem::path create_next_script(const std::filesystem::path& directory, std::string_view description);

// SHA-256 over the whole migration set, every engine's scripts: each file's name and
// normalized content, in version order. A deploy compares it to notice any change.
std::string migration_set_hash(const std::filesystem::path& directory);

}  // namespace strata::migrate
