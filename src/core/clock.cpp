#include "core/clock.hpp"

#include <ctime>

namespace strata::clock {
namespace {

std::tm utc(SystemTime time) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm parts{};
  ::gmtime_r(&seconds, &parts);
  return parts;
}

std::string format(SystemTime time, const char* pattern) {
  std::tm parts = utc(time);
  char text[64];
  std::size_t length = std::strftime(text, sizeof text, pattern, &parts);
  return std::string(text, length);
}

}  // namespace

std::int64_t epoch_milliseconds(SystemTime time) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
}

std::string iso8601(SystemTime time) {
  std::string text = format(time, "%Y-%m-%dT%H:%M:%S");
  char millis[8];
  std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(epoch_milliseconds(time) % 1000));
  return text + millis;
}

std::string api_gateway_time(SystemTime time) {
  // Every request asks, and the text changes once a second: format each second once per thread.
  thread_local std::time_t formatted_second = -1;
  thread_local std::string formatted;
  std::time_t second = std::chrono::system_clock::to_time_t(time);
  if (second != formatted_second) {
    formatted = format(time, "%d/%b/%Y:%H:%M:%S +0000");
    formatted_second = second;
  }
  return formatted;
}

std::string sql_datetime(SystemTime time) { return format(time, "%Y-%m-%d %H:%M:%S"); }

}  // namespace strata::clock
