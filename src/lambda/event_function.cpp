#include "lambda/event_function.hpp"

#include <cstdlib>
#include <map>
#include <stdexcept>

namespace strata::lambda {
namespace {

std::map<std::string, EventFunction, std::less<>>& registry() {
  static std::map<std::string, EventFunction, std::less<>> functions;
  return functions;
}

std::string environment(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

void register_event_function(std::string name, EventFunction function) {
  if (!registry().emplace(name, std::move(function)).second) {
    throw std::logic_error("event function '" + name + "' is registered twice");
  }
}

const EventFunction* find_event_function(std::string_view name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::string configured_database_url() {
  std::string url = environment("STRATA_DB");
  if (!url.empty()) return url;
  std::string cluster = environment("DB_CLUSTER_ARN");
  if (cluster.empty()) return {};
  return "data-api://" + cluster + "?secret=" + environment("DB_SECRET_ARN") + "&database=" + environment("DB_NAME");
}

}  // namespace strata::lambda
