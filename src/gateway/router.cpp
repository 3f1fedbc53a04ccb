#include "gateway/router.hpp"

#include <algorithm>

#include "core/percent_decode.hpp"

namespace strata::gateway {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> exact;
  std::unique_ptr<Node> parameter;  // a {name} segment
  const Route* greedy = nullptr;    // a {name+} tail ends here
  const Route* route = nullptr;     // a route ends here
};

namespace {

std::vector<std::string_view> split_segments(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start < path.size()) {
    if (path[start] == '/') {
      ++start;
      continue;
    }
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end;
  }
  return segments;
}

// The names of a route's parameters, in path order ({rest+} without its '+').
std::vector<std::string> parameter_names(const Route& route) {
  std::vector<std::string> names;
  for (std::string_view segment : split_segments(route.path)) {
    if (segment.front() != '{') continue;
    segment = segment.substr(1, segment.size() - 2);
    if (segment.back() == '+') segment.remove_suffix(1);
    names.emplace_back(segment);
  }
  return names;
}

std::string decoded(std::string_view text) {
  auto value = percent_decode(text, false);
  return value ? std::move(*value) : std::string(text);
}

}  // namespace

Router::Router(const std::vector<Route>& routes) : root_(std::make_unique<Node>()) {
  for (const Route& route : routes) {
    names_[&route] = parameter_names(route);
    Node* node = root_.get();
    for (std::string_view segment : split_segments(route.path)) {
      if (segment.front() == '{' && segment[segment.size() - 2] == '+') {
        node->greedy = &route;
        node = nullptr;
        break;
      }
      std::unique_ptr<Node>* child = nullptr;
      if (segment.front() == '{') {
        child = &node->parameter;
      } else {
        child = &node->exact[std::string(segment)];
      }
      if (!*child) *child = std::make_unique<Node>();
      node = child->get();
    }
    if (node) node->route = &route;
  }
}

Router::~Router() = default;

const Route* Router::walk(const Node& node, const std::vector<std::string_view>& segments, std::size_t index,
                          std::string_view path, std::vector<std::string>& values) const {
  if (index == segments.size()) return node.route;
  std::string_view segment = segments[index];
  // Exact beats {param} beats {param+}; a branch that dead-ends gives way to the next.
  if (auto child = node.exact.find(segment); child != node.exact.end()) {
    if (const Route* route = walk(*child->second, segments, index + 1, path, values)) return route;
  }
  if (node.parameter) {
    values.push_back(decoded(segment));
    if (const Route* route = walk(*node.parameter, segments, index + 1, path, values)) return route;
    values.pop_back();
  }
  if (node.greedy) {
    // The rest of the path, from this segment on.
    values.push_back(decoded(path.substr(static_cast<std::size_t>(segment.data() - path.data()))));
    return node.greedy;
  }
  return nullptr;
}

std::optional<RouteMatch> Router::match(std::string_view path) const {
  std::vector<std::string_view> segments = split_segments(path);
  std::vector<std::string> values;
  const Route* route = walk(*root_, segments, 0, path, values);
  if (!route) return std::nullopt;
  RouteMatch match;
  match.route = route;
  const std::vector<std::string>& names = names_.at(route);
  for (std::size_t i = 0; i < values.size() && i < names.size(); ++i) match.path_parameters.add(names[i], std::move(values[i]));
  return match;
}

const RouteMethod* Router::find_method(const Route& route, std::string_view method, bool any_takes_options) {
  const RouteMethod* any = nullptr;
  for (const RouteMethod& candidate : route.methods) {
    if (candidate.method == method) return &candidate;
    if (candidate.method == "ANY") any = &candidate;
  }
  // OPTIONS is the CORS preflight unless a route declares it outright: ANY leaves it to the gateway.
  return method == "OPTIONS" && !any_takes_options ? nullptr : any;
}

std::string Router::allowed_methods(const Route& route) {
  std::vector<std::string_view> methods;
  auto add = [&methods](std::string_view method) {
    if (std::find(methods.begin(), methods.end(), method) == methods.end()) methods.push_back(method);
  };
  for (const RouteMethod& candidate : route.methods) {
    if (candidate.method == "ANY") {
      for (std::string_view method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD"}) add(method);
    } else {
      add(candidate.method);
    }
  }
  add("OPTIONS");
  std::string allowed;
  for (std::string_view method : methods) {
    if (!allowed.empty()) allowed += ", ";
    allowed.append(method);
  }
  return allowed;
}

}  // namespace strata::gateway
