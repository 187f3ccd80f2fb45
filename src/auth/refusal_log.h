// The log line of a refused authentication: why, from which client address, with which token,
// named by the first 8 hex digits of its SHA-256 (never the token itself, which would let anyone
// who reads the logs replay it). Rate-limited over the whole process, so that a client guessing
// tokens cannot flood the log: at most kRefusalLinesPerSecond lines a second, and the next line
// after a quiet second says how many were left out.
#pragma once

#include <string_view>

#include "common/errors.h"

namespace warren::auth {

inline constexpr int kRefusalLinesPerSecond = 10;

// The short name of a token in logs: 8 hex digits of its SHA-256 ("-" for no token).
std::string token_tag(std::string_view token);

// Logs (at warn) that `peer` was refused with `why`. Any thread.
void log_refusal(const Error& why, std::string_view token, std::string_view peer) noexcept;

}  // namespace warren::auth
