#pragma once
// Time stamps in the text forms the logs, API Gateway and SQL use.
#include <chrono>
#include <cstdint>
#include <string>

namespace strata::clock {

using SystemTime = std::chrono::system_clock::time_point;

std::int64_t epoch_milliseconds(SystemTime time);
// 2026-11-27T08:47:04.123Z
std::string iso8601(SystemTime time);
inline std::string iso8601_now() { return iso8601(std::chrono::system_clock::now()); }
// 27/Nov/2026:08:47:04 +0000, API Gateway's requestTime.
std::string api_gateway_time(SystemTime time);
// 2026-11-27 08:47:04, SQL's DATETIME text form (UTC).
std::string sql_datetime(SystemTime time);

}  // namespace strata::clock
