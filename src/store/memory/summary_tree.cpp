// The per-chunk minima tree behind every O(log n) search of the memory engine.
#include "store/memory/summary_tree.h"

namespace warren::store::memory {

namespace {
constexpr std::uint64_t kNone = ~std::uint64_t{0};
}

SummaryTree::SummaryTree(std::uint64_t capacity) : capacity_(capacity), nodes_(2 * capacity) {}

void SummaryTree::pull(std::uint64_t node) noexcept {
  Summary s = nodes_[2 * node];
  s.lower(nodes_[2 * node + 1]);
  nodes_[node] = s;
}

void SummaryTree::set(std::uint64_t k, const Summary& summary) noexcept {
  std::uint64_t node = capacity_ + (k & (capacity_ - 1));
  nodes_[node] = summary;
  for (node >>= 1; node >= 1; node >>= 1) {
    Summary before = nodes_[node];
    pull(node);
    if (nodes_[node] == before) break;  // ancestors above are unchanged too
  }
}

void SummaryTree::lower(std::uint64_t k, const Summary& summary) noexcept {
  for (std::uint64_t node = capacity_ + (k & (capacity_ - 1)); node >= 1; node >>= 1) {
    Summary before = nodes_[node];
    nodes_[node].lower(summary);
    if (nodes_[node] == before) break;
  }
}

void SummaryTree::set_leaf(std::uint64_t k, const Summary& summary) noexcept {
  nodes_[capacity_ + (k & (capacity_ - 1))] = summary;
}

void SummaryTree::build() noexcept {
  for (std::uint64_t node = capacity_ - 1; node >= 1; --node) pull(node);
}

std::uint64_t SummaryTree::search(std::uint64_t node, std::uint64_t nlo, std::uint64_t nhi,
                                  std::uint64_t lo, std::uint64_t hi, Key key,
                                  TimeMs bound) const noexcept {
  ++visited_;
  if (nhi <= lo || hi <= nlo || nodes_[node].min[key] > bound) return kNone;
  if (nhi - nlo == 1) return nlo;
  std::uint64_t mid = nlo + (nhi - nlo) / 2;
  std::uint64_t found = search(2 * node, nlo, mid, lo, hi, key, bound);
  if (found != kNone) return found;
  return search(2 * node + 1, mid, nhi, lo, hi, key, bound);
}

std::uint64_t SummaryTree::find_first(std::uint64_t from, std::uint64_t end, Key key,
                                      TimeMs bound) const noexcept {
  if (from >= end) return end;
  std::uint64_t length = end - from;
  std::uint64_t start = from & (capacity_ - 1);
  // The window [from, end) is one or two runs of leaf positions.
  std::uint64_t first_run = length < capacity_ - start ? length : capacity_ - start;
  std::uint64_t found = search(1, 0, capacity_, start, start + first_run, key, bound);
  if (found != kNone) return from + (found - start);
  if (first_run == length) return end;
  found = search(1, 0, capacity_, 0, length - first_run, key, bound);
  if (found != kNone) return from + first_run + found;
  return end;
}

}  // namespace warren::store::memory
