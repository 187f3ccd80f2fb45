// The access log (--access-log PATH or "-" for stderr, --access-log-sample RATE): one line per
// sampled HTTP request, in the event log's format (common/log_line.h). Off, it costs the
// request path one relaxed load and one predictable branch (sampled()); a request sampled out
// allocates nothing.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/errors.h"

namespace warren::log {

// One answered request.
struct AccessEntry {
  std::string_view remote;  // the peer's address
  std::string_view method;
  std::string_view target;
  int status = 0;
  std::uint64_t bytes = 0;        // response bytes (header and body)
  std::uint64_t duration_us = 0;  // from the complete request to the response written out
  std::string_view code;          // the error table's name for an error answer, else empty
};

namespace detail {
// The sampling threshold out of 2^32: 0 when the access log is off.
extern std::atomic<std::uint64_t> g_access_threshold;
bool draw_sample(std::uint64_t threshold) noexcept;
}  // namespace detail

// Opens the access log: `path` is a file (appended to, created 0640) or "-" (stderr), and
// `rate` in [0, 1] the share of requests logged. Replaces the destination in force atomically
// (the same descriptor number is reused, so a reopen for log rotation loses no line). Errors:
// startup_failed (the file cannot be opened, or the rate is out of range). Not concurrent with
// itself; any thread.
Result<void> open_access_log(const std::string& path, double rate);
// Stops logging requests (the descriptor stays open for a later open_access_log()).
void close_access_log() noexcept;

// Whether this request is logged: false at once when the access log is off. Any thread.
inline bool access_sampled() noexcept {
  const std::uint64_t threshold = detail::g_access_threshold.load(std::memory_order_relaxed);
  if (threshold == 0) [[likely]] return false;
  return detail::draw_sample(threshold);
}

// Writes `entry` as one line (one write(2)). Any thread.
void access(const AccessEntry& entry) noexcept;

}  // namespace warren::log
