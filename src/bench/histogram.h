// A latency histogram with bounded relative error (HDR-style log-linear buckets), cheap enough
// to record every request of a load run: one shift, one add, no allocation.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace warren::bench {

// Records non-negative durations in nanoseconds, up to 2^40 ns (about 18 minutes; larger values
// are clamped). Each power-of-two range is split into 64 linear sub-buckets, so a reported
// percentile is within 1/64 (1.6 %) of the true value. Exact min, max, count and sum are kept.
class Histogram {
 public:
  static constexpr int kSubBits = 6;   // 64 sub-buckets per power of two
  static constexpr int kMaxBits = 40;  // values up to 2^40 ns
  static constexpr int kBuckets = (kMaxBits - kSubBits + 2) << kSubBits;

  Histogram();

  // Adds one sample. Negative values count as 0.
  void record(std::int64_t ns) noexcept {
    std::uint64_t v = ns < 0 ? 0 : static_cast<std::uint64_t>(ns);
    if (v >= kClamp) v = kClamp - 1;
    counts_[index_of(v)]++;
    count_++;
    sum_ += v;
    if (v > max_) max_ = v;
    if (v < min_) min_ = v;
  }

  // Adds every sample of `other` to this histogram.
  void merge(const Histogram& other) noexcept;
  // Forgets every sample.
  void reset() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t max() const noexcept { return count_ ? max_ : 0; }
  std::uint64_t min() const noexcept { return count_ ? min_ : 0; }
  double mean() const noexcept { return count_ ? static_cast<double>(sum_) / count_ : 0.0; }
  // The value at quantile q in [0, 1] (0.99 = p99): the midpoint of the bucket holding it,
  // clamped to [min, max]. 0 when empty.
  std::uint64_t percentile(double q) const noexcept;

  // Bucket index of a value (exposed for tests).
  static int index_of(std::uint64_t v) noexcept {
    const int msb = 63 - __builtin_clzll(v | 1);
    const int shift = msb <= kSubBits ? 0 : msb - kSubBits;
    // shift 0: index v in [0, 128); shift s > 0: v >> s in [64, 128), index s*64 + that, so
    // bucket ranges are contiguous: [128, 192) for s = 1, [192, 256) for s = 2, ...
    return (shift << kSubBits) + static_cast<int>(v >> shift);
  }
  // Lowest value that lands in bucket `index`.
  static std::uint64_t lowest_of(int index) noexcept;
  // Number of values that land in bucket `index`.
  static std::uint64_t width_of(int index) noexcept;

 private:
  static constexpr std::uint64_t kClamp = std::uint64_t{1} << kMaxBits;
  std::vector<std::uint32_t> counts_;
  std::uint64_t count_ = 0;
  std::uint64_t sum_ = 0;
  std::uint64_t max_ = 0;
  std::uint64_t min_ = ~std::uint64_t{0};
};

}  // namespace warren::bench
