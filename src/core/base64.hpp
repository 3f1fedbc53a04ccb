#pragma once
// Standard base64 (RFC 4648, with padding), as API Gateway and the Data API use it,
// and its URL-safe unpadded form, as JSON Web Tokens use it.
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

// base64url without padding (RFC 4648 section 5), as JSON Web Tokens use it.
std::string encode_url(std::string_view bytes);
// nullopt when `text` holds a character outside the URL alphabet, padding, or a length no encoding gives.
std::optional<std::string> decode_url(std::string_view text);

}  // namespace strata::base64
