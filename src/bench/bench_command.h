// `warren bench`: the load generator and correctness checker.
#pragma once

namespace warren::bench {

// Runs `warren bench` with argv[0] == "bench". Returns the process exit status.
int run_bench_command(int argc, char** argv);

}  // namespace warren::bench
