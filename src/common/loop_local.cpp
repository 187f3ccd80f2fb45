// LoopSlots: the current slots of each thread, and slot ids.
#include "common/loop_local.h"

#include <atomic>

namespace warren {

LoopSlots& detail::own_slots() noexcept {
  thread_local LoopSlots slots;  // a thread that runs no loop
  return slots;
}

LoopSlots::Enter::Enter(LoopSlots& slots) noexcept : outer_(detail::entered_slots) {
  detail::entered_slots = &slots;
}

LoopSlots::Enter::~Enter() { detail::entered_slots = outer_; }

std::size_t LoopSlots::next_id() noexcept {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace warren
