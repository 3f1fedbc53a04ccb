#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

#include "core/clock.hpp"

namespace strata::log {
namespace {
std::atomic<bool> quiet_flag{false};
}

void set_quiet(bool quiet) { quiet_flag = quiet; }

void write(Level level, std::string_view message) {
  if (level == Level::kInfo && quiet_flag.load(std::memory_order_relaxed)) return;
  std::string line = clock::iso8601_now();
  line += level == Level::kInfo || level == Level::kNotice ? " " : level == Level::kWarn ? " warning: " : " error: ";
  line.append(message);
  line += '\n';
  std::size_t offset = 0;
  while (offset < line.size()) {
    ssize_t written = ::write(STDERR_FILENO, line.data() + offset, line.size() - offset);
    if (written <= 0) return;  // nowhere to log to; never fail the caller for it
    offset += static_cast<std::size_t>(written);
  }
}

}  // namespace strata::log
