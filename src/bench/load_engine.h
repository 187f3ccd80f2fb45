// The load engine: one thread, raw epoll, N keep-alive connections each driven by a Session.
// Closed loop by default (each connection keeps `depth` requests in flight); with a rate, an
// open-loop schedule whose latencies start at each request's intended send time, so a stalled
// server cannot hide its stall (no coordinated omission).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "bench/run_stats.h"
#include "bench/session.h"
#include "bench/target.h"

namespace warren::bench {

struct EngineConfig {
  Target target;
  // Several servers of one deployment: when not empty, each connection goes to one of them
  // (Session::node()) instead of `target`.
  std::vector<Target> targets;
  int depth = 1;                // requests in flight per connection (1 = no pipelining)
  double duration_s = 0;        // stop after this long; 0 = when every session is finished
  double max_duration_s = 600;  // hard stop when duration_s is 0
  double rate = 0;              // intended requests per second over all connections; 0 = closed
  double timeout_s = 10;        // a request without a response this long fails as a timeout
  bool progress = false;        // live progress line on stderr
  // Poll for events instead of sleeping in epoll: the load tool's core never goes idle, so
  // a response never has to wake it. On loopback the server's send pays for waking a sleeping
  // receiver (the wake-up and, on a VM, the interrupt to an idle virtual CPU); a load tool that
  // is busy anyway (redis-benchmark spends ~94 % of its core at concurrency 100) never needs
  // waking. This measures a lean load tool the same way (bench/durable-compare shows both).
  bool busy_poll = false;
  std::string label;            // shown on the progress line
};

// Runs one load phase: connects one socket per session, drives them until the duration is
// over (or every session is finished), and returns what was measured. `stats` must already
// name the operations the sessions use (RunStats::add_op); the engine fills in the rest.
// Never throws; failures to connect or send are counted in `stats`.
void run_load(const EngineConfig& config, std::vector<std::unique_ptr<Session>>& sessions,
              RunStats& stats);

// Raises RLIMIT_NOFILE to at least `wanted` descriptors (up to the hard limit). Returns the
// limit now in force.
long raise_fd_limit(long wanted);

}  // namespace warren::bench
