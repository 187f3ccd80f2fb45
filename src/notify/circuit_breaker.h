// CircuitBreaker: one webhook subscriber's health. Consecutive failed attempts (a timeout, a
// connection error, a 5xx) open it: the sender then attempts nothing for that subscriber
// until the backoff has passed, when one probe may go (half-open). A failed probe opens it
// again for twice as long, up to a cap; any success closes it. Time is given, never read.
#pragma once

#include <chrono>
#include <cstddef>

namespace warren::notify {

struct BreakerOptions {
  unsigned failures = 5;  // consecutive failures that open the breaker
  std::chrono::milliseconds backoff{std::chrono::seconds(1)};        // first open period
  std::chrono::milliseconds max_backoff{std::chrono::seconds(120)};  // the doubling's cap
};

class CircuitBreaker {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  enum class State { closed, open, half_open };

  State state() const noexcept { return state_; }
  // While open: when a probe may start.
  TimePoint open_until() const noexcept { return open_until_; }
  std::chrono::milliseconds backoff() const noexcept { return backoff_; }

  // A probe starts (open, at or after open_until(), no attempt in flight): half-open.
  void probe_started() noexcept;
  // The probe ended with neither success nor failure (nothing was attempted, e.g. a refused
  // address): open again, a probe may start at once.
  void probe_abandoned() noexcept;
  // An attempt was answered (2xx-4xx): closed, the failure count and backoff reset.
  void succeeded() noexcept;
  // An attempt failed at `now`. True if that opened the breaker (from closed after
  // `options.failures` in a row, or from half-open: the probe failed).
  bool failed(TimePoint now, const BreakerOptions& options) noexcept;

 private:
  State state_ = State::closed;
  unsigned consecutive_ = 0;
  std::chrono::milliseconds backoff_{0};
  TimePoint open_until_{};
};

}  // namespace warren::notify
