// The `warren bench broadcast` procedure (the SockJS broadcast benchmark): for each number of
// clients, connect and subscribe them all to one queue, measure the server's CPU time per
// delivered message at one fixed delivered rate, then raise the posting rate step by step until
// saturation (mean round trip over the limit, a message lost after the loss timeout, a dropped
// socket or a failed post) and keep the highest delivered rate that passed. The server's CPU
// time and RSS come from /proc/PID when its pid is given.
#pragma once

#include <string>
#include <vector>

#include "bench/broadcast_client.h"
#include "bench/failure.h"

namespace warren::bench {

struct BroadcastOptions {
  BroadcastTarget target;
  std::string url;
  std::vector<int> levels = {25, 200, 1000, 2000};
  double step_seconds = 3;
  double start_rate = 20000;  // delivered msgs/s of the first search step
  double growth = 1.5;
  int max_steps = 12;
  double fixed_rate = 40000;  // delivered msgs/s of the CPU measurement (0: none)
  double fixed_seconds = 5;
  double rtt_limit_ms = 200;
  double loss_timeout_s = 5;
  int server_pid = 0;
  std::string json_path;
  bool quiet = false;
};

struct StepRecord {
  StepResult result;
  double server_cpu_s = -1;  // -1: unknown (no pid)
  bool passed = false;
};

struct BroadcastLevel {
  int clients = 0;
  std::string failure;  // set when the level could not run
  StepRecord fixed;     // at options.fixed_rate
  bool fixed_ran = false;
  std::vector<StepRecord> steps;  // the search, in order
  int best = -1;                  // index into steps of the best passing step
  long server_rss_kb = -1;
  long server_rss_peak_kb = -1;
};

// Runs every level. Failures to connect are recorded per level, not returned.
std::vector<BroadcastLevel> run_broadcast(const BroadcastOptions& options);

// The server's user + system CPU seconds and resident set (kB) from /proc; -1 if unreadable.
double process_cpu_seconds(int pid);
long process_rss_kb(int pid, const char* field = "VmRSS:");

}  // namespace warren::bench
