// RunStats: totals over operations, and the names of error kinds.
#include "bench/run_stats.h"

namespace warren::bench {

const char* error_kind_name(ErrorKind kind) noexcept {
  switch (kind) {
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kRead:
      return "read";
    case ErrorKind::kWrite:
      return "write";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kParse:
      return "parse";
    case ErrorKind::kStatus3xx:
      return "3xx";
    case ErrorKind::kStatus4xx:
      return "4xx";
    case ErrorKind::kStatus5xx:
      return "5xx";
  }
  return "?";
}

ErrorKind error_kind_of_status(int status) noexcept {
  if (status >= 300 && status < 400) return ErrorKind::kStatus3xx;
  if (status >= 400 && status < 500) return ErrorKind::kStatus4xx;
  return ErrorKind::kStatus5xx;
}

int RunStats::add_op(std::string name) {
  ops.push_back(OpStats{std::move(name), Histogram{}, 0, {}, 0});
  return static_cast<int>(ops.size()) - 1;
}

int RunStats::add_derived(std::string name) {
  derived.push_back(OpStats{std::move(name), Histogram{}, 0, {}, 0});
  return static_cast<int>(derived.size()) - 1;
}

int RunStats::add_counter(std::string name) {
  counters.push_back(Counter{std::move(name), 0});
  return static_cast<int>(counters.size()) - 1;
}

std::uint64_t RunStats::total_ok() const noexcept {
  std::uint64_t sum = 0;
  for (const auto& op : ops) sum += op.ok;
  return sum;
}

ErrorCounts RunStats::total_errors() const noexcept {
  ErrorCounts sum{};
  for (const auto& op : ops) {
    for (int i = 0; i < kErrorKinds; ++i) sum[i] += op.errors[i];
  }
  sum[static_cast<int>(ErrorKind::kConnect)] += connect_errors;
  return sum;
}

Histogram RunStats::total_latency() const {
  Histogram h;
  for (const auto& op : ops) h.merge(op.latency);
  return h;
}

double RunStats::cpu_us_per_request() const noexcept {
  const std::uint64_t n = total_ok() + total(total_errors());
  return n ? (cpu_user_s + cpu_system_s) * 1e6 / static_cast<double>(n) : 0;
}

}  // namespace warren::bench
