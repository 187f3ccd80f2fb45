// `warren bench` (being built).
#include "bench/bench_command.h"

#include <cstdio>

namespace warren::bench {

int run_bench_command(int /*argc*/, char** /*argv*/) {
  std::fprintf(stderr, "warren bench: not built yet\n");
  return 1;
}

}  // namespace warren::bench
