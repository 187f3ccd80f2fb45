// Counter registry: the counters declared, the live copies of every loop and thread, and the
// counts of those that ended.
#include "common/counters.h"

#include <mutex>
#include <stdexcept>

namespace warren {
namespace {

struct Registry {
  std::mutex mutex;
  std::vector<const Counter*> counters;
  std::vector<detail::CounterCells*> live;
  std::array<std::uint64_t, detail::CounterCells::kMaxCounters> retired{};
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
  if (r.counters.size() >= detail::CounterCells::kMaxCounters) {
    throw std::logic_error("too many counters: raise CounterCells::kMaxCounters");
  }
  id_ = r.counters.size();
  r.counters.push_back(this);
}

std::uint64_t Counter::total() const {
  Registry& r = registry();
  const std::lock_guard lock(r.mutex);
  std::uint64_t sum = r.retired[id_];
  for (const detail::CounterCells* cells : r.live) {
    sum += cells->values[id_].load(std::memory_order_relaxed);
  }
  return sum;
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

}  // namespace warren
