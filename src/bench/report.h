// Reports of a load run: the human table on stdout and the full JSON document (--json).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "bench/options.h"
#include "bench/run_stats.h"

namespace warren::bench {

// One measured level of a command.
struct LevelResult {
  int concurrency = 0;
  RunStats stats;
};

// Prints the report of one level: throughput, latency percentiles per operation, errors by
// kind, the client's own CPU per request, and the per-second series.
void print_level(std::FILE* out, const BenchOptions& options, const LevelResult& level);

// Prints one row per level (for sweeps): throughput, latency percentiles, errors, client CPU.
void print_summary(std::FILE* out, const BenchOptions& options,
                   const std::vector<LevelResult>& levels);

// The whole result as JSON (format documented in bench/README.md).
std::string result_json(const BenchOptions& options, const std::vector<LevelResult>& levels);

// Messages per second of the workload's primary counter (claim: messages deleted); 0 if none.
double messages_per_s(const RunStats& stats);

// Formats nanoseconds for people: "412us", "3.21ms", "1.20s".
std::string format_duration(double ns);

}  // namespace warren::bench
