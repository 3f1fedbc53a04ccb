#include "dev/file_watcher.hpp"

#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace strata::dev {
namespace fs = std::filesystem;

namespace {

constexpr std::uint32_t kEvents =
    IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_ATTRIB;

// Editors' temporary files: vim's 4913 probe and swap files, emacs' locks, backups.
bool noise(const std::string& name) {
  return name.empty() || name == "4913" || name.back() == '~' || name.starts_with(".#") || name.ends_with(".swp") ||
         name.ends_with(".swx") || (name.front() == '#' && name.back() == '#');
}

}  // namespace

bool FileWatcher::watched_folder(const std::string& name) {
  return !name.empty() && name.front() != '.' && !name.starts_with("build") && name != "CMakeFiles" &&
         name != "node_modules";
}

FileWatcher::FileWatcher(const fs::path& root) : root_(fs::absolute(root)) {
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0) throw std::runtime_error(std::string("cannot watch files (inotify): ") + std::strerror(errno));
  add_tree(root_);
}

FileWatcher::~FileWatcher() {
  if (fd_ >= 0) ::close(fd_);
}

void FileWatcher::add_tree(const fs::path& folder) {
  int wd = ::inotify_add_watch(fd_, folder.c_str(), kEvents | IN_ONLYDIR);
  if (wd < 0) {
    if (errno == ENOSPC) throw std::runtime_error("too many folders to watch (raise fs.inotify.max_user_watches)");
    return;  // vanished meanwhile
  }
  folders_[wd] = folder;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.is_directory(error) && watched_folder(entry.path().filename().string())) add_tree(entry.path());
  }
}

bool FileWatcher::read_events(std::chrono::milliseconds timeout, std::set<std::string>& changed) {
  pollfd ready{fd_, POLLIN, 0};
  int polled = ::poll(&ready, 1, static_cast<int>(timeout.count()));
  if (polled <= 0) return false;
  alignas(inotify_event) char buffer[16384];
  bool any = false;
  for (;;) {
    ssize_t got = ::read(fd_, buffer, sizeof buffer);
    if (got <= 0) break;
    for (char* at = buffer; at < buffer + got;) {
      auto* event = reinterpret_cast<inotify_event*>(at);
      at += sizeof(inotify_event) + event->len;
      auto folder = folders_.find(event->wd);
      if (folder == folders_.end()) continue;
      if (event->mask & IN_IGNORED) {
        folders_.erase(folder);
        continue;
      }
      std::string name = event->len ? event->name : "";
      if (event->mask & IN_ISDIR) {
        if (!watched_folder(name)) continue;
        if (event->mask & (IN_CREATE | IN_MOVED_TO)) add_tree(folder->second / name);
      }
      if (noise(name)) continue;
      changed.insert((folder->second / name).lexically_relative(root_).string());
      any = true;
    }
  }
  return any;
}

std::set<std::string> FileWatcher::wait(std::chrono::milliseconds timeout, std::chrono::milliseconds quiet) {
  std::set<std::string> changed;
  if (!read_events(timeout, changed)) return changed;
  while (read_events(quiet, changed)) {
  }
  return changed;
}

}  // namespace strata::dev
