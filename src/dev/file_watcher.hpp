#pragma once
// Watches an app's folder tree for edits with inotify: sources, strata.json,
// migrations, CMake files. Build folders (those holding CMakeCache.txt) and hidden
// folders (.strata, .git) are left out, as are files of other kinds (editor swap files).
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>

namespace strata::dev {

class FileWatcher {
 public:
  // Throws std::runtime_error when inotify is unavailable.
  explicit FileWatcher(std::filesystem::path root);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // For poll(2): readable when an event is waiting.
  int descriptor() const { return descriptor_; }
  // Reads the waiting events, then keeps reading until `quiet` passes without one
  // (an editor's save is several events); returns the changed files that matter,
  // relative to the root. Empty when none of them mattered.
  std::set<std::string> read_changes(std::chrono::milliseconds quiet);

 private:
  void watch_tree(const std::filesystem::path& folder);
  bool read_events(std::set<std::string>& changed);

  std::filesystem::path root_;
  int descriptor_ = -1;
  std::map<int, std::filesystem::path> folders_;  // watch descriptor -> folder
};

// Whether an edit of `path` should rebuild the app: C++ sources and headers, JSON,
// SQL and CMake files.
bool is_watched_file(const std::filesystem::path& path);

}  // namespace strata::dev
