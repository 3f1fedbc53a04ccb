#pragma once
// Who an authorizer let in, as API Gateway puts it into a proxy event's
// requestContext.authorizer: written in the REST (1.0) and HTTP API (2.0) forms, and
// read back from any form AWS sends.
#include <rapidjson/document.h>

#include "strata/json.hpp"
#include "strata/request.hpp"

namespace strata::lambda {

// REST (1.0), as API Gateway hands on a Lambda TOKEN authorizer's answer (Strata's
// __authorize): {<claims as string values>, "principalId", "integrationLatency": 0}.
void write_rest_authorizer(json::Writer& writer, const RequestAuthorizer& authorizer);
// HTTP API (2.0) JWT authorizer: {"jwt": {"claims": {<strings>}, "scopes": [...] or null}}.
void write_http_jwt_authorizer(json::Writer& writer, const RequestAuthorizer& authorizer);

// Reads any of API Gateway's forms: a Lambda authorizer's {principalId, integrationLatency,
// <context>}, a Cognito authorizer's {claims: {...}}, an HTTP API JWT authorizer's
// {jwt: {claims, scopes}}. Non-string values become their JSON text.
RequestAuthorizer read_authorizer(const rapidjson::Value& authorizer);

}  // namespace strata::lambda
