#include "auth/denial.hpp"

namespace strata::auth {

DenialAnswer denial_answer(Denial denial, ApiFlavor flavor, std::string_view reason) {
  switch (denial) {
    case Denial::kNoApiKey:
    case Denial::kBadApiKey:
      return {403, "Forbidden", ""};
    case Denial::kNoToken:
      return {401, "Unauthorized", ""};
    case Denial::kBadToken:
      if (flavor == ApiFlavor::kHttp) {
        std::string description;
        for (char c : reason) description += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '\'' : c;
        return {401, "Unauthorized",
                "Bearer scope=\"\" error=\"invalid_token\" error_description=\"" + description + "\""};
      }
      return {401, "Unauthorized", ""};
  }
  return {401, "Unauthorized", ""};
}

}  // namespace strata::auth
