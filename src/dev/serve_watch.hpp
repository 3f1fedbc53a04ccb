#pragma once
// `serve --watch`: a supervisor that owns the listening socket and runs `serve` as a
// child on it. On a change to the app's files it rebuilds the app in the build folder
// the binary came from; when the build succeeds it starts the new binary on the same
// socket, waits until it is ready, then lets the old one finish its requests and exit.
// The socket never closes, so a connection is never refused: it waits in the backlog.
#include <filesystem>
#include <string>
#include <vector>

namespace strata::dev {

struct WatchOptions {
  std::filesystem::path executable;      // this app binary
  std::filesystem::path app_directory;   // the folder watched, holding strata.json
  std::vector<std::string> serve_arguments;  // the child's arguments after `serve`
  std::string host = "127.0.0.1";
  unsigned short port = 3000;
};

// The CMake build folder holding `executable` (the nearest parent with a CMakeCache.txt).
// Throws std::runtime_error saying why --watch cannot rebuild when there is none.
std::filesystem::path build_directory_of(const std::filesystem::path& executable);

// Runs until SIGINT or SIGTERM. Returns the exit code.
int serve_watch(const WatchOptions& options);

}  // namespace strata::dev
