// LogLimiter: lets a recurring warning (a sender's drop counts, a breaker opening) be logged
// at most once per interval, asked from any thread without a lock; the others are skipped
// (their counts go on, and the next logged line carries them).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace warren::notify {

class LogLimiter {
 public:
  explicit LogLimiter(std::chrono::milliseconds interval) : interval_ms_(interval.count()) {}

  // True for the first call, then for the first call once `interval` has passed since the
  // last true; exactly one of concurrent callers gets it.
  bool due() noexcept {
    const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                 std::chrono::steady_clock::now().time_since_epoch())
                                 .count();
    std::int64_t last = last_ms_.load(std::memory_order_relaxed);
    if (last >= 0 && now - last < interval_ms_) return false;
    return last_ms_.compare_exchange_strong(last, now);
  }

 private:
  std::int64_t interval_ms_;
  std::atomic<std::int64_t> last_ms_{-1};
};

}  // namespace warren::notify
