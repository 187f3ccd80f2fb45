// Random numbers for ids and jitter: one generator per event loop (LoopLocal), seeded from the
// system's entropy, never shared between threads and never locked.
#pragma once

#include <cstdint>

namespace warren {

// 64 random bits (not for secrets: ids, jitter, names of scratch objects).
std::uint64_t random_u64();

}  // namespace warren
