// BufferBudget: reservations against the limit, from several threads at once.
#include "net/buffer_budget.h"

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace warren::net {
namespace {

TEST(BufferBudget, ReservesUpToTheLimitAndNoFurther) {
  BufferBudget budget(1000);
  EXPECT_TRUE(budget.try_reserve(600));
  EXPECT_FALSE(budget.try_reserve(401));  // nothing is reserved by a refusal
  EXPECT_EQ(budget.used(), 600u);
  EXPECT_TRUE(budget.try_reserve(400));
  EXPECT_FALSE(budget.try_reserve(1));
  budget.release(1000);
  EXPECT_EQ(budget.used(), 0u);
  EXPECT_FALSE(budget.try_reserve(1001));
  EXPECT_FALSE(budget.try_reserve(SIZE_MAX));  // no wrap-around
}

TEST(BufferBudget, ALimitChangedLiveAppliesToNewReservations) {
  BufferBudget budget(1000);
  EXPECT_TRUE(budget.try_reserve(800));
  budget.set_limit(500);  // (SIGHUP) what is held stays held
  EXPECT_EQ(budget.used(), 800u);
  EXPECT_FALSE(budget.try_reserve(1));
  budget.release(800);
  EXPECT_TRUE(budget.try_reserve(500));
  EXPECT_FALSE(budget.try_reserve(1));
  budget.set_limit(0);  // none
  EXPECT_TRUE(budget.try_reserve(std::size_t{1} << 40));
}

TEST(BufferBudget, ZeroMeansNoLimit) {
  BufferBudget budget(0);
  EXPECT_TRUE(budget.try_reserve(std::size_t{1} << 40));
}

TEST(BufferBudget, ConcurrentReservationsNeverPassTheLimit) {
  BufferBudget budget(100 * 1000);
  std::atomic<std::size_t> granted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        if (budget.try_reserve(1000)) granted.fetch_add(1000);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(granted.load(), 100u * 1000u);
  EXPECT_EQ(budget.used(), 100u * 1000u);
}

}  // namespace
}  // namespace warren::net
