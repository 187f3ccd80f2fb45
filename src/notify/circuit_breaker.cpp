// CircuitBreaker's transitions.
#include "notify/circuit_breaker.h"

#include <algorithm>

namespace warren::notify {

void CircuitBreaker::probe_started() noexcept {
  if (state_ == State::open) state_ = State::half_open;
}

void CircuitBreaker::probe_abandoned() noexcept {
  if (state_ == State::half_open) state_ = State::open;
}

void CircuitBreaker::succeeded() noexcept {
  state_ = State::closed;
  consecutive_ = 0;
  backoff_ = std::chrono::milliseconds(0);
}

bool CircuitBreaker::failed(TimePoint now, const BreakerOptions& options) noexcept {
  ++consecutive_;
  switch (state_) {
    case State::closed:
      if (consecutive_ < std::max(1u, options.failures)) return false;
      backoff_ = options.backoff;
      break;
    case State::half_open:
      backoff_ = std::min(backoff_ * 2, std::max(options.max_backoff, options.backoff));
      break;
    case State::open:
      return false;  // an attempt that started before it opened
  }
  state_ = State::open;
  open_until_ = now + backoff_;
  return true;
}

}  // namespace warren::notify
