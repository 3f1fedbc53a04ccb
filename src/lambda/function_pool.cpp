#include "lambda/function_pool.hpp"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <random>

#include "core/clock.hpp"
#include "core/log.hpp"
#include "strata/json.hpp"

extern char** environ;

namespace strata::lambda {
namespace {

namespace bhttp = boost::beast::http;

constexpr std::string_view kRuntimePrefix = "/2018-06-01/runtime/";
// The reference emulator's limit: 6 MiB and a little room for the JSON around it.
constexpr std::size_t kMaxPayloadBytes = 6 * 1024 * 1024 + 100;
// How long every process must have been on its invocation before a queued one starts
// another: a process blocked that long (I/O, a sleep, long work) leaves its core idle.
constexpr auto kBusyBeforeAnotherProcess = std::chrono::milliseconds(10);

http::Response runtime_json(unsigned status, std::string body) {
  http::Response response{static_cast<bhttp::status>(status), 11};
  response.set(bhttp::field::content_type, "application/json");
  response.body() = std::move(body);
  response.prepare_payload();
  return response;
}

http::Response runtime_error(unsigned status, std::string_view type, std::string_view message) {
  return runtime_json(status, "{\"errorMessage\":" + json::quote(message) + ",\"errorType\":" + json::quote(type) + "}");
}

std::string random_hex(std::size_t digits) {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(digits, '0');
  // Sixteen digits from each 64-bit draw (a draw per digit was 1.5% of serve's work an invocation).
  std::uint64_t bits = 0;
  for (std::size_t i = 0; i < digits; ++i, bits >>= 4) {
    if (i % 16 == 0) bits = generator();
    text[i] = kHex[bits & 15];
  }
  return text;
}

std::string trace_id() {
  char seconds[16];
  std::snprintf(seconds, sizeof seconds, "%08lx", static_cast<unsigned long>(std::time(nullptr)));
  return "Root=1-" + std::string(seconds) + "-" + random_hex(24) + ";Parent=" + random_hex(16) + ";Sampled=0";
}

}  // namespace

struct FunctionPool::Process {
  int number = 0;
  pid_t pid = -1;
  std::unique_ptr<http::Server> server;
  std::thread server_thread;
  std::thread waiter;
  std::optional<http::Reply> parked;  // a /next waiting for an event
  std::optional<Invocation> current;  // the event it is running
  std::chrono::steady_clock::time_point started;  // of the invocation it is running
  bool polled = false;       // has asked for an event at least once
  bool init_failed = false;  // posted /init/error
  bool killed = false;       // killed by the pool (timeout or stop)
};

FunctionPool::FunctionPool(FunctionSettings settings, ProcessLaunch launch)
    : settings_(std::move(settings)), launch_(std::move(launch)) {}

FunctionPool::~FunctionPool() { stop(); }

void FunctionPool::start() {
  std::lock_guard lock(mutex_);
  while (processes_.size() < settings_.warm) spawn_locked();
}

void FunctionPool::finish(std::vector<std::pair<Invocation, InvokeResult>>& finished) {
  for (auto& [invocation, result] : finished) {
    if (invocation.done) invocation.done(std::move(result));
  }
  finished.clear();
}

void FunctionPool::invoke(Invocation invocation) {
  std::vector<std::pair<Invocation, InvokeResult>> finished;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      finished.push_back({std::move(invocation), {InvokeResult::Kind::kCrash, "", "Service.Stopping"}});
    } else {
      queue_.push_back(std::move(invocation));
      dispatch_locked(finished);
    }
  }
  finish(finished);
}

void FunctionPool::dispatch_locked(std::vector<std::pair<Invocation, InvokeResult>>& finished) {
  while (!queue_.empty()) {
    auto idle = std::find_if(processes_.begin(), processes_.end(),
                             [](const auto& process) { return process->parked && !process->current; });
    if (idle == processes_.end()) break;
    Process& process = **idle;
    process.current = std::move(queue_.front());
    queue_.pop_front();
    process.started = std::chrono::steady_clock::now();
    auto deadline_ms = clock::epoch_milliseconds(std::chrono::system_clock::now() + settings_.timeout);
    http::Response event = runtime_json(200, process.current->payload);
    event.set("Lambda-Runtime-Aws-Request-Id", process.current->request_id);
    event.set("Lambda-Runtime-Deadline-Ms", std::to_string(deadline_ms));
    event.set("Lambda-Runtime-Invoked-Function-Arn",
              "arn:aws:lambda:" + launch_.region + ":123456789012:function:" + settings_.name);
    event.set("Lambda-Runtime-Trace-Id", trace_id());
    (*process.parked)(std::move(event));
    process.parked.reset();
  }
  if (queue_.empty() || stopping_) return;
  // A function that cannot start fails fast instead of starting processes in a loop.
  bool someone_ready = std::any_of(processes_.begin(), processes_.end(), [](const auto& p) { return p->polled; });
  if (!someone_ready && std::chrono::steady_clock::now() - init_failed_at_ < std::chrono::seconds(1)) {
    while (!queue_.empty()) {
      finished.push_back({std::move(queue_.front()),
                          {InvokeResult::Kind::kInitError, "", "Runtime.InitError"}});
      queue_.pop_front();
    }
    return;
  }
  // Another process only when it would run: while each one is busy and has been on its
  // invocation for a while. Quick invocations wait for the processes there are, since more
  // processes on the same cores only take turns, each with caches of its own (on one core,
  // 4 processes took 40% more user CPU an invocation than 1). The watchdog calls this every 10 ms.
  if (processes_.size() >= settings_.max_processes) return;
  auto now = std::chrono::steady_clock::now();
  bool all_held_up = std::all_of(processes_.begin(), processes_.end(), [&](const auto& process) {
    return process->current && now - process->started >= kBusyBeforeAnotherProcess;
  });
  if (all_held_up) spawn_locked();
}

void FunctionPool::spawn_locked() {
  auto process = std::make_unique<Process>();
  Process* raw = process.get();
  raw->number = ++next_process_number_;
  http::ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.threads = 1;
  options.body_limit = 2 * kMaxPayloadBytes;
  options.read_buffer_bytes = 64 * 1024;  // a response in one read, not 512 bytes a read
  options.run_on_loops_of = launch_.event_loops;
  options.answer_pipelined_together = true;  // the 202 of a response and the next event
  // None: a frozen runtime may idle for long, and a timer armed at every exchange
  // cost two timerfd_settime(2) calls each.
  options.read_timeout = std::chrono::milliseconds(0);
  raw->server = std::make_unique<http::Server>(options, [this, raw](http::Request&& request, http::Reply reply) {
    handle_runtime_api(*raw, std::move(request), std::move(reply));
  });
  raw->server->listen();
  std::string runtime_api = "127.0.0.1:" + std::to_string(raw->server->port());
  raw->server_thread = std::thread([server = raw->server.get()] { server->run(); });

  // The environment Lambda gives a runtime, and nothing of ours but the database.
  std::vector<std::string> variables = {
      "AWS_LAMBDA_RUNTIME_API=" + runtime_api,
      "_HANDLER=" + settings_.name,
      "AWS_LAMBDA_FUNCTION_NAME=" + settings_.name,
      "AWS_LAMBDA_FUNCTION_VERSION=$LATEST",
      "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + std::to_string(settings_.memory_mb),
      "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + settings_.name,
      "AWS_LAMBDA_LOG_STREAM_NAME=local/" + std::to_string(raw->number),
      "AWS_REGION=" + launch_.region,
      "AWS_DEFAULT_REGION=" + launch_.region,
      "LAMBDA_TASK_ROOT=" + launch_.directory.string(),
      "TZ=:UTC",
      "STRATA_DB=" + launch_.database_url,
      "STRATA_RUNTIME_API_PIPELINING=1",  // this Runtime API reads an answer and the next poll sent at once
  };
  for (const char* inherited : {"PATH", "LANG", "LD_LIBRARY_PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
                                "AWS_SESSION_TOKEN", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
    if (const char* value = std::getenv(inherited)) variables.push_back(std::string(inherited) + "=" + value);
  }
  variables.insert(variables.end(), launch_.extra_environment.begin(), launch_.extra_environment.end());
  std::vector<char*> environment;
  for (std::string& variable : variables) environment.push_back(variable.data());
  environment.push_back(nullptr);
  std::string program = launch_.executable.string();
  std::string argv0 = launch_.executable.filename().string();
  char* argv[] = {argv0.data(), nullptr};

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addchdir_np(&actions, launch_.directory.c_str());
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // serve blocks SIGINT/SIGTERM in its threads; a runtime must start with none blocked.
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  int error = posix_spawn(&raw->pid, program.c_str(), &actions, &attributes, argv, environment.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (error != 0) {
    raw->server->stop();
    raw->server_thread.join();
    throw std::runtime_error("cannot start " + program + " for function " + settings_.name + ": " + std::strerror(error));
  }
  raw->waiter = std::thread([this, raw] {
    int status = 0;
    while (::waitpid(raw->pid, &status, 0) < 0 && errno == EINTR) {
    }
    on_exit(*raw, status);
  });
  processes_.push_back(std::move(process));
}

void FunctionPool::handle_runtime_api(Process& process, http::Request&& request, http::Reply reply) {
  std::vector<std::pair<Invocation, InvokeResult>> finished;
  std::optional<http::Response> answer;
  std::string_view target = request.target();
  {
    std::lock_guard lock(mutex_);
    if (!target.starts_with(kRuntimePrefix)) {
      answer = runtime_error(404, "NotFound", "no such Runtime API resource");
    } else if (target.substr(kRuntimePrefix.size()) == "invocation/next" && request.method() == bhttp::verb::get) {
      process.polled = true;
      if (process.current) {
        finished.push_back({std::move(*process.current),
                            {InvokeResult::Kind::kFunctionError,
                             "{\"errorMessage\":\"the runtime asked for the next event without answering this one\","
                             "\"errorType\":\"Runtime.NoResponse\"}",
                             "Runtime.NoResponse"}});
        process.current.reset();
      }
      process.parked = std::move(reply);
      dispatch_locked(finished);
    } else if (target.substr(kRuntimePrefix.size()) == "init/error" && request.method() == bhttp::verb::post) {
      process.init_failed = true;
      init_failed_at_ = std::chrono::steady_clock::now();
      log::error("lambda: function " + settings_.name + " failed to start: " + request.body());
      answer = runtime_json(202, "{\"status\":\"OK\"}");
    } else if (target.starts_with(std::string(kRuntimePrefix) + "invocation/") && request.method() == bhttp::verb::post) {
      std::string_view rest = target.substr(kRuntimePrefix.size() + 11);
      std::size_t slash = rest.find('/');
      std::string_view id = rest.substr(0, slash);
      std::string_view action = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
      if (action != "response" && action != "error") {
        answer = runtime_error(404, "NotFound", "no such Runtime API resource");
      } else if (!process.current || process.current->request_id != id) {
        answer = runtime_error(400, "InvalidRequestID", "Invalid request ID");
      } else if (request.body().size() > kMaxPayloadBytes) {
        std::string message = "Exceeded maximum allowed payload size (" + std::to_string(kMaxPayloadBytes) + " bytes).";
        finished.push_back({std::move(*process.current),
                            {InvokeResult::Kind::kFunctionError,
                             "{\"errorMessage\":" + json::quote(message) + ",\"errorType\":\"Function.ResponseSizeTooLarge\"}",
                             "Function.ResponseSizeTooLarge"}});
        process.current.reset();
        answer = runtime_error(413, "RequestEntityTooLarge", message);
      } else {
        InvokeResult result;
        result.kind = action == "response" ? InvokeResult::Kind::kSuccess : InvokeResult::Kind::kFunctionError;
        result.payload = std::move(request.body());
        if (result.kind == InvokeResult::Kind::kFunctionError) {
          result.error_type = std::string(request["Lambda-Runtime-Function-Error-Type"]);
          if (result.error_type.empty()) result.error_type = "Unhandled";
        }
        finished.push_back({std::move(*process.current), std::move(result)});
        process.current.reset();
        answer = runtime_json(202, "{\"status\":\"OK\"}");
      }
    } else {
      answer = runtime_error(404, "NotFound", "no such Runtime API resource");
    }
  }
  finish(finished);
  if (answer) reply(std::move(*answer));
}

void FunctionPool::on_exit(Process& process, int status) {
  std::vector<std::pair<Invocation, InvokeResult>> finished;
  std::unique_ptr<Process> owned;
  {
    std::lock_guard lock(mutex_);
    auto it = std::find_if(processes_.begin(), processes_.end(), [&](const auto& p) { return p.get() == &process; });
    if (it == processes_.end()) return;
    owned = std::move(*it);
    processes_.erase(it);
    ++exiting_;
    if (process.current) {
      std::string how = WIFSIGNALED(status) ? "was killed by signal " + std::to_string(WTERMSIG(status))
                                            : "exited with code " + std::to_string(WEXITSTATUS(status));
      log::error("lambda: function " + settings_.name + " process " + std::to_string(process.pid) + " " + how +
                 " during invocation " + process.current->request_id);
      finished.push_back({std::move(*process.current),
                          {InvokeResult::Kind::kCrash,
                           "{\"errorMessage\":" + json::quote("the function's process " + how) +
                               ",\"errorType\":\"Runtime.ExitError\"}",
                           "Runtime.ExitError"}});
      process.current.reset();
    }
    if (!stopping_) {
      // Keep the warm ones warm, and serve what waits.
      if (!process.init_failed && processes_.size() < settings_.warm) spawn_locked();
      dispatch_locked(finished);
    }
  }
  finish(finished);
  owned->server->stop();
  owned->server_thread.join();
  std::lock_guard lock(mutex_);
  exited_.push_back(std::move(owned));  // its waiter (this thread) is joined later
  --exiting_;
}

void FunctionPool::enforce_timeouts() {
  std::vector<std::pair<Invocation, InvokeResult>> finished;
  {
    std::lock_guard lock(mutex_);
    auto now = std::chrono::steady_clock::now();
    for (auto& process : processes_) {
      if (!process->current || process->killed || now < process->started + settings_.timeout) continue;
      log::error("lambda: function " + settings_.name + " timed out after " +
                 std::to_string(settings_.timeout.count()) + " ms (invocation " + process->current->request_id +
                 "); its process is killed and replaced");
      process->killed = true;
      ::kill(process->pid, SIGKILL);
      finished.push_back({std::move(*process->current),
                          {InvokeResult::Kind::kTimeout,
                           "{\"errorMessage\":\"Task timed out after " + std::to_string(settings_.timeout.count()) +
                               " ms\",\"errorType\":\"Sandbox.Timedout\"}",
                           "Sandbox.Timedout"}});
      process->current.reset();
    }
    // Invocations queued behind processes held up since the last look get another one.
    if (!queue_.empty() && !stopping_) dispatch_locked(finished);
    // Join the threads of processes that ended earlier.
    for (auto& process : exited_) {
      if (process->waiter.joinable()) process->waiter.join();
    }
    exited_.clear();
  }
  finish(finished);
}

void FunctionPool::stop() {
  std::vector<std::pair<Invocation, InvokeResult>> finished;
  std::vector<pid_t> pids;
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && processes_.empty() && exited_.empty()) return;
    stopping_ = true;
    while (!queue_.empty()) {
      finished.push_back({std::move(queue_.front()), {InvokeResult::Kind::kCrash, "", "Service.Stopping"}});
      queue_.pop_front();
    }
    for (auto& process : processes_) {
      process->killed = true;
      pids.push_back(process->pid);
    }
  }
  finish(finished);
  for (pid_t pid : pids) ::kill(pid, SIGTERM);
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard lock(mutex_);
      if (processes_.empty() && exiting_ == 0) break;
      if (i == 100) {
        for (auto& process : processes_) ::kill(process->pid, SIGKILL);
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::vector<std::unique_ptr<Process>> exited;
  {
    std::lock_guard lock(mutex_);
    exited.swap(exited_);
  }
  for (auto& process : exited) {
    if (process->waiter.joinable()) process->waiter.join();
  }
}

}  // namespace strata::lambda
