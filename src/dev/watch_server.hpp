#pragma once
// serve --watch: this process keeps the listening socket and runs the app's
// `serve` as a child process on it. On an edit it rebuilds the app in the build
// folder the running binary came from; when the build succeeds it starts the new
// binary on the same socket, waits until it is ready (migrations applied), then
// lets the old one finish the requests it accepted and stop. Connections wait in
// the socket's queue meanwhile, so none is refused. A failed build prints the
// compiler's errors and the old build keeps serving.
#include <filesystem>
#include <string>
#include <vector>

namespace strata::dev {

struct WatchSettings {
  std::filesystem::path app_directory;       // holds strata.json
  std::string host = "127.0.0.1";
  unsigned short port = 3000;                 // 0 picks a free one
  std::vector<std::string> serve_arguments;   // the child's `serve` options besides the socket
};

// Runs until SIGINT or SIGTERM; returns the exit code. Throws std::runtime_error
// when it cannot start (no build folder, the port is taken).
int watch_and_serve(const WatchSettings& settings);

}  // namespace strata::dev
