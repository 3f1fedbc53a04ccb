#pragma once
// Checks a request's SigV4 Authorization header the way AWS does: the same
// canonical request, recomputed with the secret of the access key it names.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace strata::aws {

struct SignatureFailure {
  std::string type;  // MissingAuthenticationTokenException, UnrecognizedClientException, InvalidSignatureException
  std::string message;
};

// `headers` are the request's, as received. nullopt when the signature holds.
std::optional<SignatureFailure> check_signature(const std::string& method, const std::string& target,
                                                const std::vector<std::pair<std::string, std::string>>& headers,
                                                const std::string& body,
                                                const std::map<std::string, std::string>& secrets_by_key);

}  // namespace strata::aws
