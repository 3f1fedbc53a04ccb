#pragma once
// Log lines to stderr, one write(2) per line so lines from several threads never interleave.
#include <string_view>

namespace strata::log {

enum class Level { kInfo, kNotice, kWarn, kError };

void write(Level level, std::string_view message);
inline void info(std::string_view message) { write(Level::kInfo, message); }
// Printed even when quiet: start-up lines that scripts read.
inline void notice(std::string_view message) { write(Level::kNotice, message); }
inline void warn(std::string_view message) { write(Level::kWarn, message); }
inline void error(std::string_view message) { write(Level::kError, message); }

// Silences info lines (warnings and errors still print); for benchmarks and tests.
void set_quiet(bool quiet);

}  // namespace strata::log
