#include "dev/file_watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace strata::dev {
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kEvents = IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE;

bool is_skipped_folder(const fs::path& folder) {
  std::string name = folder.filename().string();
  std::error_code error;
  return (!name.empty() && name[0] == '.') || fs::exists(folder / "CMakeCache.txt", error);
}

}  // namespace

bool is_watched_file(const fs::path& path) {
  static const std::set<std::string> kExtensions = {".cpp", ".cc", ".cxx", ".hpp", ".h", ".hh", ".json", ".sql", ".cmake"};
  std::string name = path.filename().string();
  if (name.empty() || name[0] == '.') return false;
  return name == "CMakeLists.txt" || kExtensions.count(path.extension().string()) > 0;
}

FileWatcher::FileWatcher(fs::path root) : root_(std::move(root)) {
  descriptor_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (descriptor_ < 0) throw std::runtime_error(std::string("inotify: ") + std::strerror(errno));
  watch_tree(root_);
}

FileWatcher::~FileWatcher() { ::close(descriptor_); }

void FileWatcher::watch_tree(const fs::path& folder) {
  if (folder != root_ && is_skipped_folder(folder)) return;
  int watch = inotify_add_watch(descriptor_, folder.c_str(), kEvents);
  if (watch < 0) return;  // gone already, or not ours to read
  folders_[watch] = folder;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.is_directory(error) && !entry.is_symlink(error)) watch_tree(entry.path());
  }
}

bool FileWatcher::read_events(std::set<std::string>& changed) {
  alignas(inotify_event) std::array<char, 16384> buffer;
  bool any = false;
  for (;;) {
    ssize_t length = ::read(descriptor_, buffer.data(), buffer.size());
    if (length <= 0) return any;
    any = true;
    for (ssize_t offset = 0; offset < length;) {
      const auto* event = reinterpret_cast<const inotify_event*>(buffer.data() + offset);
      offset += static_cast<ssize_t>(sizeof(inotify_event) + event->len);
      auto folder = folders_.find(event->wd);
      if (event->mask & IN_IGNORED) {
        if (folder != folders_.end()) folders_.erase(folder);
        continue;
      }
      if (folder == folders_.end() || event->len == 0) continue;
      fs::path path = folder->second / event->name;
      if (event->mask & IN_ISDIR) {
        // A new folder (functions/admin/): watch it, and count what it already holds.
        if (event->mask & (IN_CREATE | IN_MOVED_TO)) {
          watch_tree(path);
          std::error_code error;
          for (const auto& entry : fs::recursive_directory_iterator(path, error)) {
            if (is_watched_file(entry.path())) changed.insert(entry.path().lexically_relative(root_).string());
          }
        }
        continue;
      }
      if (is_watched_file(path)) changed.insert(path.lexically_relative(root_).string());
    }
  }
}

std::set<std::string> FileWatcher::read_changes(std::chrono::milliseconds quiet) {
  std::set<std::string> changed;
  read_events(changed);
  for (;;) {
    pollfd waiting{descriptor_, POLLIN, 0};
    int ready = ::poll(&waiting, 1, static_cast<int>(quiet.count()));
    if (ready <= 0) break;
    read_events(changed);
  }
  return changed;
}

}  // namespace strata::dev
