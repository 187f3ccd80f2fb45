// `warren bench broadcast`: the WebSocket broadcast benchmark (see broadcast_run.h).
#pragma once

namespace warren::bench {

// argv[0] == "broadcast". Returns the exit status.
int run_broadcast_command(int argc, char** argv);

}  // namespace warren::bench
