// LoopLocal<T>: state that each event loop keeps for itself (caches, scratch buffers, random
// generators, per-loop clients, counters), in one place instead of scattered thread_locals. The
// T of the loop running the caller is created on first use and lives as long as its loop; no
// lock guards it, for only that loop's thread touches it. Code that runs off the loops (start-up,
// the commit thread, the webhook sender, tests driving an io_context by hand) gets one T per
// thread instead, with the same contract.
//
//   static LoopLocal<Scratch> scratch;
//   Scratch& mine = scratch.get();   // this loop's
//
// The loops themselves (net::EventLoop) own a LoopSlots each and enter it while they run;
// another loop's T is reached on that loop's own thread (net::run_on). This lives in common/ so
// that every layer, stores included, can keep per-loop state without knowing the loops.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace warren {

// What a LoopLocal keeps in a loop.
struct LoopSlot {
  virtual ~LoopSlot() = default;
};

class LoopSlots;

namespace detail {
// The slots a loop entered on this thread (while it runs there), else null. Inline, so a
// LoopLocal lookup costs a thread-local load and no call.
inline thread_local LoopSlots* entered_slots = nullptr;
// The slots of this thread when it runs no loop.
LoopSlots& own_slots() noexcept;
}  // namespace detail

// The slots of one loop (or of one thread that runs none), by LoopLocal id.
class LoopSlots {
 public:
  // The slots of the loop running on this thread, or this thread's own.
  static LoopSlots& current() noexcept {
    LoopSlots* entered = detail::entered_slots;
    return entered != nullptr ? *entered : detail::own_slots();
  }

  // Makes `slots` the current ones on this thread while it lives (a loop's run()).
  class Enter {
   public:
    explicit Enter(LoopSlots& slots) noexcept;
    ~Enter();
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;

   private:
    LoopSlots* outer_;
  };

  std::unique_ptr<LoopSlot>& at(std::size_t id) {
    if (id >= slots_.size()) [[unlikely]] slots_.resize(id + 1);
    return slots_[id];
  }
  // The slot `id` if it was made, else null (never grows: the lookup of every LoopLocal use).
  LoopSlot* find(std::size_t id) const noexcept {
    return id < slots_.size() ? slots_[id].get() : nullptr;
  }

  // A slot id, distinct for every LoopLocal ever made.
  static std::size_t next_id() noexcept;

 private:
  std::vector<std::unique_ptr<LoopSlot>> slots_;
};

template <class T>
class LoopLocal {
 public:
  LoopLocal() : id_(LoopSlots::next_id()) {}
  LoopLocal(const LoopLocal&) = delete;
  LoopLocal& operator=(const LoopLocal&) = delete;

  // The calling loop's T (or, off the loops, the calling thread's). The first use on a loop
  // makes it, out of line, so the lookup stays a few instructions.
  T& get() {
    LoopSlots& slots = LoopSlots::current();
    LoopSlot* slot = slots.find(id_);
    if (slot == nullptr) [[unlikely]] slot = make(slots);
    return static_cast<Slot*>(slot)->value;
  }
  T& operator*() { return get(); }
  T* operator->() { return &get(); }

 private:
  struct Slot final : LoopSlot {
    T value = T();  // value-initialised (also for an explicit default constructor)
  };
  [[gnu::noinline, gnu::cold]] LoopSlot* make(LoopSlots& slots) {
    std::unique_ptr<LoopSlot>& slot = slots.at(id_);
    if (!slot) slot = std::make_unique<Slot>();
    return slot.get();
  }
  const std::size_t id_;
};

}  // namespace warren
