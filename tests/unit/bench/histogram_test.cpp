// Histogram: bucket layout is contiguous, percentiles stay within the promised 1/64 error.
#include "bench/histogram.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace warren::bench {
namespace {

TEST(Histogram, BucketsAreContiguousAndCoverEveryValue) {
  for (std::uint64_t v = 0; v < 100000; ++v) {
    const int i = Histogram::index_of(v);
    ASSERT_GE(v, Histogram::lowest_of(i)) << v;
    ASSERT_LT(v, Histogram::lowest_of(i) + Histogram::width_of(i)) << v;
  }
  for (int i = 1; i < Histogram::kBuckets - 1; ++i) {
    ASSERT_EQ(Histogram::lowest_of(i - 1) + Histogram::width_of(i - 1), Histogram::lowest_of(i));
  }
  EXPECT_LT(Histogram::index_of((std::uint64_t{1} << Histogram::kMaxBits) - 1),
            Histogram::kBuckets);
}

TEST(Histogram, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.percentile(0.99), 0u);
  EXPECT_EQ(h.max(), 0u);
}

TEST(Histogram, PercentilesWithinRelativeError) {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> dist(12.0, 1.5);  // ~160 us median, long tail
  std::vector<std::uint64_t> values;
  Histogram h;
  for (int i = 0; i < 200000; ++i) {
    const auto v = static_cast<std::uint64_t>(dist(rng));
    values.push_back(v);
    h.record(static_cast<std::int64_t>(v));
  }
  std::sort(values.begin(), values.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    const auto exact = static_cast<double>(values[static_cast<std::size_t>(q * values.size()) - 1]);
    const auto got = static_cast<double>(h.percentile(q));
    EXPECT_NEAR(got, exact, exact / 64 + 1) << "q=" << q;
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.count(), values.size());
}

TEST(Histogram, MergeAddsCounts) {
  Histogram a, b;
  for (int i = 0; i < 100; ++i) a.record(1000);
  for (int i = 0; i < 100; ++i) b.record(5000000);
  a.merge(b);
  EXPECT_EQ(a.count(), 200u);
  EXPECT_EQ(a.max(), 5000000u);
  EXPECT_NEAR(static_cast<double>(a.percentile(0.25)), 1000, 16);
  EXPECT_NEAR(static_cast<double>(a.percentile(0.75)), 5000000, 5000000 / 64);
}

TEST(Histogram, ClampsNegativeAndHuge) {
  Histogram h;
  h.record(-5);
  h.record(std::int64_t{1} << 50);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), (std::uint64_t{1} << Histogram::kMaxBits) - 1);
}

}  // namespace
}  // namespace warren::bench
