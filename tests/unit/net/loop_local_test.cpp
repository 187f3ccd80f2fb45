// LoopLocal: one value per loop, one per thread off the loops; run_on() reaches another loop's.
#include "common/loop_local.h"

#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "net/loop_group.h"
#include "net/run_on.h"

namespace warren::net {
namespace {

using warren::LoopLocal;

using namespace std::chrono_literals;

struct Counter {
  int hits = 0;
};

TEST(LoopLocal, EachLoopHasItsOwnAndOffTheLoopsEachThread) {
  static LoopLocal<Counter> counter;
  LoopGroup loops(2, 50ms);
  EXPECT_EQ(EventLoop::current(), nullptr);
  counter->hits = 100;  // this thread's, off the loops
  std::vector<int> seen(2, -1);
  seen.reserve(3);  // loop 0 appends while loop 1 may have written its element
  std::vector<EventLoop*> current(2, nullptr);
  for (unsigned i = 0; i < 2; ++i) {
    boost::asio::post(loops.loop(i).context(), [&, i] {
      current[i] = EventLoop::current();
      counter->hits += static_cast<int>(i) + 1;
      seen[i] = counter->hits;
      if (i == 0) {
        // Loop 0 asks loop 1 for its value, on loop 1's thread, then stops everything.
        boost::asio::co_spawn(
            loops.loop(0).context(),
            [&]() -> boost::asio::awaitable<void> {
              const int other = co_await run_on(loops.loop(1), [] { return counter->hits; });
              seen.push_back(other);
              loops.shutdown(0ms);
            },
            boost::asio::detached);
      }
    });
  }
  loops.run();
  EXPECT_EQ(current[0], &loops.loop(0));
  EXPECT_EQ(current[1], &loops.loop(1));
  EXPECT_EQ(seen[0], 1);  // loop 0's own counter, not this thread's 100
  EXPECT_EQ(seen[1], 2);
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2], 2);  // loop 1's value, read on loop 1
  EXPECT_EQ(counter->hits, 100);
  std::thread other([] { EXPECT_EQ(counter->hits, 0); });  // another thread starts afresh
  other.join();
}

}  // namespace
}  // namespace warren::net
