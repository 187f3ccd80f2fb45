// TickClock: a clock for measuring short intervals on the hot path (request latencies) more
// cheaply than steady_clock: on x86-64 with an invariant TSC (constant_tsc and nonstop_tsc in
// /proc/cpuinfo) it reads the TSC, a single instruction, and converts ticks to nanoseconds with
// a rate measured once against steady_clock; elsewhere it is steady_clock in nanoseconds.
// Intervals only: ticks are not a time of day, and are comparable within one process.
#pragma once

#include <chrono>
#include <cstdint>

#if defined(__x86_64__)
#include <x86intrin.h>
#endif

namespace warren {

class TickClock {
 public:
  // Ticks now.
  static std::uint64_t now() noexcept {
#if defined(__x86_64__)
    if (rate().tsc) return __rdtsc();
#endif
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                          std::chrono::steady_clock::now().time_since_epoch())
                                          .count());
  }
  // Nanoseconds in `ticks` (a difference of two now()).
  static std::uint64_t to_ns(std::uint64_t ticks) noexcept {
    return static_cast<std::uint64_t>(static_cast<double>(ticks) * rate().ns_per_tick);
  }

 private:
  struct Rate {
    bool tsc = false;
    double ns_per_tick = 1.0;
  };
  // Measured when the process starts (about 2 ms), so reading it costs no guard.
  static Rate measure() noexcept;
  static const Rate& rate() noexcept {
    return rate_;
  }
  static const Rate rate_;
};

}  // namespace warren
