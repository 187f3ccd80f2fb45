// Counter: the one registry where subsystems count what happens (responses, pushes, webhook
// deliveries and drops), for the metrics exposition, logs and tests. A counter is declared once,
// with static storage duration, by a Prometheus-style name, an optional label set and a help
// text. Each event loop (each thread) increments its own copy, kept in its loop-local slots
// (common/loop_local.h): no lock, no read-modify-write instruction, no cache line shared with
// another loop. Reading sums every copy, from any thread at any time: a moment's view, each
// copy read whole. A thread's copies are folded into the total when it ends, so nothing counted
// is lost.
//
//   namespace { Counter answered("warren_http_responses_total", R"(code="2xx")", "..."); }
//   answered.add();          // on the hot path
//   answered.total();        // anywhere
//   Counter::all();          // every counter, for the exposition
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/loop_local.h"

namespace warren {

namespace detail {
// One loop's (one thread's) copies of every counter, on cache lines of their own. Registers
// itself with the registry while it lives and folds its counts into it when it ends.
struct alignas(64) CounterCells {
  static constexpr std::size_t kMaxCounters = 512;
  CounterCells();
  ~CounterCells();
  CounterCells(const CounterCells&) = delete;
  CounterCells& operator=(const CounterCells&) = delete;
  std::array<std::atomic<std::uint64_t>, kMaxCounters> values{};
};
inline LoopLocal<CounterCells> counter_cells;
}  // namespace detail

class Counter {
 public:
  // Registers the counter. Only for objects of static storage duration (a counter is never
  // unregistered); at most CounterCells::kMaxCounters in a process. `labels` is the inside of a
  // Prometheus label set (`code="2xx"`), empty for none; counters of one name share its help.
  Counter(std::string_view name, std::string_view labels, std::string_view help);
  Counter(const Counter&) = delete;
  Counter& operator=(const Counter&) = delete;

  // Counts `n` more on the calling loop's (thread's) copy.
  void add(std::uint64_t n = 1) noexcept {
    std::atomic<std::uint64_t>& mine = detail::counter_cells->values[id_];
    mine.store(mine.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Every copy summed, with the counts of threads that have ended. Any thread.
  std::uint64_t total() const;

  std::string_view name() const noexcept { return name_; }
  std::string_view labels() const noexcept { return labels_; }
  std::string_view help() const noexcept { return help_; }

  // Every counter registered, in registration order (per translation unit, the declaration
  // order). Any thread.
  static std::vector<const Counter*> all();
  // The counter of `name` with exactly `labels`, or null.
  static const Counter* find(std::string_view name, std::string_view labels);

 private:
  std::size_t id_;
  std::string name_;
  std::string labels_;
  std::string help_;
};

}  // namespace warren
