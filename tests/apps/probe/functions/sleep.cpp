// GET /sleep?ms=N: sleeps N milliseconds, then answers 200 with its process id.
// strata.json gives it a 1 s timeout, so a long sleep shows what a timed-out function gets.
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <string>
#include <thread>

#include <strata/strata.hpp>

namespace {

strata::Response sleep_for(const strata::Request& request, strata::Context&) {
  long long ms = 0;
  if (auto text = request.query_parameter("ms")) {
    auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), ms);
    if (error != std::errc() || end != text->data() + text->size() || ms < 0) {
      throw strata::HttpError(400, "ms must be a number of milliseconds");
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  return strata::Response::json(
      200, "{\"slept\":" + std::to_string(ms) + ",\"pid\":" + std::to_string(static_cast<long>(::getpid())) + "}");
}

const strata::Register kSleep{"sleep", sleep_for};

}  // namespace
