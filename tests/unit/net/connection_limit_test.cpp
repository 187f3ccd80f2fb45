// ConnectionLimit: slots are handed out up to the limit and come back when dropped.
#include "net/connection_limit.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace warren::net {
namespace {

TEST(ConnectionLimit, HandsOutAtMostMaxSlots) {
  ConnectionLimit limit(2);
  auto a = limit.try_acquire();
  auto b = limit.try_acquire();
  auto c = limit.try_acquire();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(c);
  EXPECT_EQ(limit.open(), 2u);
  a.reset();
  EXPECT_EQ(limit.open(), 1u);
  EXPECT_TRUE(limit.try_acquire());
}

TEST(ConnectionLimit, ACapChangedLiveKeepsOpenSlots) {
  ConnectionLimit limit(3);
  auto a = limit.try_acquire();
  auto b = limit.try_acquire();
  limit.set_max(1);  // (SIGHUP) the two open stay open; none more until fewer than one
  EXPECT_EQ(limit.max(), 1u);
  EXPECT_FALSE(limit.try_acquire());
  a.reset();
  b.reset();
  auto c = limit.try_acquire();
  EXPECT_TRUE(c);
  EXPECT_FALSE(limit.try_acquire());
  limit.set_max(2);
  EXPECT_TRUE(limit.try_acquire());
}

TEST(ConnectionLimit, SlotsMoveWithoutDoubleRelease) {
  ConnectionLimit limit(1);
  auto a = limit.try_acquire();
  ConnectionLimit::Slot b = std::move(a);
  EXPECT_FALSE(a);
  EXPECT_TRUE(b);
  EXPECT_EQ(limit.open(), 1u);
  b = ConnectionLimit::Slot();
  EXPECT_EQ(limit.open(), 0u);
}

TEST(ConnectionLimit, ConcurrentAcquirersNeverExceedTheLimit) {
  ConnectionLimit limit(100);
  std::vector<std::thread> threads;
  std::atomic<int> granted{0};
  std::vector<std::vector<ConnectionLimit::Slot>> held(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (auto slot = limit.try_acquire()) {
          ++granted;
          held[static_cast<std::size_t>(t)].push_back(std::move(slot));
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(granted.load(), 100);
  EXPECT_EQ(limit.open(), 100u);
}

}  // namespace
}  // namespace warren::net
