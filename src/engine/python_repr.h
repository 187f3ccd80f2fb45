// Python's repr of a collection of strings, as Zaqar's error texts quote ids and names.
#pragma once

#include <string>
#include <string_view>

namespace warren::engine {

// "['a', 'b']", or with `as_set` "{'a', 'b'}". Items are written as given, unescaped (ids,
// names and paths, never free text).
template <class Strings>
std::string python_repr(const Strings& items, bool as_set = false) {
  std::string out(1, as_set ? '{' : '[');
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += ", ";
    first = false;
    out += '\'';
    out.append(std::string_view(item));
    out += '\'';
  }
  out += as_set ? '}' : ']';
  return out;
}

}  // namespace warren::engine
