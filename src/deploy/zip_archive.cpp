#include "deploy/zip_archive.hpp"

#include <sys/stat.h>
#include <zip.h>

#include <stdexcept>
#include <vector>

namespace strata::deploy {
namespace {

// 1980-01-01, the earliest time a zip entry holds.
constexpr time_t kFixedTime = 315532800;

std::string error_of(zip* archive) { return zip_strerror(archive); }

}  // namespace

ZipArchive::ZipArchive(const std::filesystem::path& path) : path_(path) {
  int error = 0;
  archive_ = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (!archive_) {
    zip_error_t details;
    zip_error_init_with_code(&details, error);
    std::string message = zip_error_strerror(&details);
    zip_error_fini(&details);
    throw std::runtime_error("cannot create " + path.string() + ": " + message);
  }
}

ZipArchive::~ZipArchive() {
  if (archive_) zip_discard(archive_);
}

void ZipArchive::finish_entry(long long index, const std::string& name, unsigned mode) {
  if (index < 0) throw std::runtime_error("cannot add " + name + " to " + path_.string() + ": " + error_of(archive_));
  auto entry = static_cast<zip_uint64_t>(index);
  if (zip_file_set_external_attributes(archive_, entry, 0, ZIP_OPSYS_UNIX, (S_IFREG | mode) << 16) != 0 ||
      zip_file_set_mtime(archive_, entry, kFixedTime, 0) != 0 ||
      zip_set_file_compression(archive_, entry, ZIP_CM_DEFLATE, 9) != 0) {
    throw std::runtime_error("cannot set the attributes of " + name + ": " + error_of(archive_));
  }
}

void ZipArchive::add_file(const std::string& name, const std::filesystem::path& source, unsigned mode) {
  zip_source_t* data = zip_source_file(archive_, source.c_str(), 0, -1);
  if (!data) throw std::runtime_error("cannot read " + source.string() + ": " + error_of(archive_));
  zip_int64_t index = zip_file_add(archive_, name.c_str(), data, ZIP_FL_ENC_UTF_8);
  if (index < 0) zip_source_free(data);
  finish_entry(index, name, mode);
}

void ZipArchive::add_text(const std::string& name, std::string content, unsigned mode) {
  texts_.push_back(std::make_unique<std::string>(std::move(content)));
  const std::string& text = *texts_.back();
  zip_source_t* data = zip_source_buffer(archive_, text.data(), text.size(), 0);
  if (!data) throw std::runtime_error("cannot add " + name + ": " + error_of(archive_));
  zip_int64_t index = zip_file_add(archive_, name.c_str(), data, ZIP_FL_ENC_UTF_8);
  if (index < 0) zip_source_free(data);
  finish_entry(index, name, mode);
}

void ZipArchive::close() {
  if (zip_close(archive_) != 0) {
    std::string message = error_of(archive_);
    throw std::runtime_error("cannot write " + path_.string() + ": " + message);
  }
  archive_ = nullptr;
  texts_.clear();
}

}  // namespace strata::deploy
