// The clocks auth/ reads: wall time for token expiries (they are dates), a steady clock for
// rates and log windows (which must not jump with the wall clock).
#pragma once

#include <chrono>
#include <cstdint>

namespace warren::auth {

// Milliseconds since the epoch (the wall clock).
inline std::int64_t wall_ms() noexcept {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Nanoseconds of the steady clock.
inline std::int64_t steady_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace warren::auth
