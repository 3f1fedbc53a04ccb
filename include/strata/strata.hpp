#pragma once
// Everything a function sees.
#include "strata/context.hpp"
#include "strata/db/client.hpp"
#include "strata/function.hpp"
#include "strata/json.hpp"
#include "strata/request.hpp"
#include "strata/response.hpp"
