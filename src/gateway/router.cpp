#include "gateway/router.hpp"

#include "core/percent_decode.hpp"

namespace strata::gateway {

struct Router::Node {
  std::map<std::string, std::unique_ptr<Node>, std::less<>> exact;
  std::unique_ptr<Node> parameter;  // {name}
  std::string parameter_name;
  const Route* greedy = nullptr;  // {name+} ends here
  std::string greedy_name;
  const Route* route = nullptr;
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

}  // namespace

Router::Router(const std::vector<Route>& routes) : root_(std::make_unique<Node>()) {
  for (const Route& route : routes) {
    Node* node = root_.get();
    for (std::string_view segment : split_segments(route.path)) {
      if (segment.front() == '{' && segment[segment.size() - 2] == '+') {
        node->greedy = &route;
        node->greedy_name = std::string(segment.substr(1, segment.size() - 3));
        node = nullptr;
        break;
      }
      if (segment.front() == '{') {
        if (!node->parameter) node->parameter = std::make_unique<Node>();
        node->parameter_name = std::string(segment.substr(1, segment.size() - 2));
        node = node->parameter.get();
      } else {
        auto& child = node->exact[std::string(segment)];
        if (!child) child = std::make_unique<Node>();
        node = child.get();
      }
    }
    if (node) node->route = &route;
  }
}

Router::~Router() = default;

std::optional<RouteMatch> Router::match(std::string_view path) const {
  // Depth-first: exact beats {param} beats {param+}, backtracking when a branch dead-ends.
  std::vector<std::string_view> segments = split_segments(path);
  RouteMatch match;
  const Node* node = root_.get();
  struct Frame {
    const Node* node;
    std::size_t index;
    std::size_t parameters;
    int next_choice;  // 0 exact, 1 parameter, 2 greedy, 3 done
  };
  std::vector<Frame> stack{{node, 0, 0, 0}};
  while (!stack.empty()) {
    Frame& frame = stack.back();
    if (frame.index == segments.size() && frame.next_choice == 0) {
      frame.next_choice = 3;
      if (frame.node->route) {
        match.route = frame.node->route;
        return match;
      }
      continue;
    }
    if (frame.next_choice >= 3 || frame.index >= segments.size()) {
      stack.pop_back();
      if (!stack.empty()) {
        // Drop parameters bound by the abandoned branch.
        std::vector<MultiMap::Entry> kept(match.path_parameters.entries().begin(),
                                          match.path_parameters.entries().begin() +
                                              static_cast<std::ptrdiff_t>(stack.back().parameters));
        match.path_parameters.clear();
        for (auto& entry : kept) match.path_parameters.add(std::move(entry.first), std::move(entry.second));
      }
      continue;
    }
    std::string_view segment = segments[frame.index];
    int choice = frame.next_choice++;
    std::size_t bound = match.path_parameters.size();
    if (choice == 0) {
      auto child = frame.node->exact.find(segment);
      if (child != frame.node->exact.end()) stack.push_back({child->second.get(), frame.index + 1, bound, 0});
    } else if (choice == 1) {
      if (frame.node->parameter) {
        auto decoded = percent_decode(segment, false);
        match.path_parameters.add(frame.node->parameter_name, decoded ? std::move(*decoded) : std::string(segment));
        stack.push_back({frame.node->parameter.get(), frame.index + 1, bound, 0});
      }
    } else if (choice == 2) {
      if (frame.node->greedy) {
        // The rest of the path, from this segment on.
        std::size_t offset = static_cast<std::size_t>(segment.data() - path.data());
        std::string_view rest = path.substr(offset);
        auto decoded = percent_decode(rest, false);
        match.path_parameters.add(frame.node->greedy_name, decoded ? std::move(*decoded) : std::string(rest));
        match.route = frame.node->greedy;
        return match;
      }
    }
  }
  return std::nullopt;
}

const RouteMethod* Router::find_method(const Route& route, std::string_view method) {
  const RouteMethod* any = nullptr;
  for (const RouteMethod& candidate : route.methods) {
    if (candidate.method == method) return &candidate;
    if (candidate.method == "ANY") any = &candidate;
  }
  return any;
}

std::string Router::allowed_methods(const Route& route) {
  std::string allowed;
  for (const RouteMethod& candidate : route.methods) {
    if (!allowed.empty()) allowed += ", ";
    allowed += candidate.method == "ANY" ? "GET, POST, PUT, DELETE, PATCH, HEAD" : candidate.method;
  }
  if (allowed.find("OPTIONS") == std::string::npos) allowed += ", OPTIONS";
  return allowed;
}

}  // namespace strata::gateway
