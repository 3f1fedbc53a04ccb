#pragma once
// What a fuzz target does when an invariant breaks: print what broke, with the
// input's size, and abort, so libFuzzer (or the corpus runner) reports the input.
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace strata::fuzz {

inline void check(bool holds, std::string_view invariant, std::string_view detail = {}) {
  if (holds) return;
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(invariant.size()), invariant.data());
  if (!detail.empty()) {
    std::fprintf(stderr, "  detail: ");
    for (char c : detail) {  // escaped: the detail may hold NULs and control bytes
      auto byte = static_cast<unsigned char>(c);
      if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
        std::fputc(byte, stderr);
      } else {
        std::fprintf(stderr, "\\x%02x", byte);
      }
    }
    std::fputc('\n', stderr);
  }
  std::abort();
}

}  // namespace strata::fuzz
