// The names and ids that every transport checks the same way, so that what one accepts the
// other cannot refuse (or the reverse): queue names and project ids.
#pragma once

#include <string_view>

#include "common/errors.h"

namespace warren::engine {

// Zaqar's queue name pattern, ^[a-zA-Z0-9_.-]{1,64}$, less the names "." and "..": as URL path
// segments those are dot-segments, which clients and proxies resolve away (RFC 3986 5.2.4), so a
// queue of that name could be created (percent-encoded, or over WebSocket) but never reached.
bool is_valid_queue_name(std::string_view name) noexcept;

// A project id as sent by a caller (X-Project-ID): not empty (project_id_empty) and without
// control characters, NUL included (project_id_invalid). Its length is checked where Zaqar
// checks it, with Zaqar's error for each transport.
Result<void> check_project_id(std::string_view project);

}  // namespace warren::engine
