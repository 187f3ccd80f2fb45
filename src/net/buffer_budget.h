// BufferBudget: the process-wide bound on the bytes connections hold for requests that are
// still arriving (`--max-buffered-bytes`): read buffers grown past their first size and bodies
// gathered in pieces. Any loop thread reserves before it keeps more bytes and releases when it
// lets them go; a connection refused a reservation answers 503 and closes (http/connection.h), so
// slow clients holding half-sent bodies cannot exhaust memory together.
//
// Memory released after such a burst goes back to the operating system: the process's malloc
// keeps allocations from 256 KiB up in their own mappings (retain_less_heap(), called once at
// start-up), and trim() hands back freed heap pages once enough bytes were released.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace warren::net {

class BufferBudget {
 public:
  // `limit`: bytes that may be reserved at once (0: no limit).
  explicit BufferBudget(std::size_t limit) noexcept : limit_(limit) {}
  BufferBudget(const BufferBudget&) = delete;
  BufferBudget& operator=(const BufferBudget&) = delete;

  // Reserves `bytes`; false (nothing reserved) if that would pass the limit. Any thread.
  bool try_reserve(std::size_t bytes) noexcept;
  // Gives back bytes reserved before. Any thread.
  void release(std::size_t bytes) noexcept;

  std::size_t used() const noexcept { return used_.load(std::memory_order_relaxed); }
  std::size_t limit() const noexcept { return limit_.load(std::memory_order_relaxed); }
  // Changes the limit (SIGHUP; 0: none). Bytes already reserved over a lowered limit stay
  // reserved; new reservations wait until they fit. Any thread.
  void set_limit(std::size_t limit) noexcept { limit_.store(limit, std::memory_order_relaxed); }

  // Returns freed heap memory to the operating system (malloc_trim) when at least
  // `kTrimAfterBytes` were released since the last trim, at most once per `kTrimInterval`. Cheap
  // when there is nothing to do; called from the loops' ticks.
  void trim() noexcept;

  static constexpr std::size_t kTrimAfterBytes = 16 * 1024 * 1024;
  static constexpr std::chrono::seconds kTrimInterval{2};

 private:
  std::atomic<std::size_t> limit_;
  std::atomic<std::size_t> used_{0};
  std::atomic<std::size_t> released_since_trim_{0};
  std::atomic<std::int64_t> last_trim_ms_{0};
};

// The bytes one holder (a connection, a session) has reserved from a budget, kept equal to what
// it holds by hold(); released when it ends. A null budget bounds nothing. Loop thread only
// (the budget itself is shared).
class BudgetReservation {
 public:
  explicit BudgetReservation(BufferBudget* budget) noexcept : budget_(budget) {}
  BudgetReservation(const BudgetReservation&) = delete;
  BudgetReservation& operator=(const BudgetReservation&) = delete;
  ~BudgetReservation() {
    if (reserved_ > 0) budget_->release(reserved_);
  }

  // Makes the reservation `bytes`: releases the difference, or reserves it; false (the
  // reservation unchanged) when the budget refuses the growth.
  bool hold(std::size_t bytes) noexcept {
    if (budget_ == nullptr) return true;
    if (bytes > reserved_) {
      if (!budget_->try_reserve(bytes - reserved_)) return false;
    } else if (bytes < reserved_) {
      budget_->release(reserved_ - bytes);
    }
    reserved_ = bytes;
    return true;
  }

 private:
  BufferBudget* const budget_;
  std::size_t reserved_ = 0;
};

// Makes malloc serve allocations of 256 KiB and more from their own mappings, returned to the
// system when freed (glibc would otherwise raise that threshold as large blocks are freed, and
// keep request bodies' memory in its heap after the connections holding them closed). Call once
// at start-up, before the loops run.
void retain_less_heap() noexcept;

}  // namespace warren::net
