// A segment tree of per-chunk minima over a sliding window of chunk numbers. It answers "the
// first chunk at or after k where some message has key <= t" in O(log n), which is what makes a
// claim, a listing page or a reap step cost the same on a queue of 1,000,000 messages (half of
// them claimed) as on an empty one: claimed, delayed and expired runs are skipped a subtree at a
// time instead of message by message.
//
// Leaves are addressed by chunk number modulo the capacity (a power of two), so the window can
// slide forward forever; the owner keeps the window no wider than the capacity and rebuilds the
// tree when it must grow or shrink.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <vector>

#include "store/types.h"

namespace warren::store::memory {

// The per-message times the tree keeps minima of. A message is, at time `now`:
//   visible   iff key[kVisible]   <= now  (its delay has passed)
//   unclaimed iff key[kUnclaimed] <= now  (no live claim holds it)
//   claimable iff key[kAvailable] <= now  (both of the above)
//   expired   iff key[kExpires]   <= now
enum Key : int { kVisible, kUnclaimed, kAvailable, kExpires, kKeyCount };

inline constexpr TimeMs kNever = std::numeric_limits<TimeMs>::max();

struct Summary {
  std::array<TimeMs, kKeyCount> min{kNever, kNever, kNever, kNever};

  void lower(const Summary& other) noexcept {
    for (int k = 0; k < kKeyCount; ++k) {
      if (other.min[k] < min[k]) min[k] = other.min[k];
    }
  }
  friend bool operator==(const Summary&, const Summary&) = default;
};

class SummaryTree {
 public:
  // An empty tree of `capacity` leaves (a power of two).
  explicit SummaryTree(std::uint64_t capacity = 1);

  std::uint64_t capacity() const noexcept { return capacity_; }

  // Sets the leaf of chunk `k` exactly and recomputes its ancestors.
  void set(std::uint64_t k, const Summary& summary) noexcept;
  // Lowers the leaf of chunk `k` (and its ancestors) to at most `summary`: the cheap update for
  // changes that can only decrease minima (appends, releases).
  void lower(std::uint64_t k, const Summary& summary) noexcept;
  // Sets a leaf without touching ancestors; call build() after the last one.
  void set_leaf(std::uint64_t k, const Summary& summary) noexcept;
  // Recomputes every inner node from the leaves.
  void build() noexcept;

  // The first chunk number in [from, end) (end - from <= capacity) whose leaf has
  // min[key] <= bound, or `end` if there is none.
  std::uint64_t find_first(std::uint64_t from, std::uint64_t end, Key key,
                           TimeMs bound) const noexcept;

  // Minima over every leaf.
  const Summary& root() const noexcept { return nodes_[1]; }

  // Nodes find_first() has visited since construction (for tests of its cost).
  std::uint64_t nodes_visited() const noexcept { return visited_; }

 private:
  // First leaf position in [lo, hi) under `node` (covering [nlo, nhi)) with min[key] <= bound.
  std::uint64_t search(std::uint64_t node, std::uint64_t nlo, std::uint64_t nhi, std::uint64_t lo,
                       std::uint64_t hi, Key key, TimeMs bound) const noexcept;
  void pull(std::uint64_t node) noexcept;

  std::uint64_t capacity_;
  std::vector<Summary> nodes_;  // 1-based heap layout; leaves at [capacity_, 2 * capacity_)
  mutable std::uint64_t visited_ = 0;
};

}  // namespace warren::store::memory
