// random_u64(): a loop-local Mersenne Twister.
#include "common/random.h"

#include <random>

#include "common/loop_local.h"

namespace warren {
namespace {

struct Generator {
  std::mt19937_64 engine{[] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }()};
};

LoopLocal<Generator> generators;

}  // namespace

std::uint64_t random_u64() { return generators->engine(); }

}  // namespace warren
