// Counter registry: the counters declared, the live copies of every loop and thread, and the
// counts of those that ended.
#include "common/counters.h"

#include <algorithm>
#include <deque>
#include <mutex>
#include <stdexcept>

namespace warren {
namespace {

struct Registry {
  std::mutex mutex;
  std::size_t cells = 0;  // cells handed out
  std::vector<const Counter*> counters;
  std::vector<const Histogram*> histograms;
  std::deque<Counter> made_counters;      // Counter::make's, never destroyed
  std::deque<Histogram> made_histograms;  // Histogram::make's, never destroyed
  std::vector<detail::CounterCells*> live;
  std::array<std::uint64_t, detail::CounterCells::kMaxCounters> retired{};

  // `n` consecutive cells. Under `mutex`.
  std::size_t reserve(std::size_t n) {
    if (cells + n > detail::CounterCells::kMaxCounters) {
      throw std::logic_error("too many counters: raise CounterCells::kMaxCounters");
    }
    cells += n;
    return cells - n;
  }
  // Cell `id` summed over every copy. Under `mutex`.
  std::uint64_t sum(std::size_t id) const {
    std::uint64_t total = retired[id];
    for (const detail::CounterCells* c : live)
      total += c->values[id].load(std::memory_order_relaxed);
    return total;
  }
};

// Never destroyed: threads that end during the process's exit still fold their counts into it.
Registry& registry() {
  static Registry* const instance = new Registry();
  return *instance;
}

}  // namespace

detail::CounterCells::CounterCells() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  r.live.push_back(this);
}

detail::CounterCells::~CounterCells() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  for (std::size_t i = 0; i < kMaxCounters; ++i) {
    r.retired[i] += values[i].load(std::memory_order_relaxed);
  }
  std::erase(r.live, this);
}

Counter::Counter(std::string_view name, std::string_view labels, std::string_view help)
    : name_(name), labels_(labels), help_(help) {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  id_ = r.reserve(1);
  r.counters.push_back(this);
}

std::uint64_t Counter::total() const {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  return r.sum(id_);
}

std::vector<const Counter*> Counter::all() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  return r.counters;
}

const Counter* Counter::find(std::string_view name, std::string_view labels) {
  for (const Counter* counter : all()) {
    if (counter->name() == name && counter->labels() == labels) return counter;
  }
  return nullptr;
}

Counter& Counter::make(std::string_view name, std::string_view labels, std::string_view help) {
  static std::mutex making;  // one maker at a time: find, then construct (which locks the registry)
  const std::lock_guard lock(making);
  if (const Counter* found = find(name, labels)) return const_cast<Counter&>(*found);
  Registry& r = registry();
  std::deque<Counter>* made = nullptr;
  {
    const std::lock_guard registry_lock(r.mutex);
    made = &r.made_counters;
  }
  Counter& counter = made->emplace_back(name, labels, help);
  counter.made_ = true;
  return counter;
}

Histogram::Histogram(std::string_view name, std::string_view labels, std::string_view help,
                     std::span<const double> bounds_seconds)
    : name_(name),
      labels_(labels),
      help_(help),
      bounds_(bounds_seconds.begin(), bounds_seconds.end()) {
  for (double bound : bounds_) bounds_ns_.push_back(static_cast<std::uint64_t>(bound * 1e9));
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  first_cell_ = r.reserve(bounds_.size() + 3);
  r.histograms.push_back(this);
}

Histogram::Totals Histogram::totals() const {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  Totals totals;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += r.sum(first_cell_ + i);
    totals.cumulative.push_back(running);
  }
  totals.sum_seconds = static_cast<double>(r.sum(first_cell_ + bounds_.size() + 1)) / 1e9;
  // The count is read after the buckets: a concurrent observation may be in it and not in them,
  // so the +Inf bucket (which must equal the count) is taken as the larger of the two.
  totals.count = std::max(running, r.sum(first_cell_ + bounds_.size() + 2));
  totals.cumulative.back() = totals.count;
  return totals;
}

std::vector<const Histogram*> Histogram::all() {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  return r.histograms;
}

Histogram& Histogram::make(std::string_view name, std::string_view labels, std::string_view help,
                           std::span<const double> bounds_seconds) {
  static std::mutex making;
  const std::lock_guard lock(making);
  for (const Histogram* h : all()) {
    if (h->name() == name && h->labels() == labels) return const_cast<Histogram&>(*h);
  }
  Registry& r = registry();
  std::deque<Histogram>* made = nullptr;
  {
    const std::lock_guard registry_lock(r.mutex);
    made = &r.made_histograms;
  }
  return made->emplace_back(name, labels, help, bounds_seconds);
}

}  // namespace warren
