// Principal: who is calling, as the identity stage decided it once for an HTTP request or a
// WebSocket session: the project every resource it touches belongs to, the user, its roles, and
// how that was established. Layers above read identity only from here, never from a header.
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>

namespace warren::auth {

struct Principal {
  // How the identity was established.
  enum class Source : std::uint8_t {
    header,      // --auth none: X-Project-ID and X-Roles as the caller sent them
    signed_url,  // a pre-signed URL's signature (its project is the one it was signed for)
    token,       // a token the server verified (Keystone, static tokens)
  };

  // Views into the request (or frame) the principal was decided for, valid while it is being
  // served.
  std::string_view project;  // never empty
  std::string_view user;     // "" when unknown (header identity)
  std::string_view roles;    // comma-separated, as issued ("" for none)
  bool admin = false;        // holds the admin role
  Source source = Source::header;
  // Keeps what the views point into alive where that is not the request (a credentials table
  // that a reload may replace while the request waits); null for a header identity.
  std::shared_ptr<const void> hold;

  // Whether `roles` names `role` (ASCII case-insensitive, spaces around names ignored).
  bool has_role(std::string_view role) const noexcept;
};

// Whether a comma-separated role list names `role` (as Principal::has_role).
bool roles_include(std::string_view roles, std::string_view role) noexcept;

}  // namespace warren::auth
