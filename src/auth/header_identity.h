// HeaderIdentity: the identity scheme of `--auth none` (today's, and Zaqar's without
// keystonemiddleware): the caller is whoever X-Project-ID says, with the roles X-Roles lists.
// It decides at once. The one rule for a project id, over every transport: present, not empty,
// no control characters (NUL included).
#pragma once

#include "auth/identity.h"

namespace warren::auth {

// Errors: project_id_empty, project_id_invalid.
Result<void> check_project_id(std::string_view project);

class HeaderIdentity final : public Identity {
 public:
  Decision decide(const Credentials& credentials, Principal& principal,
                  std::optional<Error>& error) override;
  Async<Principal> authenticate(const Credentials& credentials) override;
  bool per_message() const noexcept override { return true; }
};

}  // namespace warren::auth
