// TokenIdentity: the identity scheme of `--auth tokens`: the caller is whoever the credentials
// file grants the request's X-Auth-Token to (auth/credentials.h), as keystonemiddleware does with
// Keystone's tokens: the token's project is the request's project, whatever X-Project-ID says,
// and the token's roles decide what it may do (RolePolicy). Decides at once, on the caller's
// loop: a lookup of the token's SHA-256 digest in this loop's copy of the table.
#pragma once

#include <string>

#include "auth/credential_store.h"
#include "auth/identity.h"

namespace warren::auth {

// Which roles a verified token needs: `required` to use the API at all, `admin` for what only
// operators may do (Zaqar's default policy: health, pools, flavors). Holding the admin role is
// enough for both.
struct RolePolicy {
  std::string required = "member";
  std::string admin = "admin";

  // Fills principal.admin from its roles; auth_role_missing if it may not use the API.
  Result<void> apply(Principal& principal) const;
};

class TokenIdentity final : public Identity {
 public:
  // `store` must outlive the identity.
  TokenIdentity(CredentialStore& store, RolePolicy roles)
      : store_(store), roles_(std::move(roles)) {}

  // Errors: auth_token_missing, auth_token_invalid (unknown or expired), auth_role_missing.
  Decision decide(const Credentials& credentials, Principal& principal,
                  std::optional<Error>& error) override;
  Async<Principal> authenticate(const Credentials& credentials) override;
  bool per_message() const noexcept override { return false; }

 private:
  CredentialStore& store_;
  const RolePolicy roles_;
  struct RoleMemo {
    std::shared_ptr<const CredentialTable> table;  // keeps `grant` valid
    const TokenGrant* grant = nullptr;
    bool allowed = false;
    bool admin = false;
  };
  LoopLocal<RoleMemo> role_memo_;
};

}  // namespace warren::auth
