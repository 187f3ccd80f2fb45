// What every Zaqar workload shares: queue names, per-connection Client-IDs, the blocking steps
// around a run (reset queues, final reads), and the --check plumbing (history file, checker).
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "bench/blocking_client.h"
#include "bench/history_file.h"
#include "bench/workload.h"
#include "bench/zaqar_api.h"

namespace warren::bench {

class QueueWorkload : public Workload {
 protected:
  QueueWorkload(const BenchOptions& options, const Target& target);

  // "<prefix>-<i>".
  std::string queue_name(int i) const;
  // Requests for a new client with its own random Client-ID.
  ZaqarRequests new_client();

  // Deletes the queue and creates it again with `metadata` (a JSON object, or empty).
  Outcome<void> reset_queue(const std::string& queue, const std::string& metadata = {});
  Outcome<void> delete_queue(const std::string& queue);
  // One blocking request; fails unless the status is one of `ok`.
  Outcome<HttpResult> call(const std::string& request, std::initializer_list<int> ok);
  // Every message of the queue, in queue order: a paginated listing with echo,
  // include_claimed and include_delayed, so nothing is hidden. Bodies kept.
  Outcome<std::vector<ReceivedMessage>> read_all(const std::string& queue);

  // --check: opens the history for this level (the --history path, or a temporary file).
  Outcome<void> open_history(int concurrency);
  // --check: records a final read of each queue, closes the history, runs the checker and puts
  // its verdict in `stats`. The history file is removed when clean unless --history named it.
  Outcome<void> final_check(const std::vector<std::string>& queues, RunStats& stats);
  // Deletes the level's queues unless --keep-queues.
  void drop_queues(const std::vector<std::string>& queues);

  const BenchOptions& options_;
  const Target& target_;
  std::mt19937_64 rng_;
  std::string run_id_;  // unique per command run: keys never collide with an earlier run's
  ZaqarRequests admin_;
  BlockingClient client_;
  std::unique_ptr<HistoryFile> history_;
};

}  // namespace warren::bench
