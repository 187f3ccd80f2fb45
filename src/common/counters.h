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
//
// Histogram is the same for a distribution (latencies): a cell per bucket, the sum and the
// count, each loop its own. Counters and histograms whose labels are known only at run time
// (one per HTTP route) are made once by Counter::make / Histogram::make and live as long as the
// process.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/loop_local.h"

namespace warren {

namespace detail {
// One loop's (one thread's) copies of every counter, on cache lines of their own. Registers
// itself with the registry while it lives and folds its counts into it when it ends.
struct alignas(64) CounterCells {
  static constexpr std::size_t kMaxCounters = 4096;  // cells: a histogram takes several
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
  void add(std::uint64_t n = 1) noexcept { add_in(*detail::counter_cells, n); }
  // The same with the calling loop's cells already at hand (detail::counter_cells.get()), for
  // a caller that counts several things at once.
  void add_in(detail::CounterCells& cells, std::uint64_t n = 1) noexcept {
    std::atomic<std::uint64_t>& mine = cells.values[id_];
    mine.store(mine.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  // Every copy summed, with the counts of threads that have ended. Any thread.
  std::uint64_t total() const;

  std::string_view name() const noexcept { return name_; }
  std::string_view labels() const noexcept { return labels_; }
  std::string_view help() const noexcept { return help_; }
  // Made by make() (one of a family whose labels are known at run time, like one per route):
  // the exposition leaves such a counter out while it is 0.
  bool made() const noexcept { return made_; }

  // Every counter registered, in registration order (per translation unit, the declaration
  // order). Any thread.
  static std::vector<const Counter*> all();
  // The counter of `name` with exactly `labels`, or null.
  static const Counter* find(std::string_view name, std::string_view labels);
  // The counter of `name` and `labels`, made (and kept until the process ends) if there is
  // none yet. For set-up (takes a lock); any thread.
  static Counter& make(std::string_view name, std::string_view labels, std::string_view help);

 private:
  std::size_t id_;
  std::string name_;
  std::string labels_;
  std::string help_;
  bool made_ = false;
};

class Histogram {
 public:
  // Registers the histogram, with the upper bounds of its buckets in seconds (ascending; the
  // +Inf bucket is implied). Only for objects of static storage duration; see make().
  Histogram(std::string_view name, std::string_view labels, std::string_view help,
            std::span<const double> bounds_seconds);
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Counts one observation of `ns` nanoseconds on the calling loop's (thread's) copy.
  void observe_ns(std::uint64_t ns) noexcept { observe_ns_in(*detail::counter_cells, ns); }
  // The same with the calling loop's cells at hand (see Counter::add_in).
  void observe_ns_in(detail::CounterCells& in, std::uint64_t ns) noexcept {
    std::size_t bucket = 0;
    while (bucket < bounds_ns_.size() && ns > bounds_ns_[bucket]) ++bucket;
    auto& cells = in.values;
    bump(cells[first_cell_ + bucket], 1);
    bump(cells[first_cell_ + bounds_ns_.size() + 1], ns);
    bump(cells[first_cell_ + bounds_ns_.size() + 2], 1);
  }

  // Every copy summed (see Counter::total). `cumulative[i]`: observations <= bounds()[i], the
  // last one (+Inf) all of them.
  struct Totals {
    std::vector<std::uint64_t> cumulative;
    double sum_seconds = 0;
    std::uint64_t count = 0;
  };
  Totals totals() const;

  std::string_view name() const noexcept { return name_; }
  std::string_view labels() const noexcept { return labels_; }
  std::string_view help() const noexcept { return help_; }
  std::span<const double> bounds() const noexcept { return bounds_; }

  // Every histogram registered, in registration order. Any thread.
  static std::vector<const Histogram*> all();
  // The histogram of `name` and `labels`, made (and kept until the process ends) if there is
  // none yet; an existing one keeps its bounds. For set-up (takes a lock); any thread.
  static Histogram& make(std::string_view name, std::string_view labels, std::string_view help,
                         std::span<const double> bounds_seconds);

 private:
  static void bump(std::atomic<std::uint64_t>& cell, std::uint64_t n) noexcept {
    cell.store(cell.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  std::size_t first_cell_;  // buckets (bounds + 1), then the sum (ns), then the count
  std::string name_;
  std::string labels_;
  std::string help_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> bounds_ns_;
};

}  // namespace warren
