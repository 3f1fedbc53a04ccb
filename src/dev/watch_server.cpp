#include "dev/watch_server.hpp"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iomanip>
#include <sstream>
#include <stdexcept>

#include "core/log.hpp"
#include "dev/file_watcher.hpp"

namespace strata::dev {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kReadyTimeout = std::chrono::seconds(60);

std::string seconds_text(Clock::duration took) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << std::chrono::duration<double>(took).count() << " s";
  return out.str();
}

std::string milliseconds_text(Clock::duration took) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) + " ms";
}

// The folder holding CMakeCache.txt at or above the binary's own: where it was built.
fs::path build_folder_of(const fs::path& binary) {
  for (fs::path folder = binary.parent_path(); !folder.empty(); folder = folder.parent_path()) {
    std::error_code error;
    if (fs::exists(folder / "CMakeCache.txt", error)) return folder;
    if (folder == folder.root_path()) break;
  }
  throw std::runtime_error("serve --watch: no CMakeCache.txt in " + binary.parent_path().string() +
                           " or above it; --watch rebuilds the app in the CMake build folder its binary was built in");
}

class ListeningSocket {
 public:
  ListeningSocket(const std::string& host, unsigned short port) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (int status = getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found); status != 0) {
      throw std::runtime_error("cannot listen on host '" + host + "': " + gai_strerror(status));
    }
    descriptor_ = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC, 0);
    int yes = 1;
    bool ok = descriptor_ >= 0 && ::setsockopt(descriptor_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes) == 0 &&
              ::bind(descriptor_, found->ai_addr, found->ai_addrlen) == 0 && ::listen(descriptor_, SOMAXCONN) == 0;
    int saved = errno;
    freeaddrinfo(found);
    if (!ok) throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " + std::strerror(saved));
  }
  ~ListeningSocket() { ::close(descriptor_); }
  ListeningSocket(const ListeningSocket&) = delete;
  ListeningSocket& operator=(const ListeningSocket&) = delete;

  int descriptor() const { return descriptor_; }
  unsigned short port() const {
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    ::getsockname(descriptor_, reinterpret_cast<sockaddr*>(&bound), &length);
    return ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                             : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }

 private:
  int descriptor_ = -1;
};

// Starts `arguments` with this process's stdout and stderr (a compiler's errors show
// as they are) and no signal blocked; of the descriptors, only `inherited` cross over.
pid_t spawn(const std::vector<std::string>& arguments, std::initializer_list<int> inherited = {}) {
  std::vector<char*> argv;
  for (const auto& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    for (int descriptor : inherited) ::fcntl(descriptor, F_SETFD, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    ::execvp(argv[0], argv.data());
    _exit(127);
  }
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  return pid;
}

// Runs the build; its exit status (-1 when it did not exit normally).
int run_build(const std::vector<std::string>& arguments) {
  pid_t pid = spawn(arguments);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// One `APP serve` child on the shared socket.
class AppProcess {
 public:
  // Starts `binary` and waits until it says it is ready (or fails, or the wait times out).
  AppProcess(const fs::path& binary, const WatchSettings& settings, int listen_fd) {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    std::vector<std::string> arguments = {binary.string(), "--app", settings.app_directory.string(), "serve",
                                          "--host", settings.host, "--listen-fd", std::to_string(listen_fd),
                                          "--ready-fd", std::to_string(ready[1])};
    arguments.insert(arguments.end(), settings.serve_arguments.begin(), settings.serve_arguments.end());
    try {
      pid_ = spawn(arguments, {listen_fd, ready[1]});
    } catch (...) {
      ::close(ready[0]);
      ::close(ready[1]);
      throw;
    }
    ::close(ready[1]);
    pollfd waiting{ready[0], POLLIN, 0};
    char byte = 0;
    ready_ = ::poll(&waiting, 1, static_cast<int>(std::chrono::milliseconds(kReadyTimeout).count())) == 1 &&
             ::read(ready[0], &byte, 1) == 1;
    ::close(ready[0]);
  }
  ~AppProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  AppProcess(const AppProcess&) = delete;
  AppProcess& operator=(const AppProcess&) = delete;

  bool ready() const { return ready_; }
  // Asks it to finish what it accepted and stop (serve's SIGTERM).
  void stop() const { ::kill(pid_, SIGTERM); }
  // True once it has exited (reaped); does not wait.
  bool exited() {
    if (!exited_ && ::waitpid(pid_, &status_, WNOHANG) == pid_) exited_ = true;
    return exited_;
  }
  void wait() {
    while (!exited_) {
      if (::waitpid(pid_, &status_, 0) == pid_) exited_ = true;
      else if (errno != EINTR) break;
    }
  }
  std::string how_it_ended() const {
    if (WIFEXITED(status_)) return "exited with code " + std::to_string(WEXITSTATUS(status_));
    return std::string("killed by signal ") + strsignal(WTERMSIG(status_));
  }

 private:
  pid_t pid_ = -1;
  bool ready_ = false;
  bool exited_ = false;
  int status_ = 0;
};

std::string list(const std::set<std::string>& files) {
  std::string text;
  std::size_t shown = 0;
  for (const auto& file : files) {
    if (shown++ == 5) return text + " and " + std::to_string(files.size() - 5) + " more";
    text += (text.empty() ? "" : ", ") + file;
  }
  return text;
}

}  // namespace

int watch_and_serve(const WatchSettings& settings) {
  std::error_code error;
  fs::path binary = fs::read_symlink("/proc/self/exe", error);
  if (error) throw std::runtime_error("serve --watch: cannot find this binary: " + error.message());
  fs::path build = build_folder_of(binary);
  std::string target = binary.filename().string();
  std::vector<std::string> build_command = {"cmake", "--build", build.string(), "--target", target};

  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigprocmask(SIG_BLOCK, &stop_signals, nullptr);
  int signals = ::signalfd(-1, &stop_signals, SFD_CLOEXEC);

  ListeningSocket socket(settings.host, settings.port);
  FileWatcher watcher(settings.app_directory);
  std::string host = settings.host.find(':') != std::string::npos ? "[" + settings.host + "]" : settings.host;
  log::notice("serve --watch: listening on http://" + host + ":" + std::to_string(socket.port()) + "; rebuilding " +
              target + " in " + build.string() + " on every edit of " + settings.app_directory.string());

  auto current = std::make_unique<AppProcess>(binary, settings, socket.descriptor());
  if (!current->ready()) log::error("serve --watch: the app did not start; fix the error above and save again");
  std::vector<std::unique_ptr<AppProcess>> draining;

  for (;;) {
    pollfd waiting[2] = {{watcher.descriptor(), POLLIN, 0}, {signals, POLLIN, 0}};
    int ready = ::poll(waiting, 2, 500);
    if (ready < 0 && errno != EINTR) throw std::runtime_error(std::string("poll: ") + std::strerror(errno));
    std::erase_if(draining, [](const std::unique_ptr<AppProcess>& process) { return process->exited(); });
    if (waiting[1].revents & POLLIN) break;
    if (current && current->ready() && current->exited()) {
      log::error("serve --watch: the app " + current->how_it_ended() + "; it restarts on the next edit");
      current.reset();
    }
    if (!(waiting[0].revents & POLLIN)) continue;
    std::set<std::string> changed = watcher.read_changes(std::chrono::milliseconds(150));
    if (changed.empty()) continue;

    log::notice("serve --watch: changed: " + list(changed) + "; building");
    auto started = Clock::now();
    int status = run_build(build_command);
    auto built = Clock::now();
    if (status != 0) {
      log::error("serve --watch: the build failed after " + seconds_text(built - started) +
                 (current ? "; the previous build keeps serving" : ""));
      continue;
    }
    auto next = std::make_unique<AppProcess>(binary, settings, socket.descriptor());
    if (!next->ready()) {
      log::error("serve --watch: the new build did not start (see above)" +
                 std::string(current ? "; the previous build keeps serving" : ""));
      continue;
    }
    if (current) {
      current->stop();  // it answers what it accepted, then exits
      draining.push_back(std::move(current));
    }
    current = std::move(next);
    log::notice("serve --watch: swapped in the new build: build " + seconds_text(built - started) + ", start " +
                milliseconds_text(Clock::now() - built));
  }

  log::notice("serve --watch: stopping");
  if (current) {
    current->stop();
    current->wait();
  }
  for (auto& process : draining) process->wait();
  ::close(signals);
  return 0;
}

}  // namespace strata::dev
