#pragma once
// Log lines to stderr, one write(2) per line so lines from several threads never interleave.
#include <string>
#include <string_view>

namespace strata::log {

enum class Level { kInfo, kNotice, kWarn, kError };

void write(Level level, std::string_view message);
inline void info(std::string_view message) { write(Level::kInfo, message); }
// Printed even when quiet: start-up lines that scripts read.
inline void notice(std::string_view message) { write(Level::kNotice, message); }
inline void warn(std::string_view message) { write(Level::kWarn, message); }
inline void error(std::string_view message) { write(Level::kError, message); }

// Text: "2026-11-27T08:47:04.123Z message". Json (in Lambda, as its log
// tooling expects): {"timestamp", "level", "requestId", "message"} per line.
enum class Format { kText, kJson };
void set_format(Format format);
// The invocation this thread is serving, for JSON lines; empty when none.
void set_request_id(std::string request_id);

// Silences info lines (warnings and errors still print); for benchmarks and tests.
void set_quiet(bool quiet);

}  // namespace strata::log
