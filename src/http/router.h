// Router: maps (method, path) to a handler value, with `{name}` segments captured as views.
// Paths are matched segment by segment, exactly (a trailing slash is a segment of its own, so
// "/v2/" and "/v2" differ, as in Zaqar). Distinguishes "no such path" (404) from "path exists,
// method not allowed" (405, with the Allow list).
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/beast/http/verb.hpp>

namespace warren::http {

constexpr std::size_t kMaxRouteParams = 4;

template <class Target>
class Router {
 public:
  struct Match {
    enum class Kind { found, no_route, method_not_allowed } kind = Kind::no_route;
    const Target* target = nullptr;
    std::array<std::string_view, kMaxRouteParams> params{};  // in pattern order
    std::size_t param_count = 0;
    std::string_view allow;  // for method_not_allowed: "GET, PUT"
  };

  // Adds a route. `pattern` starts with '/', segments like "{queue_name}" capture. Adding the
  // same method and pattern twice replaces the target.
  void add(boost::beast::http::verb method, std::string_view pattern, Target target) {
    Node* node = &root_;
    for_each_segment(pattern, [&](std::string_view segment) {
      if (segment.size() >= 2 && segment.front() == '{' && segment.back() == '}') {
        if (!node->param) node->param = std::make_unique<Node>();
        node = node->param.get();
        return;
      }
      for (auto& [literal, child] : node->literals) {
        if (literal == segment) {
          node = child.get();
          return;
        }
      }
      node->literals.emplace_back(std::string(segment), std::make_unique<Node>());
      node = node->literals.back().second.get();
    });
    for (auto& [m, t] : node->targets) {
      if (m == method) {
        t = std::move(target);
        return;
      }
    }
    node->targets.emplace_back(method, std::move(target));
    if (!node->allow.empty()) node->allow += ", ";
    node->allow += boost::beast::http::to_string(method);
  }

  Match match(boost::beast::http::verb method, std::string_view path) const {
    Match result;
    if (path.empty() || path.front() != '/') return result;
    const Node* node = &root_;
    bool lost = false;
    for_each_segment(path, [&](std::string_view segment) {
      if (lost) return;
      for (const auto& [literal, child] : node->literals) {
        if (literal == segment) {
          node = child.get();
          return;
        }
      }
      if (node->param && !segment.empty() && result.param_count < kMaxRouteParams) {
        result.params[result.param_count++] = segment;
        node = node->param.get();
        return;
      }
      lost = true;
    });
    if (lost || node->targets.empty()) return result;
    for (const auto& [m, t] : node->targets) {
      if (m == method) {
        result.kind = Match::Kind::found;
        result.target = &t;
        return result;
      }
    }
    result.kind = Match::Kind::method_not_allowed;
    result.allow = node->allow;
    return result;
  }

 private:
  struct Node {
    std::vector<std::pair<std::string, std::unique_ptr<Node>>> literals;
    std::unique_ptr<Node> param;
    std::vector<std::pair<boost::beast::http::verb, Target>> targets;
    std::string allow;
  };

  // Calls f for each '/'-separated segment after the leading '/'.
  template <class F>
  static void for_each_segment(std::string_view path, F&& f) {
    std::size_t pos = 1;
    while (true) {
      const std::size_t slash = path.find('/', pos);
      if (slash == std::string_view::npos) {
        f(path.substr(pos));
        return;
      }
      f(path.substr(pos, slash - pos));
      pos = slash + 1;
    }
  }

  Node root_;
};

}  // namespace warren::http
