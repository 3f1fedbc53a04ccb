#pragma once
// Maps a request path to a route of the project file: exact segments first, then
// {param} segments, then a greedy {param+} tail, as API Gateway resolves resources.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/project.hpp"
#include "strata/multi_map.hpp"

namespace strata::gateway {

struct RouteMatch {
  const Route* route = nullptr;
  MultiMap path_parameters;
};

class Router {
 public:
  // `routes` must outlive the Router.
  explicit Router(const std::vector<Route>& routes);
  ~Router();

  // nullopt when no resource matches. Segments are percent-decoded into the parameters.
  std::optional<RouteMatch> match(std::string_view path) const;

  // The function for `method` on `route`, or nullptr. An ANY entry matches every method
  // but OPTIONS, which the REST gateway keeps for CORS preflights; with
  // `any_takes_options` (an HTTP API, which tells preflights apart first) OPTIONS too.
  static const RouteMethod* find_method(const Route& route, std::string_view method, bool any_takes_options = false);
  // The methods `route` answers, for an Allow header: "GET, POST".
  static std::string allowed_methods(const Route& route);

 private:
  struct Node;
  const Route* walk(const Node& node, const std::vector<std::string_view>& segments, std::size_t index,
                    std::string_view path, std::vector<std::string>& values) const;

  std::unique_ptr<Node> root_;
  std::map<const Route*, std::vector<std::string>> names_;  // each route's parameter names, in path order
};

}  // namespace strata::gateway
