#pragma once
// The functions every app binary carries for a deployed stack's plumbing, beside the
// app's own: `__migrate` (the migration custom resource) and `__authorize` (a REST
// API's Lambda TOKEN authorizer for the JWT routes).
namespace strata::deploy {

// Registers them with the runtime; call once, first thing in main().
void register_builtin_functions();

}  // namespace strata::deploy
