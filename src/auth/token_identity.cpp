// TokenIdentity: tokens of the credentials file, and the role policy.
#include "auth/token_identity.h"

#include "auth/now.h"

namespace warren::auth {
Result<void> RolePolicy::apply(Principal& principal) const {
  principal.admin = principal.has_role(admin);
  if (!principal.admin && !principal.has_role(required)) {
    return make_error(Errc::auth_role_missing, required);
  }
  return {};
}

Identity::Decision TokenIdentity::decide(const Credentials& credentials, Principal& principal,
                                         std::optional<Error>& error) {
  if (!credentials.token || credentials.token->empty()) {
    error = make_error(Errc::auth_token_missing);
    return Decision::refused;
  }
  const std::shared_ptr<const CredentialTable>& table = store_.current();
  const TokenGrant* grant = table->find_token(*credentials.token);
  if (grant == nullptr || (grant->expires_ms && *grant->expires_ms <= wall_ms())) {
    error = make_error(Errc::auth_token_invalid);
    return Decision::refused;
  }
  principal.project = grant->project;
  principal.user = grant->user;
  principal.roles = grant->roles;
  principal.source = Principal::Source::token;
  // What the roles allow, remembered for the last grant this loop decided (a client sends the
  // same token request after request; a reload makes new grants, so no stale answer survives
  // while the table that held the grant lives, and the memo holds that table).
  RoleMemo& memo = role_memo_.get();
  if (memo.grant != grant || memo.table != table) {
    memo.table = table;
    memo.grant = grant;
    memo.allowed = roles_.apply(principal).has_value();
    memo.admin = principal.has_role(roles_.admin);
  }
  if (!memo.allowed) {
    error = make_error(Errc::auth_role_missing, roles_.required);
    return Decision::refused;
  }
  principal.admin = memo.admin;
  principal.hold = table;
  return Decision::decided;
}

Async<Principal> TokenIdentity::authenticate(const Credentials& credentials) {
  Principal principal;
  std::optional<Error> error;
  if (decide(credentials, principal, error) == Decision::refused) co_return std::move(*error);
  co_return principal;
}

}  // namespace warren::auth
