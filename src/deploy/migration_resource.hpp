#pragma once
// `__migrate`: the migration custom resource's Lambda handler, built into every app.
//
// CloudFormation sends Create, Update and Delete; the answer goes to the event's
// pre-signed ResponseURL as an HTTP PUT, never as the function's result. Create and
// Update run the migration engine; Delete touches nothing. The answer is sent before
// the Lambda's own deadline even when the migration hangs, since CloudFormation would
// otherwise wait for up to an hour.
#include <filesystem>
#include <string_view>

#include "lambda/event_function.hpp"

namespace strata::deploy {

// Where the scripts are: STRATA_MIGRATIONS, else $LAMBDA_TASK_ROOT/migrations (the zip's).
std::filesystem::path deployed_migrations_directory();

lambda::EventResult handle_migration_event(std::string_view event, const lambda::EventInvocation& invocation);

// Registers `__migrate` (and any other built-in event function) with the runtime.
void register_builtin_functions();

}  // namespace strata::deploy
