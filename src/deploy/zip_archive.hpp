#pragma once
// Writes a zip file (libzip) the same way every time: entries in the order added,
// fixed timestamps, Unix permissions kept, so the same inputs give the same bytes
// (and the same S3 key).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

struct zip;

namespace strata::deploy {

class ZipArchive {
 public:
  // Creates or truncates `path`. Throws std::runtime_error.
  explicit ZipArchive(const std::filesystem::path& path);
  ~ZipArchive();
  ZipArchive(const ZipArchive&) = delete;
  ZipArchive& operator=(const ZipArchive&) = delete;

  void add_file(const std::string& name, const std::filesystem::path& source, unsigned mode);
  void add_text(const std::string& name, std::string content, unsigned mode);
  // Writes the archive; nothing is on disk before this. Throws std::runtime_error.
  void close();

 private:
  void finish_entry(long long index, const std::string& name, unsigned mode);

  std::filesystem::path path_;
  zip* archive_ = nullptr;
  std::vector<std::unique_ptr<std::string>> texts_;  // kept alive until close()
};

}  // namespace strata::deploy
