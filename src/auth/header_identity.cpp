// HeaderIdentity: the principal from X-Project-ID and X-Roles.
#include "auth/header_identity.h"

namespace warren::auth {

Result<void> check_project_id(std::string_view project) {
  if (project.empty()) return make_error(Errc::project_id_empty);
  for (const char c : project) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return make_error(Errc::project_id_invalid);
  }
  return {};
}

Identity::Decision HeaderIdentity::decide(const Credentials& credentials, Principal& principal,
                                          std::optional<Error>& error) {
  if (!credentials.project) {
    error = make_error(Errc::project_id_missing);
    return Decision::refused;
  }
  if (auto valid = check_project_id(*credentials.project); !valid) {
    error = valid.error();
    return Decision::refused;
  }
  principal.project = *credentials.project;
  principal.user = {};
  principal.roles = credentials.roles.value_or("");
  principal.admin = !principal.roles.empty() && roles_include(principal.roles, "admin");
  principal.source = Principal::Source::header;
  return Decision::decided;
}

Async<Principal> HeaderIdentity::authenticate(const Credentials& credentials) {
  Principal principal;
  std::optional<Error> error;
  if (decide(credentials, principal, error) == Decision::refused) co_return std::move(*error);
  co_return principal;
}

}  // namespace warren::auth
