// BufferBudget: an atomic count of reserved bytes against a limit, and heap trimming.
#include "net/buffer_budget.h"

#include <malloc.h>

namespace warren::net {

bool BufferBudget::try_reserve(std::size_t bytes) noexcept {
  std::size_t used = used_.load(std::memory_order_relaxed);
  const std::size_t limit = limit_.load(std::memory_order_relaxed);
  do {
    if (limit != 0 && (bytes > limit || used > limit - bytes)) return false;
  } while (!used_.compare_exchange_weak(used, used + bytes, std::memory_order_relaxed));
  return true;
}

void BufferBudget::release(std::size_t bytes) noexcept {
  used_.fetch_sub(bytes, std::memory_order_relaxed);
  released_since_trim_.fetch_add(bytes, std::memory_order_relaxed);
}

void BufferBudget::trim() noexcept {
  if (released_since_trim_.load(std::memory_order_relaxed) < kTrimAfterBytes) return;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
  std::int64_t last = last_trim_ms_.load(std::memory_order_relaxed);
  const std::int64_t interval = std::chrono::milliseconds(kTrimInterval).count();
  if (now - last < interval) return;
  // One loop trims; the others see the new time and skip.
  if (!last_trim_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) return;
  released_since_trim_.store(0, std::memory_order_relaxed);
  malloc_trim(0);
}

void retain_less_heap() noexcept {
  // Setting the threshold also turns off glibc's dynamic adjustment of it.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

}  // namespace warren::net
