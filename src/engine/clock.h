// Clock: where the engine reads wall-clock time. Tests inject a ManualClock and move time
// forward instead of sleeping.
#pragma once

#include <atomic>
#include <chrono>

#include "store/types.h"

namespace warren::engine {

class Clock {
 public:
  virtual ~Clock() = default;
  // Milliseconds since the Unix epoch.
  virtual store::TimeMs now() const noexcept = 0;
};

class SystemClock final : public Clock {
 public:
  store::TimeMs now() const noexcept override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// Time that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(store::TimeMs start = 1'700'000'000'000) : now_(start) {}
  store::TimeMs now() const noexcept override { return now_.load(); }
  void set(store::TimeMs t) noexcept { now_.store(t); }
  void advance(std::chrono::milliseconds by) noexcept { now_.fetch_add(by.count()); }

 private:
  std::atomic<store::TimeMs> now_;
};

}  // namespace warren::engine
