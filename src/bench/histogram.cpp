// Histogram: merging and percentile lookup (recording is inline in the header).
#include "bench/histogram.h"

#include <algorithm>
#include <cmath>

namespace warren::bench {

Histogram::Histogram() : counts_(kBuckets, 0) {}

void Histogram::merge(const Histogram& other) noexcept {
  for (int i = 0; i < kBuckets; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  sum_ += other.sum_;
  if (other.count_) {
    max_ = std::max(max_, other.max_);
    min_ = std::min(min_, other.min_);
  }
}

void Histogram::reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = sum_ = max_ = 0;
  min_ = ~std::uint64_t{0};
}

std::uint64_t Histogram::lowest_of(int index) noexcept {
  const int shift = (index >> kSubBits) - 1;
  if (shift <= 0) return static_cast<std::uint64_t>(index);  // buckets 0..127 are exact
  return static_cast<std::uint64_t>(index - (shift << kSubBits)) << shift;
}

std::uint64_t Histogram::width_of(int index) noexcept {
  const int shift = (index >> kSubBits) - 1;
  return shift <= 0 ? 1 : std::uint64_t{1} << shift;
}

std::uint64_t Histogram::percentile(double q) const noexcept {
  if (count_ == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  // Rank of the wanted sample, 1-based: the smallest rank r with r >= q * count.
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * count_)));
  std::uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += counts_[i];
    if (seen >= rank) {
      const std::uint64_t mid = lowest_of(i) + (width_of(i) - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace warren::bench
