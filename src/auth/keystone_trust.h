// The documents of Keystone's trust exchanges (identity API v3, OS-TRUST), as Zaqar's
// trust+http(s) subscriptions use them (zaqar/common/auth.py): the trust a subscriber's caller
// (the trustor) delegates to Warren's service user (the trustee) on the queue's project, and the
// password authentication of the trustee scoped to that trust. Pure functions, so that the
// request bodies and the parsing of Keystone's answers are tested without a Keystone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace warren::auth {

// What a new trust delegates (POST /v3/OS-TRUST/trusts).
struct TrustRequest {
  std::string_view trustor_user_id;  // the caller, whose token makes the request
  std::string_view trustee_user_id;  // Warren's service user
  std::string_view project_id;       // the queue's project
  std::string_view roles;            // role names, comma-separated (the caller's)
  std::int64_t expires_ms = 0;       // 0: the trust never expires
};

// The body of POST /v3/OS-TRUST/trusts. Impersonation is on, as in Zaqar's create_trust_id:
// tokens of the trust act as the trustor, so the receiver sees the subscriber's own user.
// Empty role names (", ," in the list) are left out.
std::string trust_request_body(const TrustRequest& trust);

// The id of the trust in Keystone's answer to POST /v3/OS-TRUST/trusts ({"trust": {"id": ...}}).
// Errors: auth_unavailable (a document Keystone would not send).
Result<std::string> parse_trust_id(std::string_view body);

// Keystone's own error text in an error body ({"error": {"message": ...}}), or "" if none.
std::string keystone_error_message(std::string_view body);

// The body of POST /v3/auth/tokens that authenticates `user` (of `domain`, by name) with its
// password and scopes the token to the trust `trust_id`.
std::string trust_token_request_body(std::string_view user, std::string_view domain,
                                     std::string_view password, std::string_view trust_id);

// "YYYY-MM-DDTHH:MM:SS.mmm000Z" of `ms` since the epoch (UTC), the form Keystone writes and reads.
std::string keystone_time(std::int64_t ms);

}  // namespace warren::auth
