#pragma once
// Request ids in the form API Gateway and Lambda use: random UUIDs (version 4).
#include <string>

namespace strata {

std::string new_request_id();

}  // namespace strata
