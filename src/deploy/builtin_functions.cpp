#include "deploy/builtin_functions.hpp"

#include <memory>

#include "auth/lambda_authorizer.hpp"
#include "core/log.hpp"
#include "deploy/cloudformation_template.hpp"
#include "deploy/migration_resource.hpp"

namespace strata::deploy {
namespace {

// The verifier comes from the environment the template sets (STRATA_AUTH_*); a
// missing setting fails the runtime's init, as Lambda reports it.
lambda::EventFunction make_authorizer() {
  auto verifier = std::make_shared<auth::JwtVerifier>(auth::verifier_from_environment());
  return [verifier](std::string_view event, const lambda::EventInvocation&) -> lambda::EventResult {
    std::string why;
    try {
      return {auth::authorize_token_event(event, *verifier, std::chrono::system_clock::now(), &why), false};
    } catch (const auth::Unauthorized& error) {
      log::info("__authorize: refused: " + why);
      // The error message "Unauthorized" is what API Gateway answers 401 for.
      throw lambda::EventFunctionError(error.what(), "Unauthorized");
    }
  };
}

}  // namespace

void register_builtin_functions() {
  lambda::register_event_function(kMigrateHandler, [] { return lambda::EventFunction(handle_migration_event); });
  lambda::register_event_function(std::string(auth::kAuthorizerFunction), make_authorizer);
}

}  // namespace strata::deploy
