#include "core/request_id.hpp"

#include <cstdint>
#include <random>

namespace strata {

std::string new_request_id() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  std::uint64_t high = generator(), low = generator();
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;    // variant 1
  // 8-4-4-4-12 hex digits, written directly (snprintf was a fifth of the gateway's own work).
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text(36, '-');
  auto put = [&text](std::size_t at, std::uint64_t bits, int digits) {
    for (int i = digits - 1; i >= 0; --i, bits >>= 4) text[at + static_cast<std::size_t>(i)] = kHex[bits & 15];
  };
  put(0, high >> 32, 8);
  put(9, high >> 16, 4);
  put(14, high, 4);
  put(19, low >> 48, 4);
  put(24, low, 12);
  return text;
}

}  // namespace strata
