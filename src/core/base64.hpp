#pragma once
// Standard base64 (RFC 4648, with padding), as API Gateway and the Data API use it.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::base64 {

std::string encode(const std::uint8_t* data, std::size_t size);
inline std::string encode(std::string_view text) {
  return encode(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}
// nullopt when `text` is not valid base64.
std::optional<std::vector<std::uint8_t>> decode(std::string_view text);

}  // namespace strata::base64
