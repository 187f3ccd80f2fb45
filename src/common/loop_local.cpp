// LoopSlots: the current slots of each thread, and slot ids.
#include "common/loop_local.h"

#include <atomic>

namespace warren {
namespace {

thread_local LoopSlots* t_entered = nullptr;  // a loop's slots, while it runs on this thread

LoopSlots& own_slots() {
  thread_local LoopSlots slots;  // a thread that runs no loop
  return slots;
}

}  // namespace

LoopSlots& LoopSlots::current() noexcept {
  return t_entered != nullptr ? *t_entered : own_slots();
}

LoopSlots::Enter::Enter(LoopSlots& slots) noexcept : outer_(t_entered) { t_entered = &slots; }

LoopSlots::Enter::~Enter() { t_entered = outer_; }

std::size_t LoopSlots::next_id() noexcept {
  static std::atomic<std::size_t> next{0};
  return next.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace warren
