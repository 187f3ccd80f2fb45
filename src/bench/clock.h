// The load generator's one clock: CLOCK_MONOTONIC in nanoseconds (a vDSO call, ~20 ns).
#pragma once

#include <cstdint>
#include <time.h>

namespace warren::bench {

inline std::int64_t now_ns() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

inline constexpr std::int64_t kNsPerSec = 1'000'000'000;
inline constexpr std::int64_t kNsPerMs = 1'000'000;

}  // namespace warren::bench
