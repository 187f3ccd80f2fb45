// TickClock: whether the TSC can be used, and its rate.
#include "common/tick_clock.h"

#include <fstream>
#include <string>

namespace warren {
namespace {

bool invariant_tsc() {
#if defined(__x86_64__)
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.starts_with("flags")) {
      return line.find(" constant_tsc") != std::string::npos &&
             line.find(" nonstop_tsc") != std::string::npos;
    }
  }
#endif
  return false;
}

}  // namespace

const TickClock::Rate TickClock::rate_ = TickClock::measure();

TickClock::Rate TickClock::measure() noexcept {
  Rate r;
#if defined(__x86_64__)
  if (!invariant_tsc()) return r;
  using Steady = std::chrono::steady_clock;
  const auto t0 = Steady::now();
  const std::uint64_t c0 = __rdtsc();
  while (Steady::now() - t0 < std::chrono::milliseconds(2)) {
  }
  const std::uint64_t c1 = __rdtsc();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(Steady::now() - t0);
  if (c1 <= c0) return r;
  r.tsc = true;
  r.ns_per_tick = static_cast<double>(ns.count()) / static_cast<double>(c1 - c0);
#endif
  return r;
}

}  // namespace warren
