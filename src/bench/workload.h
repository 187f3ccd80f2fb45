// A workload: what to prepare on the server, which sessions to run, what to do after the load.
// One Workload object serves every concurrency level of a command.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "bench/failure.h"
#include "bench/options.h"
#include "bench/run_stats.h"
#include "bench/session.h"
#include "bench/target.h"

namespace warren::bench {

class Workload {
 public:
  virtual ~Workload() = default;

  // Prepares the server for one level (creates queues, preloads messages). Runs before the
  // measured phase; a Failure aborts the command.
  virtual Outcome<void> setup(int concurrency) {
    (void)concurrency;
    return {};
  }

  // Registers the operations in `stats` and returns the sessions (one per connection).
  virtual std::vector<std::unique_ptr<Session>> make_sessions(int concurrency, RunStats& stats) = 0;

  // After the measured phase: drains, final reads for the checker, clean-up.
  virtual Outcome<void> finish(int concurrency, RunStats& stats) {
    (void)concurrency, (void)stats;
    return {};
  }
};

// The workload named by options.workload (for `sweep` and `pipeline`: options.op), or a
// Failure naming the unknown workload.
Outcome<std::unique_ptr<Workload>> make_workload(const BenchOptions& options, const Target& target);

// `ping`, `get` or `post` (op): one Zaqar request per request slot.
std::unique_ptr<Workload> make_queue_workload(const BenchOptions& options, const Target& target,
                                              const std::string& op);

// `claim`: producers post while consumers claim and delete.
std::unique_ptr<Workload> make_claim_workload(const BenchOptions& options, const Target& target);

// `http`: the one fixed request of --method/--header/--body to --url.
std::unique_ptr<Workload> make_http_workload(const BenchOptions& options, const Target& target);

}  // namespace warren::bench
