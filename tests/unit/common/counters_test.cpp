// Counter and Histogram: per-loop copies summed on read, counts of ended threads and loops
// kept, the registry, and those made at run time.
#include "common/counters.h"

#include <algorithm>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace warren {
namespace {

Counter first("warren_test_events_total", R"(kind="first")", "Events counted by the test.");
Counter second("warren_test_events_total", R"(kind="second")", "Events counted by the test.");
Counter plain("warren_test_plain_total", "", "A counter without labels.");

TEST(Counter, EveryThreadsCountsAreSummedAndKeptAfterItEnds) {
  const std::uint64_t before = first.total();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([] {
      for (int i = 0; i < 100000; ++i) first.add();
    });
  }
  // Reading while they count sees a moment's view, never more than was counted.
  EXPECT_LE(first.total() - before, 400000u);
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(first.total() - before, 400000u);
}

TEST(Counter, EachLoopKeepsItsOwnCopyAndItsCountsOutliveIt) {
  const std::uint64_t before = second.total();
  auto loop_a = std::make_unique<LoopSlots>();
  auto loop_b = std::make_unique<LoopSlots>();
  {
    LoopSlots::Enter running(*loop_a);
    second.add(5);
  }
  {
    LoopSlots::Enter running(*loop_b);
    second.add(7);
  }
  EXPECT_EQ(second.total() - before, 12u);
  loop_a.reset();  // a loop that ends folds its counts into the total
  EXPECT_EQ(second.total() - before, 12u);
  {
    LoopSlots::Enter running(*loop_b);
    second.add();
  }
  EXPECT_EQ(second.total() - before, 13u);
}

TEST(Counter, TheRegistryListsEveryCounterWithItsLabelsAndHelp) {
  const std::vector<const Counter*> all = Counter::all();
  const auto at = [&](const Counter& c) { return std::find(all.begin(), all.end(), &c); };
  ASSERT_NE(at(first), all.end());
  ASSERT_NE(at(plain), all.end());
  EXPECT_LT(at(first), at(second));  // declaration order within a file
  EXPECT_LT(at(second), at(plain));
  EXPECT_EQ(second.name(), "warren_test_events_total");
  EXPECT_EQ(second.labels(), R"(kind="second")");
  EXPECT_EQ(plain.labels(), "");
  EXPECT_EQ(plain.help(), "A counter without labels.");
  EXPECT_EQ(Counter::find("warren_test_events_total", R"(kind="second")"), &second);
  EXPECT_EQ(Counter::find("warren_test_events_total", ""), nullptr);
  plain.add(3);
  EXPECT_GE(plain.total(), 3u);
}

constexpr double kBounds[] = {0.001, 0.01, 0.1};
Histogram latency("warren_test_latency_seconds", R"(kind="x")", "A test histogram.", kBounds);

TEST(Histogram, BucketsAreCumulativeWithSumAndCountOverEveryThread) {
  const Histogram::Totals before = latency.totals();
  std::thread other([] { latency.observe_ns(50'000'000); });  // 0.05 s: the third bucket
  latency.observe_ns(500'000);                                 // 0.5 ms: the first
  latency.observe_ns(1'000'000);                               // exactly 1 ms: still the first
  latency.observe_ns(2'000'000'000);                           // 2 s: only +Inf
  other.join();
  const Histogram::Totals after = latency.totals();
  ASSERT_EQ(after.cumulative.size(), 4u);
  EXPECT_EQ(after.cumulative[0] - before.cumulative[0], 2u);
  EXPECT_EQ(after.cumulative[1] - before.cumulative[1], 2u);
  EXPECT_EQ(after.cumulative[2] - before.cumulative[2], 3u);
  EXPECT_EQ(after.cumulative[3] - before.cumulative[3], 4u);
  EXPECT_EQ(after.count - before.count, 4u);
  EXPECT_NEAR(after.sum_seconds - before.sum_seconds, 2.0515, 1e-9);
}

TEST(Histogram, AndCountersMadeAtRunTimeAreMadeOnceAndListed) {
  Counter& a = Counter::make("warren_test_made_total", R"(route="/a")", "Made at run time.");
  Counter& again = Counter::make("warren_test_made_total", R"(route="/a")", "Made at run time.");
  EXPECT_EQ(&a, &again);
  EXPECT_TRUE(a.made());
  EXPECT_FALSE(plain.made());
  a.add(2);
  EXPECT_EQ(Counter::find("warren_test_made_total", R"(route="/a")")->total(), 2u);
  Histogram& h = Histogram::make("warren_test_made_seconds", "", "Made.", kBounds);
  EXPECT_EQ(&h, &Histogram::make("warren_test_made_seconds", "", "Made.", kBounds));
  const auto all = Histogram::all();
  EXPECT_NE(std::find(all.begin(), all.end(), &h), all.end());
  EXPECT_NE(std::find(all.begin(), all.end(), &latency), all.end());
}

}  // namespace
}  // namespace warren
