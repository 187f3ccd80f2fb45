// The options of `warren bench WORKLOAD`: one command form for every workload.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bench/failure.h"

namespace warren::bench {

struct BenchOptions {
  std::string workload;  // http, post, get, claim, pipeline, sweep
  std::string url;
  std::vector<int> concurrency{1};  // one run per level
  double duration_s = 0;            // per level; 0 with count = until the count is done
  std::uint64_t count = 0;          // requests (post/get/http/pipeline) or messages (claim)
  double rate = 0;                  // intended req/s (producers' posts for claim); 0 = closed loop
  std::size_t size = 0;             // message body bytes; 0 = the workload's default
  int queues = 1;
  int pipeline = 1;  // requests in flight per connection
  std::string json_path;
  bool check = false;
  std::string history_path;  // where --check keeps the history (default: temporary)
  double timeout_s = 10;
  double max_time_s = 600;  // bound on a --count run
  bool progress = false;    // live progress line (default: when stderr is a terminal)
  bool quiet = false;       // no per-run report, summary only
  bool busy_poll = false;   // poll for events instead of sleeping (EngineConfig::busy_poll)

  // http
  std::string method = "GET";
  std::vector<std::string> headers;  // "Name: value"
  std::string body;

  // Zaqar workloads
  std::string project = "warren-bench";
  std::string queue_prefix = "bench";
  // The queues are created with this flavor ("_flavor" in their metadata): with --pooling,
  // they are placed on that flavor's pools (docs/pools.md). "" = none.
  std::string flavor;
  std::string op = "get";  // the request of `pipeline` and `sweep`: ping, get, post, claim
  int producers = 0;       // claim: 0 = half the concurrency (at least 1)
  int batch = 5;           // claim: messages per claim (limit)
  int claim_ttl = 60;
  int claim_grace = 60;
  int message_ttl = 3600;
  int delay = 0;             // claim: per-message delay (makes the queue a delay queue)
  int max_claims = 0;        // claim: > 0 sets a dead-letter queue after N claims
  double release = 0;        // claim: fraction of claims released instead of deleted
  long backlog = -1;         // claim: messages in the system at most; -1 auto, 0 none
  double drain_s = 10;       // claim --check: bound on the drain after the load
  bool keep_queues = false;  // leave the benchmark's queues behind after the run
};

// Parses `argv` (argv[0] == "bench", argv[1] == the workload). Returns the options, or a
// Failure whose message is the usage error. `--help` yields a Failure with an empty message
// after printing the help to stdout.
Outcome<BenchOptions> parse_bench_options(int argc, char** argv);

// Parses "1,10,100" into levels; each must be a positive integer.
Outcome<std::vector<int>> parse_levels(const std::string& text);

}  // namespace warren::bench
