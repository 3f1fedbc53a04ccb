#pragma once
// The answers API Gateway makes itself when a function fails, which differ between
// a REST API and an HTTP API (AWS's own emulator in aws-lambda-dotnet records the
// same: 502 "Internal server error" for REST, 500 "Internal Server Error" for HTTP).
#include "core/project.hpp"
#include "http/server.hpp"

namespace strata::gateway {

// A function that threw or crashed, or whose result API Gateway cannot read. REST:
// 502 {"message":"Internal server error"} from Lambda (an in-process function that
// threw is a 500 with that message, as before); HTTP: 500 {"message":"Internal Server Error"}.
http::Response function_failed(ApiType api, bool in_lambda, unsigned version, bool keep_alive);
// A function that ran past its timeout. REST: 504 {"message":"Endpoint request timed
// out"}, the answer to its 29 s integration timeout; HTTP: 503 {"message":"Service
// Unavailable"}, the HTTP API's answer to its own.
http::Response function_timed_out(ApiType api, unsigned version, bool keep_alive);

}  // namespace strata::gateway
