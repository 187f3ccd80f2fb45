// ConnectionLimit: the process-wide cap on open connections (--max-connections), shared by
// every loop's listener. A Slot holds one place and gives it back when destroyed.
#pragma once

#include <atomic>
#include <cstddef>
#include <utility>

namespace warren::net {

class ConnectionLimit {
 public:
  explicit ConnectionLimit(std::size_t max) noexcept : max_(max) {}

  class Slot {
   public:
    Slot() noexcept = default;
    Slot(Slot&& other) noexcept : limit_(std::exchange(other.limit_, nullptr)) {}
    Slot& operator=(Slot&& other) noexcept {
      if (this != &other) {
        reset();
        limit_ = std::exchange(other.limit_, nullptr);
      }
      return *this;
    }
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() { reset(); }

    explicit operator bool() const noexcept { return limit_ != nullptr; }
    void reset() noexcept {
      if (limit_) limit_->open_.fetch_sub(1, std::memory_order_relaxed);
      limit_ = nullptr;
    }

   private:
    friend class ConnectionLimit;
    explicit Slot(ConnectionLimit* limit) noexcept : limit_(limit) {}
    ConnectionLimit* limit_ = nullptr;
  };

  // A held slot, or an empty one when `max` connections are already open.
  Slot try_acquire() noexcept {
    std::size_t open = open_.load(std::memory_order_relaxed);
    while (open < max_.load(std::memory_order_relaxed)) {
      if (open_.compare_exchange_weak(open, open + 1, std::memory_order_relaxed)) {
        return Slot(this);
      }
    }
    return Slot();
  }

  std::size_t open() const noexcept { return open_.load(std::memory_order_relaxed); }
  std::size_t max() const noexcept { return max_.load(std::memory_order_relaxed); }
  // Changes the cap (SIGHUP): connections already open over a lowered cap stay open; new ones
  // wait until fewer are. Any thread.
  void set_max(std::size_t max) noexcept { max_.store(max, std::memory_order_relaxed); }

 private:
  std::atomic<std::size_t> max_;
  std::atomic<std::size_t> open_{0};
};

}  // namespace warren::net
