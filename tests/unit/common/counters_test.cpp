// Counter: per-loop copies summed on read, counts of ended threads and loops kept, the registry.
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

}  // namespace
}  // namespace warren
