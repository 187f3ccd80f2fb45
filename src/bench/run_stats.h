// What a load run measured: per-operation latency histograms and outcome counts, errors by
// kind, a per-second series, and the load generator's own CPU cost.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/histogram.h"

namespace warren::bench {

// Why a request did not succeed. Status classes count answers that are not 2xx.
enum class ErrorKind : std::uint8_t {
  kConnect,  // the connection could not be opened
  kRead,     // reset or closed while a response was awaited
  kWrite,    // the request could not be written
  kTimeout,  // no response within --timeout
  kParse,    // the bytes received were not an HTTP/1.x response
  kStatus3xx,
  kStatus4xx,
  kStatus5xx,
};
inline constexpr int kErrorKinds = 8;

// Stable lowercase name of an error kind, as used in reports and JSON ("connect", "4xx", ...).
const char* error_kind_name(ErrorKind kind) noexcept;

// The error kind of an HTTP status that is not 2xx (1xx counts with 5xx: never valid here).
ErrorKind error_kind_of_status(int status) noexcept;

using ErrorCounts = std::array<std::uint64_t, kErrorKinds>;

inline std::uint64_t total(const ErrorCounts& counts) noexcept {
  std::uint64_t sum = 0;
  for (auto c : counts) sum += c;
  return sum;
}

// One kind of request of a workload ("get", "post", "claim", "delete") or a derived latency
// ("end-to-end": post to delete).
struct OpStats {
  std::string name;
  Histogram latency;  // successful requests only, from intended send to full response
  std::uint64_t ok = 0;
  ErrorCounts errors{};
  std::uint64_t body_bytes = 0;  // response body bytes of successful requests
};

// One second of a run (completions by the second they completed in).
struct SecondStats {
  std::uint64_t ok = 0;
  std::uint64_t errors = 0;
  Histogram latency;  // every op of the second together
};

// A labelled counter a workload reports (messages delivered, empty claims, ...).
struct Counter {
  std::string name;
  std::uint64_t value = 0;
};

struct RunStats {
  std::vector<OpStats> ops;
  std::vector<OpStats> derived;  // latencies that are not requests (end-to-end); not in totals
  std::vector<SecondStats> series;
  std::vector<Counter> counters;
  std::uint64_t connect_errors = 0;
  std::uint64_t unfinished = 0;    // requests still in flight when the run stopped
  double unfinished_oldest_s = 0;  // how long the oldest of them had been waiting
  int starved_connections = 0;     // connections that got no response at all (never served)
  int connections = 0;
  int depth = 1;
  double rate = 0;        // target req/s, 0 = closed loop
  double elapsed_s = 0;   // wall time of the measured phase
  double cpu_user_s = 0;  // this process, measured phase
  double cpu_system_s = 0;
  int primary_counter = -1;  // counter whose rate is the workload's figure (msgs/s); -1 none

  // --check verdict of the level.
  bool check_ran = false;
  bool check_clean = true;
  std::string check_text;  // the checker's report for people
  std::string check_json;  // the checker's report as one JSON object

  // Registers an operation kind; returns its index for Issue::op.
  int add_op(std::string name);
  // Registers a derived latency; returns its index in `derived`.
  int add_derived(std::string name);
  // Registers a counter; returns its index in `counters`.
  int add_counter(std::string name);

  std::uint64_t total_ok() const noexcept;
  ErrorCounts total_errors() const noexcept;
  // All successful requests' latencies together.
  Histogram total_latency() const;
  // Requests completed per second of wall time.
  double throughput() const noexcept { return elapsed_s > 0 ? total_ok() / elapsed_s : 0; }
  // This process's CPU time per completed request, in microseconds.
  double cpu_us_per_request() const noexcept;
};

}  // namespace warren::bench
