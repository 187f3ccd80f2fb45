// Principal: role lookups.
#include "auth/principal.h"

#include <ostream>  // Boost 1.81 core/string_view.hpp needs it complete

#include <boost/beast/core/string.hpp>

namespace warren::auth {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool roles_include(std::string_view roles, std::string_view role) noexcept {
  while (!roles.empty()) {
    const auto comma = roles.find(',');
    if (boost::beast::iequals(trim(roles.substr(0, comma)), role)) return true;
    if (comma == std::string_view::npos) break;
    roles = roles.substr(comma + 1);
  }
  return false;
}

bool Principal::has_role(std::string_view role) const noexcept { return roles_include(roles, role); }

}  // namespace warren::auth
