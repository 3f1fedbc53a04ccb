#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>

#include "strata/function.hpp"

namespace strata {
namespace {

// Filled by static Register objects before main(); read-only afterwards.
std::map<std::string, Function, std::less<>>& registry() {
  static std::map<std::string, Function, std::less<>> functions;
  return functions;
}

}  // namespace

Register::Register(std::string name, Function function) {
  auto [it, inserted] = registry().emplace(std::move(name), std::move(function));
  if (!inserted) {
    // Two .cpp files claim one name: a build mistake that must not start.
    std::fprintf(stderr, "strata: function '%s' is registered twice\n", it->first.c_str());
    std::abort();
  }
}

const Function* find_function(std::string_view name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const auto& entry : registry()) names.push_back(entry.first);
  return names;
}

Response invoke_function(const Function& function, const Request& request, Context& context) {
  try {
    return function(request, context);
  } catch (const HttpError& error) {
    return Response::error(error.status_code(), error.what());
  }
}

}  // namespace strata
