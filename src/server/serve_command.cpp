// `warren serve` (being built: the network core lands next).
#include "server/serve_command.h"

#include <cstdio>

namespace warren::server {

int run_serve_command(int /*argc*/, char** /*argv*/) {
  std::fprintf(stderr, "warren serve: not built yet\n");
  return 1;
}

}  // namespace warren::server
