// `warren serve`: parses the command line, wires the layers and runs until SIGINT/SIGTERM.
#pragma once

namespace warren::server {

// Runs `warren serve` with argv[0] == "serve". Returns the process exit status:
// 0 after a graceful shutdown, 1 on a start-up failure, 2 on bad options.
int run_serve_command(int argc, char** argv);

}  // namespace warren::server
