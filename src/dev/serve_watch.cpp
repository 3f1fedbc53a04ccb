#include "dev/serve_watch.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "core/log.hpp"
#include "core/subprocess.hpp"
#include "dev/file_watcher.hpp"

extern char** environ;

namespace strata::dev {
namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

namespace {

// The fds a child finds its socket and its readiness pipe on (see serve_command.cpp).
constexpr int kChildListenFd = 3;
constexpr int kChildReadyFd = 4;
constexpr auto kReadyTimeout = std::chrono::seconds(120);

std::string seconds_since(SteadyClock::time_point start) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f s",
                std::chrono::duration<double>(SteadyClock::now() - start).count());
  return text;
}

// The listening socket every generation of the app serves on.
int open_listener(const std::string& host, unsigned short port, unsigned short& bound_port) {
  std::string address = host == "localhost" ? "127.0.0.1" : host;
  sockaddr_storage storage{};
  socklen_t length = 0;
  auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
  if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(port);
    length = sizeof *v4;
  } else if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(port);
    length = sizeof *v6;
  } else {
    throw std::runtime_error("serve --watch: --host must be an IP address (or localhost), got '" + host + "'");
  }
  int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int on = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&storage), length) != 0 || ::listen(fd, SOMAXCONN) != 0) {
    std::string reason = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + reason);
  }
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length);
  bound_port = ntohs(storage.ss_family == AF_INET ? v4->sin_port : v6->sin6_port);
  return fd;
}

class Supervisor {
 public:
  Supervisor(const WatchOptions& options, int listen_fd) : options_(options), listen_fd_(listen_fd) {}

  // Starts `serve` on the socket and waits until it listens; -1 when it failed to start.
  pid_t start_generation() {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<std::string> argv{options_.executable.string(), "--app", options_.app_directory.string(), "serve"};
    argv.insert(argv.end(), options_.serve_arguments.begin(), options_.serve_arguments.end());
    std::vector<char*> args;
    for (auto& arg : argv) args.push_back(arg.data());
    args.push_back(nullptr);
    std::vector<std::string> environment_strings{"STRATA_LISTEN_FD=" + std::to_string(kChildListenFd),
                                                 "STRATA_READY_FD=" + std::to_string(kChildReadyFd)};
    std::vector<char*> env;
    for (char** variable = environ; *variable; ++variable) {
      if (std::strncmp(*variable, "STRATA_LISTEN_FD=", 17) && std::strncmp(*variable, "STRATA_READY_FD=", 16)) {
        env.push_back(*variable);
      }
    }
    for (auto& variable : environment_strings) env.push_back(variable.data());
    env.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, listen_fd_, kChildListenFd);
    posix_spawn_file_actions_adddup2(&actions, ready[1], kChildReadyFd);
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);
    pid_t pid = 0;
    int error = ::posix_spawn(&pid, args[0], &actions, &attributes, args.data(), env.data());
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    ::close(ready[1]);
    if (error != 0) {
      ::close(ready[0]);
      log::error("watch: cannot start " + argv[0] + ": " + std::strerror(error));
      return -1;
    }
    // One byte once it listens; end of file if it exits first (a bad strata.json, a failed migration).
    pollfd wait_for{ready[0], POLLIN, 0};
    char byte = 0;
    bool is_ready = ::poll(&wait_for, 1, static_cast<int>(std::chrono::milliseconds(kReadyTimeout).count())) == 1 &&
                    ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
    if (!is_ready) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, nullptr, 0);
      return -1;
    }
    return pid;
  }

  // Asks a generation to finish its requests and exit; reaped later.
  void retire(pid_t pid) {
    ::kill(pid, SIGTERM);
    retiring_.push_back(pid);
  }

  // Reaps retired generations that have exited; returns whether `current` exited too.
  bool reap(pid_t current) {
    bool current_exited = false;
    for (;;) {
      int status = 0;
      pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid <= 0) break;
      if (pid == current) {
        current_exited = true;
        log::error("watch: serve exited (" + describe(status) + "); it starts again on the next change");
      }
      std::erase(retiring_, pid);
    }
    return current_exited;
  }

  void stop_all(pid_t current) {
    if (current > 0) ::kill(current, SIGTERM);
    for (pid_t pid : retiring_) ::kill(pid, SIGTERM);
    while (::waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
    }
  }

 private:
  static std::string describe(int status) {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    return std::string("signal ") + strsignal(WTERMSIG(status));
  }

  const WatchOptions& options_;
  int listen_fd_;
  std::vector<pid_t> retiring_;
};

bool stop_requested(const sigset_t& signals) {
  timespec zero{0, 0};
  return ::sigtimedwait(&signals, nullptr, &zero) > 0;
}

std::string join(const std::set<std::string>& names) {
  std::string joined;
  std::size_t shown = 0;
  for (const auto& name : names) {
    if (++shown > 5) return joined + " and " + std::to_string(names.size() - 5) + " more";
    joined += (joined.empty() ? "" : ", ") + name;
  }
  return joined;
}

}  // namespace

fs::path build_directory_of(const fs::path& executable) {
  for (fs::path folder = executable.parent_path(); !folder.empty(); folder = folder.parent_path()) {
    if (fs::exists(folder / "CMakeCache.txt")) return folder;
    if (folder == folder.root_path()) break;
  }
  throw std::runtime_error("serve --watch rebuilds the app in the CMake build folder it was built in, but " +
                           executable.string() + " is in none (no CMakeCache.txt above it)");
}

int serve_watch(const WatchOptions& options) {
  fs::path build = build_directory_of(options.executable);
  std::string target = options.executable.filename().string();
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  unsigned short port = 0;
  int listen_fd = open_listener(options.host, options.port, port);
  FileWatcher watcher(options.app_directory);
  log::notice("watch: watching " + options.app_directory.string() + "; a change rebuilds target " + target + " in " +
              build.string() + " and swaps it in on port " + std::to_string(port));
  Supervisor supervisor(options, listen_fd);
  pid_t current = supervisor.start_generation();
  if (current < 0) log::error("watch: serve did not start; fix the error above and save: it starts again");

  while (!stop_requested(signals)) {
    std::set<std::string> changed = watcher.wait(std::chrono::milliseconds(250), std::chrono::milliseconds(150));
    if (supervisor.reap(current)) current = -1;
    if (changed.empty()) continue;
    log::notice("watch: changed: " + join(changed) + "; building");
    auto started = SteadyClock::now();
    ProcessResult built = run_process({"cmake", "--build", build.string(), "--target", target});
    if (built.exit_code != 0) {
      log::error("watch: build failed after " + seconds_since(started) +
                 (current > 0 ? "; still serving the previous version" : ""));
      continue;
    }
    std::string build_time = seconds_since(started);
    auto swap_started = SteadyClock::now();
    pid_t next = supervisor.start_generation();
    if (next < 0) {
      log::error("watch: the new version did not start (see above)" +
                 std::string(current > 0 ? "; still serving the previous version" : ""));
      continue;
    }
    if (current > 0) supervisor.retire(current);
    current = next;
    log::notice("watch: built in " + build_time + ", swapped in " + seconds_since(swap_started));
  }
  log::notice("watch: stopping");
  supervisor.stop_all(current);
  ::close(listen_fd);
  return 0;
}

}  // namespace strata::dev
