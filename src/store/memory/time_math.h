// Saturating time arithmetic for the memory engine: deadlines computed from client-supplied
// seconds never overflow, and second counts are stored in 32 bits without wrapping.
#pragma once

#include <cstdint>
#include <limits>

#include "store/memory/summary_tree.h"
#include "store/types.h"

namespace warren::store::memory {

// t + seconds, saturated below kNever (which means "never" to the summary tree).
inline TimeMs add_seconds(TimeMs t, std::int64_t seconds) noexcept {
  constexpr TimeMs kMax = kNever - 1;
  if (seconds <= 0) return t;
  if (seconds > (kMax - (t > 0 ? t : 0)) / 1000) return kMax;
  return t + seconds * 1000;
}

// a + b for second counts, saturated at INT64_MAX (both are >= 0 where used).
inline std::int64_t add_counts(std::int64_t a, std::int64_t b) noexcept {
  std::int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? std::numeric_limits<std::int64_t>::max() : sum;
}

// A second count clamped into [0, 2^32 - 1].
inline std::uint32_t clamp_u32(std::int64_t value) noexcept {
  if (value <= 0) return 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::uint32_t>::max();
  return static_cast<std::uint32_t>(value > kMax ? kMax : value);
}

}  // namespace warren::store::memory
