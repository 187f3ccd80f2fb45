// EventLoop: deadline ticks reach attached connections; shutdown asks them to finish, then
// force-closes the stragglers after the grace period, and run() returns once none is left.
#include "net/event_loop.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

namespace warren::net {
namespace {

class FakeConnection final : public Connection {
 public:
  explicit FakeConnection(EventLoop& loop, bool finishes_on_request)
      : loop_(loop), finishes_on_request_(finishes_on_request) {
    loop_.attach(*this);
  }
  ~FakeConnection() override { loop_.detach(*this); }

  void check_deadline(SteadyTime) override { ++ticks; }
  void begin_shutdown() override {
    asked = true;
    if (finishes_on_request_) done();
  }
  void force_close() override {
    forced = true;
    done();
  }

  int ticks = 0;
  bool asked = false;
  bool forced = false;

 private:
  void done() {
    boost::asio::post(loop_.context(), [this] { loop_.detach(*this); });
  }
  EventLoop& loop_;
  bool finishes_on_request_;
};

TEST(EventLoop, TicksReachConnectionsAndShutdownDrains) {
  EventLoop loop(0, std::chrono::milliseconds(10));
  FakeConnection polite(loop, true);
  FakeConnection stubborn(loop, false);
  EXPECT_EQ(loop.connection_count(), 2u);
  bool hook_ran = false;
  loop.add_shutdown_hook([&] { hook_ran = true; });
  boost::asio::steady_timer later(loop.context());
  later.expires_after(std::chrono::milliseconds(60));
  later.async_wait([&](auto) { loop.shutdown(std::chrono::milliseconds(50)); });
  const auto started = SteadyClock::now();
  loop.run();
  EXPECT_TRUE(hook_ran);
  EXPECT_GT(polite.ticks, 0);
  EXPECT_TRUE(polite.asked);
  EXPECT_FALSE(polite.forced);
  EXPECT_TRUE(stubborn.asked);
  EXPECT_TRUE(stubborn.forced);
  EXPECT_EQ(loop.connection_count(), 0u);
  EXPECT_LT(SteadyClock::now() - started, std::chrono::seconds(5));
}

TEST(EventLoop, ShutdownWithoutConnectionsReturnsAtOnce) {
  EventLoop loop(0, std::chrono::milliseconds(10));
  loop.shutdown(std::chrono::seconds(30));
  const auto started = SteadyClock::now();
  loop.run();
  EXPECT_LT(SteadyClock::now() - started, std::chrono::seconds(1));
}

}  // namespace
}  // namespace warren::net
