#include "core/log.hpp"

#include <unistd.h>

#include <atomic>
#include <string>

#include "core/clock.hpp"
#include "strata/json.hpp"

namespace strata::log {
namespace {
std::atomic<bool> quiet_flag{false};
std::atomic<Format> format{Format::kText};
thread_local std::string current_request_id;

const char* level_name(Level level) {
  switch (level) {
    case Level::kInfo:
    case Level::kNotice: return "INFO";
    case Level::kWarn: return "WARN";
    case Level::kError: return "ERROR";
  }
  return "INFO";
}

std::string json_line(Level level, std::string_view message) {
  rapidjson::StringBuffer buffer;
  json::Writer writer(buffer);
  writer.StartObject();
  writer.Key("timestamp");
  writer.String(clock::iso8601_now().c_str());
  writer.Key("level");
  writer.String(level_name(level));
  if (!current_request_id.empty()) {
    writer.Key("requestId");
    writer.String(current_request_id.c_str());
  }
  writer.Key("message");
  writer.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace

void set_quiet(bool quiet) { quiet_flag = quiet; }
void set_format(Format new_format) { format = new_format; }
void set_request_id(std::string request_id) { current_request_id = std::move(request_id); }

void write(Level level, std::string_view message) {
  if (level == Level::kInfo && quiet_flag.load(std::memory_order_relaxed)) return;
  std::string line;
  if (format.load(std::memory_order_relaxed) == Format::kJson) {
    line = json_line(level, message);
  } else {
    line = clock::iso8601_now();
    line += level == Level::kInfo || level == Level::kNotice ? " " : level == Level::kWarn ? " warning: " : " error: ";
    line.append(message);
  }
  line += '\n';
  std::size_t offset = 0;
  while (offset < line.size()) {
    ssize_t written = ::write(STDERR_FILENO, line.data() + offset, line.size() - offset);
    if (written <= 0) return;  // nowhere to log to; never fail the caller for it
    offset += static_cast<std::size_t>(written);
  }
}

}  // namespace strata::log
