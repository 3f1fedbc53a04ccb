#pragma once
// Notices changes under a folder (inotify, recursively): files written, created,
// deleted or renamed. Folders that hold no sources are skipped (hidden ones,
// build folders), so that a build never triggers itself.
#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace strata::dev {

class FileWatcher {
 public:
  // Throws std::runtime_error when inotify cannot be used.
  explicit FileWatcher(const std::filesystem::path& root);
  ~FileWatcher();
  FileWatcher(const FileWatcher&) = delete;
  FileWatcher& operator=(const FileWatcher&) = delete;

  // Waits up to `timeout` for a change, then collects further changes until `quiet`
  // passes without one (an editor's save is several events). Returns the changed
  // paths relative to the root, or nothing when the timeout passed.
  std::set<std::string> wait(std::chrono::milliseconds timeout, std::chrono::milliseconds quiet);

  // Whether a folder (a name, not a path) is watched: not hidden, not a build folder.
  static bool watched_folder(const std::string& name);

 private:
  void add_tree(const std::filesystem::path& folder);
  // Reads pending events into `changed`; false when none was pending within `timeout`.
  bool read_events(std::chrono::milliseconds timeout, std::set<std::string>& changed);

  std::filesystem::path root_;
  int fd_ = -1;
  std::map<int, std::filesystem::path> folders_;  // watch descriptor -> folder
};

}  // namespace strata::dev
