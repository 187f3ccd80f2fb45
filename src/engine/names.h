// The names that every transport checks the same way, so that what one accepts the other cannot
// refuse (or the reverse): queue names. (Project ids are the identity stage's:
// auth/header_identity.h.)
#pragma once

#include <string_view>

namespace warren::engine {

// Zaqar's queue name pattern, ^[a-zA-Z0-9_.-]{1,64}$, less the names "." and "..": as URL path
// segments those are dot-segments, which clients and proxies resolve away (RFC 3986 5.2.4), so a
// queue of that name could be created (percent-encoded, or over WebSocket) but never reached.
bool is_valid_queue_name(std::string_view name) noexcept;

}  // namespace warren::engine
